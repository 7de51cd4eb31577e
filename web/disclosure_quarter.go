package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
)

// The public page of a published quarter: each company's figures as
// published, errata beside the figure they correct, the double-100% mark,
// a bar chart drawn here as SVG (no script), and each company's history.

// disclosureQuarter shows a published quarter, or downloads it.
func (s *server) disclosureQuarter(w http.ResponseWriter, r *http.Request) {
	rq := publicRequest(r)
	name, format := r.PathValue("period"), ""
	for _, ext := range []string{"csv", "xlsx"} {
		if p, ok := strings.CutSuffix(name, "."+ext); ok {
			name, format = p, ext
		}
	}
	reg := strings.TrimSpace(r.URL.Query().Get("reg"))
	d, err := s.svc.Disclosure(r.Context(), reg, name)
	if errors.Is(err, app.ErrWhichRegulator) {
		http.Redirect(w, r, "/disclosure?"+url.Values{"period": {name}, "lang": {string(rq.Lang)}}.Encode(), http.StatusSeeOther)
		return
	}
	if err != nil {
		s.publicError(w, r, rq, err)
		return
	}
	if s.fresh(w, r, d.Changed, fmt.Sprintf("%s|%s|%s|%s", rq.Lang, d.RegulatorCode, format, r.URL.RawQuery)) {
		return
	}
	if format != "" {
		var buf bytes.Buffer
		if err := app.RenderDisclosure(&buf, d.Disclosure, format); err != nil {
			s.publicError(w, r, rq, err)
			return
		}
		ctype := "text/csv; charset=utf-8"
		if format == "xlsx" {
			ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		file := fmt.Sprintf("disclosure-%s-%s.%s", d.RegulatorCode, d.Period, format)
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
		w.Write(buf.Bytes())
		return
	}
	page := quarterView(rq, d)
	s.renderPublic(w, r, rq, http.StatusOK, "quarter", page.Title, page)
}

// quarterPage is the data of /disclosure/{period}.
type quarterPage struct {
	Title       string
	Regulator   string
	PeriodLabel string
	Published   string
	Indicators  []indicatorHead
	Rows        []quarterRow
	Chart       quarterChart
	CSV, XLSX   string
	Index       string
	Live        int // companies published from the live table
	Errata      int
}

type indicatorHead struct {
	ID, Name, Formula string
}

type quarterRow struct {
	Code, Name string
	Live       bool
	Version    int
	Double     bool
	Cells      []figureCell
	Notes      []erratumView // errata on the row as a whole
	History    []historyPoint
}

type figureCell struct {
	ID, Name, Percent string
	Num, Den          int64
	Errata            []erratumView
}

type erratumView struct {
	Date, Note, Corrected string
}

type historyPoint struct {
	Label, Href string
	Current     bool
	Double      bool
	Corrected   bool // errata were published for the quarter
	Percents    []string
}

// quarterView makes the page's data from a published quarter.
func quarterView(rq *request, d *app.PublicDisclosure) quarterPage {
	p := quarterPage{Regulator: d.RegulatorName, PeriodLabel: quarterLabel(rq, d.Period), Published: huifang.DateOf(d.PublishedAt).String(),
		CSV: quarterHref(d.Period, d.RegulatorCode, ".csv", ""), XLSX: quarterHref(d.Period, d.RegulatorCode, ".xlsx", ""),
		Index: "/disclosure?" + url.Values{"reg": {d.RegulatorCode}}.Encode(), Errata: len(d.Errata)}
	if rq.Lang == langEN {
		p.Index += "&lang=en"
	}
	p.Title = rq.T.T("disclosure.public.quarter_title", d.RegulatorName, p.PeriodLabel)
	for _, id := range d.Indicators {
		ind := indicator.Indicator{ID: id}
		p.Indicators = append(p.Indicators, indicatorHead{ID: id, Name: rq.T.T(ind.NameKey()), Formula: rq.T.T(ind.FormulaKey())})
	}
	view := func(e huifang.Erratum) erratumView {
		v := erratumView{Date: huifang.DateOf(e.At).String(), Note: e.Note}
		if e.Corrected {
			v.Corrected = fmt.Sprintf("%s (%d/%d)", indicator.Rate{Num: e.Num, Den: e.Den}.Percent(), e.Num, e.Den)
		}
		return v
	}
	for _, r := range d.Rows {
		row := quarterRow{Code: r.OrgCode, Name: r.OrgName, Live: r.Source == huifang.FromLive, Version: r.SubmissionVersion, Double: r.DoubleHundred}
		if row.Live {
			p.Live++
		}
		for _, h := range p.Indicators {
			f, _ := r.Figure(h.ID)
			c := figureCell{ID: h.ID, Name: h.Name, Percent: indicator.Rate{Num: f.Num, Den: f.Den}.Percent(), Num: f.Num, Den: f.Den}
			for _, e := range d.Errata {
				if e.RowID == r.ID && e.Indicator == h.ID {
					c.Errata = append(c.Errata, view(e))
				}
			}
			row.Cells = append(row.Cells, c)
		}
		for _, e := range d.Errata {
			if e.RowID == r.ID && e.Indicator == "" {
				row.Notes = append(row.Notes, view(e))
			}
		}
		for _, h := range d.History[r.OrgCode] {
			hp := historyPoint{Label: quarterLabel(rq, h.Period), Href: quarterHref(h.Period, d.RegulatorCode, "", rq.Lang), Current: h.Period == d.Period,
				Double: h.DoubleHundred, Corrected: h.Corrected}
			for _, ind := range p.Indicators {
				if f, ok := h.Figure(ind.ID); ok {
					hp.Percents = append(hp.Percents, indicator.Rate{Num: f.Num, Den: f.Den}.Percent())
				} else {
					hp.Percents = append(hp.Percents, "—")
				}
			}
			row.History = append(row.History, hp)
		}
		p.Rows = append(p.Rows, row)
	}
	p.Chart = chartOf(p)
	return p
}

// quarterChart is a horizontal bar chart of every company's figures, laid
// out here so that the template only draws it.
type quarterChart struct {
	Width, Height int
	Left, Right   int // the bars' span
	Series        []chartSeries
	Groups        []chartGroup
	Ticks         []chartTick
	Label         string
}

type chartSeries struct {
	Name  string
	Class string
}

type chartGroup struct {
	Y, LabelY int
	Label     string
	Bars      []chartBar
}

type chartBar struct {
	Y, W, H, TextX, TextY int
	Class, Text, Title    string
}

type chartTick struct {
	X    int
	Text string
}

// The chart's geometry, in SVG user units (the view box scales it to the
// screen's width).
const (
	chartWidth = 400
	chartLeft  = 12
	chartRight = 330
	chartLabel = 19 // the company's name above its bars
	chartBarH  = 15
	chartGap   = 3
	chartPad   = 12
)

func chartOf(p quarterPage) quarterChart {
	c := quarterChart{Width: chartWidth, Left: chartLeft, Right: chartRight, Label: p.Title}
	for i, h := range p.Indicators {
		c.Series = append(c.Series, chartSeries{Name: h.Name, Class: fmt.Sprintf("s%d", i%4)})
	}
	span := chartRight - chartLeft
	y := 18
	for _, r := range p.Rows {
		n := len(r.Cells)
		g := chartGroup{Y: y, LabelY: y + 14, Label: shortName(r.Name)}
		y += chartLabel
		for i, cell := range r.Cells {
			w := 0
			if cell.Den > 0 {
				w = int(int64(span)*cell.Num/cell.Den + 0)
			}
			by := y + i*(chartBarH+chartGap)
			g.Bars = append(g.Bars, chartBar{Y: by, W: w, H: chartBarH, TextX: chartLeft + w + 4, TextY: by + chartBarH - 3,
				Class: c.Series[i].Class, Text: cell.Percent, Title: r.Name + " " + cell.Name + " " + cell.Percent})
		}
		c.Groups = append(c.Groups, g)
		y += n*(chartBarH+chartGap) - chartGap + chartPad
	}
	c.Height = y + 6
	for _, pct := range []int{0, 50, 100} {
		c.Ticks = append(c.Ticks, chartTick{X: chartLeft + span*pct/100, Text: fmt.Sprintf("%d%%", pct)})
	}
	return c
}
