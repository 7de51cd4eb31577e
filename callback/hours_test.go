package callback

import (
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang"
)

func TestHoursAllowed(t *testing.T) {
	// 2026-03-06 is a Friday, 2026-03-07 a Saturday, 2026-02-28 a make-up
	// working Saturday, 2026-10-01 National Day (a Thursday).
	tests := []struct {
		name string
		h    Hours
		t    time.Time
		rest RestDayFunc
		want bool
	}{
		{"08:59:59", Hours{}, at(t, "2026-03-06 08:59:59"), nil, false},
		{"09:00", Hours{}, at(t, "2026-03-06 09:00:00"), nil, true},
		{"12:30", Hours{}, at(t, "2026-03-06 12:30:00"), nil, true},
		{"19:59", Hours{}, at(t, "2026-03-06 19:59:00"), nil, true},
		{"19:59:59", Hours{}, at(t, "2026-03-06 19:59:59"), nil, true},
		{"20:00", Hours{}, at(t, "2026-03-06 20:00:00"), nil, false},
		{"midnight", Hours{}, at(t, "2026-03-06 00:00:00"), nil, false},
		{"UTC 01:00 is 09:00 in Shanghai", Hours{}, time.Date(2026, 3, 6, 1, 0, 0, 0, time.UTC), nil, true},
		{"UTC 12:00 is 20:00 in Shanghai", Hours{}, time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC), nil, false},
		{"Saturday without calendar", Hours{}, at(t, "2026-03-07 10:00:00"), nil, true},
		{"Saturday", Hours{}, at(t, "2026-03-07 10:00:00"), restDay2026, false},
		{"Saturday, rest days allowed", Hours{RestDays: true}, at(t, "2026-03-07 10:00:00"), restDay2026, true},
		{"make-up working Saturday", Hours{}, at(t, "2026-02-28 10:00:00"), restDay2026, true},
		{"National Day", Hours{}, at(t, "2026-10-01 10:00:00"), restDay2026, false},
		{"working Friday", Hours{}, at(t, "2026-03-06 10:00:00"), restDay2026, true},
		{"Saturday, out of hours anyway", Hours{}, at(t, "2026-03-07 21:00:00"), restDay2026, false},
		{"custom 08:30", Hours{Start: 8*time.Hour + 30*time.Minute, End: 21 * time.Hour}, at(t, "2026-03-06 08:30:00"), nil, true},
		{"custom 20:30", Hours{Start: 8*time.Hour + 30*time.Minute, End: 21 * time.Hour}, at(t, "2026-03-06 20:30:00"), nil, true},
		{"custom 21:00", Hours{Start: 8*time.Hour + 30*time.Minute, End: 21 * time.Hour}, at(t, "2026-03-06 21:00:00"), nil, false},
		{"only end set", Hours{End: 18 * time.Hour}, at(t, "2026-03-06 18:00:00"), nil, false},
		{"only end set, start default", Hours{End: 18 * time.Hour}, at(t, "2026-03-06 08:59:00"), nil, false},
		{"nonsense window falls back", Hours{Start: 20 * time.Hour, End: 9 * time.Hour}, at(t, "2026-03-06 10:00:00"), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.h.Allowed(tt.t, tt.rest)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Allowed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHoursAllowedCalendarError(t *testing.T) {
	_, err := Hours{}.Allowed(at(t, "2027-03-01 10:00:00"), restDay2026)
	if !errors.Is(err, errNoCalendar) {
		t.Errorf("Allowed error = %v, want the calendar's error", err)
	}
	// Rest days allowed: the calendar is not needed, so its gap does not matter.
	if ok, err := (Hours{RestDays: true}).Allowed(at(t, "2027-03-01 10:00:00"), restDay2026); err != nil || !ok {
		t.Errorf("Allowed = %v, %v; want true, nil", ok, err)
	}
}

func TestHoursNextOpen(t *testing.T) {
	tests := []struct {
		name string
		h    Hours
		t    time.Time
		rest RestDayFunc
		want time.Time
	}{
		{"open now", Hours{}, at(t, "2026-03-06 10:15:00"), restDay2026, at(t, "2026-03-06 10:15:00")},
		{"before opening", Hours{}, at(t, "2026-03-06 08:59:59"), restDay2026, at(t, "2026-03-06 09:00:00")},
		{"at closing", Hours{}, at(t, "2026-03-05 20:00:00"), restDay2026, at(t, "2026-03-06 09:00:00")},
		{"Friday evening to Monday", Hours{}, at(t, "2026-03-06 20:00:00"), restDay2026, at(t, "2026-03-09 09:00:00")},
		{"Friday evening, no calendar", Hours{}, at(t, "2026-03-06 20:00:00"), nil, at(t, "2026-03-07 09:00:00")},
		{"Friday evening, rest days allowed", Hours{RestDays: true}, at(t, "2026-03-06 20:00:00"), restDay2026, at(t, "2026-03-07 09:00:00")},
		{"Saturday noon", Hours{}, at(t, "2026-03-07 12:00:00"), restDay2026, at(t, "2026-03-09 09:00:00")},
		{"over the Spring Festival", Hours{}, at(t, "2026-02-16 10:00:00"), restDay2026, at(t, "2026-02-24 09:00:00")},
		{"over the National Day holiday", Hours{}, at(t, "2026-09-30 20:30:00"), restDay2026, at(t, "2026-10-08 09:00:00")},
		{"custom start", Hours{Start: 10 * time.Hour, End: 19 * time.Hour}, at(t, "2026-03-05 19:00:00"), restDay2026, at(t, "2026-03-06 10:00:00")},
		{"UTC input", Hours{}, time.Date(2026, 3, 5, 23, 0, 0, 0, time.UTC), restDay2026, at(t, "2026-03-06 09:00:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.h.NextOpen(tt.t, tt.rest)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("NextOpen = %s, want %s", got.In(huifang.Shanghai), tt.want)
			}
			if ok, _ := tt.h.Allowed(got, tt.rest); !ok {
				t.Errorf("NextOpen gave %s, which is not allowed", got)
			}
		})
	}
}

func TestHoursNextOpenErrors(t *testing.T) {
	if _, err := (Hours{}).NextOpen(at(t, "2026-12-31 20:00:00"), restDay2026); !errors.Is(err, errNoCalendar) {
		t.Errorf("into an unknown year: error = %v, want the calendar's error", err)
	}
	always := func(huifang.Date) (bool, error) { return true, nil }
	if _, err := (Hours{}).NextOpen(at(t, "2026-03-06 10:00:00"), always); err == nil {
		t.Error("no calling day at all: want an error")
	}
}

func TestSlotOf(t *testing.T) {
	tests := []struct {
		t    time.Time
		want Slot
	}{
		{at(t, "2026-03-06 00:00:00"), SlotMorning},
		{at(t, "2026-03-06 09:00:00"), SlotMorning},
		{at(t, "2026-03-06 11:59:59"), SlotMorning},
		{at(t, "2026-03-06 12:00:00"), SlotAfternoon},
		{at(t, "2026-03-06 17:59:59"), SlotAfternoon},
		{at(t, "2026-03-06 18:00:00"), SlotEvening},
		{at(t, "2026-03-06 23:59:59"), SlotEvening},
		{time.Date(2026, 3, 6, 3, 59, 59, 0, time.UTC), SlotMorning}, // 11:59:59 in Shanghai
		{time.Date(2026, 3, 6, 4, 0, 0, 0, time.UTC), SlotAfternoon}, // 12:00
		{time.Date(2026, 3, 6, 10, 0, 0, 0, time.UTC), SlotEvening},  // 18:00
		{time.Date(2026, 3, 6, 16, 30, 0, 0, time.UTC), SlotMorning}, // 00:30 next day
	}
	for _, tt := range tests {
		if got := SlotOf(tt.t); got != tt.want {
			t.Errorf("SlotOf(%s) = %v, want %v", tt.t, got, tt.want)
		}
	}
}

func TestSlotNames(t *testing.T) {
	tests := []struct {
		s      Slot
		en, zh string
	}{
		{SlotMorning, "morning", "上午"},
		{SlotAfternoon, "afternoon", "下午"},
		{SlotEvening, "evening", "晚上"},
		{Slot(0), "Slot(0)", ""},
	}
	for _, tt := range tests {
		if tt.s.String() != tt.en || tt.s.ZH() != tt.zh {
			t.Errorf("Slot %d: %q %q, want %q %q", int(tt.s), tt.s.String(), tt.s.ZH(), tt.en, tt.zh)
		}
	}
}
