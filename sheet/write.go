package sheet

import (
	"archive/zip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huifang/huifang"
	"github.com/xuri/excelize/v2"
)

// Cell values given to the writers: string, the integer and float types,
// bool (是/否), huifang.Date (a date cell), time.Time (shown in Asia/Shanghai,
// to the second), nil (an empty cell) and fmt.Stringer. Pass phone, ID and policy numbers as
// strings so that Excel keeps every digit.

// XLSXWriter writes a one-sheet workbook row by row, with a bold, frozen
// header, as a stream on archive/zip: the small parts of the workbook go
// into the zip first, then the sheet's rows as they are written. Each
// compressed block goes on to the writer as it fills, some tens of
// kilobytes (for the callback export, the first after about 700 rows), so
// the download begins at once and memory stays flat however long the sheet:
// the compressor's window is all it holds. Strings are inline strings, so
// no table of them builds up either.
//
// A write error stops the workbook: the writer has a cut file, as with CSV.
type XLSXWriter struct {
	zw   *zip.Writer
	part io.Writer // the sheet's part in zw
	buf  []byte    // rows not yet given to part
	cols []string  // column letters, "A", "B", … as far as rows have gone
	num  []byte    // scratch for a number's text
	row  int       // rows written, the header's included
	err  error     // the first write error: every later call returns it
	done bool
}

// xlsxMaxRows is Excel's limit of rows in a sheet, the header's included.
const xlsxMaxRows = 1 << 20

// XLSXMaxDataRows is how many rows an XLSX export holds under its header.
const XLSXMaxDataRows = xlsxMaxRows - 1

// xlsxMaxColumns is Excel's limit of columns in a sheet (column XFD).
const xlsxMaxColumns = 16384

// xlsxMaxCellChars is the most characters a cell holds; Excel counts them in
// UTF-16, and longer text is cut, as excelize used to.
const xlsxMaxCellChars = 32767

// The cell styles of styles.xml, by their index in cellXfs.
const (
	styleBold = 1
	styleDate = 2
	styleTime = 3
)

// xlsxFlushAt is how many bytes of rows are gathered before they go to the
// compressor: fewer, larger writes.
const xlsxFlushAt = 32 << 10

// NewXLSXWriter starts a workbook whose only sheet is named sheetName, with
// header as its first row. Rows go to w as they are written; Close ends
// the workbook.
func NewXLSXWriter(w io.Writer, sheetName string, header []string) (*XLSXWriter, error) {
	if err := checkSheetName(sheetName); err != nil {
		return nil, fmt.Errorf("sheet name %q: %w", sheetName, err)
	}
	if len(header) > xlsxMaxColumns {
		return nil, fmt.Errorf("sheet: %d columns, over Excel's %d", len(header), xlsxMaxColumns)
	}
	x := &XLSXWriter{zw: zip.NewWriter(w), buf: make([]byte, 0, xlsxFlushAt+4<<10), num: make([]byte, 0, 64)}
	modified := time.Now()
	workbook := fmt.Sprintf(xlsxWorkbook, escapeAttr(sheetName))
	for _, p := range [][2]string{
		{"[Content_Types].xml", xlsxContentTypes},
		{"_rels/.rels", xlsxRootRels},
		{"xl/workbook.xml", workbook},
		{"xl/_rels/workbook.xml.rels", xlsxWorkbookRels},
		{"xl/styles.xml", xlsxStyles},
		{"xl/worksheets/sheet1.xml", ""},
	} {
		part, err := x.zw.CreateHeader(&zip.FileHeader{Name: p[0], Method: zip.Deflate, Modified: modified})
		if err == nil {
			_, err = io.WriteString(part, p[1])
		}
		if err != nil {
			return nil, err
		}
		x.part = part
	}

	// The sheet's head: the frozen header, the columns' widths, the header.
	// Nothing is flushed to w yet, so that an error before the first rows
	// can still be told to the user in place of the file.
	x.buf = append(x.buf, xlsxSheetHead...)
	if len(header) > 0 {
		x.buf = append(x.buf, "<cols>"...)
		for i, h := range header {
			x.buf = append(x.buf, `<col min="`...)
			x.buf = strconv.AppendInt(x.buf, int64(i+1), 10)
			x.buf = append(x.buf, `" max="`...)
			x.buf = strconv.AppendInt(x.buf, int64(i+1), 10)
			x.buf = append(x.buf, `" width="`...)
			x.buf = strconv.AppendFloat(x.buf, columnWidth(h), 'f', -1, 64)
			x.buf = append(x.buf, `" customWidth="1"/>`...)
		}
		x.buf = append(x.buf, "</cols>"...)
	}
	x.buf = append(x.buf, "<sheetData>"...)
	x.row = 1
	x.startRow()
	for i, h := range header {
		x.appendString(i, styleBold, h)
	}
	x.buf = append(x.buf, "</row>"...)
	return x, nil
}

// checkSheetName refuses a name Excel refuses, with excelize's errors.
func checkSheetName(name string) error {
	switch {
	case name == "":
		return excelize.ErrSheetNameBlank
	case utf16Len(name) > excelize.MaxSheetNameLength:
		return excelize.ErrSheetNameLength
	case strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'"):
		return excelize.ErrSheetNameSingleQuote
	case strings.ContainsAny(name, `:\/?*[]`):
		return excelize.ErrSheetNameInvalid
	}
	return nil
}

// utf16Len is the length of s as Excel counts it.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
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
	if x.err != nil {
		return x.err
	}
	if x.done {
		return errors.New("sheet: write after Close")
	}
	if x.row >= xlsxMaxRows {
		return huifang.Errorf(huifang.EINVALID, "err.sheet.too_many_rows_export", xlsxMaxRows-1)
	}
	if len(row) > xlsxMaxColumns {
		return fmt.Errorf("sheet: a row of %d cells, over Excel's %d columns", len(row), xlsxMaxColumns)
	}
	x.row++
	x.startRow()
	for i, v := range row {
		x.appendCell(i, v)
	}
	x.buf = append(x.buf, "</row>"...)
	if len(x.buf) >= xlsxFlushAt {
		return x.flush()
	}
	return nil
}

// flush gives the gathered rows to the compressor, which sends on what it
// has compressed.
func (x *XLSXWriter) flush() error {
	if _, err := x.part.Write(x.buf); err != nil {
		x.err = err
		return err
	}
	x.buf = x.buf[:0]
	return nil
}

func (x *XLSXWriter) startRow() {
	x.buf = append(x.buf, `<row r="`...)
	x.buf = strconv.AppendInt(x.buf, int64(x.row), 10)
	x.buf = append(x.buf, `">`...)
}

// appendCell adds the cell of value v in column col (from 0) of the row.
// Empty cells are left out.
func (x *XLSXWriter) appendCell(col int, v any) {
	switch v := v.(type) {
	case nil:
	case string:
		x.appendString(col, 0, v)
	case int:
		x.appendNumber(col, 0, strconv.AppendInt(x.num[:0], int64(v), 10))
	case int8:
		x.appendNumber(col, 0, strconv.AppendInt(x.num[:0], int64(v), 10))
	case int16:
		x.appendNumber(col, 0, strconv.AppendInt(x.num[:0], int64(v), 10))
	case int32:
		x.appendNumber(col, 0, strconv.AppendInt(x.num[:0], int64(v), 10))
	case int64:
		x.appendNumber(col, 0, strconv.AppendInt(x.num[:0], v, 10))
	case uint:
		x.appendNumber(col, 0, strconv.AppendUint(x.num[:0], uint64(v), 10))
	case uint8:
		x.appendNumber(col, 0, strconv.AppendUint(x.num[:0], uint64(v), 10))
	case uint16:
		x.appendNumber(col, 0, strconv.AppendUint(x.num[:0], uint64(v), 10))
	case uint32:
		x.appendNumber(col, 0, strconv.AppendUint(x.num[:0], uint64(v), 10))
	case uint64:
		x.appendNumber(col, 0, strconv.AppendUint(x.num[:0], v, 10))
	case float32:
		x.appendFloat(col, float64(v), 32)
	case float64:
		x.appendFloat(col, v, 64)
	case bool:
		x.appendString(col, 0, yesNo(v))
	case huifang.Date:
		if v.IsZero() {
			return
		}
		days, ok := excelDays(v.Year(), v.Month(), v.Day())
		if !ok {
			x.appendString(col, 0, v.String())
			return
		}
		x.appendNumber(col, styleDate, strconv.AppendInt(x.num[:0], days, 10))
	case time.Time:
		if v.IsZero() {
			return
		}
		t := v.In(huifang.Shanghai)
		days, ok := excelDays(t.Year(), t.Month(), t.Day())
		if !ok {
			x.appendString(col, 0, t.Format(time.DateTime))
			return
		}
		// Whole seconds, as shown and as the CSV has them.
		serial := float64(days) + float64(t.Hour()*3600+t.Minute()*60+t.Second())/86400
		x.appendNumber(col, styleTime, strconv.AppendFloat(x.num[:0], serial, 'f', -1, 64))
	case fmt.Stringer:
		x.appendString(col, 0, v.String())
	default:
		x.appendString(col, 0, fmt.Sprint(v))
	}
}

// excelDays is the date's serial number in Excel's 1900 date system, which
// counts a 29 February 1900 that never was; false before 1900 or after 9999.
func excelDays(year int, month time.Month, day int) (int64, bool) {
	days := (time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix() - excelEpoch) / 86400
	switch {
	case days < 2 || year > 9999: // before 1900-01-01, or past Excel's last day
		return 0, false
	case days < 61: // before 1900-03-01
		days--
	}
	return days, true
}

// excelEpoch is 1899-12-30, day 0 of Excel's serial numbers from March 1900.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Unix()

func (x *XLSXWriter) appendFloat(col int, v float64, bits int) {
	if math.IsNaN(v) || math.IsInf(v, 0) { // no number in Excel
		x.appendString(col, 0, fmt.Sprint(v))
		return
	}
	x.appendNumber(col, 0, strconv.AppendFloat(x.num[:0], v, 'f', -1, bits))
}

// startCell opens the cell <c r="B7" s="2"; the caller closes the tag.
func (x *XLSXWriter) startCell(col, style int) {
	for len(x.cols) <= col {
		x.cols = append(x.cols, columnName(len(x.cols)))
	}
	x.buf = append(x.buf, `<c r="`...)
	x.buf = append(x.buf, x.cols[col]...)
	x.buf = strconv.AppendInt(x.buf, int64(x.row), 10)
	x.buf = append(x.buf, '"')
	if style != 0 {
		x.buf = append(x.buf, ` s="`...)
		x.buf = strconv.AppendInt(x.buf, int64(style), 10)
		x.buf = append(x.buf, '"')
	}
}

// appendNumber adds a number cell of the value v, as text.
func (x *XLSXWriter) appendNumber(col, style int, v []byte) {
	x.startCell(col, style)
	x.buf = append(x.buf, "><v>"...)
	x.buf = append(x.buf, v...)
	x.buf = append(x.buf, "</v></c>"...)
}

// appendString adds an inline string cell; an empty string is left out.
func (x *XLSXWriter) appendString(col, style int, s string) {
	if s == "" {
		return
	}
	x.startCell(col, style)
	x.buf = append(x.buf, ` t="inlineStr"><is><t`...)
	s = cutCell(s)
	if isSpace(s[0]) || isSpace(s[len(s)-1]) {
		x.buf = append(x.buf, ` xml:space="preserve"`...)
	}
	x.buf = append(x.buf, '>')
	x.buf = appendEscaped(x.buf, s)
	x.buf = append(x.buf, "</t></is></c>"...)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// cutCell cuts s to the characters a cell holds.
func cutCell(s string) string {
	if len(s) <= xlsxMaxCellChars { // never more characters than bytes
		return s
	}
	n := 0
	for i, r := range s {
		if n += 1 + int(r>>16); n > xlsxMaxCellChars {
			return s[:i]
		}
	}
	return s
}

// columnName is the letters of the column col, from 0: A … Z, AA … XFD.
func columnName(col int) string {
	var b [3]byte
	i := len(b)
	for col++; col > 0; col = (col - 1) / 26 {
		i--
		b[i] = byte('A' + (col-1)%26)
	}
	return string(b[i:])
}

// appendEscaped appends s as XML 1.0 text: markup escaped, characters XML
// cannot hold left out, invalid UTF-8 as U+FFFD, and the underscore of
// text that reads as Excel's own escape (_x000D_) escaped, so that it
// stays as written.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		width := 1
		var esc string
		switch {
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '&':
			esc = "&amp;"
		case c == '"':
			esc = "&quot;"
		case c == '\r': // kept: a parser turns a bare CR into LF
			esc = "&#xD;"
		case c == '\t' || c == '\n':
			i++
			continue
		case c < 0x20: // not in XML 1.0
		case c == '_':
			if !ooxmlEscape(s[i:]) {
				i++
				continue
			}
			esc = "_x005F_"
		case c < utf8.RuneSelf:
			i++
			continue
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			width = n
			switch {
			case r == utf8.RuneError && n == 1:
				esc = "\uFFFD"
			case r == 0xFFFE || r == 0xFFFF: // not in XML 1.0
			default:
				i += n
				continue
			}
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}

// ooxmlEscape reports whether s starts with _xHHHH_, which Excel reads as
// the character of code HHHH.
func ooxmlEscape(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// escapeAttr escapes s for an attribute's value in double quotes.
func escapeAttr(s string) string {
	return string(appendEscaped(nil, s))
}

// Flush sends on what is written so far, as far as the compressor lets
// it: at the start, the workbook's small parts, so a download begins before
// the first rows are read.
func (x *XLSXWriter) Flush() error {
	if x.err != nil || x.done {
		return x.err
	}
	if err := x.flush(); err != nil {
		return err
	}
	if err := x.zw.Flush(); err != nil {
		x.err = err
		return err
	}
	return nil
}

// Close ends the sheet and the workbook. Call it once; after an error it
// returns that error and writes nothing more.
func (x *XLSXWriter) Close() error {
	if x.err != nil || x.done {
		return x.err
	}
	x.done = true
	x.buf = append(x.buf, "</sheetData></worksheet>"...)
	if err := x.flush(); err != nil {
		return err
	}
	if err := x.zw.Close(); err != nil {
		x.err = err
		return err
	}
	return nil
}

// WriteXLSX writes a whole workbook: the header, then every row of rows.
func WriteXLSX(w io.Writer, sheetName string, header []string, rows iter.Seq[[]any]) error {
	x, err := NewXLSXWriter(w, sheetName, header)
	if err != nil {
		return err
	}
	for row := range rows {
		if err := x.Write(row); err != nil {
			return err
		}
	}
	return x.Close()
}

// The workbook's parts but the sheet. styles.xml's cellXfs are the plain
// cell, the bold header (styleBold), the date (styleDate) and the time
// (styleTime).
const (
	xlsxHeader       = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	xlsxContentTypes = xlsxHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`</Types>`
	xlsxRootRels = xlsxHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
		`</Relationships>`
	xlsxWorkbook = xlsxHeader + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<bookViews><workbookView activeTab="0"/></bookViews>` +
		`<sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets>` +
		`</workbook>`
	xlsxWorkbookRels = xlsxHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`</Relationships>`
	xlsxStyles = xlsxHeader + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>` +
		`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
		`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		`<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
		`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
		`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
		`<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
		`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
		`</styleSheet>`
	xlsxSheetHead = xlsxHeader + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<sheetViews><sheetView tabSelected="1" workbookViewId="0">` +
		`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
		`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>` +
		`</sheetView></sheetViews>` +
		`<sheetFormatPr defaultRowHeight="15"/>`
)

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

// Flush sends on the rows written so far.
func (c *CSVWriter) Flush() error {
	c.cw.Flush()
	return c.cw.Error()
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
