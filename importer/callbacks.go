package importer

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/sheet"
)

// A callback file reports callbacks an insurer made in its own system: one
// row per policy and kind, finishing the policy's new-business callback, or
// its orphan-policy callback when the row's 回访类型 says 孤儿保单回访, with
// the problem cases the callback opened. The policy must already be loaded,
// so that its callback, with its deadline, exists (an orphan callback: its
// agent's departure was started).

// Column positions of a callback file.
const (
	cNo = iota
	cMethod
	cFinished
	cResult
	cReason
	cTypes
	cOpened
	cClosed
	cOutcome
	cKind
)

func init() {
	columns[KindCallbacks] = []column{
		cNo:       {zh: "保单号", en: "policy_no", aliases: []string{"保单号码", "policy_number"}, required: true},
		cMethod:   {zh: "回访方式", en: "method", aliases: []string{"callback_method"}, required: true},
		cFinished: {zh: "回访完成时间", en: "finished_at", aliases: []string{"回访时间", "回访完成日期", "回访日期", "finished_on"}, required: true},
		cResult:   {zh: "回访结果", en: "result", aliases: []string{"callback_result"}, required: true},
		cReason:   {zh: "未完成原因", en: "reason", aliases: []string{"回访未完成原因"}},
		cTypes:    {zh: "问题类型", en: "problem_types", aliases: []string{"问题件类型", "problem_type"}},
		cOpened:   {zh: "问题件开立日期", en: "case_opened_on", aliases: []string{"开立日期", "问题件开立时间"}},
		cClosed:   {zh: "问题件办结日期", en: "case_closed_on", aliases: []string{"办结日期", "问题件关闭日期", "问题件办结时间"}},
		cOutcome:  {zh: "问题件处理结果", en: "case_outcome", aliases: []string{"处理结果", "办结结果"}},
		// 回访类型: 新单回访 (when absent or empty) or 孤儿保单回访.
		cKind: {zh: "回访类型", en: "kind", aliases: []string{"callback_kind"}},
	}
	keyColumn[KindCallbacks] = cNo
}

// CallbackRefs is what checking a callback file needs of the system beyond
// Refs: the policy's new-business callback as stored, and the deadline the
// rule profile gives a problem case.
type CallbackRefs interface {
	Refs
	// PolicyCallback finds a policy and its new-business callback; ok is
	// false when the insurer has no such policy.
	PolicyCallback(policyNo string) (pc PolicyCallback, ok bool)
	// OrphanCallback finds a policy and its orphan-policy callback
	// (CallbackID 0 when it has none); ok is false when the insurer has no
	// such policy.
	OrphanCallback(policyNo string) (pc PolicyCallback, ok bool)
	// CaseDeadline is the deadline of a problem case of type t opened on a
	// day, as huifang sets it for the cases it opens. Its error's message
	// is shown on the row (a year with no calendar, a type without a limit).
	CaseDeadline(t huifang.ProblemType, opened huifang.Date) (Deadline, error)
}

// CallbackPrefetcher is a CallbackRefs that looks up many policies at once.
// Checking a callback file reads a block of rows (2,000) ahead and hands their
// policy numbers over, by kind, before it checks them one by one: the
// PolicyCallback and OrphanCallback lookups of those rows are then answered
// from what the prefetch found, a few queries per block instead of a few
// per row. A number may come in a block twice, or again in a later block.
type CallbackPrefetcher interface {
	CallbackRefs
	PrefetchCallbacks(newBusiness, orphan []string)
}

// prefetchBlock is how many rows of a callback file are looked up at once
// (a variable for tests).
var prefetchBlock = 2000

// prefetched checks the rows of a callback file a block at a time: it reads
// a block, prefetches its policies, then checks each row with row.
func (c *Checker) prefetched(rows sheet.Rows, pf CallbackPrefetcher, row func(line int, rec []string) error) error {
	type buffered struct {
		line int
		rec  []string
	}
	block := make([]buffered, 0, prefetchBlock)
	for eof := false; !eof; {
		block = block[:0]
		var nb, orphan []string
		for len(block) < prefetchBlock {
			rec, err := rows.Next()
			if errors.Is(err, io.EOF) {
				eof = true
				break
			} else if err != nil {
				return err
			}
			b := buffered{rows.Line(), slices.Clone(rec)}
			block = append(block, b)
			r := &rowCtx{c: c, line: b.line, rec: b.rec}
			no := r.get(cNo)
			if no == "" {
				continue
			}
			if k, ok := ParseCallbackKind(r.get(cKind)); ok && k == huifang.KindOrphan {
				orphan = append(orphan, no)
			} else {
				nb = append(nb, no)
			}
		}
		if len(nb)+len(orphan) > 0 {
			pf.PrefetchCallbacks(nb, orphan)
		}
		for _, b := range block {
			if err := row(b.line, b.rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// PolicyCallback is a policy's new-business callback as stored.
type PolicyCallback struct {
	ReceiptOn huifang.Date
	AgentCode string // the selling agent, who never handles the policy's cases
	// CallbackID is 0 when the policy owes no new-business callback: out of
	// scope, or no receipt yet.
	CallbackID int64
	DueOn      huifang.Date
	Status     huifang.CallbackStatus
	Result     huifang.CallbackResult
	Method     huifang.CallbackMethod
	FinishedAt time.Time
	Cases      []StoredCase // the problem cases the callback opened
}

// StoredCase is a problem case as stored, as far as a callback file says.
type StoredCase struct {
	Type     huifang.ProblemType
	OpenedOn huifang.Date
	Status   huifang.ProblemStatus
	ClosedOn huifang.Date // the day it was resolved or closed
}

// Deadline is a problem case's time limit, fixed when it opens.
type Deadline struct {
	DueOn     huifang.Date
	Days      int
	Working   bool
	ProfileID int64 // the profile version that set it
}

// CallbackRecord is a good row of a callback file: the callback it
// finishes, and the problem cases to open.
type CallbackRecord struct {
	Line       int
	PolicyNo   string
	Kind       huifang.CallbackKind // new-business or orphan
	Method     huifang.CallbackMethod
	FinishedAt time.Time
	Result     huifang.CallbackResult
	Reason     string
	Cases      []CaseRecord
	// From the system.
	CallbackID int64
	DueOn      huifang.Date
	Late       bool // finished after the deadline, as huifang decides it
	AgentCode  string
	// Unchanged: the callback is already done exactly as the row says (the
	// same file loaded again); nothing is written for it.
	Unchanged bool
}

// CaseRecord is a problem case a callback opened: open when ClosedOn is
// zero, else resolved or closed that day.
type CaseRecord struct {
	Type     huifang.ProblemType
	OpenedOn huifang.Date
	Status   huifang.ProblemStatus // open, resolved or closed
	ClosedOn huifang.Date
	Deadline Deadline
}

// MemoryCallbacks extends MemoryRefs for callback files: the stored
// callbacks by policy number, and a deadline rule.
type MemoryCallbacks struct {
	*MemoryRefs
	Callbacks map[string]PolicyCallback
	// Orphans are the policies' orphan callbacks; a policy of Callbacks
	// missing here has none.
	Orphans  map[string]PolicyCallback
	Deadline func(t huifang.ProblemType, opened huifang.Date) (Deadline, error)
}

// PolicyCallback finds a policy's callback.
func (m *MemoryCallbacks) PolicyCallback(no string) (PolicyCallback, bool) {
	pc, ok := m.Callbacks[no]
	return pc, ok
}

// OrphanCallback finds a policy's orphan callback.
func (m *MemoryCallbacks) OrphanCallback(no string) (PolicyCallback, bool) {
	if pc, ok := m.Orphans[no]; ok {
		return pc, true
	}
	pc, ok := m.Callbacks[no]
	return PolicyCallback{ReceiptOn: pc.ReceiptOn, AgentCode: pc.AgentCode}, ok
}

// CaseDeadline asks the Deadline rule.
func (m *MemoryCallbacks) CaseDeadline(t huifang.ProblemType, opened huifang.Date) (Deadline, error) {
	if m.Deadline == nil {
		return Deadline{}, reason("err.import.callback.no_limits")
	}
	return m.Deadline(t, opened)
}

func (c *Checker) callbackRecord(r *rowCtx) CallbackRecord {
	rec := CallbackRecord{Line: r.line, PolicyNo: r.code(cNo), Kind: huifang.KindNewBusiness}
	if v := r.get(cKind); v != "" {
		k, ok := ParseCallbackKind(v)
		if !ok {
			r.fail(cKind, v, "err.import.callback.bad_kind")
		}
		rec.Kind = k
	}
	if v, ok := r.required(cMethod); ok {
		m, ok := ParseCallbackMethod(v)
		if !ok {
			r.fail(cMethod, v, "err.import.callback.bad_method")
		}
		rec.Method = m
	}
	var layout string
	if v, ok := r.required(cFinished); ok {
		t, l, err := ParseDateTime(v)
		switch {
		case err != nil:
			r.failErr(cFinished, v, err)
		case huifang.DateOf(t).After(c.today):
			r.fail(cFinished, v, "err.import.callback.finished_future", c.today)
		default:
			rec.FinishedAt, layout = t, l
		}
	}
	if v, ok := r.required(cResult); ok {
		res, ok := ParseCallbackResult(v)
		if !ok {
			r.fail(cResult, v, "err.import.callback.bad_result")
		}
		rec.Result = res
	}
	if v := r.get(cReason); v != "" {
		if err := checkName(v); err != nil {
			r.failErr(cReason, v, err)
		}
		rec.Reason = v
	}
	finished := huifang.DateOf(rec.FinishedAt)
	types := r.problemTypes()
	opened, closed := r.date(cOpened, false), r.date(cClosed, false)
	var outcome huifang.ProblemStatus
	if v := r.get(cOutcome); v != "" {
		o, ok := ParseCaseOutcome(v)
		if !ok {
			r.fail(cOutcome, v, "err.import.callback.bad_outcome")
		}
		outcome = o
	}

	// What the row says must hang together.
	switch {
	case rec.Result == huifang.ResultSuccessful && len(types) > 0:
		r.fail(cTypes, r.get(cTypes), "err.import.callback.success_with_types")
	case rec.Result == huifang.ResultProblems && len(types) == 0 && r.get(cTypes) == "":
		r.fail(cTypes, "", "err.import.callback.types_required")
	}
	if len(types) == 0 && r.get(cTypes) == "" {
		for _, col := range []int{cOpened, cClosed, cOutcome} {
			if v := r.get(col); v != "" {
				r.fail(col, v, "err.import.callback.no_types_col", c.cols[col].zh)
			}
		}
	} else if r.get(cTypes) != "" {
		switch {
		case r.get(cOpened) == "":
			r.fail(cOpened, "", "err.import.callback.opened_required")
		case opened.IsZero():
		case opened.After(c.today):
			r.fail(cOpened, opened.String(), "err.import.callback.opened_future", c.today)
		case !rec.FinishedAt.IsZero() && opened.Before(finished):
			r.fail(cOpened, opened.String(), "err.import.callback.opened_before_finish", finished)
		}
		switch {
		case closed.IsZero() && r.get(cClosed) == "" && r.get(cOutcome) != "":
			r.fail(cOutcome, r.get(cOutcome), "err.import.callback.outcome_without_close")
		case closed.IsZero():
		case !opened.IsZero() && closed.Before(opened):
			r.fail(cClosed, closed.String(), "err.import.callback.closed_before_opened", opened)
		case closed.After(c.today):
			r.fail(cClosed, closed.String(), "err.import.callback.closed_future", c.today)
		case r.get(cOutcome) == "":
			r.fail(cOutcome, "", "err.import.callback.outcome_required")
		}
	}
	if rec.PolicyNo == "" || checkCode(rec.PolicyNo) != nil {
		return rec
	}

	// What the system holds.
	refs, ok := c.refs.refs.(CallbackRefs)
	if !ok {
		r.fail(cNo, rec.PolicyNo, "err.import.callback.lookup_failed")
		return rec
	}
	lookup := refs.PolicyCallback
	if rec.Kind == huifang.KindOrphan {
		lookup = refs.OrphanCallback
	}
	pc, ok := lookup(rec.PolicyNo)
	switch {
	case !ok:
		r.fail(cNo, rec.PolicyNo, "err.import.callback.no_policy")
		return rec
	case rec.Kind == huifang.KindOrphan && pc.CallbackID == 0:
		r.fail(cKind, r.get(cKind), "err.import.callback.no_orphan", rec.PolicyNo)
		return rec
	case pc.CallbackID == 0 && pc.ReceiptOn.IsZero():
		r.fail(cNo, rec.PolicyNo, "err.import.callback.no_receipt")
		return rec
	case pc.CallbackID == 0:
		r.fail(cNo, rec.PolicyNo, "err.import.callback.out_of_scope")
		return rec
	case r.bad:
		return rec
	case finished.Before(pc.ReceiptOn):
		r.fail(cFinished, r.get(cFinished), "err.import.callback.finished_before_receipt", pc.ReceiptOn)
		return rec
	}
	rec.CallbackID, rec.DueOn, rec.AgentCode = pc.CallbackID, pc.DueOn, pc.AgentCode
	rec.Late = callback.Late(pc.DueOn, rec.FinishedAt)
	status := huifang.ProblemOpen
	if !closed.IsZero() {
		status = outcome
	}
	for _, t := range types {
		d, err := refs.CaseDeadline(t, opened)
		if err != nil {
			r.fail(cOpened, opened.String(), "err.import.callback.no_deadline", t.ZH(), huifang.ErrorMsg(err))
			return rec
		}
		rec.Cases = append(rec.Cases, CaseRecord{Type: t, OpenedOn: opened, Status: status, ClosedOn: closed, Deadline: d})
	}
	if pc.Status == huifang.StatusDone {
		if !rec.sameAs(pc, layout) {
			r.fail(cNo, rec.PolicyNo, "err.import.callback.done", pc.Result.ZH(), pc.Method.ZH(),
				pc.FinishedAt.In(huifang.Shanghai).Format("2006-01-02 15:04"))
			return rec
		}
		rec.Unchanged = true
	}
	return rec
}

// sameAs reports whether the row says what is stored: the same result and
// method, the same completion time (as precise as the file gives it), and
// the same problem cases, each in the same state.
func (rec *CallbackRecord) sameAs(pc PolicyCallback, layout string) bool {
	if pc.Result != rec.Result || pc.Method != rec.Method || len(pc.Cases) != len(rec.Cases) ||
		pc.FinishedAt.In(huifang.Shanghai).Format(layout) != rec.FinishedAt.In(huifang.Shanghai).Format(layout) {
		return false
	}
	used := make([]bool, len(pc.Cases))
	for _, want := range rec.Cases {
		found := false
		for i, got := range pc.Cases {
			if used[i] || got.Type != want.Type || got.OpenedOn != want.OpenedOn {
				continue
			}
			switch {
			case want.Status == huifang.ProblemOpen && got.Status.Final(),
				want.Status != huifang.ProblemOpen && (got.Status != want.Status || got.ClosedOn != want.ClosedOn):
				continue
			}
			used[i], found = true, true
			break
		}
		if !found {
			return false
		}
	}
	return true
}

// problemTypes reads the problem-type cell: zero or more types, by Chinese
// name or code, separated by 、 , ; | / or spaces.
func (r *rowCtx) problemTypes() []huifang.ProblemType {
	v := r.get(cTypes)
	if v == "" {
		return nil
	}
	parts := strings.FieldsFunc(v, func(c rune) bool {
		return strings.ContainsRune("、,，;；|/ \t", c)
	})
	var out []huifang.ProblemType
	seen := map[huifang.ProblemType]bool{}
	for _, p := range parts {
		t, ok := ParseProblemType(p)
		switch {
		case !ok:
			var names []string
			for _, t := range huifang.ProblemTypes {
				names = append(names, t.ZH())
			}
			r.fail(cTypes, v, "err.import.callback.unknown_type", p, strings.Join(names, "、"))
			return nil
		case seen[t]:
			r.fail(cTypes, v, "err.import.callback.type_twice", t.ZH())
			return nil
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// ParseProblemType accepts a problem-case type's Chinese name or code.
func ParseProblemType(s string) (huifang.ProblemType, bool) {
	s = strings.TrimSpace(s)
	for _, t := range huifang.ProblemTypes {
		if s == t.ZH() || strings.EqualFold(s, string(t)) {
			return t, true
		}
	}
	return "", false
}

// ParseCallbackKind reads a callback record's kind: 新单回访 (新单) or
// 孤儿保单回访 (孤儿保单), or the English code; only those two are reported.
func ParseCallbackKind(s string) (huifang.CallbackKind, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "新单回访", "新单", "new-business", "new_business":
		return huifang.KindNewBusiness, true
	case "孤儿保单回访", "孤儿保单", "orphan":
		return huifang.KindOrphan, true
	}
	return "", false
}

// ParseCallbackMethod reads how a callback was made: 电话, 电子化 (电子),
// 信函, 上门, with or without 回访, or the English code.
func ParseCallbackMethod(s string) (huifang.CallbackMethod, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimSuffix(s, "回访")
	switch s {
	case "电话", "phone":
		return huifang.MethodPhone, true
	case "电子", "电子化", "electronic":
		return huifang.MethodElectronic, true
	case "信函", "letter":
		return huifang.MethodLetter, true
	case "上门", "visit":
		return huifang.MethodVisit, true
	}
	return "", false
}

// ParseCallbackResult reads a callback's result: 成功, 完成但有问题, 未完成
// (a note in brackets after it, such as 未完成（未能联系）, is allowed), or
// the English code.
func ParseCallbackResult(s string) (huifang.CallbackResult, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "（("); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	s = strings.TrimPrefix(s, "回访")
	switch s {
	case "成功", "successful", "success":
		return huifang.ResultSuccessful, true
	case "完成但有问题", "完成有问题", "有问题", "problems":
		return huifang.ResultProblems, true
	case "未完成", "未能联系", "失败", "not-completed", "not_completed", "notcompleted":
		return huifang.ResultNotCompleted, true
	}
	return "", false
}

// ParseCaseOutcome reads how a problem case ended: 处理成功 (resolved) or
// 关闭未解决 (closed).
func ParseCaseOutcome(s string) (huifang.ProblemStatus, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "处理成功", "成功", "已办结", "已解决", "resolved":
		return huifang.ProblemResolved, true
	case "关闭未解决", "关闭（未解决）", "关闭(未解决)", "已关闭（未解决）", "已关闭(未解决)", "未解决", "关闭", "closed":
		return huifang.ProblemClosed, true
	}
	return "", false
}

// ParseDateTime reads a date (any form ParseDate takes) optionally followed
// by a time of day (14:30 or 14:30:05) in Beijing time. It returns the
// instant, and the layout of its precision, to compare it with a stored
// time as precisely as the file gives it. A date alone is its first instant.
func ParseDateTime(s string) (time.Time, string, error) {
	s = strings.TrimSpace(s)
	datePart, clockPart := s, ""
	if i := strings.IndexAny(s, " T"); i > 0 {
		datePart, clockPart = s[:i], strings.TrimSpace(s[i+1:])
	}
	d, err := ParseDate(datePart)
	if err != nil {
		return time.Time{}, "", err
	}
	layout := "2006-01-02"
	var hms [3]int
	if clockPart != "" {
		if !isClock(clockPart) {
			return time.Time{}, "", reason("err.import.callback.bad_time")
		}
		clockPart, _, _ = strings.Cut(strings.TrimSuffix(clockPart, "Z"), ".")
		parts := strings.Split(clockPart, ":")
		for i, p := range parts {
			hms[i], _ = strconv.Atoi(p)
		}
		layout = "2006-01-02 15:04"
		if len(parts) == 3 {
			layout = "2006-01-02 15:04:05"
		}
	}
	t := time.Date(d.Year(), d.Month(), d.Day(), hms[0], hms[1], hms[2], 0, huifang.Shanghai)
	return t.UTC(), layout, nil
}

// String shows a record for logs and tests.
func (rec CallbackRecord) String() string {
	return fmt.Sprintf("%s %s %s %s cases=%d", rec.PolicyNo, rec.Method, rec.Result, rec.FinishedAt.In(huifang.Shanghai).Format("2006-01-02 15:04"), len(rec.Cases))
}
