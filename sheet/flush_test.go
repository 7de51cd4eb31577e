package sheet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestFlushSendsTheStart: Flush before any row sends the start of the file
// (the CSV header; the workbook's small parts), and the finished file is
// whole.
func TestFlushSendsTheStart(t *testing.T) {
	var b bytes.Buffer
	x, err := NewXLSXWriter(&b, "回访", []string{"保单号", "状态"})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Flush(); err != nil {
		t.Fatal(err)
	}
	if b.Len() == 0 || !bytes.HasPrefix(b.Bytes(), []byte("PK")) {
		t.Fatalf("XLSX after Flush: %d bytes", b.Len())
	}
	if err := x.Write([]any{"P0001", "成功"}); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("回访", "A2"); v != "P0001" {
		t.Errorf("A2 = %q", v)
	}

	var c bytes.Buffer
	w, err := NewCSVWriter(&c, []string{"保单号", "状态"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.String(), "保单号,状态") {
		t.Fatalf("CSV after Flush: %q", c.String())
	}
}
