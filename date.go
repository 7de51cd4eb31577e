package huifang

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Shanghai is the time zone every date and calling hour is reckoned in.
var Shanghai = loadShanghai()

func loadShanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	// China has kept UTC+8 without daylight saving since 1991.
	return time.FixedZone("CST", 8*3600)
}

// Date is a civil date (no time, no zone), as printed on a policy.
// The zero Date means "not known".
type Date struct {
	t time.Time // midnight UTC of the day; zero when unknown
}

// NewDate makes a date from year, month and day.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf gives the date of t in Asia/Shanghai.
func DateOf(t time.Time) Date {
	t = t.In(Shanghai)
	return NewDate(t.Year(), t.Month(), t.Day())
}

// ParseISODate parses YYYY-MM-DD.
func ParseISODate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("not a date: %q", s)
	}
	return Date{t}, nil
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Year, Month and Day give the parts of the date.
func (d Date) Year() int { return d.t.Year() }

// Month gives the month.
func (d Date) Month() time.Month { return d.t.Month() }

// Day gives the day of the month.
func (d Date) Day() int { return d.t.Day() }

// Weekday gives the day of the week.
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// AddDays adds n calendar days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// DaysUntil counts the days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }

// End is the last instant of the day in Asia/Shanghai.
func (d Date) End() time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, Shanghai).AddDate(0, 0, 1).Add(-time.Nanosecond)
}

// String renders YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Value stores the date as YYYY-MM-DD, or NULL when unknown.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date stored as text (SQLite) or as a date (PostgreSQL).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = NewDate(v.Year(), v.Month(), v.Day())
	case string:
		return d.scanString(v)
	case []byte:
		return d.scanString(string(v))
	default:
		return fmt.Errorf("cannot scan %T into Date", src)
	}
	return nil
}

func (d *Date) scanString(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	x, err := ParseISODate(s)
	*d = x
	return err
}

// MarshalText renders YYYY-MM-DD for JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses YYYY-MM-DD; an empty string is the zero date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	x, err := ParseISODate(string(b))
	*d = x
	return err
}

// Clock tells the time; tests inject a fixed one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// Time is midnight UTC of the date, or the zero time.
func (d Date) Time() time.Time { return d.t }
