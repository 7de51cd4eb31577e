package callback

import (
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang"
)

// day parses YYYY-MM-DD.
func day(t testing.TB, s string) huifang.Date {
	t.Helper()
	d, err := huifang.ParseISODate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// at parses "YYYY-MM-DD hh:mm:ss" in Asia/Shanghai.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	x, err := time.ParseInLocation(time.DateTime, s, huifang.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

var errNoCalendar = errors.New("no calendar for this year")

// restDay2026 is the official 2026 calendar in part (DOMAIN.md §5): weekends
// except make-up working days, plus some public holidays; other years fail,
// as the real calendar does for a year it lacks.
func restDay2026(d huifang.Date) (bool, error) {
	if d.Year() != 2026 {
		return false, errNoCalendar
	}
	s := d.String()
	holidays := []string{"2026-01-01", "2026-01-02", "2026-01-03",
		"2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
		"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"}
	makeUp := []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}
	for _, h := range holidays {
		if s == h {
			return true, nil
		}
	}
	for _, m := range makeUp {
		if s == m {
			return false, nil
		}
	}
	return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday, nil
}
