package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/indicator"
)

// The dashboards (看板): an insurer's figures for a period with charts by
// channel, design type and month and a drill-down; a regulator's companies
// side by side, ranked, over the months and quarters, with those below the
// profile's targets highlighted. Every rate is a Figure: its formula and
// counts on hover, the callbacks behind it on click. Chart data goes to
// static/dashboard.js in a JSON data block (the CSP allows no inline script).

// dashPage is the data of the dashboard page.
type dashPage struct {
	// trend holds the tables of the period's year's months (trendMonths),
	// read with the period's own table in one pass over the year's counts.
	trend     []indicator.Table
	Org       *huifang.Org
	Period    indicator.Period
	Periods   []periodGroup
	Regulator bool
	// Own: the user's own organisation (a supervisor's look at one of its
	// companies links back to the regulator's dashboard).
	Own bool
	// BackHref is the regulator's dashboard, from one of its companies'.
	BackHref string
	// Targets of the profile in force, in basis points, and as percentages.
	SuccessBP, ResolutionBP         int
	SuccessTarget, ResolutionTarget string
	// DueBy is set while the period runs: the callback figures count the
	// deadlines up to it ("截至 …"), Total.Row.DueFull the full period's.
	DueBy huifang.Date

	Total        dashRow
	ByChannel    []dashRow
	ByDesign     []dashRow
	ChannelTable rowsTable
	DesignTable  rowsTable
	Companies    []dashRow // a regulator's, ranked
	Drill        *drillView
	// Submissions are the late and missing statistics tables of a
	// regulator's companies, a row per company; nil while the service does
	// not track them.
	Submissions   []companySubs
	SubmissionsOn bool
	// Consistency is each company's spot-check consistency rate
	// (consistent ÷ verdicts), for those who draw samples.
	Consistency []consistencyRow
	// QA is the insurer's QA figures (dashboard_qa.go), for those who see them.
	QA *qaCard
	// Chart is what static/dashboard.js draws.
	Chart chartData
}

// consistencyRow is a company's spot-check consistency rate.
type consistencyRow struct {
	huifang.Consistency
	Name, Rate string
}

// periodGroup is one group of options of the period picker.
type periodGroup struct {
	Label   string
	Options []periodOption
}

type periodOption struct {
	Value, Label string
	Selected     bool
}

// dashRow is one group's figures with the lists behind them.
type dashRow struct {
	Key, Label string
	Row        indicator.Row
	// Href lists the group's due callbacks of the period (the denominator
	// of its callback rates); HrefOK its successful ones; empty when no
	// list shows exactly the group.
	Href, HrefOK string
	// OrphanBase is Href over the whole period, which the orphan figures
	// count even while it runs (OrphanHref); "" when Href is that already.
	OrphanBase string
	// CaseHref lists the group's problem cases due in the period (the
	// denominator of its problem-case rates, with the other counts above).
	CaseHref string
	// SuccessBelow and ResolutionBelow mark rates under their targets.
	SuccessBelow, ResolutionBelow bool
	// Open is the company's own dashboard (regulator's rows) or the drill
	// into a branch (insurer's drill-down).
	Open string
	Rank int
}

// Below reports whether either headline rate is under its target.
func (r dashRow) Below() bool { return r.SuccessBelow || r.ResolutionBelow }

// rowsTable is a table of groups' figures.
type rowsTable struct {
	ID   string
	Rows []dashRow
	// Misconduct adds a column of each agent's confirmed misconduct records
	// (the drill-down by seller).
	Misconduct bool
}

// below reports whether a rate with a denominator is under a target in
// basis points, exactly.
func below(r indicator.Rate, bp int) bool {
	return r.Den > 0 && r.Num*10000 < int64(bp)*r.Den
}

// bpPercent writes basis points as a percentage ("100%", "98.5%").
func bpPercent(bp int) string {
	s := indicator.Rate{Num: int64(bp), Den: 10000}.Percent()
	s = strings.TrimSuffix(s, "%")
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// listHref is the callback list behind a figure: the company's callbacks
// due in the period of an outcome class, narrowed by the filters given as
// name, value pairs (empty values left out). dueBy, set for a period still
// running (indicator.Table.DueBy), ends the list where the figure's count
// ends: at the deadlines come so far.
func listHref(org *huifang.Org, own bool, p indicator.Period, dueBy huifang.Date, outcome string, kv ...string) string {
	h := figureHref("/callbacks", org, own, p, outcome, kv...)
	if !dueBy.IsZero() && dueBy.Before(p.Last()) {
		h = strings.Replace(h, "due_to="+p.Last().String(), "due_to="+dueBy.String(), 1)
	}
	return h
}

// caseHref is the list of problem cases behind a figure: the company's
// cases due in the period, narrowed as listHref narrows callbacks.
func caseHref(org *huifang.Org, own bool, p indicator.Period, kv ...string) string {
	return figureHref("/problems/figure", org, own, p, huifang.CaseOutcomeDue, kv...)
}

func figureHref(path string, org *huifang.Org, own bool, p indicator.Period, outcome string, kv ...string) string {
	q := url.Values{"due_from": {p.First().String()}, "due_to": {p.Last().String()}, "outcome": {outcome}}
	if !own {
		q.Set("org", org.Code)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	return path + "?" + q.Encode()
}

// newDashRow is a row with its targets marked.
func (pg *dashPage) newDashRow(r indicator.Row, label string) dashRow {
	return dashRow{Key: r.Key, Label: label, Row: r,
		SuccessBelow:    below(r.Callbacks.SuccessRate(), pg.SuccessBP),
		ResolutionBelow: below(r.Cases.ResolutionRate(), pg.ResolutionBP)}
}

// periodOptions lists the months, quarters and years of this year and the
// last, up to today, for the picker.
func periodOptions(today huifang.Date, sel indicator.Period, t translator) []periodGroup {
	groups := []periodGroup{{Label: t.T("dash.months")}, {Label: t.T("dash.quarters")}, {Label: t.T("dash.years")}}
	add := func(g int, p indicator.Period) {
		if p.First().After(today) {
			return
		}
		groups[g].Options = append(groups[g].Options, periodOption{Value: p.String(), Label: periodLabel(p, t), Selected: p == sel})
	}
	for y := today.Year(); y >= today.Year()-1; y-- {
		for m := 12; m >= 1; m-- {
			add(0, indicator.Period{Kind: indicator.Month, Year: y, N: m})
		}
		for q := 4; q >= 1; q-- {
			add(1, indicator.Period{Kind: indicator.Quarter, Year: y, N: q})
		}
		add(2, indicator.Period{Kind: indicator.Year, Year: y})
	}
	return groups
}

// periodLabel names a period in the page's language.
func periodLabel(p indicator.Period, t translator) string {
	return t.T(p.Key(), p.Args()...)
}

// defaultPeriod is the quarter of today.
func defaultPeriod(today huifang.Date) indicator.Period {
	return indicator.QuarterOf(today)
}

// trendMonths are the months of the period's year up to today's month.
func trendMonths(p indicator.Period, today huifang.Date) []indicator.Period {
	var out []indicator.Period
	for _, m := range (indicator.Period{Kind: indicator.Year, Year: p.Year}).Months() {
		if !m.First().After(today) {
			out = append(out, m)
		}
	}
	return out
}

func (s *server) dashboard(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	if !u.Can(huifang.PermViewStats) {
		return huifang.Errorf(huifang.EFORBIDDEN, "dash.forbidden")
	}
	pg, err := s.dashData(r, rq)
	if err != nil {
		return err
	}
	title := rq.T.T("dash.title")
	s.render(w, r, rq, http.StatusOK, "dashboard", title, "dashboard", pg)
	return nil
}

// dashboardJSON gives the dashboard's charts as JSON, for other tools: the
// same query parameters, the same scope, every point with its counts and
// its list.
func (s *server) dashboardJSON(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !rq.User.Can(huifang.PermViewStats) {
		return huifang.Errorf(huifang.EFORBIDDEN, "dash.forbidden")
	}
	pg, err := s.dashData(r, rq)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"org": pg.Org.Code, "org_name": pg.Org.Name, "period": pg.Period.String(),
		"target_success_bp": pg.SuccessBP, "target_resolution_bp": pg.ResolutionBP, "names": pg.Chart.Names, "charts": pg.Chart.Charts})
	return nil
}

// dashData gathers the dashboard of the organisation and period asked for.
func (s *server) dashData(r *http.Request, rq *request) (*dashPage, error) {
	ctx, u, q := r.Context(), rq.User, r.URL.Query()
	today := s.today()
	p := defaultPeriod(today)
	if v := q.Get("period"); v != "" {
		var err error
		if p, err = indicator.ParsePeriod(v); err != nil {
			return nil, err
		}
	}
	// A company's dashboard shows the months of the year beside the period:
	// all of them are made from one reading of the year's counts.
	periods := []indicator.Period{p}
	if !u.Regulatory() || q.Get("org") != "" {
		periods = append(periods, trendMonths(p, today)...)
	}
	org, ts, err := s.svc.StatsTables(ctx, u, q.Get("org"), periods)
	if err != nil {
		return nil, err
	}
	t := ts[0]
	pg := &dashPage{trend: ts[1:], Org: org, Period: p, Periods: periodOptions(today, p, rq.T), Regulator: org.Kind == huifang.KindRegulator,
		Own: org.ID == u.OrgID}
	if !pg.Own && u.Regulatory() {
		pg.BackHref = "/dashboard?period=" + p.String()
	}
	if pg.SuccessBP, pg.ResolutionBP, err = s.svc.StatsTargets(ctx, u, org.Code); err != nil {
		return nil, err
	}
	pg.SuccessTarget, pg.ResolutionTarget = bpPercent(pg.SuccessBP), bpPercent(pg.ResolutionBP)
	pg.Chart = chartData{SuccessTarget: float64(pg.SuccessBP) / 100, ResolutionTarget: float64(pg.ResolutionBP) / 100,
		Names: map[string]string{}}
	for _, d := range indicator.Indicators {
		pg.Chart.Names[d.ID] = rq.T.T("dash.rate." + d.ID)
	}
	pg.Chart.Names["target"] = rq.T.T("dash.target")
	pg.Total = pg.newDashRow(t.Total, rq.T.T("dash.total"))
	pg.DueBy = t.DueBy
	if pg.Regulator {
		err = s.regulatorDash(ctx, rq, pg, t)
	} else if err = s.insurerDash(r, rq, pg, t); err == nil {
		err = s.qaDash(ctx, rq, pg)
	}
	return pg, err
}

// insurerDash fills in an insurer's figures, charts and drill-down.
func (s *server) insurerDash(r *http.Request, rq *request, pg *dashPage, t indicator.Table) error {
	org, p := pg.Org, pg.Period
	pg.Total.Href = listHref(org, pg.Own, p, t.DueBy, huifang.OutcomeDue)
	pg.Total.OrphanBase = listHref(org, pg.Own, p, huifang.Date{}, huifang.OutcomeDue)
	pg.Total.HrefOK = listHref(org, pg.Own, p, t.DueBy, huifang.OutcomeSuccessful)
	pg.Total.CaseHref = caseHref(org, pg.Own, p)
	for _, r := range t.ByChannel {
		d := pg.newDashRow(r, rq.T.T("channel."+r.Key))
		d.Href = listHref(org, pg.Own, p, t.DueBy, huifang.OutcomeDue, "channel", r.Key)
		d.OrphanBase = listHref(org, pg.Own, p, huifang.Date{}, huifang.OutcomeDue, "channel", r.Key)
		d.CaseHref = caseHref(org, pg.Own, p, "channel", r.Key)
		pg.ByChannel = append(pg.ByChannel, d)
	}
	for _, r := range t.ByDesign {
		d := pg.newDashRow(r, rq.T.T("design."+r.Key))
		d.Href = listHref(org, pg.Own, p, t.DueBy, huifang.OutcomeDue, "design", r.Key)
		d.OrphanBase = listHref(org, pg.Own, p, huifang.Date{}, huifang.OutcomeDue, "design", r.Key)
		d.CaseHref = caseHref(org, pg.Own, p, "design", r.Key)
		pg.ByDesign = append(pg.ByDesign, d)
	}
	pg.ChannelTable = rowsTable{ID: "table-channel", Rows: pg.ByChannel}
	pg.DesignTable = rowsTable{ID: "table-design", Rows: pg.ByDesign}
	pg.Chart.Charts = append(pg.Chart.Charts,
		rowsChart("chart-channel", "bar", pg.ByChannel, "success_rate", "in_period_success_rate", "completion_rate"),
		rowsChart("chart-design", "bar", pg.ByDesign, "success_rate", "in_period_success_rate", "completion_rate"))

	// The trend: each month of the period's year.
	var rows []dashRow
	months := trendMonths(p, s.today())
	mts := pg.trend
	if len(months) > 0 && len(mts) != len(months) {
		var err error
		if _, mts, err = s.svc.StatsTables(r.Context(), rq.User, org.Code, months); err != nil {
			return err
		}
	}
	for i, m := range months {
		d := pg.newDashRow(mts[i].Total, periodLabel(m, rq.T))
		d.Href = listHref(org, pg.Own, m, mts[i].DueBy, huifang.OutcomeDue)
		d.OrphanBase = listHref(org, pg.Own, m, huifang.Date{}, huifang.OutcomeDue)
		d.CaseHref = caseHref(org, pg.Own, m)
		rows = append(rows, d)
	}
	pg.Chart.Charts = append(pg.Chart.Charts, rowsChart("chart-trend", "line", rows, "success_rate", "in_period_success_rate", "resolution_rate"))
	return s.drillDown(r, rq, pg)
}

// regulatorDash fills in a regulator's companies, ranked, their trends
// and the late or missing statistics tables.
func (s *server) regulatorDash(ctx context.Context, rq *request, pg *dashPage, t indicator.Table) error {
	p := pg.Period
	for _, r := range t.ByCompany {
		d := pg.newDashRow(r, r.Label)
		d.Href = listHref(&huifang.Org{Code: r.Key}, false, p, t.DueBy, huifang.OutcomeDue)
		d.OrphanBase = listHref(&huifang.Org{Code: r.Key}, false, p, huifang.Date{}, huifang.OutcomeDue)
		d.HrefOK = listHref(&huifang.Org{Code: r.Key}, false, p, t.DueBy, huifang.OutcomeSuccessful)
		d.CaseHref = caseHref(&huifang.Org{Code: r.Key}, false, p)
		d.Open = "/dashboard?" + url.Values{"org": {r.Key}, "period": {p.String()}}.Encode()
		pg.Companies = append(pg.Companies, d)
	}
	rankCompanies(pg.Companies)
	pg.Chart.Charts = append(pg.Chart.Charts, rowsChart("chart-companies", "bar", pg.Companies, "success_rate", "resolution_rate"))

	// Trends: one line per company over the months and the quarters of the
	// period's year, each point a regulator's table of that period.
	var months, quarters []indicator.Period
	months = trendMonths(p, s.today())
	for _, m := range months {
		if m.N%3 == 1 {
			quarters = append(quarters, indicator.Period{Kind: indicator.Quarter, Year: m.Year, N: (m.N-1)/3 + 1})
		}
	}
	for _, tr := range []struct {
		id      string
		periods []indicator.Period
	}{{"chart-trend-months", months}, {"chart-trend-quarters", quarters}} {
		c, err := s.companyTrend(ctx, rq, pg, tr.id, tr.periods)
		if err != nil {
			return err
		}
		pg.Chart.Charts = append(pg.Chart.Charts, c)
	}
	subs, err := s.submissions(ctx, rq.User, pg.Org.Code, append(months, quarters...))
	if err != nil {
		return err
	}
	for i := range subs {
		subs[i].Label = periodLabel(subs[i].Period, rq.T)
	}
	pg.Submissions, pg.SubmissionsOn = lateOrMissing(subs), subs != nil
	if rq.User.Can(huifang.PermSpotCheck) && rq.User.Regulatory() {
		cs, err := s.svc.ConsistencyRates(ctx, rq.User)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, c := range pg.Companies {
			names[c.Key] = c.Label
		}
		for _, c := range cs {
			pg.Consistency = append(pg.Consistency, consistencyRow{Consistency: c, Name: cmp.Or(names[c.OrgCode], c.OrgCode), Rate: bpPercent(c.RateBP())})
		}
	}
	return nil
}

// rankCompanies orders companies by success rate, then resolution rate,
// highest first (exactly, by cross-multiplying); companies with nothing due
// come last.
func rankCompanies(rows []dashRow) {
	cmpRate := func(a, b indicator.Rate) int {
		switch {
		case a.Den == 0 || b.Den == 0:
			return cmp.Compare(b.Den, a.Den) // a defined rate before an undefined one
		}
		return cmp.Compare(b.Num*a.Den, a.Num*b.Den)
	}
	slices.SortStableFunc(rows, func(a, b dashRow) int {
		if c := cmpRate(a.Row.Callbacks.SuccessRate(), b.Row.Callbacks.SuccessRate()); c != 0 {
			return c
		}
		return cmpRate(a.Row.Cases.ResolutionRate(), b.Row.Cases.ResolutionRate())
	})
	for i := range rows {
		rows[i].Rank = i + 1
	}
}

// companyTrend is a line per company of the success and resolution rates
// over the periods.
func (s *server) companyTrend(ctx context.Context, rq *request, pg *dashPage, id string, periods []indicator.Period) (chart, error) {
	c := chart{ID: id, Kind: "line", Multi: true}
	byCompany := map[string]*[2]series{}
	var order []string
	if len(periods) == 0 {
		return c, nil
	}
	_, ts, err := s.svc.StatsTables(ctx, rq.User, pg.Org.Code, periods)
	if err != nil {
		return chart{}, err
	}
	for i, p := range periods {
		c.Categories = append(c.Categories, periodLabel(p, rq.T))
		for _, r := range ts[i].ByCompany {
			ss := byCompany[r.Key]
			if ss == nil {
				ss = &[2]series{{Name: shortName(r.Label), Rate: "success_rate"}, {Name: shortName(r.Label), Rate: "resolution_rate"}}
				for j := range ss {
					ss[j].Points = make([]point, len(periods))
				}
				byCompany[r.Key] = ss
				order = append(order, r.Key)
			}
			href := listHref(&huifang.Org{Code: r.Key}, false, p, ts[i].DueBy, huifang.OutcomeDue)
			ss[0].Points[i] = pointOf(r.Callbacks.SuccessRate(), below(r.Callbacks.SuccessRate(), pg.SuccessBP), href)
			ss[1].Points[i] = pointOf(r.Cases.ResolutionRate(), below(r.Cases.ResolutionRate(), pg.ResolutionBP), caseHref(&huifang.Org{Code: r.Key}, false, p))
		}
	}
	for _, k := range order {
		c.Series = append(c.Series, byCompany[k][0], byCompany[k][1])
	}
	return c, nil
}

// chartData is what static/dashboard.js draws: one chart per element of
// the same id.
type chartData struct {
	// Names of the rates in the page's language, by indicator ID.
	Names map[string]string `json:"names"`
	// Targets in percent: bars under them are red, a line marks them.
	SuccessTarget    float64 `json:"success_target"`
	ResolutionTarget float64 `json:"resolution_target"`
	Charts           []chart `json:"charts"`
}

type chart struct {
	ID         string   `json:"id"`
	Kind       string   `json:"kind"` // bar or line
	Categories []string `json:"categories"`
	Series     []series `json:"series"`
	// Multi: several series per rate (one per company); the page offers
	// to switch the rate shown.
	Multi bool `json:"multi,omitempty"`
}

type series struct {
	Name   string  `json:"name"` // a company's name; empty: the rate's
	Rate   string  `json:"rate"` // indicator ID
	Points []point `json:"points"`
}

// point is one value of a series: the percentage (null without a
// denominator), its counts, whether it is under its target, and the list
// a click opens.
type point struct {
	Value *float64 `json:"value"`
	Num   int64    `json:"num"`
	Den   int64    `json:"den"`
	Below bool     `json:"below,omitempty"`
	Href  string   `json:"href,omitempty"`
}

func pointOf(r indicator.Rate, isBelow bool, href string) point {
	pt := point{Num: r.Num, Den: r.Den, Href: href, Below: isBelow}
	if r.Defined() {
		// Two decimals, rounded half up, as the figure shows it.
		v := float64((r.Num*1000000/r.Den+50)/100) / 100
		pt.Value = &v
	}
	return pt
}

// shortName is a company's name without its legal form, for charts.
func shortName(name string) string {
	for _, suffix := range indicator.LegalForms {
		if n, ok := strings.CutSuffix(name, suffix); ok && n != "" {
			return n
		}
	}
	return name
}

// rowsChart charts rates of rows, one series per rate.
func rowsChart(id, kind string, rows []dashRow, rates ...string) chart {
	c := chart{ID: id, Kind: kind}
	for _, d := range rows {
		c.Categories = append(c.Categories, shortName(d.Label))
	}
	for _, rate := range rates {
		sr := series{Rate: rate}
		for _, d := range rows {
			var pt point
			switch rate {
			case "success_rate":
				pt = pointOf(d.Row.Callbacks.SuccessRate(), d.SuccessBelow, d.Href)
			case "in_period_success_rate":
				pt = pointOf(d.Row.Callbacks.InPeriodSuccessRate(), false, d.Href)
			case "completion_rate":
				pt = pointOf(d.Row.Callbacks.CompletionRate(), false, d.Href)
			case "resolution_rate":
				pt = pointOf(d.Row.Cases.ResolutionRate(), d.ResolutionBelow, d.CaseHref)
			}
			sr.Points = append(sr.Points, pt)
		}
		c.Series = append(c.Series, sr)
	}
	return c
}

// submissionView is one company's statistics table for one period as its
// regulator has received it (app.SubmissionState, as the page shows it).
type submissionView struct {
	OrgCode, OrgName string
	Period           indicator.Period
	Label            string // the period in the page's language
	Due              huifang.Date
	Status           string // missing, submitted, returned, accepted, not-due, no-business
	Version          int
	SubmittedAt      time.Time
	Late             bool
}

// submissions gives the statistics tables of a regulator's companies for
// the periods (Service.SubmissionStatus); nil for a user who does not review
// them, and the dashboard leaves the section out.
func (s *server) submissions(ctx context.Context, u *huifang.User, regulatorCode string, periods []indicator.Period) ([]submissionView, error) {
	if !u.Can(huifang.PermReviewStats) {
		return nil, nil
	}
	states, err := s.svc.SubmissionStatus(ctx, u, regulatorCode, periods)
	if err != nil {
		return nil, err
	}
	out := make([]submissionView, 0, len(states))
	for _, st := range states {
		out = append(out, submissionView{OrgCode: st.OrgCode, OrgName: st.OrgName, Period: st.Period, Due: st.Due,
			Status: st.Status, Version: st.Version, SubmittedAt: st.SubmittedAt, Late: st.Late})
	}
	return out, nil
}

// companySubs is a company's statistics tables the regulator has to chase:
// the periods missing, returned and submitted late, each oldest first.
type companySubs struct {
	OrgCode, OrgName        string
	Missing, Returned, Late []submissionView
}

// lateOrMissing keeps the submissions the regulator has to chase, a row
// per company (by code): missing after their due date, returned, or
// submitted late. A period in which the company had no business
// (app.StateNoBusiness) is never missing. nil stays nil (the section is
// not shown), none left is an empty list (all on time).
func lateOrMissing(subs []submissionView) []companySubs {
	if subs == nil {
		return nil
	}
	sorted := slices.Clone(subs)
	slices.SortStableFunc(sorted, func(a, b submissionView) int {
		return cmp.Or(cmp.Compare(a.OrgCode, b.OrgCode), a.Due.Time().Compare(b.Due.Time()), cmp.Compare(a.Period.String(), b.Period.String()))
	})
	out := []companySubs{}
	for _, v := range sorted {
		if v.Status != app.StateMissing && v.Status != string(huifang.SubmissionReturned) && !v.Late {
			continue
		}
		if n := len(out); n == 0 || out[n-1].OrgCode != v.OrgCode {
			out = append(out, companySubs{OrgCode: v.OrgCode, OrgName: v.OrgName})
		}
		c := &out[len(out)-1]
		switch {
		case v.Status == app.StateMissing:
			c.Missing = append(c.Missing, v)
		case v.Status == string(huifang.SubmissionReturned):
			c.Returned = append(c.Returned, v)
		default:
			c.Late = append(c.Late, v)
		}
	}
	return out
}
