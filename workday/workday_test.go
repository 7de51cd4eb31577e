package workday

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
)

func day(s string) huifang.Date {
	d, err := huifang.ParseISODate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestShippedYears(t *testing.T) {
	got := Shipped().Years()
	want := []int{2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("shipped years = %v, want %v", got, want)
	}
	if Shipped() != Shipped() {
		t.Error("Shipped builds a new calendar on every call")
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := Shipped()
	tests := []struct {
		date string
		want bool
		why  string
	}{
		// Spring Festival 2025: Jan 28–Feb 4 rest; Sun Jan 26 and Sat Feb 8 work.
		{"2025-01-25", false, "plain Saturday"},
		{"2025-01-26", true, "Sunday, 春节 make-up"},
		{"2025-01-27", true, "Monday"},
		{"2025-01-28", false, "除夕, first rest day"},
		{"2025-01-31", false, "Friday inside 春节"},
		{"2025-02-04", false, "last rest day"},
		{"2025-02-05", true, "back to work"},
		{"2025-02-08", true, "Saturday, 春节 make-up"},
		{"2025-02-09", false, "plain Sunday"},
		// National Day 2025: Oct 1–8 rest; Sun Sep 28 and Sat Oct 11 work.
		{"2025-09-27", false, "plain Saturday"},
		{"2025-09-28", true, "Sunday, make-up"},
		{"2025-10-01", false, "国庆"},
		{"2025-10-08", false, "Wednesday, last rest day"},
		{"2025-10-09", true, "Thursday"},
		{"2025-10-11", true, "Saturday, make-up"},
		{"2025-10-12", false, "plain Sunday"},
		// New Year 2026: Jan 1–3 rest, Sunday 4 January works.
		{"2025-12-31", true, "Wednesday"},
		{"2026-01-01", false, "元旦"},
		{"2026-01-02", false, "Friday, 元旦"},
		{"2026-01-03", false, "Saturday, 元旦"},
		{"2026-01-04", true, "Sunday, 元旦 make-up"},
		{"2026-01-05", true, "Monday"},
		// Spring Festival 2026: Feb 15–23 rest; Sat Feb 14 and Sat Feb 28 work.
		{"2026-02-13", true, "Friday"},
		{"2026-02-14", true, "Saturday, make-up"},
		{"2026-02-15", false, "first rest day (Sunday)"},
		{"2026-02-16", false, "Monday, 除夕"},
		{"2026-02-23", false, "Monday, last rest day"},
		{"2026-02-24", true, "Tuesday"},
		{"2026-02-28", true, "Saturday, make-up"},
		{"2026-03-01", false, "plain Sunday"},
		// National Day 2026: Oct 1–7 rest; Sun Sep 20 and Sat Oct 10 work; 中秋 Sep 25–27.
		{"2026-09-19", false, "plain Saturday"},
		{"2026-09-20", true, "Sunday, make-up"},
		{"2026-09-25", false, "Friday, 中秋"},
		{"2026-09-28", true, "Monday"},
		{"2026-10-01", false, "国庆"},
		{"2026-10-07", false, "Wednesday, last rest day"},
		{"2026-10-08", true, "Thursday"},
		{"2026-10-10", true, "Saturday, make-up"},
		{"2026-10-11", false, "plain Sunday"},
		// 2020: the Spring Festival extension cancelled the make-up Saturday 1 February.
		{"2020-01-19", true, "Sunday, make-up"},
		{"2020-01-31", false, "Friday, extension"},
		{"2020-02-01", false, "Saturday: make-up cancelled by the extension"},
		{"2020-02-03", true, "Monday, back to work"},
		// Ordinary days.
		{"2026-03-04", true, "plain Wednesday"},
		{"2026-03-07", false, "plain Saturday"},
		{"2024-02-09", true, "除夕 2024 was not a statutory rest day"},
		{"2024-06-10", false, "端午 2024"},
	}
	for _, tt := range tests {
		got, err := c.IsWorkingDay(day(tt.date))
		if err != nil {
			t.Errorf("IsWorkingDay(%s): %v", tt.date, err)
			continue
		}
		if got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v (%s)", tt.date, got, tt.want, tt.why)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	c := Shipped()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-02-13", 0, "2026-02-13"},
		{"2026-02-15", 0, "2026-02-15"}, // n = 0 is from itself, even on a rest day
		{"2026-02-13", 1, "2026-02-14"}, // the make-up Saturday
		{"2026-02-13", 2, "2026-02-24"}, // then straight over the nine rest days
		{"2026-02-14", 1, "2026-02-24"},
		{"2026-02-20", 1, "2026-02-24"}, // from a rest day
		{"2026-02-27", 1, "2026-02-28"}, // the second make-up Saturday
		{"2026-02-28", 1, "2026-03-02"},
		{"2025-12-31", 1, "2026-01-04"}, // across the year end onto the make-up Sunday
		{"2025-12-31", 2, "2026-01-05"},
		{"2020-01-23", 1, "2020-02-03"}, // the extended Spring Festival of 2020

		// End-to-end figures for problem cases, counted by hand (each working
		// day numbered; "rest" marks a rest day skipped):
		//
		// Opened Thu 2026-02-05: Fri 6 (1), Mon 9–Fri 13 (2–6), Sat 14 make-up (7),
		// 15–23 rest, Tue 24–Fri 27 (8–11), Sat 28 make-up (12), Mon 2 Mar–Fri 6
		// (13–17), Mon 9 (18), Tue 10 (19), Wed 11 (20).
		{"2026-02-05", 15, "2026-03-04"},
		{"2026-02-05", 20, "2026-03-11"},
		// Opened Wed 2025-09-24: Thu 25 (1), Fri 26 (2), Sat 27 rest, Sun 28
		// make-up (3), Mon 29 (4), Tue 30 (5), 1–8 Oct rest, Thu 9 (6), Fri 10
		// (7), Sat 11 make-up (8), Mon 13–Fri 17 (9–13), Mon 20 (14), Tue 21
		// (15), Wed 22–Fri 24 (16–18), Mon 27 (19), Tue 28 (20).
		{"2025-09-24", 15, "2025-10-21"},
		{"2025-09-24", 20, "2025-10-28"},
		// Opened Fri 2025-01-24: Sat 25 rest, Sun 26 make-up (1), Mon 27 (2),
		// 28 Jan–4 Feb rest, Wed 5–Fri 7 (3–5), Sat 8 make-up (6), Mon 10–Fri 14
		// (7–11), Mon 17–Thu 20 (12–15), Fri 21 (16), Mon 24–Thu 27 (17–20).
		{"2025-01-24", 10, "2025-02-13"},
		{"2025-01-24", 15, "2025-02-20"},
		{"2025-01-24", 20, "2025-02-27"},
		// Opened Mon 2025-12-22, across the year end: Tue 23–Fri 26 (1–4), Mon
		// 29–Wed 31 (5–7), 1–3 Jan rest, Sun 4 make-up (8), Mon 5 (9), Tue 6 (10),
		// Wed 7–Fri 9 (11–13), Mon 12–Fri 16 (14–18), Mon 19 (19), Tue 20 (20).
		{"2025-12-22", 10, "2026-01-06"},
		{"2025-12-22", 15, "2026-01-13"},
		{"2025-12-22", 20, "2026-01-20"},
		// Opened Fri 2026-09-18: Sat 19 rest, Sun 20 make-up (1), Mon 21–Thu 24
		// (2–5), 25–27 中秋 rest, Mon 28–Wed 30 (6–8), 1–7 Oct rest, Thu 8 (9),
		// Fri 9 (10), Sat 10 make-up (11), Mon 12–Thu 15 (12–15), Fri 16 (16),
		// Mon 19–Thu 22 (17–20).
		{"2026-09-18", 15, "2026-10-15"},
		{"2026-09-18", 20, "2026-10-22"},
	}
	for _, tt := range tests {
		got, err := c.AddWorkdays(day(tt.from), tt.n)
		if err != nil {
			t.Errorf("AddWorkdays(%s, %d): %v", tt.from, tt.n, err)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
		if n, err := c.WorkdaysBetween(day(tt.from), got); err != nil || n != tt.n {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, %v; want %d", tt.from, got, n, err, tt.n)
		}
	}
}

func TestAddWorkdaysErrors(t *testing.T) {
	c := upTo2026()
	if _, err := c.AddWorkdays(day("2026-03-02"), -1); huifang.ErrorCode(err) != huifang.EINVALID {
		t.Errorf("n < 0: err = %v, want EINVALID", err)
	}
	if _, err := c.AddWorkdays(huifang.Date{}, 1); huifang.ErrorCode(err) != huifang.EINVALID {
		t.Errorf("zero date: err = %v, want EINVALID", err)
	}
	// 2026-12-25 is a Friday: Mon 28–Thu 31 are four working days; the fifth
	// would be in 2027, which is not shipped.
	if got, err := c.AddWorkdays(day("2026-12-25"), 4); err != nil || got.String() != "2026-12-31" {
		t.Errorf("AddWorkdays(2026-12-25, 4) = %s, %v; want 2026-12-31", got, err)
	}
	_, err := c.AddWorkdays(day("2026-12-25"), 5)
	wantNoCalendar(t, err, 2027)
	_, err = c.AddWorkdays(day("2026-12-31"), 1)
	wantNoCalendar(t, err, 2027)
	_, err = c.AddWorkdays(day("2028-03-01"), 0)
	wantNoCalendar(t, err, 2028)
	_, err = c.AddWorkdays(day("2019-12-20"), 10)
	wantNoCalendar(t, err, 2019)
}

// A calendar that lacks the start year can still count from its last day:
// only the days after from are looked at.
func TestAddWorkdaysFromTheDayBeforeAKnownYear(t *testing.T) {
	y, _ := Shipped().Year(2026)
	c := New(y)
	got, err := c.AddWorkdays(day("2025-12-31"), 1)
	if err != nil || got.String() != "2026-01-04" {
		t.Errorf("got %s, %v; want 2026-01-04", got, err)
	}
}

func wantNoCalendar(t *testing.T, err error, year int) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want the refusal for %d", year)
	}
	if !errors.Is(err, ErrNoCalendar) {
		t.Errorf("error %v does not wrap ErrNoCalendar", err)
	}
	var nc *NoCalendarError
	if !errors.As(err, &nc) || nc.Year != year {
		t.Errorf("error %v: NoCalendarError year = %v, want %d", err, nc, year)
	}
	if huifang.ErrorCode(err) != huifang.EINVALID {
		t.Errorf("code = %s, want EINVALID", huifang.ErrorCode(err))
	}
	want := fmt.Sprintf("没有 %d 年的工作日历：请管理员先导入 %d 年的节假日安排", year, year)
	if msg := huifang.ErrorMessage(err); !strings.HasPrefix(msg, want) {
		t.Errorf("message = %q, want it to start with %q", msg, want)
	}
}

func TestRefusesUnknownYears(t *testing.T) {
	c := upTo2026()
	for _, d := range []string{"2019-12-31", "2019-06-03", "2028-01-03", "2027-01-04", "2027-06-15"} {
		_, err := c.IsWorkingDay(day(d))
		year := day(d).Year()
		wantNoCalendar(t, err, year)
		_, err = c.NextWorkingDay(day(d))
		wantNoCalendar(t, err, year)
		_, err = c.DayName(day(d))
		wantNoCalendar(t, err, year)
	}
	_, err := c.WorkdaysBetween(day("2026-12-01"), day("2027-01-10"))
	wantNoCalendar(t, err, 2027)
	_, err = c.WorkdaysBetween(day("2020-01-10"), day("2019-12-20"))
	wantNoCalendar(t, err, 2019)
	if _, err := c.IsWorkingDay(huifang.Date{}); huifang.ErrorCode(err) != huifang.EINVALID || errors.Is(err, ErrNoCalendar) {
		t.Errorf("zero date: %v", err)
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := upTo2026()
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-02-13", "2026-02-13", 0},
		{"2026-02-13", "2026-02-14", 1},
		{"2026-02-13", "2026-02-24", 2},
		{"2026-02-14", "2026-02-23", 0}, // the whole Spring Festival
		{"2026-02-24", "2026-02-13", -2},
		{"2025-12-31", "2026-01-05", 2}, // Sun 4 and Mon 5
		{"2026-01-01", "2026-01-31", 21},
		{"2026-01-01", "2026-12-31", 248}, // 261 weekdays − 19 holiday weekdays + 6 make-up days
		{"2024-12-31", "2025-12-31", 248}, // 261 weekdays − 18 holiday weekdays + 5 make-up days
	}
	for _, tt := range tests {
		got, err := c.WorkdaysBetween(day(tt.a), day(tt.b))
		if err != nil || got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
	}
}

// WorkdaysBetween(a, AddWorkdays(a, n)) == n for every day of every shipped
// year, and the result of AddWorkdays is a working day with no working day
// skipped.
func TestAddAndBetweenAgree(t *testing.T) {
	c := upTo2026()
	for d := day("2020-01-01"); d.Year() <= 2026; d = d.AddDays(1) {
		for _, n := range []int{0, 1, 2, 3, 5, 10, 15, 20, 30, 60} {
			end, err := c.AddWorkdays(d, n)
			if errors.Is(err, ErrNoCalendar) {
				continue // runs into 2027
			}
			if err != nil {
				t.Fatalf("AddWorkdays(%s, %d): %v", d, n, err)
			}
			got, err := c.WorkdaysBetween(d, end)
			if err != nil || got != n {
				t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%s, %d) = %s) = %d, %v", d, d, n, end, got, err)
			}
			if n > 0 {
				if w, _ := c.IsWorkingDay(end); !w {
					t.Fatalf("AddWorkdays(%s, %d) = %s, not a working day", d, n, end)
				}
				if m, _ := c.WorkdaysBetween(d, end.AddDays(-1)); m != n-1 {
					t.Fatalf("AddWorkdays(%s, %d) = %s is not the first day reaching %d", d, n, end, n)
				}
			}
		}
	}
}

func TestNextWorkingDay(t *testing.T) {
	c := Shipped()
	tests := []struct{ d, want string }{
		{"2026-02-13", "2026-02-13"},
		{"2026-02-14", "2026-02-14"},
		{"2026-02-15", "2026-02-24"},
		{"2026-02-21", "2026-02-24"},
		{"2025-10-01", "2025-10-09"},
		{"2026-01-01", "2026-01-04"},
		{"2026-03-07", "2026-03-09"},
		{"2025-09-27", "2025-09-28"},
	}
	for _, tt := range tests {
		got, err := c.NextWorkingDay(day(tt.d))
		if err != nil || got.String() != tt.want {
			t.Errorf("NextWorkingDay(%s) = %s, %v; want %s", tt.d, got, err, tt.want)
		}
	}
	_, err := c.NextWorkingDay(day("2026-12-31")) // a Thursday: no need to look further
	if err != nil {
		t.Errorf("NextWorkingDay(2026-12-31): %v", err)
	}
}

func TestDayName(t *testing.T) {
	c := Shipped()
	for d, want := range map[string]string{
		"2026-02-14": "春节", "2026-02-16": "春节", "2026-09-26": "中秋节", "2026-03-03": "",
		"2025-10-06": "国庆节、中秋节", "2020-02-02": "春节延长假期",
	} {
		if got, err := c.DayName(day(d)); err != nil || got != want {
			t.Errorf("DayName(%s) = %q, %v; want %q", d, got, err, want)
		}
	}
}

func TestMissingNext(t *testing.T) {
	c := upTo2026()
	tests := []struct {
		today   string
		year    int
		missing bool
	}{
		{"2026-01-15", 0, false},
		{"2026-09-30", 0, false},
		{"2026-10-01", 2027, true},
		{"2026-11-26", 2027, true},
		{"2026-12-31", 2027, true},
		{"2025-10-01", 0, false}, // 2026 is shipped
		{"2025-12-31", 0, false},
		{"2027-03-01", 2027, true}, // this year itself is missing
		{"2028-10-01", 2028, true},
	}
	for _, tt := range tests {
		y, m := c.MissingNext(day(tt.today))
		if y != tt.year || m != tt.missing {
			t.Errorf("MissingNext(%s) = %d, %v; want %d, %v", tt.today, y, m, tt.year, tt.missing)
		}
	}
	c2 := c.With(fictional2027(t))
	if y, m := c2.MissingNext(day("2026-11-26")); m {
		t.Errorf("with 2027 loaded: MissingNext = %d, true", y)
	}
	if y, m := c2.MissingNext(day("2027-10-01")); !m || y != 2028 {
		t.Errorf("with 2027 loaded, on 2027-10-01: MissingNext = %d, %v; want 2028, true", y, m)
	}
}

// fictional2027 is a made-up year for the tests of loading a year; it is
// NOT the State Council's arrangement for 2027.
func fictional2027(t *testing.T) *Year {
	t.Helper()
	y, err := ParseYear(strings.NewReader(`# 虚构的测试数据，不是 2027 年的真实安排
year 2027
published 2026-11-10
source 测试用的虚构安排
rest 2027-01-01 2027-01-03 元旦
work 2027-01-09 元旦
`))
	if err != nil {
		t.Fatal(err)
	}
	return y
}

func TestWithAndAcrossTheYearEnd(t *testing.T) {
	base := upTo2026()
	c := base.With(fictional2027(t))
	if base.Has(2027) {
		t.Fatal("With changed the calendar it was called on")
	}
	if !c.Has(2027) || !reflect.DeepEqual(c.Years(), []int{2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027}) {
		t.Fatalf("years = %v", c.Years())
	}
	// Fri 2026-12-25: Mon 28–Thu 31 (1–4), 1–3 Jan rest, Mon 4 Jan 2027 (5),
	// Tue 5 (6), Wed 6 (7), Thu 7 (8), Fri 8 (9), Sat 9 fictional make-up (10).
	got, err := c.AddWorkdays(day("2026-12-25"), 10)
	if err != nil || got.String() != "2027-01-09" {
		t.Errorf("AddWorkdays(2026-12-25, 10) = %s, %v; want 2027-01-09", got, err)
	}
	// Replacing a year.
	y26, _ := base.Year(2026)
	delete(y26.Work, day("2026-02-14"))
	c3 := base.With(y26)
	if w, _ := c3.IsWorkingDay(day("2026-02-14")); w {
		t.Error("replaced 2026 still has the make-up day")
	}
	if w, _ := base.IsWorkingDay(day("2026-02-14")); !w {
		t.Error("editing a Year returned by Year changed the calendar")
	}
	if got := New(nil).Years(); len(got) != 0 {
		t.Errorf("New(nil) years = %v", got)
	}
	if c.With(nil).Years()[0] != 2020 {
		t.Error("With(nil) lost years")
	}
}

func TestNewCopiesItsYears(t *testing.T) {
	y := fictional2027(t)
	c := New(y)
	y.Rest[day("2027-01-04")] = "改"
	if w, _ := c.IsWorkingDay(day("2027-01-04")); !w {
		t.Error("changing a Year after New changed the calendar")
	}
}

func TestConcurrentReads(t *testing.T) {
	c := Shipped()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for d := day("2025-01-01").AddDays(i); d.Year() < 2026; d = d.AddDays(3) {
				if _, err := c.AddWorkdays(d, 20); err != nil {
					t.Error(err)
					return
				}
			}
			_ = c.With(fictional2027(t))
		}(i)
	}
	wg.Wait()
}

// The days of 2025 and 2026 exactly as DOMAIN.md §5 lists them.
func TestDomainYears(t *testing.T) {
	expand := func(ranges ...string) []string {
		var out []string
		for _, r := range ranges {
			from, to, _ := strings.Cut(r, "/")
			if to == "" {
				to = from
			}
			for d := day(from); !d.After(day(to)); d = d.AddDays(1) {
				out = append(out, d.String())
			}
		}
		return out
	}
	tests := []struct {
		year       int
		rest, work []string
	}{
		{2025,
			expand("2025-01-01", "2025-01-28/2025-02-04", "2025-04-04/2025-04-06", "2025-05-01/2025-05-05",
				"2025-05-31/2025-06-02", "2025-10-01/2025-10-08"),
			[]string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"}},
		{2026,
			expand("2026-01-01/2026-01-03", "2026-02-15/2026-02-23", "2026-04-04/2026-04-06", "2026-05-01/2026-05-05",
				"2026-06-19/2026-06-21", "2026-09-25/2026-09-27", "2026-10-01/2026-10-07"),
			[]string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}},
	}
	for _, tt := range tests {
		y, ok := Shipped().Year(tt.year)
		if !ok {
			t.Fatalf("%d not shipped", tt.year)
		}
		if got := dateStrings(y.Rest); !reflect.DeepEqual(got, tt.rest) {
			t.Errorf("%d rest days = %v\nwant %v", tt.year, got, tt.rest)
		}
		if got := dateStrings(y.Work); !reflect.DeepEqual(got, tt.work) {
			t.Errorf("%d make-up days = %v\nwant %v", tt.year, got, tt.work)
		}
	}
}

func dateStrings(m map[huifang.Date]string) []string {
	var out []string
	for d := range m {
		out = append(out, d.String())
	}
	sort.Strings(out)
	return out
}

// The number of rest days and make-up working days of each holiday of every
// shipped year, as the State Council's notices state them ("共N天" and the
// days listed as "上班"). Where a notice says "与周末连休" the file lists the
// adjoining weekend days of the same year too.
func TestShippedCountsMatchTheNotices(t *testing.T) {
	type count struct{ rest, work int }
	want := map[int]map[string]count{
		2020: {"元旦": {1, 0}, "春节": {7, 1}, "春节延长假期": {3, 0}, "清明节": {3, 0}, "劳动节": {5, 2},
			"端午节": {3, 1}, "国庆节、中秋节": {8, 2}},
		2021: {"元旦": {3, 0}, "春节": {7, 2}, "清明节": {3, 0}, "劳动节": {5, 2}, "端午节": {3, 0},
			"中秋节": {3, 1}, "国庆节": {7, 2}},
		2022: {"元旦": {3, 0}, "春节": {7, 2}, "清明节": {3, 1}, "劳动节": {5, 2}, "端午节": {3, 0},
			"中秋节": {3, 0}, "国庆节": {7, 2}},
		// 元旦 2023 was 3 days from 2022-12-31; two of them are in 2023.
		2023: {"元旦": {2, 0}, "春节": {7, 2}, "清明节": {1, 0}, "劳动节": {5, 2}, "端午节": {3, 1},
			"中秋节、国庆节": {8, 2}},
		// 元旦 2024: 1 January "与周末连休" (the weekend is in 2023); 端午: 10 June
		// "与周末连休" (8–9 June).
		2024: {"元旦": {1, 0}, "春节": {8, 2}, "清明节": {3, 1}, "劳动节": {5, 2}, "端午节": {3, 0},
			"中秋节": {3, 1}, "国庆节": {7, 2}},
		2025: {"元旦": {1, 0}, "春节": {8, 2}, "清明节": {3, 0}, "劳动节": {5, 1}, "端午节": {3, 0},
			"国庆节、中秋节": {8, 2}},
		2026: {"元旦": {3, 1}, "春节": {9, 2}, "清明节": {3, 0}, "劳动节": {5, 1}, "端午节": {3, 0},
			"中秋节": {3, 0}, "国庆节": {7, 2}},
	}
	c := Shipped()
	for year, holidays := range want {
		y, ok := c.Year(year)
		if !ok {
			t.Errorf("%d not shipped", year)
			continue
		}
		got := map[string]count{}
		for _, h := range y.Holidays() {
			got[h.Name] = count{len(h.Rest), len(h.Work)}
		}
		if !reflect.DeepEqual(got, holidays) {
			t.Errorf("%d: counts = %v\nwant %v", year, got, holidays)
		}
		if y.Published.IsZero() || y.Published.Year() > year || !strings.Contains(y.Source, fmt.Sprintf("关于%d年部分节假日安排的通知", year)) {
			t.Errorf("%d: published %s, source %q", year, y.Published, y.Source)
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	names, err := fs.Glob(shippedFS, "data/*.txt")
	if err != nil || len(names) == 0 {
		t.Fatal(names, err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(shippedFS, name)
		if err != nil {
			t.Fatal(err)
		}
		y, err := ParseYear(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var out bytes.Buffer
		if err := y.Format(&out); err != nil {
			t.Fatalf("%s: Format: %v", name, err)
		}
		y2, err := ParseYear(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("%s: parsing the formatted year: %v\n%s", name, err, out.String())
		}
		if !reflect.DeepEqual(y, y2) {
			t.Errorf("%s: round trip changed the year\n%s", name, out.String())
		}
		var again bytes.Buffer
		if err := y2.Format(&again); err != nil || again.String() != out.String() {
			t.Errorf("%s: Format is not stable", name)
		}
	}
}

func TestFormatExample(t *testing.T) {
	y, _ := Shipped().Year(2026)
	var b bytes.Buffer
	if err := y.Format(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"year 2026\npublished 2025-11-04\nsource 国务院办公厅关于2026年部分节假日安排的通知\n",
		"\nrest 2026-01-01 2026-01-03 元旦\nwork 2026-01-04 元旦\n",
		"\nwork 2026-02-14 春节\nrest 2026-02-15 2026-02-23 春节\nwork 2026-02-28 春节\n",
		"\nwork 2026-09-20 国庆节\nrest 2026-10-01 2026-10-07 国庆节\nwork 2026-10-10 国庆节\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("Format output lacks %q:\n%s", want, b.String())
		}
	}
	bad := *y
	bad.Work = map[huifang.Date]string{day("2026-03-04"): "元旦"} // a Wednesday
	if err := bad.Format(&b); huifang.ErrorCode(err) != huifang.EINVALID {
		t.Errorf("Format of an invalid year: %v", err)
	}
}

func TestParseYearAccepts(t *testing.T) {
	// BOM, CRLF, comments after statements, full-width spaces, tabs.
	in := "\uFEFF# 测试\r\nyear 2026\r\npublished\t2025-11-04\r\nsource 国务院办公厅关于2026年部分节假日安排的通知 # 标题\r\n" +
		"\r\nrest 2026-01-01　2026-01-03 元旦 # 共3天\r\nwork 2026-01-04 元旦\r\nrest 2026-10-01 2026-10-07 国庆 节\r\n"
	y, err := ParseYear(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if y.Year != 2026 || y.Published != day("2025-11-04") || y.Source != "国务院办公厅关于2026年部分节假日安排的通知" {
		t.Errorf("header = %d %s %q", y.Year, y.Published, y.Source)
	}
	if len(y.Rest) != 10 || y.Rest[day("2026-01-02")] != "元旦" || y.Work[day("2026-01-04")] != "元旦" || y.Rest[day("2026-10-03")] != "国庆 节" {
		t.Errorf("days = %v / %v", y.Rest, y.Work)
	}
}

func TestParseYearErrors(t *testing.T) {
	const head = "year 2026\npublished 2025-11-04\nsource 国务院办公厅关于2026年部分节假日安排的通知\n" // lines 1–3
	tests := []struct {
		name string
		in   string
		want []string // each must appear in the message
	}{
		{"bad date", head + "rest 2026-02-30 元旦\n", []string{"第 4 行", "日期“2026-02-30”无效"}},
		{"bad date format", head + "rest 2026/1/1 元旦\n", []string{"第 4 行", "YYYY-MM-DD"}},
		{"date outside the year", head + "rest 2025-12-31 2026-01-03 元旦\n", []string{"第 4 行", "2025-12-31 不在 2026 年内"}},
		{"range end outside the year", head + "rest 2026-12-31 2027-01-01 元旦\n", []string{"第 4 行", "2027-01-01 不在 2026 年内"}},
		{"weekday marked work", head + "rest 2026-01-01 元旦\nwork 2026-01-05 元旦\n", []string{"第 5 行", "2026-01-05 是星期一", "周六或周日"}},
		{"duplicate", head + "rest 2026-01-01 2026-01-03 元旦\nrest 2026-01-03 元旦\n", []string{"第 5 行", "2026-01-03 重复", "第 4 行"}},
		{"rest and work", head + "rest 2026-01-01 2026-01-03 元旦\nwork 2026-01-03 元旦\n", []string{"第 5 行", "2026-01-03 已在第 4 行列为放假", "不能既放假又上班"}},
		{"unknown keyword", head + "holiday 2026-01-01 元旦\n", []string{"第 4 行", "不认识的关键字“holiday”"}},
		{"reversed range", head + "rest 2026-01-03 2026-01-01 元旦\n", []string{"第 4 行", "早于开始日期"}},
		{"no name", head + "rest 2026-01-01 2026-01-03\n", []string{"第 4 行", "缺少节日名称"}},
		{"three dates", head + "rest 2026-01-01 2026-01-02 2026-01-03 元旦\n", []string{"第 4 行", "日期太多"}},
		{"work name without rest", head + "rest 2026-01-01 元旦\nwork 2026-01-04 元旦节\n", []string{"第 5 行", "“元旦节”没有对应的 rest 行"}},
		{"no rest", head, []string{"没有任何 rest 行"}},
		{"no header", "rest 2026-01-01 元旦\n", []string{"第 1 行", "应先写 year 行", "缺少 year 行", "缺少 source 行", "缺少 source 行"}},
		{"bad year", "year 26\npublished 2025-11-04\nsource x\nrest 2026-01-01 元旦\n", []string{"第 1 行", "年份“26”无效"}},
		{"two years", head + "year 2027\nrest 2026-01-01 元旦\n", []string{"第 4 行", "year 已在第 1 行写过"}},
		{"published after the year", "year 2026\npublished 2027-01-02\nsource x\nrest 2026-01-01 元旦\n", []string{"第 2 行", "晚于 2026 年"}},
		{"empty source", "year 2026\npublished 2025-11-04\nsource # none\nrest 2026-01-01 元旦\n", []string{"第 3 行", "source 后应写通知的标题"}},
		{"not utf-8", head + "rest 2026-01-01 \xd4\xaa\xb5\xa9\n", []string{"第 4 行", "UTF-8"}},
		{"several", head + "rest 2026-13-01 元旦\nwork 2026-01-05 元旦\nfoo\n", []string{"3 处错误", "第 4 行", "第 5 行", "第 6 行"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y, err := ParseYear(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error; parsed %+v", y)
			}
			var ae *huifang.Error
			if !errors.As(err, &ae) || ae.Code != huifang.EINVALID {
				t.Fatalf("error %v is not an EINVALID *huifang.Error", err)
			}
			for _, w := range tt.want {
				if msg := ae.Text(i18n.ZH); !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if len(ae.Fields) == 0 {
				t.Error("no Fields")
			}
		})
	}
}

func TestParseYearFieldsNameTheLine(t *testing.T) {
	_, err := ParseYear(strings.NewReader("year 2026\npublished 2025-11-04\nsource x\n\n# c\nrest 2026-02-30 元旦\n"))
	var ae *huifang.Error
	if !errors.As(err, &ae) || len(ae.Fields) != 1 || ae.Fields[0].Field != "line 6" {
		t.Fatalf("err = %#v", err)
	}
}

func TestValidate(t *testing.T) {
	y := &Year{Year: 2026, Published: day("2025-11-04"), Source: "s",
		Rest: map[huifang.Date]string{day("2026-01-01"): "元旦", day("2027-01-01"): "元旦"},
		Work: map[huifang.Date]string{day("2026-01-01"): "元旦", day("2026-01-10"): "春节"}}
	err := y.Validate()
	for _, w := range []string{"2027-01-01 不在 2026 年内", "2026-01-01 既是放假日又是调休上班日", "2026-01-01 是星期四", "“春节”没有对应的放假日"} {
		if !strings.Contains(huifang.ErrorMessage(err), w) {
			t.Errorf("Validate message %q lacks %q", huifang.ErrorMessage(err), w)
		}
	}
	for _, y := range Shipped().Years() {
		yy, _ := Shipped().Year(y)
		if err := yy.Validate(); err != nil {
			t.Errorf("%d: %v", y, err)
		}
	}
}

func TestWeekdayNames(t *testing.T) {
	if weekdayName(time.Saturday) != "星期六" || weekdayName(time.Sunday) != "星期日" {
		t.Error("weekday names")
	}
}

func BenchmarkAddWorkdays20(b *testing.B) {
	c := Shipped()
	from := day("2026-02-05")
	for i := 0; i < b.N; i++ {
		if _, err := c.AddWorkdays(from, 20); err != nil {
			b.Fatal(err)
		}
	}
}

// upTo2026 is the shipped calendar as it stood before the 2027 notice: the
// tests of refusing an unpublished year, of the warning from 1 October and
// of loading a year use it, with hand-counted dates around the 2026 year end.
func upTo2026() *Calendar {
	var ys []*Year
	for _, y := range Shipped().Years() {
		if y <= 2026 {
			yy, _ := Shipped().Year(y)
			ys = append(ys, yy)
		}
	}
	return New(ys...)
}

// TestShipped2027: the 2027 notice (State Council, November 2026), counted
// by hand, and the year end 2026 → 2027 now that both are known.
func TestShipped2027(t *testing.T) {
	c := Shipped()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-12-31", 1, "2027-01-04"}, // 1–3 Jan rest
		{"2026-12-25", 5, "2027-01-04"}, // Mon 28–Thu 31, then Mon 4 Jan
		{"2027-01-29", 1, "2027-01-31"}, // Sunday 31 January is a make-up working day
		{"2027-02-04", 1, "2027-02-14"}, // Spring Festival 5–13 Feb; Sunday 14 Feb works
		{"2027-02-04", 2, "2027-02-15"},
		{"2027-09-24", 1, "2027-09-26"}, // Sunday 26 Sep works before National Day
		{"2027-09-30", 1, "2027-10-08"}, // 1–7 Oct rest; Friday 8 Oct works
		{"2027-10-08", 1, "2027-10-09"}, // and Saturday 9 Oct
		{"2027-06-08", 1, "2027-06-10"}, // Dragon Boat, Wednesday 9 June
		{"2027-09-14", 1, "2027-09-16"}, // Mid-Autumn, Wednesday 15 September
	}
	for _, tt := range tests {
		got, err := c.AddWorkdays(day(tt.from), tt.n)
		if err != nil || got.String() != tt.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, %v; want %s", tt.from, tt.n, got, err, tt.want)
		}
	}
	if y, m := c.MissingNext(day("2026-11-26")); m {
		t.Errorf("2027 is shipped, yet MissingNext = %d", y)
	}
	if y, m := c.MissingNext(day("2027-10-01")); !m || y != 2028 {
		t.Errorf("MissingNext(2027-10-01) = %d, %v; want 2028, true", y, m)
	}
	_, err := c.AddWorkdays(day("2027-12-31"), 1)
	wantNoCalendar(t, err, 2028)
}
