package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/pii"
)

// CaseContact is who a handler contacts for a case: the policyholder with
// the masked number, the product and the selling agent.
type CaseContact struct {
	HolderName  string `json:"holder_name"`
	PhoneMasked string `json:"holder_phone_masked"`
	ProductCode string `json:"product_code"`
	ProductName string `json:"product_name"`
	AgentCode   string `json:"agent_code,omitempty"`
	AgentName   string `json:"agent_name,omitempty"`
}

// caseContact reads the case's policy for its contact; a case whose policy
// is gone shows none.
func (s *Service) caseContact(ctx context.Context, c *huifang.ProblemCase) (*CaseContact, error) {
	rec, err := s.db.FindPolicy(ctx, c.OrgID, c.PolicyNo)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	phone, err := s.Box.Open(rec.HolderPhoneEnc)
	if err != nil {
		return nil, err
	}
	cc := &CaseContact{HolderName: rec.HolderName, PhoneMasked: pii.MaskPhone(phone), ProductCode: rec.ProductCode, AgentCode: rec.AgentCode}
	if prod, err := s.db.FindProduct(ctx, c.OrgID, rec.ProductCode); err == nil {
		cc.ProductName = prod.Name
	} else if !errors.Is(err, huifang.ErrNotFound) {
		return nil, err
	}
	if rec.AgentCode != "" {
		if a, err := s.db.FindAgent(ctx, c.OrgID, rec.AgentCode); err == nil {
			cc.AgentName = a.Name
		} else if !errors.Is(err, huifang.ErrNotFound) {
			return nil, err
		}
	}
	return cc, nil
}

// RevealCasePhone shows the policyholder's full number to the handler
// working a case: the same audited, hourly-capped view as RevealPhone
// (a handler may for an unfinished case of their branch or below).
func (s *Service) RevealCasePhone(ctx context.Context, u *huifang.User, id int64) (string, error) {
	c, err := s.findCase(ctx, u, id)
	if err != nil {
		return "", err
	}
	return s.RevealPhone(ctx, u, c.PolicyNo)
}

// CaseSeen marks the user's notifications about a case read: they opened it.
func (s *Service) CaseSeen(ctx context.Context, u *huifang.User, id int64) error {
	if u == nil {
		return huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	return s.db.MarkCaseNotificationsRead(ctx, u.OrgID, u.ID, id, s.now())
}

// notifyTransfer tells the receiver of a transfer: the named handler, or
// every handler of the receiving branch. The notification links to the case.
func (s *Service) notifyTransfer(ctx context.Context, c *huifang.ProblemCase, t *huifang.Transfer) error {
	us, err := s.db.ListUsers(ctx, c.OrgID)
	if err != nil {
		return err
	}
	subject := i18n.T(i18n.ZH, "mail.transfer.subject", c.ID, i18n.T(i18n.ZH, c.Type.Key()))
	body := i18n.T(i18n.ZH, "mail.transfer.body", c.PolicyNo, i18n.T(i18n.ZH, c.Type.Key()), t.DueOn, c.Detail)
	var ns []huifang.Notification
	for _, x := range us {
		if x.Disabled || x.Role != huifang.RoleHandler || (t.ToUserID != 0 && x.ID != t.ToUserID) || (t.ToUserID == 0 && x.BranchCode != t.ToBranch) {
			continue
		}
		ns = append(ns, huifang.Notification{OrgID: c.OrgID, UserID: x.ID, At: t.At, Kind: "transfer", Subject: subject, Body: body,
			Dedupe: fmt.Sprintf("transfer:%d", t.ID), CaseID: c.ID})
	}
	if len(ns) == 0 {
		return nil
	}
	_, err = s.notify(ctx, ns, byID(us))
	return err
}

// BulkInput is one step for many cases from the board: assign them to a
// handler (Handler, a login) or transfer them to an organisation unit
// (Branch), with an optional hop deadline.
type BulkInput struct {
	IDs     []int64
	Handler string
	Branch  string
	DueOn   huifang.Date
}

// MaxBulk is how many cases one bulk step takes.
const MaxBulk = 200

// BulkResult is what became of one case of a bulk step.
type BulkResult struct {
	ID  int64
	OK  bool
	Err error // why it was refused
}

// BulkTransfer assigns or transfers each case in turn, each checked for the
// user's rights and its state on its own: one refused case does not stop
// the others. The step of each case is audited as usual, and the bulk step
// as a whole once, with what was done and refused.
func (s *Service) BulkTransfer(ctx context.Context, u *huifang.User, in BulkInput) ([]BulkResult, error) {
	if err := require(u, huifang.PermWorkCases); err != nil {
		return nil, err
	}
	in.Handler, in.Branch = strings.TrimSpace(in.Handler), strings.TrimSpace(in.Branch)
	if len(in.IDs) == 0 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.bulk.none")
	}
	if len(in.IDs) > MaxBulk {
		return nil, huifang.Errorf(huifang.EINVALID, "err.bulk.too_many", MaxBulk)
	}
	if in.Handler == "" && in.Branch == "" {
		return nil, huifang.Errorf(huifang.EINVALID, "err.bulk.no_target")
	}
	seen := map[int64]bool{}
	var out []BulkResult
	var done, refused []int64
	for _, id := range in.IDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		_, err := s.Transfer(ctx, u, id, TransferInput{Branch: in.Branch, Handler: in.Handler, DueOn: in.DueOn})
		if err != nil && huifang.ErrorCode(err) == huifang.EINTERNAL {
			return out, err
		}
		out = append(out, BulkResult{ID: id, OK: err == nil, Err: err})
		if err == nil {
			done = append(done, id)
		} else {
			refused = append(refused, id)
		}
	}
	err := s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: u.OrgID, At: s.now(), UserID: u.ID, Actor: u.Login, Entity: "problem-case", Key: "bulk",
		Action: "bulk-transfer", Detail: jsonDetail(map[string]any{"handler": in.Handler, "branch": in.Branch, "due_on": in.DueOn, "done": done, "refused": refused})})
	return out, err
}

// NotificationsPage lists a page of the user's notifications, newest first.
func (s *Service) NotificationsPage(ctx context.Context, u *huifang.User, p huifang.NotificationPage) ([]huifang.Notification, error) {
	if u == nil {
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	return s.db.PageNotifications(ctx, u.OrgID, u.ID, p)
}

// MarkNotificationRead marks one of the user's notifications read.
func (s *Service) MarkNotificationRead(ctx context.Context, u *huifang.User, id int64) error {
	if u == nil {
		return huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	ok, err := s.db.MarkNotificationRead(ctx, u.OrgID, u.ID, id, s.now())
	if err != nil {
		return err
	}
	if !ok {
		return huifang.Errorf(huifang.ENOTFOUND, "err.notification.not_found", id)
	}
	return nil
}
