package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang/browsertest"
)

// TestBrowserCallbackListPages: an operator pages the callback list by
// 下一页 to its last page, keeping the filter, and goes back by 第一页.
func TestBrowserCallbackListPages(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := listFixture(t)
	browserLogin(t, b, f, "op1")
	rows := `document.querySelectorAll("#callback-list tbody tr").length`
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/callbacks?channel=agency"),
		chromedp.WaitVisible(chromedp.ID("list-next")),
	)
	if n := eval[int](t, b, rows); n != 50 {
		t.Fatalf("first page: %d rows", n)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("list-next")),
		chromedp.WaitVisible(chromedp.ID("list-first")),
	)
	if n := eval[int](t, b, rows); n != 30 || eval[bool](t, b, `!!document.getElementById("list-next")`) {
		t.Fatalf("second page of 80 agency callbacks: %d rows", n)
	}
	if got := b.Text(t, "#list-first"); got != "第一页" {
		t.Fatalf("first-page link %q", got)
	}
	if txt := b.Text(t, "#callback-list tbody"); strings.Contains(txt, "银保") {
		t.Fatalf("the filter was lost on page 2: %q", txt)
	}
	b.Screenshot(t, "callbacks-page-2")
	b.Do(t,
		chromedp.Click(chromedp.ID("list-first")),
		chromedp.WaitVisible(chromedp.ID("list-next")),
	)
	if n := eval[int](t, b, rows); n != 50 || eval[bool](t, b, `!!document.getElementById("list-first")`) {
		t.Fatalf("back on the first page: %d rows", n)
	}
}
