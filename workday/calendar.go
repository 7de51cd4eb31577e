// Package workday is mainland China's official working-day calendar, kept as
// versioned data: one file per year, compiled from the State Council's notice
// on that year's public holidays (国务院办公厅关于XXXX年部分节假日安排的通知).
//
// A day is a working day when it is Monday to Friday and not a rest day of
// the notice, or when it is a Saturday or Sunday the notice makes a working
// day (调休上班). A Calendar knows only the years it was given: asked about a
// day of any other year it returns an error wrapping ErrNoCalendar and never
// guesses from the weekdays, because a deadline computed from a guess would
// be wrong by up to a week around every holiday.
//
// Counting follows Chinese law, which starts a period on the day after the
// event: AddWorkdays(from, n) is the n-th working day after from (from itself
// not counted), and WorkdaysBetween(a, b) counts the working days in (a, b].
// The file format and the administrators' commands are in docs/calendar.md.
package workday

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"sync"
	"time"

	"github.com/huifang/huifang"
)

// ErrNoCalendar is wrapped by every error about a day in a year the calendar
// does not hold. Test with errors.Is; errors.As finds a *NoCalendarError
// (which year) and a *huifang.Error (code EINVALID, message for the user).
var ErrNoCalendar = errors.New("workday: no working-day calendar for the year")

// NoCalendarError says which year is missing.
type NoCalendarError struct {
	Year int
	app  *huifang.Error
}

func newNoCalendar(year int) *NoCalendarError {
	return &NoCalendarError{Year: year, app: huifang.Errorf(huifang.EINVALID,
		"err.calendar.missing", year, year, year)}
}

func (e *NoCalendarError) Error() string { return e.app.Error() }

// Unwrap gives ErrNoCalendar and the application error.
func (e *NoCalendarError) Unwrap() []error { return []error{ErrNoCalendar, e.app} }

// day kinds in a year's index
const (
	plain   uint8 = iota // weekday works, weekend rests
	restDay              // a rest day of the notice
	workDay              // a make-up working day
)

type entry struct {
	year *Year
	kind [367]uint8 // by day of the year (1..366)
}

// Calendar is a set of Years. It never changes once built, so it is safe
// for concurrent use; With returns a new Calendar.
type Calendar struct {
	years map[int]*entry
}

// New builds a calendar from years; a later Year for the same year replaces
// an earlier one, nil Years are skipped. The years are copied. They should
// come from ParseYear (or pass Year.Validate): New does not check them.
func New(years ...*Year) *Calendar {
	c := &Calendar{years: make(map[int]*entry, len(years))}
	for _, y := range years {
		if y != nil {
			c.years[y.Year] = index(y)
		}
	}
	return c
}

func index(y *Year) *entry {
	e := &entry{year: y.clone()}
	for d := range e.year.Rest {
		if d.Year() == y.Year {
			e.kind[d.Time().YearDay()] = restDay
		}
	}
	for d := range e.year.Work {
		if d.Year() == y.Year {
			e.kind[d.Time().YearDay()] = workDay
		}
	}
	return e
}

// With returns a new calendar holding c's years and y, which replaces c's
// year of the same number (an administrator loading or correcting a year).
// c itself is unchanged.
func (c *Calendar) With(y *Year) *Calendar {
	n := &Calendar{years: make(map[int]*entry, len(c.years)+1)}
	for k, v := range c.years {
		n.years[k] = v // entries are never modified: sharing is safe
	}
	if y != nil {
		n.years[y.Year] = index(y)
	}
	return n
}

// Years lists the years the calendar holds, in order.
func (c *Calendar) Years() []int {
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// Has reports whether the calendar holds year.
func (c *Calendar) Has(year int) bool { _, ok := c.years[year]; return ok }

// Year returns a copy of the calendar's year, or false when it has none.
func (c *Calendar) Year(year int) (*Year, bool) {
	e, ok := c.years[year]
	if !ok {
		return nil, false
	}
	return e.year.clone(), true
}

func checkDate(d huifang.Date) error {
	if d.IsZero() {
		return huifang.Errorf(huifang.EINVALID, "err.calendar.empty_date")
	}
	return nil
}

// IsWorkingDay reports whether d is a working day: Monday to Friday unless a
// rest day, Saturday and Sunday only when a make-up working day. A day of a
// year the calendar lacks is an error wrapping ErrNoCalendar.
func (c *Calendar) IsWorkingDay(d huifang.Date) (bool, error) {
	if err := checkDate(d); err != nil {
		return false, err
	}
	return c.isWorking(d)
}

func (c *Calendar) isWorking(d huifang.Date) (bool, error) {
	e, ok := c.years[d.Year()]
	if !ok {
		return false, newNoCalendar(d.Year())
	}
	switch e.kind[d.Time().YearDay()] {
	case restDay:
		return false, nil
	case workDay:
		return true, nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// DayName gives the holiday name of a day the year's notice lists, as a rest
// day or a make-up working day, and "" for any other day. A day of a year the
// calendar lacks is an error wrapping ErrNoCalendar.
func (c *Calendar) DayName(d huifang.Date) (string, error) {
	if err := checkDate(d); err != nil {
		return "", err
	}
	e, ok := c.years[d.Year()]
	if !ok {
		return "", newNoCalendar(d.Year())
	}
	switch e.kind[d.Time().YearDay()] {
	case restDay:
		return e.year.Rest[key(d)], nil
	case workDay:
		return e.year.Work[key(d)], nil
	}
	return "", nil
}

// key canonicalises a date for the Year maps.
func key(d huifang.Date) huifang.Date { return huifang.NewDate(d.Year(), d.Month(), d.Day()) }

// AddWorkdays returns the n-th working day after from, from itself not
// counted (a period starts on the next day). n = 0 returns from, provided the
// calendar holds from's year (the deadline is then from itself); n < 0 is an
// error. Any day it must look at in a year the calendar lacks, including
// crossing into the next year, is an error wrapping ErrNoCalendar.
//
// For every n >= 0 that succeeds, WorkdaysBetween(from, result) == n and the
// result (for n > 0) is a working day.
func (c *Calendar) AddWorkdays(from huifang.Date, n int) (huifang.Date, error) {
	if err := checkDate(from); err != nil {
		return huifang.Date{}, err
	}
	if n < 0 {
		return huifang.Date{}, huifang.Errorf(huifang.EINVALID, "err.calendar.negative", n)
	}
	if n == 0 {
		if !c.Has(from.Year()) {
			return huifang.Date{}, newNoCalendar(from.Year())
		}
		return from, nil
	}
	d := from
	for n > 0 {
		d = d.AddDays(1)
		w, err := c.isWorking(d)
		if err != nil {
			return huifang.Date{}, err
		}
		if w {
			n--
		}
	}
	return d, nil
}

// WorkdaysBetween counts the working days in (a, b]: after a, up to and
// including b. It is 0 when a == b and negative (minus the count in (b, a])
// when b is before a. Any day counted in a year the calendar lacks is an error
// wrapping ErrNoCalendar.
func (c *Calendar) WorkdaysBetween(a, b huifang.Date) (int, error) {
	if err := checkDate(a); err != nil {
		return 0, err
	}
	if err := checkDate(b); err != nil {
		return 0, err
	}
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		w, err := c.isWorking(d)
		if err != nil {
			return 0, err
		}
		if w {
			n++
		}
	}
	return sign * n, nil
}

// NextWorkingDay returns d when it is a working day, else the first working
// day after it: where a period ending on a rest day runs on to the next
// working day.
func (c *Calendar) NextWorkingDay(d huifang.Date) (huifang.Date, error) {
	if err := checkDate(d); err != nil {
		return huifang.Date{}, err
	}
	for {
		w, err := c.isWorking(d)
		if err != nil {
			return huifang.Date{}, err
		}
		if w {
			return d, nil
		}
		d = d.AddDays(1)
	}
}

// MissingNext tells the administrators which year to load. It reports
// today's year when the calendar lacks it, and from 1 October (inclusive) the
// next year when the calendar lacks that; otherwise (0, false). The State
// Council publishes the next year's notice around November.
func (c *Calendar) MissingNext(today huifang.Date) (year int, missing bool) {
	if today.IsZero() {
		return 0, false
	}
	if y := today.Year(); !c.Has(y) {
		return y, true
	}
	if y := today.Year() + 1; today.Month() >= time.October && !c.Has(y) {
		return y, true
	}
	return 0, false
}

// The shipped years: one file per year in data/, YYYY.txt.
//
//go:embed data/*.txt
var shippedFS embed.FS

var shipped = sync.OnceValue(func() *Calendar {
	years, err := loadShipped(shippedFS)
	if err != nil {
		panic(err) // the tests parse every shipped file
	}
	return New(years...)
})

func loadShipped(fsys fs.FS) ([]*Year, error) {
	names, err := fs.Glob(fsys, "data/*.txt")
	if err != nil {
		return nil, err
	}
	var years []*Year
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		y, err := ParseYear(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("workday: shipped %s: %w", name, err)
		}
		if want := fmt.Sprintf("%d.txt", y.Year); path.Base(name) != want {
			return nil, fmt.Errorf("workday: shipped %s holds the year %d", name, y.Year)
		}
		years = append(years, y)
	}
	return years, nil
}

// Shipped is the calendar of the years shipped with the program (see
// docs/calendar.md for their sources). It is built once and shared.
func Shipped() *Calendar { return shipped() }
