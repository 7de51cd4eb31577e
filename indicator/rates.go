package indicator

import (
	"fmt"
	"math/big"
)

// Rate is a ratio with its numerator and denominator, so that a page can
// show both beside the figure.
type Rate struct {
	Num, Den int64
}

// Defined reports whether the rate has a denominator.
func (r Rate) Defined() bool { return r.Den > 0 }

// Value is Num ÷ Den, 0 when undefined.
func (r Rate) Value() float64 {
	if r.Den <= 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// Percent writes the rate as a percentage with two decimals, rounded half
// up exactly ("96.41%"), or "—" when it has no denominator.
func (r Rate) Percent() string {
	if r.Den <= 0 {
		return "—"
	}
	// Exact: 100·Num/Den to two decimals, rounded half up.
	q := new(big.Rat).SetFrac64(r.Num*10000, r.Den)
	q.Add(q, big.NewRat(1, 2))
	hundredths := new(big.Int).Quo(q.Num(), q.Denom()).Int64()
	return fmt.Sprintf("%d.%02d%%", hundredths/100, hundredths%100)
}

// Indicator is one figure's definition. Its name and formula, as shown
// beside the figure, are in the catalog (package i18n) under NameKey and
// FormulaKey.
type Indicator struct {
	ID string
}

// NameKey is the catalog key of the indicator's name.
func (d Indicator) NameKey() string { return "indicator." + d.ID + ".name" }

// FormulaKey is the catalog key of the indicator's formula.
func (d Indicator) FormulaKey() string { return "indicator." + d.ID + ".formula" }

// The indicators (DOMAIN.md §7). Their IDs are used in the API, exports and
// the counts they are formed from.
var (
	SuccessRate         = Indicator{"success_rate"}
	InPeriodSuccessRate = Indicator{"in_period_success_rate"}
	CompletionRate      = Indicator{"completion_rate"}
	ProblemRate         = Indicator{"problem_rate"}
	ResolutionRate      = Indicator{"resolution_rate"}
	ClosureRate         = Indicator{"closure_rate"}
	OnTimeRate          = Indicator{"on_time_rate"}
	OrphanRate          = Indicator{"orphan_rate"}
)

// Indicators lists them in the order tables show them.
var Indicators = []Indicator{SuccessRate, InPeriodSuccessRate, CompletionRate, ProblemRate, ResolutionRate, ClosureRate, OnTimeRate, OrphanRate}

// ByID finds an indicator by its ID.
func ByID(id string) (Indicator, bool) {
	for _, d := range Indicators {
		if d.ID == id {
			return d, true
		}
	}
	return Indicator{}, false
}

// Rate is the row's figure of the indicator with the given ID; false for
// an unknown ID.
func (r Row) Rate(id string) (Rate, bool) {
	c, k := r.Callbacks, r.Cases
	switch id {
	case SuccessRate.ID:
		return c.SuccessRate(), true
	case InPeriodSuccessRate.ID:
		return c.InPeriodSuccessRate(), true
	case CompletionRate.ID:
		return c.CompletionRate(), true
	case ProblemRate.ID:
		return c.ProblemRate(), true
	case ResolutionRate.ID:
		return k.ResolutionRate(), true
	case ClosureRate.ID:
		return k.ClosureRate(), true
	case OnTimeRate.ID:
		return k.OnTimeRate(), true
	case OrphanRate.ID:
		return r.OrphanRate(), true
	}
	return Rate{}, false
}

// Rates of callback counts.
func (c CallbackCounts) SuccessRate() Rate         { return Rate{c.Successful, c.Due} }
func (c CallbackCounts) InPeriodSuccessRate() Rate { return Rate{c.SuccessfulInPeriod, c.Due} }
func (c CallbackCounts) CompletionRate() Rate      { return Rate{c.Completed, c.Due} }
func (c CallbackCounts) ProblemRate() Rate         { return Rate{c.Problems, c.Completed} }

// Rates of problem-case counts.
func (c CaseCounts) ResolutionRate() Rate { return Rate{c.Resolved, c.Due} }
func (c CaseCounts) ClosureRate() Rate    { return Rate{c.Closed, c.Due} }
func (c CaseCounts) OnTimeRate() Rate     { return Rate{c.ClosedOnTime, c.Closed} }

// Overdue is the number of the period's due cases past their deadline and
// not done by it, as of a day: those done late, and those still pending
// whose deadline has passed (pendingPastDue, which the caller counts: it
// changes with the date, not with the case).
func (c CaseCounts) Overdue(pendingPastDue int64) int64 {
	return c.Closed - c.ClosedOnTime + pendingPastDue
}

// DoubleHundred reports whether a company meets the "double 100%" standard
// (双百, DOMAIN.md §7): every due callback called back successfully (at
// least one due) and every problem case due resolved successfully — a
// company with no problem case due meets the second half.
func DoubleHundred(success, resolution Rate) bool {
	return success.Den > 0 && success.Num == success.Den && resolution.Num == resolution.Den
}
