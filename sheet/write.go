package sheet

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huifang/huifang"
	"github.com/xuri/excelize/v2"
)

// Cell values given to the writers: string, the integer and float types,
// bool (是/否), huifang.Date (a date cell), time.Time (shown in Asia/Shanghai),
// nil (an empty cell) and fmt.Stringer. Pass phone, ID and policy numbers as
// strings so that Excel keeps every digit.

// XLSXWriter writes a one-sheet workbook row by row, with a bold, frozen
// header. Rows are streamed to a temporary file, not held in memory, and
// Close zips the workbook straight to the writer: never whole in memory.
// The first byte goes out at Close, once every row is written, since the
// sheet's part must be complete before excelize zips it.
type XLSXWriter struct {
	w         io.Writer
	f         *excelize.File
	sw        *excelize.StreamWriter
	row       int
	dateStyle int
	timeStyle int
	cells     []any
}

// NewXLSXWriter starts a workbook whose only sheet is named sheetName. Close
// writes it to w.
func NewXLSXWriter(w io.Writer, sheetName string, header []string) (*XLSXWriter, error) {
	f := excelize.NewFile()
	x, err := newXLSXWriter(w, f, sheetName, header)
	if err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

func newXLSXWriter(w io.Writer, f *excelize.File, sheetName string, header []string) (*XLSXWriter, error) {
	if sheetName != f.GetSheetName(0) {
		if err := f.SetSheetName(f.GetSheetName(0), sheetName); err != nil {
			return nil, fmt.Errorf("sheet name %q: %w", sheetName, err)
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	dateFmt, timeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	x := &XLSXWriter{w: w, f: f, row: 1}
	// excelize's WriteTo zips the workbook into a buffer and copies it: a
	// zip writer on w instead sends each part out as it is compressed and
	// leaves that buffer empty. (Only a sheet part over 4 GiB would miss
	// excelize's zip64 touch-up of the buffer, far beyond a sheet's
	// 1,048,576 rows of export.)
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if x.dateStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return nil, err
	}
	if x.timeStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt}); err != nil {
		return nil, err
	}
	if x.sw, err = f.NewStreamWriter(sheetName); err != nil {
		return nil, err
	}
	for i, h := range header {
		if err := x.sw.SetColWidth(i+1, i+1, columnWidth(h)); err != nil {
			return nil, err
		}
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := x.sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	return x, nil
}

// columnWidth fits a header, counting a Chinese character as two.
func columnWidth(h string) float64 {
	w := 0
	for _, r := range h {
		if r < utf8.RuneSelf {
			w++
		} else {
			w += 2
		}
	}
	return float64(min(max(w+4, 10), 40))
}

// Write adds one row.
func (x *XLSXWriter) Write(row []any) error {
	if x.row >= excelize.TotalRows {
		return huifang.Errorf(huifang.EINVALID, "err.sheet.too_many_rows_export", excelize.TotalRows-1)
	}
	x.row++
	x.cells = x.cells[:0]
	for _, v := range row {
		x.cells = append(x.cells, x.cell(v))
	}
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, x.cells)
}

func (x *XLSXWriter) cell(v any) any {
	switch v := v.(type) {
	case nil, string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return v
	case bool:
		return yesNo(v)
	case huifang.Date:
		if v.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: x.dateStyle, Value: time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)}
	case time.Time:
		if v.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: x.timeStyle, Value: v.In(huifang.Shanghai)}
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

// Close finishes the workbook and writes it to w. Call it once, also after
// an error, to remove the temporary files.
func (x *XLSXWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.w)
	return err
}

// WriteXLSX writes a whole workbook: the header, then every row of rows.
func WriteXLSX(w io.Writer, sheetName string, header []string, rows iter.Seq[[]any]) error {
	x, err := NewXLSXWriter(w, sheetName, header)
	if err != nil {
		return err
	}
	for row := range rows {
		if err = x.Write(row); err != nil {
			break
		}
	}
	if err != nil {
		x.f.Close()
		return err
	}
	return x.Close()
}

// CSVWriter writes UTF-8 CSV with a byte-order mark, so that Excel opens
// Chinese text correctly.
type CSVWriter struct {
	cw  *csv.Writer
	rec []string
}

// NewCSVWriter writes the byte-order mark and the header.
func NewCSVWriter(w io.Writer, header []string) (*CSVWriter, error) {
	if _, err := w.Write(utf8BOM); err != nil {
		return nil, err
	}
	c := &CSVWriter{cw: csv.NewWriter(w)}
	c.cw.UseCRLF = true // what Excel writes and expects
	if err := c.cw.Write(header); err != nil {
		return nil, err
	}
	return c, nil
}

// Write adds one row.
func (c *CSVWriter) Write(row []any) error {
	c.rec = c.rec[:0]
	for _, v := range row {
		c.rec = append(c.rec, csvCell(v))
	}
	return c.cw.Write(c.rec)
}

// Close flushes what is buffered.
func (c *CSVWriter) Close() error {
	c.cw.Flush()
	return c.cw.Error()
}

// WriteCSV writes a whole CSV file: the header, then every row of rows.
func WriteCSV(w io.Writer, header []string, rows iter.Seq[[]any]) error {
	c, err := NewCSVWriter(w, header)
	if err != nil {
		return err
	}
	for row := range rows {
		if err := c.Write(row); err != nil {
			return err
		}
	}
	return c.Close()
}

func csvCell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return defuse(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32)
	case bool:
		return yesNo(v)
	case huifang.Date:
		return v.String()
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(huifang.Shanghai).Format(time.DateTime)
	case fmt.Stringer:
		return defuse(v.String())
	}
	return defuse(fmt.Sprint(v))
}

// defuse keeps Excel from running a text cell as a formula (CSV injection):
// text starting with = @ + - gets a leading apostrophe, unless it is a number.
func defuse(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if len(s) > 1 && strings.Trim(s[1:], "0123456789. ") != "" {
			return "'" + s
		}
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
