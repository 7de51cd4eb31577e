package app_test

import (
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/testworld"
)

// TestRecallbackAsksAboutTheProblem: the re-callback of an unsigned-documents
// case runs the short confirmation script of that problem (identity, then the
// question about the signatures), not the new-business script again; a "no"
// sends the case back to its handler with the reason, a "yes" on the next
// re-callback resolves it.
func TestRecallbackAsksAboutTheProblem(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		unit := w.user(t, "A", "h-unit", huifang.RoleHandler, "86010101", "")
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1))
		w.clk.t = at(5, 10, 0)
		c := w.signedByAnother(t, w.op)
		_, err := w.svc.Transfer(ctx, mgr, c.ID, app.TransferInput{Branch: "86010101", Handler: "h-unit"})
		mustDo(t, func() error { return err })
		_, err = w.svc.Acknowledge(ctx, unit, c.ID)
		mustDo(t, func() error { return err })
		recallback := func(day int, answer string) *app.Work {
			_, err := w.svc.Act(ctx, unit, c.ID, app.ActionInput{Kind: "re-signed", Note: "客户本人重新签署", Evidence: &app.Upload{Name: "回执.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 signed")}})
			mustDo(t, func() error { return err })
			_, err = w.svc.RequestRecallback(ctx, unit, c.ID)
			mustDo(t, func() error { return err })
			w.clk.t = at(day, 10, 0)
			work, err := w.svc.Next(ctx, w.op)
			mustDo(t, func() error { return err })
			if work.Callback.Kind != huifang.KindRecallback || work.Callback.CaseID != c.ID {
				t.Fatalf("re-callback %+v", work.Callback)
			}
			var questions []string
			for _, st := range work.Script.Steps {
				if st.Question() {
					questions = append(questions, st.ID)
				}
			}
			if work.Script.Code != "re-callback-unsigned" || strings.Join(questions, " ") != "identity fixed" {
				t.Fatalf("re-callback script %s asks %v", work.Script.Ref(), questions)
			}
			if !strings.Contains(work.Script.Steps[2].Text, "签名") {
				t.Fatalf("the question is not about the signatures: %q", work.Script.Steps[2].Text)
			}
			_, err = w.svc.Finish(ctx, w.op, work.Callback.ID, answering(work, "fixed", answer))
			mustDo(t, func() error { return err })
			return work
		}
		recallback(6, "no")
		w.qaKeptEqualsRecount(t, mgr.OrgID, "after the failed re-callback")
		v, err := w.svc.Case(ctx, unit, c.ID)
		mustDo(t, func() error { return err })
		if v.Case.Status != huifang.ProblemInProgress || !strings.Contains(v.Events[len(v.Events)-1].Detail, "签名确认") {
			t.Fatalf("after a no: %s, %+v", v.Case.Status, v.Events[len(v.Events)-1])
		}
		work := recallback(9, "yes")
		// The second request opened the first re-callback anew: its finish
		// by the operator no longer counts in the QA figures, as in a
		// recount of the rows.
		w.qaKeptEqualsRecount(t, mgr.OrgID, "after the re-callback asked again")
		v, err = w.svc.Case(ctx, unit, c.ID)
		mustDo(t, func() error { return err })
		if v.Case.Status != huifang.ProblemResolved {
			t.Fatalf("after a yes: %s", v.Case.Status)
		}
		// The finished re-callback shows its answers in the confirmation's wording.
		done, err := w.svc.Callback(ctx, w.op, work.Callback.ID)
		mustDo(t, func() error { return err })
		if done.Script == nil || done.Script.Code != "re-callback-unsigned" {
			t.Fatalf("finished re-callback's script %+v", done.Script)
		}
	})
}
