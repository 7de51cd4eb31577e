package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/browsertest"
)

// profileFormValues is the profile form as the page offers it, every field
// with its value (checkboxes ticked as shown).
func profileFormValues(t *testing.T, body string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="(?:number|text|time|date|hidden)"[^>]* name="([a-z_.-]+)"[^>]* value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		form.Set(m[1], m[2])
	}
	for _, m := range regexp.MustCompile(`<input type="checkbox" name="([a-z_.-]+)"[^>]* value="([^"]*)" checked`).FindAllStringSubmatch(body, -1) {
		form.Add(m[1], m[2])
	}
	form.Set("orphan_mode", "gate")
	return form
}

// TestProfileScopeAndThresholds: the supervisor sees and sets the scope,
// the rest-day run-on, the orphan limit and the false-phone thresholds on
// the profile page; bad values are refused beside their fields with the
// rules' own messages, and a form without the new sections keeps them.
func TestProfileScopeAndThresholds(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	sup := f.login(t, "sup")
	_, body := sup.get("/profile")
	for _, want := range []string{`id="profile-nonlife" value="1" checked`, `id="profile-runs-on" value="1">`, `id="profile-gate-days" value="10"`,
		`id="profile-shared-phone" value="3"`, `id="profile-phone-changed" value="30"`, "非寿险理财产品纳入回访 · 犹豫期末日遇休息日不顺延",
		"孤儿保单回访在离职办理开始后 10 个工作日内完成", "3 名及以上无关投保人共用一个号码，或回访前 30 天内变更过号码"} {
		if !strings.Contains(body, want) {
			t.Fatalf("defaults: no %q in\n%s", want, body)
		}
	}
	form := profileFormValues(t, body)
	if form.Get("nonlife_wealth_in_scope") != "1" || form.Get("scope") != "1" || form.Get("phones") != "1" {
		t.Fatalf("form %v", form)
	}
	form.Set("from", "2026-04-01")
	form.Del("nonlife_wealth_in_scope")
	form.Set("cooling_off_runs_on", "1")
	form.Set("orphan_gate_workdays", "61")
	form.Set("shared_phone_holders", "1")
	form.Set("phone_changed_days", "x")
	res, body := sup.postForm("/profile", form)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad values: %d\n%s", res.StatusCode, body)
	}
	for _, want := range []string{"孤儿保单", "共用", `id="error-phone-changed"`, `id="profile-gate-days" value="61"`, `id="profile-runs-on" value="1" checked`} {
		if !strings.Contains(body, want) {
			t.Fatalf("bad values: no %q in\n%s", want, body)
		}
	}
	for _, id := range []string{"error-gate-days", "error-shared-phone"} {
		if !strings.Contains(body, `id="`+id+`"`) {
			t.Fatalf("no %s in\n%s", id, body)
		}
	}
	form.Set("orphan_gate_workdays", "15")
	form.Set("shared_phone_holders", "4")
	form.Set("phone_changed_days", "60")
	if res, body := sup.postForm("/profile", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, body)
	}
	v, err := f.svc.ProfileFor(ctx, f.orgA.ID, huifang.NewDate(2026, 4, 1))
	if err != nil {
		t.Fatal(err)
	}
	r := v.Rules
	if r.NonLifeWealthInScope || !r.CoolingOffRunsOn || r.OrphanGateWorkdays != 15 || r.SharedPhoneHolders != 4 || r.PhoneChangedDays != 60 {
		t.Fatalf("saved %+v", r)
	}
	if _, body := sup.get("/profile"); !strings.Contains(body, "非寿险理财产品不回访 · 犹豫期末日遇休息日顺延至下一工作日") {
		t.Fatalf("versions:\n%s", body)
	}
	// A form without the new sections (an older page) keeps what is in
	// force today, as for the other sections.
	for _, k := range []string{"scope", "cooling_off_runs_on", "orphan_gate_workdays", "phones", "shared_phone_holders", "phone_changed_days"} {
		form.Del(k)
	}
	form.Set("from", "2026-05-01")
	if res, body := sup.postForm("/profile", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save without the sections: %d\n%s", res.StatusCode, body)
	}
	v, err = f.svc.ProfileFor(ctx, f.orgA.ID, huifang.NewDate(2026, 5, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !v.Rules.NonLifeWealthInScope || v.Rules.CoolingOffRunsOn || v.Rules.OrphanGateWorkdays != 0 || v.Rules.SharedPhoneHolders != 0 || v.Rules.PhoneChangedDays != 0 {
		t.Fatalf("kept %+v", v.Rules)
	}
}

// TestBrowserProfileScope: the supervisor ticks the rest-day run-on on the
// profile page and saves; the page shows the new version.
func TestBrowserProfileScope(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setupCases(t, casesWorld(t))
	browserLogin(t, b, f.fixture, "sup")
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/profile"),
		chromedp.WaitVisible(chromedp.ID("profile-scope")),
		chromedp.ScrollIntoView(chromedp.ID("profile-scope")),
	)
	if got := b.Text(t, "#profile-scope legend"); got != "回访范围与犹豫期" {
		t.Fatalf("legend %q", got)
	}
	b.Screenshot(t, "profile-settings")
	b.Do(t,
		chromedp.Click(chromedp.ID("profile-runs-on")),
		chromedp.SetValue(chromedp.ID("profile-shared-phone"), "5"),
		chromedp.Click(chromedp.ID("profile-submit")),
		chromedp.WaitVisible(chromedp.ID("profile-notice")),
	)
	v, err := f.svc.ProfileFor(ctx, f.orgA.ID, huifang.NewDate(2026, 3, 6))
	if err != nil {
		t.Fatal(err)
	}
	if !v.Rules.CoolingOffRunsOn || v.Rules.SharedPhoneHolders != 5 || !v.Rules.NonLifeWealthInScope {
		t.Fatalf("saved %+v", v.Rules)
	}
	if got := b.Text(t, "#profile-versions"); !strings.Contains(got, "犹豫期末日遇休息日顺延至下一工作日") {
		t.Fatalf("versions %q", got)
	}
	b.Screenshot(t, "profile-settings-saved")
}
