package indicator

import (
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
}

// OrphanRate is the orphan-policy callback rate of the row.
func (r Row) OrphanRate() Rate { return Rate{r.Orphans.Successful, r.Orphans.Due} }

// Table is a company's statistics table for a period (DOMAIN.md §8).
type Table struct {
	Period    Period
	AsOf      huifang.Date // the day overdue cases are counted on
	Total     Row
	ByChannel []Row // in the order of huifang.Channels, only channels with figures
	ByDesign  []Row // in the order of huifang.DesignTypes
	ByType    []Row // problem cases, in the order of huifang.ProblemTypes
	// ByCompany: a regulator's table, one row per company it supervises
	// (Key is the company's code, Label its name); the other rows are the
	// totals over them.
	ByCompany []Row
}

// Builder tallies facts into a table.
type Builder struct {
	period   Period
	asOf     huifang.Date
	total    Row
	channels map[string]*Row
	designs  map[string]*Row
	types    map[string]*Row
}

// NewBuilder starts a table for the period, overdue counted as of asOf.
func NewBuilder(p Period, asOf huifang.Date) *Builder {
	return &Builder{period: p, asOf: asOf, channels: map[string]*Row{}, designs: map[string]*Row{}, types: map[string]*Row{}}
}

func row(m map[string]*Row, key string) *Row {
	r := m[key]
	if r == nil {
		r = &Row{Key: key}
		m[key] = r
	}
	return r
}

// AddCallback counts a callback, if it counts in the table's period.
func (b *Builder) AddCallback(f CallbackFact) {
	k, n, ok := f.Contribution()
	if !ok || !b.period.Contains(k.Month.First()) {
		return
	}
	for _, r := range []*Row{&b.total, row(b.channels, string(k.Channel)), row(b.designs, string(k.Design))} {
		if k.Orphan {
			r.Orphans.Add(n, 1)
		} else {
			r.Callbacks.Add(n, 1)
		}
	}
}

// AddCase counts a problem case where it counts in the table's period.
func (b *Builder) AddCase(f CaseFact) {
	late := !f.Done() && f.DueOn.Before(b.asOf) && b.period.Contains(f.DueOn)
	for k, n := range f.Contributions() {
		if !b.period.Contains(k.Month.First()) {
			continue
		}
		for _, r := range []*Row{&b.total, row(b.channels, string(k.Channel)), row(b.designs, string(k.Design)), row(b.types, string(k.Type))} {
			r.Cases.Add(n, 1)
		}
	}
	if late {
		for _, r := range []*Row{&b.total, row(b.channels, string(f.Channel)), row(b.designs, string(f.Design)), row(b.types, string(f.Type))} {
			r.Overdue++
		}
	}
}

// Table finishes the table.
func (b *Builder) Table() Table {
	t := Table{Period: b.period, AsOf: b.asOf, Total: b.total}
	finish := func(r *Row) Row { r.Overdue += r.Cases.Closed - r.Cases.ClosedOnTime; return *r }
	t.Total = finish(&b.total)
	t.ByChannel = ordered(b.channels, huifang.Channels, finish)
	t.ByDesign = ordered(b.designs, huifang.DesignTypes, finish)
	t.ByType = ordered(b.types, huifang.ProblemTypes, finish)
	return t
}

// ordered lists the rows in the order of known, then any others by key.
func ordered[K ~string](m map[string]*Row, known []K, finish func(*Row) Row) []Row {
	var out []Row
	for _, k := range known {
		if r := m[string(k)]; r != nil {
			out = append(out, finish(r))
			delete(m, string(k))
		}
	}
	rest := make([]string, 0, len(m))
	for k := range m {
		rest = append(rest, k)
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, finish(m[k]))
	}
	return out
}

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
	out := [][]any{line("合计", "合计", t.Total)}
	for _, r := range t.ByChannel {
		out = append(out, line("销售渠道", label(huifang.Channel(r.Key).ZH(), r.Key), r))
	}
	for _, r := range t.ByDesign {
		out = append(out, line("产品类型", label(huifang.DesignType(r.Key).ZH(), r.Key), r))
	}
	for _, r := range t.ByType {
		out = append(out, line("问题件类型", label(huifang.ProblemType(r.Key).ZH(), r.Key), r))
	}
	for _, r := range t.ByCompany {
		out = append(out, line("保险公司", label(r.Label, r.Key), r))
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
