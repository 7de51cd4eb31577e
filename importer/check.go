package importer

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/sheet"
)

// Check streams a file through a Checker: its first row is the header, the
// others are data. It calls fn, when not nil, with each good item (branches
// come after the last row, parents first), and stops at fn's first error.
//
// The error is for the file as a whole — a bad header, an unreadable file,
// or fn's error; problems with rows are in the report. Call Check with a nil
// fn to validate, then again to write (see Import): fn may have been given
// a row that a later duplicate made bad.
func Check(kind Kind, rows sheet.Rows, refs Refs, today huifang.Date, fn func(item any) error) (Report, error) {
	return check(kind, rows, refs, today, fn, false)
}

// CheckOnce is Check for reading a file once inside a transaction: fn is
// given good items only until the first bad row; after it, checking goes on,
// to complete the report, but nothing more is handed over. When the report is
// not OK the caller rolls back whatever fn wrote, so nothing is written.
func CheckOnce(kind Kind, rows sheet.Rows, refs Refs, today huifang.Date, fn func(item any) error) (Report, error) {
	return check(kind, rows, refs, today, fn, true)
}

func check(kind Kind, rows sheet.Rows, refs Refs, today huifang.Date, fn func(item any) error, stopAtBad bool) (Report, error) {
	header, line, skipped, err := findHeader(kind, rows)
	if err != nil {
		return Report{Kind: kind}, err
	}
	c, err := NewChecker(kind, header, refs, today)
	if err != nil {
		var e *huifang.Error
		if skipped > 0 && errors.As(err, &e) {
			e.Key = strings.Replace(e.Key, "表头不对", fmt.Sprintf("表头（第%d行）不对", line), 1)
		}
		return Report{Kind: kind}, err
	}
	if skipped > 0 {
		c.report.HeaderRow = line
		c.report.Warnings = append(c.report.Warnings, fmt.Sprintf("表头在第%d行：上面的%d行是标题或说明，没有读入", line, skipped))
	}
	pf, _ := refs.(CallbackPrefetcher)
	if kind != KindCallbacks {
		pf = nil
	}
	row := func(line int, rec []string) error {
		item, ok := c.Row(line, rec)
		if !ok && stopAtBad {
			fn = nil
		}
		if ok && item != nil && fn != nil {
			return fn(item)
		}
		return nil
	}
	if pf == nil {
		for {
			rec, err := rows.Next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return c.Report(), err
			}
			if err := row(rows.Line(), rec); err != nil {
				return c.Report(), err
			}
		}
	} else if err := c.prefetched(rows, pf, row); err != nil {
		return c.Report(), err
	}
	for _, item := range c.End() {
		if fn != nil && !(stopAtBad && c.Report().Bad > 0) {
			if err := fn(item); err != nil {
				return c.Report(), err
			}
		}
	}
	rep := c.Report()
	if rep.Rows == 0 {
		rep.Warnings = append(rep.Warnings, "文件只有表头，没有数据")
	}
	return rep, nil
}

// maxHeaderSearch is how many rows may come before the header: a title
// (often a merged cell, "新单保单清单 2026年3月") and notes, as templates
// and core-system exports have them.
const maxHeaderSearch = 20

// findHeader finds the header among the first maxHeaderSearch non-empty
// rows: the first that has every required column of kind. It tells the
// header's line and how many rows came before it. When no row has them all,
// it gives the row with most known columns (or the first row) for
// NewChecker to say what is missing.
func findHeader(kind Kind, rows sheet.Rows) (header []string, line, skipped int, err error) {
	names := headerNames(kind)
	best, bestScore := -1, 0
	var seen [][]string
	var lines []int
	for len(seen) < maxHeaderSearch {
		rec, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, 0, 0, err
		}
		score, all := matchHeader(kind, names, rec)
		if all {
			rows.Header()
			return rec, rows.Line(), len(seen), nil
		}
		if score > bestScore {
			best, bestScore = len(seen), score
		}
		seen = append(seen, slices.Clone(rec))
		lines = append(lines, rows.Line())
	}
	switch {
	case len(seen) == 0:
		return nil, 0, 0, huifang.Errorf(huifang.EINVALID, "err.import.empty", expected(kind))
	case best < 0:
		best = 0
	}
	return seen[best], lines[best], best, nil
}

// headerNames maps the folded names and aliases of kind's columns to their index.
func headerNames(kind Kind) map[string]int {
	names := make(map[string]int)
	for i, col := range columns[kind] {
		for _, a := range append([]string{col.zh, col.en}, col.aliases...) {
			names[normHeader(a)] = i
		}
	}
	return names
}

// matchHeader counts the columns of kind that rec names, and reports
// whether it names every required one.
func matchHeader(kind Kind, names map[string]int, rec []string) (score int, all bool) {
	cols := columns[kind]
	found := make([]bool, len(cols))
	for _, h := range rec {
		if i, ok := names[normHeader(h)]; ok && !found[i] {
			found[i] = true
			score++
		}
	}
	for i, col := range cols {
		if col.required && !found[i] {
			return score, false
		}
	}
	return score, true
}

// Import checks a file and, only when every row is good, reads it again
// and calls write with each item. open is called once per reading (open the
// file from disk each time). Nothing is written when any row is bad: the
// report then says why.
//
// Run Import inside a transaction and roll back on an error, which can come
// late: from write, from the file, or when the second reading finds what the
// first did not (the file or the database changed in between).
func Import(kind Kind, open func() (sheet.Rows, error), refs Refs, today huifang.Date, write func(item any) error) (Report, error) {
	rep, err := readOnce(kind, open, refs, today, nil)
	if err != nil || !rep.OK() {
		return rep, err
	}
	second, err := readOnce(kind, open, refs, today, write)
	if err != nil {
		return second, err
	}
	if !second.OK() || second.Rows != rep.Rows {
		return second, huifang.Errorf(huifang.ECONFLICT, "err.import.changed_since_check")
	}
	return second, nil
}

func readOnce(kind Kind, open func() (sheet.Rows, error), refs Refs, today huifang.Date, fn func(any) error) (Report, error) {
	rows, err := open()
	if err != nil {
		return Report{Kind: kind}, err
	}
	rep, err := Check(kind, rows, refs, today, fn)
	if cerr := rows.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close file: %w", cerr)
	}
	return rep, err
}
