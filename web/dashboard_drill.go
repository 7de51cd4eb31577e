package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
)

// drillDims are the dimensions of an insurer's drill-down, in tab order.
var drillDims = []string{"branch", "channel", "design", "seller", "method", "age"}

// drillFilterNames narrow the drill-down before it groups (and the
// callback lists behind its figures).
var drillFilterNames = []string{"branch", "channel", "design"}

// drillView is the drill-down of an insurer's dashboard: the period's
// figures grouped by one dimension, within the filters chosen so far.
type drillView struct {
	Dim     string
	Dims    []drillTab
	Filters []drillFilter
	// Hidden keeps the drill-down when the period changes.
	Hidden []hiddenField
	Table  rowsTable
	Hint   string
	// ChartNote says the chart shows only some of the table's rows.
	ChartNote string
	// Pager pages the table when it has more than drillPageSize rows.
	Pager *drillPager
}

// drillChartMax is how many groups the drill-down's chart shows at most.
const drillChartMax = 15

// drillPageSize is how many rows a page of the drill-down shows. A
// province has thousands of agents: a page of every one of them was
// megabytes of HTML, whose rendering took most of the drill-down's time
// (docs/performance.md); "show all" still gives them on one page.
const drillPageSize = 100

// drillPager is where a page of the drill-down is among its rows
// (?page=N, 1 first, or ?page=all), with the links to the others.
type drillPager struct {
	Text string // "第 1–100 个，共 2000 个"
	// Total is the number of rows over all the pages.
	Total                      int
	FirstURL, PrevURL, NextURL string
	// AllURL shows every row on one page, PagedURL goes back to pages.
	AllURL, PagedURL string
}

type drillTab struct {
	Dim, Href string
	Active    bool
}

type drillFilter struct {
	Name, Value, Label string
	Remove             string // the drill-down without it
}

type hiddenField struct{ Name, Value string }

// drillDown fills in the insurer's drill-down from ?dim= (default branch)
// and the filters ?branch=, ?channel=, ?design=.
func (s *server) drillDown(r *http.Request, rq *request, pg *dashPage) error {
	q := r.URL.Query()
	d := &drillView{Dim: q.Get("dim")}
	if !slices.Contains(drillDims, d.Dim) {
		d.Dim = "branch"
	}
	filters := map[string]string{}
	for _, n := range drillFilterNames {
		if v := q.Get(n); v != "" {
			filters[n] = v
		}
	}
	// query is this dashboard's with the dimension and filters changed.
	query := func(dim string, set map[string]string) url.Values {
		v := url.Values{"period": {pg.Period.String()}, "dim": {dim}}
		if !pg.Own {
			v.Set("org", pg.Org.Code)
		}
		for _, n := range drillFilterNames {
			x, ok := set[n]
			if !ok {
				x = filters[n]
			}
			if x != "" {
				v.Set(n, x)
			}
		}
		return v
	}
	link := func(dim string, set map[string]string) string {
		return "/dashboard?" + query(dim, set).Encode() + "#drill"
	}
	pg.Drill = d

	bs, err := s.svc.Branches(r.Context(), rq.User, pg.Org.ID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	var roots []string
	for _, b := range bs {
		names[b.Code] = b.Name
		if b.ParentCode == "" {
			roots = append(roots, b.Code)
		}
	}
	// The branch whose own policies a row of the branch dimension holds
	// (the others hold their sub-branches' too): the filter's branch, or the
	// head office.
	self := filters["branch"]
	if self == "" && len(roots) == 1 {
		self = roots[0]
	}
	breakdown := func() ([]indicator.Row, error) {
		_, rows, err := s.svc.StatsBreakdown(r.Context(), rq.User, pg.Org.Code, pg.Period.String(), d.Dim,
			app.BreakdownFilter{Branch: filters["branch"], Channel: filters["channel"], Design: filters["design"]})
		return rows, err
	}
	rows, err := breakdown()
	if err != nil {
		return err
	}
	asked := filters["branch"]
	// A level with a single branch (a company in one province) says
	// nothing: go down to the first level that splits.
	for i := 0; i < 8 && d.Dim == "branch" && len(rows) == 1 && rows[0].Key != self && names[rows[0].Key] != ""; i++ {
		filters["branch"], self = rows[0].Key, rows[0].Key
		if rows, err = breakdown(); err != nil {
			return err
		}
	}
	d.Hidden = append(d.Hidden, hiddenField{"dim", d.Dim})
	for _, n := range drillFilterNames {
		if v := filters[n]; v != "" {
			f := drillFilter{Name: n, Value: v, Label: rq.T.T("dash.dim."+n) + ": " + drillLabel(rq, n, v, names[v])}
			if n != "branch" || asked != "" {
				f.Remove = link(d.Dim, map[string]string{n: ""})
			}
			d.Filters = append(d.Filters, f)
			d.Hidden = append(d.Hidden, hiddenField{n, v})
		}
	}
	d.Hidden = d.Hidden[1:] // the form has dim already
	for _, dim := range drillDims {
		d.Dims = append(d.Dims, drillTab{Dim: dim, Href: link(dim, nil), Active: dim == d.Dim})
	}
	// Sellers come worst first, as the chart picks them: those a manager
	// looks for are on the first page.
	if d.Dim == "seller" {
		slices.SortStableFunc(rows, worstFirst)
	}
	rowOf := func(row indicator.Row) dashRow {
		dr := pg.newDashRow(row, drillLabel(rq, d.Dim, row.Key, row.Label))
		// The list behind the row: the filters and the row's own value, for
		// the dimensions the callback list can filter by.
		if d.Dim == "branch" || d.Dim == "channel" || d.Dim == "design" || d.Dim == "seller" {
			kv := []string{d.Dim, row.Key}
			for _, n := range drillFilterNames {
				if n != d.Dim {
					kv = append(kv, n, filters[n])
				}
			}
			if d.Dim == "branch" && row.Key == self {
				kv = append(kv, "branch_only", "1")
			}
			dr.Href = listHref(pg.Org, pg.Own, pg.Period, pg.DueBy, huifang.OutcomeDue, kv...)
			dr.OrphanBase = listHref(pg.Org, pg.Own, pg.Period, huifang.Date{}, huifang.OutcomeDue, kv...)
			dr.CaseHref = caseHref(pg.Org, pg.Own, pg.Period, kv...)
		}
		// Drilling in: a branch to the branches under it, or (the row of
		// policies booked on the branch itself) to its agents and outlets;
		// a channel or a design type to its branches.
		switch {
		case d.Dim == "branch" && row.Key == self:
			dr.Open = link("seller", map[string]string{"branch": row.Key})
		case d.Dim == "branch":
			dr.Open = link("branch", map[string]string{"branch": row.Key})
		case d.Dim == "channel" || d.Dim == "design":
			dr.Open = link("branch", map[string]string{d.Dim: row.Key})
		}
		return dr
	}
	// The page's rows only: their links and figures are most of the work.
	from, to := 0, len(rows)
	if len(rows) > drillPageSize {
		pageLink := func(page string) string {
			v := query(d.Dim, nil)
			if page != "" {
				v.Set("page", page)
			}
			return "/dashboard?" + v.Encode() + "#drill"
		}
		d.Pager = &drillPager{Total: len(rows)}
		if q.Get("page") == "all" {
			d.Pager.PagedURL = pageLink("")
		} else {
			n, _ := strconv.Atoi(q.Get("page"))
			last := (len(rows) + drillPageSize - 1) / drillPageSize
			n = min(max(n, 1), last)
			from, to = (n-1)*drillPageSize, min(n*drillPageSize, len(rows))
			if n > 1 {
				d.Pager.FirstURL, d.Pager.PrevURL = pageLink(""), pageLink(strconv.Itoa(n-1))
			}
			if n < last {
				d.Pager.NextURL = pageLink(strconv.Itoa(n + 1))
			}
			d.Pager.AllURL = pageLink("all")
		}
		d.Pager.Text = rq.T.T("dash.drill.page", from+1, to, len(rows))
	}
	out := make([]dashRow, 0, to-from)
	for _, row := range rows[from:to] {
		out = append(out, rowOf(row))
	}
	switch d.Dim {
	case "branch":
		d.Hint = rq.T.T("dash.drill.hint.branch")
	case "channel", "design":
		d.Hint = rq.T.T("dash.drill.hint.other")
	case "seller":
		d.Hint = rq.T.T("dash.drill.hint.seller")
	}
	d.Table = rowsTable{ID: "table-drill", Rows: out}
	d.Table.Misconduct = d.Dim == "seller"
	// A chart of dozens of agents says nothing: it shows those with the
	// lowest success rates, the table all of them (by pages).
	charted := out
	if len(rows) > drillChartMax {
		worst := rows
		if d.Dim != "seller" { // sorted already
			worst = slices.Clone(rows)
			slices.SortStableFunc(worst, worstFirst)
		}
		charted = make([]dashRow, 0, drillChartMax)
		for _, row := range worst[:drillChartMax] {
			charted = append(charted, rowOf(row))
		}
		d.ChartNote = rq.T.T("dash.drill.lowest", drillChartMax, len(rows))
	}
	pg.Chart.Charts = append(pg.Chart.Charts, rowsChart("chart-drill", "bar", charted, "success_rate", "in_period_success_rate", "resolution_rate"))
	return nil
}

// worstFirst orders rows by success rate, lowest first (exactly, by
// cross-multiplying); rows with nothing due come last.
func worstFirst(a, b indicator.Row) int {
	x, y := a.Callbacks.SuccessRate(), b.Callbacks.SuccessRate()
	if x.Den == 0 || y.Den == 0 {
		return cmp.Compare(y.Den, x.Den)
	}
	return cmp.Compare(x.Num*y.Den, y.Num*x.Den)
}

// drillLabel names a group of a dimension: the service's label (branch and
// agent names) or the value's name in the page's language.
func drillLabel(rq *request, dim, key, label string) string {
	switch {
	case key == "" && dim == "method":
		return rq.T.T("dash.method.none")
	case key == "":
		return rq.T.T("dash.unknown")
	case dim == "channel" || dim == "design":
		return rq.T.T(dim + "." + key)
	case dim == "method" || dim == "age":
		return rq.T.T("dash." + dim + "." + key)
	case label != "" && label != key:
		return label + " (" + key + ")"
	}
	return key
}
