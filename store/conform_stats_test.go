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

// TestConformStats: the counts kept by each write equal a recount from the
// rows, and a callback finished at the last millisecond of its deadline in
// Beijing counts in period, one a millisecond later does not, on both
// engines.
func TestConformStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		d := huifang.NewDate(2026, 3, 1) // due 03-16 and on
		old := policy("S4", d.AddDays(3), "h4")
		old.HolderBirth = huifang.NewDate(1950, 1, 1)
		importPolicies(t, db, bd.a.ID, policy("S1", d, "h1"), policy("S2", d.AddDays(1), "h2"), policy("S3", d.AddDays(2), "h3"), old)
		importPolicies(t, db, bd.b.ID, policy("S1", d, "h1"))
		finish := func(no string, res huifang.CallbackResult, at time.Time, problems ...huifang.ProblemCase) {
			t.Helper()
			c := callbackOf(t, db, bd.a.ID, no)
			_, err := db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c.ID, UserID: bd.userA.ID, Now: at, NoLease: true,
				Status: huifang.StatusDone, Result: res, Late: huifang.DateOf(at).After(c.DueOn), Method: huifang.MethodPhone, Problems: problems,
				Audit: huifang.AuditEntry{Action: "finish"}})
			must(t, err)
		}
		// S1 due 03-16: finished at 23:59:59.999 that day in Beijing.
		finish("S1", huifang.ResultSuccessful, time.Date(2026, 3, 16, 23, 59, 59, 999e6, shanghai))
		// S2 due 03-17: finished at midnight after it, in Beijing.
		finish("S2", huifang.ResultSuccessful, time.Date(2026, 3, 18, 0, 0, 0, 0, shanghai))
		// S3 with a problem case, due 03-25.
		finish("S3", huifang.ResultProblems, t0.AddDate(0, 0, 5), huifang.ProblemCase{Type: huifang.ProblemUnsigned, OpenedOn: huifang.NewDate(2026, 3, 7),
			DueOn: huifang.NewDate(2026, 3, 25), LimitDays: 10})
		march := indicator.Period{Kind: indicator.Month, Year: 2026, N: 3}
		asOf := huifang.NewDate(2026, 3, 31)
		kept, err := db.ReadStats(ctx, bd.a.ID, march, asOf, indicator.All)
		must(t, err)
		var cb indicator.CallbackCounts
		aged := int64(0)
		for k, n := range kept.Callbacks {
			cb.Add(n, 1)
			if k.Aged60 {
				aged += n.Due
			}
		}
		if want := (indicator.CallbackCounts{Due: 4, Successful: 2, SuccessfulInPeriod: 1, Completed: 3, Problems: 1}); cb != want {
			t.Fatalf("callback counts %+v, want %+v", cb, want)
		}
		if aged != 1 {
			t.Fatalf("%d due for people aged 60 or over", aged)
		}
		var cs indicator.CaseCounts
		for _, n := range kept.Cases {
			cs.Add(n, 1)
		}
		if cs.Opened != 1 || cs.Due != 1 || cs.Pending != 1 || cs.Resolved != 0 {
			t.Fatalf("case counts %+v", cs)
		}
		var overdue int64
		for _, n := range kept.Overdue {
			overdue += n
		}
		if overdue != 1 {
			t.Fatalf("%d overdue on %v", overdue, asOf)
		}
		// Read added up over the parts of the keys not needed, the counts
		// are those of every key folded the same way.
		for _, n := range []indicator.Needs{{Branch: true}, {Detail: true}, {Type: true}, {Branch: true, Type: true}, {}} {
			folded := indicator.StatCounts{Callbacks: map[indicator.CallbackKey]indicator.CallbackCounts{}, Cases: map[indicator.CaseKey]indicator.CaseCounts{},
				Overdue: map[indicator.CaseKey]int64{}}
			foldCase := func(k indicator.CaseKey) indicator.CaseKey {
				if !n.Branch {
					k.Branch = ""
				}
				if !n.Type {
					k.Type = ""
				}
				return k
			}
			for k, c := range kept.Callbacks {
				if !n.Branch {
					k.Branch = ""
				}
				if !n.Detail {
					k.Aged60, k.Method = false, ""
				}
				x := folded.Callbacks[k]
				x.Add(c, 1)
				folded.Callbacks[k] = x
			}
			for k, c := range kept.Cases {
				x := folded.Cases[foldCase(k)]
				x.Add(c, 1)
				folded.Cases[foldCase(k)] = x
			}
			for k, c := range kept.Overdue {
				folded.Overdue[foldCase(k)] += c
			}
			got, err := db.ReadStats(ctx, bd.a.ID, march, asOf, n)
			must(t, err)
			if !reflect.DeepEqual(got, folded) {
				t.Fatalf("needing %+v: %+v, want %+v", n, got, folded)
			}
		}
		// Data from before schema 26 gets its company counts when it is
		// applied: the migration adds up the counts by branch.
		company, err := db.ReadStats(ctx, bd.a.ID, march, asOf, indicator.Needs{Detail: true, Type: true})
		must(t, err)
		must(t, db.ExecForTest(ctx, `DELETE FROM schema_migrations WHERE version = 26`))
		must(t, db.ExecForTest(ctx, `DROP TABLE stat_company_callbacks`))
		must(t, db.ExecForTest(ctx, `DROP TABLE stat_company_cases`))
		_, err = db.Migrate(ctx)
		must(t, err)
		if again, err := db.ReadStats(ctx, bd.a.ID, march, asOf, indicator.Needs{Detail: true, Type: true}); err != nil || !reflect.DeepEqual(again, company) {
			t.Fatalf("company counts after migrating %+v %v, before %+v", again, err, company)
		}
		// The same counts from the rows.
		must(t, db.RebuildStats(ctx, bd.a.ID))
		rebuilt, err := db.ReadStats(ctx, bd.a.ID, march, asOf, indicator.All)
		must(t, err)
		if !reflect.DeepEqual(kept, rebuilt) {
			t.Fatalf("kept counts differ from a recount\n kept %+v\nrecount %+v", kept, rebuilt)
		}
		// The facts, read directly, agree; B's are its own.
		var facts, inPeriod int
		must(t, db.ForEachCallbackFact(ctx, bd.a.ID, d, d.AddDays(40), func(f indicator.CallbackFact) error {
			facts++
			if _, n, ok := f.Contribution(); ok && n.SuccessfulInPeriod == 1 {
				inPeriod++
			}
			return nil
		}))
		if facts != 4 || inPeriod != 1 {
			t.Fatalf("%d facts, %d in period", facts, inPeriod)
		}
		var caseFacts int
		must(t, db.ForEachCaseFact(ctx, bd.a.ID, d, d.AddDays(40), func(indicator.CaseFact) error { caseFacts++; return nil }))
		if caseFacts != 1 {
			t.Fatalf("%d case facts", caseFacts)
		}
		bStats, err := db.ReadStats(ctx, bd.b.ID, march, asOf, indicator.All)
		must(t, err)
		var bcb indicator.CallbackCounts
		for _, n := range bStats.Callbacks {
			bcb.Add(n, 1)
		}
		if bcb != (indicator.CallbackCounts{Due: 1}) || len(bStats.Cases) != 0 {
			t.Fatalf("B's counts %+v %+v", bcb, bStats.Cases)
		}
		// Branch-limited facts: none outside the branches asked for.
		n := 0
		must(t, db.ForEachFactIn(ctx, bd.a.ID, d, d.AddDays(40), []string{"02"},
			func(indicator.CallbackFact) error { n++; return nil }, func(indicator.CaseFact) error { n++; return nil }))
		if n != 0 {
			t.Fatalf("%d facts of branch 02", n)
		}
		must(t, db.ForEachFactIn(ctx, bd.a.ID, d, d.AddDays(40), []string{"01"},
			func(indicator.CallbackFact) error { n++; return nil }, func(indicator.CaseFact) error { n++; return nil }))
		if n != 5 {
			t.Fatalf("%d facts of branch 01", n)
		}
	})
}
