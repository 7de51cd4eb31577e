package sheet

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/huifang/huifang"
)

// What a file may unpack to. A workbook is a zip archive, and a few
// megabytes of it can inflate to gigabytes (a "zip bomb"); a CSV file can
// hold one endless line. Every limit is checked while reading, on the bytes
// actually produced, never on sizes a file declares about itself.
const (
	maxUnpacked = 2 << 30   // everything a workbook unpacks to, streamed
	maxPartSize = 16 << 20  // workbook, relationships, styles: parsed whole
	maxToken    = 1 << 20   // one XML tag or run of text, buffered by the decoder
	maxCellSize = 128 << 10 // Excel holds at most 32,767 characters in a cell
	maxRowSize  = 4 << 20   // the cells of one row
	maxSSTSize  = 128 << 20 // the shared-string table, held in memory with its index
	maxRows     = 1 << 20   // Excel's limit (1,048,576 rows)
	maxColumns  = 16384     // Excel's limit (column XFD)
	maxLineSize = 1 << 20   // one line of a CSV file
)

// tooBigError is a file refused for what it unpacks to.
type tooBigError struct{ what huifang.Msg }

func (e *tooBigError) Error() string { return "too big: " + e.what.String() }

// message is the user's message: what went over which limit.
func (e *tooBigError) message() error {
	return invalid("err.sheet.unpacked_too_large", e.what)
}

func tooBig(key string, args ...any) *tooBigError {
	return &tooBigError{what: huifang.M(key, args...)}
}

// size renders a limit in bytes for a message.
func size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// partReader feeds one part of a workbook to the XML decoder, which reads
// it byte by byte through io.ByteReader. It stops the part at its limit,
// each token at maxToken (the decoder buffers a whole tag or run of text
// before returning it) and the workbook at its total. One counter, left,
// runs down per byte; the three limits are settled when it reaches zero or
// a token begins.
type partReader struct {
	r     *bufio.Reader
	name  string
	part  int64  // bytes this part may still produce
	token int64  // bytes the current token may still take
	total *int64 // bytes the whole workbook may still produce
	grant int64  // what left was set to
	left  int64  // bytes that may be read before settling
}

func newPartReader(r io.Reader, name string, limit int64, total *int64) *partReader {
	p := &partReader{r: bufio.NewReaderSize(r, 32<<10), name: name, part: limit, total: total}
	p.setToken(maxToken)
	return p
}

// settle charges the bytes read since the last settling to every limit.
func (p *partReader) settle() {
	used := p.grant - p.left
	p.part, p.token, *p.total = p.part-used, p.token-used, *p.total-used
	p.grant, p.left = 0, 0
}

// allow lets the reader run down the least of the three limits.
func (p *partReader) allow() {
	p.grant = max(0, min(p.part, p.token, *p.total))
	p.left = p.grant
}

// setToken gives the next token n bytes.
func (p *partReader) setToken(n int64) {
	p.settle()
	p.token = n
	p.allow()
}

// nextToken allows the next token its own maxToken bytes.
func (p *partReader) nextToken() { p.setToken(maxToken) }

func (p *partReader) ReadByte() (byte, error) {
	if p.left <= 0 {
		p.settle()
		switch {
		case *p.total <= 0:
			return 0, tooBig("err.sheet.workbook_too_large", size(maxUnpacked))
		case p.part <= 0:
			return 0, tooBig("err.sheet.part_too_large", p.name, size(maxPartSize))
		case p.token <= 0:
			return 0, tooBig("err.sheet.token_too_large", p.name, size(maxToken))
		}
		p.allow()
	}
	c, err := p.r.ReadByte()
	if err == nil {
		p.left--
	}
	return c, err
}

func (p *partReader) Read(b []byte) (int, error) {
	for i := range b {
		c, err := p.ReadByte()
		if err != nil {
			return i, err
		}
		b[i] = c
	}
	return len(b), nil
}

// sstMemory is the memory all workbooks read at the same time may hold in
// shared-string tables, in blocks of sstBlock bytes: a few bombs uploaded
// together cannot take more than this between them.
var sstMemory = make(chan struct{}, 256<<20/sstBlock)

const (
	sstBlock = 1 << 20
	sstWait  = time.Minute
)

var errBusy = errors.New("shared-string memory busy")

// reserveMu lets one reader reserve at a time, so that two readers never
// wait for each other, each holding part of what it needs.
var reserveMu sync.Mutex

// reserveBlocks takes n blocks of sstMemory at once, waiting up to sstWait
// for other readers to give theirs back.
func reserveBlocks(n int) error {
	reserveMu.Lock()
	defer reserveMu.Unlock()
	t := time.NewTimer(sstWait)
	defer t.Stop()
	for i := range n {
		select {
		case sstMemory <- struct{}{}:
		case <-t.C:
			releaseBlocks(i)
			return errBusy
		}
	}
	return nil
}

func releaseBlocks(n int) {
	for range n {
		<-sstMemory
	}
}
