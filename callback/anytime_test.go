package callback

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
)

// TestAnyTime: the demo's hours allow a call at 22:30 and on a rest day, and
// the next opening is now; the default hours refuse both.
func TestAnyTime(t *testing.T) {
	sunday := func(huifang.Date) (bool, error) { return true, nil }
	late := time.Date(2026, 3, 8, 22, 30, 0, 0, huifang.Shanghai) // a Sunday
	demo := Hours{AnyTime: true}
	if ok, err := demo.Allowed(late, sunday); err != nil || !ok {
		t.Fatalf("demo hours refuse 22:30 on a rest day: %v %v", ok, err)
	}
	if next, err := demo.NextOpen(late, sunday); err != nil || !next.Equal(late) {
		t.Fatalf("demo hours open next at %v (%v), want now", next, err)
	}
	real := Hours{}
	if ok, _ := real.Allowed(late, nil); ok {
		t.Fatal("default hours allow 22:30")
	}
	if ok, _ := real.Allowed(late.Add(-12*time.Hour), sunday); ok {
		t.Fatal("default hours allow a rest day")
	}
}
