package app_test

import (
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/testworld"
)

// orphan plans an orphan-policy callback for a policy of an insurer, due on
// a day, as a departure does, and finishes it at the world's time with res
// (left open when res is ""), by u, opening a problem case when res is
// "problems". The departures themselves are not this test's subject.
func (w *world) orphan(t *testing.T, org, no string, due huifang.Date, u *huifang.User, res huifang.CallbackResult) *huifang.Callback {
	t.Helper()
	o, err := w.db.FindOrgByCode(ctx, org)
	mustDo(t, func() error { return err })
	c, err := w.db.PlanOrphanCallback(ctx, o.ID, no, due, w.clk.Now())
	mustDo(t, func() error { return err })
	if res == "" {
		return c
	}
	now := w.clk.Now()
	ch := huifang.CallbackChange{OrgID: o.ID, ID: c.ID, UserID: u.ID, Now: now, NoLease: true, Status: huifang.StatusDone, Result: res,
		Late: huifang.DateOf(now).After(c.DueOn), Method: huifang.MethodPhone, Audit: huifang.AuditEntry{Action: "finish"}}
	if res == huifang.ResultProblems {
		opened := huifang.DateOf(now)
		ch.Problems = []huifang.ProblemCase{{Type: huifang.ProblemUnsigned, Detail: "孤儿保单回访：投保材料代签名", OpenedOn: opened,
			DueOn: opened.AddDays(30), LimitDays: 30}}
	}
	if res == huifang.ResultNotCompleted {
		ch.Reason = "未能联系"
	}
	c, err = w.db.ChangeCallback(ctx, ch)
	mustDo(t, func() error { return err })
	return c
}

// orphanMaybe is orphan for a policy that may already have its orphan
// callback (the random tests): false, and nothing done, when it has.
func (w *world) orphanMaybe(t *testing.T, org, no string, due huifang.Date, u *huifang.User, res huifang.CallbackResult) bool {
	t.Helper()
	o, err := w.db.FindOrgByCode(ctx, org)
	mustDo(t, func() error { return err })
	n, err := w.db.CountCallbacks(ctx, o.ID, huifang.CallbackFilter{PolicyNo: no, Kind: huifang.KindOrphan})
	mustDo(t, func() error { return err })
	if n > 0 {
		return false
	}
	w.orphan(t, org, no, due, u, res)
	return true
}

// orphansMarch: at the end of 5 March, agent A001 of A and the agent of B's
// H01 leave; their orphan callbacks are due on 19 March (ten working days).
// G01 is successful, G03 finds a problem (its case is confirmed by a
// re-callback on 20 March, see orphanCase), G04 cannot be reached; B's H01
// is successful.
func orphansMarch(t *testing.T, w *world) (problem *huifang.Callback) {
	t.Helper()
	due := huifang.NewDate(2026, 3, 19)
	w.orphan(t, "A", "G01", due, w.op, huifang.ResultSuccessful)
	problem = w.orphan(t, "A", "G03", due, w.op, huifang.ResultProblems)
	w.orphan(t, "A", "G04", due, w.op2, huifang.ResultNotCompleted)
	w.orphan(t, "B", "H01", due, w.opB, huifang.ResultSuccessful)
	return problem
}

// orphanCase: at the end of 20 March G03's orphan case is explained and
// confirmed by a successful re-callback, taken at once: G03 now counts as
// successful in March, the month of its deadline, but not in period.
func orphanCase(t *testing.T, w *world, mgr, handler *huifang.User, problem *huifang.Callback) {
	t.Helper()
	cases, err := w.svc.ListProblemCases(ctx, mgr, huifang.ProblemFilter{CallbackID: problem.ID})
	mustDo(t, func() error { return err })
	if len(cases) != 1 {
		t.Fatalf("%d cases of the orphan callback", len(cases))
	}
	c := cases[0]
	_, err = w.svc.Transfer(ctx, mgr, c.ID, app.TransferInput{Branch: "86010101", Handler: "h-unit"})
	mustDo(t, func() error { return err })
	_, err = w.svc.Acknowledge(ctx, handler, c.ID)
	mustDo(t, func() error { return err })
	_, err = w.svc.Act(ctx, handler, c.ID, app.ActionInput{Kind: "explained", Note: "已向客户解释"})
	mustDo(t, func() error { return err })
	rc, err := w.svc.RequestRecallback(ctx, handler, c.ID)
	mustDo(t, func() error { return err })
	work, err := w.svc.Take(ctx, w.op, rc.RecallbackID)
	mustDo(t, func() error { return err })
	done, err := w.svc.Finish(ctx, w.op, work.Callback.ID, passing(work))
	mustDo(t, func() error { return err })
	if done.Kind != huifang.KindRecallback || done.Result != huifang.ResultSuccessful {
		t.Fatalf("the orphan case's re-callback: %+v", done)
	}
}

// orphansApril: on 10 April another agent leaves: G08's orphan callback,
// due 24 April, is successful, G10's is not reached yet, G09's is due in
// May (another period).
func orphansApril(t *testing.T, w *world) {
	t.Helper()
	due := huifang.NewDate(2026, 4, 24)
	w.orphan(t, "A", "G08", due, w.op, huifang.ResultSuccessful)
	w.orphan(t, "A", "G10", due, w.op, "")
	w.orphan(t, "A", "G09", huifang.NewDate(2026, 5, 8), w.op, "")
}

// recountOrphans counts an insurer's orphan callbacks due in a period
// straight from its callbacks: due, and successful (the callback, or a
// successful re-callback of a problem case it opened).
func recountOrphans(t *testing.T, w *world, orgID int64, p indicator.Period) (due, ok int64) {
	t.Helper()
	var orphans []huifang.Callback
	mustDo(t, func() error {
		return w.db.ForEachCallback(ctx, orgID, huifang.CallbackFilter{}, func(r *huifang.CallbackRow) error {
			if r.Kind == huifang.KindOrphan && p.Contains(r.DueOn) {
				orphans = append(orphans, r.Callback)
			}
			return nil
		})
	})
	for _, c := range orphans {
		due++
		if c.Result == huifang.ResultSuccessful {
			ok++
			continue
		}
		cases, err := w.db.ListProblemCases(ctx, orgID, huifang.ProblemFilter{CallbackID: c.ID})
		mustDo(t, func() error { return err })
		for _, k := range cases {
			if k.RecallbackID == 0 {
				continue
			}
			rc, err := w.db.FindCallback(ctx, orgID, k.RecallbackID)
			mustDo(t, func() error { return err })
			if rc.Result == huifang.ResultSuccessful {
				ok++
				break
			}
		}
	}
	return due, ok
}

// TestGoldenOrphanRecount: the orphan figures of each golden table equal a
// recount from the callbacks themselves, for the insurer's periods and the
// regulator's companies, and are not all zero; orphan callbacks leave the
// new-business figures alone (the new-business due count equals the
// new-business callbacks due).
func TestGoldenOrphanRecount(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := goldenWorld(t, tw)
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		seen := map[string]int64{}
		for _, period := range []string{"2026-03", "2026-04", "2026-05", "2026-Q1", "2026-Q2", "2026"} {
			_, tbl, err := w.svc.StatsTable(ctx, w.admin, "", period)
			mustDo(t, func() error { return err })
			due, ok := recountOrphans(t, w, w.admin.OrgID, tbl.Period)
			if tbl.Total.Orphans.Due != due || tbl.Total.Orphans.Successful != ok {
				t.Errorf("%s: orphans %d due %d successful, recount %d and %d", period, tbl.Total.Orphans.Due, tbl.Total.Orphans.Successful, due, ok)
			}
			var rows indicator.CallbackCounts
			for _, r := range tbl.ByChannel {
				rows.Add(r.Orphans, 1)
			}
			if rows != tbl.Total.Orphans {
				t.Errorf("%s: the channels' orphans %+v, the total %+v", period, rows, tbl.Total.Orphans)
			}
			n, err := w.db.CountCallbacks(ctx, w.admin.OrgID, huifang.CallbackFilter{DueFrom: tbl.Period.First(), DueTo: tbl.Period.Last(), Outcome: huifang.OutcomeDue})
			mustDo(t, func() error { return err })
			if int64(n) != tbl.Total.Callbacks.Due {
				t.Errorf("%s: %d new-business callbacks due, the table counts %d", period, n, tbl.Total.Callbacks.Due)
			}
			// The lists behind the orphan figures hold as many callbacks.
			for outcome, want := range map[string]int64{huifang.OutcomeDue: tbl.Total.Orphans.Due, huifang.OutcomeSuccessful: tbl.Total.Orphans.Successful,
				huifang.OutcomeSuccessfulInPeriod: tbl.Total.Orphans.SuccessfulInPeriod, huifang.OutcomeCompleted: tbl.Total.Orphans.Completed} {
				n, err := w.db.CountCallbacks(ctx, w.admin.OrgID, huifang.CallbackFilter{DueFrom: tbl.Period.First(), DueTo: tbl.Period.Last(),
					Kind: huifang.KindOrphan, Outcome: outcome})
				mustDo(t, func() error { return err })
				if int64(n) != want {
					t.Errorf("%s: %d orphan callbacks listed as %s, the figure counts %d", period, n, outcome, want)
				}
			}
			for _, r := range tbl.ByChannel {
				n, err := w.db.CountCallbacks(ctx, w.admin.OrgID, huifang.CallbackFilter{DueFrom: tbl.Period.First(), DueTo: tbl.Period.Last(),
					Kind: huifang.KindOrphan, Outcome: huifang.OutcomeSuccessful, Channel: huifang.Channel(r.Key)})
				mustDo(t, func() error { return err })
				if int64(n) != r.Orphans.Successful {
					t.Errorf("%s %s: %d successful orphan callbacks listed, the figure counts %d", period, r.Key, n, r.Orphans.Successful)
				}
			}
			seen[period] = ok
		}
		if seen["2026-03"] != 2 || seen["2026-04"] != 1 || seen["2026-05"] != 0 {
			t.Errorf("orphans successful by period: %v", seen)
		}
		_, reg, err := w.svc.StatsTable(ctx, sup, "REG", "2026-Q1")
		mustDo(t, func() error { return err })
		for _, r := range reg.ByCompany {
			o, err := w.db.FindOrgByCode(ctx, r.Key)
			mustDo(t, func() error { return err })
			due, ok := recountOrphans(t, w, o.ID, reg.Period)
			if r.Orphans.Due != due || r.Orphans.Successful != ok || due == 0 {
				t.Errorf("regulator's %s: orphans %+v, recount %d due %d successful", r.Key, r.Orphans, due, ok)
			}
		}
	})
}
