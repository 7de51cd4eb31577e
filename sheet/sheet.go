// Package sheet reads and writes the spreadsheets people exchange with the
// system: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 or UTF-16) and XLSX. It is the
// only package that knows about file formats and text encodings; everything
// above it sees rows of trimmed strings.
//
// Reading streams: a million-row CSV or XLSX file is read with flat memory
// (an XLSX file's shared-string table is the one part held in memory).
package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/huifang/huifang"
)

// Rows iterates over the non-empty rows of the first sheet of a file.
type Rows interface {
	// Next returns the next non-empty row, its cells trimmed of surrounding
	// white space, or io.EOF after the last row. Until Header is called, rows
	// come without the empty cells at their end; after it every row has at
	// least as many cells as the header (a CSV row exactly as many). The slice
	// is reused: it is valid only until the next call. A problem with the
	// file is a *huifang.Error that names the line.
	Next() ([]string, error)
	// Header says that the row Next returned last is the header: the title
	// and notes above it, if any, were rows of their own width.
	Header()
	// Line is the line (CSV) or row number (XLSX) of the row Next returned
	// last, counting from 1, as the user sees it in an editor or in Excel.
	Line() int
	// Close releases the file.
	Close() error
}

// sniffSize is how much of the file decides its format and encoding.
const sniffSize = 64 << 10

// invalid is an error a user can fix by sending another file: key is its
// message's catalog key.
func invalid(key string, args ...any) error {
	return huifang.Errorf(huifang.EINVALID, key, args...)
}

// Open reads a CSV or XLSX file. The format is decided by the content, never
// by the file name: an XLSX file is a zip archive, anything else must be text.
func Open(r io.ReaderAt, size int64) (Rows, error) {
	if size <= 0 {
		return nil, invalid("err.sheet.empty")
	}
	head := make([]byte, min(size, sniffSize))
	n, err := r.ReadAt(head, 0)
	if err != nil && !(errors.Is(err, io.EOF) && n == len(head)) {
		return nil, fmt.Errorf("read file: %w", err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return openXLSX(r, size)
	case bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return nil, invalid("err.sheet.old_excel")
	}
	return openCSV(r, size, head)
}

// OpenFile opens the named file (on disk, or an upload saved to disk) with Open.
// Closing the rows closes the file.
func OpenFile(name string) (Rows, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	rows, err := Open(f, fi.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	return &fileRows{Rows: rows, f: f}, nil
}

type fileRows struct {
	Rows
	f *os.File
}

func (r *fileRows) Close() error {
	err := r.Rows.Close()
	if ferr := r.f.Close(); err == nil {
		err = ferr
	}
	return err
}

// cleanCell trims white space (including the ideographic space and stray
// byte-order or zero-width marks) and replaces invalid UTF-8.
func cleanCell(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B'
	})
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// checkNUL refuses a row with a NUL character, which no text has: it is
// a sign of a damaged file or of binary content, and no database keeps it.
func checkNUL(line int, rec []string) error {
	for i, s := range rec {
		if strings.IndexByte(s, 0) >= 0 {
			return invalid("err.sheet.nul", line, i+1)
		}
	}
	return nil
}

// allEmpty reports whether every cell is empty.
func allEmpty(rec []string) bool {
	for _, s := range rec {
		if s != "" {
			return false
		}
	}
	return true
}
