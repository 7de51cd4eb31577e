package app_test

import (
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/misconduct"
	"github.com/huifang/huifang/testworld"
)

// TestMisconductRecords: a closed signed-by-another case proposes a record
// for the agent (once, either outcome); compliance decides it once, with
// its reasons; other roles and insurers cannot; the regulator's supervisor
// finds the agent's confirmed records at both companies; an import of the
// agent elsewhere tells how many; the drill-down by agent counts them.
func TestMisconductRecords(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		comp := w.user(t, "A", "comp", huifang.RoleCompliance, "", "")
		mgrB := w.user(t, "B", "mgrb", huifang.RoleManager, "", "")
		compB := w.user(t, "B", "compb", huifang.RoleCompliance, "", "")
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1), policyLine("P2", "L20", "个险", "2026-03-02", "13800000002", 2))

		// Closed unresolved: a record is proposed for agent A001.
		c := w.signedByAnother(t, w.op)
		if recs, err := w.svc.MisconductRecords(ctx, comp, huifang.MisconductFilter{}); err != nil || len(recs) != 0 {
			t.Fatalf("records of an open case: %+v %v", recs, err)
		}
		_, err := w.svc.CloseCase(ctx, mgr, c.ID, "客户已退保")
		mustDo(t, func() error { return err })
		recs, err := w.svc.MisconductRecords(ctx, comp, huifang.MisconductFilter{})
		mustDo(t, func() error { return err })
		if len(recs) != 1 {
			t.Fatalf("records %+v", recs)
		}
		r := recs[0]
		if r.Status != huifang.MisconductProposed || r.AgentCode != "A001" || r.AgentName != "李明" || r.RegNo != "00020231001" || r.PolicyNo != "P1" ||
			r.CaseID != c.ID || r.CaseType != huifang.ProblemUnsigned || r.Category != huifang.MisconductBeyondAuthority ||
			!strings.Contains(r.Facts, "客户已退保") || r.KeepUntil != huifang.NewDate(2031, 3, 5) {
			t.Fatalf("proposed %+v", r)
		}
		// Reopened and closed again: still one record.
		_, err = w.svc.Reopen(ctx, mgr, c.ID, "补充材料")
		mustDo(t, func() error { return err })
		_, err = w.svc.CloseCase(ctx, mgr, c.ID, "再次关闭")
		mustDo(t, func() error { return err })
		if recs, _ := w.svc.MisconductRecords(ctx, comp, huifang.MisconductFilter{}); len(recs) != 1 {
			t.Fatalf("after closing twice %+v", recs)
		}

		// Resolved by a successful re-callback: a record too.
		c2 := w.signedByAnother(t, w.op)
		unit := w.user(t, "A", "h-unit", huifang.RoleHandler, "86010101", "")
		_, err = w.svc.Transfer(ctx, mgr, c2.ID, app.TransferInput{Branch: "86010101", Handler: "h-unit"})
		mustDo(t, func() error { return err })
		_, err = w.svc.Acknowledge(ctx, unit, c2.ID)
		mustDo(t, func() error { return err })
		_, err = w.svc.Act(ctx, unit, c2.ID, app.ActionInput{Kind: "re-signed", Note: "客户本人重新签署", Evidence: &app.Upload{Name: "回执.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 signed")}})
		mustDo(t, func() error { return err })
		_, err = w.svc.RequestRecallback(ctx, unit, c2.ID)
		mustDo(t, func() error { return err })
		w.clk.t = at(6, 10, 0)
		work, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		_, err = w.svc.Finish(ctx, w.op, work.Callback.ID, passing(work))
		mustDo(t, func() error { return err })
		recs, err = w.svc.MisconductRecords(ctx, mgr, huifang.MisconductFilter{Status: huifang.MisconductProposed})
		mustDo(t, func() error { return err })
		if len(recs) != 2 || recs[0].CaseID != c2.ID || !strings.Contains(recs[0].Facts, "回访确认成功") {
			t.Fatalf("after the re-callback %+v", recs)
		}

		// Hostile: other insurer, other roles, missing reasons, twice.
		if _, err := w.svc.MisconductRecord(ctx, compB, r.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("B's compliance reads A's record: %v", err)
		}
		if _, err := w.svc.DecideMisconduct(ctx, compB, r.ID, misconduct.Decision{Confirm: true, Category: "other", Reason: "x"}); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("B's compliance decides A's record: %v", err)
		}
		if _, err := w.svc.MisconductRecords(ctx, w.op, huifang.MisconductFilter{}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an operator lists records: %v", err)
		}
		if _, err := w.svc.DecideMisconduct(ctx, mgr, r.ID, misconduct.Decision{Reason: "x"}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("a manager decides: %v", err)
		}
		if _, err := w.svc.DecideMisconduct(ctx, comp, r.ID, misconduct.Decision{Reason: " "}); huifang.ErrorKey(err) != "err.misconduct.reason_required" {
			t.Fatalf("rejected without a reason: %v", err)
		}
		if _, err := w.svc.DecideMisconduct(ctx, comp, r.ID, misconduct.Decision{Confirm: true, Reason: "属实"}); huifang.ErrorKey(err) != "err.misconduct.category_required" {
			t.Fatalf("confirmed without a category: %v", err)
		}
		if _, err := w.svc.MisconductRecords(ctx, comp, huifang.MisconductFilter{Status: "bogus"}); huifang.ErrorKey(err) != "err.misconduct.bad_status" {
			t.Fatalf("a bad status: %v", err)
		}
		got, err := w.svc.DecideMisconduct(ctx, comp, r.ID, misconduct.Decision{Confirm: true, Category: "beyond-authority", Reason: "业务员代客户签名属实"})
		mustDo(t, func() error { return err })
		if got.Status != huifang.MisconductConfirmed || got.DecidedBy != "comp" || got.DecidedAt.IsZero() {
			t.Fatalf("confirmed %+v", got)
		}
		if _, err := w.svc.DecideMisconduct(ctx, comp, r.ID, misconduct.Decision{Confirm: true, Category: "other", Reason: "again"}); huifang.ErrorKey(err) != "err.misconduct.decided" {
			t.Fatalf("confirmed twice: %v", err)
		}
		_, err = w.svc.DecideMisconduct(ctx, comp, recs[0].ID, misconduct.Decision{Reason: "客户记错，系本人签名"})
		mustDo(t, func() error { return err })

		// Before B has any: importing the agent at B tells of A's one record.
		res := w.importFile(t, "B", importer.KindAgents, testworld.AgentsCSV)
		if res.Misconduct == nil || res.Misconduct.Agents != 1 || res.Misconduct.Records != 1 || !strings.Contains(res.Summary(), "1 confirmed misconduct records") {
			t.Fatalf("import notice %+v %q", res.Misconduct, res.Summary())
		}
		if res := w.importFile(t, "A", importer.KindAgents, testworld.AgentsCSV); res.Misconduct != nil {
			t.Fatalf("A told of its own records: %+v", res.Misconduct)
		}

		// The same agent at B: a misleading sale closed, confirmed.
		w.importFile(t, "B", importer.KindPolicies, policyHead+policyLine("R1", "L20", "个险", "2026-03-02", "13800000009", 9))
		cb, err := w.svc.OpenCase(ctx, mgrB, "R1", huifang.ProblemMisleading, "承诺保本高收益")
		mustDo(t, func() error { return err })
		_, err = w.svc.CloseCase(ctx, mgrB, cb.ID, "客户退保")
		mustDo(t, func() error { return err })
		recsB, err := w.svc.MisconductRecords(ctx, compB, huifang.MisconductFilter{RegNo: "00020231001"})
		mustDo(t, func() error { return err })
		if len(recsB) != 1 || recsB[0].Category != huifang.MisconductImproperSelling {
			t.Fatalf("B's records %+v", recsB)
		}
		_, err = w.svc.DecideMisconduct(ctx, compB, recsB[0].ID, misconduct.Decision{Confirm: true, Category: "improper-selling", Reason: "承诺收益属实"})
		mustDo(t, func() error { return err })

		// The supervisor finds the agent at both companies, by number or name.
		for _, q := range [][2]string{{"", "00020231001"}, {"李明", ""}, {"李", ""}} {
			found, err := w.svc.SearchMisconduct(ctx, sup, q[0], q[1])
			mustDo(t, func() error { return err })
			orgs := map[string]bool{}
			for _, f := range found {
				orgs[f.OrgCode] = true
				if f.Status != huifang.MisconductConfirmed {
					t.Fatalf("found %+v", f)
				}
			}
			if len(found) != 2 || !orgs["A"] || !orgs["B"] {
				t.Fatalf("search %v: %+v", q, found)
			}
		}
		if _, err := w.svc.SearchMisconduct(ctx, sup, " ", ""); huifang.ErrorKey(err) != "err.misconduct.search_empty" {
			t.Fatalf("an empty search: %v", err)
		}
		if _, err := w.svc.SearchMisconduct(ctx, compB, "李明", ""); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an insurer searches across companies: %v", err)
		}

		// The drill-down by agent counts A's confirmed record.
		_, rows, err := w.svc.StatsBreakdown(ctx, mgr, "A", "2026-03", "seller", app.BreakdownFilter{})
		mustDo(t, func() error { return err })
		var n int64 = -1
		for _, row := range rows {
			if row.Key == "A001" {
				n = row.Misconduct
			}
		}
		if n != 1 {
			t.Fatalf("drill-down by agent: %d records (%+v)", n, rows)
		}

		// The command line's view of A.
		all, err := w.svc.MisconductOf(ctx, "A", huifang.MisconductFilter{Status: huifang.MisconductConfirmed})
		mustDo(t, func() error { return err })
		if len(all) != 1 || all[0].ID != r.ID {
			t.Fatalf("cli list %+v", all)
		}
		if _, err := w.svc.MisconductOf(ctx, "REG", huifang.MisconductFilter{}); huifang.ErrorKey(err) != "err.misconduct.insurer_required" {
			t.Fatalf("cli list of a regulator: %v", err)
		}
	})
}
