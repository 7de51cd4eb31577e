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

// TestProfileStatsSettings: the supervisor sets the statistics tables'
// deadlines and the dashboard's targets on the profile page; a target that
// is not a percentage is refused beside its field.
func TestProfileStatsSettings(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	sup := f.login(t, "sup")
	_, body := sup.get("/profile")
	if !strings.Contains(body, `id="profile-submit-month" value="10"`) || !strings.Contains(body, `id="profile-target-success" value="100"`) ||
		!strings.Contains(body, "月报期末后 10 天内") {
		t.Fatalf("defaults:\n%s", body)
	}
	form := url.Values{"from": {"2026-04-01"}, "call_start": {"09:00"}, "call_end": {"20:00"}, "due_soon": {"2"},
		"min_attempts": {"3"}, "min_days": {"3"}, "min_slots": {"2"}, "orphan_mode": {"gate"}}
	for _, m := range regexp.MustCompile(`name="(days\.[a-z-]+)" id="[a-z-]+" value="(\d+)"`).FindAllStringSubmatch(body, -1) {
		form.Set(m[1], m[2])
	}
	for _, ty := range huifang.ProblemTypes {
		form.Set("working."+string(ty), "1")
	}
	form.Set("stats", "1")
	for k, v := range map[string]string{"submit_days_month": "15", "submit_days_quarter": "30", "submit_days_year": "45",
		"target_success": "98.5", "target_resolution": "abc"} {
		form.Set(k, v)
	}
	if res, body := sup.postForm("/profile", form); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "如 100 或 98.5") ||
		!strings.Contains(body, `value="98.5"`) {
		t.Fatalf("a bad target: %d\n%s", res.StatusCode, body)
	}
	form.Set("target_resolution", "100")
	if res, body := sup.postForm("/profile", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, body)
	}
	v, err := f.svc.ProfileFor(ctx, f.orgA.ID, huifang.NewDate(2026, 4, 1))
	if err != nil {
		t.Fatal(err)
	}
	if v.Rules.SubmitDays("month") != 15 || v.Rules.SubmitDays("year") != 45 || v.Rules.TargetSuccessBP != 9850 || v.Rules.TargetResolutionBP != 10000 {
		t.Fatalf("saved %+v", v.Rules)
	}
	if _, body := sup.get("/profile"); !strings.Contains(body, "回访成功率 98.5%") {
		t.Fatalf("versions:\n%s", body)
	}
}

// TestBrowserProfileStats: the supervisor's profile page with the
// statistics section, as it looks.
func TestBrowserProfileStats(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setupCases(t, casesWorld(t))
	browserLogin(t, b, f.fixture, "sup")
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/profile"),
		chromedp.WaitVisible(chromedp.ID("profile-stats")),
		chromedp.ScrollIntoView(chromedp.ID("profile-stats")),
	)
	if got := b.Text(t, "#profile-stats legend"); got != "统计报表" {
		t.Fatalf("legend %q", got)
	}
	b.Screenshot(t, "profile-stats")
}
