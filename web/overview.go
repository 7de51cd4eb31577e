package web

import (
	"net/http"

	"github.com/huifang/huifang"
)

// figure is one big number of the overview, with the list it stands for.
type figure struct {
	Key   string // message key of the label
	Value int
	Href  string // empty: no list shows exactly these callbacks
	Class string
}

type overviewPage struct {
	Figures   []figure
	CanWork   bool
	CanImport bool
	CanView   bool
}

func (s *server) overview(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	p := overviewPage{CanWork: u.Can(huifang.PermWorkCallbacks), CanImport: u.Can(huifang.PermImport), CanView: u.Can(huifang.PermViewCallbacks)}
	if p.CanView {
		t, err := s.svc.Tally(r.Context(), u)
		if err != nil {
			return err
		}
		p.Figures = tallyFigures(t)
	}
	s.render(w, r, rq, http.StatusOK, "overview", rq.T.T("overview.title"), "overview", p)
	return nil
}

func tallyFigures(t huifang.CallbackTally) []figure {
	return []figure{
		{Key: "overview.open", Value: t.Open, Href: "/callbacks?status=open", Class: "fig-open"},
		{Key: "overview.scheduled", Value: t.Scheduled, Href: "/callbacks?status=scheduled", Class: "fig-scheduled"},
		{Key: "overview.electronic", Value: t.Electronic, Href: "/callbacks?status=electronic", Class: "fig-scheduled"},
		{Key: "overview.blocked", Value: t.Blocked, Href: "/callbacks?status=blocked", Class: "fig-bad"},
		{Key: "overview.successful", Value: t.Successful, Href: "/callbacks?result=successful", Class: "fig-ok"},
		{Key: "overview.problems", Value: t.Problems, Href: "/callbacks?result=problems", Class: "fig-warn"},
		{Key: "overview.notcomplete", Value: t.NotCompleted, Href: "/callbacks?result=not-completed", Class: "fig-bad"},
		{Key: "overview.late", Value: t.Late, Href: "/callbacks?late=1", Class: "fig-warn"},
		{Key: "overview.overdue", Value: t.Overdue, Href: "/callbacks?overdue=1", Class: "fig-bad"},
	}
}
