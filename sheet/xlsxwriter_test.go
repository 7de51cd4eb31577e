package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/xuri/excelize/v2"
)

// The workbook of the streaming writer opens in excelize with the values,
// styles and frozen header written.
func TestXLSXWriterReadBack(t *testing.T) {
	header := []string{"身份证号", "投保人", "备注", "保费", "件数", "承保日期", "回访时间", "成功", "空", "说明"}
	for i := len(header); i < 30; i++ { // past column Z
		header = append(header, fmt.Sprintf("列%d", i+1))
	}
	rows := [][]any{
		{"110101199003071234", "张三", `a < b & "c" > d`, 1234.56, int64(123456789012345), huifang.NewDate(2026, 1, 5), time.Date(2026, 1, 5, 2, 30, 15, 999, time.UTC), true, nil, stringer{}},
		{"11010119900307123X", "李四", "bell\a, nul\x00, vt\v: gone; tab\t and\r\nnew line kept", float32(-0.5), uint8(7), huifang.NewDate(1900, 2, 28), time.Time{}, false, "", "_x000D_ stays"},
		{"0012", " 王五 ", "bad \xff UTF-8, \uFFFE too", -7, uint64(18446744073709551615), huifang.Date{}, time.Date(2026, 2, 28, 23, 59, 59, 0, huifang.Shanghai), false, nil, 3},
	}
	rows[0] = append(rows[0], make([]any, 19)...)
	rows[0] = append(rows[0], "AD")
	var buf bytes.Buffer
	x, err := NewXLSXWriter(&buf, "回访 R&D", header)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := x.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	// Every part is well-formed XML 1.0.
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(rc)
		for err == nil {
			_, err = d.Token()
		}
		if err != io.EOF {
			t.Errorf("%s: %v", zf.Name, err)
		}
		rc.Close()
	}

	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sh = "回访 R&D"
	if got := f.GetSheetList(); len(got) != 1 || got[0] != sh {
		t.Fatalf("sheets %q", got)
	}
	got, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		header,
		{"110101199003071234", "张三", `a < b & "c" > d`, "1234.56", "123456789012345", "2026-01-05", "2026-01-05 10:30:15", "是", "", "=stringer",
			"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "AD"},
		{"11010119900307123X", "李四", "bell, nul, vt: gone; tab\t and\r\nnew line kept", "-0.5", "7", "1900-02-28", "", "否", "", "_x000D_ stays"},
		// A number keeps 15 digits in Excel: hence IDs as strings.
		{"0012", " 王五 ", "bad \uFFFD UTF-8,  too", "-7", "1.84467440737096E+19", "", "2026-02-28 23:59:59", "否", "", "3"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, got[i], want[i])
		}
	}

	// Text stays text, however long its digits; numbers are numbers.
	for cell, typ := range map[string]excelize.CellType{
		"A2": excelize.CellTypeInlineString, "A3": excelize.CellTypeInlineString, "A4": excelize.CellTypeInlineString,
		"D2": excelize.CellTypeUnset, "E2": excelize.CellTypeUnset, "F2": excelize.CellTypeUnset, "H2": excelize.CellTypeInlineString,
	} {
		if got, err := f.GetCellType(sh, cell); err != nil || got != typ {
			t.Errorf("%s: type %v (%v), want %v", cell, got, err, typ)
		}
	}
	raw := excelize.Options{RawCellValue: true}
	for cell, v := range map[string]string{"F2": "46027", "G2": "46027.43767361111", "F3": "59", "E2": "123456789012345"} {
		if got, err := f.GetCellValue(sh, cell, raw); err != nil || got != v {
			t.Errorf("%s: raw %q (%v), want %q", cell, got, err, v)
		}
	}

	// The header is bold; dates and times have their formats.
	for cell, check := range map[string]func(*excelize.Style) bool{
		"A1":  func(s *excelize.Style) bool { return s.Font != nil && s.Font.Bold },
		"AD1": func(s *excelize.Style) bool { return s.Font != nil && s.Font.Bold },
		"A2":  func(s *excelize.Style) bool { return s.Font == nil || !s.Font.Bold },
		"F2":  func(s *excelize.Style) bool { return s.CustomNumFmt != nil && *s.CustomNumFmt == "yyyy-mm-dd" },
		"G2":  func(s *excelize.Style) bool { return s.CustomNumFmt != nil && *s.CustomNumFmt == "yyyy-mm-dd hh:mm:ss" },
		"G4":  func(s *excelize.Style) bool { return s.CustomNumFmt != nil && *s.CustomNumFmt == "yyyy-mm-dd hh:mm:ss" },
	} {
		id, err := f.GetCellStyle(sh, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if !check(st) {
			t.Errorf("%s: style %d %+v, font %+v", cell, id, st, st.Font)
		}
	}
	panes, err := f.GetPanes(sh)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" || panes.ActivePane != "bottomLeft" {
		t.Errorf("panes %+v", panes)
	}
	for col, h := range map[string]string{"A": header[0], "C": header[2], "AD": header[29]} {
		if w, err := f.GetColWidth(sh, col); err != nil || w != columnWidth(h) {
			t.Errorf("column %s: width %v (%v), want %v", col, w, err, columnWidth(h))
		}
	}

	// Our own reader reads it too.
	back, err := readAll(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 4 || back[1].Cells[0] != "110101199003071234" || back[1].Cells[5] != "2026-01-05" || back[1].Cells[6] != "2026-01-05 10:30:15" {
		t.Errorf("read back %+v", back)
	}
}

// Text longer than a cell holds is cut, at a character.
func TestXLSXWriterLongText(t *testing.T) {
	var buf bytes.Buffer
	long := strings.Repeat("a", xlsxMaxCellChars-1) + "张三"
	if err := WriteXLSX(&buf, "Sheet1", []string{"a"}, func(yield func([]any) bool) { yield([]any{long}) }); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, err := f.GetCellValue("Sheet1", "A2"); err != nil || v != long[:len(long)-len("三")] {
		t.Errorf("%d bytes (%v), want %d", len(v), err, len(long)-len("三"))
	}
}

func TestXLSXWriterSheetNames(t *testing.T) {
	for name, ok := range map[string]bool{
		"":                      false,
		"bad/name":              false,
		"a:b":                   false,
		"a[1]":                  false,
		"what?":                 false,
		"'quoted'":              false,
		strings.Repeat("x", 31): true,
		strings.Repeat("x", 32): false,
		strings.Repeat("回", 31): true,
		"回访清单 <2026> & \"x\"":   true,
	} {
		var buf bytes.Buffer
		x, err := NewXLSXWriter(&buf, name, []string{"a"})
		if (err == nil) != ok {
			t.Errorf("%q: error %v", name, err)
		}
		if err != nil {
			continue
		}
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.GetSheetName(0); got != name {
			t.Errorf("sheet %q, want %q", got, name)
		}
		f.Close()
	}
}

// timedWriter notes whether bytes came before Close.
type timedWriter struct {
	n, early int64
	closing  bool
}

func (w *timedWriter) Write(b []byte) (int, error) {
	w.n += int64(len(b))
	if !w.closing {
		w.early += int64(len(b))
	}
	return len(b), nil
}

// The workbook goes out as the rows are written, not at Close.
func TestXLSXWriterStreams(t *testing.T) {
	w := &timedWriter{}
	x, err := NewXLSXWriter(w, "回访", []string{"保单号", "投保人", "回执日", "完成时间", "次数"})
	if err != nil {
		t.Fatal(err)
	}
	if w.n != 0 {
		t.Errorf("%d bytes out before the first row: an error could no longer be shown", w.n)
	}
	day := huifang.NewDate(2026, 3, 2)
	at := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	for i := range 20_000 {
		if err := x.Write([]any{fmt.Sprintf("P%012d", i), "张*", day.AddDays(i % 30), at.Add(time.Duration(i) * time.Second), i % 7}); err != nil {
			t.Fatal(err)
		}
	}
	w.closing = true
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of %d bytes out before Close", w.early, w.n)
	if w.early == 0 || w.early < w.n/2 {
		t.Errorf("only %d of %d bytes out before Close", w.early, w.n)
	}
}

// failAfter fails once n bytes have gone through.
type failAfter struct{ n int }

func (f *failAfter) Write(b []byte) (int, error) {
	if f.n -= len(b); f.n < 0 {
		return 0, errors.New("connection reset")
	}
	return len(b), nil
}

// A write error stops the workbook: later calls return it, and Close does
// not panic.
func TestXLSXWriterFailsMidway(t *testing.T) {
	x, err := NewXLSXWriter(&failAfter{n: 10_000}, "Sheet1", []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	for i := 0; i < 100_000 && werr == nil; i++ {
		werr = x.Write([]any{fmt.Sprintf("P%012d", i), i})
	}
	if werr == nil || !strings.Contains(werr.Error(), "connection reset") {
		t.Fatalf("Write: %v", werr)
	}
	if err := x.Write([]any{"x"}); err != werr {
		t.Errorf("Write after the error: %v", err)
	}
	if err := x.Close(); err != werr {
		t.Errorf("Close: %v", err)
	}
	if err := x.Close(); err != werr {
		t.Errorf("Close again: %v", err)
	}

	// An error at Close, on a small workbook.
	x, err = NewXLSXWriter(failWriter{}, "Sheet1", []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Write([]any{1}); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close: %v", err)
	}
	if err := x.Close(); err == nil {
		t.Error("Close again: no error")
	}
}

func TestColumnName(t *testing.T) {
	for col := range xlsxMaxColumns {
		want, err := excelize.ColumnNumberToName(col + 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := columnName(col); got != want {
			t.Fatalf("columnName(%d) = %q, want %q", col, got, want)
		}
	}
}

func TestExcelDays(t *testing.T) {
	tests := []struct {
		y    int
		m    time.Month
		d    int
		want int64
		ok   bool
	}{
		{1899, 12, 31, 0, false},
		{1900, 1, 1, 1, true},
		{1900, 2, 28, 59, true},
		{1900, 3, 1, 61, true}, // 60 is Excel's 29 February 1900
		{2026, 1, 5, 46027, true},
		{9999, 12, 31, 2958465, true},
		{10000, 1, 1, 0, false},
	}
	for _, tt := range tests {
		got, ok := excelDays(tt.y, tt.m, tt.d)
		if got != tt.want || ok != tt.ok {
			t.Errorf("excelDays(%d-%d-%d) = %d, %v; want %d, %v", tt.y, tt.m, tt.d, got, ok, tt.want, tt.ok)
		}
	}
}
