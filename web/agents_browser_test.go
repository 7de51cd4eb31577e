package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/importer"
)

// TestBrowserDeparture: an insurer's administrator starts an agent's
// departure on the agent page and sees the gate closed; the operators call
// the orphan policies back; the gate opens and the administrator completes
// the departure.
func TestBrowserDeparture(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	f.importFile(t, "A", importer.KindAgents, "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA002,王芳,13900000002,86010101,00020231002,在职\n")
	f.loadPolicies(t, "A",
		policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1),
		policyLine("P20260002", "L20", "个险", "李四", "2026-03-02", "13800000002", 2))

	browserLogin(t, b, f, "adm")
	b.Do(t,
		chromedp.Click(chromedp.CSS(`nav a[href="/agents"]`)),
		chromedp.WaitVisible(chromedp.ID("agents")),
	)
	if got := b.Text(t, `#agents tr[data-agent="A001"]`); !strings.Contains(got, "李明") || !strings.Contains(got, "在职") || !strings.Contains(got, "2") {
		t.Fatalf("agent row %q", got)
	}
	b.Screenshot(t, "agents")
	b.Do(t,
		chromedp.Click(chromedp.CSS(`#agents a[href="/agents/A001"]`)),
		chromedp.WaitVisible(chromedp.ID("leave-form")),
		chromedp.SetValue(chromedp.ID("leave-successor"), "A002"),
		chromedp.Click(chromedp.ID("leave")),
		chromedp.WaitVisible(chromedp.ID("gate")),
	)
	if got := b.Text(t, "#agent-notice"); !strings.Contains(got, "已发起离职") {
		t.Fatalf("notice %q", got)
	}
	if got := b.Text(t, "#gate-closed"); !strings.Contains(got, "还有 2 件") {
		t.Fatalf("gate %q", got)
	}
	if got := b.Text(t, "#agent-status"); got != "离职办理中" {
		t.Fatalf("status %q", got)
	}
	if !eval[bool](t, b, `document.getElementById("complete").disabled`) {
		t.Fatal("the departure can be completed with the gate closed")
	}
	b.Screenshot(t, "departure-gate-closed")

	// The operators call both orphan policies back successfully.
	det, err := f.svc.Agent(ctx, f.admin, "", "A001")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range det.Departure.Items {
		work, err := f.svc.Take(ctx, f.op, it.CallbackID)
		if err != nil {
			t.Fatal(err)
		}
		if work.Callback.Kind != huifang.KindOrphan {
			t.Fatalf("kind %s", work.Callback.Kind)
		}
		in := app.FinishInput{Answers: work.Script.Script.Passing(), Script: work.Script.Ref()}
		if _, err := f.svc.Finish(ctx, f.op, it.CallbackID, in); err != nil {
			t.Fatal(err)
		}
	}
	b.Do(t,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("gate-open")),
		chromedp.Click(chromedp.ID("complete")),
		chromedp.WaitVisible(chromedp.ID("agent-notice")),
	)
	if got := b.Text(t, "#agent-status"); got != "离职" {
		t.Fatalf("status after completing %q", got)
	}
	if got := b.Text(t, "#gate-done") + "/" + b.Text(t, "#gate-total"); got != "2/2" {
		t.Fatalf("gate figures %q", got)
	}
	b.Screenshot(t, "departure-completed")
}
