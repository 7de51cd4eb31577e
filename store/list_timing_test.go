package store_test

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestListTiming times the callback lists over a year of
// HUIFANG_LIST_TIMING policies (Bench.SeedYear) on each engine, before and
// after keyset pages: before is what a page did until migration 0022 (a
// full count, OFFSET, four full outcome counts beside a figure's list) on
// the indexes before it; after is a capped count and a page after a cursor
// on the indexes of 0022. Medians of five runs after one to warm up.
//
//	HUIFANG_LIST_TIMING=100000 go test ./store -run TestListTiming -v
func TestListTiming(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("HUIFANG_LIST_TIMING"))
	if n <= 0 {
		t.Skip("set HUIFANG_LIST_TIMING to a number of policies")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		org := bd.a.ID
		start := time.Now()
		must(t, db.Bench().SeedYear(ctx, org, n, 2025, "enc"))
		must(t, db.ExecForTest(ctx, "ANALYZE"))
		t.Logf("seeded %d policies in %v", n, time.Since(start).Round(time.Millisecond))
		today := huifang.NewDate(2026, 6, 1)
		cases := []struct {
			name string
			f    huifang.CallbackFilter
		}{
			{"overdue=1", huifang.CallbackFilter{Overdue: true}},
			{"outcome=due, a year", huifang.CallbackFilter{Outcome: huifang.OutcomeDue, DueFrom: huifang.NewDate(2025, 1, 1), DueTo: huifang.NewDate(2025, 12, 31)}},
			{"status+channel+due", huifang.CallbackFilter{Status: huifang.StatusDone, Channel: huifang.ChannelBank, DueFrom: huifang.NewDate(2025, 7, 1)}},
			{"deep page (n/2)", huifang.CallbackFilter{}},
		}
		// The cursor of the deep page: after the row before the middle.
		var mid huifang.CallbackRow
		must(t, db.ForEachCallback(ctx, org, huifang.CallbackFilter{Limit: 1, Offset: n/2 - 1}, func(r *huifang.CallbackRow) error {
			mid = *r
			return nil
		}))
		deepCursor := huifang.CallbackCursorAfter("", &mid).Encode()
		page := func(f huifang.CallbackFilter) int {
			rows := 0
			must(t, db.ForEachCallback(ctx, org, f, func(*huifang.CallbackRow) error { rows++; return nil }))
			return rows
		}
		after := func(i int) {
			f := cases[i].f
			f.Today = today
			if i == 3 {
				f.After = deepCursor
			}
			_, err := db.CountCallbacksCapped(ctx, org, f, huifang.CountCap)
			must(t, err)
			f.Limit = 51
			page(f)
			if f.Outcome != "" {
				for _, o := range huifang.Outcomes {
					g := f
					g.Outcome, g.Limit, g.After = o, 0, ""
					_, err := db.CountCallbacksCapped(ctx, org, g, huifang.CountCap)
					must(t, err)
				}
			}
		}
		before := func(i int) {
			f := cases[i].f
			f.Today = today
			if i == 3 {
				f.Offset = n / 2
			}
			_, err := db.CountCallbacks(ctx, org, f)
			must(t, err)
			f.Limit = 50
			page(f)
			if f.Outcome != "" {
				for _, o := range huifang.Outcomes {
					g := f
					g.Outcome, g.Limit, g.Offset = o, 0, 0
					_, err := db.CountCallbacks(ctx, org, g)
					must(t, err)
				}
			}
		}
		got := make([][2]time.Duration, len(cases))
		for i := range cases {
			got[i][1] = medianOf(func() { after(i) })
			f := cases[i].f
			f.Today, f.Limit = today, 51
			if i == 3 {
				f.After = deepCursor
			}
			plan, err := db.ExplainCallbacksForTest(ctx, org, f)
			must(t, err)
			t.Logf("after, %s, page plan:\n\t%s", cases[i].name, strings.Join(plan, "\n\t"))
		}
		// The indexes before migration 0022.
		for _, q := range []string{"DROP INDEX callbacks_due", "DROP INDEX callbacks_status_due", "DROP INDEX callbacks_channel_status_due", "DROP INDEX callbacks_overdue", "DROP INDEX callbacks_kind_due",
			"DROP INDEX callbacks_kind_result_due", "DROP INDEX callbacks_policy_order", "CREATE INDEX callbacks_due ON callbacks (org_id, due_on)", "ANALYZE"} {
			must(t, db.ExecForTest(ctx, q))
		}
		for i := range cases {
			got[i][0] = medianOf(func() { before(i) })
		}
		for i, c := range cases {
			t.Logf("%-22s before %8.1f ms   after %7.1f ms", c.name, ms(got[i][0]), ms(got[i][1]))
		}
	})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// medianOf runs fn once to warm up, then five times, and gives the median time.
func medianOf(fn func()) time.Duration {
	fn()
	var ds []time.Duration
	for range 5 {
		s := time.Now()
		fn()
		ds = append(ds, time.Since(s))
	}
	slices.Sort(ds)
	return ds[2]
}
