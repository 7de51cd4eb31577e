package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang/browsertest"
)

// TestBrowserBusyPage: an administrator whose dashboard finds every heavy
// slot taken sees the busy page (重试 back to the same dashboard), and once
// a slot is free the same link opens the dashboard.
func TestBrowserBusyPage(t *testing.T) {
	b := browsertest.Start(t)
	f, lim := busyFixture(t)
	browserLogin(t, b, f, "adm")
	release, err := lim.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/dashboard?period=2026-03"),
		chromedp.WaitVisible(chromedp.ID("busy-message")),
	)
	if msg := b.Text(t, "#busy-message"); !strings.Contains(msg, "查询较多，系统繁忙，请稍后重试") {
		t.Fatalf("busy message %q", msg)
	}
	b.Screenshot(t, "busy-dashboard")
	release()
	b.Do(t,
		chromedp.Click(chromedp.ID("busy-retry")),
		chromedp.WaitVisible(chromedp.ID("period-form")),
	)
	if loc := location(t, b); !strings.HasPrefix(loc, "/dashboard") {
		t.Fatalf("retry went to %s", loc)
	}
	if eval[bool](t, b, `!!document.getElementById("busy-message")`) {
		t.Fatal("still busy with a free slot")
	}
}
