package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformOrphanStats: orphan-policy callbacks count in the orphan
// counts of the month of their deadline and never in the new-business
// counts; one whose problem case was confirmed by a successful re-callback
// counts as successful; the counts kept by each write equal a recount, on
// both engines.
func TestConformOrphanStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		d := huifang.NewDate(2026, 3, 1)
		importPolicies(t, db, bd.a.ID, policy("O1", d, "h1"), policy("O2", d, "h2"), policy("O3", d, "h3"), policy("O4", d, "h4"))
		now := t0.AddDate(0, 0, 2)
		orphan := map[string]*huifang.Callback{}
		for no, due := range map[string]huifang.Date{"O1": huifang.NewDate(2026, 3, 20), "O2": huifang.NewDate(2026, 3, 20),
			"O3": huifang.NewDate(2026, 3, 27), "O4": huifang.NewDate(2026, 4, 10)} {
			c, err := db.PlanOrphanCallback(ctx, bd.a.ID, no, due, now)
			must(t, err)
			if c.Kind != huifang.KindOrphan || c.DueOn != due || c.Status != huifang.StatusOpen || c.Channel != huifang.ChannelAgency || c.BranchCode != "01" {
				t.Fatalf("orphan callback %+v", c)
			}
			orphan[no] = c
		}
		if _, err := db.PlanOrphanCallback(ctx, bd.a.ID, "O1", d, now); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("a second orphan callback: %v", err)
		}
		finish := func(c *huifang.Callback, res huifang.CallbackResult, at time.Time, problems ...huifang.ProblemCase) {
			t.Helper()
			_, err := db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c.ID, UserID: bd.userA.ID, Now: at, NoLease: true,
				Status: huifang.StatusDone, Result: res, Late: huifang.DateOf(at).After(c.DueOn), Method: huifang.MethodPhone, Problems: problems,
				Audit: huifang.AuditEntry{Action: "finish"}})
			must(t, err)
		}
		march := indicator.Period{Kind: indicator.Month, Year: 2026, N: 3}
		asOf := huifang.NewDate(2026, 3, 31)
		sums := func() (nb, or indicator.CallbackCounts) {
			t.Helper()
			kept, err := db.ReadStats(ctx, bd.a.ID, march, asOf, indicator.All)
			must(t, err)
			for k, n := range kept.Callbacks {
				if k.Orphan {
					or.Add(n, 1)
				} else {
					nb.Add(n, 1)
				}
			}
			must(t, db.RebuildStats(ctx, bd.a.ID))
			rebuilt, err := db.ReadStats(ctx, bd.a.ID, march, asOf, indicator.All)
			must(t, err)
			if !reflect.DeepEqual(kept, rebuilt) {
				t.Fatalf("kept counts differ from a recount\n kept %+v\nrecount %+v", kept, rebuilt)
			}
			return nb, or
		}
		nb, or := sums()
		if want := (indicator.CallbackCounts{Due: 3}); or != want || nb.Due != 4 {
			t.Fatalf("planned: orphans %+v, new business %+v", or, nb)
		}
		// O1 successful; O2 with a problem case; O3 not reached.
		finish(orphan["O1"], huifang.ResultSuccessful, time.Date(2026, 3, 10, 10, 0, 0, 0, shanghai))
		finish(orphan["O2"], huifang.ResultProblems, time.Date(2026, 3, 11, 10, 0, 0, 0, shanghai),
			huifang.ProblemCase{Type: huifang.ProblemUnsigned, OpenedOn: huifang.NewDate(2026, 3, 11), DueOn: huifang.NewDate(2026, 3, 25), LimitDays: 10})
		finish(orphan["O3"], huifang.ResultNotCompleted, time.Date(2026, 3, 12, 10, 0, 0, 0, shanghai))
		nb, or = sums()
		if want := (indicator.CallbackCounts{Due: 3, Successful: 1, SuccessfulInPeriod: 1, Completed: 2, Problems: 1}); or != want {
			t.Fatalf("finished: orphans %+v, want %+v", or, want)
		}
		if nb != (indicator.CallbackCounts{Due: 4}) {
			t.Fatalf("orphan callbacks changed the new-business counts: %+v", nb)
		}
		// O2's case is confirmed by a re-callback, successful on 03-22 (after
		// the orphan callback's deadline): O2 now counts as successful.
		cases, err := db.ListProblemCases(ctx, bd.a.ID, huifang.ProblemFilter{CallbackID: orphan["O2"].ID})
		must(t, err)
		if len(cases) != 1 {
			t.Fatalf("%d cases of O2", len(cases))
		}
		pc := cases[0]
		c := pc
		c.Status = huifang.ProblemRecallback
		step := time.Date(2026, 3, 15, 10, 0, 0, 0, shanghai)
		must(t, db.ApplyCaseStep(ctx, huifang.CaseStep{Case: &c, Was: pc.Status, WasUpdated: pc.UpdatedAt, Now: step, Actor: huifang.Actor{UserID: bd.userA.ID, Name: "op-a"},
			Recallback: &huifang.Plan{Kind: huifang.KindRecallback, DueOn: huifang.NewDate(2026, 3, 25)}, Events: []huifang.CaseEvent{{Kind: "recallback", At: step, Actor: "op-a"}}}))
		if _, or = sums(); or.Successful != 1 {
			t.Fatalf("a re-callback still open counted: %+v", or)
		}
		rc, err := db.FindCallback(ctx, bd.a.ID, c.RecallbackID)
		must(t, err)
		finish(rc, huifang.ResultSuccessful, time.Date(2026, 3, 22, 10, 0, 0, 0, shanghai))
		nb, or = sums()
		if want := (indicator.CallbackCounts{Due: 3, Successful: 2, SuccessfulInPeriod: 1, Completed: 2, Problems: 1}); or != want {
			t.Fatalf("after the re-callback: orphans %+v, want %+v", or, want)
		}
		if nb != (indicator.CallbackCounts{Due: 4}) {
			t.Fatalf("the re-callback changed the new-business counts: %+v", nb)
		}
		// The facts, read directly: four orphan facts, O2 recalled on 03-22.
		var orphans int
		must(t, db.ForEachCallbackFact(ctx, bd.a.ID, d, d.AddDays(60), func(f indicator.CallbackFact) error {
			if f.Orphan {
				orphans++
			}
			if f.Orphan && f.Result == huifang.ResultProblems && f.RecalledOn != huifang.NewDate(2026, 3, 22) {
				t.Errorf("O2's fact %+v", f)
			}
			return nil
		}))
		if orphans != 4 {
			t.Fatalf("%d orphan facts", orphans)
		}
	})
}
