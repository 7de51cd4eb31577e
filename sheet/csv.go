package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/huifang/huifang"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// csvRows reads a CSV file, one record at a time.
type csvRows struct {
	r      *csv.Reader
	lim    *lineLimit
	enc    encoding
	header bool
	last   int // cells in the row returned last, without empty ones at its end
	width  int // number of columns, set by the header
	line   int
	end    int // the last line of the record read last
}

// encoding is how a CSV file's bytes are read.
type encoding int

const (
	encUTF8    encoding = iota
	encUTF8BOM          // UTF-8 announced by a byte-order mark
	encGB               // GB18030, a superset of GBK and GB2312
	encUTF16
)

var utf8BOM = []byte("\xEF\xBB\xBF")

// openCSV decides the encoding from head, the first bytes of the file, and
// the separator from the first line.
func openCSV(r io.ReaderAt, size int64, head []byte) (Rows, error) {
	src := io.NewSectionReader(r, 0, size)
	var text io.Reader
	var enc encoding
	switch {
	case bytes.HasPrefix(head, []byte("\xFF\xFE")), bytes.HasPrefix(head, []byte("\xFE\xFF")):
		// Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated.
		text, enc = transform.NewReader(src, xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder()), encUTF16
	case utf16NoBOM(head):
		// UTF-16 without a byte-order mark, as some programs write it.
		_, order := utf16Order(head)
		text, enc = transform.NewReader(src, xunicode.UTF16(order, xunicode.IgnoreBOM).NewDecoder()), encUTF16
	case bytes.HasPrefix(head, utf8BOM):
		// A byte-order mark says UTF-8, but some programs put it before GBK
		// text: the text decides.
		src = io.NewSectionReader(r, int64(len(utf8BOM)), size-int64(len(utf8BOM)))
		text, enc = src, encUTF8BOM
		if rest := head[len(utf8BOM):]; !looksUTF8(rest, int64(len(head)) < size) && !mixedUTF8(rest) {
			text, enc = transform.NewReader(src, simplifiedchinese.GB18030.NewDecoder()), encGB
		}
	case looksUTF8(head, int64(len(head)) < size), mixedUTF8(head):
		// Mixed: read as UTF-8, for Next to name the first line that is not.
		text, enc = src, encUTF8
	default:
		// GB18030 is a superset of GBK and GB2312, what Excel writes on Chinese Windows.
		text, enc = transform.NewReader(src, simplifiedchinese.GB18030.NewDecoder()), encGB
	}
	br := bufio.NewReaderSize(text, sniffSize)
	peek, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if len(bytes.TrimSpace(peek)) == 0 {
		return nil, invalid("err.sheet.empty")
	}
	if !textual(peek) {
		return nil, invalid("err.sheet.binary")
	}
	text = br
	if bytes.IndexByte(peek, '\n') < 0 && bytes.IndexByte(peek, '\r') >= 0 {
		// Lines ended by a carriage return alone, as "CSV (Macintosh)" and
		// old Mac programs write them: read as the lines they are, where
		// encoding/csv would see one endless line.
		text = crReader{br}
		peek = bytes.ReplaceAll(peek, []byte("\r"), []byte("\n"))
	}
	lim := &lineLimit{r: text, sep: byte(separator(peek)), line: 1, stop: maxLineSize}
	cr := csv.NewReader(lim)
	cr.Comma = rune(lim.sep)
	cr.FieldsPerRecord = -1 // checked by Next, which can tell empty lines apart
	cr.ReuseRecord = true
	return &csvRows{r: cr, lim: lim, enc: enc}, nil
}

func utf16NoBOM(head []byte) bool { ok, _ := utf16Order(head); return ok }

// utf16Order tells whether head is UTF-16 text without a byte-order mark,
// and its byte order: in such
// text many characters of a CSV file (digits, separators, line ends) are
// ASCII, one zero byte in each pair, always on the same side. In other text
// a zero byte is rare.
func utf16Order(head []byte) (bool, xunicode.Endianness) {
	head = head[:min(len(head), 4096)&^1]
	var le, be int
	for i := 0; i < len(head); i += 2 {
		switch {
		case head[i] != 0 && head[i+1] == 0:
			le++
		case head[i] == 0 && head[i+1] != 0:
			be++
		}
	}
	pairs := len(head) / 2
	switch {
	case pairs > 0 && le*4 >= pairs && be*20 <= le:
		return true, xunicode.LittleEndian
	case pairs > 0 && be*4 >= pairs && le*20 <= be:
		return true, xunicode.BigEndian
	}
	return false, xunicode.LittleEndian
}

// crReader turns carriage returns into line feeds.
type crReader struct{ r io.Reader }

func (c crReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// lineLimit stops a line longer than maxLineSize, and a record (a quoted
// field may span lines) longer than that, before encoding/csv holds it in
// memory: a 10 MB line, or a quote never closed in a large file, would
// otherwise be read whole.
type lineLimit struct {
	r    io.Reader
	sep  byte  // the separator, counted to stop a row of too many cells early
	line int   // lines begun
	run  int   // bytes since the last line feed
	seps int   // separators since the last line feed
	read int64 // bytes read
	stop int64 // read may not pass this before the next record is read
}

// errLineTooLong and errRecordTooLong are found by Next.
var (
	errLineTooLong   = errors.New("line too long")
	errRecordTooLong = errors.New("record too long")
	errTooManyCells  = errors.New("too many cells")
)

// nextRecord lets the next record have its own maxLineSize bytes (beyond
// what encoding/csv has buffered already).
func (l *lineLimit) nextRecord() { l.stop = l.read + maxLineSize }

func (l *lineLimit) Read(p []byte) (int, error) {
	if l.read >= l.stop {
		return 0, errRecordTooLong
	}
	p = p[:min(int64(len(p)), l.stop-l.read)]
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		switch {
		case b == '\n':
			l.line++
			l.run, l.seps = 0, 0
			continue
		case b == l.sep:
			if l.seps++; l.seps >= maxColumns {
				l.read += int64(i)
				return i, errTooManyCells
			}
		}
		if l.run++; l.run > maxLineSize {
			l.read += int64(i)
			return i, errLineTooLong
		}
	}
	l.read += int64(n)
	return n, err
}

// looksUTF8 reports whether head is UTF-8. A window cut from a longer file may
// end inside a character; a file with a few stray bytes among many UTF-8
// characters is still UTF-8, whereas GBK text is almost never valid UTF-8.
func looksUTF8(head []byte, cut bool) bool {
	if cut {
		for i := 1; i <= 3 && i <= len(head); i++ {
			c := head[len(head)-i]
			if c < 0x80 {
				break
			}
			if c >= 0xC0 { // the first byte of the last character
				if !utf8.FullRune(head[len(head)-i:]) {
					head = head[:len(head)-i]
				}
				break
			}
		}
	}
	if utf8.Valid(head) {
		return true
	}
	var good, bad int
	for len(head) > 0 {
		r, n := utf8.DecodeRune(head)
		head = head[n:]
		if r == utf8.RuneError && n == 1 {
			bad++
		} else if n > 1 {
			good++
		}
	}
	return bad*20 < good
}

// mixedUTF8 reports whether head has both lines of Chinese (or other
// non-ASCII) text in UTF-8 and lines that are not UTF-8: a file pieced
// together from programs that save in different encodings. A line of GBK
// with two or more Chinese characters is almost never valid UTF-8.
func mixedUTF8(head []byte) bool {
	var good, bad bool
	lines := bytes.Split(head, []byte("\n"))
	for _, line := range lines[:max(1, len(lines)-1)] { // the last may be cut
		switch {
		case !utf8.Valid(line):
			bad = true
		case utf8.RuneCount(line) <= len(line)-4: // two or more multi-byte characters
			good = true
		}
	}
	return good && bad
}

// textual reports whether b (decoded to UTF-8) reads as text: at most 2% of
// its characters (or three) are control characters. Characters that are not
// in the file's encoding are a matter for Next, which names their line.
func textual(b []byte) bool {
	var total, bad int
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		total++
		switch {
		case r == '\t', r == '\n', r == '\r', r == '\f', r == '\v', r == 0x1A: // 0x1A: MS-DOS end of file
		case r == 0x7F, r < 0x20:
			bad++
		}
	}
	return bad*50 <= total || bad <= 3
}

// separator is a tab when the first line has tabs but no commas, else a comma.
func separator(peek []byte) rune {
	first := peek
	if i := bytes.IndexByte(peek, '\n'); i >= 0 {
		first = peek[:i]
	}
	if bytes.IndexByte(first, '\t') >= 0 && bytes.IndexByte(first, ',') < 0 {
		return '\t'
	}
	return ','
}

func (c *csvRows) Next() ([]string, error) {
	for {
		rec, err := c.r.Read()
		switch {
		case errors.Is(err, io.EOF):
			return nil, io.EOF
		case errors.Is(err, errLineTooLong):
			return nil, invalid("err.sheet.line_too_long", c.lim.line, size(maxLineSize))
		case errors.Is(err, errTooManyCells):
			return nil, invalid("err.sheet.too_many_columns", c.lim.line, maxColumns)
		case errors.Is(err, errRecordTooLong):
			return nil, invalid("err.sheet.record_too_long", c.end+1, size(maxLineSize))
		case err != nil:
			return nil, csvError(err)
		}
		c.lim.nextRecord()
		line, _ := c.r.FieldPos(0)
		last, _ := c.r.FieldPos(len(rec) - 1)
		c.end = last + strings.Count(rec[len(rec)-1], "\n")
		if len(rec) > maxColumns {
			return nil, invalid("err.sheet.columns_over_limit", line, len(rec), maxColumns)
		}
		if err := c.checkText(rec); err != nil {
			return nil, err
		}
		for i := range rec {
			rec[i] = cleanCell(rec[i])
		}
		if allEmpty(rec) {
			continue
		}
		if err := checkNUL(line, rec); err != nil {
			return nil, err
		}
		switch {
		case !c.header:
			// Before the header (or the header itself): trailing empty cells
			// are not columns.
			for len(rec) > 0 && rec[len(rec)-1] == "" {
				rec = rec[:len(rec)-1]
			}
		case len(rec) > c.width && allEmpty(rec[c.width:]):
			rec = rec[:c.width]
		case len(rec) != c.width:
			return nil, invalid("err.sheet.columns_mismatch", line, len(rec), c.width)
		}
		c.line, c.last = line, len(rec)
		return rec, nil
	}
}

// checkText finds the line where the text stops being in the file's
// encoding: a file saved in pieces by different programs, or damaged.
func (c *csvRows) checkText(rec []string) error {
	for i, s := range rec {
		var ok bool
		switch c.enc {
		case encUTF8, encUTF8BOM:
			ok = utf8.ValidString(s)
		default: // the decoders make U+FFFD of bytes they cannot decode
			ok = !strings.ContainsRune(s, utf8.RuneError)
		}
		if ok {
			continue
		}
		line, _ := c.r.FieldPos(i)
		fix := huifang.M("err.sheet.one_encoding")
		switch c.enc {
		case encUTF8:
			return invalid("err.sheet.not_utf8", line, fix)
		case encUTF8BOM:
			return invalid("err.sheet.bom_not_utf8", line, fix)
		case encGB:
			return invalid("err.sheet.not_gbk", line, fix)
		default:
			return invalid("err.sheet.not_utf16", line, fix)
		}
	}
	return nil
}

// Header makes the row returned last the header: later rows must have as
// many cells.
func (c *csvRows) Header() {
	c.header, c.width = true, c.last
}

// csvError explains a CSV syntax error in Chinese, naming the line.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("read csv: %w", err)
	}
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		return invalid("err.sheet.unpaired_quote", pe.Line, pe.StartLine)
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return invalid("err.sheet.bare_quote", pe.Line)
	}
	return invalid("err.sheet.bad_csv", pe.Line)
}

func (c *csvRows) Line() int { return c.line }

func (c *csvRows) Close() error { return nil }
