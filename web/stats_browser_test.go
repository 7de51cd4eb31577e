package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang/browsertest"
)

// TestBrowserSubmission: an insurer's manager submits March's table; the
// regulator's supervisor returns it with a comment; the manager corrects it
// with a reason; the supervisor accepts the correction; the history shows
// both versions.
func TestBrowserSubmission(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := statsWorld(t)
	logout := func() {
		b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))
	}
	openMarch := func() {
		b.Do(t,
			chromedp.Click(chromedp.ID("nav-submissions")),
			chromedp.WaitVisible(chromedp.ID("sub-board")),
			chromedp.Click(chromedp.CSS(`#sub-board tr[data-org="A"] td[data-period="2026-03"] a`)),
			chromedp.WaitVisible(chromedp.ID("sub-facts")),
		)
	}

	browserLogin(t, b, f, "mgr")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-stats")),
		chromedp.WaitVisible(chromedp.ID("stats-table")),
	)
	if got := b.Text(t, "#stats-heading"); !strings.Contains(got, "2026年3月") {
		t.Fatalf("heading %q", got)
	}
	if got := eval[string](t, b, `document.querySelector('#stats-table tr[data-row="total"] [data-indicator="success_rate"]').title`); !strings.Contains(got, "回访成功率") || !strings.Contains(got, "1 ÷ 2") {
		t.Fatalf("the rate's formula %q", got)
	}
	b.Screenshot(t, "stats-page")
	b.Do(t,
		chromedp.Click(chromedp.ID("submit-generated")),
		chromedp.WaitVisible(chromedp.ID("sub-notice")),
	)
	if got := b.Text(t, "#sub-status"); got != "待审核" {
		t.Fatalf("status %q", got)
	}
	b.Screenshot(t, "submission-submitted")
	logout()

	browserLogin(t, b, f, "sup")
	b.Do(t, chromedp.Click(chromedp.ID("nav-submissions")), chromedp.WaitVisible(chromedp.ID("sub-board")))
	b.Screenshot(t, "submissions-board")
	openMarch()
	b.Do(t,
		chromedp.SendKeys(chromedp.ID("review-comment"), "银保渠道的应回访件数与核心系统不符，请核对后更正"),
		chromedp.Click(chromedp.ID("return")),
		chromedp.WaitVisible(chromedp.ID("sub-notice")),
	)
	if got := b.Text(t, "#sub-status"); got != "已退回" {
		t.Fatalf("status after returning %q", got)
	}
	logout()
	callBackNext(t, f) // the late callback is made: the correction has it

	browserLogin(t, b, f, "mgr")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-stats")),
		chromedp.WaitVisible(chromedp.ID("submit-current")),
	)
	if got := b.Text(t, "#submit-current"); !strings.Contains(got, "退回") || !strings.Contains(got, "请核对后更正") {
		t.Fatalf("the return on the stats page %q", got)
	}
	b.Do(t,
		chromedp.SendKeys(chromedp.ID("submit-reason"), "已与核心系统核对，补录银保回访结果"),
		chromedp.Click(chromedp.ID("submit-generated")),
		chromedp.WaitVisible(chromedp.ID("sub-notice")),
	)
	if got := b.Text(t, "#sub-reason"); !strings.Contains(got, "补录银保回访结果") {
		t.Fatalf("reason %q", got)
	}
	logout()

	browserLogin(t, b, f, "sup")
	openMarch()
	b.Do(t,
		chromedp.Click(chromedp.ID("accept")),
		chromedp.WaitVisible(chromedp.ID("sub-notice")),
	)
	if got := b.Text(t, "#sub-status"); got != "已接受" {
		t.Fatalf("status after accepting %q", got)
	}
	if got := eval[string](t, b, `[...document.querySelectorAll("#sub-history tbody tr")].map(r => r.dataset.version + ":" + r.dataset.status).join(",")`); got != "2:accepted,1:returned" {
		t.Fatalf("history %s", got)
	}
	if got := eval[string](t, b, `[...document.querySelectorAll("#sub-history td.mono[title]")].map(td => td.title).join(",")`); len(strings.Split(got, ",")) != 2 || strings.Split(got, ",")[0] == strings.Split(got, ",")[1] {
		t.Fatalf("hashes %s", got)
	}
	b.Screenshot(t, "submission-history")
}
