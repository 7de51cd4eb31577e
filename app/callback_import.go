package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/sheet"
)

// Callback records come from insurers that call their customers in their
// own systems and report to huifang (docs/import.md, 回访记录). A record
// finishes the policy's new-business callback (or, with 回访类型
// 孤儿保单回访, its orphan-policy callback) as a callback worked in
// huifang would: the same lateness rule, the problem cases' deadlines from
// the same profile and calendar (Service.deadline), the indicators' counts
// in the same transaction.

// callbackRefs answers the importer's questions about stored callbacks and
// deadlines. A database failure is kept in err: it fails the import, it is
// not a problem of the row.
type callbackRefs struct {
	*importer.MemoryRefs
	ctx       context.Context
	s         *Service
	orgID     int64
	deadlines map[deadlineKey]deadlineAnswer
	err       error
	// What the last prefetch found, by kind: a block's policy numbers
	// (asked) and those that exist (found). A number asked and not found
	// is not stored.
	asked map[huifang.CallbackKind]map[string]bool
	found map[huifang.CallbackKind]map[string]huifang.StoredCallback
}

// PrefetchCallbacks looks up a block's policies, their callbacks and cases
// at once, a few queries per kind.
func (r *callbackRefs) PrefetchCallbacks(newBusiness, orphan []string) {
	r.asked = map[huifang.CallbackKind]map[string]bool{}
	r.found = map[huifang.CallbackKind]map[string]huifang.StoredCallback{}
	for kind, nos := range map[huifang.CallbackKind][]string{huifang.KindNewBusiness: newBusiness, huifang.KindOrphan: orphan} {
		if len(nos) == 0 {
			continue
		}
		nos = slices.Compact(slices.Sorted(slices.Values(nos)))
		found, err := r.s.db.PolicyCallbacks(r.ctx, r.orgID, kind, nos)
		if err != nil {
			r.fail(fmt.Errorf("find callbacks: %w", err))
			continue
		}
		asked := make(map[string]bool, len(nos))
		for _, no := range nos {
			asked[no] = true
		}
		r.asked[kind], r.found[kind] = asked, found
	}
}

type deadlineKey struct {
	t      huifang.ProblemType
	opened huifang.Date
}

type deadlineAnswer struct {
	d   importer.Deadline
	err error
}

func (r *callbackRefs) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// PolicyCallback finds a policy's new-business callback and its cases.
func (r *callbackRefs) PolicyCallback(no string) (importer.PolicyCallback, bool) {
	if pc, ok, done := r.prefetched(huifang.KindNewBusiness, no); done {
		return pc, ok
	}
	return r.policyCallback(no, r.s.db.NewBusinessCallback)
}

// OrphanCallback finds a policy's orphan-policy callback and its cases.
func (r *callbackRefs) OrphanCallback(no string) (importer.PolicyCallback, bool) {
	if pc, ok, done := r.prefetched(huifang.KindOrphan, no); done {
		return pc, ok
	}
	return r.policyCallback(no, r.s.db.OrphanCallback)
}

// prefetched answers from the last prefetch; done is false when it did not
// ask about the number.
func (r *callbackRefs) prefetched(kind huifang.CallbackKind, no string) (pc importer.PolicyCallback, ok, done bool) {
	if !r.asked[kind][no] {
		return importer.PolicyCallback{}, false, false
	}
	sc, ok := r.found[kind][no]
	if !ok {
		return importer.PolicyCallback{}, false, true
	}
	return toPolicyCallback(sc.ReceiptOn, sc.AgentCode, sc.Callback, sc.Cases), true, true
}

func (r *callbackRefs) policyCallback(no string, find func(context.Context, int64, string) (*huifang.PolicyRecord, *huifang.Callback, []huifang.ProblemCase, error)) (importer.PolicyCallback, bool) {
	p, c, cases, err := find(r.ctx, r.orgID, no)
	if errors.Is(err, huifang.ErrNotFound) {
		return importer.PolicyCallback{}, false
	} else if err != nil {
		r.fail(fmt.Errorf("find callback of %s: %w", no, err))
		return importer.PolicyCallback{}, false
	}
	return toPolicyCallback(p.ReceiptOn, p.AgentCode, c, cases), true
}

// toPolicyCallback is what the importer needs of a stored policy, its
// callback (nil when none) and the callback's cases.
func toPolicyCallback(receipt huifang.Date, agent string, c *huifang.Callback, cases []huifang.ProblemCase) importer.PolicyCallback {
	pc := importer.PolicyCallback{ReceiptOn: receipt, AgentCode: agent}
	if c == nil {
		return pc
	}
	pc.CallbackID, pc.DueOn, pc.Status, pc.Result, pc.Method, pc.FinishedAt = c.ID, c.DueOn, c.Status, c.Result, c.Method, c.FinishedAt
	for _, k := range cases {
		sc := importer.StoredCase{Type: k.Type, OpenedOn: k.OpenedOn, Status: k.Status}
		switch k.Status {
		case huifang.ProblemResolved:
			sc.ClosedOn = huifang.DateOf(k.ResolvedAt)
		case huifang.ProblemClosed:
			sc.ClosedOn = huifang.DateOf(k.ClosedAt)
		}
		pc.Cases = append(pc.Cases, sc)
	}
	return pc
}

// CaseDeadline is the deadline huifang gives a case of this type opened
// that day.
func (r *callbackRefs) CaseDeadline(t huifang.ProblemType, opened huifang.Date) (importer.Deadline, error) {
	k := deadlineKey{t, opened}
	if a, ok := r.deadlines[k]; ok {
		return a.d, a.err
	}
	due, limit, profileID, err := r.s.deadline(r.ctx, r.orgID, t, opened)
	var ae *huifang.Error
	if err != nil && !errors.As(err, &ae) {
		r.fail(fmt.Errorf("problem-case deadline: %w", err))
	}
	a := deadlineAnswer{importer.Deadline{DueOn: due, Days: limit.Days, Working: limit.Working, ProfileID: profileID}, err}
	r.deadlines[k] = a
	return a.d, a.err
}

// importCallbacks checks every row of a callback file, then, only when all
// are good, reads it again and writes it in one transaction.
func (s *Service) importCallbacks(ctx context.Context, org *huifang.Org, a huifang.Actor, rf *importer.MemoryRefs, open func() (sheet.Rows, error), today huifang.Date, source string, progress Progress) (*ImportResult, error) {
	refs := &callbackRefs{MemoryRefs: rf, ctx: ctx, s: s, orgID: org.ID, deadlines: map[deadlineKey]deadlineAnswer{}}
	checked := 0
	rep, err := readFile(open, func(rows sheet.Rows) (importer.Report, error) {
		return importer.Check(importer.KindCallbacks, rows, refs, today, func(any) error {
			if checked++; checked%500 == 0 {
				progress("checking", checked, 0)
			}
			return nil
		})
	})
	if err == nil {
		err = refs.err
	}
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Kind: importer.KindCallbacks, Rows: rep.Rows, HeaderRow: rep.HeaderRow}
	if rep.Bad > 0 {
		return refused(res, rep)
	}
	if rep.Rows == 0 {
		return nil, errOnlyHeader
	}

	// The second reading feeds the store as it goes.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	refs.ctx = ctx
	ch := make(chan *huifang.ImportedCallback, 1024)
	errc := make(chan error, 1)
	var second importer.Report
	go func() {
		defer close(ch)
		done := 0
		var err error
		second, err = readFile(open, func(rows sheet.Rows) (importer.Report, error) {
			return importer.Check(importer.KindCallbacks, rows, refs, today, func(it any) error {
				select {
				case ch <- imported(it.(importer.CallbackRecord), source):
				case <-ctx.Done():
					return ctx.Err()
				}
				if done++; done%500 == 0 {
					progress("writing", done, rep.Rows)
				}
				return nil
			})
		})
		if err == nil {
			err = refs.err
		}
		if err == nil && (second.Bad > 0 || second.Rows != rep.Rows) {
			err = huifang.Errorf(huifang.ECONFLICT, "err.import.changed_since_check")
		}
		errc <- err
	}()
	next := func() (*huifang.ImportedCallback, error) {
		if ic, ok := <-ch; ok {
			return ic, nil
		}
		if err := <-errc; err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	r, err := s.db.ImportCallbacks(ctx, org.ID, a, s.now(), source, next)
	if err != nil {
		cancel()
		for range ch { // let the reader finish
		}
		if second.Bad > 0 {
			return refused(res, second)
		}
		return nil, err
	}
	res.Counts = huifang.Counts{Updated: r.Finished, Unchanged: r.Unchanged}
	res.Cases = r.Cases
	return res, nil
}

// imported prepares a checked record for the store. A case opens at the
// start of its opening day, or when the callback finished if that is later
// the same day; it ends at the start of its closing day, or when it opened
// if that is later.
func imported(rec importer.CallbackRecord, source string) *huifang.ImportedCallback {
	ic := &huifang.ImportedCallback{CallbackID: rec.CallbackID, PolicyNo: rec.PolicyNo, Kind: rec.Kind, Result: rec.Result, Reason: rec.Reason, Method: rec.Method,
		FinishedAt: rec.FinishedAt, Late: rec.Late, Unchanged: rec.Unchanged,
		Evidence: jsonDetail(map[string]any{"source": "import", "file": source, "line": rec.Line})}
	for _, c := range rec.Cases {
		openedAt := later(dayStart(c.OpenedOn), rec.FinishedAt)
		p := huifang.ProblemCase{Type: c.Type, Status: c.Status, AgentCode: rec.AgentCode,
			Detail:   i18n.T(i18n.ZH, "case.detail.insurer_found", source, rec.Line),
			OpenedAt: openedAt, OpenedOn: c.OpenedOn, DueOn: c.Deadline.DueOn, LimitDays: c.Deadline.Days, LimitWorking: c.Deadline.Working,
			ProfileID: c.Deadline.ProfileID}
		switch c.Status {
		case huifang.ProblemResolved:
			p.ResolvedAt = later(dayStart(c.ClosedOn), openedAt)
		case huifang.ProblemClosed:
			p.ClosedAt = later(dayStart(c.ClosedOn), openedAt)
			p.CloseReason = i18n.T(i18n.ZH, "case.close.insurer_closed")
		}
		ic.Cases = append(ic.Cases, p)
	}
	return ic
}

// dayStart is the first instant of a day in Beijing.
func dayStart(d huifang.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, huifang.Shanghai).UTC()
}

func later(a, b time.Time) time.Time {
	if b.After(a) && huifang.DateOf(a) == huifang.DateOf(b) {
		return b
	}
	return a
}
