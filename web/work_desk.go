package web

import (
	"net/http"

	"github.com/huifang/huifang/app"
)

// deskView is the operator's desk on the workbench: today's count, their
// appointments with a reminder for those due, their recent callbacks, and
// whether "next" may be pressed now.
type deskView struct {
	*app.Desk
	// Closed says why "next" is disabled (outside calling hours) and when
	// calling opens again; "" when it may be pressed.
	Closed   string
	HoldMins int
	DueIDs   map[int64]bool // the appointments whose time has come
}

// loadDesk fills the desk of the workbench page.
func (s *server) loadDesk(r *http.Request, rq *request, p *workbenchPage) error {
	d, err := s.svc.Desk(r.Context(), rq.User)
	if err != nil {
		return err
	}
	v := &deskView{Desk: d, HoldMins: int(d.Hold.Minutes()), DueIDs: map[int64]bool{}}
	now := s.now()
	for _, a := range d.Appointments {
		v.DueIDs[a.ID] = !a.NextAt.After(now)
	}
	if !d.CanCall && d.Held == nil {
		v.Closed = rq.T.T("desk.closed", d.Start, d.End, datetime(d.NextOpen))
	}
	p.Desk = v
	return nil
}
