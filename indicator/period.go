// Package indicator defines the figures the regulator steers by (DOMAIN.md
// §7): due callbacks, the callback success, in-period success and completion
// rates, the problem-case rate, the problem-case resolution, closure and
// on-time rates, and the orphan-policy callback rate. It is plain Go: what
// counts where, and how a rate is formed. docs/indicators.md says the same
// for people, edge cases included.
//
// A figure is computed from facts — one per callback (CallbackFact) and one
// per problem case (CaseFact) — each of which contributes to the counts of
// exactly one period of each kind. Contributions are additive, so counts can
// be kept up to date incrementally (add the new fact's contributions,
// subtract the old one's) and must equal a full recount.
package indicator

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

// PeriodKind is the length of a reporting period.
type PeriodKind string

// Period kinds.
const (
	Month   PeriodKind = "month"
	Quarter PeriodKind = "quarter"
	Year    PeriodKind = "year"
)

// Period is one calendar month, quarter or year (Beijing dates).
type Period struct {
	Kind PeriodKind
	Year int
	N    int // month 1–12, quarter 1–4; 0 for a year
}

// ParsePeriod reads "2026-03" (a month), "2026-Q1" (a quarter) or "2026"
// (a year).
func ParsePeriod(s string) (Period, error) {
	bad := huifang.Errorf(huifang.EINVALID, "err.stats.bad_period", s)
	y, rest, found := strings.Cut(strings.TrimSpace(s), "-")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 || year < 2000 || year > 2100 {
		return Period{}, bad
	}
	if !found {
		return Period{Kind: Year, Year: year}, nil
	}
	if q, ok := strings.CutPrefix(strings.ToUpper(rest), "Q"); ok {
		n, err := strconv.Atoi(q)
		if err != nil || len(q) != 1 || n < 1 || n > 4 {
			return Period{}, bad
		}
		return Period{Kind: Quarter, Year: year, N: n}, nil
	}
	n, err := strconv.Atoi(rest)
	if err != nil || len(rest) != 2 || n < 1 || n > 12 {
		return Period{}, bad
	}
	return Period{Kind: Month, Year: year, N: n}, nil
}

// MonthOf is the month a date falls in.
func MonthOf(d huifang.Date) Period { return Period{Kind: Month, Year: d.Year(), N: int(d.Month())} }

// String writes the period as ParsePeriod reads it.
func (p Period) String() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// ZH names the period in Chinese: 2026年3月, 2026年第1季度, 2026年度.
func (p Period) ZH() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%d年%d月", p.Year, p.N)
	case Quarter:
		return fmt.Sprintf("%d年第%d季度", p.Year, p.N)
	}
	return fmt.Sprintf("%d年度", p.Year)
}

// Key is the catalog key of the period's name (package i18n), which takes
// the arguments Args.
func (p Period) Key() string {
	switch p.Kind {
	case Month:
		return "period.month"
	case Quarter:
		return "period.quarter"
	}
	return "period.year"
}

// Args are the arguments of the period's catalog text: the year, and the
// month or quarter.
func (p Period) Args() []any {
	if p.Kind == Month || p.Kind == Quarter {
		return []any{p.Year, p.N}
	}
	return []any{p.Year}
}

// First is the period's first day.
func (p Period) First() huifang.Date {
	switch p.Kind {
	case Month:
		return huifang.NewDate(p.Year, time.Month(p.N), 1)
	case Quarter:
		return huifang.NewDate(p.Year, time.Month(3*p.N-2), 1)
	}
	return huifang.NewDate(p.Year, time.January, 1)
}

// Last is the period's last day.
func (p Period) Last() huifang.Date { return p.Next().First().AddDays(-1) }

// Next is the period of the same kind that follows.
func (p Period) Next() Period {
	switch p.Kind {
	case Month:
		if p.N == 12 {
			return Period{Month, p.Year + 1, 1}
		}
		return Period{Month, p.Year, p.N + 1}
	case Quarter:
		if p.N == 4 {
			return Period{Quarter, p.Year + 1, 1}
		}
		return Period{Quarter, p.Year, p.N + 1}
	}
	return Period{Year, p.Year + 1, 0}
}

// Prev is the period of the same kind that comes before.
func (p Period) Prev() Period {
	switch p.Kind {
	case Month:
		if p.N == 1 {
			return Period{Month, p.Year - 1, 12}
		}
		return Period{Month, p.Year, p.N - 1}
	case Quarter:
		if p.N == 1 {
			return Period{Quarter, p.Year - 1, 4}
		}
		return Period{Quarter, p.Year, p.N - 1}
	}
	return Period{Year, p.Year - 1, 0}
}

// QuarterOf is the quarter a date falls in.
func QuarterOf(d huifang.Date) Period {
	return Period{Kind: Quarter, Year: d.Year(), N: (int(d.Month())-1)/3 + 1}
}

// Contains reports whether the date falls in the period.
func (p Period) Contains(d huifang.Date) bool {
	return !d.IsZero() && !d.Before(p.First()) && !d.After(p.Last())
}

// Months lists the months of the period, in order.
func (p Period) Months() []Period {
	var out []Period
	for m := MonthOf(p.First()); !m.First().After(p.Last()); m = m.Next() {
		out = append(out, m)
	}
	return out
}
