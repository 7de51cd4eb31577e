package web

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
)

// supervisorsPage is the data of /admin/supervisors: the regulator's
// supervisors with the companies each follows, every company of the
// regulator, and how many supervisors follow each.
type supervisorsPage struct {
	Supervisors []supervisorRow
	Companies   []huifang.Org
	Followers   map[int64]int // company id → supervisors following it
	Notice      string
	Error       string
	Login       string // the supervisor the error is about
}

type supervisorRow struct {
	User    huifang.User
	Follows map[int64]bool
}

// supervisorsShow is the regulator's administrator's assignment page.
func (s *server) supervisorsShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := supervisorsPage{}
	if f := s.takeFlash(w, r); f != "" {
		p.Notice = rq.T.T("supervisors.saved", f)
	}
	return s.renderSupervisors(w, r, rq, http.StatusOK, p)
}

func (s *server) renderSupervisors(w http.ResponseWriter, r *http.Request, rq *request, status int, p supervisorsPage) error {
	sups, cos, err := s.svc.Supervisors(r.Context(), rq.User, "")
	if err != nil {
		return err
	}
	p.Companies, p.Followers = cos, map[int64]int{}
	for _, v := range sups {
		row := supervisorRow{User: v.User, Follows: map[int64]bool{}}
		for _, o := range v.Companies {
			row.Follows[o.ID] = true
			if !v.User.Disabled {
				p.Followers[o.ID]++
			}
		}
		p.Supervisors = append(p.Supervisors, row)
	}
	s.render(w, r, rq, status, "supervisors", rq.T.T("supervisors.title"), "supervisors", p)
	return nil
}

// supervisorAssign saves the companies one supervisor follows.
func (s *server) supervisorAssign(w http.ResponseWriter, r *http.Request, rq *request) error {
	login := r.PathValue("login")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	if _, err := s.svc.AssignCompanies(r.Context(), rq.User, "", login, r.PostForm["company"]); err != nil {
		switch huifang.ErrorCode(err) {
		case huifang.EINVALID, huifang.ENOTFOUND:
			return s.renderSupervisors(w, r, rq, httpx.Status(err), supervisorsPage{Error: rq.errText(err), Login: login})
		}
		return err
	}
	s.flashTo(w, r, "/admin/supervisors", login)
	return nil
}
