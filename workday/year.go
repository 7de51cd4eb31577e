package workday

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/huifang/huifang"
)

// Year is the official working-day calendar of one calendar year of mainland
// China: the days the State Council's notice makes rest days, and the weekend
// days it makes working days (调休上班). Every other Monday to Friday is a
// working day and every other Saturday and Sunday a rest day.
//
// A Year holds only days inside its own year, whichever notice decided them.
type Year struct {
	Year      int
	Published huifang.Date            // the day the notice was published; zero when not recorded
	Source    string                  // the notice's title (and document number when known)
	Rest      map[huifang.Date]string // rest day → holiday name
	Work      map[huifang.Date]string // make-up working day (a Saturday or Sunday) → holiday name
}

// Holiday is one named holiday of a year, as the notice states it.
type Holiday struct {
	Name string
	Rest []huifang.Date // in order
	Work []huifang.Date // make-up working days, in order
}

// maxErrors is how many problems ParseYear reports before giving up.
const maxErrors = 20

// ParseYear reads a year file (see docs/calendar.md). Every problem is
// reported with its line number in one *huifang.Error with code EINVALID; the
// Fields list one entry per problem ("line 12").
//
// The format, one statement per line, '#' starting a comment:
//
//	year 2026
//	published 2025-11-04
//	source 国务院办公厅关于2026年部分节假日安排的通知
//	rest 2026-01-01 2026-01-03 元旦     # a range (both ends included) and its name
//	rest 2026-04-05 清明节              # a single day
//	work 2026-01-04 元旦                # a make-up working day (a Saturday or Sunday)
func ParseYear(r io.Reader) (*Year, error) {
	p := &parser{
		y:        &Year{Rest: map[huifang.Date]string{}, Work: map[huifang.Date]string{}},
		seenAt:   map[huifang.Date]int{},
		restName: map[string]bool{},
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		if !utf8.Valid(line) {
			p.errf(n, "err.calendar.not_utf8")
		} else {
			p.line(n, string(line))
		}
		if len(p.errs) >= maxErrors {
			break
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, huifang.Errorf(huifang.EINVALID, "err.calendar.line_too_long", n+1)
		}
		return nil, err
	}
	p.finish()
	if len(p.errs) > 0 {
		return nil, p.error()
	}
	return p.y, nil
}

type problem struct {
	line int // 0 when the problem is with the whole file
	msg  huifang.Msg
}

type workLine struct {
	line int
	name string
}

type parser struct {
	y         *Year
	haveYear  bool
	yearLine  int
	pubLine   int
	srcLine   int
	seenAt    map[huifang.Date]int // date → line that listed it
	restName  map[string]bool
	workLines []workLine
	errs      []problem
}

func (p *parser) errf(line int, key string, args ...any) {
	p.errs = append(p.errs, problem{line, huifang.M(key, args...)})
}

func (p *parser) error() *huifang.Error {
	e := &huifang.Error{Code: huifang.EINVALID}
	sort.SliceStable(p.errs, func(i, j int) bool {
		a, b := p.errs[i].line, p.errs[j].line
		return a != 0 && (b == 0 || a < b) // whole-file problems last
	})
	msgs := make(huifang.MsgList, len(p.errs))
	for i, pr := range p.errs {
		field := "file"
		msgs[i] = pr.msg
		if pr.line > 0 {
			field = "line " + strconv.Itoa(pr.line)
			msgs[i] = huifang.M("err.calendar.file.line", pr.line, pr.msg)
		}
		e.Fields = append(e.Fields, huifang.Field(field, msgs[i].Key, msgs[i].Args...))
	}
	if len(msgs) == 1 {
		e.Key, e.Args = "err.calendar.file.one", []any{msgs[0]}
	} else {
		more := any("")
		if len(msgs) >= maxErrors {
			more = huifang.M("err.calendar.file.more", maxErrors)
		}
		e.Key, e.Args = "err.calendar.file.many", []any{len(msgs), more, msgs}
	}
	return e
}

// stripComment removes a '#' comment and surrounding space.
func stripComment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func (p *parser) line(n int, raw string) {
	s := stripComment(raw)
	if s == "" {
		return
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' {
			p.errf(n, "err.calendar.control")
			return
		}
	}
	fields := strings.Fields(s)
	key, args := fields[0], fields[1:]
	rest := strings.TrimSpace(strings.TrimPrefix(s, key)) // the text after the keyword
	switch key {
	case "year":
		p.year(n, args)
	case "published":
		p.published(n, args)
	case "source":
		p.source(n, rest)
	case "rest", "work":
		p.day(n, key, args)
	default:
		p.errf(n, "err.calendar.unknown_keyword", key)
	}
}

func (p *parser) year(n int, args []string) {
	if p.yearLine > 0 {
		p.errf(n, "err.calendar.year_twice", p.yearLine)
		return
	}
	p.yearLine = n
	if len(args) != 1 {
		p.errf(n, "err.calendar.year_args")
		return
	}
	y, err := strconv.Atoi(args[0])
	if err != nil || len(args[0]) != 4 || y < 1000 {
		p.errf(n, "err.calendar.bad_year_line", args[0])
		return
	}
	p.y.Year, p.haveYear = y, true
}

func (p *parser) published(n int, args []string) {
	if p.pubLine > 0 {
		p.errf(n, "err.calendar.published_twice", p.pubLine)
		return
	}
	p.pubLine = n
	if len(args) != 1 {
		p.errf(n, "err.calendar.published_args")
		return
	}
	if d, ok := p.date(n, args[0]); ok {
		p.y.Published = d
	}
}

func (p *parser) source(n int, text string) {
	if p.srcLine > 0 {
		p.errf(n, "err.calendar.source_twice", p.srcLine)
		return
	}
	p.srcLine = n
	if text == "" {
		p.errf(n, "err.calendar.source_args")
		return
	}
	p.y.Source = text
}

// date parses YYYY-MM-DD with a Chinese message on failure.
func (p *parser) date(n int, s string) (huifang.Date, bool) {
	d, err := huifang.ParseISODate(s)
	if err != nil {
		p.errf(n, "err.calendar.bad_date", s)
		return huifang.Date{}, false
	}
	return d, true
}

func isDateLike(s string) bool {
	return len(s) >= 8 && s[0] >= '0' && s[0] <= '9' && strings.Count(s, "-") == 2
}

func (p *parser) day(n int, kind string, args []string) {
	if !p.haveYear {
		if p.yearLine == 0 {
			p.errf(n, "err.calendar.year_first", kind)
		}
		return
	}
	if len(args) == 0 {
		p.errf(n, "err.calendar.day_args", kind, example(kind, p.y.Year))
		return
	}
	if kind == "rest" {
		// Note the name even when the line has another problem, so that
		// its make-up days are not reported as well.
		i := 0
		for i < len(args) && i < 2 && isDateLike(args[i]) {
			i++
		}
		if i < len(args) {
			p.restName[strings.Join(args[i:], " ")] = true
		}
	}
	from, ok := p.date(n, args[0])
	if !ok {
		return
	}
	to, nameAt := from, 1
	if len(args) > 1 && isDateLike(args[1]) {
		if to, ok = p.date(n, args[1]); !ok {
			return
		}
		nameAt = 2
	}
	name := strings.Join(args[nameAt:], " ")
	if name == "" {
		p.errf(n, "err.calendar.no_name", example(kind, p.y.Year))
		return
	}
	if isDateLike(args[nameAt]) {
		p.errf(n, "err.calendar.too_many_dates", kind)
		return
	}
	if to.Before(from) {
		p.errf(n, "err.calendar.end_before_start", to, from)
		return
	}
	if from.Year() != p.y.Year || to.Year() != p.y.Year {
		bad := from
		if from.Year() == p.y.Year {
			bad = to
		}
		p.errf(n, "err.calendar.other_year", bad, p.y.Year)
		return
	}
	if from.DaysUntil(to) > 31 {
		p.errf(n, "err.calendar.range_too_long", from, to)
		return
	}
	for d := from; !d.After(to); d = d.AddDays(1) {
		if prev, dup := p.seenAt[d]; dup {
			if _, isRest := p.y.Rest[d]; isRest != (kind == "rest") {
				p.errf(n, "err.calendar.rest_and_work", d, prev, kindName(isRest))
			} else {
				p.errf(n, "err.calendar.date_twice", d, prev)
			}
			continue
		}
		if kind == "work" {
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				p.errf(n, "err.calendar.work_weekday", d, weekdayMsg(wd))
				continue
			}
			p.y.Work[d] = name
		} else {
			p.y.Rest[d] = name
		}
		p.seenAt[d] = n
	}
	if kind == "work" {
		p.workLines = append(p.workLines, workLine{n, name})
	}
}

func (p *parser) finish() {
	if p.yearLine == 0 {
		p.errf(0, "err.calendar.no_year_line")
	}
	if p.srcLine == 0 {
		p.errf(0, "err.calendar.no_source_line")
	}
	if !p.haveYear {
		return
	}
	if d := p.y.Published; !d.IsZero() && d.Year() > p.y.Year {
		p.errf(p.pubLine, "err.calendar.published_late", d, p.y.Year)
	}
	if len(p.y.Rest) == 0 && len(p.errs) == 0 {
		p.errf(0, "err.calendar.no_rest", p.y.Year)
	}
	for _, w := range p.workLines {
		if !p.restName[w.name] {
			p.errf(w.line, "err.calendar.work_no_rest", w.name)
		}
	}
}

func example(kind string, year int) string {
	if kind == "work" {
		return "work " + strconv.Itoa(year) + "-01-04 元旦"
	}
	return "rest " + strconv.Itoa(year) + "-01-01 " + strconv.Itoa(year) + "-01-03 元旦"
}

func kindName(rest bool) huifang.Msg {
	if rest {
		return huifang.M("err.calendar.kind.rest")
	}
	return huifang.M("err.calendar.kind.work")
}

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

func weekdayName(wd time.Weekday) string { return weekdayNames[wd] }

// weekdayMsg names a weekday in a message.
func weekdayMsg(wd time.Weekday) huifang.Msg {
	return huifang.M("err.calendar.weekday." + strconv.Itoa(int(wd)))
}

// Validate checks a Year built by hand with the rules ParseYear applies.
func (y *Year) Validate() error {
	var errs huifang.MsgList
	add := func(key string, args ...any) { errs = append(errs, huifang.M(key, args...)) }
	if y.Year < 1000 || y.Year > 9999 {
		add("err.calendar.v.bad_year", y.Year)
	}
	// The publication date is optional: a year may be loaded before its
	// notice's date is confirmed.
	if !y.Published.IsZero() && y.Published.Year() > y.Year {
		add("err.calendar.v.published_late", y.Published, y.Year)
	}
	if strings.TrimSpace(y.Source) == "" {
		add("err.calendar.v.no_source")
	} else if !cleanText(y.Source) || y.Source != strings.TrimSpace(y.Source) {
		add("err.calendar.v.bad_source")
	}
	if len(y.Rest) == 0 {
		add("err.calendar.v.no_rest")
	}
	restNames := map[string]bool{}
	for _, d := range sortedDates(y.Rest) {
		name := y.Rest[d]
		restNames[name] = true
		if d.Year() != y.Year {
			add("err.calendar.v.rest_other_year", d, y.Year)
		}
		if _, both := y.Work[d]; both {
			add("err.calendar.v.rest_and_work", d)
		}
		if !validName(name) {
			add("err.calendar.v.bad_name", d, name)
		}
	}
	for _, d := range sortedDates(y.Work) {
		name := y.Work[d]
		if d.Year() != y.Year {
			add("err.calendar.v.work_other_year", d, y.Year)
		}
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			add("err.calendar.v.work_weekday", d, weekdayMsg(wd))
		}
		if !validName(name) {
			add("err.calendar.v.bad_name", d, name)
		} else if !restNames[name] {
			add("err.calendar.v.work_no_rest", d, name)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return huifang.Errorf(huifang.EINVALID, "err.calendar.year_invalid", y.Year, errs)
}

func cleanText(s string) bool {
	for _, r := range s {
		if r == '#' || (unicode.IsControl(r) && r != '\t') {
			return false
		}
	}
	return true
}

// validName: what ParseYear can produce (no '#', no control characters, no
// leading or trailing space, single spaces, does not begin with a date).
func validName(s string) bool {
	return s != "" && cleanText(s) && strings.Join(strings.Fields(s), " ") == s && !isDateLike(strings.Fields(s)[0])
}

func sortedDates(m map[huifang.Date]string) []huifang.Date {
	ds := make([]huifang.Date, 0, len(m))
	for d := range m {
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Before(ds[j]) })
	return ds
}

// Holidays lists the year's holidays by name, in the order of their first day
// (rest or make-up), each with its rest days and make-up working days.
func (y *Year) Holidays() []Holiday {
	byName := map[string]*Holiday{}
	first := map[string]huifang.Date{}
	var order []string
	note := func(d huifang.Date, name string) *Holiday {
		h := byName[name]
		if h == nil {
			h = &Holiday{Name: name}
			byName[name] = h
			order = append(order, name)
			first[name] = d
		} else if d.Before(first[name]) {
			first[name] = d
		}
		return h
	}
	for _, d := range sortedDates(y.Rest) {
		h := note(d, y.Rest[d])
		h.Rest = append(h.Rest, d)
	}
	for _, d := range sortedDates(y.Work) {
		h := note(d, y.Work[d])
		h.Work = append(h.Work, d)
	}
	sort.SliceStable(order, func(i, j int) bool { return first[order[i]].Before(first[order[j]]) })
	out := make([]Holiday, len(order))
	for i, name := range order {
		out[i] = *byName[name]
	}
	return out
}

// Format writes the year in the file format ParseYear reads: the header, then
// each holiday (in the order of its first day) as its rest ranges and make-up
// days in date order, a blank line between holidays. Comments are not kept.
// ParseYear(Format(y)) gives back y. A Year that does not validate is refused.
func (y *Year) Format(w io.Writer) error {
	if err := y.Validate(); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %d 年中国大陆工作日历。格式见 docs/calendar.md。\n", y.Year)
	fmt.Fprintf(&b, "year %d\n", y.Year)
	if !y.Published.IsZero() {
		fmt.Fprintf(&b, "published %s\n", y.Published)
	}
	fmt.Fprintf(&b, "source %s\n", y.Source)
	for _, h := range y.Holidays() {
		b.WriteString("\n")
		type line struct {
			from, to huifang.Date
			kind     string
		}
		var lines []line
		add := func(ds []huifang.Date, kind string) {
			for _, d := range ds {
				if n := len(lines); n > 0 && lines[n-1].kind == kind && lines[n-1].to.DaysUntil(d) == 1 {
					lines[n-1].to = d
					continue
				}
				lines = append(lines, line{d, d, kind})
			}
		}
		add(h.Rest, "rest")
		add(h.Work, "work")
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].from.Before(lines[j].from) })
		for _, l := range lines {
			if l.from == l.to {
				fmt.Fprintf(&b, "%s %s %s\n", l.kind, l.from, h.Name)
			} else {
				fmt.Fprintf(&b, "%s %s %s %s\n", l.kind, l.from, l.to, h.Name)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// clone copies y so that a Calendar's years cannot be changed from outside.
func (y *Year) clone() *Year {
	c := *y
	c.Rest = make(map[huifang.Date]string, len(y.Rest))
	for d, n := range y.Rest {
		c.Rest[huifang.NewDate(d.Year(), d.Month(), d.Day())] = n
	}
	c.Work = make(map[huifang.Date]string, len(y.Work))
	for d, n := range y.Work {
		c.Work[huifang.NewDate(d.Year(), d.Month(), d.Day())] = n
	}
	return &c
}
