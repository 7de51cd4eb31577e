package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang/browsertest"
)

// TestBrowserDashboardOrphans: a manager sees the orphan-policy figures on
// the dashboard and opens the orphan callbacks behind them.
func TestBrowserDashboardOrphans(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := orphanFixture(t, world(t))
	var errs pageErrors
	errs.listen(t, b)
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), "mgr"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitNotPresent(chromedp.ID("login-submit")),
		chromedp.Navigate(f.srv.URL+"/dashboard?period=2026-03"),
		chromedp.WaitVisible(chromedp.ID("count-orphans-due")),
		chromedp.WaitVisible(`#chart-drill[data-rendered]`),
	)
	if got := b.Text(t, "#count-orphans-due"); got != "3" {
		t.Errorf("orphan callbacks due: %q", got)
	}
	if got := b.Text(t, `#headline a.fig[data-indicator="orphan_rate"]`); got != "33.33%" {
		t.Errorf("orphan rate: %q", got)
	}
	b.Screenshot(t, "orphan-dashboard")
	b.Do(t,
		chromedp.Click(chromedp.ID("count-orphans-due")),
		chromedp.WaitVisible(chromedp.ID("list-total")),
	)
	if got := eval[string](t, b, `document.getElementById("list-total").dataset.total`); got != "3" {
		t.Errorf("the list behind the orphan figure holds %s", got)
	}
	if got := eval[string](t, b, `document.getElementById("filter-kind").value`); got != "orphan" {
		t.Errorf("the list's kind filter: %q", got)
	}
	b.Screenshot(t, "orphan-callback-list")
	errs.check(t)
}
