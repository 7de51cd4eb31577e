package web

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// rectificationsPage is the data of /rectifications: the notices the user
// may see and, for a supervisor, the form that sends one.
type rectificationsPage struct {
	Status    string
	Company   string
	Statuses  []huifang.RectificationStatus
	Notices   []rectificationRow
	Regulator bool // the regulator's side: a company column, the send form
	Companies []huifang.Org
	CanSend   bool
	Notice    string
	// The send form as entered, and why it was refused.
	Form   app.RectificationInput
	Error  string
	Errors map[string]string
	MinDue string
}

// rectificationRow is a notice of the list with its overdue flag.
type rectificationRow struct {
	huifang.Rectification
	Overdue bool
}

// rectificationList shows the notices of the user's side.
func (s *server) rectificationList(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := rectificationsPage{Status: r.URL.Query().Get("status"), Company: r.URL.Query().Get("company")}
	if n := s.takeFlash(w, r); n == "sent" {
		p.Notice = rq.T.T("rectification.done.sent")
	}
	return s.renderRectifications(w, r, rq, http.StatusOK, p)
}

func (s *server) renderRectifications(w http.ResponseWriter, r *http.Request, rq *request, status int, p rectificationsPage) error {
	u := rq.User
	list, err := s.svc.Rectifications(r.Context(), u, app.RectificationQuery{Status: p.Status, OrgCode: p.Company})
	if err != nil {
		return err
	}
	today := s.today()
	for _, n := range list {
		p.Notices = append(p.Notices, rectificationRow{Rectification: n, Overdue: n.Overdue(today)})
	}
	p.Statuses = huifang.RectificationStatuses
	p.Regulator = u.Regulatory()
	if p.Regulator {
		if p.Companies, err = s.svc.Overseen(r.Context(), u); err != nil {
			return err
		}
		p.CanSend = u.Can(huifang.PermRectify) && len(p.Companies) > 0
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	p.MinDue = today.AddDays(1).String()
	s.render(w, r, rq, status, "rectifications", rq.T.T("rectification.title"), "rectifications", p)
	return nil
}

// rectificationSend is the supervisor's send form.
func (s *server) rectificationSend(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	in := app.RectificationInput{OrgCode: r.PostFormValue("company"), Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body"),
		Due: r.PostFormValue("due")}
	_, err := s.svc.SendRectification(r.Context(), rq.User, in)
	if err == nil {
		s.flashTo(w, r, "/rectifications", "sent")
		return nil
	}
	if huifang.ErrorCode(err) != huifang.EINVALID {
		return err
	}
	p := rectificationsPage{Form: in, Errors: map[string]string{}}
	addFieldErrors(rq, p.Errors, err)
	p.Error = rq.errText(err)
	return s.renderRectifications(w, r, rq, http.StatusBadRequest, p)
}
