package web

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
)

var problemStatuses = []huifang.ProblemStatus{huifang.ProblemOpen, huifang.ProblemResolved, huifang.ProblemClosed}

type problemsPage struct {
	Type, Status string
	Cases        []huifang.ProblemCase
	Types        []huifang.ProblemType
	Statuses     []huifang.ProblemStatus
}

func (s *server) problemList(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	p := problemsPage{Types: huifang.ProblemTypes, Statuses: problemStatuses}
	var f store.ProblemFilter
	for _, t := range huifang.ProblemTypes {
		if q.Get("type") == string(t) {
			f.Type, p.Type = t, string(t)
		}
	}
	for _, st := range problemStatuses {
		if q.Get("status") == string(st) {
			f.Status, p.Status = st, string(st)
		}
	}
	cases, err := s.svc.ListProblemCases(r.Context(), rq.User, f)
	if err != nil {
		return err
	}
	p.Cases = cases
	s.render(w, r, rq, http.StatusOK, "problems", rq.T.T("problems.title"), "problems", p)
	return nil
}
