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
			p.errf(n, "不是 UTF-8 编码的文字：请把文件另存为 UTF-8 后再导入")
		} else {
			p.line(n, string(line))
		}
		if len(p.errs) >= maxErrors {
			break
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, huifang.Errorf(huifang.EINVALID, "第 %d 行太长：这不像工作日历文件", n+1)
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
	msg  string
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

func (p *parser) errf(line int, format string, args ...any) {
	p.errs = append(p.errs, problem{line, fmt.Sprintf(format, args...)})
}

func (p *parser) error() *huifang.Error {
	e := &huifang.Error{Code: huifang.EINVALID}
	sort.SliceStable(p.errs, func(i, j int) bool {
		a, b := p.errs[i].line, p.errs[j].line
		return a != 0 && (b == 0 || a < b) // whole-file problems last
	})
	msgs := make([]string, len(p.errs))
	for i, pr := range p.errs {
		field := "file"
		msgs[i] = pr.msg
		if pr.line > 0 {
			field = "line " + strconv.Itoa(pr.line)
			msgs[i] = fmt.Sprintf("第 %d 行：%s", pr.line, pr.msg)
		}
		e.Fields = append(e.Fields, huifang.FieldError{Field: field, Key: msgs[i]})
	}
	if len(msgs) == 1 {
		e.Key = "工作日历文件有错：" + msgs[0]
	} else {
		more := ""
		if len(msgs) >= maxErrors {
			more = "（只列出前 " + strconv.Itoa(maxErrors) + " 处）"
		}
		e.Key = fmt.Sprintf("工作日历文件有 %d 处错误%s：%s", len(msgs), more, strings.Join(msgs, "；"))
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
			p.errf(n, "含有控制字符")
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
		p.errf(n, "不认识的关键字“%s”：每行应以 year、published、source、rest 或 work 开头（# 开始注释）", key)
	}
}

func (p *parser) year(n int, args []string) {
	if p.yearLine > 0 {
		p.errf(n, "year 已在第 %d 行写过", p.yearLine)
		return
	}
	p.yearLine = n
	if len(args) != 1 {
		p.errf(n, "year 后应只有一个四位数的年份，例如 year 2026")
		return
	}
	y, err := strconv.Atoi(args[0])
	if err != nil || len(args[0]) != 4 || y < 1000 {
		p.errf(n, "年份“%s”无效：应是四位数的年份，例如 year 2026", args[0])
		return
	}
	p.y.Year, p.haveYear = y, true
}

func (p *parser) published(n int, args []string) {
	if p.pubLine > 0 {
		p.errf(n, "published 已在第 %d 行写过", p.pubLine)
		return
	}
	p.pubLine = n
	if len(args) != 1 {
		p.errf(n, "published 后应只有通知的发布日期，例如 published 2025-11-04")
		return
	}
	if d, ok := p.date(n, args[0]); ok {
		p.y.Published = d
	}
}

func (p *parser) source(n int, text string) {
	if p.srcLine > 0 {
		p.errf(n, "source 已在第 %d 行写过", p.srcLine)
		return
	}
	p.srcLine = n
	if text == "" {
		p.errf(n, "source 后应写通知的标题，例如 source 国务院办公厅关于2026年部分节假日安排的通知")
		return
	}
	p.y.Source = text
}

// date parses YYYY-MM-DD with a Chinese message on failure.
func (p *parser) date(n int, s string) (huifang.Date, bool) {
	d, err := huifang.ParseISODate(s)
	if err != nil {
		p.errf(n, "日期“%s”无效：应写成 YYYY-MM-DD，例如 2026-01-01", s)
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
			p.errf(n, "%s 行之前应先写 year 行，例如 year 2026", kind)
		}
		return
	}
	if len(args) == 0 {
		p.errf(n, "%s 后应写日期（或起止日期）和节日名称，例如 %s", kind, example(kind, p.y.Year))
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
		p.errf(n, "缺少节日名称，例如 %s", example(kind, p.y.Year))
		return
	}
	if isDateLike(args[nameAt]) {
		p.errf(n, "日期太多：%s 后最多写起止两个日期，再写节日名称", kind)
		return
	}
	if to.Before(from) {
		p.errf(n, "结束日期 %s 早于开始日期 %s", to, from)
		return
	}
	if from.Year() != p.y.Year || to.Year() != p.y.Year {
		bad := from
		if from.Year() == p.y.Year {
			bad = to
		}
		p.errf(n, "日期 %s 不在 %d 年内：一个文件只收本年的日子", bad, p.y.Year)
		return
	}
	if from.DaysUntil(to) > 31 {
		p.errf(n, "%s 至 %s 超过一个月：请检查起止日期", from, to)
		return
	}
	for d := from; !d.After(to); d = d.AddDays(1) {
		if prev, dup := p.seenAt[d]; dup {
			if _, isRest := p.y.Rest[d]; isRest != (kind == "rest") {
				p.errf(n, "%s 已在第 %d 行列为%s，同一天不能既放假又上班", d, prev, kindName(isRest))
			} else {
				p.errf(n, "%s 重复：已在第 %d 行列出", d, prev)
			}
			continue
		}
		if kind == "work" {
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				p.errf(n, "%s 是%s：只有周六或周日才能列为调休上班（work），平日本来就上班", d, weekdayName(wd))
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
		p.errf(0, "缺少 year 行，例如 year 2026")
	}
	if p.srcLine == 0 {
		p.errf(0, "缺少 source 行（通知的标题），例如 source 国务院办公厅关于2026年部分节假日安排的通知")
	}
	if !p.haveYear {
		return
	}
	if d := p.y.Published; !d.IsZero() && d.Year() > p.y.Year {
		p.errf(p.pubLine, "发布日期 %s 晚于 %d 年：通知应在当年之前或当年发布", d, p.y.Year)
	}
	if len(p.y.Rest) == 0 && len(p.errs) == 0 {
		p.errf(0, "没有任何 rest 行：一年至少要有一个节假日，例如 rest %d-01-01 元旦", p.y.Year)
	}
	for _, w := range p.workLines {
		if !p.restName[w.name] {
			p.errf(w.line, "调休上班的节日名称“%s”没有对应的 rest 行：名称应与放假那一行完全相同", w.name)
		}
	}
}

func example(kind string, year int) string {
	if kind == "work" {
		return "work " + strconv.Itoa(year) + "-01-04 元旦"
	}
	return "rest " + strconv.Itoa(year) + "-01-01 " + strconv.Itoa(year) + "-01-03 元旦"
}

func kindName(rest bool) string {
	if rest {
		return "放假（rest）"
	}
	return "调休上班（work）"
}

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

func weekdayName(wd time.Weekday) string { return weekdayNames[wd] }

// Validate checks a Year built by hand with the rules ParseYear applies.
func (y *Year) Validate() error {
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if y.Year < 1000 || y.Year > 9999 {
		add("年份 %d 无效", y.Year)
	}
	// The publication date is optional: a year may be loaded before its
	// notice's date is confirmed.
	if !y.Published.IsZero() && y.Published.Year() > y.Year {
		add("发布日期 %s 晚于 %d 年", y.Published, y.Year)
	}
	if strings.TrimSpace(y.Source) == "" {
		add("缺少通知的标题")
	} else if !cleanText(y.Source) || y.Source != strings.TrimSpace(y.Source) {
		add("通知标题含有 #、换行或首尾空白")
	}
	if len(y.Rest) == 0 {
		add("没有任何放假日")
	}
	restNames := map[string]bool{}
	for _, d := range sortedDates(y.Rest) {
		name := y.Rest[d]
		restNames[name] = true
		if d.Year() != y.Year {
			add("放假日 %s 不在 %d 年内", d, y.Year)
		}
		if _, both := y.Work[d]; both {
			add("%s 既是放假日又是调休上班日", d)
		}
		if !validName(name) {
			add("%s 的节日名称“%s”无效", d, name)
		}
	}
	for _, d := range sortedDates(y.Work) {
		name := y.Work[d]
		if d.Year() != y.Year {
			add("调休上班日 %s 不在 %d 年内", d, y.Year)
		}
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			add("调休上班日 %s 是%s，不是周六或周日", d, weekdayName(wd))
		}
		if !validName(name) {
			add("%s 的节日名称“%s”无效", d, name)
		} else if !restNames[name] {
			add("调休上班日 %s 的节日名称“%s”没有对应的放假日", d, name)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return huifang.Errorf(huifang.EINVALID, "%d 年的工作日历有错：%s", y.Year, strings.Join(errs, "；"))
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
