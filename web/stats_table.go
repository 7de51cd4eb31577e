package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/indicator"
)

// columnsEN are indicator.Columns in English, bandsEN its bands.
var (
	columnsEN = []string{"Group", "Item", "Due callbacks", "Successful", "Success rate", "Successful in period", "In-period success rate",
		"Completed", "Completion rate", "Problem cases from callbacks", "Problem-case rate", "Cases opened", "Cases due", "Resolved", "Resolution rate",
		"Closed", "Closure rate", "Closed on time", "On-time rate", "Overdue", "Orphan callbacks due", "Orphans successful", "Orphan callback rate"}
	bandsEN = []string{"Grouping", "New-business callbacks", "Problem cases", "Orphan-policy callbacks"}
)

// statsCell is a count, or a rate shown through the figure partial.
type statsCell struct {
	N   int64
	Fig *Figure
}

// statsLine is a row of the table on screen.
type statsLine struct {
	Group     string
	GroupSpan int // rows the group cell spans; 0 on the group's later rows
	Item      string
	Key       string
	Total     bool
	Cells     []statsCell
}

type statsBand struct {
	Title string
	Cols  int
}

// statsTableView is a table as the "statstable" part draws it.
type statsTableView struct {
	Bands  []statsBand
	Header []string
	Lines  []statsLine
}

// figureLinks gives the list behind a row's figure: its callbacks of an
// outcome class, or (outcome "") its problem cases due in the period; ""
// where there is none.
type figureLinks func(group, key, outcome string) string

// orphanDue asks figureLinks for the list of the orphan figures'
// denominator: the callbacks due over the whole period.
const orphanDue = "orphan-due"

// liveLinks links a live table's figures to the callbacks and problem
// cases behind them; a regulator's company rows open that company's lists.
func liveLinks(org *huifang.Org, own bool, p indicator.Period, dueBy huifang.Date) figureLinks {
	return func(group, key, outcome string) string {
		o := org
		var kv []string
		switch {
		case group == "company":
			o, own = &huifang.Org{Code: key}, false
		case org.Kind != huifang.KindInsurer:
			return "" // totals over companies: each company's row has its lists
		case group == "channel" || group == "design" || group == "type":
			kv = []string{group, key}
		case group != "total":
			return ""
		}
		if outcome == "" {
			return caseHref(o, own, p, kv...)
		}
		if group == "type" {
			return "" // callbacks are not counted by problem type
		}
		if outcome == orphanDue {
			// Orphan callbacks count over the whole period, running or not.
			return listHref(o, own, p, huifang.Date{}, huifang.OutcomeDue, kv...)
		}
		return listHref(o, own, p, dueBy, outcome, kv...)
	}
}

// tableView is a table as the page shows it; links, when not nil, make its
// figures open the lists behind them (a frozen submission's have none: the
// lists are of today's data).
func tableView(t indicator.Table, l lang, tr translator, links figureLinks) statsTableView {
	v := statsTableView{Header: indicator.Columns}
	if l == langEN {
		v.Header = columnsEN
	}
	for i, g := range indicator.ColumnGroups {
		title := g.Title
		if l == langEN {
			title = bandsEN[i]
		}
		v.Bands = append(v.Bands, statsBand{title, g.Cols})
	}
	fig := figureFunc(l)
	line := func(group, item, key string, r indicator.Row) statsLine {
		c, k := r.Callbacks, r.Cases
		kind, _, _ := strings.Cut(key, "-") // total, channel, design, type or company
		f := func(id string, rt indicator.Rate) statsCell {
			// The list of each figure's denominator (its numerator's count
			// shows above it).
			outcome := map[string]string{indicator.SuccessRate.ID: huifang.OutcomeDue, indicator.InPeriodSuccessRate.ID: huifang.OutcomeDue,
				indicator.CompletionRate.ID: huifang.OutcomeDue, indicator.ProblemRate.ID: huifang.OutcomeCompleted,
				indicator.ResolutionRate.ID: "", indicator.ClosureRate.ID: "", indicator.OnTimeRate.ID: ""}
			href := ""
			if o, ok := outcome[id]; ok && links != nil {
				href = links(kind, r.Key, o)
			}
			if id == indicator.OrphanRate.ID && links != nil {
				href = orphanHref(links(kind, r.Key, orphanDue), huifang.OutcomeDue)
			}
			x := fig(id, rt, href)
			return statsCell{Fig: &x}
		}
		n := func(x int64) statsCell { return statsCell{N: x} }
		return statsLine{Group: group, Item: item, Key: key, Cells: []statsCell{
			n(c.Due), n(c.Successful), f(indicator.SuccessRate.ID, c.SuccessRate()), n(c.SuccessfulInPeriod), f(indicator.InPeriodSuccessRate.ID, c.InPeriodSuccessRate()),
			n(c.Completed), f(indicator.CompletionRate.ID, c.CompletionRate()), n(c.Problems), f(indicator.ProblemRate.ID, c.ProblemRate()),
			n(k.Opened), n(k.Due), n(k.Resolved), f(indicator.ResolutionRate.ID, k.ResolutionRate()), n(k.Closed), f(indicator.ClosureRate.ID, k.ClosureRate()),
			n(k.ClosedOnTime), f(indicator.OnTimeRate.ID, k.OnTimeRate()), n(r.Overdue), n(r.Orphans.Due), n(r.Orphans.Successful), f(indicator.OrphanRate.ID, r.OrphanRate())}}
	}
	total := line(tr.T("stats.group.total"), tr.T("stats.group.total"), "total", t.Total)
	total.Total, total.GroupSpan = true, 1
	v.Lines = append(v.Lines, total)
	group := func(name string, rows []indicator.Row, label func(indicator.Row) string) {
		for i, r := range rows {
			ln := line(tr.T("stats.group."+name), label(r), name+"-"+r.Key, r)
			if i == 0 {
				ln.GroupSpan = len(rows)
			}
			v.Lines = append(v.Lines, ln)
		}
	}
	known := func(prefix string) func(indicator.Row) string {
		return func(r indicator.Row) string {
			if k := prefix + "." + r.Key; i18n.Has(l, k) {
				return i18n.T(l, k)
			}
			return orDash(r.Key)
		}
	}
	group("channel", t.ByChannel, known("channel"))
	group("design", t.ByDesign, known("design"))
	group("type", t.ByType, known("problem"))
	group("company", t.ByCompany, func(r indicator.Row) string { return r.Label })
	return v
}

// download is a link to a file of the page.
type download struct {
	Format, Href string
}

var fileTypes = map[string]string{"json": "application/json; charset=utf-8", "csv": "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

// sendFile sends a generated file as an attachment.
func sendFile(w http.ResponseWriter, name, format string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", fileTypes[format])
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}
