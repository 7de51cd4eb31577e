package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/xuri/excelize/v2"
)

// xlsxBytes saves a workbook built by fill.
func xlsxBytes(t *testing.T, fill func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f)
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func set(t *testing.T, f *excelize.File, sheet, cell string, v any, style int) {
	t.Helper()
	if err := f.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
	if style != 0 {
		if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
			t.Fatal(err)
		}
	}
}

func style(t *testing.T, f *excelize.File, s *excelize.Style) int {
	t.Helper()
	id, err := f.NewStyle(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestXLSX(t *testing.T) {
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	b := xlsxBytes(t, func(f *excelize.File) {
		custom := func(code string) int { return style(t, f, &excelize.Style{CustomNumFmt: &code}) }
		iso := style(t, f, &excelize.Style{NumFmt: 14})
		slash := custom("yyyy/m/d;@")
		chinese := custom(`yyyy"年"m"月"d"日"`)
		dateTime := style(t, f, &excelize.Style{NumFmt: 22})
		clock := custom("hh:mm:ss")
		money := custom(`#,##0.00"元"`)
		sci := style(t, f, &excelize.Style{NumFmt: 11})
		text := style(t, f, &excelize.Style{NumFmt: 49})

		for i, h := range []string{"保单号", "手机号", "投保日期", "承保日期", "回执签收日期", "时间", "保费", "是否", "备注"} {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			set(t, f, "Sheet1", cell, h, 0)
		}
		// row 2: dates in three formats, numbers that must keep their digits
		set(t, f, "Sheet1", "A2", 202600000000001, 0)
		set(t, f, "Sheet1", "B2", 13812345678, sci)
		set(t, f, "Sheet1", "C2", day, iso)
		set(t, f, "Sheet1", "D2", day.AddDate(0, 0, 1), slash)
		set(t, f, "Sheet1", "E2", day.AddDate(0, 0, 2), chinese)
		set(t, f, "Sheet1", "F2", 0.5, clock)
		set(t, f, "Sheet1", "G2", 1234.56, money)
		set(t, f, "Sheet1", "H2", true, 0)
		set(t, f, "Sheet1", "I2", "  留白  ", 0)
		// row 3 is empty; row 4 has gaps, a date-time and text in a date style
		set(t, f, "Sheet1", "A4", "P002", 0)
		set(t, f, "Sheet1", "C4", day.Add(10*time.Hour+30*time.Minute), dateTime)
		set(t, f, "Sheet1", "D4", day, dateTime)
		set(t, f, "Sheet1", "E4", "2026/1/5", iso)
		set(t, f, "Sheet1", "G4", 0.1+0.2, 0)
		set(t, f, "Sheet1", "H4", false, 0)
		set(t, f, "Sheet1", "I4", "110101199003070000", text)
		// row 5: a number too long for Excel's 15 digits, and rich text
		set(t, f, "Sheet1", "A5", 110101199003071234.0, 0)
		if err := f.SetCellRichText("Sheet1", "I5", []excelize.RichTextRun{{Text: "红"}, {Text: "字", Font: &excelize.Font{Bold: true}}}); err != nil {
			t.Fatal(err)
		}
		// a second sheet is not read
		f.NewSheet("Sheet2")
		set(t, f, "Sheet2", "A1", "不读", 0)
	})
	got, err := readAll(t, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{1, []string{"保单号", "手机号", "投保日期", "承保日期", "回执签收日期", "时间", "保费", "是否", "备注"}},
		{2, []string{"202600000000001", "13812345678", "2026-01-05", "2026-01-06", "2026-01-07", "12:00:00", "1234.56", "TRUE", "留白"}},
		{4, []string{"P002", "", "2026-01-05 10:30:00", "2026-01-05", "2026/1/5", "", "0.3", "FALSE", "110101199003070000"}},
		{5, []string{"110101199003071000", "", "", "", "", "", "", "", "红字"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestXLSXDate1904(t *testing.T) {
	b := xlsxBytes(t, func(f *excelize.File) {
		on := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &on}); err != nil {
			t.Fatal(err)
		}
		set(t, f, "Sheet1", "A1", "承保日期", 0)
		set(t, f, "Sheet1", "A2", time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), style(t, f, &excelize.Style{NumFmt: 14}))
	})
	got, err := readAll(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := []row{{1, []string{"承保日期"}}, {2, []string{"2026-02-28"}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// zipOf makes a zip archive of the given files.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A minimal hand-written package: prefixed element names, inline strings,
// cells without references, a hidden first sheet and a shared string with a
// phonetic guide and an escaped carriage return.
func TestXLSXHandWritten(t *testing.T) {
	b := zipOf(t, map[string]string{
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="/xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<x:sheets><x:sheet name="隐藏" sheetId="1" state="hidden" r:id="rId2"/><x:sheet name="数据" sheetId="2" r:id="rId1"/></x:sheets></x:workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/hidden.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>`,
		"xl/strings.xml":           `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>东</t></r><r><t>京</t></r><rPh sb="0" eb="2"><t>とうきょう</t></rPh></si><si><t>一_x000D_二</t></si></sst>`,
		"xl/worksheets/hidden.xml": `<worksheet><sheetData><row><c t="inlineStr"><is><t>hidden</t></is></c></row></sheetData></worksheet>`,
		"xl/worksheets/data.xml": `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row><x:c t="inlineStr"><x:is><x:t>a &amp; b</x:t></x:is></x:c><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>
<x:row><x:c><x:v>1.3812345678E10</x:v></x:c><x:c t="str"><x:f>A2&amp;""</x:f><x:v>x</x:v></x:c><x:c t="d"><x:v>2026-01-05T00:00:00Z</x:v></x:c></x:row>
</x:sheetData></x:worksheet>`,
	})
	got, err := readAll(t, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []row{{1, []string{"a & b", "东京", "一\r二"}}, {2, []string{"13812345678", "x", "2026-01-05"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestXLSXErrors(t *testing.T) {
	good := xlsxBytes(t, func(f *excelize.File) {
		for r := 1; r <= 2000; r++ {
			cell, _ := excelize.CoordinatesToCellName(1, r)
			set(t, f, "Sheet1", cell, r, 0)
		}
	})
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"truncated", good[:len(good)/2], "XLSX 文件已损坏或不完整"},
		{"only the zip magic", []byte("PK\x03\x04"), "XLSX 文件已损坏或不完整"},
		{"a zip that is not a workbook", zipOf(t, map[string]string{"hello.txt": "hi"}), "不是 XLSX 工作簿"},
		{"no sheets", zipOf(t, map[string]string{"xl/workbook.xml": `<workbook><sheets/></workbook>`}), "没有工作表"},
		{"broken sheet XML", zipOf(t, map[string]string{
			"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="a" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="s.xml"/></Relationships>`,
			"xl/s.xml":                   `<worksheet><sheetData><row><c><v>1</v></c></row><row><c><v>2</v>`,
		}), "XLSX 文件已损坏或不完整"},
		{"shared string out of range", zipOf(t, map[string]string{
			"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="a" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="s.xml"/></Relationships>`,
			"xl/s.xml":                   `<worksheet><sheetData><row><c t="s"><v>7</v></c></row></sheetData></worksheet>`,
		}), "XLSX 文件已损坏或不完整"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, tt.in)
			wantInvalid(t, err, tt.want)
		})
	}
}

func TestFormatKind(t *testing.T) {
	tests := []struct {
		code string
		want cellKind
	}{
		{"General", kindNumber},
		{"@", kindNumber},
		{"0", kindNumber},
		{"0.00E+00", kindNumber},
		{"#,##0.00_);[Red](#,##0.00)", kindNumber},
		{`#,##0.00"元"`, kindNumber},
		{`[$¥-804]#,##0.00`, kindNumber},
		{"0.00%", kindNumber},
		{"yyyy-mm-dd", kindDate},
		{"yyyy/m/d;@", kindDate},
		{`yyyy"年"m"月"d"日"`, kindDate},
		{"[$-804]yyyy年m月d日 dddd", kindDate},
		{"[DBNum1][$-804]yyyy\"年\"m\"月\"d\"日\"", kindDate},
		{"mmm-yy", kindDate},
		{"d-mmm", kindDate},
		{"mm", kindDate},
		{"yyyy-mm-dd hh:mm:ss", kindDateTime},
		{"m/d/yy h:mm AM/PM", kindDateTime},
		{"hh:mm", kindTime},
		{"h:mm AM/PM", kindTime},
		{"[h]:mm:ss", kindTime},
		{"mm:ss.0", kindTime},
		{`"date"0`, kindNumber},
		{`\d0`, kindNumber},
	}
	for _, tt := range tests {
		if got := formatKind(tt.code); got != tt.want {
			t.Errorf("formatKind(%q) = %d, want %d", tt.code, got, tt.want)
		}
	}
	for id, want := range map[int]cellKind{0: kindNumber, 1: kindNumber, 11: kindNumber, 14: kindDate, 17: kindDate, 22: kindDateTime, 20: kindTime, 31: kindDate, 32: kindTime, 49: kindNumber, 57: kindDate} {
		if got := builtinKind(id); got != want {
			t.Errorf("builtinKind(%d) = %d, want %d", id, got, want)
		}
	}
}

func TestSerial(t *testing.T) {
	tests := []struct {
		v        string
		kind     cellKind
		date1904 bool
		want     string
	}{
		{"1", kindDate, false, "1900-01-01"},
		{"59", kindDate, false, "1900-02-28"},
		{"61", kindDate, false, "1900-03-01"},
		{"45658", kindDate, false, "2025-01-01"},
		{"46027", kindDate, false, "2026-01-05"},
		{"46027.75", kindDate, false, "2026-01-05"},
		{"46027.75", kindDateTime, false, "2026-01-05 18:00:00"},
		{"46027.99999999", kindDateTime, false, "2026-01-06"},
		{"46027", kindDateTime, false, "2026-01-05"},
		{"0.25", kindTime, false, "06:00:00"},
		{"0", kindDate, true, "1904-01-01"},
		{"44565", kindDate, true, "2026-01-05"},
		{"-1", kindDate, false, "-1"},
		{"x", kindDate, false, "x"},
	}
	for _, tt := range tests {
		if got := formatSerial(tt.v, tt.kind, tt.date1904); got != tt.want {
			t.Errorf("formatSerial(%q, %d, %v) = %q, want %q", tt.v, tt.kind, tt.date1904, got, tt.want)
		}
	}
}

func TestPlainNumber(t *testing.T) {
	tests := map[string]string{
		"13812345678":          "13812345678",
		"1.3812345678E10":      "13812345678",
		"1.10101199001011E+17": "110101199001011000",
		"1234.5599999999999":   "1234.56",
		"0.30000000000000004":  "0.3",
		"-0":                   "0",
		"1E-3":                 "0.001",
		"abc":                  "abc",
	}
	for in, want := range tests {
		if got := plainNumber(in); got != want {
			t.Errorf("plainNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnescapeOOXML(t *testing.T) {
	tests := map[string]string{
		"a_x000D_b":     "a\rb",
		"_x005F_x000D_": "_x000D_",
		"plain_x":       "plain_x",
		"_xZZZZ_":       "_xZZZZ_",
	}
	for in, want := range tests {
		if got := unescapeOOXML(in); got != want {
			t.Errorf("unescapeOOXML(%q) = %q, want %q", in, got, want)
		}
	}
}

// Reading a large workbook keeps memory flat: the sheet is parsed as a stream.
func TestXLSXStreams(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	name := filepath.Join(t.TempDir(), "big.xlsx")
	out, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	x, err := NewXLSXWriter(out, "Sheet1", []string{"保单号", "投保人姓名", "保费", "承保日期"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := x.Write([]any{fmt.Sprintf("P%010d", i), "张三丰", 1234.56, huifang.NewDate(2026, 1, 5)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}

	rows, err := OpenFile(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	count := 0
	for {
		rec, err := rows.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if count > 0 && (rec[0] != fmt.Sprintf("P%010d", count-1) || rec[3] != "2026-01-05" || rec[2] != "1234.56") {
			t.Fatalf("row %d: %q", rows.Line(), rec)
		}
		if count++; count == n/2 {
			runtime.GC()
			runtime.ReadMemStats(&after)
		}
	}
	if count != n+1 {
		t.Errorf("read %d rows, want %d", count, n+1)
	}
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 4<<20 {
		t.Errorf("heap grew by %d bytes while reading", grown)
	}
}
