package indicator

import (
	"github.com/huifang/huifang"
)

// CallbackFact is what the indicators need of one callback owed to a policy:
// a new-business callback (pre-underwriting and re-callbacks are not owed to
// a policy and count nowhere), or an orphan-policy callback, which counts in
// the orphan columns only (Row.Orphans).
type CallbackFact struct {
	Orphan  bool // an orphan-policy callback (DOMAIN.md §6)
	DueOn   huifang.Date
	Branch  string
	Channel huifang.Channel
	Design  huifang.DesignType
	Aged60  bool // the policyholder was 60 or over on the deadline
	// Result is "" while the callback is open.
	Result     huifang.CallbackResult
	Method     huifang.CallbackMethod // how it was finished
	FinishedOn huifang.Date
	// Problems is the number of problem cases the callback opened.
	Problems int
	// RecalledOn (orphan callbacks only): the day a re-callback confirming
	// a problem case this callback opened ended successful; zero if none.
	// An orphan callback counts as successful (not successful in period)
	// then, as the departure gate counts it (docs/indicators.md,
	// "Orphan-policy callbacks").
	RecalledOn huifang.Date
	// CancelledOn: the policy was cancelled in its cooling-off period
	// (zero if not). A policy cancelled before its callback was finished
	// owes no callback and counts nowhere.
	CancelledOn huifang.Date
	// Seller is the agent, or the bank outlet for bancassurance: a
	// dimension of drill-downs, not of the stored counts.
	Seller string
}

// Counts reports whether the callback counts at all (see CancelledOn).
func (f CallbackFact) Counts() bool {
	if f.DueOn.IsZero() {
		return false // no receipt yet: no deadline, not due in any period
	}
	if f.CancelledOn.IsZero() {
		return true
	}
	return f.Result != "" && !f.FinishedOn.After(f.CancelledOn)
}

// CallbackKey is the group a callback's counts go to: the month of its
// deadline and the dimensions of DOMAIN.md §7.
type CallbackKey struct {
	Month   Period
	Branch  string
	Channel huifang.Channel
	Design  huifang.DesignType
	Orphan  bool
	Aged60  bool
	Method  huifang.CallbackMethod // "" while open
	Seller  string                 // see CallbackFact.Seller
}

// CallbackCounts are the additive counts of callbacks.
type CallbackCounts struct {
	Due                int64 `json:"due"`                  // deadline in the period
	Successful         int64 `json:"successful"`           // of those, finished successful, whenever
	SuccessfulInPeriod int64 `json:"successful_in_period"` // of those, finished successful by the deadline
	Completed          int64 `json:"completed"`            // of those, finished successful or with problems
	Problems           int64 `json:"problems"`             // problem cases the due callbacks opened
}

// Add adds o to c.
func (c *CallbackCounts) Add(o CallbackCounts, sign int64) {
	c.Due += sign * o.Due
	c.Successful += sign * o.Successful
	c.SuccessfulInPeriod += sign * o.SuccessfulInPeriod
	c.Completed += sign * o.Completed
	c.Problems += sign * o.Problems
}

// IsZero reports whether every count is zero.
func (c CallbackCounts) IsZero() bool { return c == CallbackCounts{} }

// Contribution is where the callback counts and what it adds there; ok is
// false when it counts nowhere.
func (f CallbackFact) Contribution() (key CallbackKey, n CallbackCounts, ok bool) {
	if !f.Counts() {
		return CallbackKey{}, CallbackCounts{}, false
	}
	key = CallbackKey{Month: MonthOf(f.DueOn), Branch: f.Branch, Channel: f.Channel, Design: f.Design, Orphan: f.Orphan, Aged60: f.Aged60, Seller: f.Seller}
	n.Due = 1
	switch f.Result {
	case huifang.ResultSuccessful:
		n.Successful, n.Completed = 1, 1
		if !f.FinishedOn.After(f.DueOn) {
			n.SuccessfulInPeriod = 1
		}
	case huifang.ResultProblems:
		n.Completed = 1
	}
	if f.Orphan && f.Result != huifang.ResultSuccessful && !f.RecalledOn.IsZero() {
		// Successful through the re-callback, as the departure gate counts
		// it; not successful in period, which counts the call itself.
		n.Successful, n.Completed = 1, 1
	}
	if f.Result != "" {
		key.Method = f.Method
	}
	n.Problems = int64(f.Problems)
	return key, n, true
}

// CaseFact is what the indicators need of one problem case.
type CaseFact struct {
	Type     huifang.ProblemType
	Branch   string // the branch of the policy
	Channel  huifang.Channel
	Design   huifang.DesignType
	OpenedOn huifang.Date
	DueOn    huifang.Date // the case's deadline
	// Status is the workflow status; resolved and closed cases are done.
	Status   huifang.ProblemStatus
	ClosedOn huifang.Date // when it was resolved or closed
	Seller   string       // see CallbackFact.Seller
}

// Done reports whether the case is resolved or closed.
func (f CaseFact) Done() bool {
	return f.Status == huifang.ProblemResolved || f.Status == huifang.ProblemClosed
}

// CaseKey is the group a case's counts go to.
type CaseKey struct {
	Month   Period
	Branch  string
	Channel huifang.Channel
	Design  huifang.DesignType
	Type    huifang.ProblemType
	Seller  string
}

// CaseCounts are the additive counts of problem cases.
type CaseCounts struct {
	Opened       int64 `json:"opened"`         // opened in the period (keyed by the opening month)
	Due          int64 `json:"due"`            // deadline in the period (the rest: keyed by the deadline's month)
	Resolved     int64 `json:"resolved"`       // of those, resolved successfully, whenever
	Closed       int64 `json:"closed"`         // of those, resolved or closed unresolved, whenever
	ClosedOnTime int64 `json:"closed_on_time"` // of those, done by the deadline
	Pending      int64 `json:"pending"`        // of those, not done yet
}

// Add adds o (times sign) to c.
func (c *CaseCounts) Add(o CaseCounts, sign int64) {
	c.Opened += sign * o.Opened
	c.Due += sign * o.Due
	c.Resolved += sign * o.Resolved
	c.Closed += sign * o.Closed
	c.ClosedOnTime += sign * o.ClosedOnTime
	c.Pending += sign * o.Pending
}

// IsZero reports whether every count is zero.
func (c CaseCounts) IsZero() bool { return c == CaseCounts{} }

// Contributions are where a case counts: its opening month (Opened) and its
// deadline's month (everything else); one entry when they are the same month.
func (f CaseFact) Contributions() map[CaseKey]CaseCounts {
	out := map[CaseKey]CaseCounts{}
	add := func(d huifang.Date, n CaseCounts) {
		if d.IsZero() {
			return
		}
		k := CaseKey{Month: MonthOf(d), Branch: f.Branch, Channel: f.Channel, Design: f.Design, Type: f.Type, Seller: f.Seller}
		c := out[k]
		c.Add(n, 1)
		out[k] = c
	}
	add(f.OpenedOn, CaseCounts{Opened: 1})
	var n CaseCounts
	n.Due = 1
	switch {
	case f.Done():
		n.Closed = 1
		if f.Status == huifang.ProblemResolved {
			n.Resolved = 1
		}
		if !f.ClosedOn.After(f.DueOn) {
			n.ClosedOnTime = 1
		}
	default:
		n.Pending = 1
	}
	add(f.DueOn, n)
	return out
}
