package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// csvRows reads a CSV file, one record at a time.
type csvRows struct {
	r     *csv.Reader
	width int // number of columns, set by the header
	line  int
}

var utf8BOM = []byte("\xEF\xBB\xBF")

// openCSV decides the encoding from head, the first bytes of the file, and
// the separator from the first line.
func openCSV(r io.ReaderAt, size int64, head []byte) (Rows, error) {
	src := io.NewSectionReader(r, 0, size)
	var text io.Reader
	switch {
	case bytes.HasPrefix(head, []byte("\xFF\xFE")), bytes.HasPrefix(head, []byte("\xFE\xFF")):
		// Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated.
		text = transform.NewReader(src, xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder())
	case bytes.IndexByte(head, 0) >= 0:
		return nil, invalid(msgBinary)
	case looksUTF8(head, int64(len(head)) < size):
		if bytes.HasPrefix(head, utf8BOM) {
			src = io.NewSectionReader(r, int64(len(utf8BOM)), size-int64(len(utf8BOM)))
		}
		text = src
	default:
		// GB18030 is a superset of GBK and GB2312, what Excel writes on Chinese Windows.
		text = transform.NewReader(src, simplifiedchinese.GB18030.NewDecoder())
	}
	br := bufio.NewReaderSize(text, sniffSize)
	peek, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if len(bytes.TrimSpace(peek)) == 0 {
		return nil, invalid(msgEmpty)
	}
	if !textual(peek) {
		return nil, invalid(msgBinary)
	}
	cr := csv.NewReader(br)
	cr.Comma = separator(peek)
	cr.FieldsPerRecord = -1 // checked by Next, which can tell empty lines apart
	cr.ReuseRecord = true
	return &csvRows{r: cr}, nil
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

// textual reports whether b (decoded to UTF-8) reads as text: at most 2% of
// its characters are control characters or replacement characters (which
// the GB18030 decoder makes of bytes it cannot decode). Bytes that are not
// UTF-8 in a file taken as UTF-8 are rare by then, and are let through.
func textual(b []byte) bool {
	var total, bad int
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		total++
		switch {
		case r == utf8.RuneError && n == 1:
		case r == '\t', r == '\n', r == '\r', r == '\f', r == '\v', r == 0x1A: // 0x1A: MS-DOS end of file
		case r == utf8.RuneError, r == 0x7F, r < 0x20:
			bad++
		}
	}
	return bad*50 <= total
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
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := c.r.FieldPos(0)
		for i := range rec {
			rec[i] = cleanCell(rec[i])
		}
		if allEmpty(rec) {
			continue
		}
		if c.width == 0 {
			// The header: trailing empty header cells are not columns.
			for len(rec) > 0 && rec[len(rec)-1] == "" {
				rec = rec[:len(rec)-1]
			}
			c.width = len(rec)
		} else if len(rec) > c.width && allEmpty(rec[c.width:]) {
			rec = rec[:c.width]
		} else if len(rec) != c.width {
			return nil, invalid("第%d行有%d列，而表头有%d列：请检查这一行的逗号和引号", line, len(rec), c.width)
		}
		c.line = line
		return rec, nil
	}
}

// csvError explains a CSV syntax error in Chinese, naming the line.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("read csv: %w", err)
	}
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		return invalid("第%d行：引号不配对（从第%d行开始的字段）。字段里的引号要写成两个引号，整个字段再用引号括起来", pe.Line, pe.StartLine)
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return invalid("第%d行：没有用引号括起来的字段里出现了引号。请把整个字段用引号括起来，字段里的引号写成两个引号", pe.Line)
	}
	return invalid("第%d行：CSV 格式错误", pe.Line)
}

func (c *csvRows) Line() int { return c.line }

func (c *csvRows) Close() error { return nil }
