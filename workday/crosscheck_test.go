package workday

import (
	"testing"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"github.com/huifang/huifang"
)

// TestAgainstPublishedSource checks every day of every shipped year against
// a well-kept public source of the State Council's notices (the Go module
// github.com/6tail/lunar-go, MIT, used by tests only): a working day in one
// is a working day in the other.
func TestAgainstPublishedSource(t *testing.T) {
	c := Shipped()
	for _, year := range c.Years() {
		diffs := 0
		for d := huifang.NewDate(year, time.January, 1); d.Year() == year; d = d.AddDays(1) {
			ours, err := c.IsWorkingDay(d)
			if err != nil {
				t.Fatal(err)
			}
			theirs := d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
			if h := HolidayUtil.GetHolidayByYmd(d.Year(), int(d.Month()), d.Day()); h != nil {
				theirs = h.IsWork()
			}
			if ours != theirs {
				diffs++
				t.Errorf("%s: working day here %v, in the source %v", d, ours, theirs)
			}
		}
		if diffs > 0 {
			t.Errorf("%d: %d days differ", year, diffs)
		}
	}
}
