package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/sheet"
)

// The published template of the statistics table (docs/submissions.md): the
// generated workbook's title, bands, header and row labels, with the counts
// and rates left blank. A company that keeps its figures elsewhere fills it
// in and uploads it; the upload is checked cell by cell before anything is
// stored, and a valid one becomes a submitted version like a generated one.

// templateRow is a row of the template: its group and item labels (columns
// A and B) and the key of the table's row.
type templateRow struct {
	group, item, key string
	kind             string // total, channel, design, type
}

func templateRows() []templateRow {
	rows := []templateRow{{indicator.GroupTotal, indicator.GroupTotal, "", "total"}}
	for _, c := range huifang.Channels {
		if c != huifang.ChannelGroup { // group business owes no callback
			rows = append(rows, templateRow{indicator.GroupChannel, c.ZH(), string(c), "channel"})
		}
	}
	for _, d := range huifang.DesignTypes {
		rows = append(rows, templateRow{indicator.GroupDesign, d.ZH(), string(d), "design"})
	}
	for _, t := range huifang.ProblemTypes {
		rows = append(rows, templateRow{indicator.GroupType, t.ZH(), string(t), "type"})
	}
	return rows
}

// The columns of indicator.Columns that hold counts, and each rate's column
// with its numerator's and denominator's (0-based).
var (
	countCols = []int{2, 3, 5, 7, 9, 11, 12, 13, 15, 17, 19, 20, 21}
	rateCols  = map[int][2]int{4: {3, 2}, 6: {5, 2}, 8: {7, 2}, 10: {9, 7}, 14: {13, 12}, 16: {15, 12}, 18: {17, 15}, 22: {21, 20}}
	// caseCols are the problem-case counts, which the problem-type rows add up.
	caseCols = []int{11, 12, 13, 15, 17, 19}
)

// WriteStatsTemplate writes the blank template of the user's company for a
// period as XLSX.
func (s *Service) WriteStatsTemplate(ctx context.Context, u *huifang.User, orgCode, period string, w io.Writer) error {
	if err := require(u, huifang.PermViewStats); err != nil {
		return err
	}
	p, err := indicator.ParsePeriod(period)
	if err != nil {
		return err
	}
	org, err := s.statsOrg(ctx, u, orgCode)
	if err != nil {
		return err
	}
	if org.Kind != huifang.KindInsurer {
		return huifang.Errorf(huifang.EINVALID, "err.stats.template_insurer")
	}
	return writeTemplate(w, org.Name, p)
}

func writeTemplate(w io.Writer, orgName string, p indicator.Period) error {
	r := sheet.Report{Sheet: p.String(), Title: indicator.Title(orgName, p),
		Subtitle: i18n.T(i18n.ZH, "stats.template.subtitle", p.First().String(), p.Last().String(), p.String()),
		Header:   indicator.Columns}
	for _, g := range indicator.ColumnGroups {
		r.Bands = append(r.Bands, sheet.Band{Title: g.Title, Cols: g.Cols})
	}
	for _, tr := range templateRows() {
		line := make([]any, len(indicator.Columns))
		line[0], line[1] = tr.group, tr.item
		for i := 2; i < len(line); i++ {
			line[i] = ""
		}
		r.Rows = append(r.Rows, line)
	}
	return sheet.WriteReport(w, r)
}

// CellProblem is what is wrong with one cell of an uploaded table, in
// Chinese and in English.
type CellProblem struct {
	Cell string // "D5"; "" for the whole file
	ZH   string
	EN   string
	Key  string // the catalog key of the text, rendered as ZH and EN
	Args []any
}

// UploadError lists every problem of an uploaded table. It unwraps to an
// invalid-input *huifang.Error whose fields are the cells, in Chinese.
type UploadError struct {
	Problems []CellProblem
}

func (e *UploadError) Error() string { return e.AppError().Error() }

// Unwrap gives the application error, so that huifang.ErrorCode sees it.
func (e *UploadError) Unwrap() error { return e.AppError() }

// AppError is the problems as one application error, the cells its fields.
func (e *UploadError) AppError() *huifang.Error {
	ae := huifang.Errorf(huifang.EINVALID, "err.stats.upload_problems", len(e.Problems))
	for _, p := range e.Problems {
		ae.Fields = append(ae.Fields, huifang.Field(p.Cell, p.Key, p.Args...))
	}
	return ae
}

func cellName(col, row int) string {
	name := ""
	for c := col + 1; c > 0; c = (c - 1) / 26 {
		name = string(rune('A'+(c-1)%26)) + name
	}
	return name + strconv.Itoa(row)
}

// ParseStatsUpload reads an uploaded template for a period and checks it:
// the period in its title, the header, known rows only, non-negative whole
// counts, rates equal to their counts' (to the two decimals shown, rounded
// half up), and channel, design-type and problem-type rows adding up to the
// total. It returns the table, overdue and pending as the counts give them,
// or an *UploadError with every problem.
func ParseStatsUpload(r io.ReaderAt, size int64, p indicator.Period, asOf huifang.Date) (indicator.Table, error) {
	rows, err := sheet.Open(r, size)
	if err != nil {
		return indicator.Table{}, err
	}
	defer rows.Close()
	var probs []CellProblem
	bad := func(cell, key string, args ...any) {
		m := huifang.M(key, args...)
		probs = append(probs, CellProblem{Cell: cell, ZH: m.Text(i18n.ZH), EN: m.Text(i18n.EN), Key: key, Args: args})
	}
	known := map[string]templateRow{}
	for _, tr := range templateRows() {
		known[tr.group+"/"+tr.item] = tr
	}
	type parsed struct {
		tr     templateRow
		line   int
		counts map[int]int64
	}
	var got []parsed
	seen := map[string]int{}
	title, header := false, false
	group := ""
	for {
		rec, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return indicator.Table{}, err
		}
		line := rows.Line()
		cell := func(i int) string {
			if i < len(rec) {
				return rec[i]
			}
			return ""
		}
		if !title {
			title = true
			m := indicator.TitlePeriod.FindStringSubmatch(cell(0))
			switch {
			case m == nil:
				bad(cellName(0, line), "err.stats.upload.no_period", p.ZH())
			case m[1] != p.ZH():
				bad(cellName(0, line), "err.stats.upload.other_period", m[1], p.ZH())
			}
			continue
		}
		if !header {
			if cell(0) != indicator.Columns[0] || cell(1) != indicator.Columns[1] {
				continue // the subtitle and the bands
			}
			header = true
			for i, h := range indicator.Columns {
				if cell(i) != h {
					bad(cellName(i, line), "err.stats.upload.column", h, cell(i))
				}
			}
			if len(probs) > 0 {
				return indicator.Table{}, &UploadError{Problems: probs}
			}
			continue
		}
		if cell(0) != "" {
			group = cell(0)
		}
		tr, ok := known[group+"/"+cell(1)]
		if !ok {
			bad(cellName(1, line), "err.stats.upload.unknown_row", group, cell(1))
			continue
		}
		if prev, dup := seen[tr.group+"/"+tr.item]; dup {
			bad(cellName(1, line), "err.stats.upload.row_twice", tr.group, tr.item, prev)
			continue
		}
		seen[tr.group+"/"+tr.item] = line
		blank := true
		for i := 2; i < len(indicator.Columns); i++ {
			if v := cell(i); v != "" && v != "—" && v != "-" {
				blank = false
			}
		}
		if blank && tr.kind != "total" {
			continue // no business in this row
		}
		pr := parsed{tr: tr, line: line, counts: map[int]int64{}}
		ok = true
		for _, i := range countCols {
			v := cell(i)
			n, err := strconv.ParseInt(v, 10, 64)
			switch {
			case v == "":
				bad(cellName(i, line), "err.stats.upload.count_empty", indicator.Columns[i])
			case err != nil:
				bad(cellName(i, line), "err.stats.upload.count_not_int", indicator.Columns[i], v)
			case n < 0:
				bad(cellName(i, line), "err.stats.upload.count_negative", indicator.Columns[i], n)
			default:
				pr.counts[i] = n
				continue
			}
			ok = false
		}
		if !ok {
			continue
		}
		for i, nd := range rateCols {
			want := indicator.Rate{Num: pr.counts[nd[0]], Den: pr.counts[nd[1]]}
			v := cell(i)
			if !want.Defined() {
				if v != "" && v != "—" && v != "-" {
					bad(cellName(i, line), "err.stats.upload.rate_zero_den", indicator.Columns[i], v)
				}
				continue
			}
			shown, ok := percentOf(v)
			switch {
			case v == "":
				bad(cellName(i, line), "err.stats.upload.rate_empty", indicator.Columns[i], want.Percent(), want.Num, want.Den)
			case !ok:
				bad(cellName(i, line), "err.stats.upload.rate_not_percent", indicator.Columns[i], v)
			case shown != want.Percent():
				bad(cellName(i, line), "err.stats.upload.rate_mismatch", indicator.Columns[i], shown, want.Num, want.Den, want.Percent())
			}
		}
		got = append(got, pr)
	}
	var total *parsed
	for i := range got {
		if got[i].tr.kind == "total" {
			total = &got[i]
		}
	}
	if !header {
		bad("", "err.stats.upload.no_header")
	} else if total == nil && len(probs) == 0 {
		bad("", "err.stats.upload.no_total")
	}
	if len(probs) > 0 {
		return indicator.Table{}, &UploadError{Problems: probs}
	}
	// The groups add up to the total.
	sums := []struct {
		kind string
		what huifang.Msg
		cols []int
	}{{"channel", huifang.M("err.stats.upload.channels"), countCols}, {"design", huifang.M("err.stats.upload.designs"), countCols}, {"type", huifang.M("err.stats.upload.types"), caseCols}}
	for _, sm := range sums {
		for _, i := range sm.cols {
			var sum int64
			for _, pr := range got {
				if pr.tr.kind == sm.kind {
					sum += pr.counts[i]
				}
			}
			if sum != total.counts[i] {
				bad(cellName(i, total.line), "err.stats.upload.sum", indicator.Columns[i], total.counts[i], sm.what, sum)
			}
		}
	}
	if len(probs) > 0 {
		return indicator.Table{}, &UploadError{Problems: probs}
	}
	t := indicator.Table{Period: p, AsOf: asOf}
	for _, pr := range got {
		c := pr.counts
		row := indicator.Row{Key: pr.tr.key,
			Callbacks: indicator.CallbackCounts{Due: c[2], Successful: c[3], SuccessfulInPeriod: c[5], Completed: c[7], Problems: c[9]},
			Cases:     indicator.CaseCounts{Opened: c[11], Due: c[12], Resolved: c[13], Closed: c[15], ClosedOnTime: c[17], Pending: max(c[12]-c[15], 0)},
			Overdue:   c[19], Orphans: indicator.CallbackCounts{Due: c[20], Successful: c[21]},
			DueFull: c[2]} // only an ended period is submitted: all of it is due
		switch pr.tr.kind {
		case "total":
			t.Total = row
		case "channel":
			t.ByChannel = append(t.ByChannel, row)
		case "design":
			t.ByDesign = append(t.ByDesign, row)
		case "type":
			t.ByType = append(t.ByType, row)
		}
	}
	return t, nil
}

// percentOf reads a rate cell as the percentage shown with two decimals,
// rounded half up: "96.41%" as typed, or 0.9641 as a percentage cell holds it.
func percentOf(v string) (string, bool) {
	v = strings.ReplaceAll(v, ",", "")
	q, pct := strings.CutSuffix(v, "%")
	x, ok := new(big.Rat).SetString(strings.TrimSpace(q))
	if !ok || x.Sign() < 0 {
		return "", false
	}
	if !pct {
		x.Mul(x, big.NewRat(100, 1))
	}
	x.Mul(x, big.NewRat(100, 1))
	x.Add(x, big.NewRat(1, 2))
	h := new(big.Int).Quo(x.Num(), x.Denom()).Int64()
	return fmt.Sprintf("%d.%02d%%", h/100, h%100), true
}

// UploadStats checks an uploaded template and submits it as the company's
// table for the period (source "upload"): version 1, or a correction with
// its reason. Nothing is stored unless every check passes.
func (s *Service) UploadStats(ctx context.Context, u *huifang.User, in SubmitInput, r io.ReaderAt, size int64) (*huifang.Submission, error) {
	org, p, prev, err := s.submitCheck(ctx, u, in)
	if err != nil {
		return nil, err
	}
	t, err := ParseStatsUpload(r, size, p, s.today())
	if err != nil {
		return nil, err
	}
	return s.storeSubmission(ctx, u, org, t, SourceUpload, in.Reason, prev)
}
