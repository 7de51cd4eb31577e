package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/browsertest"
)

// TestBrowserInspection: the supervisor opens the inspection page from the
// navigation, picks company B and a reversed range, and is told why the
// package cannot be made, beside the form that keeps what was entered.
func TestBrowserInspection(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	f.user(t, "REG", "sup", huifang.RoleSupervisor)
	f.loadPolicies(t, "A", policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))

	loginAs(t, b, f, "sup")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-inspection")),
		chromedp.WaitVisible(chromedp.ID("inspection-form")),
	)
	if got := b.Text(t, "#inspection-rules"); !strings.Contains(got, "截止日期或完成时间在期间内的回访") {
		t.Fatalf("rules %q", got)
	}
	b.Screenshot(t, "inspection-form")
	b.Do(t,
		chromedp.SetValue(chromedp.ID("inspection-org"), "B"),
		chromedp.SetValue(chromedp.ID("inspection-from"), "2026-03-31"),
		chromedp.SetValue(chromedp.ID("inspection-to"), "2026-03-01"),
		chromedp.SendKeys(chromedp.ID("inspection-reason"), "检查组核对投保人身份"),
		chromedp.Click(chromedp.ID("inspection-download")),
		chromedp.WaitVisible(chromedp.ID("inspection-error")),
	)
	if got := b.Text(t, "#inspection-error"); !strings.Contains(got, "2026-03-31") {
		t.Fatalf("error %q", got)
	}
	org, err := chromedp.Run(b.Ctx, chromedp.Value(chromedp.ID("inspection-org")))
	if err != nil {
		t.Fatal(err)
	}
	reason, err := chromedp.Run(b.Ctx, chromedp.Value(chromedp.ID("inspection-reason")))
	if err != nil {
		t.Fatal(err)
	}
	if org != "B" || reason != "检查组核对投保人身份" {
		t.Fatalf("the form lost what was entered: %q %q", org, reason)
	}
	b.Screenshot(t, "inspection-refused")
}
