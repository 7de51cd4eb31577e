package app_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/testworld"
)

func april(day int) time.Time { return time.Date(2026, 4, day, 10, 0, 0, 0, huifang.Shanghai) }

// marchWorld has four callbacks due in March, two of them finished.
func marchWorld(t *testing.T, tw *testworld.World) *world {
	t.Helper()
	w := setup(t, tw)
	w.loadPolicies(t,
		policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1),
		policyLine("P2", "U01", "银保", "2026-03-03", "13800000002", 2),
		policyLine("P3", "L20", "个险", "2026-03-04", "13800000003", 3),
		policyLine("P4", "L20", "个险", "2026-03-05", "13800000004", 4))
	w.clk.t = at(5, 10, 0)
	for _, in := range []func(*app.Work) app.FinishInput{passing, func(wk *app.Work) app.FinishInput { return answering(wk, "not-deposit", "no") }} {
		work, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		_, err = w.svc.Finish(ctx, w.op, work.Callback.ID, in(work))
		mustDo(t, func() error { return err })
	}
	return w
}

// TestSubmissionWorkflow: submit, return with a comment, correct with a
// reason, accept; who may do what; the frozen content does not move when the
// figures do.
func TestSubmissionWorkflow(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := marchWorld(t, tw)
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		mgrB := w.user(t, "B", "mgr-b", huifang.RoleManager, "", "")
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		mustDo(t, func() error {
			_, err := w.svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindRegulator, Code: "REG2", Name: "另一保监局"})
			return err
		})
		sup2 := w.user(t, "REG2", "sup2", huifang.RoleSupervisor, "", "")
		w.clk.t = april(3)

		if _, err := w.svc.SubmitStats(ctx, mgr, app.SubmitInput{Period: "2026-04"}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("a period not yet ended: %v", err)
		}
		if _, err := w.svc.SubmitStats(ctx, w.op, app.SubmitInput{Period: "2026-03"}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an operator: %v", err)
		}
		if _, err := w.svc.SubmitStats(ctx, mgrB, app.SubmitInput{OrgCode: "A", Period: "2026-03"}); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("another company's manager: %v", err)
		}
		v1, err := w.svc.SubmitStats(ctx, mgr, app.SubmitInput{Period: "2026-03"})
		mustDo(t, func() error { return err })
		sum := sha256.Sum256([]byte(v1.Content))
		if v1.Version != 1 || v1.Status != "submitted" || v1.Source != "generated" || v1.Late || v1.Hash != hex.EncodeToString(sum[:]) ||
			v1.DueOn != huifang.NewDate(2026, 4, 10) {
			t.Fatalf("v1 %+v", v1)
		}
		_, live, err := w.svc.StatsTable(ctx, mgr, "", "2026-03")
		mustDo(t, func() error { return err })
		fr, err := app.FrozenTable(v1)
		mustDo(t, func() error { return err })
		if fr.Table.Total != live.Total || fr.Org.Code != "A" || len(fr.Table.ByChannel) != len(live.ByChannel) {
			t.Fatalf("frozen %+v, live %+v", fr.Table.Total, live.Total)
		}
		if _, err := w.svc.SubmitStats(ctx, mgr, app.SubmitInput{Period: "2026-03", Reason: "再报一次"}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("a correction while waiting for review: %v", err)
		}

		// Scopes: another company and another regulator see nothing.
		if _, err := w.svc.Submission(ctx, mgrB, v1.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("company B: %v", err)
		}
		if _, err := w.svc.Submission(ctx, sup2, v1.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("another regulator: %v", err)
		}
		if _, err := w.svc.ReviewSubmission(ctx, sup2, v1.ID, app.ReviewInput{Accept: true}); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("another regulator accepts: %v", err)
		}
		if _, err := w.svc.ReviewSubmission(ctx, mgr, v1.ID, app.ReviewInput{Accept: true}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("the company accepts its own: %v", err)
		}

		// Returning needs a comment.
		if _, err := w.svc.ReviewSubmission(ctx, sup, v1.ID, app.ReviewInput{Comment: "  "}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("return without a comment: %v", err)
		}
		ret, err := w.svc.ReviewSubmission(ctx, sup, v1.ID, app.ReviewInput{Comment: "银保渠道件数有误"})
		mustDo(t, func() error { return err })
		if ret.Status != "returned" || ret.Comment != "银保渠道件数有误" || ret.ReviewedBy != "sup" {
			t.Fatalf("returned %+v", ret)
		}
		if _, err := w.svc.ReviewSubmission(ctx, sup, v1.ID, app.ReviewInput{Accept: true}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("accept a returned version: %v", err)
		}

		// The figures move after the submission: v1 does not.
		work, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		_, err = w.svc.Finish(ctx, w.op, work.Callback.ID, passing(work))
		mustDo(t, func() error { return err })
		again, err := w.svc.Submission(ctx, sup, v1.ID)
		mustDo(t, func() error { return err })
		if again.Content != v1.Content || again.Hash != v1.Hash || app.VerifySubmission(again) != nil {
			t.Fatal("the frozen content changed")
		}

		// A correction needs a reason; it is version 2 with the new figures.
		_, err = w.svc.SubmitStats(ctx, mgr, app.SubmitInput{Period: "2026-03"})
		if ae := asAppError(err); ae == nil || ae.Code != huifang.EINVALID || len(ae.Fields) != 1 || ae.Fields[0].Field != "reason" {
			t.Fatalf("a correction without a reason: %v", err)
		}
		v2, err := w.svc.SubmitStats(ctx, mgr, app.SubmitInput{Period: "2026-03", Reason: "补录 3 月 31 日的回访结果"})
		mustDo(t, func() error { return err })
		fr2, _ := app.FrozenTable(v2)
		if v2.Version != 2 || v2.Hash == v1.Hash || fr2.Table.Total.Callbacks.Successful != fr.Table.Total.Callbacks.Successful+1 || v2.Reason == "" {
			t.Fatalf("v2 %+v", v2)
		}
		if _, err := w.svc.ReviewSubmission(ctx, sup, v2.ID, app.ReviewInput{Accept: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.ReviewSubmission(ctx, sup, v2.ID, app.ReviewInput{Accept: true}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("accept twice: %v", err)
		}
		_, hist, err := w.svc.Submissions(ctx, sup, "A", "2026-03")
		mustDo(t, func() error { return err })
		if len(hist) != 2 || hist[0].Version != 2 || hist[0].Status != "accepted" || hist[1].Status != "returned" {
			t.Fatalf("history %+v", hist)
		}
		if _, own, _ := w.svc.Submissions(ctx, mgrB, "", ""); len(own) != 0 {
			t.Fatalf("company B lists %d", len(own))
		}

		// The frozen table renders as it was submitted.
		var js, csv bytes.Buffer
		mustDo(t, func() error { return app.RenderSubmission(&js, v1, "json") })
		mustDo(t, func() error { return app.RenderSubmission(&csv, v1, "csv") })
		if js.String() != v1.Content || !strings.Contains(csv.String(), "合计,合计,4,1,25.00%") {
			t.Fatalf("rendered:\n%s\n%s", js.String(), csv.String())
		}
		tampered := *v1
		tampered.Content = strings.Replace(tampered.Content, `"due":4`, `"due":5`, 1)
		if err := app.RenderSubmission(&js, &tampered, "csv"); err == nil {
			t.Fatal("a tampered content rendered")
		}

		// Deadlines: A's February (a callback was due then) was due on 10
		// March (missing); its April (one due on 9 April) is not due before
		// 10 May. B had no business in any of them: nothing to chase,
		// though it may still submit (late, below).
		w.loadPolicies(t, strings.Replace(policyLine("P5", "L20", "个险", "2026-02-05", "13800000005", 5), ",2026-02-20,2026-02-25,", ",2026-01-20,2026-01-25,", 1),
			policyLine("P6", "L20", "个险", "2026-03-25", "13800000006", 6))
		periods := []indicator.Period{{Kind: indicator.Month, Year: 2026, N: 3}, {Kind: indicator.Month, Year: 2026, N: 2}, {Kind: indicator.Month, Year: 2026, N: 4}}
		states, err := w.svc.SubmissionStatus(ctx, sup, "", periods)
		mustDo(t, func() error { return err })
		got := map[string]string{}
		for _, s := range states {
			got[s.OrgCode+" "+s.Period.String()] = s.Status
		}
		want := map[string]string{"A 2026-03": "accepted", "A 2026-02": "missing", "A 2026-04": "not-due",
			"B 2026-03": "no-business", "B 2026-02": "no-business", "B 2026-04": "no-business"}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("status %v, want %v", got, want)
			}
		}
		if _, err := w.svc.SubmissionStatus(ctx, mgr, "REG", periods); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("a company asks for the regulator's status: %v", err)
		}
		w.clk.t = april(13)
		vb, err := w.svc.SubmitStats(ctx, mgrB, app.SubmitInput{Period: "2026-03"})
		mustDo(t, func() error { return err })
		if !vb.Late {
			t.Fatal("B's submission after the due date is not late")
		}
		states, _ = w.svc.SubmissionStatus(ctx, sup, "REG", periods[:1])
		if len(states) != 2 || states[1].OrgCode != "B" || !states[1].Late || states[1].Status != "submitted" || states[0].Late || states[0].Version != 2 {
			t.Fatalf("states %+v", states)
		}

		audit, err := w.db.ListAudit(ctx, w.admin.OrgID, huifang.AuditFilter{Entity: "submission"})
		mustDo(t, func() error { return err })
		var actions []string
		for _, a := range audit {
			actions = append(actions, a.Action)
		}
		if strings.Join(actions, ",") != "accept,submit,return,submit" {
			t.Fatalf("audit %v", actions)
		}
		var detail map[string]any
		if json.Unmarshal([]byte(audit[1].Detail), &detail) != nil || detail["hash"] != v2.Hash {
			t.Fatalf("audit detail %s", audit[1].Detail)
		}
	})
}

func asAppError(err error) *huifang.Error {
	e, _ := err.(*huifang.Error)
	return e
}

func TestRecentPeriods(t *testing.T) {
	t.Parallel()
	var got []string
	for _, p := range app.RecentPeriods(huifang.NewDate(2026, 1, 15)) {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "2025-12 2025-11 2025-10 2025-Q4 2025-Q3 2025" {
		t.Fatalf("recent periods %v", got)
	}
}
