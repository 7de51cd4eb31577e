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

// Indicator is one figure's definition.
type Indicator struct {
	ID      string
	ZH, EN  string // names
	Formula string // in Chinese, as shown beside the figure
	// FormulaEN in English.
	FormulaEN string
}

// The indicators (DOMAIN.md §7). Their IDs are used in the API, exports and
// the counts they are formed from.
var (
	SuccessRate = Indicator{"success_rate", "回访成功率", "Callback success rate",
		"回访成功件数 ÷ 应回访件数（回访截止日在本期的保单）", "successful callbacks ÷ due callbacks (deadline in the period)"}
	InPeriodSuccessRate = Indicator{"in_period_success_rate", "犹豫期内回访成功率", "In-period success rate",
		"截止日前（含当日）回访成功件数 ÷ 应回访件数", "callbacks successful by their deadline ÷ due callbacks"}
	CompletionRate = Indicator{"completion_rate", "回访完成率", "Completion rate",
		"（回访成功件数 + 完成但有问题件数）÷ 应回访件数", "(successful + completed with problems) ÷ due callbacks"}
	ProblemRate = Indicator{"problem_rate", "问题件率", "Problem-case rate",
		"应回访保单的回访开立的问题件数 ÷ 回访完成件数", "problem cases opened by the due callbacks ÷ completed callbacks"}
	ResolutionRate = Indicator{"resolution_rate", "问题件处理成功率", "Problem-case resolution rate",
		"处理成功（整改后回访确认）的问题件数 ÷ 处理时限在本期的问题件数", "problem cases resolved successfully ÷ problem cases due in the period"}
	ClosureRate = Indicator{"closure_rate", "问题件办结率", "Problem-case closure rate",
		"已办结（处理成功或关闭）的问题件数 ÷ 处理时限在本期的问题件数", "problem cases resolved or closed ÷ problem cases due in the period"}
	OnTimeRate = Indicator{"on_time_rate", "问题件按时办结率", "Problem-case on-time rate",
		"在处理时限内办结的问题件数 ÷ 已办结的问题件数", "problem cases done within their limit ÷ problem cases done"}
	OrphanRate = Indicator{"orphan_rate", "孤儿保单回访成功率", "Orphan-policy callback rate",
		"回访成功的孤儿保单数 ÷ 应回访的孤儿保单数", "orphan policies called back successfully ÷ orphan policies due"}
)

// Indicators lists them in the order tables show them.
var Indicators = []Indicator{SuccessRate, InPeriodSuccessRate, CompletionRate, ProblemRate, ResolutionRate, ClosureRate, OnTimeRate, OrphanRate}

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
