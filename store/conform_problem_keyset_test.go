package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformProblemKeysetPages walks the problem-case lists in both of
// their orders (a board's by deadline, cases without one last; the others'
// newest opened first) page by page over keys that tie, and finds every
// case exactly once and in the order of the whole list.
func TestConformProblemKeysetPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		d := huifang.NewDate(2026, 3, 16)
		var ps []*huifang.PolicyRecord
		for i := range 23 {
			ps = append(ps, policy(fmt.Sprintf("PK%02d", i), huifang.NewDate(2026, 3, 2), fmt.Sprintf("pk%d", i)))
		}
		importPolicies(t, db, bd.a.ID, ps...)
		for i := range 23 {
			due := d.AddDays(i % 3)
			if i%4 == 0 {
				due = huifang.Date{} // no deadline
			}
			openCase(t, db, bd.a.ID, bd.userA.ID, fmt.Sprintf("PK%02d", (i*5)%23), huifang.ProblemUnsigned, t0.Add(time.Duration(i%2)*time.Hour), due)
		}
		openCase(t, db, bd.b.ID, bd.userB.ID, "PK00", huifang.ProblemUnsigned, t0, d)
		for name, f := range map[string]huifang.ProblemFilter{
			"newest first":          {},
			"by deadline":           {Unfinished: true},
			"by deadline, a type":   {Unfinished: true, Type: huifang.ProblemUnsigned},
			"newest first, channel": {Channel: huifang.ChannelAgency},
		} {
			want, err := db.ListProblemCases(ctx, bd.a.ID, f)
			must(t, err)
			if len(want) != 23 {
				t.Fatalf("%s: %d cases", name, len(want))
			}
			for _, size := range []int{1, 2, 5} {
				var got []int64
				g := f
				for pages := 0; ; pages++ {
					if pages > 100 {
						t.Fatalf("%s: pages never end", name)
					}
					g.Limit = size + 1
					cs, err := db.ListProblemCases(ctx, bd.a.ID, g)
					must(t, err)
					if len(cs) <= size {
						for _, c := range cs {
							got = append(got, c.ID)
						}
						break
					}
					for _, c := range cs[:size] {
						got = append(got, c.ID)
					}
					g.After = huifang.ProblemCursorAfter(g, &cs[size-1]).Encode()
				}
				var ids []int64
				for _, c := range want {
					ids = append(ids, c.ID)
				}
				if !equal(got, ids) {
					t.Errorf("%s, pages of %d: %v, want %v", name, size, got, ids)
				}
			}
		}
		// A cursor of one order is refused by the other.
		cs, err := db.ListProblemCases(ctx, bd.a.ID, huifang.ProblemFilter{Limit: 1})
		must(t, err)
		after := huifang.ProblemCursorAfter(huifang.ProblemFilter{}, &cs[0]).Encode()
		for _, f := range []huifang.ProblemFilter{{Unfinished: true, After: after}, {After: "p1.???"}, {After: "v1.e30"}} {
			if _, err := db.ListProblemCases(ctx, bd.a.ID, f); huifang.ErrorKey(err) != "err.filter.bad_cursor" {
				t.Errorf("cursor %q: %v", f.After, err)
			}
		}
	})
}
