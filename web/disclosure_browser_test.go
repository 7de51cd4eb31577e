package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang/browsertest"
)

// TestBrowserDisclosure: the public page of a published quarter opened
// without a login, at a desktop's size and at a phone's (375×812): the
// figures, the live-table mark, the erratum beside the figure it corrects,
// the chart; then the regulator's page with its preview.
func TestBrowserDisclosure(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	f.disclosed(t)

	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/disclosure"),
		chromedp.WaitVisible(chromedp.CSS(`.regulator[data-reg="REG"]`)),
	)
	b.Screenshot(t, "disclosure-index")
	b.Do(t,
		chromedp.Click(chromedp.CSS(`.regulator[data-reg="REG"] .quarters li:first-child a`)),
		chromedp.WaitVisible(chromedp.ID("figures")),
	)
	if got := b.Text(t, `#figures tr[data-org="A"] td[data-indicator="success_rate"] .erratum`); !strings.Contains(got, "2026-04-08") ||
		!strings.Contains(got, "100.00% (4/4)") || !strings.Contains(got, "漏计") {
		t.Fatalf("the erratum beside A's success rate: %q", got)
	}
	if got := b.Text(t, `#figures tr[data-org="A"] td[data-indicator="success_rate"] .fig`); got != "75.00%" {
		t.Fatalf("A's published figure %q", got)
	}
	if got := b.Text(t, `#figures tr[data-org="B"] .company .tag`); got != "未经报表确认" {
		t.Fatalf("B's mark %q", got)
	}
	if bars := eval[int](t, b, `document.querySelectorAll("#chart rect.bar").length`); bars != 4 {
		t.Fatalf("%d bars in the chart", bars)
	}
	b.Screenshot(t, "disclosure-desktop")

	// A phone: one card per company, nothing wider than the screen.
	b.Do(t,
		chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("figures")),
	)
	if eval[bool](t, b, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the page is wider than a phone's screen")
	}
	if got := b.Text(t, `#figures tr[data-org="A"] td[data-indicator="success_rate"] .erratum`); !strings.Contains(got, "漏计") {
		t.Fatalf("the erratum on a phone: %q", got)
	}
	b.Screenshot(t, "disclosure-phone")
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/disclosure/2026-Q1?reg=REG&lang=en"),
		chromedp.WaitVisible(chromedp.ID("figures")),
	)
	b.Screenshot(t, "disclosure-phone-en")

	// Paper: the print stylesheet drops the bar and the downloads.
	media := func(m string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return chromedp.Void{}, err
		}
	}
	b.Do(t, chromedp.EmulateViewport(800, 1100), media("print"))
	if shown := eval[string](t, b, `getComputedStyle(document.querySelector("header.top")).display + "," + getComputedStyle(document.querySelector(".downloads")).display`); shown != "none,none" {
		t.Errorf("printed: the bar and the downloads show (%s)", shown)
	}
	b.Screenshot(t, "disclosure-print")
	b.Do(t, media(""))

	// The regulator's page.
	b.Do(t, chromedp.EmulateViewport(1366, 900))
	loginAs(t, b, f, "radm")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-disclosures")),
		chromedp.WaitVisible(chromedp.ID("published-list")),
	)
	b.Screenshot(t, "disclosure-desk")
}
