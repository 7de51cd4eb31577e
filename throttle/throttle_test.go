package throttle

import (
	"testing"
	"time"
)

// clock is a fake clock that the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time      { return c.t }
func (c *clock) Add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)} }

func TestLoginRuleWaits(t *testing.T) {
	now := time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {4, 0},
		{5, 2 * time.Second}, {6, 4 * time.Second}, {7, 8 * time.Second}, {8, 16 * time.Second}, {9, 32 * time.Second},
		{10, 15 * time.Minute}, {11, 15 * time.Minute}, {1000, 15 * time.Minute},
	} {
		if got := Login.Wait(tc.failures, now, now); got != tc.want {
			t.Errorf("Login.Wait(%d failures, just now) = %v, want %v", tc.failures, got, tc.want)
		}
	}
	if got := Login.Wait(7, now, now.Add(3*time.Second)); got != 5*time.Second {
		t.Errorf("the wait runs from the last failure: %v, want 5s", got)
	}
	if got := Login.Wait(10, now, now.Add(15*time.Minute)); got != 0 {
		t.Errorf("a lock ends after LockFor: %v", got)
	}
	if got := Login.Wait(9, now, now.Add(24*time.Hour)); got != 0 || !Login.Stale(now, now.Add(24*time.Hour)) {
		t.Errorf("a day-old count is forgotten: wait %v", got)
	}
}

func TestMaxCapsTheBackoff(t *testing.T) {
	r := Rule{Backoff: 1, Base: time.Second, Max: 10 * time.Second}
	now := time.Now()
	if got := r.Wait(60, now, now); got != 10*time.Second {
		t.Errorf("Wait(60) = %v, want the cap of 10s (and no overflow)", got)
	}
}

// TestGuessingWithAFakeClock plays an attacker who tries again the moment the
// rule allows: in an hour they get 11 tries, not thousands, and from the tenth
// failure on they wait out a lock each time.
func TestGuessingWithAFakeClock(t *testing.T) {
	clk := newClock()
	start := clk.Now()
	failures, last, tries := 0, time.Time{}, 0
	for clk.Now().Sub(start) < time.Hour {
		if w := Login.Wait(failures, last, clk.Now()); w > 0 {
			clk.Add(w)
			continue
		}
		tries++
		failures++
		last = clk.Now()
		clk.Add(time.Millisecond)
	}
	// 5 at once, 5 more after 2+4+8+16+32 s, then one per 15-minute lock.
	if tries != 13 {
		t.Errorf("tries in an hour = %d, want 13", tries)
	}
	if !Login.Locked(failures) {
		t.Errorf("after %d failures the login should be locked", failures)
	}
}

func TestLinkLocksForGood(t *testing.T) {
	now := time.Now()
	for n := 0; n < 5; n++ {
		if Link.Wait(n, now, now) != 0 || Link.Locked(n) {
			t.Errorf("%d failures should not lock a link", n)
		}
	}
	if !Link.Locked(5) || Link.Wait(5, now, now.Add(1000*time.Hour)) != Forever {
		t.Error("5 failures lock a link for good")
	}
}

func TestAddressAllowsMoreThanLogin(t *testing.T) {
	now := time.Now()
	if Address.Wait(9, now, now) != 0 || Address.Wait(10, now, now) == 0 || !Address.Locked(20) || Address.Locked(19) {
		t.Error("the address rule: free up to 9 failures, waits from 10, locks at 20")
	}
}
