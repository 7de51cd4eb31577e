package web

import (
	"net/http"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
)

// scriptVerbs are the lifecycle forms of a script page.
var scriptVerbs = map[string]bool{"file": true, "activate": true, "retire": true}

// scriptVerb runs a lifecycle form of a script page: on success it
// redirects back with a notice; on refusal it renders the page with the
// app's message next to the form.
func (s *server) scriptVerb(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	verb := r.PathValue("verb")
	if !scriptVerbs[verb] {
		return huifang.Errorf(huifang.ENOTFOUND, "error.notfound")
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	u := rq.User
	f := scriptForms{From: strings.TrimSpace(r.PostFormValue("from")), Errors: map[string]string{}, Problems: map[string][]string{}}
	switch verb {
	case "file":
		err = s.svc.FileScript(r.Context(), u, id)
	case "activate":
		// A date that does not parse is the zero date, which the app refuses
		// with its own message, after checking who asks and the status.
		from, _ := huifang.ParseISODate(f.From)
		err = s.svc.ActivateScript(r.Context(), u, id, from)
	case "retire":
		err = s.svc.RetireScript(r.Context(), u, id)
	}
	if err == nil {
		s.scriptDone(w, r, id, verb)
		return nil
	}
	switch huifang.ErrorCode(err) {
	case huifang.ENOTFOUND, huifang.EUNAUTHORIZED, huifang.EFORBIDDEN:
		return err
	}
	f.Problems[verb] = fieldReasons(rq, err)
	msg, status, err := formError(rq, err)
	if err != nil {
		return err
	}
	if n := len(f.Problems[verb]); n > 0 {
		msg = rq.T.T("scripts."+verb+".problems", n)
	}
	f.Errors[verb] = msg
	rec, err := s.findScript(r.Context(), u, id)
	if err != nil {
		return err
	}
	sc, err := script.Parse(strings.NewReader(rec.Body))
	if err != nil {
		return err
	}
	sc.Version = rec.Version
	p, err := s.scriptPageOf(r.Context(), rq, rec, sc)
	if err != nil {
		return err
	}
	if f.From == "" {
		f.From = p.Forms.From
	}
	p.Forms = f
	if !p.shows(verb) {
		// The form is not on the page (the script moved on): say it on top.
		p.Error, p.ErrorItems = msg, f.Problems[verb]
	}
	s.renderScript(w, r, rq, status, p)
	return nil
}
