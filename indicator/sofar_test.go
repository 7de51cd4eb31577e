package indicator

import (
	"testing"

	"github.com/huifang/huifang"
)

// The fourth quarter of 2026 seen on 2026-12-05, still running. Callbacks due in October and November (months that have ended,
// given as stored counts) count in full; of December's, only those due by
// the 5th count, whatever way they arrive; the full period's due count
// keeps every one.
func TestRunningPeriodCountsDeadlinesSoFar(t *testing.T) {
	q4 := Period{Kind: Quarter, Year: 2026, N: 4}
	today := d(12, 5)
	ok := huifang.ResultSuccessful
	facts := []CallbackFact{
		{DueOn: d(10, 20), Channel: huifang.ChannelAgency, Result: ok, FinishedOn: d(10, 18)},
		{DueOn: d(11, 30), Channel: huifang.ChannelAgency},
		{DueOn: d(12, 1), Channel: huifang.ChannelAgency, Result: ok, FinishedOn: d(12, 1)},
		{DueOn: d(12, 5), Channel: huifang.ChannelAgency},
		{DueOn: d(12, 6), Channel: huifang.ChannelAgency, Result: ok, FinishedOn: d(12, 4)}, // done early, not due yet
		{DueOn: d(12, 31), Channel: huifang.ChannelBank},
	}
	check := func(name string, tb Table) {
		t.Helper()
		if tb.DueBy != today {
			t.Errorf("%s: due by %v", name, tb.DueBy)
		}
		c := tb.Total.Callbacks
		if c.Due != 4 || c.Successful != 2 || tb.Total.DueFull != 6 {
			t.Errorf("%s: due %d successful %d full %d, want 4 2 6", name, c.Due, c.Successful, tb.Total.DueFull)
		}
		if r := c.SuccessRate(); r.Num != 2 || r.Den != 4 {
			t.Errorf("%s: success rate %d/%d, want 2/4 (the so-far denominator)", name, r.Num, r.Den)
		}
		if len(tb.ByChannel) != 2 || tb.ByChannel[1].Key != string(huifang.ChannelBank) || tb.ByChannel[1].Callbacks.Due != 0 || tb.ByChannel[1].DueFull != 1 {
			t.Errorf("%s: by channel %+v", name, tb.ByChannel)
		}
	}

	// From facts (a recount).
	b := NewBuilder(q4, today)
	for _, f := range facts {
		b.AddCallback(f)
	}
	check("recount", b.Table())

	// From monthly stored counts plus the running month's facts.
	b = NewBuilder(q4, today)
	for _, f := range facts {
		k, n, _ := f.Contribution()
		b.AddCallbackCounts(k, n)
	}
	from, to, okp := b.PartialMonth()
	if !okp || from != d(12, 1) || to != today {
		t.Fatalf("partial month %v–%v %v", from, to, okp)
	}
	for _, f := range facts {
		if !f.DueOn.Before(from) && !f.DueOn.After(to) {
			b.AddCallbackSoFar(f)
		}
	}
	check("stored", b.Table())

	// The same quarter once it has ended counts everything, DueBy unset.
	b = NewBuilder(q4, d(12, 31))
	for _, f := range facts {
		b.AddCallback(f)
	}
	if tb := b.Table(); !tb.DueBy.IsZero() || tb.Total.Callbacks.Due != 6 || tb.Total.DueFull != 6 {
		t.Errorf("closed: %+v", tb.Total)
	}
	if _, _, okp := b.PartialMonth(); okp {
		t.Error("a closed period has no partial month")
	}
}
