package web

import (
	"net/http"
	"strconv"
	"strings"
)

// workFalsePhone is the workbench's one step when the operator confirms the
// number is false: the callback finishes and a false-phone problem case
// opens (app.ConfirmFalsePhone). A refusal comes back on the workbench.
func (s *server) workFalsePhone(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	note := strings.TrimSpace(r.PostFormValue("note"))
	_, err = s.svc.ConfirmFalsePhone(r.Context(), rq.User, id, note)
	if err == nil {
		http.Redirect(w, r, "/work/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}
	f := attemptForm{Note: note}
	var status int
	if f.Error, status, err = formError(rq, err); err != nil {
		return err
	}
	v, err := s.loadCallback(r.Context(), rq, id, nil, nil)
	if err != nil {
		return err
	}
	s.renderWork(w, r, rq, status, workPage{callbackView: v, Attempt: f})
	return nil
}
