package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/sms"
	"github.com/huifang/huifang/throttle"
)

// Electronic callbacks (电子化回访, docs/electronic.md): the customer gets a
// one-time link by text message, proves who they are with digits of their ID
// number and a one-time code sent to the phone on file, and answers the
// callback's script on their phone. This file issues links and sends them
// back to the phone; elink.go serves the customer.

// Limits of a link.
const (
	// LinkTokenBytes is the randomness of a link's token: 144 bits.
	LinkTokenBytes = 18
	// IDDigits is how many of the last characters of the ID number the
	// customer types to prove who they are.
	IDDigits = 6
	// LinkMaxCodes is how many one-time codes one link may send.
	LinkMaxCodes = 5
	// CodeTTL is how long a one-time code is good for.
	CodeTTL = 10 * time.Minute
	// CodeInterval is the least time between two codes.
	CodeInterval = time.Minute
	// IdentityTTL is how long the browser has to type the code once the
	// ID digits were right; VerifiedTTL how long it has to answer once the
	// code was right.
	IdentityTTL = 15 * time.Minute
	VerifiedTTL = 30 * time.Minute
)

// LinkMaxChecks failed identity or code checks lock the link, by the rule
// throttle.Link that passwords share; the callback then goes back to the phone.
var LinkMaxChecks = throttle.Link.Lock

// LinkView is a link as staff see it: never its token or hashes.
type LinkView struct {
	ID         int64              `json:"id"`
	Status     huifang.LinkStatus `json:"status"`
	IssuedAt   time.Time          `json:"issued_at"`
	IssuedBy   string             `json:"issued_by"`
	ExpiresAt  time.Time          `json:"expires_at"`
	OpenedAt   time.Time          `json:"opened_at"`
	VerifiedAt time.Time          `json:"verified_at"`
	ClosedAt   time.Time          `json:"closed_at"`
	Checks     int                `json:"failed_checks"`
	CodesSent  int                `json:"codes_sent"`
}

func linkView(l *huifang.ElectronicLink) LinkView {
	return LinkView{ID: l.ID, Status: l.Status, IssuedAt: l.IssuedAt, IssuedBy: l.IssuedBy, ExpiresAt: l.ExpiresAt,
		OpenedAt: l.OpenedAt, VerifiedAt: l.VerifiedAt, ClosedAt: l.ClosedAt, Checks: l.Checks, CodesSent: l.CodesSent}
}

// ElectronicEvidence is how an electronic callback's answers were given, as
// the callback's Evidence keeps it (JSON): every step's time, where the
// answers came from, and every answer submitted.
type ElectronicEvidence struct {
	LinkID      int64             `json:"link_id"`
	IssuedAt    time.Time         `json:"issued_at"`
	IssuedBy    string            `json:"issued_by"`
	OpenedAt    time.Time         `json:"opened_at"`
	IdentityAt  time.Time         `json:"identity_checked_at"`
	VerifiedAt  time.Time         `json:"code_verified_at"`
	SubmittedAt time.Time         `json:"submitted_at"`
	Identity    string            `json:"identity"` // how the customer proved who they are
	IP          string            `json:"ip"`
	UserAgent   string            `json:"user_agent"`
	Script      string            `json:"script"`
	Answers     map[string]string `json:"answers"`
	RetainUntil huifang.Date      `json:"retain_until"` // zero: kept while the contract runs
}

// ParseElectronicEvidence reads a callback's evidence; nil when it has none
// of an electronic callback.
func ParseElectronicEvidence(c *huifang.Callback) *ElectronicEvidence {
	if c.Method != huifang.MethodElectronic || c.Evidence == "" {
		return nil
	}
	var e ElectronicEvidence
	if json.Unmarshal([]byte(c.Evidence), &e) != nil {
		return nil
	}
	return &e
}

// sha256Hex is how tokens and cookies are kept: their entropy makes a plain
// hash enough.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newSecret returns n random bytes, base64url without padding.
func newSecret(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// LinkURL is the address a customer opens for a token.
func (s *Service) LinkURL(token string) string {
	return strings.TrimRight(s.PublicURL, "/") + "/e/" + token
}

// electronicRules are the profile's electronic-callback settings for an
// insurer today: the design types electronic by default, and the fallback days.
func (s *Service) electronicRules(ctx context.Context, orgID int64) (designs []huifang.DesignType, fallbackDays int, err error) {
	v, err := s.ProfileFor(ctx, orgID, s.today())
	if err != nil {
		return nil, 0, err
	}
	days := v.Rules.ElectronicFallbackDays
	if days <= 0 {
		days = callback.DefaultFallbackDays
	}
	return v.Rules.ElectronicFirst, days, nil
}

// SendElectronicLink sends a link for an electronic callback at the
// customer's request (an operator on the phone, say). The callback must be a
// new-business one, open, scheduled or already electronic (a new link
// replaces the old), held by nobody else, and far enough from its deadline.
func (s *Service) SendElectronicLink(ctx context.Context, u *huifang.User, id int64) (*huifang.Callback, error) {
	c, err := s.findCallback(ctx, u, huifang.PermWorkCallbacks, id)
	if err != nil {
		return nil, err
	}
	if c.Kind != huifang.KindNewBusiness {
		return nil, huifang.Errorf(huifang.EINVALID, "err.electronic.new_policy_only")
	}
	if !c.Open() {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.callback.done", id)
	}
	_, days, err := s.electronicRules(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	if !callback.ElectronicOpen(c.DueOn, s.today(), days) {
		return nil, huifang.Errorf(huifang.EINVALID, "err.electronic.too_late", c.DueOn, days)
	}
	return s.issue(ctx, c, huifang.Actor{UserID: u.ID, Name: u.Login})
}

// issue makes a link for a callback, puts the callback out of the phone pool
// and sends the link by text message. When the message cannot be sent the
// link is closed and the callback goes back to the phone.
func (s *Service) issue(ctx context.Context, c *huifang.Callback, a huifang.Actor) (*huifang.Callback, error) {
	if s.SMS == nil {
		return nil, huifang.Errorf(huifang.EINVALID, "err.electronic.no_sms")
	}
	rec, err := s.db.FindPolicy(ctx, c.OrgID, c.PolicyNo)
	if err != nil {
		return nil, err
	}
	prod, err := s.db.FindProduct(ctx, c.OrgID, rec.ProductCode)
	if err != nil {
		return nil, err
	}
	org, err := s.db.FindOrgByID(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	// Never a link to a number that may be the agent's (package risk).
	if err := s.refuseFlagged(ctx, c); err != nil {
		return nil, err
	}
	// The customer must be able to read the whole script.
	if cs, err := s.callScript(ctx, c, rec, prod, huifang.MethodElectronic); err != nil {
		return nil, err
	} else if cs.Gap != "" {
		return nil, s.refuseGap(ctx, c, cs, a)
	}
	phone, err := s.Box.Open(rec.HolderPhoneEnc)
	if err != nil {
		return nil, err
	}
	now := s.now()
	token := newSecret(LinkTokenBytes)
	l := &huifang.ElectronicLink{OrgID: c.OrgID, CallbackID: c.ID, TokenHash: sha256Hex(token), IssuedAt: now, IssuedBy: a.Name,
		ExpiresAt: c.DueOn.End(), RetainUntil: retainUntil(rec.Policy, prod)}
	prior := c.Status
	if prior == huifang.StatusElectronic {
		prior = huifang.StatusOpen
	}
	issued, err := s.db.IssueLink(ctx, l, a.UserID, huifang.AuditEntry{UserID: a.UserID, Actor: a.Name, Action: "electronic-issue",
		Detail: jsonDetail(map[string]any{"link": l.ID, "expires_at": l.ExpiresAt, "phone": pii.MaskPhone(phone)})})
	if err != nil {
		return nil, err
	}
	text := i18n.T(i18n.ZH, "sms.link",
		org.Name, c.DueOn.Year(), c.DueOn.Month(), c.DueOn.Day(), s.LinkURL(token))
	if err := s.SMS.Send(ctx, sms.Message{OrgID: c.OrgID, To: phone, Kind: sms.KindLink, Text: text, At: now}); err != nil {
		s.Log.Warn("electronic callback: link not sent", "callback", c.ID, "err", err)
		if _, berr := s.toPhone(ctx, c, l.ID, huifang.LinkUnsent, prior, a, "electronic-unsent", map[string]any{"link": l.ID}); berr != nil {
			return nil, errors.Join(err, berr)
		}
		return nil, huifang.Errorf(huifang.EINVALID, "err.electronic.sms_failed")
	}
	return issued, nil
}

// toPhone ends a link and puts its callback back in the phone pool (or as
// it was, status), with an audit entry.
func (s *Service) toPhone(ctx context.Context, c *huifang.Callback, linkID int64, ls huifang.LinkStatus, status huifang.CallbackStatus, a huifang.Actor, action string, detail map[string]any) (*huifang.Callback, error) {
	now := s.now()
	next := now
	if status == huifang.StatusScheduled && c.NextAt.After(now) {
		next = c.NextAt
	}
	return s.db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: c.OrgID, ID: c.ID, UserID: a.UserID, Now: now, NoLease: true,
		Status: status, NextAt: next, Link: &huifang.LinkClose{ID: linkID, Status: ls},
		Audit: huifang.AuditEntry{Actor: a.Name, Action: action, Detail: jsonDetail(detail)}})
}

// WithdrawElectronic takes a callback waiting for the customer's electronic
// answers back to the phone: its link stops working.
func (s *Service) WithdrawElectronic(ctx context.Context, u *huifang.User, id int64) (*huifang.Callback, error) {
	c, err := s.findCallback(ctx, u, huifang.PermWorkCallbacks, id)
	if err != nil {
		return nil, err
	}
	if c.Status != huifang.StatusElectronic {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.electronic.not_waiting", id)
	}
	l, err := s.activeLink(ctx, c)
	if err != nil {
		return nil, err
	}
	return s.toPhone(ctx, c, l.ID, huifang.LinkRevoked, huifang.StatusOpen, actor(u), "electronic-withdraw", map[string]any{"link": l.ID})
}

// activeLink is the live link of a callback waiting on its customer.
func (s *Service) activeLink(ctx context.Context, c *huifang.Callback) (*huifang.ElectronicLink, error) {
	ls, err := s.db.ListLinks(ctx, c.OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	for i := range ls {
		if ls[i].Status == huifang.LinkActive {
			return &ls[i], nil
		}
	}
	return nil, huifang.Errorf(huifang.ECONFLICT, "err.electronic.no_link", c.ID)
}

// ElectronicLinks lists a callback's links for staff.
func (s *Service) ElectronicLinks(ctx context.Context, u *huifang.User, id int64) ([]LinkView, error) {
	c, err := s.findCallback(ctx, u, huifang.PermViewCallbacks, id)
	if err != nil {
		return nil, err
	}
	ls, err := s.db.ListLinks(ctx, c.OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	out := make([]LinkView, len(ls))
	for i := range ls {
		out[i] = linkView(&ls[i])
	}
	return out, nil
}

// IssueElectronicLinks is the background job that sends links: for every
// insurer, during calling hours, to the open new-business callbacks never
// tried by phone whose customer chose an electronic callback, or whom the
// rule profile puts on it (callback.ElectronicFirst), while the deadline is
// far enough. Each callback gets at most one link from this job.
func (s *Service) IssueElectronicLinks(ctx context.Context) (int, error) {
	if s.SMS == nil {
		return 0, nil
	}
	orgs, err := s.db.ListOrgs(ctx, 0)
	if err != nil {
		return 0, err
	}
	now, today := s.now(), s.today()
	sent := 0
	for _, org := range orgs {
		if org.Kind != huifang.KindInsurer {
			continue
		}
		hours, _, restDay, err := s.callRules(ctx, org.ID)
		if err != nil {
			return sent, err
		}
		if ok, err := hours.Allowed(now, restDay); err != nil || !ok {
			continue // no messages at night; a missing calendar is warned about elsewhere
		}
		designs, days, err := s.electronicRules(ctx, org.ID)
		if err != nil {
			return sent, err
		}
		f := huifang.CandidateFilter{DueAfter: today.AddDays(days), Designs: designs, Now: now}
		if len(designs) > 0 {
			// Narrows the rows read; the rule itself is applied below.
			f.BornAfter = huifang.NewDate(today.Year()-callback.ElderlyAge, today.Month(), today.Day()).AddDays(-1)
		}
		cands, err := s.db.ElectronicCandidates(ctx, org.ID, f)
		if err != nil {
			return sent, err
		}
		for _, cd := range cands {
			if !callback.ElectronicFirst(cd.Method, cd.Design, designs, cd.HolderBirth, today) {
				continue
			}
			c, err := s.db.FindCallback(ctx, org.ID, cd.CallbackID)
			if err != nil {
				return sent, err
			}
			if _, err := s.issue(ctx, c, huifang.Actor{Name: "system"}); err != nil {
				// An operator took it meanwhile, the number is flagged, or
				// the message failed: the callback stays on the phone.
				if !isFlaggedRefusal(err) {
					s.Log.Warn("electronic callback: not issued", "callback", c.ID, "err", err)
				}
				continue
			}
			sent++
		}
	}
	return sent, nil
}

// ElectronicFallback is the background job that sends back to the phone the
// electronic callbacks not finished in time: those whose deadline is within
// the profile's fallback days, and those whose link expired.
func (s *Service) ElectronicFallback(ctx context.Context) (int, error) {
	orgs, err := s.db.ListOrgs(ctx, 0)
	if err != nil {
		return 0, err
	}
	now, today := s.now(), s.today()
	n := 0
	for _, org := range orgs {
		if org.Kind != huifang.KindInsurer {
			continue
		}
		_, days, err := s.electronicRules(ctx, org.ID)
		if err != nil {
			return n, err
		}
		// ElectronicOpen is false from the day due - days, so due <= today + days.
		links, err := s.db.LinksDueBack(ctx, org.ID, today.AddDays(days), now, 0)
		if err != nil {
			return n, err
		}
		for _, l := range links {
			c, err := s.db.FindCallback(ctx, org.ID, l.CallbackID)
			if err != nil {
				return n, err
			}
			if _, err := s.toPhone(ctx, c, l.ID, huifang.LinkFallback, huifang.StatusOpen, huifang.Actor{Name: "system"}, "electronic-fallback",
				map[string]any{"link": l.ID, "due_on": c.DueOn, "days": days}); err != nil {
				if huifang.ErrorCode(err) == huifang.ECONFLICT {
					continue // the customer finished it meanwhile
				}
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// Outbox lists the text messages the development sender kept for the
// user's insurer, newest first, numbers masked: insurer administrators only.
func (s *Service) Outbox(ctx context.Context, u *huifang.User, limit int) ([]huifang.OutboxMessage, error) {
	if u == nil {
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	if u.Role != huifang.RoleInsurerAdmin {
		return nil, huifang.Errorf(huifang.EFORBIDDEN, "err.electronic.outbox_admin_only")
	}
	return s.db.ListOutbox(ctx, u.OrgID, limit)
}
