package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/sheet"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// csvText renders rows as CSV text.
func csvText(rows ...[]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	return b.String()
}

func openBytes(t *testing.T, b []byte) sheet.Rows {
	t.Helper()
	rows, err := sheet.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// collect runs Check and gathers the items.
func collect(t *testing.T, kind Kind, b []byte) ([]any, Report, error) {
	t.Helper()
	rows := openBytes(t, b)
	defer rows.Close()
	var items []any
	rep, err := Check(kind, rows, testRefs(), today, func(item any) error {
		items = append(items, item)
		return nil
	})
	return items, rep, err
}

// policiesXLSX writes policies with real date cells, as Excel users do.
func policiesXLSX(t *testing.T, rows ...map[string]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	for col, h := range policyHeader {
		cell, _ := excelize.CoordinatesToCellName(col+1, 1)
		f.SetCellValue("Sheet1", cell, h)
	}
	for i, changes := range rows {
		for col, h := range policyHeader {
			cell, _ := excelize.CoordinatesToCellName(col+1, i+2)
			v := policyBase[h]
			if c, ok := changes[h]; ok {
				v = c
			}
			switch {
			case v == "":
			case strings.HasSuffix(h, "日期"):
				d, err := ParseDate(v)
				if err != nil {
					t.Fatal(err)
				}
				f.SetCellValue("Sheet1", cell, time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC))
				f.SetCellStyle("Sheet1", cell, cell, dateStyle)
			case h == "投保人手机号":
				f.SetCellValue("Sheet1", cell, 13800138000) // a number, as Excel keeps it
			case h == "保费":
				f.SetCellValue("Sheet1", cell, 1234.5)
			default:
				f.SetCellValue("Sheet1", cell, v)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckFiles(t *testing.T) {
	p2 := basePolicy
	p2.No = "P002"
	text := csvText(policyHeader, record(policyHeader, policyBase, nil), record(policyHeader, policyBase, map[string]string{"保单号": "P002"}))
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		file []byte
	}{
		{"utf-8 csv", []byte(text)},
		{"csv with BOM", append([]byte("\xEF\xBB\xBF"), text...)},
		{"gbk csv", []byte(gbk)},
		{"xlsx with date cells", policiesXLSX(t, nil, map[string]string{"保单号": "P002"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, rep, err := collect(t, KindPolicies, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() || rep.Rows != 2 {
				t.Fatalf("report %+v", rep)
			}
			if want := []any{basePolicy, p2}; !reflect.DeepEqual(items, want) {
				t.Errorf("got  %+v\nwant %+v", items, want)
			}
		})
	}
}

func TestCheckBadFiles(t *testing.T) {
	t.Run("empty, binary, truncated", func(t *testing.T) {
		xlsx := policiesXLSX(t, nil)
		for name, b := range map[string][]byte{
			"文件为空":           {},
			"二进制":            append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 64)...),
			"XLSX 文件已损坏或不完整": xlsx[:len(xlsx)-100],
			"第3行有2列，而表头有18列": []byte(csvText(policyHeader, record(policyHeader, policyBase, nil), []string{"P9", "P20"})),
		} {
			dir := t.TempDir()
			path := filepath.Join(dir, "policies.csv") // the name deceives
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			rows, err := sheet.OpenFile(path)
			if err == nil {
				_, err = Check(KindPolicies, rows, testRefs(), today, nil)
				rows.Close()
			}
			if huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), name) {
				t.Errorf("%s: got %v", name, err)
			}
		}
	})
	t.Run("blank file", func(t *testing.T) {
		_, _, err := collect(t, KindPolicies, policiesXLSX(t))
		if err != nil {
			t.Fatal(err)
		}
		f := excelize.NewFile()
		buf, _ := f.WriteToBuffer()
		f.Close()
		_, _, err = collect(t, KindPolicies, buf.Bytes())
		if !strings.Contains(huifang.ErrorMessage(err), "没有表头") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("header only", func(t *testing.T) {
		_, rep, err := collect(t, KindPolicies, []byte(csvText(policyHeader)))
		if err != nil || rep.Rows != 0 || len(rep.Warnings) != 1 || rep.Warnings[0] != "文件只有表头，没有数据" {
			t.Errorf("report %+v, %v", rep, err)
		}
	})
	t.Run("bad rows", func(t *testing.T) {
		file := policiesXLSX(t,
			nil,
			map[string]string{"保单号": "P002", "回执签收日期": "2026-01-02"},
			map[string]string{"保单号": "P003", "产品代码": "NOPE"},
			map[string]string{"保单号": "P001"},
			map[string]string{"保单号": "P005", "投保人证件号码": holderID[:17] + "0"},
			map[string]string{"保单号": "P006", "承保日期": "", "投保人姓名": ""},
		)
		_, rep, err := collect(t, KindPolicies, file)
		if err != nil {
			t.Fatal(err)
		}
		want := []RowError{
			{Row: 2, Column: "保单号", Value: "P001", Reason: "与第5行重复"},
			{Row: 3, Column: "回执签收日期", Value: "2026-01-02", Reason: "回执签收日期早于承保日期（2026-01-06）"},
			{Row: 4, Column: "产品代码", Value: "NOPE", Reason: "产品代码在系统中不存在：请先导入产品"},
			{Row: 5, Column: "保单号", Value: "P001", Reason: "与第2行重复"},
			{Row: 6, Column: "投保人证件号码", Value: shown(holderID[:17]+"0", idMask), Reason: "证件号码的校验位不对，请核对号码"},
			{Row: 7, Column: "投保人姓名", Reason: "必填，不能为空"},
			{Row: 7, Column: "承保日期", Reason: "必填，不能为空"},
		}
		if !reflect.DeepEqual(withoutKeys(rep.Errors), want) {
			t.Errorf("got\n%v\nwant\n%v", rep.Errors, want)
		}
		if rep.Rows != 6 || rep.Bad != 6 {
			t.Errorf("rows %d, bad %d", rep.Rows, rep.Bad)
		}

		var buf bytes.Buffer
		if err := rep.CSV(&buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF行号,列,值,原因\r\n")) {
			t.Errorf("report CSV starts %q", buf.String()[:30])
		}
		rows := openBytes(t, buf.Bytes())
		defer rows.Close()
		var got [][]string
		for {
			rec, err := rows.Next()
			if err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			got = append(got, append([]string(nil), rec...))
		}
		if len(got) != len(want)+1 || !reflect.DeepEqual(got[3], []string{"4", "产品代码", "NOPE", "产品代码在系统中不存在：请先导入产品"}) {
			t.Errorf("report CSV reads back as %q", got)
		}

		s := rep.String()
		for _, line := range []string{
			"第2行 保单号「P001」：与第5行重复\n",
			"第7行 投保人姓名：必填，不能为空\n",
			"共6行保单数据，其中6行有问题（共7处），没有导入任何数据\n",
		} {
			if !strings.Contains(s, line) {
				t.Errorf("String lacks %q:\n%s", line, s)
			}
		}
	})
}

func TestImport(t *testing.T) {
	header := []string{"机构代码", "机构名称", "上级机构代码", "备注"}
	good := csvText(header, []string{"020101", "浦东支公司", "0201", "x"}, []string{"0201", "上海分公司", "0001", ""})
	bad := good + csvText([]string{"030101", "广州支公司", "0301", ""})
	open := func(text string, opened *int) func() (sheet.Rows, error) {
		return func() (sheet.Rows, error) {
			*opened++
			b := []byte(text)
			return sheet.Open(bytes.NewReader(b), int64(len(b)))
		}
	}

	var written []string
	write := func(item any) error {
		written = append(written, item.(huifang.Branch).Code)
		return nil
	}
	opened := 0
	rep, err := Import(KindBranches, open(good, &opened), testRefs(), today, write)
	if err != nil || !rep.OK() || opened != 2 {
		t.Fatalf("report %+v, err %v, opened %d", rep, err, opened)
	}
	if want := []string{"0201", "020101"}; !reflect.DeepEqual(written, want) {
		t.Errorf("wrote %q, want parents first %q", written, want)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "备注") {
		t.Errorf("warnings %q", rep.Warnings)
	}

	written, opened = nil, 0
	rep, err = Import(KindBranches, open(bad, &opened), testRefs(), today, write)
	if err != nil || rep.OK() || opened != 1 || written != nil {
		t.Errorf("bad file: report %+v, err %v, opened %d, wrote %q", rep, err, opened, written)
	}

	failing := errors.New("database down")
	_, err = Import(KindBranches, open(good, &opened), testRefs(), today, func(any) error { return failing })
	if !errors.Is(err, failing) {
		t.Errorf("write error: %v", err)
	}

	// The file changes between the readings.
	n := 0
	changing := func() (sheet.Rows, error) {
		n++
		text := good
		if n == 2 {
			text = bad
		}
		b := []byte(text)
		return sheet.Open(bytes.NewReader(b), int64(len(b)))
	}
	if _, err = Import(KindBranches, changing, testRefs(), today, func(any) error { return nil }); huifang.ErrorCode(err) != huifang.ECONFLICT {
		t.Errorf("changed file: %v", err)
	}

	if _, err = Import(KindBranches, func() (sheet.Rows, error) { return nil, os.ErrNotExist }, testRefs(), today, write); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("open error: %v", err)
	}
}

// generated are n policy rows made up on demand, with one duplicate at the end.
type generated struct {
	n, i int
	rec  []string
}

func (g *generated) Next() ([]string, error) {
	if g.i > g.n {
		return nil, io.EOF
	}
	defer func() { g.i++ }()
	if g.i == 0 {
		return policyHeader, nil
	}
	if g.rec == nil {
		g.rec = record(policyHeader, policyBase, nil)
	}
	no := g.i
	if g.i == g.n {
		no = 1 // a duplicate of the first row
	}
	g.rec[pNo] = fmt.Sprintf("P%010d", no)
	g.rec[pHolderID] = ValidIDNumber("110101", holderBirth, no)
	g.rec[pHolderBirth] = ""
	return g.rec, nil
}

func (g *generated) Line() int    { return g.i } // Next has moved i on: the header is line 1
func (g *generated) Close() error { return nil }
func (g *generated) Header()      {}

// A million policies fit in a small, fixed amount of memory: a hash and a
// line number each, to find duplicates.
func TestCheckMillion(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 50_000
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	good := 0
	rep, err := Check(KindPolicies, &generated{n: n}, testRefs(), today, func(any) error {
		if good++; good == n-1 { // the last good row: every key is in memory
			runtime.GC()
			runtime.ReadMemStats(&after)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != n || rep.Bad != 2 || good != n-1 {
		t.Fatalf("rows %d, bad %d, good %d; errors %v", rep.Rows, rep.Bad, good, rep.Errors)
	}
	want := []RowError{
		{Row: 2, Column: "保单号", Value: "P0000000001", Reason: fmt.Sprintf("与第%d行重复", n+1)},
		{Row: n + 1, Column: "保单号", Value: "P0000000001", Reason: "与第2行重复"},
	}
	if !reflect.DeepEqual(withoutKeys(rep.Errors), want) {
		t.Errorf("errors %v", rep.Errors)
	}
	t.Logf("heap after checking %d rows: %d MiB", n, after.HeapAlloc>>20)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 64<<20 {
		t.Errorf("heap grew by %d MiB", grown>>20)
	}
}

// withoutKeys drops the catalog key and arguments of row errors, so they
// compare by what a reader sees: row, column, value and reason.
func withoutKeys(errs []RowError) []RowError {
	out := make([]RowError, len(errs))
	for i, e := range errs {
		e.Key, e.Args = "", nil
		out[i] = e
	}
	return out
}
