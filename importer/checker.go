package importer

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/huifang/huifang"
)

// Checker validates the rows of one file, one at a time, in any number:
// it keeps only a 64-bit hash and a line number per row to find duplicate
// keys, and at most MaxErrors problems.
type Checker struct {
	kind   Kind
	cols   []column
	index  []int // position of each column in the header, -1 when absent
	header []string
	refs   *cachedRefs
	today  huifang.Date
	seen   map[uint64]uint32 // hash of the key → first line | badFlag
	tree   *branchTree       // branches only
	ended  bool
	report Report
}

// badFlag marks, in Checker.seen, a first row already counted as bad.
const badFlag = 1 << 31

// NewChecker reads the header of a file of the given kind. Headers are
// matched in Chinese or English, ignoring case, spaces and underscores. A
// missing or repeated column is a *huifang.Error (EINVALID) naming the
// columns in Fields; an unknown column is only a warning in the report.
// Dates in the future are judged against today.
func NewChecker(kind Kind, header []string, refs Refs, today huifang.Date) (*Checker, error) {
	cols, ok := columns[kind]
	if !ok {
		return nil, huifang.Errorf(huifang.EINVALID, "err.import.unknown_kind", kind)
	}
	if today.IsZero() {
		return nil, fmt.Errorf("importer: today is not set")
	}
	c := &Checker{
		kind:   kind,
		cols:   cols,
		index:  make([]int, len(cols)),
		header: make([]string, len(header)),
		refs:   newCachedRefs(refs),
		today:  today,
		seen:   make(map[uint64]uint32),
		report: Report{Kind: kind},
	}
	if kind == KindBranches {
		c.tree = newBranchTree()
	}
	names := headerNames(kind)
	for i := range cols {
		c.index[i] = -1
	}
	var unknown []string
	var e huifang.Error
	var problems []string
	for pos, h := range header {
		h = strings.TrimSpace(h)
		c.header[pos] = h
		n := normHeader(h)
		if n == "" {
			continue
		}
		i, ok := names[n]
		switch {
		case !ok:
			unknown = append(unknown, h)
		case c.index[i] >= 0:
			problems = append(problems, fmt.Sprintf("「%s」列重复（第%d列和第%d列）", cols[i].zh, c.index[i]+1, pos+1))
			e.Fields = append(e.Fields, huifang.FieldError{Field: h, Key: fmt.Sprintf("列重复：与第%d列都是「%s」", c.index[i]+1, cols[i].zh)})
		default:
			c.index[i] = pos
		}
	}
	var missing []string
	for i, col := range cols {
		if col.required && c.index[i] < 0 {
			missing = append(missing, col.zh)
			e.Fields = append(e.Fields, huifang.FieldError{Field: col.zh, Key: "缺少必填列"})
		}
	}
	if len(missing) > 0 {
		problems = append([]string{"缺少必填列：" + strings.Join(missing, "、")}, problems...)
	}
	if len(problems) > 0 {
		e.Code = huifang.EINVALID
		e.Key = "表头不对：" + strings.Join(problems, "；") + "。" + expected(kind)
		return nil, &e
	}
	if len(unknown) > 0 {
		c.report.Warnings = append(c.report.Warnings, "忽略了无法识别的列："+strings.Join(unknown, "、"))
	}
	return c, nil
}

// expected lists the columns of a kind, for an error message.
func expected(kind Kind) string {
	var req, opt []string
	for _, col := range columns[kind] {
		name := col.zh + "（" + col.en + "）"
		if col.required {
			req = append(req, name)
		} else {
			opt = append(opt, name)
		}
	}
	s := kind.ZH() + "文件应有这些列：" + strings.Join(req, "、")
	if len(opt) > 0 {
		s += "；可选的列：" + strings.Join(opt, "、")
	}
	return s
}

// normHeader folds a header for matching: lower case, without spaces,
// underscores, dashes or the asterisk that marks a required column in a
// template, with full-width brackets made half-width.
func normHeader(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '_', r == '-', r == '*', r == '＊', r == '\uFEFF':
			return -1
		case r == '（':
			return '('
		case r == '）':
			return ')'
		}
		return unicode.ToLower(r)
	}, s)
}

// Row checks one data row; line is its line in the file, for the report. It
// returns the item (a huifang.Branch, Product, Agent, Outlet or Policy, as a
// value) when the row is good. Branches are the exception: a branch's level
// depends on rows that may come later, so Row returns a nil item for them,
// and End returns the good branches once every row is read.
//
// A row that repeats an earlier row's key makes both bad; the earlier one was
// already returned as good, which is why an import validates the whole file
// before it writes anything.
func (c *Checker) Row(line int, rec []string) (item any, ok bool) {
	c.report.Rows++
	r := &rowCtx{c: c, line: line, rec: rec}
	var b huifang.Branch
	switch c.kind {
	case KindBranches:
		b = c.branch(r)
	case KindProducts:
		item = c.product(r)
	case KindAgents:
		item = c.agent(r)
	case KindOutlets:
		item = c.outlet(r)
	case KindPolicies:
		item = c.policy(r)
	case KindCallbacks:
		item = c.callbackRecord(r)
	}
	if first := c.unique(r); first && c.tree != nil && b.Code != "" {
		c.tree.add(r.line, b, r.bad)
	}
	if r.bad {
		c.report.Bad++
		return nil, false
	}
	return item, true
}

// unique finds a key that an earlier row already had, and reports both rows.
// It reports whether the row's key is new.
func (c *Checker) unique(r *rowCtx) bool {
	col := keyColumn[c.kind]
	key := r.get(col)
	if key == "" {
		return false
	}
	h := fnv64(key)
	if c.kind == KindCallbacks {
		// A policy's new-business and orphan callbacks are two rows.
		if k, ok := ParseCallbackKind(r.get(cKind)); ok && k == huifang.KindOrphan {
			h = fnv64(key + "\x00" + string(k))
		}
	}
	first, dup := c.seen[h]
	if !dup {
		v := uint32(min(r.line, badFlag-1))
		if r.bad {
			v |= badFlag
		}
		c.seen[h] = v
		return true
	}
	firstLine := int(first &^ badFlag)
	r.fail(col, key, "err.import.row.duplicate", firstLine)
	c.addError(rowError(firstLine, r.header(col), shown(key, c.cols[col].mask), huifang.M("err.import.row.duplicate", r.line)))
	if first&badFlag == 0 {
		c.seen[h] = first | badFlag
		c.report.Bad++
		if c.tree != nil {
			c.tree.markBad(key)
		}
	}
	return false
}

// fnv64 is the 64-bit FNV-1a hash: a million keys collide with a chance of
// about one in thirty million, and the same file always hashes the same way.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func (c *Checker) addError(e RowError) {
	c.report.ErrorCount++
	if len(c.report.Errors) < MaxErrors {
		c.report.Errors = append(c.report.Errors, e)
	} else {
		c.report.Truncated = true
	}
}

// End finishes the file, after its last row: for branches it checks the tree
// (unknown parents, cycles), computes each level and returns the good
// branches, parents before children; for other kinds it returns nothing.
func (c *Checker) End() []any {
	if c.ended || c.tree == nil {
		return nil
	}
	c.ended = true
	return c.tree.end(c)
}

// Report says how the rows read so far fared, the problems sorted by row.
func (c *Checker) Report() Report {
	r := c.report
	r.Errors = slices.Clone(r.Errors)
	slices.SortStableFunc(r.Errors, func(a, b RowError) int { return a.Row - b.Row })
	r.Warnings = slices.Clone(r.Warnings)
	return r
}

// rowCtx is one row being checked.
type rowCtx struct {
	c    *Checker
	line int
	rec  []string
	bad  bool
}

// get is the trimmed cell of a column, "" when the file lacks the column.
func (r *rowCtx) get(col int) string {
	pos := r.c.index[col]
	if pos < 0 || pos >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[pos])
}

// header names a column as the file does, or by its Chinese name when the
// file lacks it.
func (r *rowCtx) header(col int) string {
	if pos := r.c.index[col]; pos >= 0 && r.c.header[pos] != "" {
		return r.c.header[pos]
	}
	return r.c.cols[col].zh
}

func (r *rowCtx) fail(col int, value, key string, args ...any) {
	r.bad = true
	r.c.addError(rowError(r.line, r.header(col), shown(value, r.c.cols[col].mask), huifang.M(key, args...)))
}

// failErr reports an error of one of the Parse functions.
func (r *rowCtx) failErr(col int, value string, err error) {
	m := huifang.ErrorMsg(err)
	r.fail(col, value, m.Key, m.Args...)
}

// required is the cell of a column that must have a value.
func (r *rowCtx) required(col int) (string, bool) {
	v := r.get(col)
	if v == "" {
		r.fail(col, "", "err.import.row.required")
		return "", false
	}
	return v, true
}

// code is a required code.
func (r *rowCtx) code(col int) string {
	v, ok := r.required(col)
	if ok {
		if err := checkCode(v); err != nil {
			r.failErr(col, v, err)
		}
	}
	return v
}

// optionalCode is a code that may be empty.
func (r *rowCtx) optionalCode(col int) string {
	v := r.get(col)
	if v != "" {
		if err := checkCode(v); err != nil {
			r.failErr(col, v, err)
		}
	}
	return v
}

// name is a required name.
func (r *rowCtx) name(col int) string {
	v, ok := r.required(col)
	if ok {
		if err := checkName(v); err != nil {
			r.failErr(col, v, err)
		}
	}
	return v
}

// date is a date, zero when empty (and then a problem if required).
func (r *rowCtx) date(col int, required bool) huifang.Date {
	v := r.get(col)
	if v == "" {
		if required {
			r.fail(col, "", "err.import.row.required")
		}
		return huifang.Date{}
	}
	d, err := ParseDate(v)
	if err != nil {
		r.failErr(col, v, err)
	}
	return d
}

// knownBranch checks a required branch code against the system.
func (r *rowCtx) knownBranch(col int) string {
	v := r.code(col)
	if v != "" && checkCode(v) == nil {
		if _, ok := r.c.refs.branch(v); !ok {
			r.fail(col, v, "err.import.row.no_branch")
		}
	}
	return v
}

// optionalBool is a yes/no cell, false when empty.
func (r *rowCtx) optionalBool(col int) bool {
	v := r.get(col)
	if v == "" {
		return false
	}
	b, ok := parseBool(v)
	if !ok {
		r.fail(col, v, "err.import.row.bad_bool")
	}
	return b
}
