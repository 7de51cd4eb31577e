package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/misconduct"
)

// loginAs signs in through the form as any role and waits for the page.
func loginAs(t *testing.T, b *browsertest.Browser, f *fixture, login string) {
	t.Helper()
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("logout")),
	)
}

// TestBrowserMisconduct: compliance opens the proposed record of agent
// A001 (李明, 执业证号 00020231001), tries to reject it without a reason,
// then confirms it in a category; B's compliance confirms B's record of the
// same agent; the regulator's supervisor finds both by the registration
// number, one at each company.
func TestBrowserMisconduct(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	mgr := f.user(t, "A", "mgr", huifang.RoleManager)
	mgrB := f.user(t, "B", "mgrb", huifang.RoleManager)
	f.user(t, "A", "comp", huifang.RoleCompliance)
	compB := f.user(t, "B", "compb", huifang.RoleCompliance)
	f.user(t, "REG", "sup", huifang.RoleSupervisor)
	f.loadPolicies(t, "A", policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	f.loadPolicies(t, "B", policyLine("B20260001", "L20", "个险", "王芳", "2026-03-02", "13800000002", 2))
	r := f.closedCase(t, mgr, "P20260001", huifang.ProblemUnsigned)
	rb := f.closedCase(t, mgrB, "B20260001", huifang.ProblemMisleading)
	id := strconv.FormatInt(r.ID, 10)

	loginAs(t, b, f, "comp")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-misconduct")),
		chromedp.WaitVisible(chromedp.ID("misconduct-list")),
		chromedp.Click(chromedp.CSS("#misconduct-"+id+"-more summary")),
	)
	if got := b.Text(t, "#misconduct-"+id+"-more pre"); !strings.Contains(got, "客户已退保") {
		t.Fatalf("facts %q", got)
	}
	b.Screenshot(t, "misconduct-list")
	// Rejected without a reason: the form comes back with the error beside the field.
	b.Do(t,
		chromedp.Click(chromedp.ID("decide-"+id+"-reject")),
		chromedp.WaitVisible(chromedp.ID("decide-"+id+"-reason-error")),
	)
	b.Do(t,
		chromedp.SetValue(chromedp.ID("decide-"+id+"-category"), "beyond-authority"),
		chromedp.SendKeys(chromedp.ID("decide-"+id+"-reason"), "业务员代客户签署投保单，经核实属实"),
		chromedp.Click(chromedp.ID("decide-"+id+"-confirm")),
		chromedp.WaitVisible(chromedp.ID("misconduct-notice")),
	)
	if st := b.Text(t, "#misconduct-"+id+" .tag"); st != "已认定" {
		t.Fatalf("status after confirming %q", st)
	}
	b.Screenshot(t, "misconduct-confirmed")
	b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))

	// B's compliance confirms its own record of the same agent.
	if _, err := f.svc.DecideMisconduct(ctx, compB, rb.ID, misconduct.Decision{Confirm: true, Category: "improper-selling", Reason: "承诺保本高收益，属实"}); err != nil {
		t.Fatal(err)
	}

	loginAs(t, b, f, "sup")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-misconduct_search")),
		chromedp.WaitVisible(chromedp.ID("msearch-form")),
		chromedp.SendKeys(chromedp.ID("msearch-reg-no"), "00020231001"),
		chromedp.Click(chromedp.ID("msearch-submit")),
		chromedp.WaitVisible(chromedp.ID("msearch-list")),
	)
	orgs := eval[[]string](t, b, `Array.from(document.querySelectorAll("#msearch-list tbody tr")).map(r => r.dataset.org).sort()`)
	if strings.Join(orgs, ",") != "A,B" {
		t.Fatalf("found at %v", orgs)
	}
	if got := b.Text(t, "#msearch-summary"); !strings.Contains(got, "2") {
		t.Fatalf("summary %q", got)
	}
	b.Screenshot(t, "misconduct-search")
}
