package callback

import (
	"time"

	"github.com/huifang/huifang"
)

// AttemptPolicy says when a customer who does not answer counts as "cannot
// contact" (DOMAIN.md §4). There is no national minimum, so it belongs to the
// rule profile; a field <= 0 takes its default from DefaultAttempts.
type AttemptPolicy struct {
	MinAttempts int // failed phone attempts
	MinDays     int // on at least this many distinct Shanghai days
	MinSlots    int // in at least this many distinct slots
}

// DefaultAttempts is the default policy: 3 attempts on 3 days in 2 slots.
var DefaultAttempts = AttemptPolicy{MinAttempts: 3, MinDays: 3, MinSlots: 2}

// withDefaults fills fields that are not set.
func (p AttemptPolicy) withDefaults() AttemptPolicy {
	if p.MinAttempts <= 0 {
		p.MinAttempts = DefaultAttempts.MinAttempts
	}
	if p.MinDays <= 0 {
		p.MinDays = DefaultAttempts.MinDays
	}
	if p.MinSlots <= 0 {
		p.MinSlots = DefaultAttempts.MinSlots
	}
	return p
}

// Exhausted reports whether the failed phone attempts satisfy the policy, so
// the callback may be closed as "cannot contact". All three minimums must
// hold: many calls on one morning prove nothing about the customer.
func (p AttemptPolicy) Exhausted(failed []time.Time) bool {
	p = p.withDefaults()
	if len(failed) < p.MinAttempts {
		return false
	}
	days, slots := spread(failed)
	return days >= p.MinDays && slots >= p.MinSlots
}

// spread counts the distinct Shanghai days and slots of the attempts.
func spread(at []time.Time) (days, slots int) {
	ds := make(map[huifang.Date]bool)
	ss := make(map[Slot]bool)
	for _, t := range at {
		ds[huifang.DateOf(t)] = true
		ss[SlotOf(t)] = true
	}
	return len(ds), len(ss)
}

// NextTry is when to offer the callback again after a failed attempt at
// last: the start of the next slot, so that the next try falls in another
// slot, moved on to the next moment hours allow (isRestDay as for
// Hours.Allowed). After an evening attempt this is the next calling morning,
// which also adds a day.
func (p AttemptPolicy) NextTry(last time.Time, hours Hours, isRestDay RestDayFunc) (time.Time, error) {
	return hours.NextOpen(nextSlotStart(last), isRestDay)
}
