package callback

import (
	"time"

	"github.com/huifang/huifang"
)

// DefaultCoolingOffDays is the cooling-off period when a product sets none,
// and the floor for bancassurance and long-term health (DOMAIN.md §3).
const DefaultCoolingOffDays = 15

// PreUnderwritingDays is how many calendar days after the application the
// pre-underwriting callback is due.
const PreUnderwritingDays = 3

// Deadline is the end of the cooling-off period: the receipt date plus
// coolingOffDays calendar days, the receipt day itself not counted (Chinese
// law starts a period on the next day), so 2026-03-02 with 15 days gives
// 2026-03-17. Days <= 0 mean DefaultCoolingOffDays. An unknown receipt date
// gives the zero Date, because the period has not started.
func Deadline(receipt huifang.Date, coolingOffDays int) huifang.Date {
	if receipt.IsZero() {
		return huifang.Date{}
	}
	if coolingOffDays <= 0 {
		coolingOffDays = DefaultCoolingOffDays
	}
	return receipt.AddDays(coolingOffDays)
}

// CoolingOffDays is the cooling-off period that applies to the policy: the
// product's setting, raised to DefaultCoolingOffDays for bancassurance and
// health, because for those the rules set 15 days as a minimum and a shorter
// product setting must not shorten the customer's right.
func CoolingOffDays(p huifang.Policy, prod huifang.Product) int {
	days := prod.CoolingOffDays
	if days <= 0 {
		return DefaultCoolingOffDays
	}
	if (p.Channel == huifang.ChannelBank || prod.Design == huifang.DesignHealth) && days < DefaultCoolingOffDays {
		return DefaultCoolingOffDays
	}
	return days
}

// Late reports whether a callback finished after the end of its due day in
// Asia/Shanghai. A zero due date is never late: there was no deadline yet.
func Late(due huifang.Date, finished time.Time) bool {
	if due.IsZero() {
		return false
	}
	return finished.After(due.End())
}

// PreUnderwritingDue is when the pre-underwriting callback is due: the
// application date plus PreUnderwritingDays. It counts from the application
// because the issue date is not known before underwriting, and three days
// fits the usual underwriting turnaround, so the call comes before the policy
// is issued. An unknown application date gives the zero Date.
func PreUnderwritingDue(applied huifang.Date) huifang.Date {
	if applied.IsZero() {
		return huifang.Date{}
	}
	return applied.AddDays(PreUnderwritingDays)
}

// Planned is a callback a policy needs, with its due date.
type Planned struct {
	Kind  huifang.CallbackKind
	DueOn huifang.Date
}

// Plan lists the callbacks a policy needs under scope, with no run-on of
// the cooling-off period and any issue date counting as issued: PlanWith
// with only the scope.
func Plan(p huifang.Policy, prod huifang.Product, org huifang.Org, scope Scope) []Planned {
	return PlanWith(p, prod, org, Planning{Scope: scope})
}
