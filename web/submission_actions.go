package web

import (
	"net/http"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// submissionVerb is the regulator's accept and return forms.
func (s *server) submissionVerb(w http.ResponseWriter, r *http.Request, rq *request) error {
	verb := r.PathValue("verb")
	if verb != "accept" && verb != "return" {
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
	comment := strings.TrimSpace(r.PostFormValue("comment"))
	_, err = s.svc.ReviewSubmission(r.Context(), rq.User, id, app.ReviewInput{Accept: verb == "accept", Comment: comment})
	if err == nil {
		s.submissionDone(w, r, id, verb+"ed")
		return nil
	}
	code := huifang.ErrorCode(err)
	if code != huifang.EINVALID && code != huifang.ECONFLICT {
		return err
	}
	p := submissionPage{Comment: comment, Errors: map[string]string{}}
	if addFieldErrors(rq, p.Errors, err) == 0 {
		p.Error = rq.errText(err)
	}
	return s.renderSubmission(w, r, rq, http.StatusBadRequest, p)
}
