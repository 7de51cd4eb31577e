// Package throttle is the one rule for repeated failed checks — passwords at
// the login form and the ID digits and codes of an electronic callback's link:
// how many failures are free, how long each further try must wait, and when
// the subject is locked. It keeps no state and reads no clock: callers store
// the count and the time of the last failure and pass the time in.
//
//	failures:  0 … Backoff-1   Backoff … Lock-1              Lock …
//	next try:  at once         Base·2^(failures−Backoff)      locked for LockFor
//	                           (at most Max) after the last    (for good when 0)
package throttle

import "time"

// Forever is the wait of a lock that never ends.
const Forever = time.Duration(1<<63 - 1)

// Rule turns a count of failures into the wait before the next try.
type Rule struct {
	Backoff int           // failures from which each further try waits; 0: never waits before the lock
	Base    time.Duration // the wait after Backoff failures, doubling with each further one
	Max     time.Duration // the longest back-off wait; 0: no limit
	Lock    int           // failures that lock; 0: never
	LockFor time.Duration // how long a lock lasts after the last failure; 0: for good
	Forget  time.Duration // a count whose last failure is this old starts again; 0: never
}

// Login is the rule for passwords, per login: five free tries, then a wait
// doubling from 2 s, and after ten failures a lock of 15 minutes. A
// successful login starts the count again.
var Login = Rule{Backoff: 5, Base: 2 * time.Second, Max: 5 * time.Minute, Lock: 10, LockFor: 15 * time.Minute, Forget: 24 * time.Hour}

// Address is the rule for passwords per client address. Many people may share
// one address (an office behind one gateway), so it allows more failures than
// Login before it waits and locks, and forgets them sooner; it stops one
// address guessing across many logins.
var Address = Rule{Backoff: 10, Base: 2 * time.Second, Max: 5 * time.Minute, Lock: 20, LockFor: 15 * time.Minute, Forget: time.Hour}

// Link is the rule for an electronic callback's link: five failed identity or
// code checks lock it for good, and the callback goes back to the phone.
var Link = Rule{Lock: 5}

// Locked reports whether failures reach the lock.
func (r Rule) Locked(failures int) bool { return r.Lock > 0 && failures >= r.Lock }

// Stale reports whether a count whose last failure was at last is forgotten
// at now, so that the next failure counts as the first.
func (r Rule) Stale(last, now time.Time) bool {
	return r.Forget > 0 && !last.IsZero() && now.Sub(last) >= r.Forget
}

// Wait is how long from now the next try must wait after failures failures,
// the last of them at last: 0 when it may go ahead, Forever for a lock that
// never ends.
func (r Rule) Wait(failures int, last, now time.Time) time.Duration {
	if failures <= 0 || r.Stale(last, now) {
		return 0
	}
	var d time.Duration
	switch {
	case r.Locked(failures):
		if r.LockFor == 0 {
			return Forever
		}
		d = r.LockFor
	case r.Backoff > 0 && failures >= r.Backoff:
		d = r.Base
		for i := r.Backoff; i < failures && (r.Max == 0 || d < r.Max); i++ {
			d *= 2
		}
		if r.Max > 0 && d > r.Max {
			d = r.Max
		}
	default:
		return 0
	}
	if w := last.Add(d).Sub(now); w > 0 {
		return w
	}
	return 0
}
