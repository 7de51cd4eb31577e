package callback

import (
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang"
)

// Default calling hours, Beijing time (DOMAIN.md §4).
const (
	DefaultStart = 9 * time.Hour
	DefaultEnd   = 20 * time.Hour
)

// Hours are the calling hours of a rule profile, reckoned in Asia/Shanghai.
// A zero Start or End takes its default (09:00, 20:00): nobody calls
// customers at midnight, so zero can safely mean "not set". A window that
// makes no sense (End not after Start, or past 24:00) falls back to both
// defaults rather than forbidding every call.
type Hours struct {
	Start, End time.Duration // since midnight; Start included, End excluded
	RestDays   bool          // calls are allowed on rest days too
	// AnyTime allows calls at any hour of any day, Start, End and RestDays
	// notwithstanding: for a demonstration only, never for customers.
	AnyTime bool
}

// RestDayFunc reports whether a date is a rest day; it fails for a year the
// calendar does not know.
type RestDayFunc = func(huifang.Date) (bool, error)

// window gives the effective start and end after defaults.
func (h Hours) window() (start, end time.Duration) {
	start, end = h.Start, h.End
	if start == 0 {
		start = DefaultStart
	}
	if end == 0 {
		end = DefaultEnd
	}
	if start < 0 || end > 24*time.Hour || end <= start {
		return DefaultStart, DefaultEnd
	}
	return start, end
}

// midnight is the start of day d in Asia/Shanghai.
func midnight(d huifang.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, huifang.Shanghai)
}

// sinceMidnight is the Shanghai time of day of t.
func sinceMidnight(t time.Time) time.Duration { return t.Sub(midnight(huifang.DateOf(t))) }

// Allowed reports whether an operator may call at t. isRestDay may be nil,
// then only the time of day counts; its error (an unknown year) is returned,
// because guessing would let calls through on a holiday.
func (h Hours) Allowed(t time.Time, isRestDay RestDayFunc) (bool, error) {
	if h.AnyTime {
		return true, nil
	}
	start, end := h.window()
	if tod := sinceMidnight(t); tod < start || tod >= end {
		return false, nil
	}
	if h.RestDays || isRestDay == nil {
		return true, nil
	}
	rest, err := isRestDay(huifang.DateOf(t))
	if err != nil {
		return false, fmt.Errorf("calling hours: %w", err)
	}
	return !rest, nil
}

// maxClosedDays bounds NextOpen's search: more than a year without a calling
// day means the calendar is broken, not that the customer should wait.
const maxClosedDays = 366

// NextOpen is the first moment at or after t when calling is allowed (t itself
// when it is allowed). isRestDay may be nil, as for Allowed.
func (h Hours) NextOpen(t time.Time, isRestDay RestDayFunc) (time.Time, error) {
	if h.AnyTime {
		return t, nil
	}
	start, end := h.window()
	day := huifang.DateOf(t)
	for i := 0; i <= maxClosedDays; i, day = i+1, day.AddDays(1) {
		cand := midnight(day).Add(start)
		if i == 0 {
			switch tod := sinceMidnight(t); {
			case tod >= end:
				continue
			case tod >= start:
				cand = t
			}
		}
		if !h.RestDays && isRestDay != nil {
			rest, err := isRestDay(day)
			if err != nil {
				return time.Time{}, fmt.Errorf("calling hours: %w", err)
			}
			if rest {
				continue
			}
		}
		return cand, nil
	}
	return time.Time{}, errors.New("calling hours: no calling day within a year")
}

// Slot is a part of the day; the attempt policy wants failed calls spread
// over several, since people who never answer in the morning may in the
// evening.
type Slot int

// Time slots, Asia/Shanghai.
const (
	SlotMorning   Slot = iota + 1 // before 12:00
	SlotAfternoon                 // 12:00 to 18:00
	SlotEvening                   // from 18:00
)

// Slot boundaries since midnight.
const (
	afternoonStarts = 12 * time.Hour
	eveningStarts   = 18 * time.Hour
)

// SlotOf gives the slot of t in Asia/Shanghai.
func SlotOf(t time.Time) Slot {
	switch tod := sinceMidnight(t); {
	case tod < afternoonStarts:
		return SlotMorning
	case tod < eveningStarts:
		return SlotAfternoon
	default:
		return SlotEvening
	}
}

// String gives the English name used in code and files.
func (s Slot) String() string {
	switch s {
	case SlotMorning:
		return "morning"
	case SlotAfternoon:
		return "afternoon"
	case SlotEvening:
		return "evening"
	}
	return fmt.Sprintf("Slot(%d)", int(s))
}

// ZH gives the Chinese name shown to operators.
func (s Slot) ZH() string {
	switch s {
	case SlotMorning:
		return "上午"
	case SlotAfternoon:
		return "下午"
	case SlotEvening:
		return "晚上"
	}
	return ""
}

// Key is the catalog key of the slot's name (package i18n).
func (s Slot) Key() string { return "slot." + s.String() }

// nextSlotStart is the start of the slot after the one t falls in.
func nextSlotStart(t time.Time) time.Time {
	m := midnight(huifang.DateOf(t))
	switch SlotOf(t) {
	case SlotMorning:
		return m.Add(afternoonStarts)
	case SlotAfternoon:
		return m.Add(eveningStarts)
	default:
		return midnight(huifang.DateOf(t).AddDays(1))
	}
}
