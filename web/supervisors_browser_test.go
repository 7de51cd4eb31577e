package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
)

// TestBrowserSupervisors: the regulator's administrator sees that nobody
// follows B, gives B to the supervisor who follows A, and the supervisor's
// dashboard then ranks both companies.
func TestBrowserSupervisors(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	for _, in := range []app.UserInput{
		{OrgCode: "REG", Login: "radm", Name: "郑局", Role: huifang.RoleRegAdmin},
		{OrgCode: "REG", Login: "sup", Name: "吴监管", Role: huifang.RoleSupervisor, Companies: []string{"A"}},
	} {
		in.Password = password
		if _, err := f.svc.CreateUser(ctx, app.CLI(), in); err != nil {
			t.Fatal(err)
		}
	}
	loginAs(t, b, f, "radm")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-supervisors")),
		chromedp.WaitVisible(chromedp.ID("coverage")),
	)
	if got := b.Text(t, "#followers-B"); got != "无人联系" {
		t.Fatalf("B's followers %q", got)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("assign-sup-B")),
		chromedp.Click(chromedp.ID("assign-sup-save")),
		chromedp.WaitVisible(chromedp.ID("supervisors-notice")),
	)
	if got := b.Text(t, "#followers-B"); got != "1" {
		t.Fatalf("B's followers after saving %q", got)
	}
	b.Screenshot(t, "supervisors")
	b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))

	loginAs(t, b, f, "sup")
	b.Do(t, chromedp.Navigate(f.srv.URL+"/dashboard"), chromedp.WaitVisible(chromedp.ID("ranking")))
	if got := b.Text(t, "#ranking"); !strings.Contains(got, "A人寿") || !strings.Contains(got, "B人寿") {
		t.Fatalf("the supervisor's companies %q", got)
	}
}
