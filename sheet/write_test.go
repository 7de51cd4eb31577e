package sheet

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/xuri/excelize/v2"
)

type stringer struct{}

func (stringer) String() string { return "=stringer" }

var (
	exportHeader = []string{"保单号", "投保人姓名", "保费（分）", "承保日期", "回访时间", "成功", "备注", "空"}
	exportRows   = [][]any{
		{"110101199003071234", "张三", int64(123456), huifang.NewDate(2026, 1, 5), time.Date(2026, 1, 5, 2, 30, 0, 0, time.UTC), true, "=HYPERLINK(\"x\")", nil},
		{"P002", "李四", 1.5, huifang.Date{}, time.Time{}, false, stringer{}, nil},
		{"P003", "王五", -7, huifang.NewDate(2026, 2, 28), time.Date(2026, 2, 28, 12, 0, 0, 0, huifang.Shanghai), false, "+86 138 0013 8000", nil},
	}
)

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, exportHeader, slices.Values(exportRows)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), utf8BOM) {
		t.Fatalf("no byte-order mark: %q", buf.Bytes()[:10])
	}
	got, err := readAll(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{1, exportHeader},
		{2, []string{"110101199003071234", "张三", "123456", "2026-01-05", "2026-01-05 10:30:00", "是", "'=HYPERLINK(\"x\")", ""}},
		{3, []string{"P002", "李四", "1.5", "", "", "否", "'=stringer", ""}},
		{4, []string{"P003", "王五", "-7", "2026-02-28", "2026-02-28 12:00:00", "否", "+86 138 0013 8000", ""}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestDefuse(t *testing.T) {
	tests := map[string]string{
		"":            "",
		"张三":          "张三",
		"=1+1":        "'=1+1",
		"@SUM(A1)":    "'@SUM(A1)",
		"-12.5":       "-12.5",
		"+86 138":     "+86 138",
		"-cmd|' /C'":  "'-cmd|' /C'",
		"+":           "+",
		"\tx":         "'\tx",
		"a=b":         "a=b",
		"13800138000": "13800138000",
		"2026-01-05":  "2026-01-05",
	}
	for in, want := range tests {
		if got := defuse(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "回访清单", exportHeader, slices.Values(exportRows)); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{1, exportHeader},
		{2, []string{"110101199003071234", "张三", "123456", "2026-01-05", "2026-01-05 10:30:00", "是", "=HYPERLINK(\"x\")", ""}},
		{3, []string{"P002", "李四", "1.5", "", "", "否", "=stringer", ""}},
		{4, []string{"P003", "王五", "-7", "2026-02-28", "2026-02-28 12:00:00", "否", "+86 138 0013 8000", ""}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}

	// The header is bold and frozen.
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if name := f.GetSheetName(0); name != "回访清单" {
		t.Errorf("sheet %q", name)
	}
	id, err := f.GetCellStyle("回访清单", "B1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Font == nil || !st.Font.Bold {
		t.Errorf("header style %+v is not bold", st.Font)
	}
	panes, err := f.GetPanes("回访清单")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v", panes)
	}
}

func TestWriteXLSXErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "bad/name", exportHeader, slices.Values(exportRows)); err == nil {
		t.Error("no error for an invalid sheet name")
	}
	x, err := NewXLSXWriter(&buf, "Sheet1", []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	x.row = xlsxMaxRows
	wantInvalid(t, x.Write([]any{"x"}), "上限")
	x.Close()
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteFails(t *testing.T) {
	if err := WriteCSV(failWriter{}, []string{"a"}, slices.Values(exportRows)); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteCSV: %v", err)
	}
	if err := WriteXLSX(failWriter{}, "Sheet1", []string{"a"}, slices.Values(exportRows)); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteXLSX: %v", err)
	}
}
