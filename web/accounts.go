package web

import (
	"cmp"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
)

// The pages of accounts: one's own (last login, password change), and the
// administrators' users and API tokens of their organisation.

// clientAddr is the address a request came from: the connection's, or with
// Options.TrustProxy the last address the reverse proxy added to
// X-Forwarded-For (the ones before it are the client's word).
func (s *server) clientAddr(r *http.Request) string {
	if s.opts.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if a := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(a) != nil {
				return a
			}
		}
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// flashTo redirects to path with a notice shown there once (see flashCookie).
func (s *server) flashTo(w http.ResponseWriter, r *http.Request, path, notice string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: notice, Path: path, MaxAge: 120, HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// accountPage is one's own account: the last login and the password form.
type accountPage struct {
	Notice, Error string
	Fields        map[string]string
}

func (s *server) accountShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := accountPage{Fields: map[string]string{}}
	if s.takeFlash(w, r) == "password" {
		p.Notice = rq.T.T("account.password.changed")
	}
	s.render(w, r, rq, http.StatusOK, "account", rq.T.T("account.title"), "", p)
	return nil
}

func (s *server) accountPassword(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	p := accountPage{Fields: map[string]string{}}
	password := r.PostFormValue("password")
	if password != r.PostFormValue("confirm") {
		p.Fields["confirm"] = rq.T.T("account.password.mismatch")
		s.render(w, r, rq, http.StatusBadRequest, "account", rq.T.T("account.title"), "", p)
		return nil
	}
	err := s.svc.ChangePassword(r.Context(), rq.User, rq.Token, r.PostFormValue("current"), password)
	if err != nil {
		switch huifang.ErrorCode(err) {
		case huifang.EINVALID:
			if addFieldErrors(rq, p.Fields, err) == 0 {
				p.Error = rq.errText(err)
			}
		case huifang.ETOOMANY:
			p.Error = s.tooMany(w, rq, err)
		default:
			return err
		}
		s.render(w, r, rq, httpx.Status(err), "account", rq.T.T("account.title"), "", p)
		return nil
	}
	s.flashTo(w, r, "/account", "password")
	return nil
}

// tooMany is the message of a throttled login, with the time to come back;
// it sets Retry-After.
func (s *server) tooMany(w http.ResponseWriter, rq *request, err error) string {
	wait := huifang.RetryAfter(err)
	httpx.SetRetryAfter(w, err)
	until := s.now().Add(wait).In(huifang.Shanghai).Format("15:04:05")
	if wait < time.Minute {
		return rq.T.T("login.toomany.seconds", until, int((wait+time.Second-1)/time.Second))
	}
	return rq.T.T("login.toomany", until, int((wait+time.Minute-1)/time.Minute))
}

// usersPage lists an organisation's users for its administrators.
type usersPage struct {
	Users  []huifang.User
	Me     int64
	Roles  []huifang.Role
	Notice string
	Error  string
	Login  string // the user the error is about
}

// assignable lists the roles an administrator may give in their organisation.
func assignable(u *huifang.User) []huifang.Role {
	switch u.Role {
	case huifang.RoleAdmin:
		return []huifang.Role{huifang.RoleAdmin, huifang.RoleRegAdmin, huifang.RoleSupervisor, huifang.RoleInsurerAdmin, huifang.RoleManager, huifang.RoleOperator, huifang.RoleHandler, huifang.RoleQA, huifang.RoleCompliance}
	case huifang.RoleRegAdmin:
		return []huifang.Role{huifang.RoleRegAdmin, huifang.RoleSupervisor}
	}
	return []huifang.Role{huifang.RoleInsurerAdmin, huifang.RoleManager, huifang.RoleOperator, huifang.RoleHandler, huifang.RoleQA, huifang.RoleCompliance}
}

func (s *server) usersShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := usersPage{}
	if f := s.takeFlash(w, r); f != "" {
		verb, login, _ := strings.Cut(f, ":")
		p.Notice = rq.T.T("users.done."+verb, login)
	}
	return s.renderUsers(w, r, rq, http.StatusOK, p)
}

func (s *server) renderUsers(w http.ResponseWriter, r *http.Request, rq *request, status int, p usersPage) error {
	us, err := s.svc.ListUsers(r.Context(), rq.User, "")
	if err != nil {
		return err
	}
	p.Users, p.Me, p.Roles = us, rq.User.ID, assignable(rq.User)
	s.render(w, r, rq, status, "users", rq.T.T("users.title"), "users", p)
	return nil
}

var userVerbs = map[string]bool{"disable": true, "enable": true, "role": true, "password": true}

func (s *server) userVerb(w http.ResponseWriter, r *http.Request, rq *request) error {
	verb, login := r.PathValue("verb"), r.PathValue("login")
	if !userVerbs[verb] {
		return huifang.Errorf(huifang.ENOTFOUND, "err.no_such_action")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var err error
	switch verb {
	case "disable", "enable":
		err = s.svc.SetUserDisabled(r.Context(), rq.User, "", login, verb == "disable")
	case "role":
		err = s.svc.SetUserRole(r.Context(), rq.User, "", login, huifang.Role(r.PostFormValue("role")), strings.TrimSpace(r.PostFormValue("branch")))
	case "password":
		err = s.svc.SetUserPassword(r.Context(), rq.User, "", login, r.PostFormValue("password"))
	}
	if err != nil {
		switch huifang.ErrorCode(err) {
		case huifang.EINVALID, huifang.ECONFLICT, huifang.ENOTFOUND:
			return s.renderUsers(w, r, rq, httpx.Status(err), usersPage{Error: rq.errText(err), Login: login})
		}
		return err
	}
	s.flashTo(w, r, "/admin/users", verb+":"+login)
	return nil
}

// tokensPage lists an organisation's API tokens; Secret is a new token's,
// shown this once.
type tokensPage struct {
	Tokens  []huifang.Token
	Users   []huifang.User
	Now     time.Time
	Secret  string
	Created string // the new token's name
	Notice  string
	Error   string
	Form    tokenForm
}

type tokenForm struct {
	Login, Name string
	Days        int
}

func (s *server) tokensShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := tokensPage{Form: tokenForm{Days: int(app.DefaultTokenTTL / (24 * time.Hour))}}
	if f := s.takeFlash(w, r); f != "" {
		p.Notice = rq.T.T("tokens.revoked", f)
	}
	return s.renderTokens(w, r, rq, http.StatusOK, p)
}

func (s *server) renderTokens(w http.ResponseWriter, r *http.Request, rq *request, status int, p tokensPage) error {
	ts, err := s.svc.ListTokens(r.Context(), rq.User, "")
	if err != nil {
		return err
	}
	us, err := s.svc.ListUsers(r.Context(), rq.User, "")
	if err != nil {
		return err
	}
	p.Tokens, p.Now = ts, s.now()
	for _, u := range us {
		if !u.Disabled {
			p.Users = append(p.Users, u)
		}
	}
	// A new secret must not be kept by the browser or a proxy.
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, rq, status, "tokens", rq.T.T("tokens.title"), "users", p)
	return nil
}

func (s *server) tokenCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	f := tokenForm{Login: r.PostFormValue("login"), Name: strings.TrimSpace(r.PostFormValue("name"))}
	p := tokensPage{Form: f}
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	if err != nil || days < 1 {
		p.Error = rq.T.T("tokens.days.invalid")
		return s.renderTokens(w, r, rq, http.StatusBadRequest, p)
	}
	p.Form.Days = days
	secret, err := s.svc.CreateToken(r.Context(), rq.User, app.TokenInput{Login: f.Login, Name: f.Name, Expires: time.Duration(days) * 24 * time.Hour})
	if err != nil {
		switch huifang.ErrorCode(err) {
		case huifang.EINVALID, huifang.ECONFLICT, huifang.ENOTFOUND:
			p.Error = rq.errText(err)
			return s.renderTokens(w, r, rq, httpx.Status(err), p)
		}
		return err
	}
	p.Secret, p.Created = secret, cmp.Or(f.Name, f.Login)
	p.Form = tokenForm{Days: int(app.DefaultTokenTTL / (24 * time.Hour))}
	return s.renderTokens(w, r, rq, http.StatusOK, p)
}

func (s *server) tokenRevoke(w http.ResponseWriter, r *http.Request, rq *request) error {
	id := r.PathValue("id")
	if err := s.svc.RevokeToken(r.Context(), rq.User, "", id); err != nil {
		return err
	}
	s.flashTo(w, r, "/admin/tokens", id)
	return nil
}
