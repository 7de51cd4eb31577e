package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// qaQueuePage is the data of /qa: QA's work queue of calls to evaluate,
// by status, newest first, 50 a page.
type qaQueuePage struct {
	Status   string // a QAStatus, or "all"
	Statuses []string
	Rows     []huifang.QAEvaluation
	Next     string // the next page's link
	Notice   string
	Error    string
}

// qaQueue is GET /qa.
func (s *server) qaQueue(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := qaQueuePage{}
	if s.takeFlash(w, r) == "drawn" {
		p.Notice = rq.T.T("qa.drawn")
	}
	return s.renderQAQueue(w, r, rq, http.StatusOK, p)
}

func (s *server) renderQAQueue(w http.ResponseWriter, r *http.Request, rq *request, status int, p qaQueuePage) error {
	q := r.URL.Query()
	p.Status = q.Get("status")
	if p.Status == "" {
		p.Status = string(huifang.QAQueued)
	}
	f := huifang.QAFilter{}
	if p.Status != "all" {
		st := huifang.QAStatus(p.Status)
		if !validQAStatus(st) {
			return huifang.Errorf(huifang.EINVALID, "err.qa.status")
		}
		f.Status = st
	}
	if v := q.Get("after"); v != "" {
		id, err := app.ParseID(v)
		if err != nil {
			return err
		}
		f.AfterID = id
	}
	rows, err := s.svc.QAQueue(r.Context(), rq.User, f)
	if err != nil {
		return err
	}
	p.Rows = rows
	for _, st := range huifang.QAStatuses {
		p.Statuses = append(p.Statuses, string(st))
	}
	p.Statuses = append(p.Statuses, "all")
	if len(rows) == 50 {
		p.Next = "/qa?" + url.Values{"status": {p.Status}, "after": {strconv.FormatInt(rows[len(rows)-1].ID, 10)}}.Encode()
	}
	s.render(w, r, rq, status, "qa_queue", rq.T.T("qa.queue.title"), "qa", p)
	return nil
}

func validQAStatus(st huifang.QAStatus) bool {
	for _, x := range huifang.QAStatuses {
		if x == st {
			return true
		}
	}
	return false
}

// qaDraw draws the current week: POST /qa/draw.
func (s *server) qaDraw(w http.ResponseWriter, r *http.Request, rq *request) error {
	if _, err := s.svc.DrawQA(r.Context(), rq.User); err != nil {
		if huifang.ErrorCode(err) != huifang.EINVALID {
			return err
		}
		return s.renderQAQueue(w, r, rq, http.StatusBadRequest, qaQueuePage{Error: rq.errText(err)})
	}
	s.flashTo(w, r, "/qa", "drawn")
	return nil
}
