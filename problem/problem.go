// Package problem is the problem-case workflow (DOMAIN.md §5) as plain Go:
// who may do what to a case in which state, and what each step records. It
// decides; the app applies the result through the store in one transaction.
//
//	open ──transfer──▶ transferring ──acknowledge──▶ in-progress ──act…──▶ (re-callback) ──success──▶ resolved
//	  ▲                    │ return (reason)              │ ▲ transfer                  └─failure──▶ in-progress
//	  └────────────────────┘                              │ └──────────
//	any unfinished state ──close (fixed reason, note)──▶ closed ──reopen (manager)──▶ in-progress or open
package problem

import (
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

// Actor is who acts, with what the rules need to know of them.
type Actor struct {
	UserID     int64
	Login      string
	Role       huifang.Role
	BranchCode string // handlers: their branch
	AgentCode  string // when the user is also a sales agent
}

// manages reports whether the actor supervises all of the insurer's cases.
func (a Actor) manages() bool {
	return a.Role == huifang.RoleManager || a.Role == huifang.RoleInsurerAdmin
}

// Tree answers questions about an insurer's branch tree.
type Tree interface {
	// Below reports whether branch lies strictly below ancestor; every
	// branch lies below "" (the head office's callback centre).
	Below(branch, ancestor string) bool
	// Parent returns a branch's parent ("" for the head office).
	Parent(branch string) string
	// Exists reports whether the branch is known.
	Exists(branch string) bool
}

// Event kinds of the timeline.
const (
	EventOpened           = "opened"
	EventTransferred      = "transferred"
	EventAcknowledged     = "acknowledged"
	EventReturned         = "returned"
	EventAction           = "action"
	EventRecallback       = "recallback"
	EventRecallbackResult = "recallback-result"
	EventResolved         = "resolved"
	EventClosed           = "closed"
	EventReopened         = "reopened"
	EventEscalated        = "escalated"
)

// Event is one step of a case, for its timeline.
type Event struct {
	Kind   string
	Detail string // Chinese, for people
	At     time.Time
	UserID int64
	Actor  string
}

// Action kinds a handler records (DOMAIN.md §5).
const (
	ActExplained = "explained"       // explained to the customer
	ActContact   = "contact-updated" // contact details re-collected (updates the policy)
	ActVisit     = "visit"           // visited, with a signed receipt
	ActResigned  = "re-signed"       // documents signed again
	ActCancelled = "cancelled"       // the customer cancelled in the cooling-off period
)

// ActionKinds lists the kinds in display order.
var ActionKinds = []string{ActExplained, ActContact, ActVisit, ActResigned, ActCancelled}

var actionZH = map[string]string{ActExplained: "向客户解释说明", ActContact: "重新采集联系方式", ActVisit: "上门回访（客户签收）",
	ActResigned: "补签/重新签署投保材料", ActCancelled: "客户犹豫期内退保"}

// ActionZH names an action kind in Chinese.
func ActionZH(kind string) string { return actionZH[kind] }

// ActionKey is the catalog key of an action kind's name (package i18n).
func ActionKey(kind string) string { return "action." + kind }

// NeedsEvidence reports whether an action must carry an uploaded document.
func NeedsEvidence(kind string) bool { return kind == ActVisit || kind == ActResigned }

func refuse(code, key string, args ...any) error { return huifang.Errorf(code, key, args...) }

// Holds reports whether the actor may work the case now: managers every
// case, a handler the cases assigned to them or, unassigned, to their branch.
func Holds(c *huifang.ProblemCase, a Actor) bool { return holds(c, a) }

// Receives reports whether the actor may acknowledge or return the case's
// pending transfer.
func Receives(c *huifang.ProblemCase, a Actor) bool {
	return c.Status == huifang.ProblemTransferring && c.Pending != nil && receives(c.Pending, a)
}

// ActorOf describes a user for the workflow.
func ActorOf(u *huifang.User) Actor {
	return Actor{UserID: u.ID, Login: u.Login, Role: u.Role, BranchCode: u.BranchCode, AgentCode: u.AgentCode}
}

func holds(c *huifang.ProblemCase, a Actor) bool {
	if a.manages() {
		return true
	}
	if a.Role != huifang.RoleHandler {
		return false
	}
	if c.HandlerID != 0 {
		return c.HandlerID == a.UserID
	}
	return c.HolderBranch != "" && a.BranchCode == c.HolderBranch
}

func mustHold(c *huifang.ProblemCase, a Actor) error {
	if !holds(c, a) {
		return refuse(huifang.EFORBIDDEN, "err.problem.not_yours", c.ID)
	}
	return nil
}

func notFinal(c *huifang.ProblemCase) error {
	if c.Status.Final() {
		return refuse(huifang.ECONFLICT, "err.problem.is_status", c.ID, c.Status.ZH())
	}
	return nil
}

// Target is where a transfer goes: a branch, and optionally one handler there.
type Target struct {
	Branch string
	User   *huifang.User // a handler of Branch, or nil for the branch as a whole
	DueOn  huifang.Date  // the hop's own deadline; zero means the case's
}

// Transfer hands the case down the organisation. The receiving branch must lie
// below the one holding the case (or be it, when assigning one of its
// handlers); the selling agent is never assigned; the hop's deadline lies
// inside the case's.
func Transfer(c *huifang.ProblemCase, a Actor, to Target, tree Tree, today huifang.Date, now time.Time) (*huifang.Transfer, Event, error) {
	if err := notFinal(c); err != nil {
		return nil, Event{}, err
	}
	if c.Status == huifang.ProblemTransferring {
		return nil, Event{}, refuse(huifang.ECONFLICT, "err.problem.transfer_pending", c.ID)
	}
	if c.Status != huifang.ProblemOpen && c.Status != huifang.ProblemInProgress {
		return nil, Event{}, refuse(huifang.ECONFLICT, "err.problem.cannot_transfer", c.ID, c.Status.ZH())
	}
	if err := mustHold(c, a); err != nil {
		return nil, Event{}, err
	}
	if !tree.Exists(to.Branch) {
		return nil, Event{}, refuse(huifang.EINVALID, "err.org.not_found_q", to.Branch)
	}
	if to.Branch == c.HolderBranch {
		if to.User == nil {
			return nil, Event{}, refuse(huifang.EINVALID, "err.problem.already_there", to.Branch)
		}
	} else if !tree.Below(to.Branch, c.HolderBranch) {
		return nil, Event{}, refuse(huifang.EINVALID, "err.problem.transfer_down_only", to.Branch, orCentre(c.HolderBranch))
	}
	var toUser int64
	if u := to.User; u != nil {
		if u.OrgID != c.OrgID || u.Role != huifang.RoleHandler {
			return nil, Event{}, refuse(huifang.EINVALID, "err.problem.not_handler", u.Login)
		}
		if u.BranchCode != to.Branch {
			return nil, Event{}, refuse(huifang.EINVALID, "err.problem.handler_elsewhere", u.Login, to.Branch)
		}
		if c.AgentCode != "" && u.AgentCode == c.AgentCode {
			return nil, Event{}, refuse(huifang.EINVALID, "err.problem.own_sale", u.Login)
		}
		toUser = u.ID
	}
	due := to.DueOn
	if due.IsZero() {
		due = c.DueOn
	}
	if !c.DueOn.IsZero() && due.After(c.DueOn) {
		return nil, Event{}, refuse(huifang.EINVALID, "err.problem.transfer_due_late", due, c.DueOn)
	}
	if due.Before(today) {
		return nil, Event{}, refuse(huifang.EINVALID, "err.problem.transfer_due_past", due)
	}
	t := &huifang.Transfer{FromBranch: c.HolderBranch, ToBranch: to.Branch, ToUserID: toUser, DueOn: due, Prior: c.Status, At: now, By: a.UserID}
	c.Pending, c.Status = t, huifang.ProblemTransferring
	who := to.Branch
	if to.User != nil {
		who += " / " + to.User.Login
	}
	return t, Event{Kind: EventTransferred, Detail: fmt.Sprintf("由 %s 转办至 %s，本环节时限 %s", orCentre(t.FromBranch), who, due), At: now, UserID: a.UserID, Actor: a.Login}, nil
}

func orCentre(branch string) string {
	if branch == "" {
		return "回访中心"
	}
	return branch
}

// receives reports whether the actor is the receiver of the pending transfer.
func receives(t *huifang.Transfer, a Actor) bool {
	if a.manages() {
		return true
	}
	if a.Role != huifang.RoleHandler {
		return false
	}
	if t.ToUserID != 0 {
		return t.ToUserID == a.UserID
	}
	return a.BranchCode == t.ToBranch
}

func pending(c *huifang.ProblemCase, a Actor) (*huifang.Transfer, error) {
	if err := notFinal(c); err != nil {
		return nil, err
	}
	if c.Status != huifang.ProblemTransferring || c.Pending == nil {
		return nil, refuse(huifang.ECONFLICT, "err.problem.no_transfer", c.ID)
	}
	if !receives(c.Pending, a) {
		return nil, refuse(huifang.EFORBIDDEN, "err.problem.transfer_not_yours")
	}
	return c.Pending, nil
}

// Acknowledge accepts a pending transfer: the receiver now holds the case.
func Acknowledge(c *huifang.ProblemCase, a Actor, now time.Time) (Event, error) {
	t, err := pending(c, a)
	if err != nil {
		return Event{}, err
	}
	// A handler who acknowledges takes the case: it is theirs from now on,
	// even when it was sent to their branch as a whole.
	handler := t.ToUserID
	if a.Role == huifang.RoleHandler {
		handler = a.UserID
	}
	c.HolderBranch, c.HandlerID, c.Pending, c.Status = t.ToBranch, handler, nil, huifang.ProblemInProgress
	d := "签收转办（" + t.ToBranch + "）"
	if handler != 0 && handler != t.ToUserID {
		d += "，由 " + a.Login + " 承办"
	}
	return Event{Kind: EventAcknowledged, Detail: d, At: now, UserID: a.UserID, Actor: a.Login}, nil
}

// Return sends a pending transfer back, with a reason.
func Return(c *huifang.ProblemCase, a Actor, reason string, now time.Time) (Event, error) {
	t, err := pending(c, a)
	if err != nil {
		return Event{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Event{}, refuse(huifang.EINVALID, "err.problem.return_reason")
	}
	c.Pending, c.Status = nil, t.Prior
	return Event{Kind: EventReturned, Detail: fmt.Sprintf("%s 退回转办：%s", t.ToBranch, reason), At: now, UserID: a.UserID, Actor: a.Login}, nil
}

// Act records what the holder did for the customer. Visits and re-signing
// need their signed document.
func Act(c *huifang.ProblemCase, a Actor, kind, note string, hasEvidence bool, now time.Time) (Event, error) {
	if err := notFinal(c); err != nil {
		return Event{}, err
	}
	if c.Status == huifang.ProblemTransferring {
		return Event{}, refuse(huifang.ECONFLICT, "err.problem.acknowledge_first")
	}
	if c.Status != huifang.ProblemInProgress {
		return Event{}, refuse(huifang.ECONFLICT, "err.problem.cannot_act", c.ID, c.Status.ZH())
	}
	if err := mustHold(c, a); err != nil {
		return Event{}, err
	}
	if actionZH[kind] == "" {
		return Event{}, refuse(huifang.EINVALID, "err.problem.unknown_action", kind)
	}
	if NeedsEvidence(kind) && !hasEvidence {
		return Event{}, refuse(huifang.EINVALID, "err.problem.action_needs_file", actionZH[kind])
	}
	c.Actions++
	d := actionZH[kind]
	if note = strings.TrimSpace(note); note != "" {
		d += "：" + note
	}
	return Event{Kind: EventAction, Detail: d, At: now, UserID: a.UserID, Actor: a.Login}, nil
}

// RequestRecallback asks for a re-callback to confirm the fix; the case waits
// for its result.
func RequestRecallback(c *huifang.ProblemCase, a Actor, now time.Time) (Event, error) {
	if err := notFinal(c); err != nil {
		return Event{}, err
	}
	if c.Status != huifang.ProblemInProgress {
		return Event{}, refuse(huifang.ECONFLICT, "err.problem.cannot_recallback", c.ID, c.Status.ZH())
	}
	if err := mustHold(c, a); err != nil {
		return Event{}, err
	}
	if c.Actions == 0 {
		return Event{}, refuse(huifang.EINVALID, "err.problem.act_first")
	}
	c.Status = huifang.ProblemRecallback
	return Event{Kind: EventRecallback, Detail: "申请回访确认整改结果", At: now, UserID: a.UserID, Actor: a.Login}, nil
}

// RecallbackDone takes the re-callback's result: success resolves the case;
// otherwise it goes back to its holder, who may act again or close it.
func RecallbackDone(c *huifang.ProblemCase, success bool, detail string, now time.Time) ([]Event, error) {
	if c.Status != huifang.ProblemRecallback {
		return nil, refuse(huifang.ECONFLICT, "err.problem.not_awaiting_recallback", c.ID)
	}
	if !success {
		c.Status = huifang.ProblemInProgress
		return []Event{{Kind: EventRecallbackResult, Detail: "回访确认未成功：" + detail, At: now, Actor: "system"}}, nil
	}
	c.Status, c.ResolvedAt = huifang.ProblemResolved, now
	d := "回访确认成功，问题件办结"
	if OnTime(c) {
		d += "（按时）"
	} else {
		d += "（逾期）"
	}
	return []Event{{Kind: EventRecallbackResult, Detail: "回访确认成功", At: now, Actor: "system"}, {Kind: EventResolved, Detail: d, At: now, Actor: "system"}}, nil
}

// Resolve is refused: only a successful re-callback resolves a case.
func Resolve(c *huifang.ProblemCase) error {
	if c.Status == huifang.ProblemResolved {
		return refuse(huifang.ECONFLICT, "err.problem.already_resolved", c.ID)
	}
	return refuse(huifang.EINVALID, "err.problem.resolve_needs_recallback")
}

// Close ends the case unresolved, for one of the fixed reasons (the
// customer cancelled in the cooling-off period, ...), with a note; "other"
// needs the note.
func Close(c *huifang.ProblemCase, a Actor, code huifang.CloseCode, note string, now time.Time) (Event, error) {
	if err := notFinal(c); err != nil {
		return Event{}, err
	}
	if err := mustHold(c, a); err != nil && !(c.Pending != nil && receives(c.Pending, a)) {
		return Event{}, err
	}
	if code == "" {
		return Event{}, refuse(huifang.EINVALID, "err.problem.close_reason")
	}
	if code.ZH() == "" {
		return Event{}, refuse(huifang.EINVALID, "err.problem.unknown_close_reason", code)
	}
	note = strings.TrimSpace(note)
	if code.NeedsNote() && note == "" {
		return Event{}, refuse(huifang.EINVALID, "err.problem.close_note")
	}
	c.Status, c.ClosedAt, c.CloseCode, c.CloseReason, c.Pending = huifang.ProblemClosed, now, code, note, nil
	d := "关闭（未解决）：" + code.ZH()
	if note != "" {
		d += "——" + note
	}
	return Event{Kind: EventClosed, Detail: d, At: now, UserID: a.UserID, Actor: a.Login}, nil
}

// Reopen brings a closed case back; only managers may.
func Reopen(c *huifang.ProblemCase, a Actor, reason string, now time.Time) (Event, error) {
	if c.Status != huifang.ProblemClosed {
		return Event{}, refuse(huifang.ECONFLICT, "err.problem.reopen_closed_only")
	}
	if !a.manages() {
		return Event{}, refuse(huifang.EFORBIDDEN, "err.problem.reopen_managers")
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return Event{}, refuse(huifang.EINVALID, "err.problem.reopen_reason")
	}
	c.Status, c.ClosedAt, c.CloseCode, c.CloseReason = huifang.ProblemInProgress, time.Time{}, "", ""
	if c.HolderBranch == "" && c.HandlerID == 0 {
		c.Status = huifang.ProblemOpen
	}
	return Event{Kind: EventReopened, Detail: "重新打开：" + reason, At: now, UserID: a.UserID, Actor: a.Login}, nil
}

// OnTime reports whether a finished case finished by its deadline (the end
// of the due day, Beijing time).
func OnTime(c *huifang.ProblemCase) bool {
	end := c.ResolvedAt
	if c.Status == huifang.ProblemClosed {
		end = c.ClosedAt
	}
	return !end.IsZero() && !huifang.DateOf(end).After(c.DueOn)
}

// Overdue reports whether an unfinished case is past its deadline.
func Overdue(c *huifang.ProblemCase, today huifang.Date) bool {
	return !c.Status.Final() && !c.DueOn.IsZero() && today.After(c.DueOn)
}

// Escalation says who must hear of an overdue case: the branch above the one
// holding it, and the insurer's managers.
type Escalation struct {
	ToBranch string // "" when the head office holds it: the managers alone
	Event    Event
}

// Escalate marks an overdue case escalated, once.
func Escalate(c *huifang.ProblemCase, tree Tree, today huifang.Date, now time.Time) (Escalation, bool) {
	if !Overdue(c, today) || !c.EscalatedAt.IsZero() {
		return Escalation{}, false
	}
	c.EscalatedAt = now
	up := ""
	if c.HolderBranch != "" {
		up = tree.Parent(c.HolderBranch)
	}
	d := fmt.Sprintf("已超过时限 %s，上报 %s 及公司管理人员", c.DueOn, orCentre(up))
	return Escalation{ToBranch: up, Event: Event{Kind: EventEscalated, Detail: d, At: now, Actor: "system"}}, true
}
