package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
)

// The statistics table (docs/indicators.md) and its submission to the
// regulator (docs/submissions.md). /stats shows a company's table for a
// period as computed now, with its downloads and the published template;
// its manager submits it from there, generated or uploaded. /submissions
// lists what was submitted; /submissions/{id} shows one frozen version, its
// period's history, and the regulator's accept and return forms.

// periodChoice is a period in the picker.
type periodChoice struct {
	Value, Label string
	Kind         indicator.PeriodKind
}

// statsPage is the data of /stats.
type statsPage struct {
	Org      *huifang.Org
	Period   indicator.Period
	Orgs     []huifang.Org // what a regulator's supervisor may pick
	Months   []periodChoice
	Quarters []periodChoice
	Years    []periodChoice
	Table    statsTableView
	AsOf     huifang.Date
	// DueBy: the period is still running, the callback counts take the
	// deadlines up to it; DueFull is the full period's due count.
	DueBy     huifang.Date
	DueFull   int64
	Downloads []download
	Template  string
	// Submission, for the company's own staff.
	Submitter bool
	Ended     bool
	Due       huifang.Date
	Current   *huifang.Submission
	History   []subRow
	Reason    string
	Errors    map[string]string
	Error     string
	Problems  []app.CellProblem
	EN        bool
}

func (s *server) statsShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	return s.renderStats(w, r, rq, http.StatusOK, q.Get("org"), q.Get("period"), statsPage{})
}

// renderStats renders /stats for an organisation and a period ("" for the
// user's own and the last month that ended), with p's form state.
func (s *server) renderStats(w http.ResponseWriter, r *http.Request, rq *request, status int, orgCode, period string, p statsPage) error {
	u := rq.User
	if !u.Can(huifang.PermViewStats) {
		return huifang.Errorf(huifang.EFORBIDDEN, "err.stats.view_forbidden", u.Role)
	}
	today := s.today()
	if period == "" {
		period = app.RecentPeriods(today)[0].String()
	}
	if orgCode == "" && u.Role == huifang.RoleAdmin {
		return huifang.Errorf(huifang.EINVALID, "err.stats.org_in_url")
	}
	org, t, err := s.svc.StatsTable(r.Context(), u, orgCode, period)
	if err != nil {
		return err
	}
	p.Org, p.Period, p.AsOf, p.EN = org, t.Period, t.AsOf, rq.Lang == langEN
	p.DueBy, p.DueFull = t.DueBy, t.Total.DueFull
	p.Table = tableView(t, rq.Lang, rq.T, liveLinks(org, org.ID == u.OrgID, t.Period, t.DueBy))
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	m := indicator.MonthOf(today)
	for range 24 {
		p.Months = append(p.Months, periodChoice{m.String(), periodLabel(m, rq.T), m.Kind})
		m = m.Prev()
	}
	qt := indicator.QuarterOf(today)
	for range 8 {
		p.Quarters = append(p.Quarters, periodChoice{qt.String(), periodLabel(qt, rq.T), qt.Kind})
		qt = qt.Prev()
	}
	for y := today.Year(); y > today.Year()-3; y-- {
		yp := indicator.Period{Kind: indicator.Year, Year: y}
		p.Years = append(p.Years, periodChoice{yp.String(), periodLabel(yp, rq.T), yp.Kind})
	}
	if u.Regulatory() {
		own, err := s.svc.OwnOrg(r.Context(), u)
		if err != nil {
			return err
		}
		p.Orgs = append(p.Orgs, *own)
		cos, err := s.svc.VisibleOrgs(r.Context(), u)
		if err != nil {
			return err
		}
		for _, o := range cos {
			if o.Kind == huifang.KindInsurer {
				p.Orgs = append(p.Orgs, o)
			}
		}
	}
	base := "?org=" + org.Code + "&period=" + t.Period.String()
	for _, f := range []string{"xlsx", "csv", "json"} {
		p.Downloads = append(p.Downloads, download{f, "/stats/download" + base + "&format=" + f})
	}
	if org.Kind == huifang.KindInsurer {
		p.Template = "/stats/template" + base
		if p.Due, err = s.svc.SubmissionDue(r.Context(), org.ID, t.Period); err != nil {
			return err
		}
		if u.Role != huifang.RoleAdmin {
			_, subs, err := s.svc.Submissions(r.Context(), u, org.Code, t.Period.String())
			if err != nil {
				return err
			}
			p.History = historyRows(subs)
			if len(subs) > 0 {
				p.Current = &subs[0]
			}
		}
		p.Submitter = u.Can(huifang.PermSubmitStats) && org.ID == u.OrgID
		p.Ended = today.After(t.Period.Last())
	}
	title := rq.T.T("stats.title")
	s.render(w, r, rq, status, "stats", title, "stats", p)
	return nil
}

func (s *server) statsDownload(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	format := q.Get("format")
	if fileTypes[format] == "" {
		return huifang.Errorf(huifang.EINVALID, "err.stats.bad_format")
	}
	org, t, err := s.svc.StatsTable(r.Context(), rq.User, q.Get("org"), q.Get("period"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := app.RenderStats(&buf, org, t, format); err != nil {
		return err
	}
	sendFile(w, fmt.Sprintf("stats-%s-%s.%s", org.Code, t.Period, format), format, buf.Bytes())
	return nil
}

func (s *server) statsTemplate(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	p, err := indicator.ParsePeriod(q.Get("period"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.svc.WriteStatsTemplate(r.Context(), rq.User, q.Get("org"), p.String(), &buf); err != nil {
		return err
	}
	sendFile(w, fmt.Sprintf("stats-template-%s.xlsx", p), "xlsx", buf.Bytes())
	return nil
}
