package importer

import (
	"slices"
	"strings"

	"github.com/huifang/huifang"
)

// branch checks a row of a branch file; the tree is checked by End.
func (c *Checker) branch(r *rowCtx) huifang.Branch {
	b := huifang.Branch{
		Code:       r.code(bCode),
		Name:       r.name(bName),
		ParentCode: r.optionalCode(bParent),
	}
	if b.ParentCode != "" && b.ParentCode == b.Code {
		r.fail(bParent, b.ParentCode, "err.import.branch.self_parent")
	}
	return b
}

// branchTree holds the branches of a file until every row is read: a parent
// may come after its children, or already be in the system.
type branchTree struct {
	rows   []branchRow
	byCode map[string]int // the first row of each code
	levels map[string]int // levels found so far
}

type branchRow struct {
	line int
	b    huifang.Branch
	bad  bool
}

func newBranchTree() *branchTree {
	return &branchTree{byCode: map[string]int{}, levels: map[string]int{}}
}

func (t *branchTree) add(line int, b huifang.Branch, bad bool) {
	t.byCode[b.Code] = len(t.rows)
	t.rows = append(t.rows, branchRow{line: line, b: b, bad: bad})
}

func (t *branchTree) markBad(code string) {
	if i, ok := t.byCode[code]; ok {
		t.rows[i].bad = true
	}
}

// parentOf finds the parent of a branch in the file, else in the system.
func (t *branchTree) parentOf(code string, refs *cachedRefs) (string, bool) {
	if i, ok := t.byCode[code]; ok {
		return t.rows[i].b.ParentCode, true
	}
	if b, ok := refs.branch(code); ok {
		return b.ParentCode, true
	}
	return "", false
}

// level walks from a branch up to the head office. It returns the branch's
// depth, or the reason the walk failed: a parent nobody knows, or a cycle.
func (t *branchTree) level(b huifang.Branch, refs *cachedRefs) (int, huifang.Msg) {
	chain := []string{b.Code}
	at := map[string]int{b.Code: 0}
	for p := b.ParentCode; p != ""; {
		if lv, ok := t.levels[p]; ok {
			return t.remember(chain, lv+len(chain)), huifang.Msg{}
		}
		if i, ok := at[p]; ok {
			return -1, huifang.M("err.import.branch.cycle", strings.Join(append(chain[i:], p), " → "))
		}
		next, ok := t.parentOf(p, refs)
		if !ok {
			if len(chain) == 1 {
				return -1, huifang.M("err.import.branch.no_parent")
			}
			return -1, huifang.M("err.import.branch.no_grandparent", chain[len(chain)-1], p)
		}
		at[p] = len(chain)
		chain = append(chain, p)
		p = next
	}
	return t.remember(chain, len(chain)-1), huifang.Msg{}
}

// remember records the levels of a chain whose first branch is at level.
func (t *branchTree) remember(chain []string, level int) int {
	for i, code := range chain {
		t.levels[code] = level - i
	}
	return level
}

// end checks every branch's place in the tree and returns the good ones,
// parents first.
func (t *branchTree) end(c *Checker) []any {
	var good []huifang.Branch
	for i := range t.rows {
		row := &t.rows[i]
		if row.b.ParentCode == row.b.Code {
			continue // reported by Row
		}
		level, problem := t.level(row.b, c.refs)
		if problem.Key != "" {
			c.addError(rowError(row.line, (&rowCtx{c: c}).header(bParent), row.b.ParentCode, problem))
			if !row.bad {
				row.bad = true
				c.report.Bad++
			}
			continue
		}
		row.b.Level = level
		if !row.bad {
			good = append(good, row.b)
		}
	}
	slices.SortStableFunc(good, func(a, b huifang.Branch) int { return a.Level - b.Level })
	items := make([]any, len(good))
	for i, b := range good {
		items[i] = b
	}
	return items
}
