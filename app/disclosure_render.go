package app

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/sheet"
)

// DisclosureColumns are the columns of a published quarter's download, in
// Chinese (the file format), for the indicators shown: each as numerator,
// denominator and rate.
func DisclosureColumns(indicators []string) []string {
	cols := []string{"保险公司代码", "保险公司"}
	for _, id := range indicators {
		name := i18n.T(i18n.ZH, indicator.Indicator{ID: id}.NameKey())
		cols = append(cols, name+"分子", name+"分母", name)
	}
	return append(cols, "双百", "数据来源", "报表版本", "勘误")
}

// DisclosureLines are the rows of the download: one per company, its
// published figures as frozen, and its errata beside them.
func DisclosureLines(d *huifang.Disclosure) [][]any {
	var out [][]any
	for _, r := range d.Rows {
		line := []any{r.OrgCode, r.OrgName}
		for _, id := range d.Indicators {
			f, _ := r.Figure(id)
			line = append(line, f.Num, f.Den, indicator.Rate{Num: f.Num, Den: f.Den})
		}
		source, version := "未经报表确认", ""
		if r.Source == huifang.FromSubmission {
			source, version = "报表确认", fmt.Sprintf("v%d", r.SubmissionVersion)
		}
		var errata []string
		for _, e := range d.Errata {
			if e.RowID == r.ID {
				errata = append(errata, ErratumZH(e))
			}
		}
		out = append(out, append(line, yesNoZH(r.DoubleHundred), source, version, strings.Join(errata, "；")))
	}
	return out
}

// ErratumZH writes an erratum in Chinese as the download carries it:
// "2026-05-06 回访成功率更正为 50.00%（2/4）：note".
func ErratumZH(e huifang.Erratum) string {
	s := huifang.DateOf(e.At).String() + " "
	if e.Indicator != "" {
		s += i18n.T(i18n.ZH, indicator.Indicator{ID: e.Indicator}.NameKey())
		if e.Corrected {
			s += "更正为 " + indicator.Rate{Num: e.Num, Den: e.Den}.Percent() + fmt.Sprintf("（%d/%d）", e.Num, e.Den)
		}
	}
	return strings.TrimSpace(s) + "：" + e.Note
}

// RenderDisclosure writes a published quarter as csv or xlsx.
func RenderDisclosure(w io.Writer, d *huifang.Disclosure, format string) error {
	cols, lines := DisclosureColumns(d.Indicators), DisclosureLines(d)
	switch format {
	case "csv":
		return sheet.WriteCSV(w, cols, slices.Values(lines))
	case "xlsx":
		p, err := indicator.ParsePeriod(d.Period)
		if err != nil {
			return err
		}
		return sheet.WriteReport(w, sheet.Report{Sheet: d.Period, Title: d.RegulatorName + " 人身保险新单回访信息披露（" + p.ZH() + "）",
			Subtitle: "发布日期 " + huifang.DateOf(d.PublishedAt).String(), Header: cols, Rows: lines})
	}
	return huifang.Errorf(huifang.EINVALID, "err.stats.bad_format")
}

func yesNoZH(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
