package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/pii"
)

// PolicyView is a policy as a page or the API shows it: phone and ID masked.
type PolicyView struct {
	No          string             `json:"policy_no"`
	ProductCode string             `json:"product_code"`
	ProductName string             `json:"product_name"`
	Design      huifang.DesignType `json:"design_type"`
	Channel     huifang.Channel    `json:"channel"`
	BranchCode  string             `json:"branch_code"`
	AgentCode   string             `json:"agent_code,omitempty"`
	OutletCode  string             `json:"outlet_code,omitempty"`
	HolderName  string             `json:"holder_name"`
	HolderID    string             `json:"holder_id_masked"`
	HolderPhone string             `json:"holder_phone_masked"`
	InsuredName string             `json:"insured_name"`
	AppliedOn   huifang.Date       `json:"applied_on"`
	IssuedOn    huifang.Date       `json:"issued_on"`
	ReceiptOn   huifang.Date       `json:"receipt_on"`
	PremiumFen  int64              `json:"premium_fen"`
	PayMode     huifang.PayMode    `json:"pay_mode"`
	PayYears    int                `json:"pay_years"`
	Term        string             `json:"term"`
	// CallbackMethod is how the customer asked to be called back, if they said.
	CallbackMethod huifang.CallbackMethod `json:"callback_method,omitempty"`
}

// Work is a callback with everything an operator needs to make the call.
type Work struct {
	Callback *huifang.Callback `json:"callback"`
	Policy   PolicyView        `json:"policy"`
	Script   *CallScript       `json:"script"`
	// LetterScript is the script in the wording of the letter form, while
	// the callback is open (a returned letter or visit is recorded on it).
	LetterScript *CallScript       `json:"-"`
	Attempts     []huifang.Attempt `json:"attempts"`
	// Risk holds the signs of a false phone number (DOMAIN.md §6).
	Risk PhoneRisk `json:"risk"`
	// Letter is how a letter or visit callback was made; nil otherwise.
	Letter *LetterEvidence `json:"-"`
	// Links are the electronic-callback links sent for it, oldest first;
	// Evidence is how an electronic callback's answers were given.
	Links    []LinkView          `json:"electronic_links,omitempty"`
	Evidence *ElectronicEvidence `json:"electronic_evidence,omitempty"`
}

func (s *Service) policyView(ctx context.Context, rec *huifang.PolicyRecord) (PolicyView, huifang.Product, error) {
	p := rec.Policy
	prod, err := s.db.FindProduct(ctx, p.OrgID, p.ProductCode)
	if err != nil {
		return PolicyView{}, prod, fmt.Errorf("product %s of policy %s: %w", p.ProductCode, p.No, err)
	}
	phone, err := s.Box.Open(rec.HolderPhoneEnc)
	if err != nil {
		return PolicyView{}, prod, err
	}
	id, err := s.Box.Open(rec.HolderIDEnc)
	if err != nil {
		return PolicyView{}, prod, err
	}
	return PolicyView{No: p.No, ProductCode: p.ProductCode, ProductName: prod.Name, Design: prod.Design, Channel: p.Channel,
		BranchCode: p.BranchCode, AgentCode: p.AgentCode, OutletCode: p.OutletCode, HolderName: p.HolderName,
		HolderID: pii.MaskID(id), HolderPhone: pii.MaskPhone(phone), InsuredName: p.InsuredName, AppliedOn: p.AppliedOn,
		IssuedOn: p.IssuedOn, ReceiptOn: p.ReceiptOn, PremiumFen: p.PremiumFen, PayMode: p.PayMode, PayYears: p.PayYears,
		Term: callback.EffectiveTerm(p, prod).String(), CallbackMethod: p.CallbackMethod}, prod, nil
}

// work loads a callback's policy, script and attempts.
func (s *Service) work(ctx context.Context, c *huifang.Callback) (*Work, error) {
	rec, err := s.db.FindPolicy(ctx, c.OrgID, c.PolicyNo)
	if err != nil {
		return nil, fmt.Errorf("policy of callback %d: %w", c.ID, err)
	}
	view, prod, err := s.policyView(ctx, rec)
	if err != nil {
		return nil, err
	}
	var attempts []huifang.Attempt
	if c.Attempts > 0 { // a callback never tried has none to list
		if attempts, err = s.db.ListAttempts(ctx, c.OrgID, c.ID); err != nil {
			return nil, err
		}
	}
	method := huifang.MethodPhone
	if c.Method != "" {
		method = c.Method // the answers as they were given
	}
	cs, err := s.callScript(ctx, c, rec, prod, method)
	if err != nil {
		return nil, err
	}
	w := &Work{Callback: c, Policy: view, Script: cs, Attempts: attempts, Evidence: ParseElectronicEvidence(c)}
	if c.Open() && cs.Gap == "" {
		if w.LetterScript, err = s.callScript(ctx, c, rec, prod, huifang.MethodLetter); err != nil {
			return nil, err
		}
	}
	if c.Kind == huifang.KindNewBusiness {
		ls, err := s.db.ListLinks(ctx, c.OrgID, c.ID)
		if err != nil {
			return nil, err
		}
		for i := range ls {
			w.Links = append(w.Links, linkView(&ls[i]))
		}
	}
	w.Letter, _ = LetterOf(c)
	if w.Risk, err = s.phoneRisk(ctx, c.OrgID, c.PolicyNo, s.callbackMoment(c)); err != nil {
		return nil, err
	}
	return w, nil
}

// ErrNoWork means the pool has nothing that may be called now.
var ErrNoWork = huifang.Errorf(huifang.ENOTFOUND, "err.work.none")

// Next hands the operator the most urgent callback that may be called now,
// under a lease; an operator who already holds one gets it back, its lease
// renewed. A callback whose script cannot be completed is set aside for the
// administrator and the next one is handed out instead (scriptgap.go).
func (s *Service) Next(ctx context.Context, u *huifang.User) (*Work, error) {
	if err := require(u, huifang.PermWorkCallbacks); err != nil {
		return nil, err
	}
	now := s.now()
	if err := s.callingHours(ctx, u.OrgID, now); huifang.ErrorCode(err) == huifang.EINVALID {
		// Outside calling hours an operator may still finish what they hold.
		if c, herr := s.db.HeldCallback(ctx, u.OrgID, u.ID, now); herr == nil {
			w, _, err := s.handOut(ctx, u, c)
			return w, err
		} else if !errors.Is(herr, huifang.ErrNotFound) {
			return nil, herr
		}
		return nil, err
	} else if err != nil {
		return nil, err
	}
	hold, err := s.appointmentHold(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	for blocked := 0; ; {
		c, err := s.db.ClaimCallbackHeld(ctx, u.OrgID, u.ID, now, s.Rules.Lease, hold)
		if errors.Is(err, huifang.ErrNotFound) {
			return nil, ErrNoWork
		} else if err != nil {
			return nil, err
		}
		w, set, err := s.handOut(ctx, u, c)
		if !set {
			return w, err
		}
		if blocked++; blocked == maxBlockedPerNext {
			return nil, huifang.Errorf(huifang.ENOTFOUND, "err.work.blocked", blocked, huifang.ErrorMsg(err))
		}
	}
}

// handOut gives the operator a callback they hold, unless its script cannot
// be completed: then the callback is set aside (set) or, for a gap of the
// insurer's own, given back to the pool, and the reason is the error.
func (s *Service) handOut(ctx context.Context, u *huifang.User, c *huifang.Callback) (w *Work, set bool, err error) {
	w, err = s.work(ctx, c)
	if err != nil || w.Script.Gap == "" {
		return w, false, err
	}
	err = s.refuseGap(ctx, c, w.Script, actor(u))
	if w.Script.orgGap {
		if _, rerr := s.db.ReleaseCallback(ctx, c.OrgID, u.ID, c.ID, s.now()); rerr != nil {
			return nil, false, rerr
		}
		return nil, false, err
	}
	return nil, huifang.ErrorCode(err) == huifang.EINVALID, err
}

func clock(d, def time.Duration) string {
	if d == 0 {
		d = def
	}
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

// callingHours refuses calls outside the insurer's calling hours.
func (s *Service) callingHours(ctx context.Context, orgID int64, now time.Time) error {
	hours, _, restDay, err := s.callRules(ctx, orgID)
	if err != nil {
		return err
	}
	ok, err := hours.Allowed(now, restDay)
	if err != nil {
		return err
	}
	if !ok {
		return huifang.Errorf(huifang.EINVALID, "err.work.outside_hours", clock(hours.Start, callback.DefaultStart), clock(hours.End, callback.DefaultEnd))
	}
	return nil
}

// Take hands the operator one named callback from the pool, under a lease:
// the customer rang back, or a re-callback is to be made now. It is refused
// outside calling hours, when the callback is done, waiting for the
// customer's electronic answer or held by another operator, and while the
// operator holds another callback.
func (s *Service) Take(ctx context.Context, u *huifang.User, id int64) (*Work, error) {
	c, err := s.findCallback(ctx, u, huifang.PermWorkCallbacks, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if c.LeaseUserID == u.ID && !c.LeaseUntil.Before(now) && c.Open() {
		w, _, err := s.handOut(ctx, u, c) // already the operator's
		return w, err
	}
	if err := s.callingHours(ctx, u.OrgID, now); err != nil {
		return nil, err
	}
	if c.Status == huifang.StatusBlocked {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.work.script_paused", c.Reason)
	}
	taken, err := s.db.TakeCallback(ctx, u.OrgID, u.ID, id, now, s.Rules.Lease)
	if errors.Is(err, huifang.ErrNotFound) {
		if held, herr := s.db.HeldCallback(ctx, u.OrgID, u.ID, now); herr == nil && held.ID != id {
			return nil, huifang.Errorf(huifang.ECONFLICT, "err.callback.already_holding", held.ID, held.PolicyNo)
		}
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.callback.unavailable", id)
	} else if err != nil {
		return nil, err
	}
	w, _, err := s.handOut(ctx, u, taken)
	return w, err
}

// findCallback finds a callback of the user's organisation, if the user's
// role has the permission.
func (s *Service) findCallback(ctx context.Context, u *huifang.User, p huifang.Permission, id int64) (*huifang.Callback, error) {
	if err := require(u, p); err != nil {
		return nil, err
	}
	c, err := s.db.FindCallback(ctx, u.OrgID, id)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.callback.not_found", id)
	}
	return c, err
}

// Callback shows one callback of the user's organisation.
func (s *Service) Callback(ctx context.Context, u *huifang.User, id int64) (*Work, error) {
	c, err := s.findCallback(ctx, u, huifang.PermViewCallbacks, id)
	if err != nil {
		return nil, err
	}
	return s.work(ctx, c)
}

// AttemptInput is one phone attempt as the operator records it.
type AttemptInput struct {
	Outcome    huifang.AttemptOutcome `json:"outcome"`
	Note       string                 `json:"note"`
	ScheduleAt time.Time              `json:"schedule_at"` // for reschedule
}

// held returns the callback when the user holds its lease.
func (s *Service) held(ctx context.Context, u *huifang.User, id int64) (*huifang.Callback, error) {
	c, err := s.findCallback(ctx, u, huifang.PermWorkCallbacks, id)
	if err != nil {
		return nil, err
	}
	if !c.Open() {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.callback.done", id)
	}
	if c.LeaseUserID != u.ID || c.LeaseUntil.Before(s.now()) {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.callback.lease_lost")
	}
	return c, nil
}

// RecordAttempt records a phone attempt and decides what follows: keep working
// (answered), schedule the asked-for time, offer the callback again later, or
// finish it as not completed with a problem case.
func (s *Service) RecordAttempt(ctx context.Context, u *huifang.User, id int64, in AttemptInput) (*huifang.Callback, error) {
	if !in.Outcome.Valid() {
		return nil, huifang.Errorf(huifang.EINVALID, "err.callback.unknown_outcome", in.Outcome)
	}
	if len([]rune(in.Note)) > 500 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.callback.note_too_long")
	}
	c, err := s.held(ctx, u, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	hours, policy, restDay, err := s.callRules(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	att := &huifang.Attempt{At: now, Outcome: in.Outcome, Note: in.Note}
	ch := huifang.CallbackChange{OrgID: u.OrgID, ID: id, UserID: u.ID, Now: now, Attempt: att, Status: c.Status,
		Audit: huifang.AuditEntry{Actor: u.Login, Action: "attempt", Detail: jsonDetail(map[string]any{"outcome": in.Outcome, "note": in.Note})}}
	switch in.Outcome {
	case huifang.AttemptAnswered:
		ch.KeepLease = true
	case huifang.AttemptReschedule:
		if in.ScheduleAt.IsZero() || !in.ScheduleAt.After(now) {
			return nil, huifang.Errorf(huifang.EINVALID, "err.callback.schedule_required")
		}
		if ok, err := hours.Allowed(in.ScheduleAt, restDay); err != nil {
			return nil, err
		} else if !ok {
			return nil, huifang.Errorf(huifang.EINVALID, "err.callback.schedule_outside_hours", clock(hours.Start, callback.DefaultStart), clock(hours.End, callback.DefaultEnd))
		}
		att.ScheduleAt = in.ScheduleAt
		// An appointment: the operator who agreed the time calls back.
		ch.Status, ch.NextAt, ch.AppointedBy = huifang.StatusScheduled, in.ScheduleAt, u.ID
	default:
		failed, err := s.failedAttempts(ctx, c)
		if err != nil {
			return nil, err
		}
		d := callback.AfterAttempt(in.Outcome, failed, now, policy)
		if d.Finish {
			if err := s.finishChange(ctx, &ch, c, d.Result, d.Reason, d.Problems); err != nil {
				return nil, err
			}
			break
		}
		next, err := policy.NextTry(now, hours, restDay)
		if err != nil {
			return nil, err
		}
		ch.Status, ch.NextAt = huifang.StatusOpen, next
	}
	return s.db.ChangeCallback(ctx, ch)
}

func (s *Service) failedAttempts(ctx context.Context, c *huifang.Callback) ([]time.Time, error) {
	as, err := s.db.ListAttempts(ctx, c.OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	for _, a := range as {
		switch a.Outcome {
		case huifang.AttemptNoAnswer, huifang.AttemptBusy, huifang.AttemptSwitchedOff, huifang.AttemptWrongPerson:
			out = append(out, a.At)
		}
	}
	return out, nil
}

// finishChange finishes a callback: the problem cases it reveals open with
// their deadlines; a re-callback instead reports to its problem case.
func (s *Service) finishChange(ctx context.Context, ch *huifang.CallbackChange, c *huifang.Callback, res huifang.CallbackResult, reason string, problems []callback.Problem) error {
	ch.Status, ch.Result, ch.Reason = huifang.StatusDone, res, reason
	ch.Late = callback.Late(c.DueOn, ch.Now)
	ch.KeepLease = false
	if c.Kind == huifang.KindRecallback {
		step, err := s.recallbackStep(ctx, c, res == huifang.ResultSuccessful, problems, ch.Now)
		if err != nil {
			return err
		}
		ch.CaseStep = step
		problems = nil
	}
	if len(problems) > 0 {
		rec, err := s.db.FindPolicy(ctx, c.OrgID, c.PolicyNo)
		if err != nil {
			return err
		}
		opened := huifang.DateOf(ch.Now)
		for _, p := range problems {
			due, limit, profileID, err := s.deadline(ctx, c.OrgID, p.Type, opened)
			if err != nil {
				return err
			}
			ch.Problems = append(ch.Problems, huifang.ProblemCase{Type: p.Type, Detail: p.Detail, AgentCode: rec.AgentCode,
				OpenedOn: opened, DueOn: due, LimitDays: limit.Days, LimitWorking: limit.Working, ProfileID: profileID})
		}
	}
	ch.Audit.Action = "finish"
	ch.Audit.Detail = jsonDetail(map[string]any{"result": res, "reason": reason, "problems": len(problems), "late": ch.Late,
		"attempt": ch.Attempt != nil && ch.Attempt.Outcome != huifang.AttemptAnswered})
	return nil
}

// Release gives a taken callback back to the pool. Another insurer's
// callback is not found; one the user does not hold is a conflict, so that a
// caller never believes it released what someone else is working on.
func (s *Service) Release(ctx context.Context, u *huifang.User, id int64) error {
	c, err := s.findCallback(ctx, u, huifang.PermWorkCallbacks, id)
	if err != nil {
		return err
	}
	released, err := s.db.ReleaseCallback(ctx, u.OrgID, u.ID, c.ID, s.now())
	if err != nil {
		return err
	}
	if !released {
		return huifang.Errorf(huifang.ECONFLICT, "err.callback.not_held", id)
	}
	return nil
}

// RevealPhone shows a policyholder's full phone number to someone who needs
// it for work in hand, and records the view in the audit trail:
//
//   - an operator, for the callback they hold now (they are dialling);
//   - a handler, for an unfinished problem case held in their branch or a
//     branch below it (they contact the customer to resolve it).
//
// Nobody else sees full numbers: managers, QA and administrators work from
// masked numbers and recordings (their roles lack PermViewPII). Each user
// sees at most Rules.RevealsPerHour numbers an hour, counted from the audit
// trail. A refusal is audited too ("view-pii-refused", with its reason).
func (s *Service) RevealPhone(ctx context.Context, u *huifang.User, policyNo string) (string, error) {
	if u == nil {
		return "", huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	entry := huifang.AuditEntry{OrgID: u.OrgID, At: s.now(), UserID: u.ID, Actor: u.Login, Entity: "policy", Key: policyNo, Action: "view-pii"}
	refuse := func(reason string, e *huifang.Error) (string, error) {
		entry.Action, entry.Detail = "view-pii-refused", jsonDetail(map[string]any{"field": "holder_phone", "reason": reason})
		if err := s.db.AppendAudit(ctx, entry); err != nil {
			return "", err
		}
		return "", e
	}
	if !u.Can(huifang.PermViewPII) {
		return refuse("role", huifang.Errorf(huifang.EFORBIDDEN, "err.phone.role_forbidden", u.Role))
	}
	rec, err := s.db.FindPolicy(ctx, u.OrgID, policyNo)
	if errors.Is(err, huifang.ErrNotFound) {
		return "", huifang.Errorf(huifang.ENOTFOUND, "err.policy.not_found", policyNo)
	} else if err != nil {
		return "", err
	}
	why, err := s.revealGround(ctx, u, policyNo)
	if err != nil {
		return "", err
	}
	if why == "" {
		return refuse("not-in-hand", huifang.Errorf(huifang.EFORBIDDEN, "err.phone.not_in_hand"))
	}
	phone, err := s.Box.Open(rec.HolderPhoneEnc)
	if err != nil {
		return "", err
	}
	entry.Detail = jsonDetail(map[string]any{"field": "holder_phone", "for": why})
	ok, limit, err := s.auditReveal(ctx, entry)
	if err != nil {
		return "", err
	}
	if !ok {
		return refuse("rate-limit", huifang.Errorf(huifang.ETOOMANY, "err.phone.rate_limit", limit))
	}
	return phone, nil
}

// auditReveal records an unmasked view unless the user already had the
// hour's allowance of them (the profile's reveals per hour); ok is false
// then, and limit is the allowance.
func (s *Service) auditReveal(ctx context.Context, entry huifang.AuditEntry) (ok bool, limit int, err error) {
	limit = s.Rules.RevealsPerHour
	if limit <= 0 {
		limit = DefaultRevealsPerHour
	}
	ok, err = s.db.AppendAuditCapped(ctx, entry, entry.At.Add(-time.Hour), limit)
	return ok, limit, err
}

// revealGround says why the user may see the policyholder's number now
// ("callback N", "case N"), or "" when they may not.
func (s *Service) revealGround(ctx context.Context, u *huifang.User, policyNo string) (string, error) {
	switch u.Role {
	case huifang.RoleOperator:
		c, err := s.db.HeldCallback(ctx, u.OrgID, u.ID, s.now())
		if errors.Is(err, huifang.ErrNotFound) {
			return "", nil
		} else if err != nil {
			return "", err
		}
		if c.PolicyNo == policyNo {
			return fmt.Sprintf("callback %d", c.ID), nil
		}
	case huifang.RoleHandler:
		if u.BranchCode == "" {
			return "", nil // a handler belongs to a branch; without one, no subtree
		}
		cs, err := s.db.ListProblemCases(ctx, u.OrgID, huifang.ProblemFilter{PolicyNo: policyNo, Unfinished: true, Limit: 100})
		if err != nil || len(cs) == 0 {
			return "", err
		}
		t, err := s.tree(ctx, u.OrgID)
		if err != nil {
			return "", err
		}
		for _, c := range cs {
			if c.HolderBranch == u.BranchCode || t.Below(c.HolderBranch, u.BranchCode) {
				return fmt.Sprintf("case %d", c.ID), nil
			}
		}
	}
	return "", nil
}

// Tally counts the user's organisation's callbacks for the overview.
func (s *Service) Tally(ctx context.Context, u *huifang.User) (huifang.CallbackTally, error) {
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return huifang.CallbackTally{}, err
	}
	return s.db.TallyCallbacks(ctx, u.OrgID, s.today())
}

// CallbackPage is one page of a callback list: its rows, the count of the
// whole list capped at huifang.CountCap, and the cursor of the next page
// ("" on the last one).
type CallbackPage struct {
	Rows  []huifang.CallbackRow
	Total huifang.Count
	Next  string
}

// ListCallbacks lists the user's organisation's callbacks, with the total
// (capped at huifang.CountCap): ListCallbacksPage without the cursor.
func (s *Service) ListCallbacks(ctx context.Context, u *huifang.User, f huifang.CallbackFilter) ([]huifang.CallbackRow, int, error) {
	p, err := s.ListCallbacksPage(ctx, u, f)
	return p.Rows, p.Total.N, err
}

// ListCallbacksPage lists a page of the user's organisation's callbacks:
// f.Limit rows (50 when unset, at most 500) after the cursor f.After, or
// after f.Offset rows for old clients (at most huifang.MaxOffset).
func (s *Service) ListCallbacksPage(ctx context.Context, u *huifang.User, f huifang.CallbackFilter) (CallbackPage, error) {
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return CallbackPage{}, err
	}
	f.Search = strings.TrimSpace(f.Search)
	if len([]rune(f.Search)) > 40 {
		return CallbackPage{}, huifang.Errorf(huifang.EINVALID, "err.callback.search_too_long")
	}
	f.PhoneTailHash = s.searchTail(f.Search)
	return s.callbackPage(ctx, u.OrgID, f, nil)
}

// callbackPage reads a page of an organisation's callbacks and the capped
// count of the list, each row passed through fix when it is set.
func (s *Service) callbackPage(ctx context.Context, orgID int64, f huifang.CallbackFilter, fix func(*huifang.CallbackRow)) (CallbackPage, error) {
	var p CallbackPage
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if f.After != "" {
		if _, err := huifang.DecodeCallbackCursor(f.After, f.Sort); err != nil {
			return p, err
		}
		f.Offset = 0
	} else if f.Offset > huifang.MaxOffset {
		return p, huifang.Errorf(huifang.EINVALID, "err.filter.offset_too_deep", huifang.MaxOffset)
	}
	f.Today = s.today()
	if err := s.withRisk(ctx, orgID, &f); err != nil {
		return p, err
	}
	var err error
	if p.Total, err = s.db.CountCallbacksCapped(ctx, orgID, f, huifang.CountCap); err != nil {
		return p, err
	}
	// One row more than the page says whether there is a next page.
	limit := f.Limit
	f.Limit++
	err = s.db.ForEachCallback(ctx, orgID, f, func(r *huifang.CallbackRow) error {
		if len(p.Rows) == limit {
			if huifang.KeysetSort(f.Sort) {
				p.Next = huifang.CallbackCursorAfter(f.Sort, &p.Rows[limit-1]).Encode()
			}
			return nil
		}
		p.Rows = append(p.Rows, *r)
		return nil
	})
	if err != nil {
		return p, err
	}
	if fix != nil {
		for i := range p.Rows {
			fix(&p.Rows[i])
		}
	}
	return p, nil
}

// ListProblemCases lists the user's organisation's problem cases.
func (s *Service) ListProblemCases(ctx context.Context, u *huifang.User, f huifang.ProblemFilter) ([]huifang.ProblemCase, error) {
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return nil, err
	}
	return s.db.ListProblemCases(ctx, u.OrgID, f)
}

// ParseID reads an id from a path.
func ParseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, huifang.Errorf(huifang.EINVALID, "err.bad_id", s)
	}
	return id, nil
}
