package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang/browsertest"
)

// TestBrowserScriptEdit: an insurer's administrator opens a draft in the
// editor, changes a step's wording, adds a question, sees the checks live
// (a goto to a step that does not exist, then fixed), saves, and reads the
// differences from the shipped version before filing it.
func TestBrowserScriptEdit(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	draft, err := f.svc.ImportScript(ctx, f.admin, string(scriptFile(t, "life-traditional-agency", nil)), "")
	if err != nil {
		t.Fatal(err)
	}
	browserLogin(t, b, f, "adm")
	b.Do(t,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(fmt.Sprintf("%s/scripts/%d", f.srv.URL, draft.ID)),
		chromedp.WaitVisible(chromedp.ID("script-edit")),
	)
	if got := b.Text(t, "#script-diff"); !strings.Contains(got, "没有差异") {
		t.Errorf("an unchanged draft: %q", got)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("script-edit")),
		chromedp.WaitVisible(chromedp.ID("script-editor")),
	)
	if got := b.Text(t, "#edit-check-summary"); !strings.Contains(got, "检查通过") {
		t.Fatalf("check of the shipped script: %q", got)
	}
	b.Screenshot(t, "script-edit-0-open")

	waitCheck := func(sel, want string) {
		t.Helper()
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			// Read without failing while the page is being replaced.
			got, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`(function(){var e=document.querySelector(`+strconv.Quote(sel)+`);return e?e.textContent:"";})()`))
			if strings.Contains(got, want) {
				return
			}
		}
		t.Fatalf("the live check did not say %q: %q", want, b.Text(t, "#edit-check"))
	}
	// Add a question after the brochure step (index 6): the page comes back
	// with a blank question and the check says what it lacks.
	b.Do(t,
		chromedp.Click(chromedp.ID("s6-add")),
		chromedp.WaitVisible(chromedp.ID("s7-id")),
	)
	// The old page also has a step s7: wait for the new page's check.
	waitCheck("#edit-check-summary", "处问题")
	b.Do(t,
		chromedp.SendKeys(chromedp.ID("s7-id"), "claims"),
		chromedp.SendKeys(chromedp.ID("s7-title"), "理赔方式告知"),
		chromedp.SendKeys(chromedp.ID("s7-text"), "如需理赔，请拨打客服电话{{service_phone}}报案。请问您清楚吗？"),
		chromedp.Click(chromedp.CSS("#edit-step-7 details.wordings summary")),
		chromedp.SendKeys(chromedp.ID("s7-text-electronic"), "如需理赔，请拨打客服电话{{service_phone}}报案。请确认您已清楚。"),
		chromedp.SendKeys(chromedp.ID("s7-r0-when"), "no,unclear"),
		chromedp.SetValue(chromedp.ID("s7-r0-problem"), "unclear-rights"),
		chromedp.SendKeys(chromedp.ID("s7-r0-goto"), "nowhere"),
	)
	waitCheck("#edit-check-problems", "nowhere")
	if !eval[bool](t, b, `document.getElementById("edit-step-7").classList.contains("has-error")`) {
		t.Error("the step with the problem is not marked")
	}
	b.Screenshot(t, "script-edit-1-live-check")

	// Saving with the problem: refused, everything typed kept.
	b.Do(t,
		chromedp.Click(chromedp.ID("edit-save")),
		chromedp.WaitVisible(chromedp.ID("edit-error")),
	)
	if got := eval[string](t, b, `document.getElementById("s7-text-electronic").value`); !strings.Contains(got, "请确认您已清楚") {
		t.Fatalf("the wording typed was lost: %q", got)
	}
	b.Screenshot(t, "script-edit-2-refused")

	// Fixed: the goto is cleared; the first step's phone wording changes.
	eval[bool](t, b, `(function () {
		document.getElementById("s7-r0-goto").value = "";
		document.getElementById("s0-text").value = "您好！这里是{{insurer_name}}客户服务中心，工号 1024。为了保障您的合法权益，本次通话将全程录音。";
		return true;
	})()`)
	b.Do(t, chromedp.SendKeys(chromedp.ID("s7-title"), "（新增）"))
	waitCheck("#edit-check-summary", "检查通过")
	b.Do(t,
		chromedp.Click(chromedp.ID("edit-save")),
		chromedp.WaitVisible(chromedp.ID("edit-notice")),
	)
	if got := b.Text(t, "#script-diff"); !strings.Contains(got, "claims") || !strings.Contains(got, "工号 1024") || !strings.Contains(got, "新增") {
		t.Errorf("differences on the editor: %q", got)
	}
	b.Screenshot(t, "script-edit-3-saved")

	// The script's page: the new step with its electronic wording, and the
	// differences from the shipped version, before filing.
	b.Do(t,
		chromedp.Click(chromedp.ID("edit-back")),
		chromedp.WaitVisible(chromedp.ID("step-claims")),
	)
	if got := b.Text(t, "#step-claims"); !strings.Contains(got, "电子化回访") || !strings.Contains(got, "请确认您已清楚") {
		t.Errorf("the new step: %q", got)
	}
	if got := b.Text(t, "#script-diff-base"); !strings.Contains(got, "life-traditional-agency v1") {
		t.Errorf("diff base: %q", got)
	}
	b.Screenshot(t, "script-edit-4-diff")
	b.Do(t,
		chromedp.Click(chromedp.ID("script-file-submit")),
		chromedp.WaitVisible(chromedp.ID("script-notice")),
	)
	if got := b.Text(t, "#script-status"); got != "已报备" {
		t.Fatalf("status %q", got)
	}
	rec, err := f.svc.Scripts(ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rec {
		if r.ID == draft.ID && (!strings.Contains(r.Body, `"id": "claims"`) || !strings.Contains(r.Body, "工号 1024")) {
			t.Errorf("stored body:\n%s", r.Body)
		}
	}
}
