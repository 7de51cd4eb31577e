package app_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/testworld"
)

// TestStatsTable: a month's table from callbacks worked in huifang, on both
// engines, and who may see it.
func TestStatsTable(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		// Deadlines 17, 18, 19 and 20 March (15 days after the receipt).
		w.loadPolicies(t,
			policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1),
			policyLine("P2", "U01", "银保", "2026-03-03", "13800000002", 2),
			policyLine("P3", "L20", "个险", "2026-03-04", "13800000003", 3),
			policyLine("P4", "L20", "个险", "2026-03-05", "13800000004", 4))
		w.clk.t = at(5, 10, 0)
		// P1: successful. P2: the customer thought it was a deposit.
		work, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		_, err = w.svc.Finish(ctx, w.op, work.Callback.ID, passing(work))
		mustDo(t, func() error { return err })
		work, err = w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		_, err = w.svc.Finish(ctx, w.op, work.Callback.ID, answering(work, "not-deposit", "no"))
		mustDo(t, func() error { return err })

		w.clk.t = at(25, 10, 0)
		_, tbl, err := w.svc.StatsTable(ctx, w.admin, "", "2026-03")
		mustDo(t, func() error { return err })
		got := tbl.Total.Callbacks
		if got != (indicator.CallbackCounts{Due: 4, Successful: 1, SuccessfulInPeriod: 1, Completed: 2, Problems: 1}) {
			t.Fatalf("March callbacks %+v", got)
		}
		// The case opened on 5 March, due 10 working days later, still open on 25 March: overdue.
		if c := tbl.Total.Cases; c.Opened != 1 || c.Due != 1 || c.Pending != 1 || tbl.Total.Overdue != 1 {
			t.Fatalf("March cases %+v, overdue %d", c, tbl.Total.Overdue)
		}
		if len(tbl.ByChannel) != 2 || tbl.ByChannel[0].Key != string(huifang.ChannelAgency) || tbl.ByChannel[0].Callbacks.Due != 3 {
			t.Fatalf("by channel %+v", tbl.ByChannel)
		}
		if len(tbl.ByType) != 1 || tbl.ByType[0].Key != string(huifang.ProblemUnclearRights) {
			t.Fatalf("by type %+v", tbl.ByType)
		}
		if _, q, _ := w.svc.StatsTable(ctx, w.admin, "", "2026-Q1"); q.Total.Callbacks != got {
			t.Fatalf("Q1 %+v differs from March", q.Total.Callbacks)
		}
		var out bytes.Buffer
		mustDo(t, func() error { return w.svc.WriteStats(ctx, w.admin, "", "2026-03", "json", &out) })
		var js map[string]any
		if err := json.Unmarshal(out.Bytes(), &js); err != nil {
			t.Fatal(err)
		}
		rate := js["total"].(map[string]any)["rates"].(map[string]any)["success_rate"].(map[string]any)
		if rate["num"].(float64) != 1 || rate["den"].(float64) != 4 || rate["percent"] != "25.00%" {
			t.Fatalf("json success rate %v", rate)
		}
		out.Reset()
		mustDo(t, func() error { return w.svc.WriteStats(ctx, w.admin, "", "2026-03", "csv", &out) })
		if !strings.Contains(out.String(), "合计,合计,4,1,25.00%,1,25.00%,2,50.00%,1,50.00%") {
			t.Fatalf("csv:\n%s", out.String())
		}

		// Who may see it: not an operator; another insurer's staff as if it did
		// not exist; the supervising regulator by code.
		if _, _, err := w.svc.StatsTable(ctx, w.op, "", "2026-03"); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("operator: %v", err)
		}
		adminB := w.user(t, "B", "adm-b", huifang.RoleInsurerAdmin, "", "")
		if _, _, err := w.svc.StatsTable(ctx, adminB, "A", "2026-03"); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("another insurer: %v", err)
		}
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		if _, s, err := w.svc.StatsTable(ctx, sup, "A", "2026-03"); err != nil || s.Total.Callbacks != got {
			t.Fatalf("regulator: %+v %v", s.Total.Callbacks, err)
		}
		// The regulator's own table: a row per company, totals over them.
		reg, rt, err := w.svc.StatsTable(ctx, sup, "", "2026-03")
		mustDo(t, func() error { return err })
		if reg.Kind != huifang.KindRegulator || len(rt.ByCompany) < 2 || rt.ByCompany[0].Key != "A" || rt.ByCompany[0].Callbacks != got ||
			rt.Total.Callbacks != got || rt.ByCompany[1].Callbacks.Due != 0 {
			t.Fatalf("regulator's table: total %+v, companies %+v", rt.Total.Callbacks, rt.ByCompany)
		}
		if _, _, err := w.svc.StatsTable(ctx, w.admin, "REG", "2026-03"); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("an insurer asking for the regulator's table: %v", err)
		}
		if _, _, err := w.svc.StatsTable(ctx, sup, "A", "2026-13"); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("bad period: %v", err)
		}
		if err := w.svc.WriteStats(ctx, w.admin, "", "2026-03", "pdf", &out); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("bad format: %v", err)
		}
	})
}
