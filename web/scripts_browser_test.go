package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/script"
)

// TestBrowserScriptLifecycle: an insurer's administrator uploads a script
// file through the form, for one product, files it with the regulator and
// activates it from today; an incomplete script on the same list says what
// it lacks and its activation is refused.
func TestBrowserScriptLifecycle(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	// Other versions on the list: an incomplete draft filed as is, and a
	// retired one.
	incomplete, err := f.svc.ImportScript(ctx, f.admin, string(scriptFile(t, "life-traditional-bank", uncover(script.ItemSurrender))), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.FileScript(ctx, f.admin, incomplete.ID); err != nil {
		t.Fatal(err)
	}
	old, err := f.svc.ImportScript(ctx, f.admin, string(scriptFile(t, "universal-bank", nil)), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, move := range []func() error{
		func() error { return f.svc.FileScript(ctx, f.admin, old.ID) },
		func() error { return f.svc.ActivateScript(ctx, f.admin, old.ID, huifang.NewDate(2026, 3, 5)) },
		func() error { return f.svc.RetireScript(ctx, f.admin, old.ID) },
	} {
		if err := move(); err != nil {
			t.Fatal(err)
		}
	}
	path := f.writeFile(t, "万能险银保回访.json", string(scriptFile(t, "universal-bank", func(s *script.Script) { s.Name = "万能险银保回访（A人寿版）" })))

	bad := f.writeFile(t, "bad.json", string(scriptFile(t, "life-traditional-agency", func(s *script.Script) {
		s.Steps[3].Text += "{{pet_name}}"
		s.Steps[4].Rules[0].Goto = "identity"
	})))
	if _, err := f.svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "REG", Login: "sup", Name: "吴监管", Role: huifang.RoleSupervisor, Password: password, Companies: []string{"A", "B"}}); err != nil {
		t.Fatal(err)
	}

	browserLogin(t, b, f, "adm")
	// A file with mistakes: each is listed, nothing is stored.
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-scripts")),
		chromedp.WaitVisible(chromedp.ID("import-script")),
		chromedp.SetUploadFiles(chromedp.ID("script-file"), []string{bad}),
		chromedp.Click(chromedp.ID("import-submit")),
		chromedp.WaitVisible(chromedp.ID("import-problems")),
	)
	if n := eval[int](t, b, `document.querySelectorAll("#import-problems li").length`); n != 2 {
		t.Fatalf("%d problems listed", n)
	}
	b.Screenshot(t, "scripts-import-error")
	b.Do(t,
		chromedp.SetUploadFiles(chromedp.ID("script-file"), []string{path}),
		chromedp.SetValue(chromedp.ID("script-product"), "U01"),
		chromedp.Click(chromedp.ID("import-submit")),
		chromedp.WaitVisible(chromedp.ID("script-notice")),
	)
	page := location(t, b)
	if !scriptLocation.MatchString(page) {
		t.Fatalf("after the import at %s", page)
	}
	if got := b.Text(t, "#script-status"); got != "草稿" {
		t.Fatalf("status %q", got)
	}
	if got := b.Text(t, "#script-product"); got != "U01 鑫享万能" {
		t.Fatalf("product %q", got)
	}
	if got := b.Text(t, "#coverage-summary"); !strings.Contains(got, "已覆盖全部 9 项") {
		t.Fatalf("coverage %q", got)
	}

	b.Do(t,
		chromedp.Click(chromedp.ID("script-file-submit")),
		chromedp.WaitVisible(chromedp.ID("activate-form")),
	)
	if got := b.Text(t, "#script-notice"); !strings.Contains(got, "已报备") {
		t.Fatalf("notice after filing %q", got)
	}
	if got := eval[string](t, b, `document.getElementById("activate-from").value`); got != "2026-03-05" {
		t.Fatalf("activation date offered %q", got)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("activate")),
		chromedp.WaitVisible(chromedp.ID("retire-card")),
	)
	if got := b.Text(t, "#script-status"); got != "已启用" {
		t.Fatalf("status after activating %q", got)
	}
	if got := b.Text(t, "#script-active-from"); got != "2026-03-05" {
		t.Fatalf("active from %q", got)
	}
	b.Screenshot(t, "script-active")

	// The rules' links jump to their step.
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/scripts/library/orphan"),
		chromedp.WaitVisible(chromedp.ID("script-steps")),
		chromedp.Click(chromedp.CSS(`#step-contacted a.effect-goto`)),
	)
	if !eval[bool](t, b, `location.hash === "#step-policy-info" && document.querySelector("#step-policy-info:target") !== null`) {
		t.Fatal("the goto link does not lead to its step")
	}

	b.Do(t,
		chromedp.Click(chromedp.ID("nav-scripts")),
		chromedp.WaitVisible(chromedp.ID("script-list")),
	)
	if n := eval[int](t, b, `document.querySelectorAll("#script-list tbody tr").length`); n != 3 {
		t.Fatalf("%d versions listed", n)
	}
	if got := b.Text(t, `#script-list tr[data-status="active"]`); !strings.Contains(got, "万能险银保回访（A人寿版）") || !strings.Contains(got, "U01") {
		t.Fatalf("the active row %q", got)
	}
	b.Screenshot(t, "scripts-list")

	// The incomplete one: what it lacks, and the refusal.
	b.Do(t,
		chromedp.Click(chromedp.CSS(`#script-list tr[data-status="filed"] a.scriptlink`)),
		chromedp.WaitVisible(chromedp.ID("activate-form")),
	)
	if got := b.Text(t, "#coverage-summary"); !strings.Contains(got, "缺少 1 项") {
		t.Fatalf("coverage %q", got)
	}
	if got := b.Text(t, `#coverage-items li.missing`); !strings.Contains(got, "清楚退保损失") {
		t.Fatalf("missing item %q", got)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("activate")),
		chromedp.WaitVisible(chromedp.ID("activate-error")),
	)
	if got := b.Text(t, "#activate-error"); !strings.Contains(got, "清楚退保损失") {
		t.Fatalf("refusal %q", got)
	}
	b.Screenshot(t, "script-incomplete")

	// The regulator's supervisor reads the filed and active versions.
	b.Do(t,
		chromedp.Click(chromedp.ID("logout")),
		chromedp.WaitVisible(chromedp.ID("login")),
	)
	browserLogin(t, b, f, "sup")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-scripts")),
		chromedp.WaitVisible(chromedp.ID("script-list")),
	)
	if got := eval[string](t, b, `[...document.querySelectorAll("#script-list tbody tr")].map(r => r.dataset.status).join(",")`); got != "filed,active" {
		t.Fatalf("the supervisor sees %s", got)
	}
	b.Screenshot(t, "scripts-supervisor")
}
