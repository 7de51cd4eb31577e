package web

import (
	"net/http"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
)

// loginPage is the data of the login form.
type loginPage struct {
	Login  string
	Next   string
	Error  string
	Locked bool // too many failures: the message says when to come back
}

func (s *server) loginForm(w http.ResponseWriter, r *http.Request) {
	rq := s.newRequest(w, r)
	next := safeNext(r.URL.Query().Get("next"))
	s.optionalUser(r, rq)
	if rq.User != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	rq.User = nil
	p := loginPage{Next: next}
	if r.URL.Query().Get("expired") != "" {
		p.Error = rq.T.T("login.expired")
	}
	s.render(w, r, rq, http.StatusOK, "login", rq.T.T("login.title"), "", p)
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	rq := s.newRequest(w, r)
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	p := loginPage{Login: strings.TrimSpace(r.PostFormValue("login")), Next: safeNext(r.PostFormValue("next"))}
	password := r.PostFormValue("password")
	if p.Login == "" || password == "" {
		p.Error = rq.T.T("login.required")
		s.render(w, r, rq, http.StatusBadRequest, "login", rq.T.T("login.title"), "", p)
		return
	}
	token, _, err := s.svc.Login(r.Context(), p.Login, password, s.clientAddr(r))
	if err != nil {
		httpx.LogIfInternal(s.log, r, err)
		switch huifang.ErrorCode(err) {
		case huifang.EINTERNAL:
			p.Error = rq.T.T("error.internal")
		case huifang.EUNAUTHORIZED:
			p.Error = rq.T.T("login.failed")
		case huifang.ETOOMANY:
			p.Error, p.Locked = s.tooMany(w, rq, err), true
		default:
			p.Error = rq.errText(err)
		}
		s.render(w, r, rq, httpx.Status(err), "login", rq.T.T("login.title"), "", p)
		return
	}
	s.setSession(w, token)
	http.Redirect(w, r, p.Next, http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.svc.Logout(r.Context(), rq.Token); err != nil {
		return err
	}
	s.clearSession(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
