package app_test

import (
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
	"github.com/huifang/huifang/testworld"
)

// TestScriptEditDraft: an administrator edits a draft (a new question, a
// changed wording); a script with problems is refused with them all and
// nothing stored; the check says what is missing; the differences from the
// shipped version are listed; a filed version, another insurer's draft and
// an operator are refused.
func TestScriptEditDraft(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		adminB := w.user(t, "B", "adm-b", huifang.RoleInsurerAdmin, "", "")
		r, err := w.svc.ImportScript(ctx, w.admin, scriptFile(t, "life-traditional-agency", nil), "")
		mustDo(t, func() error { return err })
		ch, err := w.svc.ScriptDiff(ctx, w.admin, r.ID)
		mustDo(t, func() error { return err })
		if ch.Base != "life-traditional-agency v1" || !ch.BaseLibrary || ch.Diff.Changed() {
			t.Fatalf("an unchanged copy: %+v", ch)
		}

		sc := script.Lookup("life-traditional-agency")
		sc.Steps[0].Texts[huifang.MethodElectronic] = "您好！这里是{{insurer_name}}。请您逐项确认。"
		at := len(sc.Steps) - 1
		sc.Steps = append(sc.Steps[:at], append([]script.Step{{ID: "claims", Kind: script.KindQuestion, Title: "理赔方式告知",
			Text: "如需理赔，请拨打{{service_phone}}。请问您清楚吗？", Answer: script.AnswerYesNo,
			Rules: []script.Rule{{When: []string{script.No, script.Unclear}, Problem: huifang.ProblemUnclearRights, Goto: "nowhere"}}}}, sc.Steps[at:]...)...)
		c, err := w.svc.CheckScript(ctx, w.admin, sc)
		mustDo(t, func() error { return err })
		if c.OK() || !strings.Contains(huifang.ErrorMessage(c.Invalid), "nowhere") {
			t.Fatalf("check: %+v", c)
		}
		if _, err := w.svc.SaveScriptDraft(ctx, w.admin, r.ID, sc); huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), "nowhere") {
			t.Fatalf("saving a broken script: %v", err)
		}
		sc.Steps[at].Rules[0].Goto = ""
		saved, err := w.svc.SaveScriptDraft(ctx, w.admin, r.ID, sc)
		mustDo(t, func() error { return err })
		if saved.Status != "draft" || saved.Version != 1 || !strings.Contains(saved.Body, `"id": "claims"`) {
			t.Fatalf("saved %+v", saved)
		}
		ch, err = w.svc.ScriptDiff(ctx, w.admin, r.ID)
		mustDo(t, func() error { return err })
		var added, changed []string
		for _, st := range ch.Diff.Steps {
			switch st.Status {
			case script.StepAdded:
				added = append(added, st.ID)
			case script.StepChanged:
				changed = append(changed, st.ID)
				if st.ID == "greeting" && (len(st.Fields) != 1 || st.Fields[0].Field != "texts.electronic") {
					t.Errorf("greeting: %+v", st.Fields)
				}
			}
		}
		if strings.Join(added, ",") != "claims" || strings.Join(changed, ",") != "greeting" {
			t.Fatalf("diff: added %v, changed %v", added, changed)
		}

		// Without a covering question: saved as a draft, the check says what is missing.
		uncovered := sc.Clone()
		for i := range uncovered.Steps {
			if uncovered.Steps[i].ID == "surrender" {
				uncovered.Steps[i].Covers = nil
			}
		}
		c, _ = w.svc.CheckScript(ctx, w.admin, uncovered)
		if c.Invalid != nil || len(c.Missing) != 1 || c.Missing[0] != script.ItemSurrender {
			t.Fatalf("missing: %+v", c)
		}

		// A changed code, another insurer, an operator, a filed version.
		other := sc.Clone()
		other.Code = "renamed"
		if _, err := w.svc.SaveScriptDraft(ctx, w.admin, r.ID, other); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("a new code: %v", err)
		}
		if _, err := w.svc.SaveScriptDraft(ctx, adminB, r.ID, sc); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("another insurer: %v", err)
		}
		if _, err := w.svc.SaveScriptDraft(ctx, w.op, r.ID, sc); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an operator: %v", err)
		}
		mustDo(t, func() error { return w.svc.FileScript(ctx, w.admin, r.ID) })
		if _, err := w.svc.SaveScriptDraft(ctx, w.admin, r.ID, sc); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("a filed version: %v", err)
		}
	})
}
