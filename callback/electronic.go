package callback

import (
	"slices"

	"github.com/huifang/huifang"
)

// ElderlyAge is the age from which a customer stays on the phone unless they
// chose an electronic callback themselves (DOMAIN.md §4).
const ElderlyAge = 60

// DefaultFallbackDays is how many days before the deadline an unfinished
// electronic callback falls back to the phone when the profile sets none.
const DefaultFallbackDays = 3

// Age is how old someone born on birth is on day d, or -1 when either date
// is unknown.
func Age(birth, d huifang.Date) int {
	if birth.IsZero() || d.IsZero() {
		return -1
	}
	a := d.Year() - birth.Year()
	if d.Month() < birth.Month() || (d.Month() == birth.Month() && d.Day() < birth.Day()) {
		a--
	}
	return a
}

// ElectronicFirst reports whether a new-business callback starts as an
// electronic one: always when the customer chose it; never when they chose
// the phone; otherwise when the rule profile makes it the default for the
// product's design type (defaults) and the customer is known to be under
// ElderlyAge on day today.
func ElectronicFirst(chosen huifang.CallbackMethod, design huifang.DesignType, defaults []huifang.DesignType, birth, today huifang.Date) bool {
	switch chosen {
	case huifang.MethodElectronic:
		return true
	case huifang.MethodPhone:
		return false
	}
	if !slices.Contains(defaults, design) {
		return false
	}
	age := Age(birth, today)
	return age >= 0 && age < ElderlyAge
}

// FallbackOn is the day an unfinished electronic callback goes back to the
// phone: days before the deadline (DefaultFallbackDays when days <= 0), so
// that operators still have those days to call.
func FallbackOn(due huifang.Date, days int) huifang.Date {
	if days <= 0 {
		days = DefaultFallbackDays
	}
	return due.AddDays(-days)
}

// ElectronicOpen reports whether a link may still be issued or used on day
// today: before the fallback day of the deadline due.
func ElectronicOpen(due, today huifang.Date, fallbackDays int) bool {
	return !due.IsZero() && today.Before(FallbackOn(due, fallbackDays))
}
