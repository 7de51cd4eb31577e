package callback

import (
	"github.com/huifang/huifang"
	"github.com/huifang/huifang/workday"
)

// Planning is what decides a policy's callbacks besides the policy, its
// product and its insurer: the rule profile in force on the day of planning
// (its scope and whether a cooling-off period ending on a rest day runs on,
// DOMAIN.md §3, §9) and that day itself.
type Planning struct {
	Scope Scope
	// RunsOn: a cooling-off period ending on a rest day runs on to the next
	// working day of Calendar (the Civil Code's default for periods; off
	// unless the profile says so).
	RunsOn   bool
	Calendar *workday.Calendar
	// Today is the day of planning. A policy issued on or before it has
	// passed underwriting, so no callback before underwriting is planned for
	// it; zero means any issue date counts as issued.
	Today huifang.Date
}

// CoolingOffEnd is the last day of a cooling-off period of days calendar
// days from the receipt date (Deadline), run on to the next working day
// when runsOn and the period ends on a rest day of cal: a Saturday or
// Sunday, or a public holiday; a make-up working day (调休上班) is a working
// day, so a period ending on one does not run on. A year cal lacks leaves
// the period where it ends, the stricter reading, rather than refuse the
// policy; administrators are warned from 1 October to load next year.
func CoolingOffEnd(receipt huifang.Date, days int, runsOn bool, cal *workday.Calendar) huifang.Date {
	end := Deadline(receipt, days)
	if !runsOn || cal == nil || end.IsZero() {
		return end
	}
	if next, err := cal.NextWorkingDay(end); err == nil {
		return next
	}
	return end
}

// Issued reports whether the policy was issued on or before today (any
// issue date when today is zero).
func Issued(p huifang.Policy, today huifang.Date) bool {
	if p.IssuedOn.IsZero() {
		return false
	}
	return today.IsZero() || !p.IssuedOn.After(today)
}

// PlanWith lists the callbacks a policy needs, earliest first, under pl:
// none when it is out of pl's scope; the pre-underwriting callback when the
// org or the product turns it on, the application date is known and the
// policy is not issued yet (once issued, underwriting is over and only the
// new-business callback is left); the new-business callback once the
// receipt date is known, due at the end of the cooling-off period
// (CoolingOffEnd). It is meant to be called again whenever the policy
// changes; the caller creates each kind at most once per policy.
func PlanWith(p huifang.Policy, prod huifang.Product, org huifang.Org, pl Planning) []Planned {
	if !pl.Scope.InScope(p, prod) {
		return nil
	}
	var out []Planned
	if (org.PreUnderwritingCallback || prod.PreUnderwritingCallback) && !p.AppliedOn.IsZero() && !Issued(p, pl.Today) {
		out = append(out, Planned{Kind: huifang.KindPreUnderwriting, DueOn: PreUnderwritingDue(p.AppliedOn)})
	}
	if !p.ReceiptOn.IsZero() {
		out = append(out, Planned{Kind: huifang.KindNewBusiness, DueOn: CoolingOffEnd(p.ReceiptOn, CoolingOffDays(p, prod), pl.RunsOn, pl.Calendar)})
	}
	return out
}
