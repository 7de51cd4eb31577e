package web

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// boardRow is a company on the regulator's board: a cell per period.
type boardRow struct {
	Code, Name string
	Cells      []app.SubmissionState
}

// submissionsPage is the data of /submissions.
type submissionsPage struct {
	Regulator bool
	Periods   []periodChoice
	Board     []boardRow
	History   []subRow
}

func (s *server) submissionList(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	p := submissionsPage{}
	switch {
	case u.Can(huifang.PermReviewStats):
		p.Regulator = true
		periods := app.RecentPeriods(s.today())
		for _, pr := range periods {
			p.Periods = append(p.Periods, periodChoice{pr.String(), periodLabel(pr, rq.T), pr.Kind})
		}
		states, err := s.svc.SubmissionStatus(r.Context(), u, "", periods)
		if err != nil {
			return err
		}
		for _, st := range states {
			if n := len(p.Board); n == 0 || p.Board[n-1].Code != st.OrgCode {
				p.Board = append(p.Board, boardRow{Code: st.OrgCode, Name: st.OrgName})
			}
			p.Board[len(p.Board)-1].Cells = append(p.Board[len(p.Board)-1].Cells, st)
		}
	case u.Can(huifang.PermViewStats) && u.Role != huifang.RoleAdmin:
		_, subs, err := s.svc.Submissions(r.Context(), u, "", "")
		if err != nil {
			return err
		}
		p.History = historyRows(subs)
	default:
		return huifang.Errorf(huifang.EFORBIDDEN, "err.submission.view_forbidden", u.Role)
	}
	s.render(w, r, rq, http.StatusOK, "submissions", rq.T.T("subs.title"), "submissions", p)
	return nil
}
