package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/script"
	"github.com/huifang/huifang/sms"
	"github.com/huifang/huifang/throttle"
)

// The customer's side of an electronic callback. Nothing here needs a login:
// the token in the link, then the ID digits and the one-time code, then a
// cookie bound to the link, are the customer's credentials. Whatever is
// wrong — a guessed, expired, used or locked link, wrong digits, a wrong or
// old code, a missing cookie — the answer is the same ErrLinkRefused, so
// that nobody learns from a refusal whether a policy or a link exists.

// ErrLinkRefused is the one refusal of the customer's pages.
var ErrLinkRefused = huifang.Errorf(huifang.EFORBIDDEN, "err.electronic.link_refused")

// Visit is one request of a customer's browser.
type Visit struct {
	Token     string // from the link
	Cookie    string // the link's cookie, when the browser sent one
	IP        string
	UserAgent string
}

func (v Visit) detail(extra map[string]any) string {
	d := map[string]any{"ip": v.IP, "user_agent": v.UserAgent}
	for k, x := range extra {
		d[k] = x
	}
	return jsonDetail(d)
}

// LinkStage is what the customer does next.
type LinkStage int

// Stages of a link.
const (
	StageIdentity LinkStage = iota // type the last digits of the ID number
	StageCode                      // type the one-time code
	StageAnswers                   // answer the script
)

// LinkPage is what a customer's page shows. At StageIdentity it holds
// nothing, whatever the link: the page is the same for every token.
type LinkPage struct {
	Stage   LinkStage
	Insurer string
	Phone   string       // masked: where the code went
	DueOn   huifang.Date // the answers are due by the end of this day
	Script  *CallScript
	// Cookie, when set, is the new value of the link's cookie, good until
	// CookieUntil.
	Cookie      string
	CookieUntil time.Time
	// Notice is something the customer should know, such as a code that
	// could not be sent.
	Notice string
}

// live finds the link of a token when it can still be used: active, not
// expired, and its callback still waiting, far enough from its deadline.
// Anything else is nil with no error.
func (s *Service) live(ctx context.Context, token string) (*huifang.ElectronicLink, *huifang.Callback, error) {
	if b, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(b) != LinkTokenBytes {
		return nil, nil, nil
	}
	l, err := s.db.FindLinkByToken(ctx, sha256Hex(token))
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	now := s.now()
	if l.Status != huifang.LinkActive || now.After(l.ExpiresAt) {
		return nil, nil, nil
	}
	c, err := s.db.FindCallback(ctx, l.OrgID, l.CallbackID)
	if err != nil {
		return nil, nil, err
	}
	if c.Status != huifang.StatusElectronic {
		return nil, nil, nil
	}
	_, days, err := s.electronicRules(ctx, c.OrgID)
	if err != nil {
		return nil, nil, err
	}
	if !callback.ElectronicOpen(c.DueOn, s.today(), days) {
		return nil, nil, nil // the fallback job will send it back to the phone
	}
	return l, c, nil
}

// cookieOK reports whether the visit carries the link's live cookie.
func (s *Service) cookieOK(l *huifang.ElectronicLink, v Visit) bool {
	if l.CookieHash == "" || v.Cookie == "" || s.now().After(l.CookieUntil) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(sha256Hex(v.Cookie)), []byte(l.CookieHash)) == 1
}

// OpenLink says what a visit to a link shows. An unusable link shows the
// identity form like a good one; the first visit to a good link is recorded.
func (s *Service) OpenLink(ctx context.Context, v Visit) (*LinkPage, error) {
	l, c, err := s.live(ctx, v.Token)
	if err != nil || l == nil {
		return &LinkPage{Stage: StageIdentity}, err
	}
	if l.OpenedAt.IsZero() {
		l.OpenedAt = s.now()
		if err := s.db.SaveLinkProgress(ctx, l, huifang.AuditEntry{At: l.OpenedAt, Actor: "customer", Action: "electronic-open",
			Detail: v.detail(map[string]any{"link": l.ID})}); err != nil {
			return nil, err
		}
	}
	if !s.cookieOK(l, v) {
		return &LinkPage{Stage: StageIdentity}, nil
	}
	if !l.VerifiedAt.IsZero() {
		return s.answersPage(ctx, l, c)
	}
	return s.codePage(ctx, l, c)
}

func (s *Service) codePage(ctx context.Context, l *huifang.ElectronicLink, c *huifang.Callback) (*LinkPage, error) {
	org, err := s.db.FindOrgByID(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	rec, err := s.db.FindPolicy(ctx, c.OrgID, c.PolicyNo)
	if err != nil {
		return nil, err
	}
	phone, err := s.Box.Open(rec.HolderPhoneEnc)
	if err != nil {
		return nil, err
	}
	return &LinkPage{Stage: StageCode, Insurer: org.Name, Phone: pii.MaskPhone(phone), DueOn: c.DueOn}, nil
}

func (s *Service) answersPage(ctx context.Context, l *huifang.ElectronicLink, c *huifang.Callback) (*LinkPage, error) {
	org, err := s.db.FindOrgByID(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	cs, err := s.scriptOf(ctx, c, huifang.MethodElectronic)
	if err != nil {
		return nil, err
	}
	if cs.Gap != "" {
		return nil, s.closeForGap(ctx, l, c, cs)
	}
	return &LinkPage{Stage: StageAnswers, Insurer: org.Name, DueOn: c.DueOn, Script: cs}, nil
}

// ErrLinkUnavailable tells a customer that the callback cannot be shown now;
// the administrator sees why on the callback's page.
var ErrLinkUnavailable = huifang.Errorf(huifang.ECONFLICT, "err.electronic.unavailable")

// closeForGap ends a link whose callback's script can no longer be completed
// (the data changed after the link went out) and sets the callback aside for
// the administrator, with the reason — or, for a gap of the insurer's own,
// back in the phone pool: the customer never sees a gap.
func (s *Service) closeForGap(ctx context.Context, l *huifang.ElectronicLink, c *huifang.Callback, cs *CallScript) error {
	status, reason := huifang.StatusBlocked, cs.Gap
	if cs.orgGap {
		status, reason = huifang.StatusOpen, "" // every callback has it: the phone pool refuses them all until it is fixed
	}
	_, err := s.db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: c.OrgID, ID: c.ID, Now: s.now(), NoLease: true,
		Status: status, Reason: reason, NextAt: s.now(), Link: &huifang.LinkClose{ID: l.ID, Status: huifang.LinkClosed},
		Audit: huifang.AuditEntry{Actor: "system", Action: "script-blocked", Detail: jsonDetail(map[string]any{"reason": cs.Gap, "link": l.ID})}})
	if err != nil && huifang.ErrorCode(err) != huifang.ECONFLICT {
		return err
	}
	return ErrLinkUnavailable
}

// check spends one of the link's checks on test, which compares in constant
// time. A failed check is audited; the last one locks the link and sends the
// callback back to the phone. Either way a failure is ErrLinkRefused.
func (s *Service) check(ctx context.Context, l *huifang.ElectronicLink, c *huifang.Callback, v Visit, what string, test func() (bool, error)) error {
	n, ok, err := s.db.ReserveLinkCheck(ctx, l.OrgID, l.ID, LinkMaxChecks)
	if err != nil {
		return err
	}
	if !ok {
		return ErrLinkRefused
	}
	passed, err := test()
	if err != nil {
		return err
	}
	if passed {
		return s.db.ReturnLinkCheck(ctx, l.OrgID, l.ID)
	}
	customer := huifang.Actor{Name: "customer"}
	if throttle.Link.Locked(n) {
		if _, err := s.toPhone(ctx, c, l.ID, huifang.LinkLocked, huifang.StatusOpen, customer, "electronic-locked",
			map[string]any{"link": l.ID, "failed": what, "checks": n, "ip": v.IP, "user_agent": v.UserAgent}); err != nil && huifang.ErrorCode(err) != huifang.ECONFLICT {
			return err
		}
		return ErrLinkRefused
	}
	if err := s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: l.OrgID, At: s.now(), Actor: customer.Name, Entity: "callback", Key: fmt.Sprint(c.ID),
		Action: "electronic-check-failed", Detail: v.detail(map[string]any{"link": l.ID, "failed": what, "checks": n})}); err != nil {
		return err
	}
	return ErrLinkRefused
}

// normDigits reads what the customer typed: spaces dropped, x upper-cased.
func normDigits(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// CheckIdentity checks the last IDDigits characters of the policyholder's ID
// number. When they are right, a one-time code goes to the phone on file and
// the page asks for it; the browser gets the link's cookie.
func (s *Service) CheckIdentity(ctx context.Context, v Visit, digits string) (*LinkPage, error) {
	l, c, err := s.live(ctx, v.Token)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, ErrLinkRefused
	}
	rec, err := s.db.FindPolicy(ctx, c.OrgID, c.PolicyNo)
	if err != nil {
		return nil, err
	}
	err = s.check(ctx, l, c, v, "identity", func() (bool, error) {
		id, err := s.Box.Open(rec.HolderIDEnc)
		if err != nil {
			return false, err
		}
		id = strings.ToUpper(id)
		if len(id) > IDDigits {
			id = id[len(id)-IDDigits:]
		}
		return subtle.ConstantTimeCompare([]byte(normDigits(digits)), []byte(id)) == 1, nil
	})
	if err != nil {
		return nil, err
	}
	now := s.now()
	cookie := newSecret(32)
	if l.OpenedAt.IsZero() {
		l.OpenedAt = now
	}
	l.IdentityAt, l.VerifiedAt, l.CookieHash, l.CookieUntil = now, time.Time{}, sha256Hex(cookie), now.Add(IdentityTTL)
	if l.CodeHash != "" && now.Sub(l.CodeSentAt) < CodeInterval {
		// Typed again right after a code went out: that code still holds.
		err = s.db.SaveLinkProgress(ctx, l, huifang.AuditEntry{At: now, Actor: "customer", Action: "electronic-identity",
			Detail: v.detail(map[string]any{"link": l.ID, "codes_sent": l.CodesSent})})
	} else {
		err = s.sendCode(ctx, l, c, rec, v, "electronic-identity")
	}
	notice := ""
	if err == errCodeUnsent { // the identity is saved: the customer may ask again
		notice, err = huifang.ErrorMessage(err), nil
	}
	if err != nil {
		return nil, err
	}
	p, err := s.codePage(ctx, l, c)
	if err != nil {
		return nil, err
	}
	p.Cookie, p.CookieUntil, p.Notice = cookie, l.CookieUntil, notice
	return p, nil
}

// ErrCodeTooSoon and ErrNoMoreCodes refuse a new code to a customer who has
// proved their ID digits.
var (
	ErrCodeTooSoon = huifang.Errorf(huifang.EINVALID, "err.electronic.code_too_soon")
	ErrNoMoreCodes = huifang.Errorf(huifang.EINVALID, "err.electronic.no_more_codes")
	errCodeUnsent  = huifang.Errorf(huifang.EINVALID, "err.electronic.code_unsent")
)

// sendCode makes a new one-time code for the link, sends it to the phone on
// file and saves the link's progress with an audit entry (action).
func (s *Service) sendCode(ctx context.Context, l *huifang.ElectronicLink, c *huifang.Callback, rec *huifang.PolicyRecord, v Visit, action string) error {
	now := s.now()
	if s.SMS == nil {
		return errCodeUnsent
	}
	if l.CodesSent >= LinkMaxCodes {
		return ErrNoMoreCodes
	}
	if !l.CodeSentAt.IsZero() && now.Sub(l.CodeSentAt) < CodeInterval {
		return ErrCodeTooSoon
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		return err
	}
	code := fmt.Sprintf("%06d", n.Int64())
	l.CodeHash, l.CodeUntil, l.CodeSentAt, l.CodesSent = s.codeHash(l, code), now.Add(CodeTTL), now, l.CodesSent+1
	if err := s.db.SaveLinkProgress(ctx, l, huifang.AuditEntry{At: now, Actor: "customer", Action: action,
		Detail: v.detail(map[string]any{"link": l.ID, "codes_sent": l.CodesSent})}); err != nil {
		return err
	}
	org, err := s.db.FindOrgByID(ctx, c.OrgID)
	if err != nil {
		return err
	}
	phone, err := s.Box.Open(rec.HolderPhoneEnc)
	if err != nil {
		return err
	}
	text := i18n.T(i18n.ZH, "sms.code", org.Name, code, int(CodeTTL.Minutes()))
	if err := s.SMS.Send(ctx, sms.Message{OrgID: c.OrgID, To: phone, Kind: sms.KindCode, Text: text, At: now}); err != nil {
		s.Log.Warn("electronic callback: code not sent", "callback", c.ID, "err", err)
		return errCodeUnsent
	}
	return nil
}

// codeHash keeps a one-time code as a keyed hash bound to its link: six
// digits would fall to a plain hash at once.
func (s *Service) codeHash(l *huifang.ElectronicLink, code string) string {
	return s.Box.Hash(fmt.Sprintf("electronic-code:%d:%s", l.ID, code))
}

// ResendCode sends a new one-time code to a customer whose ID digits were right.
func (s *Service) ResendCode(ctx context.Context, v Visit) (*LinkPage, error) {
	l, c, err := s.live(ctx, v.Token)
	if err != nil {
		return nil, err
	}
	if l == nil || !s.cookieOK(l, v) || l.IdentityAt.IsZero() || !l.VerifiedAt.IsZero() {
		return nil, ErrLinkRefused
	}
	rec, err := s.db.FindPolicy(ctx, c.OrgID, c.PolicyNo)
	if err != nil {
		return nil, err
	}
	if err := s.sendCode(ctx, l, c, rec, v, "electronic-code-resent"); err != nil {
		return nil, err
	}
	return s.codePage(ctx, l, c)
}

// CheckCode checks the one-time code. When it is right the customer is
// verified: the browser gets a new cookie, and the page shows the script.
func (s *Service) CheckCode(ctx context.Context, v Visit, code string) (*LinkPage, error) {
	l, c, err := s.live(ctx, v.Token)
	if err != nil {
		return nil, err
	}
	if l == nil || !s.cookieOK(l, v) || l.IdentityAt.IsZero() || !l.VerifiedAt.IsZero() {
		return nil, ErrLinkRefused
	}
	now := s.now()
	err = s.check(ctx, l, c, v, "code", func() (bool, error) {
		given := s.codeHash(l, normDigits(code))
		match := subtle.ConstantTimeCompare([]byte(given), []byte(l.CodeHash)) == 1
		return match && l.CodeHash != "" && !now.After(l.CodeUntil), nil
	})
	if err != nil {
		return nil, err
	}
	cookie := newSecret(32)
	l.VerifiedAt, l.CodeHash, l.CodeUntil, l.CookieHash, l.CookieUntil = now, "", time.Time{}, sha256Hex(cookie), now.Add(VerifiedTTL)
	if err := s.db.SaveLinkProgress(ctx, l, huifang.AuditEntry{At: now, Actor: "customer", Action: "electronic-verified",
		Detail: v.detail(map[string]any{"link": l.ID})}); err != nil {
		return nil, err
	}
	p, err := s.answersPage(ctx, l, c)
	if err != nil {
		return nil, err
	}
	p.Cookie, p.CookieUntil = cookie, l.CookieUntil
	return p, nil
}

// ElectronicResult is what became of a customer's answers.
type ElectronicResult struct {
	Outcome  script.Outcome
	Problems int // problem cases opened
	DueOn    huifang.Date
	Insurer  string
	Phone    string // the insurer's service number
}

// SubmitAnswers records a verified customer's answers to the script (ref is
// the script version the page showed, "code v2"), exactly as a phone
// callback's, with method electronic and the evidence of how they were
// given. "Not the policyholder" closes the link and sends the callback back
// to the phone; "not now" records nothing, and the customer may come back.
// Answers that do not fit the script are an EINVALID error with a reason per
// step; a script changed since the page was shown is ECONFLICT.
func (s *Service) SubmitAnswers(ctx context.Context, v Visit, ref string, answers map[string]string) (*ElectronicResult, error) {
	l, c, err := s.live(ctx, v.Token)
	if err != nil {
		return nil, err
	}
	if l == nil || !s.cookieOK(l, v) || l.VerifiedAt.IsZero() {
		return nil, ErrLinkRefused
	}
	org, err := s.db.FindOrgByID(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	cs, err := s.scriptOf(ctx, c, huifang.MethodElectronic)
	if err != nil {
		return nil, err
	}
	if cs.Gap != "" {
		return nil, s.closeForGap(ctx, l, c, cs)
	}
	if ref != cs.Ref() {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.electronic.script_updated")
	}
	res, err := cs.Script.Evaluate(answers)
	if err != nil {
		return nil, err
	}
	out := &ElectronicResult{Outcome: res.Outcome, DueOn: c.DueOn, Insurer: org.Name, Phone: org.ServicePhone}
	now := s.now()
	customer := huifang.Actor{Name: "customer"}
	switch res.Outcome {
	case script.OutcomeNotPolicyholder:
		_, err := s.toPhone(ctx, c, l.ID, huifang.LinkClosed, huifang.StatusOpen, customer, "electronic-not-policyholder", map[string]any{"link": l.ID, "ip": v.IP, "user_agent": v.UserAgent})
		return out, err
	case script.OutcomeReschedule:
		return out, s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: c.OrgID, At: now, Actor: customer.Name, Entity: "callback", Key: fmt.Sprint(c.ID),
			Action: "electronic-later", Detail: v.detail(map[string]any{"link": l.ID})})
	}
	ev := ElectronicEvidence{LinkID: l.ID, IssuedAt: l.IssuedAt.In(huifang.Shanghai), IssuedBy: l.IssuedBy, OpenedAt: l.OpenedAt.In(huifang.Shanghai),
		IdentityAt: l.IdentityAt.In(huifang.Shanghai), VerifiedAt: l.VerifiedAt.In(huifang.Shanghai), SubmittedAt: now.In(huifang.Shanghai),
		Identity: i18n.T(i18n.ZH, "electronic.evidence.identity", IDDigits), IP: v.IP, UserAgent: v.UserAgent, Script: cs.Ref(), Answers: answers, RetainUntil: l.RetainUntil}
	ch := huifang.CallbackChange{OrgID: c.OrgID, ID: c.ID, Now: now, NoLease: true, Link: &huifang.LinkClose{ID: l.ID, Status: huifang.LinkDone},
		Audit: huifang.AuditEntry{Actor: customer.Name}}
	if err := s.completeWithScript(ctx, &ch, c, cs, res, answers, huifang.MethodElectronic, jsonDetail(ev)); err != nil {
		return nil, err
	}
	if _, err := s.db.ChangeCallback(ctx, ch); err != nil {
		if huifang.ErrorCode(err) == huifang.ECONFLICT {
			return nil, ErrLinkRefused // finished or sent back to the phone meanwhile
		}
		return nil, err
	}
	out.Problems = len(ch.Problems)
	return out, nil
}
