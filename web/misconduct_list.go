package web

import (
	"net/http"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/misconduct"
)

// misconductPage is the data of /misconduct: an insurer's misconduct
// records, and for compliance the forms that decide the proposed ones.
type misconductPage struct {
	Status     string
	RegNo      string
	Statuses   []huifang.MisconductStatus
	Categories []huifang.MisconductCategory
	Records    []huifang.MisconductRecord
	CanDecide  bool
	Notice     string
	// A refused decision: the record, what was entered, and why.
	ErrorID  int64
	Error    string
	Errors   map[string]string
	Category string
	Reason   string
}

// misconductList shows the records of the user's insurer, by status.
func (s *server) misconductList(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := misconductPage{Status: r.URL.Query().Get("status"), RegNo: strings.TrimSpace(r.URL.Query().Get("reg_no"))}
	switch s.takeFlash(w, r) {
	case "confirmed":
		p.Notice = rq.T.T("misconduct.done.confirmed")
	case "rejected":
		p.Notice = rq.T.T("misconduct.done.rejected")
	}
	return s.renderMisconduct(w, r, rq, http.StatusOK, p)
}

func (s *server) renderMisconduct(w http.ResponseWriter, r *http.Request, rq *request, status int, p misconductPage) error {
	recs, err := s.svc.MisconductRecords(r.Context(), rq.User, huifang.MisconductFilter{Status: huifang.MisconductStatus(p.Status), RegNo: p.RegNo})
	if err != nil {
		return err
	}
	p.Records, p.Statuses, p.Categories = recs, huifang.MisconductStatuses, huifang.MisconductCategories
	p.CanDecide = rq.User.Can(huifang.PermMisconduct)
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	s.render(w, r, rq, status, "misconduct", rq.T.T("misconduct.title"), "misconduct", p)
	return nil
}

// misconductVerb is compliance's confirm and reject forms.
func (s *server) misconductVerb(w http.ResponseWriter, r *http.Request, rq *request) error {
	verb := r.PathValue("verb")
	if verb != "confirm" && verb != "reject" {
		return huifang.Errorf(huifang.ENOTFOUND, "err.no_such_action")
	}
	id, err := app.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	d := misconduct.Decision{Confirm: verb == "confirm", Category: r.PostFormValue("category"), Reason: r.PostFormValue("reason")}
	rec, err := s.svc.DecideMisconduct(r.Context(), rq.User, id, d)
	if err == nil {
		s.flashTo(w, r, "/misconduct", string(rec.Status))
		return nil
	}
	code := huifang.ErrorCode(err)
	if code != huifang.EINVALID && code != huifang.ECONFLICT {
		return err
	}
	p := misconductPage{Status: string(huifang.MisconductProposed), ErrorID: id, Errors: map[string]string{}, Category: d.Category, Reason: d.Reason}
	addFieldErrors(rq, p.Errors, err)
	p.Error = rq.errText(err)
	return s.renderMisconduct(w, r, rq, http.StatusBadRequest, p)
}
