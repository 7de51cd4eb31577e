package callback

import (
	"testing"
	"time"
)

func TestExhausted(t *testing.T) {
	times := func(ss ...string) []time.Time {
		var out []time.Time
		for _, s := range ss {
			out = append(out, at(t, s))
		}
		return out
	}
	tests := []struct {
		name   string
		p      AttemptPolicy
		failed []time.Time
		want   bool
	}{
		{"none", DefaultAttempts, nil, false},
		{"three the same day", DefaultAttempts, times("2026-03-03 10:00:00", "2026-03-03 14:00:00", "2026-03-03 19:00:00"), false},
		{"three days one slot", DefaultAttempts, times("2026-03-03 10:00:00", "2026-03-04 10:00:00", "2026-03-05 11:00:00"), false},
		{"three days two slots", DefaultAttempts, times("2026-03-03 10:00:00", "2026-03-04 14:00:00", "2026-03-05 11:00:00"), true},
		{"three days three slots", DefaultAttempts, times("2026-03-03 10:00:00", "2026-03-04 14:00:00", "2026-03-05 19:00:00"), true},
		{"two days two slots", DefaultAttempts, times("2026-03-03 10:00:00", "2026-03-04 14:00:00"), false},
		{"four attempts on two days", DefaultAttempts, times("2026-03-03 10:00:00", "2026-03-03 14:00:00", "2026-03-04 10:00:00", "2026-03-04 19:00:00"), false},
		{"order does not matter", DefaultAttempts, times("2026-03-05 11:00:00", "2026-03-03 10:00:00", "2026-03-04 14:00:00"), true},
		{"days are Shanghai days", DefaultAttempts, []time.Time{
			time.Date(2026, 3, 3, 15, 0, 0, 0, time.UTC), // 23:00 on the 3rd
			time.Date(2026, 3, 3, 16, 0, 0, 0, time.UTC), // 00:00 on the 4th
			time.Date(2026, 3, 4, 16, 0, 0, 0, time.UTC), // 00:00 on the 5th
		}, true},
		{"zero policy is the default", AttemptPolicy{}, times("2026-03-03 10:00:00", "2026-03-04 14:00:00", "2026-03-05 11:00:00"), true},
		{"zero policy, one slot", AttemptPolicy{}, times("2026-03-03 10:00:00", "2026-03-04 10:00:00", "2026-03-05 11:00:00"), false},
		{"stricter: five attempts", AttemptPolicy{MinAttempts: 5}, times("2026-03-03 10:00:00", "2026-03-04 14:00:00", "2026-03-05 11:00:00"), false},
		{"laxer: one day one slot", AttemptPolicy{MinAttempts: 2, MinDays: 1, MinSlots: 1}, times("2026-03-03 10:00:00", "2026-03-03 11:00:00"), true},
		{"three slots required", AttemptPolicy{MinSlots: 3}, times("2026-03-03 10:00:00", "2026-03-04 14:00:00", "2026-03-05 11:00:00"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Exhausted(tt.failed); got != tt.want {
				t.Errorf("Exhausted = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNextTry(t *testing.T) {
	tests := []struct {
		name string
		h    Hours
		last string
		rest RestDayFunc
		want string
	}{
		{"morning to afternoon", Hours{}, "2026-03-05 09:30:00", restDay2026, "2026-03-05 12:00:00"},
		{"afternoon to evening", Hours{}, "2026-03-05 15:00:00", restDay2026, "2026-03-05 18:00:00"},
		{"evening to next morning", Hours{}, "2026-03-05 19:30:00", restDay2026, "2026-03-06 09:00:00"},
		{"Friday evening to Monday morning", Hours{}, "2026-03-06 19:30:00", restDay2026, "2026-03-09 09:00:00"},
		{"Friday evening, rest days allowed", Hours{RestDays: true}, "2026-03-06 19:30:00", restDay2026, "2026-03-07 09:00:00"},
		{"calls end at 18:00", Hours{End: 18 * time.Hour}, "2026-03-05 15:00:00", nil, "2026-03-06 09:00:00"},
		{"calls start at 13:00", Hours{Start: 13 * time.Hour}, "2026-03-05 19:00:00", nil, "2026-03-06 13:00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultAttempts.NextTry(at(t, tt.last), tt.h, tt.rest)
			if err != nil {
				t.Fatal(err)
			}
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("NextTry = %s, want %s", got.In(at(t, tt.want).Location()), want)
			}
			if SlotOf(got) == SlotOf(at(t, tt.last)) {
				t.Errorf("NextTry %s is in the same slot as %s", got, tt.last)
			}
		})
	}
}
