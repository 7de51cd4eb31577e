package indicator

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
)

func d(m, day int) huifang.Date { return huifang.NewDate(2026, time.Month(m), day) }

func TestParsePeriod(t *testing.T) {
	for in, want := range map[string]string{"2026-03": "2026-03", "2026-Q1": "2026-Q1", "2026-q4": "2026-Q4", "2026": "2026", " 2026-12 ": "2026-12"} {
		p, err := ParsePeriod(in)
		if err != nil || p.String() != want {
			t.Errorf("%q: %v %v", in, p, err)
		}
	}
	for _, in := range []string{"", "26-03", "2026-3", "2026-13", "2026-Q5", "2026-Q", "2026-00", "abcd", "2026-03-01"} {
		if _, err := ParsePeriod(in); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Errorf("%q accepted: %v", in, err)
		}
	}
	q, _ := ParsePeriod("2026-Q1")
	if q.First() != d(1, 1) || q.Last() != d(3, 31) || len(q.Months()) != 3 || !q.Contains(d(2, 28)) || q.Contains(d(4, 1)) {
		t.Errorf("Q1: %v–%v %v", q.First(), q.Last(), q.Months())
	}
	y, _ := ParsePeriod("2026")
	if len(y.Months()) != 12 || y.Last() != d(12, 31) || y.Next().String() != "2027" {
		t.Errorf("year %v", y.Months())
	}
	m, _ := ParsePeriod("2026-12")
	if m.Next().String() != "2027-01" || m.Last() != d(12, 31) || m.ZH() != "2026年12月" {
		t.Errorf("December: %v %v", m.Next(), m.Last())
	}
}

// sum tallies facts into one month's counts.
func sum(month Period, cbs []CallbackFact, cases []CaseFact) (CallbackCounts, CaseCounts) {
	var cb CallbackCounts
	for _, f := range cbs {
		if k, n, ok := f.Contribution(); ok && k.Month == month {
			cb.Add(n, 1)
		}
	}
	var cc CaseCounts
	for _, f := range cases {
		for k, n := range f.Contributions() {
			if k.Month == month {
				cc.Add(n, 1)
			}
		}
	}
	return cb, cc
}

// A small case computed by hand: March 2026, ten callbacks due.
func TestFormulasByHand(t *testing.T) {
	mar := MonthOf(d(3, 1))
	ok := huifang.ResultSuccessful
	cbs := []CallbackFact{
		{DueOn: d(3, 10), Result: ok, FinishedOn: d(3, 5)},                                       // successful in period
		{DueOn: d(3, 10), Result: ok, FinishedOn: d(3, 10)},                                      // on the deadline: in period
		{DueOn: d(3, 10), Result: ok, FinishedOn: d(3, 11)},                                      // late: successful, not in period
		{DueOn: d(3, 20), Result: ok, FinishedOn: d(4, 2)},                                       // late, finished next month: still March's
		{DueOn: d(3, 20), Result: huifang.ResultProblems, FinishedOn: d(3, 15), Problems: 2},     // completed, 2 cases
		{DueOn: d(3, 21), Result: huifang.ResultNotCompleted, FinishedOn: d(3, 21), Problems: 1}, // cannot contact: 1 case, not completed
		{DueOn: d(3, 25)},                        // still open
		{DueOn: d(3, 31)},                        // still open
		{DueOn: d(3, 31), CancelledOn: d(3, 20)}, // cancelled before the callback: nowhere
		{DueOn: d(3, 31), Result: ok, FinishedOn: d(3, 18), CancelledOn: d(3, 20)}, // called back, then cancelled: counts
		{DueOn: d(4, 1), Result: ok, FinishedOn: d(3, 30)},                         // April's
		{Result: ok}, // no deadline: nowhere
	}
	cb, _ := sum(mar, cbs, nil)
	want := CallbackCounts{Due: 9, Successful: 5, SuccessfulInPeriod: 3, Completed: 6, Problems: 3}
	if cb != want {
		t.Fatalf("counts %+v, want %+v", cb, want)
	}
	for _, c := range []struct {
		r    Rate
		want string
	}{
		{cb.SuccessRate(), "55.56%"},         // 5/9
		{cb.InPeriodSuccessRate(), "33.33%"}, // 3/9
		{cb.CompletionRate(), "66.67%"},      // 6/9
		{cb.ProblemRate(), "50.00%"},         // 3/6
		{Rate{}, "—"},
		{Rate{1, 8}, "12.50%"},
		{Rate{1, 3}, "33.33%"},
		{Rate{2, 3}, "66.67%"},
		{Rate{1, 200000}, "0.00%"}, // 0.0005% rounds to 0.00
		{Rate{1, 20000}, "0.01%"},  // 0.005% rounds half up
		{Rate{7, 7}, "100.00%"},
	} {
		if got := c.r.Percent(); got != c.want {
			t.Errorf("%d/%d = %s, want %s", c.r.Num, c.r.Den, got, c.want)
		}
	}

	// Cases: the deadline's month counts them, the opening month counts
	// their opening.
	cases := []CaseFact{
		{OpenedOn: d(3, 2), DueOn: d(3, 16), Status: huifang.ProblemResolved, ClosedOn: d(3, 10)}, // resolved on time
		{OpenedOn: d(3, 2), DueOn: d(3, 16), Status: huifang.ProblemResolved, ClosedOn: d(3, 20)}, // resolved late
		{OpenedOn: d(3, 5), DueOn: d(3, 19), Status: huifang.ProblemClosed, ClosedOn: d(3, 19)},   // closed unresolved, on time
		{OpenedOn: d(3, 9), DueOn: d(3, 23), Status: huifang.ProblemInProgress},                   // pending
		{OpenedOn: d(3, 20), DueOn: d(4, 3), Status: huifang.ProblemResolved, ClosedOn: d(4, 1)},  // opened in March, due and resolved in April
		{OpenedOn: d(2, 20), DueOn: d(3, 6), Status: huifang.ProblemOpen},                         // opened in February, due in March, pending
	}
	_, cc := sum(mar, nil, cases)
	wantC := CaseCounts{Opened: 5, Due: 5, Resolved: 2, Closed: 3, ClosedOnTime: 2, Pending: 2}
	if cc != wantC {
		t.Fatalf("case counts %+v, want %+v", cc, wantC)
	}
	if cc.ResolutionRate().Percent() != "40.00%" || cc.ClosureRate().Percent() != "60.00%" || cc.OnTimeRate().Percent() != "66.67%" {
		t.Errorf("case rates %s %s %s", cc.ResolutionRate().Percent(), cc.ClosureRate().Percent(), cc.OnTimeRate().Percent())
	}
	// On 20 March: one done late, and the February case pending past its
	// deadline of 6 March (the caller counts it); 23 March not passed yet.
	if n := cc.Overdue(1); n != 2 {
		t.Errorf("overdue %d", n)
	}
	_, apr := sum(MonthOf(d(4, 1)), nil, cases)
	if apr != (CaseCounts{Due: 1, Resolved: 1, Closed: 1, ClosedOnTime: 1}) {
		t.Errorf("April %+v", apr)
	}
}

// Contributions are additive: replacing a fact by its new version (remove
// the old contribution, add the new one) gives the same counts as a recount.
func TestChangeIsAdditive(t *testing.T) {
	mar := MonthOf(d(3, 1))
	before := CallbackFact{DueOn: d(3, 10)}
	after := CallbackFact{DueOn: d(3, 10), Result: huifang.ResultSuccessful, FinishedOn: d(3, 12), Method: huifang.MethodPhone}
	kb, nb, _ := before.Contribution()
	ka, na, _ := after.Contribution()
	if kb == ka {
		t.Fatal("finishing should move the callback to its method's group")
	}
	var c CallbackCounts
	c.Add(nb, 1)
	c.Add(nb, -1)
	c.Add(na, 1)
	if got, _ := sum(mar, []CallbackFact{after}, nil); got != c {
		t.Errorf("incremental %+v, recount %+v", c, got)
	}
}

func TestPrevAndQuarterOf(t *testing.T) {
	for _, c := range [][2]string{{"2026-01", "2025-12"}, {"2026-03", "2026-02"}, {"2026-Q1", "2025-Q4"}, {"2026-Q3", "2026-Q2"}, {"2026", "2025"}} {
		p, _ := ParsePeriod(c[0])
		if got := p.Prev().String(); got != c[1] {
			t.Errorf("%s.Prev() = %s, want %s", c[0], got, c[1])
		}
		if p.Prev().Next() != p {
			t.Errorf("%s: Prev then Next is %s", c[0], p.Prev().Next())
		}
	}
	if q := QuarterOf(huifang.NewDate(2026, 9, 30)).String(); q != "2026-Q3" {
		t.Errorf("quarter of 30 September: %s", q)
	}
}

// Orphan-policy callbacks count in the orphan columns only, in the month of
// their deadline; one that opened a problem case counts as successful once
// a re-callback confirming the case was successful (the departure gate's
// rule), a new-business callback does not.
func TestOrphanCallbacks(t *testing.T) {
	b := NewBuilder(Period{Kind: Month, Year: 2026, N: 3}, d(3, 31))
	for _, f := range []CallbackFact{
		{Orphan: true, DueOn: d(3, 10), Channel: huifang.ChannelAgency, Result: huifang.ResultSuccessful, FinishedOn: d(3, 9)},
		{Orphan: true, DueOn: d(3, 12), Channel: huifang.ChannelAgency, Result: huifang.ResultProblems, FinishedOn: d(3, 5), Problems: 1, RecalledOn: d(3, 20)},
		{Orphan: true, DueOn: d(3, 12), Channel: huifang.ChannelAgency, Result: huifang.ResultProblems, FinishedOn: d(3, 5), Problems: 1},
		{Orphan: true, DueOn: d(3, 14), Channel: huifang.ChannelAgency},
		{Orphan: true, DueOn: d(4, 1), Channel: huifang.ChannelAgency, Result: huifang.ResultSuccessful, FinishedOn: d(3, 9)}, // April's
		{DueOn: d(3, 10), Channel: huifang.ChannelAgency, Result: huifang.ResultProblems, FinishedOn: d(3, 5), Problems: 1, RecalledOn: d(3, 20)},
	} {
		b.AddCallback(f)
	}
	tb := b.Table()
	if want := (CallbackCounts{Due: 4, Successful: 2, SuccessfulInPeriod: 1, Completed: 3, Problems: 2}); tb.Total.Orphans != want {
		t.Errorf("orphans %+v, want %+v", tb.Total.Orphans, want)
	}
	if want := (CallbackCounts{Due: 1, Completed: 1, Problems: 1}); tb.Total.Callbacks != want {
		t.Errorf("new business %+v, want %+v", tb.Total.Callbacks, want)
	}
	if r := tb.Total.OrphanRate(); r.Num != 2 || r.Den != 4 {
		t.Errorf("orphan rate %d/%d", r.Num, r.Den)
	}
	if len(tb.ByChannel) != 1 || tb.ByChannel[0].Orphans.Due != 4 {
		t.Errorf("by channel %+v", tb.ByChannel)
	}
}

// TestDoubleHundred: both rates at 100%; no problem case due meets the
// second half, no callback due does not meet the first.
func TestDoubleHundred(t *testing.T) {
	for _, c := range []struct {
		s, r Rate
		want bool
	}{{Rate{10, 10}, Rate{3, 3}, true}, {Rate{10, 10}, Rate{0, 0}, true}, {Rate{0, 0}, Rate{0, 0}, false},
		{Rate{9, 10}, Rate{3, 3}, false}, {Rate{10, 10}, Rate{2, 3}, false}} {
		if got := DoubleHundred(c.s, c.r); got != c.want {
			t.Errorf("%v %v: %v", c.s, c.r, got)
		}
	}
}

// TestNeeds: a builder says which parts of the counts' keys it reads; a
// breakdown has its one group only, as Extra[0], and needs no type.
func TestNeeds(t *testing.T) {
	p := Period{Kind: Month, Year: 2026, N: 3}
	for _, c := range []struct {
		b    *Builder
		want Needs
	}{
		{NewBuilder(p, d(3, 31)), Needs{Type: true}},
		{NewBuilder(p, d(3, 31), ByMethod), Needs{Detail: true, Type: true}},
		{NewBuilder(p, d(3, 31), ByAge, ByBranch), All},
		{NewBreakdown(p, d(3, 31), ByBranch), Needs{Branch: true}},
		{NewBreakdown(p, d(3, 31), ByType), Needs{Type: true}},
		{NewBreakdown(p, d(3, 31), BySeller), Needs{}},
	} {
		if got := c.b.Needs(); got != c.want {
			t.Errorf("needs %+v, want %+v", got, c.want)
		}
	}
	b := NewBreakdown(p, d(3, 31), ByChannel)
	b.Keep = func(string, huifang.Channel, huifang.DesignType) bool { return true }
	if !b.Needs().Branch {
		t.Errorf("a Keep reads the branch")
	}
	b.AddCallback(CallbackFact{DueOn: d(3, 2), Branch: "01", Channel: huifang.ChannelAgency, Result: huifang.ResultSuccessful, FinishedOn: d(3, 2)})
	tb := b.Table()
	if len(tb.ByChannel) != 0 || len(tb.ByType) != 0 || len(tb.Extra) != 1 || len(tb.Extra[0]) != 1 || tb.Extra[0][0].Key != "agency" ||
		tb.Total.Callbacks.Due != 1 {
		t.Fatalf("breakdown table %+v", tb)
	}
}
