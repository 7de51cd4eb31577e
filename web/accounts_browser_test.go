package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
)

// TestBrowserAccounts walks the account pages as their users see them: the
// login form locked after wrong passwords, an administrator's users and API
// tokens pages, and one's own password change.
func TestBrowserAccounts(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	if _, err := f.svc.CreateToken(ctx, app.CLI(), app.TokenInput{OrgCode: "A", Login: "op1", Name: "呼叫中心系统"}); err != nil {
		t.Fatal(err)
	}

	// Six wrong passwords: the sixth is refused with when to come back.
	for i := 0; i < 6; i++ {
		b.Do(t,
			chromedp.Navigate(f.srv.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("login")),
			chromedp.SendKeys(chromedp.ID("login"), "op1"),
			chromedp.SendKeys(chromedp.ID("password"), "guess-guess"),
			chromedp.Click(chromedp.ID("login-submit")),
			chromedp.WaitVisible(chromedp.ID("login-error")),
		)
	}
	if got := b.Text(t, "#login-error"); !strings.Contains(got, "登录失败次数过多") || !strings.Contains(got, "之后再试") {
		t.Fatalf("lock message %q", got)
	}
	b.Screenshot(t, "accounts-login-locked")

	// The administrator's users page: disable op1, open another's forms.
	browserLogin(t, b, f, "adm")
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/admin/users"),
		chromedp.WaitVisible(chromedp.ID("users")),
		chromedp.Click(chromedp.CSS(`tr[data-login="op1"] button[data-act="disable"]`)),
		chromedp.WaitVisible(chromedp.ID("users-notice")),
		chromedp.Click(chromedp.CSS(`tr[data-login="op1"] summary`)),
	)
	if got := b.Text(t, "#users-notice"); !strings.Contains(got, "已停用 op1") {
		t.Fatalf("users notice %q", got)
	}
	b.Screenshot(t, "accounts-users")

	// The tokens page: issue one, its secret shown once.
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/admin/tokens"),
		chromedp.WaitVisible(chromedp.ID("token-form")),
		chromedp.SetValue(chromedp.ID("token-login"), "adm"),
		chromedp.SendKeys(chromedp.ID("token-name"), "核心业务系统"),
		chromedp.Click(chromedp.ID("token-submit")),
		chromedp.WaitVisible(chromedp.ID("token-secret")),
	)
	if got := b.Text(t, "#token-secret"); len(got) < 40 {
		t.Fatalf("secret %q", got)
	}
	b.Screenshot(t, "accounts-tokens")

	// One's own password: the confirmation differs.
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/account"),
		chromedp.WaitVisible(chromedp.ID("password-form")),
		chromedp.SendKeys(chromedp.ID("current"), password),
		chromedp.SendKeys(chromedp.ID("new-password"), "new-password-1"),
		chromedp.SendKeys(chromedp.ID("confirm-password"), "new-password-2"),
		chromedp.Click(chromedp.ID("password-submit")),
		chromedp.WaitVisible(chromedp.ID("confirm-error")),
	)
	b.Screenshot(t, "accounts-password-mismatch")
	b.Do(t,
		chromedp.SendKeys(chromedp.ID("current"), password),
		chromedp.SendKeys(chromedp.ID("new-password"), "new-password-1"),
		chromedp.SendKeys(chromedp.ID("confirm-password"), "new-password-1"),
		chromedp.Click(chromedp.ID("password-submit")),
		chromedp.WaitVisible(chromedp.ID("account-notice")),
	)
	b.Screenshot(t, "accounts-password-changed")
}
