package importer

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// checkBytes runs Check on a file as an import does, without writing.
func checkBytes(t *testing.T, b []byte) (Report, error) {
	t.Helper()
	rows := openBytes(t, b)
	defer rows.Close()
	return Check(KindPolicies, rows, testRefs(), today, nil)
}

func encodeGBK(t *testing.T, s string) string {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Files in odd encodings are read when they can be without a doubt, and
// otherwise refused saying what is wrong and on which line — never as
// missing a column that is there.
func TestCheckEncodings(t *testing.T) {
	header := csvText(policyHeader)
	row := func(no string) string {
		return csvText(record(policyHeader, policyBase, map[string]string{"保单号": no}))
	}
	text := header + row("P001") + row("P002")
	utf16 := func(order xunicode.Endianness) string {
		b, err := xunicode.UTF16(order, xunicode.IgnoreBOM).NewEncoder().String(text)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Run("read", func(t *testing.T) {
		for name, in := range map[string]string{
			"utf-16 LE without BOM": utf16(xunicode.LittleEndian),
			"utf-16 BE without BOM": utf16(xunicode.BigEndian),
			"utf-8 BOM then gbk":    "\xEF\xBB\xBF" + encodeGBK(t, text),
			"CR line ends":          strings.ReplaceAll(text, "\r\n", "\r"),
		} {
			rep, err := checkBytes(t, []byte(in))
			if err != nil || !rep.OK() || rep.Rows != 2 {
				t.Errorf("%s: %+v, %v", name, rep, err)
			}
		}
	})
	t.Run("CR line ends keep their line numbers", func(t *testing.T) {
		in := strings.ReplaceAll(header+row("P001")+row("")+row("P003"), "\r\n", "\r")
		rep, err := checkBytes(t, []byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if want := []RowError{{Row: 3, Column: "保单号", Reason: "必填，不能为空"}}; !reflect.DeepEqual(withoutKeys(rep.Errors), want) {
			t.Errorf("errors %+v", rep.Errors)
		}
	})
	many := strings.Repeat(row("P001"), 1) // one good row before the odd one
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"gbk in utf-8", header + many + encodeGBK(t, row("P002")), "第3行不是 UTF-8 编码的文字，而文件的其他行是 UTF-8：这一行可能是 GBK 编码"},
		{"a gbk header over utf-8 rows", encodeGBK(t, header) + many + row("P002"), "第1行不是 UTF-8 编码的文字"},
		{"gbk after a utf-8 BOM", "\xEF\xBB\xBF" + header + many + encodeGBK(t, row("P002")), "文件开头标明是 UTF-8 编码（BOM），但第3行不是 UTF-8 编码的文字（可能是 GBK）"},
		{"a NUL", header + many + strings.Replace(row("P002"), "张三", "张\x00三", 1), "第3行第7列含有空字符（NUL，0x00）"},
		{"a NUL in the header", strings.Replace(header, "保单号", "保单\x00号", 1) + many, "第1行第1列含有空字符"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := checkBytes(t, []byte(tt.in))
			if huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
			if strings.Contains(huifang.ErrorMessage(err), "缺少必填列") {
				t.Errorf("a column that is there called missing: %v", err)
			}
		})
	}
	t.Run("xlsx: a NUL in a cell", func(t *testing.T) {
		b := policiesXLSX(t, nil, map[string]string{"保单号": "P002", "投保人姓名": "张_x0000_三"})
		_, err := checkBytes(t, b)
		if want := "第3行第7列含有空字符"; !strings.Contains(huifang.ErrorMessage(err), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	})
}

// A header under a title and notes, as Chinese templates and core-system
// exports have it, is found; the report says where, and row numbers stay
// the file's.
func TestCheckHeaderBelowTitle(t *testing.T) {
	bad := map[string]string{"保单号": "P003", "产品代码": "NOPE"}
	t.Run("csv", func(t *testing.T) {
		title := make([]string, len(policyHeader))
		title[0] = "新单保单清单 2026年3月"
		in := csvText(title, []string{"说明：带*的列必填，日期写成 2026-03-01"}, []string{"制表：总公司运营部"}) + "\n" +
			csvText(policyHeader, record(policyHeader, policyBase, nil), record(policyHeader, policyBase, bad))
		rep, err := checkBytes(t, []byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if rep.HeaderRow != 5 || !slices.Contains(rep.Warnings, "表头在第5行：上面的3行是标题或说明，没有读入") {
			t.Errorf("header row %d, warnings %q", rep.HeaderRow, rep.Warnings)
		}
		if len(rep.Errors) != 1 || rep.Errors[0].Row != 7 || rep.Rows != 2 {
			t.Errorf("report %+v", rep)
		}
	})
	t.Run("xlsx with a merged title", func(t *testing.T) {
		f := excelize.NewFile()
		defer f.Close()
		f.SetCellValue("Sheet1", "A1", "新单保单清单 2026年3月")
		last, _ := excelize.CoordinatesToCellName(len(policyHeader), 1)
		if err := f.MergeCell("Sheet1", "A1", last); err != nil {
			t.Fatal(err)
		}
		f.SetCellValue("Sheet1", "A2", "机构：总公司")
		for i, rec := range [][]string{policyHeader, record(policyHeader, policyBase, nil), record(policyHeader, policyBase, bad)} {
			for j, v := range rec {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+3)
				f.SetCellValue("Sheet1", cell, v)
			}
		}
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		rep, err := checkBytes(t, buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if rep.HeaderRow != 3 || !slices.Contains(rep.Warnings, "表头在第3行：上面的2行是标题或说明，没有读入") {
			t.Errorf("header row %d, warnings %q", rep.HeaderRow, rep.Warnings)
		}
		if len(rep.Errors) != 1 || rep.Errors[0].Row != 5 || rep.Errors[0].Column != "产品代码" {
			t.Errorf("report %+v", rep)
		}
	})
	t.Run("a header with a column missing, under a title", func(t *testing.T) {
		h := slices.DeleteFunc(slices.Clone(policyHeader), func(s string) bool { return s == "投保人手机号" })
		in := csvText([]string{"新单保单清单 2026年3月"}, h)
		_, err := checkBytes(t, []byte(in))
		if want := "表头（第2行）不对：缺少必填列：投保人手机号"; !strings.Contains(huifang.ErrorMessage(err), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	})
	t.Run("no header in the first 20 rows", func(t *testing.T) {
		var in string
		for range 20 {
			in += "说明\n"
		}
		in += csvText(policyHeader)
		_, err := checkBytes(t, []byte(in))
		if want := "表头不对：缺少必填列：保单号"; !strings.Contains(huifang.ErrorMessage(err), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	})
}
