package app_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/script"
	"github.com/huifang/huifang/testworld"
)

func scriptFile(t *testing.T, code string, edit func(*script.Script)) string {
	t.Helper()
	sc := script.Lookup(code)
	if sc == nil {
		t.Fatalf("no shipped script %s", code)
	}
	if edit != nil {
		edit(sc)
	}
	var b bytes.Buffer
	if err := sc.Format(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestScriptLifecycle(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		adminB := w.user(t, "B", "adm-b", huifang.RoleInsurerAdmin, "", "")
		today := huifang.NewDate(2026, 3, 5)
		universal := huifang.Product{Code: "U01", Design: huifang.DesignUniversal}

		// Before any script is active, the shipped standard script is chosen.
		sc, rec, err := w.svc.SelectScript(ctx, w.admin.OrgID, universal, huifang.ChannelBank, today)
		if err != nil || rec != nil || sc.Code != "universal-bank" {
			t.Fatalf("fallback %v %v %v", sc, rec, err)
		}
		// The insurer imports its own version; it starts as a draft, invisible to the regulator.
		r, err := w.svc.ImportScript(ctx, w.admin, scriptFile(t, "universal-bank", func(s *script.Script) { s.Name = "万能险银保回访（本公司版）" }), "")
		mustDo(t, func() error { return err })
		if r.Status != "draft" || r.Version != 1 {
			t.Fatalf("imported %+v", r)
		}
		if err := w.svc.ActivateScript(ctx, w.admin, r.ID, today); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("activating a draft: %v", err)
		}
		if seen, _ := w.svc.Scripts(ctx, sup); len(seen) != 0 {
			t.Fatalf("the regulator sees a draft: %+v", seen)
		}
		mustDo(t, func() error { return w.svc.FileScript(ctx, w.admin, r.ID) })
		if seen, _ := w.svc.Scripts(ctx, sup); len(seen) != 1 || seen[0].Status != "filed" {
			t.Fatalf("the regulator's view: %+v", seen)
		}
		if other, _ := w.svc.Scripts(ctx, adminB); len(other) != 0 {
			t.Fatalf("another insurer sees the script: %+v", other)
		}
		if err := w.svc.FileScript(ctx, adminB, r.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("another insurer filing it: %v", err)
		}
		if err := w.svc.ActivateScript(ctx, w.admin, r.ID, today.AddDays(-1)); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("activating in the past: %v", err)
		}
		mustDo(t, func() error { return w.svc.ActivateScript(ctx, w.admin, r.ID, today.AddDays(1)) })
		// In force from tomorrow: today the shipped script, tomorrow the insurer's.
		if _, rec, _ := w.svc.SelectScript(ctx, w.admin.OrgID, universal, huifang.ChannelBank, today); rec != nil {
			t.Fatalf("chosen before its date: %+v", rec)
		}
		sc, rec, err = w.svc.SelectScript(ctx, w.admin.OrgID, universal, huifang.ChannelBank, today.AddDays(1))
		if err != nil || rec == nil || rec.ID != r.ID || sc.Name != "万能险银保回访（本公司版）" {
			t.Fatalf("selection: %+v %v", rec, err)
		}
		// A per-product override wins over the design × channel script.
		over, err := w.svc.ImportScript(ctx, w.admin, scriptFile(t, "universal-bank", nil), "U01")
		mustDo(t, func() error { return err })
		if over.Version != 2 {
			t.Fatalf("second version numbered %d", over.Version)
		}
		mustDo(t, func() error { return w.svc.FileScript(ctx, w.admin, over.ID) })
		mustDo(t, func() error { return w.svc.ActivateScript(ctx, w.admin, over.ID, today.AddDays(1)) })
		if _, rec, _ := w.svc.SelectScript(ctx, w.admin.OrgID, universal, huifang.ChannelBank, today.AddDays(2)); rec == nil || rec.ID != over.ID {
			t.Fatalf("override not chosen: %+v", rec)
		}
		// A script missing a mandatory item is stored and filed, but never activated.
		incomplete, err := w.svc.ImportScript(ctx, w.admin, scriptFile(t, "universal-bank", func(s *script.Script) {
			var kept []script.Step
			for _, st := range s.Steps {
				drop := false
				for _, it := range st.Covers {
					drop = drop || it == script.ItemNotDeposit
				}
				if !drop {
					kept = append(kept, st)
				}
			}
			s.Steps = kept
		}), "")
		mustDo(t, func() error { return err })
		mustDo(t, func() error { return w.svc.FileScript(ctx, w.admin, incomplete.ID) })
		if err := w.svc.ActivateScript(ctx, w.admin, incomplete.ID, today); huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), "存款") {
			t.Fatalf("activating an incomplete script: %v", err)
		}
		// Retiring brings back the design × channel script.
		mustDo(t, func() error { return w.svc.RetireScript(ctx, w.admin, over.ID) })
		if _, rec, _ := w.svc.SelectScript(ctx, w.admin.OrgID, universal, huifang.ChannelBank, today.AddDays(2)); rec == nil || rec.ID != r.ID {
			t.Fatalf("after retiring the override: %+v", rec)
		}
		if _, err := w.svc.ImportScript(ctx, w.op, scriptFile(t, "universal-bank", nil), ""); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an operator importing a script: %v", err)
		}
		if _, err := w.svc.ImportScript(ctx, w.admin, "{not a script", ""); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("a broken file: %v", err)
		}
		if a, _ := w.db.ListAudit(ctx, w.admin.OrgID, huifang.AuditFilter{Entity: "script"}); len(a) < 6 {
			t.Fatalf("script audit: %d entries", len(a))
		}
	})
}

// TestCallbackRunsItsScript: a callback runs the insurer's active script
// version and records it; a later version leaves finished callbacks on the
// one they ran; the script's endings are attempts, not results.
func TestCallbackRunsItsScript(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.clk.t = at(4, 10, 0)
		r, err := w.svc.ImportScript(ctx, w.admin, scriptFile(t, "life-traditional-agency", func(s *script.Script) {
			s.Steps[0].Text = "您好！这里是{{insurer_name}}回访中心，本次通话将全程录音。"
		}), "")
		mustDo(t, func() error { return err })
		mustDo(t, func() error { return w.svc.FileScript(ctx, w.admin, r.ID) })
		mustDo(t, func() error { return w.svc.ActivateScript(ctx, w.admin, r.ID, huifang.NewDate(2026, 3, 5)) })
		w.loadPolicies(t,
			policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1),
			policyLine("P2", "L20", "个险", "2026-03-03", "13800000002", 2))
		w.clk.t = at(5, 10, 0)
		work, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if work.Script.ID != r.ID || work.Script.Ref() != "life-traditional-agency v1" || work.Script.Steps[0].Text != "您好！这里是A人寿回访中心，本次通话将全程录音。" {
			t.Fatalf("script of the callback: %+v", work.Script)
		}
		// Someone else answers: a wrong-person attempt, the callback stays open.
		first := work.Script.Steps[1].ID
		c, err := w.svc.Finish(ctx, w.op, work.Callback.ID, app.FinishInput{Answers: map[string]string{first: "no"}})
		mustDo(t, func() error { return err })
		if c.Status == huifang.StatusDone || c.Attempts != 1 {
			t.Fatalf("not the policyholder: %+v", c)
		}
		as, _ := w.db.ListAttempts(ctx, w.op.OrgID, c.ID)
		if len(as) != 1 || as[0].Outcome != huifang.AttemptWrongPerson {
			t.Fatalf("attempts %+v", as)
		}
		// Busy now: another time is needed, then it is scheduled.
		work, err = w.svc.Next(ctx, w.op2)
		mustDo(t, func() error { return err })
		busy := app.FinishInput{Answers: map[string]string{"identity": "yes", "convenient": "现在不方便，另约时间"}}
		if _, err := w.svc.Finish(ctx, w.op2, work.Callback.ID, busy); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("busy without a time: %v", err)
		}
		busy.ScheduleAt = at(6, 15, 0)
		c, err = w.svc.Finish(ctx, w.op2, work.Callback.ID, busy)
		mustDo(t, func() error { return err })
		if c.Status != huifang.StatusScheduled || !c.NextAt.Equal(at(6, 15, 0)) {
			t.Fatalf("busy: %+v", c)
		}
		// Answers that skip or leave out questions are refused with the step named.
		w.clk.t = at(5, 14, 0)
		work, err = w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if _, err := w.svc.Finish(ctx, w.op, work.Callback.ID, app.FinishInput{Answers: map[string]string{"identity": "yes", "convenient": "方便", "nosuch": "yes"}}); huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), "nosuch") {
			t.Fatalf("an unknown step: %v", err)
		}
		in := passing(work)
		in.Script = "life-traditional-agency v0"
		if _, err := w.svc.Finish(ctx, w.op, work.Callback.ID, in); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("answers to another version: %v", err)
		}
		done, err := w.svc.Finish(ctx, w.op, work.Callback.ID, passing(work))
		mustDo(t, func() error { return err })
		if done.Result != huifang.ResultSuccessful || done.ScriptID != r.ID || done.ScriptVersion != 1 || done.Method != huifang.MethodPhone {
			t.Fatalf("finished: %+v", done)
		}
		// Version 2 comes into force; the finished callback still shows version 1.
		r2, err := w.svc.ImportScript(ctx, w.admin, scriptFile(t, "life-traditional-agency", nil), "")
		mustDo(t, func() error { return err })
		mustDo(t, func() error { return w.svc.FileScript(ctx, w.admin, r2.ID) })
		mustDo(t, func() error { return w.svc.ActivateScript(ctx, w.admin, r2.ID, huifang.NewDate(2026, 3, 5)) })
		again, err := w.svc.Callback(ctx, w.op, done.ID)
		mustDo(t, func() error { return err })
		if again.Script.ID != r.ID || again.Script.Version != 1 {
			t.Fatalf("a finished callback's script: %s (%d)", again.Script.Ref(), again.Script.ID)
		}
		open, err := w.svc.Callback(ctx, w.op, c.ID)
		mustDo(t, func() error { return err })
		if open.Script.ID != r2.ID || open.Script.Ref() != "life-traditional-agency v2" {
			t.Fatalf("an open callback's script: %s (%d)", open.Script.Ref(), open.Script.ID)
		}
	})
}
