package sheet

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

type ratio struct{ n, d int64 }

func (r ratio) Defined() bool { return r.d > 0 }
func (r ratio) Value() float64 {
	if r.d == 0 {
		return 0
	}
	return float64(r.n) / float64(r.d)
}

func TestWriteReport(t *testing.T) {
	var b bytes.Buffer
	err := WriteReport(&b, Report{Sheet: "2026-03", Title: "甲人寿 回访统计表（2026年3月）", Subtitle: "统计期间 2026-03-01 至 2026-03-31",
		Bands:  []Band{{"分组", 2}, {"新单回访", 2}},
		Header: []string{"分组", "项目", "应回访件数", "回访成功率"},
		Rows: [][]any{
			{"合计", "合计", int64(9), ratio{5, 9}},
			{"销售渠道", "个险", int64(6), ratio{4, 6}},
			{"销售渠道", "银保", int64(3), ratio{1, 3}},
			{"产品类型", "传统", int64(0), ratio{0, 0}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("2026-03")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"甲人寿 回访统计表（2026年3月）"},
		{"统计期间 2026-03-01 至 2026-03-31"},
		{"分组", "", "新单回访"},
		{"分组", "项目", "应回访件数", "回访成功率"},
		{"合计", "合计", "9", "55.56%"},
		{"销售渠道", "个险", "6", "66.67%"},
		{"", "银保", "3", "33.33%"},
		{"产品类型", "传统", "0", "—"},
	}
	for i, w := range want {
		if i >= len(rows) || !slices.Equal(rows[i], w) {
			t.Errorf("row %d: %q, want %q", i+1, rows[min(i, len(rows)-1)], w)
		}
	}
	merged, err := f.GetMergeCells("2026-03")
	if err != nil {
		t.Fatal(err)
	}
	var spans []string
	for _, m := range merged {
		spans = append(spans, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	slices.Sort(spans)
	if !slices.Equal(spans, []string{"A1:D1", "A2:D2", "A3:B3", "A6:A7", "C3:D3"}) {
		t.Errorf("merged cells %v", spans)
	}
	// The rate is a number shown as a percentage, not text.
	if v, _ := f.GetCellValue("2026-03", "D5", excelize.Options{RawCellValue: true}); v == "" || v[0] != '0' {
		t.Errorf("D5 raw %q", v)
	}
	if err := WriteReport(&b, Report{Sheet: "x", Header: []string{"a"}, Bands: []Band{{"b", 2}}}); err == nil {
		t.Error("bands wider than the header accepted")
	}
}
