package app_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/sheet"
	"github.com/huifang/huifang/testworld"
)

var march = indicator.Period{Kind: indicator.Month, Year: 2026, N: 3}

// filled is a filled-in template: a title and the rows as given (group,
// item, then the 21 figures as text).
func filled(t *testing.T, title string, rows ...[]any) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	r := sheet.Report{Sheet: "2026-03", Title: title, Subtitle: "统计期间 2026-03-01 至 2026-03-31", Header: indicator.Columns, Rows: rows}
	for _, g := range indicator.ColumnGroups {
		r.Bands = append(r.Bands, sheet.Band{Title: g.Title, Cols: g.Cols})
	}
	if err := sheet.WriteReport(&buf, r); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

// line is a row whose figures are consistent: due callbacks d, of which s
// successful (all in period, all completed), no problem cases, no orphans.
func line(group, item string, d, s int64) []any {
	rate := func(n, m int64) any { return indicator.Rate{Num: n, Den: m} }
	return []any{group, item, d, s, rate(s, d), s, rate(s, d), s, rate(s, d), int64(0), rate(0, s),
		int64(0), int64(0), int64(0), rate(0, 0), int64(0), rate(0, 0), int64(0), rate(0, 0), int64(0), int64(0), int64(0), rate(0, 0)}
}

const marchTitle = "A人寿 回访统计表（2026年3月）"

func problems(t *testing.T, err error) map[string]string {
	t.Helper()
	var ue *app.UploadError
	if !errors.As(err, &ue) {
		t.Fatalf("want an upload error, got %v", err)
	}
	if huifang.ErrorCode(err) != huifang.EINVALID {
		t.Fatalf("code %s", huifang.ErrorCode(err))
	}
	out := map[string]string{}
	for _, p := range ue.Problems {
		if p.EN == "" || p.ZH == "" {
			t.Fatalf("problem without both languages: %+v", p)
		}
		out[p.Cell] = p.ZH
	}
	return out
}

// TestStatsUploadChecks: each kind of mistake is named by its cell; nothing
// passes with one.
func TestStatsUploadChecks(t *testing.T) {
	t.Parallel()
	d := huifang.NewDate(2026, 4, 3)
	parse := func(r *bytes.Reader) error {
		_, err := app.ParseStatsUpload(r, r.Size(), march, d)
		return err
	}
	good := func() [][]any {
		return [][]any{line("合计", "合计", 10, 7), line("销售渠道", "个险", 6, 4), line("销售渠道", "银保", 4, 3), line("产品类型", "传统", 10, 7)}
	}
	if err := parse(filled(t, marchTitle, good()...)); err != nil {
		t.Fatalf("a good table: %v", err)
	}
	cases := []struct {
		name string
		edit func(rows [][]any) (string, [][]any)
		cell string
		want string
	}{
		{"wrong period", func(r [][]any) (string, [][]any) { return "A人寿 回访统计表（2026年2月）", r }, "A1", "2026年2月"},
		{"no period", func(r [][]any) (string, [][]any) { return "回访统计表", r }, "A1", "标题中没有统计期间"},
		{"negative", func(r [][]any) (string, [][]any) { r[1][11] = int64(-1); return marchTitle, r }, "L6", "不能为负数"},
		{"not whole", func(r [][]any) (string, [][]any) { r[1][3] = 3.5; return marchTitle, r }, "D6", "应为整数"},
		{"blank count", func(r [][]any) (string, [][]any) { r[2][2] = ""; return marchTitle, r }, "C7", "未填写"},
		{"rate off", func(r [][]any) (string, [][]any) { r[1][4] = 0.6666; return marchTitle, r }, "E6", "与件数不符"},
		{"rate as typed", func(r [][]any) (string, [][]any) { r[1][4] = "66.66%"; return marchTitle, r }, "E6", "66.67%"},
		{"rate without denominator", func(r [][]any) (string, [][]any) { r[1][14] = "0.00%"; return marchTitle, r }, "O6", "分母为 0"},
		{"unknown row", func(r [][]any) (string, [][]any) { return marchTitle, append(r, line("销售渠道", "火星", 0, 0)) }, "B9", "未知的行"},
		{"channels", func(r [][]any) (string, [][]any) { r[2] = line("销售渠道", "银保", 3, 3); return marchTitle, r }, "C5", "各销售渠道之和为 9"},
		{"designs", func(r [][]any) (string, [][]any) { r[3] = line("产品类型", "传统", 10, 6); return marchTitle, r }, "D5", "各产品类型之和为 6"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			title, rows := c.edit(good())
			got := problems(t, parse(filled(t, title, rows...)))
			if !strings.Contains(got[c.cell], c.want) {
				t.Fatalf("problems %v, want %s: …%s…", got, c.cell, c.want)
			}
		})
	}
	// The rate rounded half up as the table shows it: 2 ÷ 3 = 66.67%.
	rows := good()
	rows[1] = line("销售渠道", "个险", 6, 4)
	rows[1][4] = "66.67%"
	if err := parse(filled(t, marchTitle, rows...)); err != nil {
		t.Fatalf("66.67%% typed: %v", err)
	}
	if err := parse(bytes.NewReader([]byte("not a table"))); huifang.ErrorCode(err) != huifang.EINVALID {
		t.Fatalf("not a table: %v", err)
	}
}

// TestStatsUploadRoundTrip: the blank template reads as the labels it
// publishes, and a table exported as XLSX uploads as the same figures.
func TestStatsUploadRoundTrip(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := marchWorld(t, tw)
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		w.clk.t = april(3)
		var tpl bytes.Buffer
		mustDo(t, func() error { return w.svc.WriteStatsTemplate(ctx, mgr, "", "2026-03", &tpl) })
		_, err := app.ParseStatsUpload(bytes.NewReader(tpl.Bytes()), int64(tpl.Len()), march, huifang.NewDate(2026, 4, 3))
		if got := problems(t, err); len(got) != 13 || !strings.Contains(got["C5"], "未填写") {
			t.Fatalf("the blank template: %v", got)
		}

		var xlsx bytes.Buffer
		mustDo(t, func() error { return w.svc.WriteStats(ctx, mgr, "", "2026-03", "xlsx", &xlsx) })
		sub, err := w.svc.UploadStats(ctx, mgr, app.SubmitInput{Period: "2026-03"}, bytes.NewReader(xlsx.Bytes()), int64(xlsx.Len()))
		mustDo(t, func() error { return err })
		if sub.Source != "upload" || sub.Version != 1 {
			t.Fatalf("uploaded %+v", sub)
		}
		org, live, err := w.svc.StatsTable(ctx, mgr, "", "2026-03")
		mustDo(t, func() error { return err })
		want, _ := json.Marshal(app.StatsJSON(org, live))
		if sub.Content != string(want) {
			t.Fatalf("uploaded content\n%s\nwant\n%s", sub.Content, want)
		}
		// A wrong period is refused before anything is stored.
		_, err = w.svc.UploadStats(ctx, mgr, app.SubmitInput{Period: "2026-02"}, bytes.NewReader(xlsx.Bytes()), int64(xlsx.Len()))
		if got := problems(t, err); !strings.Contains(got["A1"], "2026年3月") {
			t.Fatalf("wrong period: %v", got)
		}
		if _, list, _ := w.svc.Submissions(ctx, mgr, "", ""); len(list) != 1 {
			t.Fatalf("%d stored", len(list))
		}
	})
}
