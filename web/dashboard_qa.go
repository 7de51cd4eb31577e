package web

import (
	"context"
	"fmt"
	"net/url"

	"github.com/huifang/huifang"
)

// qaCard is the dashboard's QA figures (docs/qa.md): per operator, per
// team and in total over the period up to today, with the export's link.
type qaCard struct {
	Rows   []qaFigRow
	Export string
}

// qaFigRow is one line of the QA card.
type qaFigRow struct {
	Name, Team                            string
	Total                                 bool
	Attempts, Finished, Evaluated, Failed int
	Connect, Completion, Average          string
}

func newQAFigRow(name, team string, f huifang.QAFigures) qaFigRow {
	pctOf := func(bp int) string {
		if bp < 0 {
			return "—"
		}
		return bpPercent(bp)
	}
	avg := "—"
	if a := f.AverageScore(); a >= 0 {
		avg = fmt.Sprintf("%d.%d", a/100, a%100/10)
	}
	return qaFigRow{Name: name, Team: team, Attempts: f.Attempts, Finished: f.Finished, Evaluated: f.Evaluated, Failed: f.CriticalFailures,
		Connect: pctOf(f.ConnectBP()), Completion: pctOf(f.CompletionBP()), Average: avg}
}

// qaDash fills the QA card for a user with the figures' right looking at
// their own organisation.
func (s *server) qaDash(ctx context.Context, rq *request, pg *dashPage) error {
	if !pg.Own || !rq.User.Can(huifang.PermQAFigures) {
		return nil
	}
	from, to := pg.Period.First(), pg.Period.Last()
	if today := s.today(); to.After(today) {
		to = today
	}
	if to.Before(from) {
		return nil
	}
	t, err := s.svc.QAFigures(ctx, rq.User, from, to)
	if err != nil {
		return err
	}
	c := &qaCard{Export: "/qa/figures?" + url.Values{"from": {from.String()}, "to": {to.String()}, "format": {"xlsx"}}.Encode()}
	for _, f := range t.Operators {
		c.Rows = append(c.Rows, newQAFigRow(f.Operator, teamLabel(rq, f.Team), f))
	}
	for _, f := range t.Teams {
		r := newQAFigRow(rq.T.T("qa.team", teamLabel(rq, f.Team)), "", f)
		r.Total = true
		c.Rows = append(c.Rows, r)
	}
	if len(t.Operators) > 0 {
		r := newQAFigRow(rq.T.T("qa.total"), "", t.Total)
		r.Total = true
		c.Rows = append(c.Rows, r)
	}
	pg.QA = c
	return nil
}

func teamLabel(rq *request, code string) string {
	if code == "" {
		return rq.T.T("qa.team.centre")
	}
	return code
}
