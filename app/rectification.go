package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/rectification"
)

// Rectification notices (整改通知, docs/rectification.md): a regulator's
// supervisor sends one of the companies it oversees a notice with its
// requirements and a due date; the company's administrators and managers
// are told, and one of them answers it; the sender is told, and closes it or
// returns it for another answer. The regulator's side sees the notices of
// the companies Overseen gives it; a company sees its own. Every step is
// in the company's audit trail.

// RectificationInput is a notice as the supervisor writes it.
type RectificationInput struct {
	OrgCode string // the company
	Subject string
	Body    string // the requirements
	Due     string // YYYY-MM-DD
}

// RectificationView is a notice with its timeline, and what the user may do.
type RectificationView struct {
	Notice    *huifang.Rectification
	Events    []huifang.RectificationEvent
	Overdue   bool
	CanAnswer bool // the company, while it is open
	CanDecide bool // the regulator, while it is answered
}

// RectificationQuery selects the notices a user lists.
type RectificationQuery struct {
	Status  string
	OrgCode string // the regulator's side: one company
}

// SendRectification sends a company the user oversees a notice. PermRectify.
func (s *Service) SendRectification(ctx context.Context, u *huifang.User, in RectificationInput) (*huifang.Rectification, error) {
	if err := require(u, huifang.PermRectify); err != nil {
		return nil, err
	}
	var fields []huifang.FieldError
	var org *huifang.Org
	if code := strings.TrimSpace(in.OrgCode); code == "" {
		fields = append(fields, huifang.FieldError{Field: "company", Key: "err.rectification.company_required"})
	} else {
		o, err := s.oversees(ctx, u, code)
		if err != nil {
			return nil, err
		}
		org = o
	}
	d := rectification.Draft{Subject: in.Subject, Body: in.Body}
	var badDue bool
	if due := strings.TrimSpace(in.Due); due != "" {
		dd, err := huifang.ParseISODate(due)
		if err != nil {
			badDue = true
		}
		d.DueOn = dd
	}
	if err := rectification.Check(&d, s.today()); err != nil {
		var e *huifang.Error
		if !errors.As(err, &e) {
			return nil, err
		}
		fields = append(fields, e.Fields...)
	}
	if badDue {
		for i := range fields {
			if fields[i].Field == "due" {
				fields[i].Key = "err.rectification.bad_due"
			}
		}
	}
	if len(fields) > 0 {
		return nil, &huifang.Error{Code: huifang.EINVALID, Key: fields[0].Key, Args: fields[0].Args, Fields: fields}
	}
	now := s.now()
	r := &huifang.Rectification{RegulatorID: u.OrgID, OrgID: org.ID, OrgCode: org.Code, OrgName: org.Name, Subject: d.Subject, Body: d.Body,
		DueOn: d.DueOn, SentAt: now, SentBy: u.Login, SentByID: u.ID}
	if err := s.db.CreateRectification(ctx, r, actor(u)); err != nil {
		return nil, err
	}
	subject := i18n.T(i18n.ZH, "mail.rectification.sent.subject", r.ID, r.Subject)
	body := i18n.T(i18n.ZH, "mail.rectification.sent.body", r.Subject, r.DueOn, r.Body, r.ID)
	return r, s.notifyCompany(ctx, r, "sent", subject, body)
}

// notifyCompany tells the company's administrators and managers of a step.
func (s *Service) notifyCompany(ctx context.Context, r *huifang.Rectification, step, subject, body string) error {
	users, err := s.db.ListUsers(ctx, r.OrgID)
	if err != nil {
		return err
	}
	var ns []huifang.Notification
	for _, x := range users {
		if x.Disabled || !x.Can(huifang.PermAnswerNotice) {
			continue
		}
		ns = append(ns, huifang.Notification{OrgID: r.OrgID, UserID: x.ID, At: s.now(), Kind: "rectification", Subject: subject, Body: body,
			Dedupe: fmt.Sprintf("rectification:%d:%s:%d", r.ID, step, r.Returns)})
	}
	_, err = s.notify(ctx, ns, byID(users))
	return err
}

// rectificationScope is what the user may see of notices: a regulator's
// user the companies it oversees, a company's administrators and managers
// their own.
func (s *Service) rectificationScope(ctx context.Context, u *huifang.User) (huifang.RectificationScope, error) {
	if u == nil {
		return huifang.RectificationScope{}, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	if u.Regulatory() {
		if err := require(u, huifang.PermRectify); err != nil {
			return huifang.RectificationScope{}, err
		}
		orgs, err := s.Overseen(ctx, u)
		if err != nil {
			return huifang.RectificationScope{}, err
		}
		sc := huifang.RectificationScope{RegulatorID: u.OrgID, OrgIDs: []int64{}}
		for _, o := range orgs {
			sc.OrgIDs = append(sc.OrgIDs, o.ID)
		}
		return sc, nil
	}
	if err := require(u, huifang.PermAnswerNotice); err != nil {
		return huifang.RectificationScope{}, err
	}
	return huifang.RectificationScope{OrgID: u.OrgID}, nil
}

// Rectifications lists the notices the user may see: open ones first by
// due date, then answered, then closed.
func (s *Service) Rectifications(ctx context.Context, u *huifang.User, q RectificationQuery) ([]huifang.Rectification, error) {
	sc, err := s.rectificationScope(ctx, u)
	if err != nil {
		return nil, err
	}
	f := huifang.RectificationFilter{RectificationScope: sc, Limit: 2000}
	if q.Status != "" {
		st, ok := huifang.ParseRectificationStatus(q.Status)
		if !ok {
			return nil, huifang.Errorf(huifang.EINVALID, "err.rectification.bad_status", q.Status)
		}
		f.Status = st
	}
	if code := strings.TrimSpace(q.OrgCode); code != "" && sc.OrgID == 0 {
		org, err := s.oversees(ctx, u, code)
		if err != nil {
			return nil, err
		}
		f.OrgIDs = []int64{org.ID}
	}
	return s.db.ListRectifications(ctx, f)
}

// Rectification shows one notice the user may see, with its timeline.
func (s *Service) Rectification(ctx context.Context, u *huifang.User, id int64) (*RectificationView, error) {
	r, err := s.findRectification(ctx, u, id)
	if err != nil {
		return nil, err
	}
	evs, err := s.db.ListRectificationEvents(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	return &RectificationView{Notice: r, Events: evs, Overdue: r.Overdue(s.today()),
		CanAnswer: !u.Regulatory() && u.Can(huifang.PermAnswerNotice) && r.Status == huifang.RectificationOpen,
		CanDecide: u.Regulatory() && u.Can(huifang.PermRectify) && r.Status == huifang.RectificationAnswered}, nil
}

func (s *Service) findRectification(ctx context.Context, u *huifang.User, id int64) (*huifang.Rectification, error) {
	sc, err := s.rectificationScope(ctx, u)
	if err != nil {
		return nil, err
	}
	r, err := s.db.FindRectification(ctx, sc, id)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.rectification.not_found", id)
	}
	return r, err
}

// AnswerRectification records the company's answer to an open notice of
// the user's own company, and tells the sender. PermAnswerNotice.
func (s *Service) AnswerRectification(ctx context.Context, u *huifang.User, id int64, answer string) (*huifang.Rectification, error) {
	if err := require(u, huifang.PermAnswerNotice); err != nil {
		return nil, err
	}
	r, err := s.findRectification(ctx, u, id)
	if err != nil {
		return nil, err
	}
	was := r.Status
	ev, err := rectification.Answer(r, answer, u.Login, s.now())
	if err != nil {
		return nil, err
	}
	if err := s.db.StepRectification(ctx, r, was, ev, actor(u)); err != nil {
		return nil, err
	}
	if r.SentByID == 0 {
		return r, nil
	}
	users, err := s.db.ListUsers(ctx, r.RegulatorID)
	if err != nil {
		return nil, err
	}
	byUser := byID(users)
	if to, ok := byUser[r.SentByID]; ok && !to.Disabled {
		n := huifang.Notification{OrgID: r.RegulatorID, UserID: to.ID, At: s.now(), Kind: "rectification",
			Subject: i18n.T(i18n.ZH, "mail.rectification.answered.subject", r.ID, r.OrgName, r.Subject),
			Body:    i18n.T(i18n.ZH, "mail.rectification.answered.body", r.OrgName, r.Subject, r.Answer, r.ID),
			Dedupe:  fmt.Sprintf("rectification:%d:answered:%d", r.ID, r.Returns)}
		if _, err := s.notify(ctx, []huifang.Notification{n}, byUser); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// CloseRectification closes an answered notice of a company the user
// oversees; the comment is optional. PermRectify.
func (s *Service) CloseRectification(ctx context.Context, u *huifang.User, id int64, comment string) (*huifang.Rectification, error) {
	return s.decideRectification(ctx, u, id, comment, rectification.Close)
}

// ReturnRectification returns an answered notice of a company the user
// oversees for another answer, with a comment. PermRectify.
func (s *Service) ReturnRectification(ctx context.Context, u *huifang.User, id int64, comment string) (*huifang.Rectification, error) {
	return s.decideRectification(ctx, u, id, comment, rectification.Return)
}

func (s *Service) decideRectification(ctx context.Context, u *huifang.User, id int64, comment string,
	step func(*huifang.Rectification, string, string, time.Time) (huifang.RectificationEvent, error)) (*huifang.Rectification, error) {
	if err := require(u, huifang.PermRectify); err != nil {
		return nil, err
	}
	if !u.Regulatory() {
		return nil, huifang.Errorf(huifang.EFORBIDDEN, "err.auth.role_forbidden", u.Role)
	}
	r, err := s.findRectification(ctx, u, id)
	if err != nil {
		return nil, err
	}
	was := r.Status
	ev, err := step(r, comment, u.Login, s.now())
	if err != nil {
		return nil, err
	}
	if err := s.db.StepRectification(ctx, r, was, ev, actor(u)); err != nil {
		return nil, err
	}
	key := "mail.rectification.closed"
	if r.Status == huifang.RectificationOpen {
		key = "mail.rectification.returned"
	}
	subject := i18n.T(i18n.ZH, key+".subject", r.ID, r.Subject)
	body := i18n.T(i18n.ZH, key+".body", r.Subject, r.Comment, r.DueOn, r.ID)
	return r, s.notifyCompany(ctx, r, ev.Kind, subject, body)
}

// RectificationsOf lists the notices of a regulator (its code: every
// company) or of a company, for the command line.
func (s *Service) RectificationsOf(ctx context.Context, code, status string) ([]huifang.Rectification, error) {
	org, err := s.db.FindOrgByCode(ctx, code)
	if err != nil {
		return nil, orgNotFound(code, err)
	}
	if org.Kind == huifang.KindRegulator {
		u, err := s.RegulatorCLI(ctx, code)
		if err != nil {
			return nil, err
		}
		return s.Rectifications(ctx, u, RectificationQuery{Status: status})
	}
	f := huifang.RectificationFilter{RectificationScope: huifang.RectificationScope{OrgID: org.ID}}
	if status != "" {
		st, ok := huifang.ParseRectificationStatus(status)
		if !ok {
			return nil, huifang.Errorf(huifang.EINVALID, "err.rectification.bad_status", status)
		}
		f.Status = st
	}
	return s.db.ListRectifications(ctx, f)
}
