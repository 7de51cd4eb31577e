package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/browsertest"
)

// TestBrowserFalsePhones: a manager opens the list of policies flagged for
// a false phone number; an operator sees the sign on the workbench, is not
// offered an electronic link for it, and confirms the number is false in
// one step, which opens a false-phone problem case.
func TestBrowserFalsePhones(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	f.loadPolicies(t, "A",
		policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13900000001", 1), // agent A001's own phone
		policyLine("P20260002", "L20", "个险", "李四", "2026-03-03", "13600000000", 2),
		policyLine("P20260003", "L20", "个险", "王五", "2026-03-03", "13600000000", 3),
		policyLine("P20260004", "L20", "个险", "赵六", "2026-03-04", "13600000000", 4),
		policyLine("P20260005", "L20", "个险", "钱七", "2026-03-04", "13800000005", 5))

	b := browsertest.Start(t)
	browserLogin(t, b, f.fixture, "mgr")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-risks")),
		chromedp.WaitVisible(chromedp.ID("risk-list")),
	)
	if n := eval[int](t, b, `document.querySelectorAll("#risk-list tbody tr").length`); n != 4 {
		t.Fatalf("%d flagged policies, want 4", n)
	}
	if got := b.Text(t, `#risk-list tr[data-policy="P20260001"]`); !strings.Contains(got, "业务员电话") || !strings.Contains(got, "139****0001") || !strings.Contains(got, "A001") {
		t.Fatalf("P20260001's row: %q", got)
	}
	if got := b.Text(t, `#risk-list tr[data-policy="P20260003"]`); !strings.Contains(got, "多人共用") {
		t.Fatalf("P20260003's row: %q", got)
	}
	b.Screenshot(t, "risks")
	// The callback list keeps the flagged callbacks.
	b.Do(t,
		chromedp.Click(chromedp.ID("risk-callbacks")),
		chromedp.WaitVisible(chromedp.ID("callback-list")),
	)
	if got := b.Text(t, "#list-total"); !strings.Contains(got, "共 4 条") {
		t.Fatalf("flagged callbacks: %q", got)
	}

	// The operator's workbench: the earliest deadline is P20260001's.
	op := browsertest.Start(t)
	browserLogin(t, op, f.fixture, "op1")
	op.Do(t,
		chromedp.Click(chromedp.ID("nav-work")),
		chromedp.WaitVisible(chromedp.ID("take-next")),
		chromedp.Click(chromedp.ID("take-next")),
		chromedp.WaitVisible(chromedp.ID("risk-signs")),
	)
	if got := op.Text(t, "#policy-no"); got != "P20260001" {
		t.Fatalf("took %s", got)
	}
	if got := op.Text(t, "#risk-signs"); !strings.Contains(got, "业务员的电话相同") {
		t.Fatalf("signs: %q", got)
	}
	if eval[bool](t, op, `!!document.querySelector("#electronic-send")`) {
		t.Fatal("an electronic link is offered for a flagged number")
	}
	op.Screenshot(t, "workbench-false-phone")
	op.Do(t,
		chromedp.SendKeys(chromedp.ID("false-phone-note"), "接听人承认是业务员本人"),
		chromedp.Click(chromedp.ID("confirm-false-phone")),
		chromedp.WaitVisible(chromedp.ID("result-problems")),
	)
	if got := op.Text(t, "#result-problems"); !strings.Contains(got, "提供不真实电话") || !strings.Contains(got, "接听人承认是业务员本人") {
		t.Fatalf("problem cases: %q", got)
	}
	op.Screenshot(t, "workbench-false-phone-done")
	c := f.callbackOf(t, f.orgA, "P20260001")
	cases, err := f.svc.ListProblemCases(ctx, f.op, huifang.ProblemFilter{CallbackID: c.ID})
	if err != nil || len(cases) != 1 || cases[0].Type != huifang.ProblemFalsePhone {
		t.Fatalf("cases %+v (%v)", cases, err)
	}
	// The manager's list in English.
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/risks?lang=en"),
		chromedp.WaitVisible(chromedp.ID("risk-list")),
	)
	if got := b.Text(t, `#risk-list tr[data-policy="P20260001"]`); !strings.Contains(got, "Agent's phone") {
		t.Fatalf("P20260001's row in English: %q", got)
	}
	b.Screenshot(t, "risks-en")
	// An operator has no list of flagged policies.
	op.Do(t, chromedp.Navigate(f.srv.URL+"/risks"))
	if eval[bool](t, op, `!!document.querySelector("#risk-list")`) || eval[bool](t, op, `!!document.querySelector("#nav-risks")`) {
		t.Fatal("the operator sees the flagged list")
	}
}
