package web

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// rectificationPage is the data of /rectifications/{id}: the notice, its
// timeline, the company's answer form, the supervisor's close and return.
type rectificationPage struct {
	*app.RectificationView
	Regulator bool
	Flash     string
	Error     string
	Errors    map[string]string
	Answer    string
	Comment   string
}

// rectificationShow shows one notice.
func (s *server) rectificationShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := rectificationPage{}
	switch n := s.takeFlash(w, r); n {
	case "answered", "closed", "returned":
		p.Flash = rq.T.T("rectification.done." + n)
	}
	return s.renderRectification(w, r, rq, http.StatusOK, p)
}

func (s *server) renderRectification(w http.ResponseWriter, r *http.Request, rq *request, status int, p rectificationPage) error {
	id, err := app.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.svc.Rectification(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	p.RectificationView, p.Regulator = v, rq.User.Regulatory()
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	s.render(w, r, rq, status, "rectification", rq.T.T("rectification.show.title", v.Notice.ID), "rectifications", p)
	return nil
}

// rectificationVerb is the company's answer and the supervisor's close and
// return; the service checks who may do which.
func (s *server) rectificationVerb(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := app.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	p := rectificationPage{Answer: r.PostFormValue("answer"), Comment: r.PostFormValue("comment"), Errors: map[string]string{}}
	verb := r.PathValue("verb")
	switch verb {
	case "answer":
		_, err = s.svc.AnswerRectification(r.Context(), rq.User, id, p.Answer)
	case "close":
		_, err = s.svc.CloseRectification(r.Context(), rq.User, id, p.Comment)
	case "return":
		_, err = s.svc.ReturnRectification(r.Context(), rq.User, id, p.Comment)
	default:
		return huifang.Errorf(huifang.ENOTFOUND, "err.no_such_action")
	}
	if err == nil {
		done := map[string]string{"answer": "answered", "close": "closed", "return": "returned"}[verb]
		s.flashTo(w, r, r.URL.Path[:len(r.URL.Path)-len(verb)-1], done)
		return nil
	}
	if code := huifang.ErrorCode(err); code != huifang.EINVALID && code != huifang.ECONFLICT {
		return err
	}
	addFieldErrors(rq, p.Errors, err)
	p.Error = rq.errText(err)
	return s.renderRectification(w, r, rq, http.StatusBadRequest, p)
}
