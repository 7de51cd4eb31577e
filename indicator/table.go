package indicator

import (
	"regexp"
	"slices"

	"github.com/huifang/huifang"
)

// Row is one line of a statistics table: the counts of a group.
type Row struct {
	Key       string // the channel, design type, problem type or company; "" for the total
	Label     string // companies: the name
	Callbacks CallbackCounts
	Orphans   CallbackCounts
	Cases     CaseCounts
	Overdue   int64 // problem cases due in the period and overdue as of the table's day
	// Misconduct: a seller row's confirmed misconduct records (the drill-down by agent).
	Misconduct int64
	// DueFull is the new-business callbacks due over the whole period. For a
	// period still running Callbacks counts only those whose deadline has
	// come by the table's day (Table.DueBy), so that no rate is diluted by
	// callbacks nobody could have made yet; DueFull is shown beside it.
	// (Orphan-policy callbacks count in full, as the departure gate does.)
	DueFull int64
}

// OrphanRate is the orphan-policy callback rate of the row.
func (r Row) OrphanRate() Rate { return Rate{r.Orphans.Successful, r.Orphans.Due} }

// Table is a company's statistics table for a period (DOMAIN.md §8).
type Table struct {
	Period Period
	AsOf   huifang.Date // the day overdue cases are counted on
	// DueBy is set for a period still running on AsOf (AsOf before its last
	// day): the callback counts and rates take only callbacks whose deadline
	// is on or before DueBy ("截至 DueBy"); Row.DueFull has the full period's.
	DueBy     huifang.Date
	Total     Row
	ByChannel []Row // in the order of huifang.Channels, only channels with figures
	ByDesign  []Row // in the order of huifang.DesignTypes
	ByType    []Row // problem cases, in the order of huifang.ProblemTypes
	// ByCompany: a regulator's table, one row per company it supervises
	// (Key is the company's code, Label its name); the other rows are the
	// totals over them.
	ByCompany []Row
	// Extra holds the rows of the groups given to NewBuilder, in order.
	Extra [][]Row
}

// Group is a way of splitting a table into rows: the row a callback's and a
// problem case's counts go to, or false when they go to none.
type Group struct {
	Callback func(CallbackKey) (string, bool)
	Case     func(CaseKey) (string, bool)
	// Order lists the known keys in the order rows are shown; others follow
	// sorted.
	Order []string
	// Branch: the group reads the branch of a key, so counts must come
	// by branch (else they may come added up over branches).
	Branch bool
	// Detail: the group reads a callback key's age band or method, so
	// counts must come with them (else they may come added up over them).
	Detail bool
	// Type: the group reads a problem case key's type.
	Type bool
}

func none[K any](K) (string, bool) { return "", false }

func order[K ~string](ks []K) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// The groups of DOMAIN.md §7.
var (
	ByChannel = Group{Callback: func(k CallbackKey) (string, bool) { return string(k.Channel), true },
		Case: func(k CaseKey) (string, bool) { return string(k.Channel), true }, Order: order(huifang.Channels)}
	ByDesign = Group{Callback: func(k CallbackKey) (string, bool) { return string(k.Design), true },
		Case: func(k CaseKey) (string, bool) { return string(k.Design), true }, Order: order(huifang.DesignTypes)}
	ByType = Group{Callback: none[CallbackKey], Case: func(k CaseKey) (string, bool) { return string(k.Type), true },
		Order: order(huifang.ProblemTypes), Type: true}
	ByBranch = Group{Callback: func(k CallbackKey) (string, bool) { return k.Branch, true }, Case: func(k CaseKey) (string, bool) { return k.Branch, true }, Branch: true}
	ByMonth  = Group{Callback: func(k CallbackKey) (string, bool) { return k.Month.String(), true }, Case: func(k CaseKey) (string, bool) { return k.Month.String(), true }}
	BySeller = Group{Callback: func(k CallbackKey) (string, bool) { return k.Seller, true }, Case: func(k CaseKey) (string, bool) { return k.Seller, true }}
	// ByMethod splits finished callbacks by how they were made (open ones
	// under ""); problem cases have no method.
	ByMethod = Group{Callback: func(k CallbackKey) (string, bool) { return string(k.Method), true }, Case: none[CaseKey],
		Order: order(huifang.CallbackMethods), Detail: true}
	// ByAge splits callbacks into policyholders of 60 and over ("60+") and
	// the others ("under60").
	ByAge = Group{Callback: func(k CallbackKey) (string, bool) {
		if k.Aged60 {
			return "60+", true
		}
		return "under60", true
	}, Case: none[CaseKey], Order: []string{"60+", "under60"}, Detail: true}
)

// Builder tallies counts into a table. For a period still running on the
// day it is built for, new-business callbacks count only when their
// deadline is on or before that day (Table.DueBy): stored counts of whole months that have
// ended count as they are, and those of the month still running must come
// as facts (AddCallback, or AddCallbackSoFar beside the stored counts) or
// as counts by day of deadline (AddCallbackCountsSoFar).
type Builder struct {
	period Period
	asOf   huifang.Date
	dueBy  huifang.Date // zero: the period has ended, everything counts
	// Keep, when set, counts only callbacks and cases of the branches,
	// channels and design types it accepts.
	Keep   func(branch string, ch huifang.Channel, d huifang.DesignType) bool
	total  Row
	groups []grouping // channel, design, type, then the extra groups (only the extra ones: see only)
	only   bool       // NewBreakdown's: no groups by channel, design and type
}

type grouping struct {
	Group
	rows map[string]*Row
}

// Needs says which parts of the stored counts' keys a builder reads:
// counts added up over the others make the same table.
type Needs struct {
	Branch bool // the branch (a Keep, or a group by branch)
	Detail bool // a callback's age band and method
	Type   bool // a problem case's type
}

// Or is what two builders need together.
func (n Needs) Or(m Needs) Needs {
	return Needs{Branch: n.Branch || m.Branch, Detail: n.Detail || m.Detail, Type: n.Type || m.Type}
}

// All is every part of the keys.
var All = Needs{Branch: true, Detail: true, Type: true}

// Needs reports which parts of the counts' keys the builder reads.
func (b *Builder) Needs() Needs {
	n := Needs{Branch: b.Keep != nil}
	for _, g := range b.groups {
		n = n.Or(Needs{Branch: g.Branch, Detail: g.Detail, Type: g.Type})
	}
	return n
}

// NewBuilder starts a table for the period, overdue counted as of asOf,
// with rows by channel, design type and problem type and by any extra groups.
func NewBuilder(p Period, asOf huifang.Date, extra ...Group) *Builder {
	b := &Builder{period: p, asOf: asOf}
	if !asOf.IsZero() && asOf.Before(p.Last()) {
		b.dueBy = asOf
	}
	for _, g := range append([]Group{ByChannel, ByDesign, ByType}, extra...) {
		b.groups = append(b.groups, grouping{g, map[string]*Row{}})
	}
	return b
}

// NewBreakdown starts a table for the period of the total and the one
// group g only (its Extra[0]): a drill-down, which shows no rows by
// channel, design or type and so needs no counts by them.
func NewBreakdown(p Period, asOf huifang.Date, g Group) *Builder {
	b := NewBuilder(p, asOf)
	b.groups, b.only = []grouping{{g, map[string]*Row{}}}, true
	return b
}

func row(m map[string]*Row, key string) *Row {
	r := m[key]
	if r == nil {
		r = &Row{Key: key}
		m[key] = r
	}
	return r
}

// AddCallback counts a callback, if it counts in the table's period: in the
// full period's due count always, in the other counts when its deadline has
// come by the table's day.
func (b *Builder) AddCallback(f CallbackFact) {
	k, n, ok := f.Contribution()
	if !ok {
		return
	}
	b.addDueFull(k, n.Due)
	if k.Orphan || b.dueBy.IsZero() || !f.DueOn.After(b.dueBy) {
		b.addCallback(k, n)
	}
}

// PartialMonth is the part of the month still running whose callbacks
// count by their deadline day: its first day and the table's day; false
// when the period has ended or that month is not in it.
func (b *Builder) PartialMonth() (from, to huifang.Date, ok bool) {
	if b.dueBy.IsZero() || !b.period.Contains(b.dueBy) {
		return huifang.Date{}, huifang.Date{}, false
	}
	return MonthOf(b.dueBy).First(), b.dueBy, true
}

// AddCallbackSoFar counts a callback of the month still running (see
// PartialMonth) whose deadline has come, beside the stored counts, which
// already hold it in the full period's due count.
func (b *Builder) AddCallbackSoFar(f CallbackFact) {
	k, n, ok := f.Contribution()
	if !ok || k.Orphan || b.dueBy.IsZero() || f.DueOn.After(b.dueBy) || !MonthOf(f.DueOn).Last().After(b.dueBy) {
		return
	}
	b.addCallback(k, n)
}

// AddCounts adds stored counts (AddCallbackCounts, AddCaseCounts and
// AddOverdue for each of their keys).
func (b *Builder) AddCounts(c StatCounts) {
	for k, n := range c.Callbacks {
		b.AddCallbackCounts(k, n)
	}
	for k, n := range c.Cases {
		b.AddCaseCounts(k, n)
	}
	for k, n := range c.Overdue {
		b.AddOverdue(k, n)
	}
}

// AddCallbackCountsSoFar adds the counts of a group of callbacks of the
// month still running (see PartialMonth) whose deadlines have come, as
// AddCallbackSoFar adds one: the kept counts by day of deadline, added up
// over the month's days to the table's day. Orphan-policy callbacks are not
// in them.
func (b *Builder) AddCallbackCountsSoFar(k CallbackKey, n CallbackCounts) {
	if k.Orphan || b.dueBy.IsZero() || k.Month.First().After(b.dueBy) || !k.Month.Last().After(b.dueBy) {
		return
	}
	b.addCallback(k, n)
}

// AddCallbackCounts adds the counts of a group of callbacks, if their
// month is in the table's period: to the full period's due count always,
// to the other counts when the month has ended by the table's day (the
// month still running comes through AddCallbackSoFar or
// AddCallbackCountsSoFar).
func (b *Builder) AddCallbackCounts(k CallbackKey, n CallbackCounts) {
	b.addDueFull(k, n.Due)
	if k.Orphan || b.dueBy.IsZero() || !k.Month.Last().After(b.dueBy) {
		b.addCallback(k, n)
	}
}

func (b *Builder) keep(k CallbackKey) bool {
	return b.period.Contains(k.Month.First()) && (b.Keep == nil || b.Keep(k.Branch, k.Channel, k.Design))
}

func (b *Builder) addDueFull(k CallbackKey, due int64) {
	if k.Orphan || !b.keep(k) {
		return
	}
	b.total.DueFull += due
	for _, g := range b.groups {
		if key, ok := g.Callback(k); ok {
			row(g.rows, key).DueFull += due
		}
	}
}

func (b *Builder) addCallback(k CallbackKey, n CallbackCounts) {
	if !b.keep(k) {
		return
	}
	add := func(r *Row) {
		if k.Orphan {
			r.Orphans.Add(n, 1)
		} else {
			r.Callbacks.Add(n, 1)
		}
	}
	add(&b.total)
	for _, g := range b.groups {
		if key, ok := g.Callback(k); ok {
			add(row(g.rows, key))
		}
	}
}

// AddCase counts a problem case where it counts in the table's period.
func (b *Builder) AddCase(f CaseFact) {
	for k, n := range f.Contributions() {
		b.AddCaseCounts(k, n)
	}
	if !f.Done() && f.DueOn.Before(b.asOf) {
		b.AddOverdue(CaseKey{Month: MonthOf(f.DueOn), Branch: f.Branch, Channel: f.Channel, Design: f.Design, Type: f.Type, Seller: f.Seller}, 1)
	}
}

// AddCaseCounts adds the counts of a group of problem cases, if their
// month is in the table's period.
func (b *Builder) AddCaseCounts(k CaseKey, n CaseCounts) {
	b.addCase(k, func(r *Row) { r.Cases.Add(n, 1) })
}

// AddOverdue adds n cases still pending past their deadline as of the
// table's day; k.Month is the month of the deadline.
func (b *Builder) AddOverdue(k CaseKey, n int64) {
	b.addCase(k, func(r *Row) { r.Overdue += n })
}

func (b *Builder) addCase(k CaseKey, add func(*Row)) {
	if !b.period.Contains(k.Month.First()) || (b.Keep != nil && !b.Keep(k.Branch, k.Channel, k.Design)) {
		return
	}
	add(&b.total)
	for _, g := range b.groups {
		if key, ok := g.Case(k); ok {
			add(row(g.rows, key))
		}
	}
}

// Table finishes the table.
func (b *Builder) Table() Table {
	finish := func(r *Row) Row { x := *r; x.Overdue += x.Cases.Closed - x.Cases.ClosedOnTime; return x }
	t := Table{Period: b.period, AsOf: b.asOf, DueBy: b.dueBy, Total: finish(&b.total)}
	for i, g := range b.groups {
		rows := ordered(g.rows, g.Order, finish)
		if b.only {
			i += 3 // the group is an extra one
		}
		switch i {
		case 0:
			t.ByChannel = rows
		case 1:
			t.ByDesign = rows
		case 2:
			t.ByType = rows
		default:
			t.Extra = append(t.Extra, rows)
		}
	}
	return t
}

// ordered lists the rows in the order of known, then any others by key.
func ordered(m map[string]*Row, known []string, finish func(*Row) Row) []Row {
	var out []Row
	seen := map[string]bool{}
	for _, k := range known {
		if r := m[k]; r != nil && !seen[k] {
			out = append(out, finish(r))
			seen[k] = true
		}
	}
	rest := make([]string, 0, len(m))
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, finish(m[k]))
	}
	return out
}

// The group labels (column A) of a flat statistics table's rows, in Chinese.
// They are part of the file format: the regulator's template is generated
// with them and an uploaded template is read back by them.
const (
	GroupTotal   = "合计" // the total row, whose item label (column B) is the same
	GroupChannel = "销售渠道"
	GroupDesign  = "产品类型"
	GroupType    = "问题件类型"
	GroupCompany = "保险公司"
)

// Title is the title of a company's statistics table for a period, in
// Chinese, as the report and the template carry it. It is part of the file
// format: an uploaded template is checked by the period in it (TitlePeriod).
func Title(orgName string, p Period) string {
	return orgName + " 回访统计表（" + p.ZH() + "）"
}

// TitlePeriod finds the period (Period.ZH) in a title written by Title.
var TitlePeriod = regexp.MustCompile(`（(\d{4}年(?:\d{1,2}月|第\d季度|度))）`)

// Columns are the columns of a flat statistics table, in Chinese.
var Columns = []string{"分组", "项目", "应回访件数", "回访成功件数", "回访成功率", "犹豫期内回访成功件数", "犹豫期内回访成功率",
	"回访完成件数", "回访完成率", "回访开立问题件数", "问题件率", "新开问题件数", "应办结问题件数", "处理成功件数", "问题件处理成功率",
	"已办结件数", "问题件办结率", "按时办结件数", "问题件按时办结率", "超期件数", "应回访孤儿保单数", "孤儿保单回访成功件数", "孤儿保单回访成功率"}

// ColumnGroups head runs of Columns: the grouping, the callbacks, the
// problem cases and the orphan-policy callbacks.
var ColumnGroups = []struct {
	Title string
	Cols  int
}{{"统计分组", 2}, {"新单回访", 9}, {"问题件", 9}, {"孤儿保单回访", 3}}

// Lines flattens the table for CSV and spreadsheets: the total, then the
// rows by channel, by design type and by problem type. Rates are Rate values
// (a writer shows them as percentages).
func (t Table) Lines() [][]any {
	line := func(group, label string, r Row) []any {
		c, k := r.Callbacks, r.Cases
		return []any{group, label, c.Due, c.Successful, c.SuccessRate(), c.SuccessfulInPeriod, c.InPeriodSuccessRate(),
			c.Completed, c.CompletionRate(), c.Problems, c.ProblemRate(), k.Opened, k.Due, k.Resolved, k.ResolutionRate(),
			k.Closed, k.ClosureRate(), k.ClosedOnTime, k.OnTimeRate(), r.Overdue, r.Orphans.Due, r.Orphans.Successful, r.OrphanRate()}
	}
	out := [][]any{line(GroupTotal, GroupTotal, t.Total)}
	for _, r := range t.ByChannel {
		out = append(out, line(GroupChannel, label(huifang.Channel(r.Key).ZH(), r.Key), r))
	}
	for _, r := range t.ByDesign {
		out = append(out, line(GroupDesign, label(huifang.DesignType(r.Key).ZH(), r.Key), r))
	}
	for _, r := range t.ByType {
		out = append(out, line(GroupType, label(huifang.ProblemType(r.Key).ZH(), r.Key), r))
	}
	for _, r := range t.ByCompany {
		out = append(out, line(GroupCompany, label(r.Label, r.Key), r))
	}
	return out
}

// String writes a rate as CSV and spreadsheets show it.
func (r Rate) String() string { return r.Percent() }

func label(zh, key string) string {
	if zh != "" {
		return zh
	}
	if key == "" {
		return "（未知）"
	}
	return key
}
