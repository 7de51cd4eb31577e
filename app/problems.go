package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/problem"
)

// MaxEvidence is the largest document accepted as evidence.
const MaxEvidence = 20 << 20

// branchTree is an insurer's branch tree for the workflow's rules.
type branchTree map[string]string // code → parent code

func (t branchTree) Exists(b string) bool   { _, ok := t[b]; return ok }
func (t branchTree) Parent(b string) string { return t[b] }
func (t branchTree) Below(b, anc string) bool {
	if !t.Exists(b) {
		return false
	}
	if anc == "" {
		return true
	}
	seen := map[string]bool{}
	for p := t[b]; p != "" && !seen[p]; p = t[p] {
		if p == anc {
			return true
		}
		seen[p] = true
	}
	return false
}

func (s *Service) tree(ctx context.Context, orgID int64) (branchTree, error) {
	bs, err := s.db.ListBranches(ctx, orgID)
	if err != nil {
		return nil, err
	}
	t := branchTree{}
	for _, b := range bs {
		t[b.Code] = b.ParentCode
	}
	return t, nil
}

func workflowActor(u *huifang.User) problem.Actor { return problem.ActorOf(u) }

// CaseView is a problem case with its timeline and flags for the page.
type CaseView struct {
	Case     *huifang.ProblemCase
	Events   []huifang.CaseEvent
	Evidence map[int64]huifang.Evidence // the timeline's documents by id, without their bytes
	DueSoon  bool
	Overdue  bool
	Workdays int          // working days left (negative: overdue), when computable
	Contact  *CaseContact // who to contact; only on the case's own page
}

func (s *Service) findCase(ctx context.Context, u *huifang.User, id int64) (*huifang.ProblemCase, error) {
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return nil, err
	}
	c, err := s.db.FindProblemCase(ctx, u.OrgID, id)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.problem.not_found", id)
	}
	return c, err
}

// flags marks a case due soon (within the profile's working days) or overdue.
func (s *Service) flags(ctx context.Context, v *CaseView) {
	c := v.Case
	today := s.today()
	v.Overdue = problem.Overdue(c, today)
	if c.Status.Final() || c.DueOn.IsZero() {
		return
	}
	if n, err := s.Calendar().WorkdaysBetween(today, c.DueOn); err == nil {
		v.Workdays = n
		soon := 2
		if p, err := s.ProfileFor(ctx, c.OrgID, today); err == nil {
			soon = p.Rules.DueSoonWorkdays
		}
		v.DueSoon = !v.Overdue && n <= soon
	}
}

// Case shows one problem case with its timeline.
func (s *Service) Case(ctx context.Context, u *huifang.User, id int64) (*CaseView, error) {
	c, err := s.findCase(ctx, u, id)
	if err != nil {
		return nil, err
	}
	evs, err := s.db.ListEvents(ctx, u.OrgID, id)
	if err != nil {
		return nil, err
	}
	docs, err := s.db.ListEvidence(ctx, u.OrgID, id)
	if err != nil {
		return nil, err
	}
	v := &CaseView{Case: c, Events: evs, Evidence: map[int64]huifang.Evidence{}}
	for _, d := range docs {
		v.Evidence[d.ID] = d
	}
	s.flags(ctx, v)
	if v.Contact, err = s.caseContact(ctx, c); err != nil {
		return nil, err
	}
	return v, nil
}

// BoardFilter selects a board's cases.
type BoardFilter struct {
	Scope   string // "mine" (a handler's), "branch" (the user's branch), "all" (managers)
	Type    huifang.ProblemType
	Status  huifang.ProblemStatus
	Channel huifang.Channel
	DueSoon bool
	Overdue bool
	// A page: the cases to skip and how many to list (BoardPageSize when 0,
	// at most MaxBoardPage).
	Offset, Limit int
	// After goes on after a cursor (BoardPage's next) instead of Offset.
	After string
}

// Board page sizes.
const (
	BoardPageSize = 50
	MaxBoardPage  = 200
)

// Board lists problem cases by deadline: a handler's own, a branch's, or all
// of the insurer's for managers.
func (s *Service) Board(ctx context.Context, u *huifang.User, f BoardFilter) ([]CaseView, error) {
	views, _, err := s.boardPage(ctx, u, f, false)
	return views, err
}

// BoardPage lists a page of a board, as Board, and the cursor of the next
// page ("" on the last): f.Limit cases at most, after f.After or, for old
// clients, f.Offset (at most huifang.MaxOffset).
func (s *Service) BoardPage(ctx context.Context, u *huifang.User, f BoardFilter) ([]CaseView, string, error) {
	return s.boardPage(ctx, u, f, true)
}

func (s *Service) boardPage(ctx context.Context, u *huifang.User, f BoardFilter, paged bool) ([]CaseView, string, error) {
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return nil, "", err
	}
	if f.Limit <= 0 {
		f.Limit = BoardPageSize
	}
	if f.After == "" && f.Offset > huifang.MaxOffset {
		return nil, "", huifang.Errorf(huifang.EINVALID, "err.filter.offset_too_deep", huifang.MaxOffset)
	}
	sf := huifang.ProblemFilter{Type: f.Type, Status: f.Status, Channel: f.Channel, Limit: min(f.Limit, MaxBoardPage), Offset: max(f.Offset, 0), After: f.After}
	// Handlers see their own cases ("mine": assigned to them, or at their
	// branch with nobody assigned) or their branch's; managers see all.
	branch := u.BranchCode
	switch f.Scope {
	case "", "mine", "branch", "all":
	default:
		return nil, "", huifang.Errorf(huifang.EINVALID, "err.problem.unknown_scope", f.Scope)
	}
	if u.Role == huifang.RoleHandler {
		sf.HolderBranch = &branch
		if f.Scope == "" || f.Scope == "mine" {
			sf.HandlerID = u.ID
		}
	}
	if f.Overdue {
		sf.DueBy = s.today().AddDays(-1)
	} else if f.DueSoon {
		// Due from today to a little past the due-soon window: the page is
		// drawn from these, and each is then checked exactly (flags).
		sf.Unfinished, sf.DueFrom = true, s.today()
		soon := 2
		if p, err := s.ProfileFor(ctx, u.OrgID, s.today()); err == nil {
			soon = p.Rules.DueSoonWorkdays
		}
		if d, err := s.Calendar().AddWorkdays(s.today(), soon+1); err == nil {
			sf.DueTo = d
		}
	}
	if sf.Status == "" && !f.DueSoon && !f.Overdue {
		sf.Unfinished = true
	}
	limit := sf.Limit
	if paged {
		// One case more than the page says whether there is a next one.
		sf.Limit++
	}
	cs, err := s.db.ListProblemCases(ctx, u.OrgID, sf)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if paged && len(cs) > limit {
		cs = cs[:limit]
		next = huifang.ProblemCursorAfter(sf, &cs[limit-1]).Encode()
	}
	out := make([]CaseView, 0, len(cs))
	for i := range cs {
		v := CaseView{Case: &cs[i]}
		s.flags(ctx, &v)
		if f.DueSoon && !v.DueSoon {
			continue
		}
		out = append(out, v)
	}
	return out, next, nil
}

// OpenCase opens a problem case by hand, for a policy, with a reason.
func (s *Service) OpenCase(ctx context.Context, u *huifang.User, policyNo string, t huifang.ProblemType, reason string) (*huifang.ProblemCase, error) {
	if u == nil || !u.Can(huifang.PermOpenCase) {
		return nil, huifang.Errorf(huifang.EFORBIDDEN, "err.problem.open_forbidden")
	}
	if t.ZH() == "" {
		return nil, huifang.Errorf(huifang.EINVALID, "err.problem.unknown_type", t)
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return nil, huifang.Errorf(huifang.EINVALID, "err.problem.reason_required")
	}
	rec, err := s.db.FindPolicy(ctx, u.OrgID, strings.TrimSpace(policyNo))
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.policy.not_found", policyNo)
	} else if err != nil {
		return nil, err
	}
	now := s.now()
	opened := huifang.DateOf(now)
	due, limit, pid, err := s.deadline(ctx, u.OrgID, t, opened)
	if err != nil {
		return nil, err
	}
	c := &huifang.ProblemCase{OrgID: u.OrgID, PolicyNo: rec.No, Type: t, Detail: reason, BranchCode: rec.BranchCode, Channel: rec.Channel,
		AgentCode: rec.AgentCode, OpenedAt: now, OpenedBy: u.ID, OpenedOn: opened, DueOn: due, LimitDays: limit.Days, LimitWorking: limit.Working, ProfileID: pid}
	return c, s.db.OpenProblemCase(ctx, c, u.Login)
}

// step applies a workflow step decided by the problem package.
// The case's UpdatedAt, untouched by the problem package, guards against a
// concurrent change.
func (s *Service) step(ctx context.Context, u *huifang.User, c *huifang.ProblemCase, was huifang.ProblemStatus, st huifang.CaseStep) (*huifang.ProblemCase, error) {
	st.Case, st.Was, st.WasUpdated, st.Now, st.Actor = c, was, c.UpdatedAt, s.now(), actor(u)
	var err error
	if st.Misconduct, err = s.misconductProposal(ctx, c, st.Events); err != nil {
		return nil, err
	}
	if err := s.db.ApplyCaseStep(ctx, st); err != nil {
		return nil, err
	}
	return c, nil
}

func events(evs ...problem.Event) []huifang.CaseEvent {
	out := make([]huifang.CaseEvent, len(evs))
	for i, e := range evs {
		out[i] = huifang.CaseEvent{Kind: e.Kind, Detail: e.Detail, At: e.At, UserID: e.UserID, Actor: e.Actor}
	}
	return out
}

// TransferInput names where a case goes.
type TransferInput struct {
	Branch  string
	Handler string // a handler's login, or "" for the branch as a whole
	DueOn   huifang.Date
}

// Transfer hands a case down the organisation.
func (s *Service) Transfer(ctx context.Context, u *huifang.User, id int64, in TransferInput) (*huifang.ProblemCase, error) {
	c, err := s.findCase(ctx, u, id)
	if err != nil {
		return nil, err
	}
	tr, err := s.tree(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	to := problem.Target{Branch: strings.TrimSpace(in.Branch), DueOn: in.DueOn}
	if in.Handler != "" {
		h, err := s.db.FindUserByLogin(ctx, strings.TrimSpace(in.Handler))
		if err != nil || h.OrgID != u.OrgID {
			return nil, huifang.Errorf(huifang.ENOTFOUND, "err.problem.no_handler", in.Handler)
		}
		to.User = h
		if to.Branch == "" {
			to.Branch = h.BranchCode
		}
	}
	was := c.Status
	t, ev, err := problem.Transfer(c, workflowActor(u), to, tr, s.today(), s.now())
	if err != nil {
		return nil, err
	}
	if c, err = s.step(ctx, u, c, was, huifang.CaseStep{Transfer: huifang.TransferChange{New: t}, Events: events(ev)}); err != nil {
		return nil, err
	}
	// The case moved: a notification that fails to arrive is logged, not
	// an error of the transfer.
	if err := s.notifyTransfer(ctx, c, t); err != nil {
		s.Log.Warn("notify transfer", "case", c.ID, "err", err)
	}
	return c, nil
}

// Acknowledge accepts a transfer.
func (s *Service) Acknowledge(ctx context.Context, u *huifang.User, id int64) (*huifang.ProblemCase, error) {
	c, err := s.findCase(ctx, u, id)
	if err != nil {
		return nil, err
	}
	was := c.Status
	ev, err := problem.Acknowledge(c, workflowActor(u), s.now())
	if err != nil {
		return nil, err
	}
	return s.step(ctx, u, c, was, huifang.CaseStep{Transfer: huifang.TransferChange{Settle: "acknowledged"}, Events: events(ev)})
}

// ReturnTransfer sends a transfer back with a reason.
func (s *Service) ReturnTransfer(ctx context.Context, u *huifang.User, id int64, reason string) (*huifang.ProblemCase, error) {
	c, err := s.findCase(ctx, u, id)
	if err != nil {
		return nil, err
	}
	was := c.Status
	ev, err := problem.Return(c, workflowActor(u), reason, s.now())
	if err != nil {
		return nil, err
	}
	return s.step(ctx, u, c, was, huifang.CaseStep{Transfer: huifang.TransferChange{Settle: "returned", Reason: strings.TrimSpace(reason)}, Events: events(ev)})
}

// Upload is a document attached to an action: a PDF, JPEG or PNG
// (DocumentTypes), told by content; ContentType, the uploader's claim, is
// not trusted.
type Upload struct {
	Name        string
	ContentType string
	Data        []byte
}

// ActionInput is what a handler did.
type ActionInput struct {
	Kind     string
	Note     string
	Phone    string  // contact-updated: the new mobile number
	Evidence *Upload // visits and re-signing need the signed document
}

// Act records an action on a case.
func (s *Service) Act(ctx context.Context, u *huifang.User, id int64, in ActionInput) (*huifang.ProblemCase, error) {
	c, err := s.findCase(ctx, u, id)
	if err != nil {
		return nil, err
	}
	st := huifang.CaseStep{}
	if e := in.Evidence; e != nil {
		if len(e.Data) == 0 {
			return nil, huifang.Errorf(huifang.EINVALID, "err.file.empty")
		}
		if len(e.Data) > MaxEvidence {
			return nil, huifang.Errorf(huifang.EINVALID, "err.file.too_large", MaxEvidence>>20)
		}
		ft, ok := Sniff(DocumentTypes, e.Data)
		if !ok {
			return nil, huifang.Errorf(huifang.EINVALID, "err.file.bad_format", Labels(DocumentTypes))
		}
		name := strings.TrimSpace(e.Name)
		if name == "" {
			name = "evidence." + ft.Format
		}
		// The type is the one told by content, never the uploader's claim.
		st.Evidence = &huifang.Evidence{Name: name, ContentType: ft.ContentType, Data: e.Data}
	}
	if in.Kind == problem.ActContact {
		phone, err := importer.ParseMobile(in.Phone)
		if err != nil {
			return nil, huifang.Errorf(huifang.EINVALID, "err.problem.bad_phone", huifang.ErrorMsg(err))
		}
		st.Phone = &huifang.PhoneChange{Enc: s.Box.Seal(phone), Hash: s.Box.Hash(phone)}
	}
	was := c.Status
	ev, err := problem.Act(c, workflowActor(u), in.Kind, in.Note, st.Evidence != nil, s.now())
	if err != nil {
		return nil, err
	}
	st.Events = events(ev)
	if st.Evidence == nil {
		return s.step(ctx, u, c, was, st)
	}
	stored, err := s.putEvidence(ctx, c, st.Evidence)
	if err != nil {
		return nil, err
	}
	out, err := s.step(ctx, u, c, was, st)
	if err != nil && stored {
		s.deleteBlob(ctx, st.Evidence.Key)
	}
	return out, err
}

// RequestRecallback asks for a re-callback to confirm the fix: a callback of
// kind re-callback, due on the case's deadline, joins the operators' pool.
func (s *Service) RequestRecallback(ctx context.Context, u *huifang.User, id int64) (*huifang.ProblemCase, error) {
	c, err := s.findCase(ctx, u, id)
	if err != nil {
		return nil, err
	}
	was := c.Status
	ev, err := problem.RequestRecallback(c, workflowActor(u), s.now())
	if err != nil {
		return nil, err
	}
	due := c.DueOn
	if due.Before(s.today()) {
		due = s.today()
	}
	return s.step(ctx, u, c, was, huifang.CaseStep{Events: events(ev), Recallback: &huifang.Plan{Kind: huifang.KindRecallback, DueOn: due}})
}

// recallbackStep is what a finished re-callback does to its case.
func (s *Service) recallbackStep(ctx context.Context, cb *huifang.Callback, success bool, problems []callback.Problem, now time.Time) (*huifang.CaseStep, error) {
	c, err := s.db.FindProblemCase(ctx, cb.OrgID, cb.CaseID)
	if err != nil {
		return nil, fmt.Errorf("problem case of re-callback %d: %w", cb.ID, err)
	}
	was, upd := c.Status, c.UpdatedAt
	var details []string
	for _, p := range problems {
		details = append(details, i18n.T(i18n.ZH, p.Type.Key())+"："+p.Detail)
	}
	evs, err := problem.RecallbackDone(c, success, strings.Join(details, "；"), now)
	if err != nil {
		return nil, err
	}
	proposal, err := s.misconductProposal(ctx, c, events(evs...))
	if err != nil {
		return nil, err
	}
	return &huifang.CaseStep{Case: c, Was: was, WasUpdated: upd, Now: now, Actor: huifang.Actor{Name: "system"}, Events: events(evs...), Misconduct: proposal}, nil
}

// Resolve is refused: only a successful re-callback resolves a case.
func (s *Service) Resolve(ctx context.Context, u *huifang.User, id int64) error {
	c, err := s.findCase(ctx, u, id)
	if err != nil {
		return err
	}
	return problem.Resolve(c)
}

// CloseCase closes a case unresolved with a free-text reason: the fixed
// reason "other", the text its note (kept for callers before the fixed
// reasons; CloseCaseFor takes one).
func (s *Service) CloseCase(ctx context.Context, u *huifang.User, id int64, reason string) (*huifang.ProblemCase, error) {
	return s.CloseCaseFor(ctx, u, id, huifang.CloseOther, reason)
}

// CloseCaseFor closes a case unresolved, for a fixed reason with a note
// ("other" needs the note).
func (s *Service) CloseCaseFor(ctx context.Context, u *huifang.User, id int64, code huifang.CloseCode, note string) (*huifang.ProblemCase, error) {
	c, err := s.findCase(ctx, u, id)
	if err != nil {
		return nil, err
	}
	was := c.Status
	settle := ""
	if c.Pending != nil {
		settle = "cancelled"
	}
	ev, err := problem.Close(c, workflowActor(u), code, note, s.now())
	if err != nil {
		return nil, err
	}
	return s.step(ctx, u, c, was, huifang.CaseStep{Transfer: huifang.TransferChange{Settle: settle}, Events: events(ev)})
}

// Reopen brings a closed case back (managers only).
func (s *Service) Reopen(ctx context.Context, u *huifang.User, id int64, reason string) (*huifang.ProblemCase, error) {
	c, err := s.findCase(ctx, u, id)
	if err != nil {
		return nil, err
	}
	was := c.Status
	ev, err := problem.Reopen(c, workflowActor(u), reason, s.now())
	if err != nil {
		return nil, err
	}
	return s.step(ctx, u, c, was, huifang.CaseStep{Events: events(ev)})
}
