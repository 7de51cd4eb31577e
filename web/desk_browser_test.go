package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/script"
)

// TestBrowserOperatorDesk: the operator's desk. A customer asks to be called
// back at 15:00: the operator agrees it, the desk lists the appointment and
// reminds them when it is due, "n" hands it to them; the call opens on the
// call result, "?" shows the keys, "r" opens the recording upload; finishing
// with a problem names the problem case with a link; the desk counts it; after
// hours "next" is disabled with the next opening time (before all that); the callback list
// finds a policy by the last digits of the phone and names its operator.
func TestBrowserOperatorDesk(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	f.withBlobs(t) // recordings are kept
	f.clk.Set(at(5, 8, 30))
	f.loadPolicies(t, "A",
		policyLine("P20260101", "U01", "银保", "李四", "2026-03-02", "13800001234", 1),
		policyLine("P20260102", "L20", "个险", "张三", "2026-03-03", "13800005678", 2))
	browserLogin(t, b, f, "op1")

	// 08:30: before calling hours, "next" is disabled and says when it opens.
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-work")),
		chromedp.WaitVisible(chromedp.ID("desk-closed")),
	)
	if !eval[bool](t, b, `document.getElementById("take-next").disabled`) {
		t.Fatal("next is enabled outside calling hours")
	}
	if got := b.Text(t, "#desk-closed"); !strings.Contains(got, "09:00–20:00") || !strings.Contains(got, "2026-03-05 09:00") {
		t.Fatalf("closed: %q", got)
	}
	b.Screenshot(t, "desk-closed")
	f.clk.Set(at(5, 10, 0))
	b.Do(t, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("desk-today")))
	if eval[bool](t, b, `!!document.getElementById("desk-closed") || document.getElementById("take-next").disabled`) {
		t.Fatal("next disabled in calling hours")
	}
	if got := b.Text(t, "#desk-today-count"); got != "0" {
		t.Fatalf("finished today: %q", got)
	}
	// "n" takes the next callback; it opens on the call result.
	b.Do(t, chromedp.KeyEvent("n"), chromedp.WaitVisible(chromedp.ID("attempt")))
	if got := b.Text(t, "#policy-no"); got != "P20260101" {
		t.Fatalf("took %s", got)
	}
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.activeElement.name === "outcome"`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the call result is not focused: %v", err)
	}
	// "?" shows the keys, "record" among them.
	b.Do(t, chromedp.KeyEvent("?"), chromedp.WaitVisible(chromedp.ID("keys-help")))
	if got := b.Text(t, "#keys-help"); !strings.Contains(got, "录音") || !strings.Contains(got, "下一个回访") {
		t.Fatalf("keys help: %q", got)
	}
	b.Screenshot(t, "desk-keys")
	b.Do(t, chromedp.KeyEvent("\x1b"))
	if eval[bool](t, b, `!document.getElementById("keys-help").hidden`) {
		t.Fatal("Esc did not close the keys help")
	}

	// The customer asks for 15:00: an appointment with this operator.
	b.Do(t,
		chromedp.Click(chromedp.ID("outcome-reschedule")),
		chromedp.SetValue(chromedp.ID("schedule-at"), "2026-03-05T15:00"),
		chromedp.Click(chromedp.ID("record-attempt")),
		chromedp.WaitVisible(chromedp.ID("desk-appointments")),
	)
	if got := b.Text(t, "#desk-appointments"); !strings.Contains(got, "P20260101") || !strings.Contains(got, "2026-03-05 15:00") || strings.Contains(got, "李四") {
		t.Fatalf("appointments (holder masked): %q", got)
	}
	if eval[bool](t, b, `!!document.getElementById("desk-reminder")`) {
		t.Fatal("reminder before the appointment is due")
	}

	// 15:05: the desk reminds; "n" gives the appointment to its operator.
	f.clk.Set(at(5, 15, 5))
	b.Do(t, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("desk-reminder")))
	if got := b.Text(t, "#desk-reminder"); !strings.Contains(got, "P20260101") {
		t.Fatalf("reminder: %q", got)
	}
	b.Screenshot(t, "desk-reminder")
	b.Do(t, chromedp.KeyEvent("n"), chromedp.WaitVisible(chromedp.ID("attempt")))
	if got := b.Text(t, "#policy-no"); got != "P20260101" {
		t.Fatalf("at the appointment took %s", got)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("outcome-answered")),
		chromedp.Click(chromedp.ID("record-attempt")),
		chromedp.WaitVisible(chromedp.ID("answered")),
	)
	// "r" opens the recording upload of the call.
	b.Do(t, chromedp.Click(chromedp.ID("policy-no")), chromedp.KeyEvent("r"))
	if !eval[bool](t, b, `document.activeElement.type === "file" && document.activeElement.closest("form.recupload").classList.contains("is-active")`) {
		t.Fatal("r did not open the recording upload")
	}
	// Answered by keys; the customer thought it was a deposit.
	b.Do(t, chromedp.KeyEvent("i"))
	sc := script.Lookup("universal-bank")
	answers := sc.Passing()
	answers["not-deposit"] = script.No
	for _, k := range answerKeys(t, sc, answers) {
		b.Do(t, chromedp.KeyEvent(k))
	}
	b.Do(t, chromedp.KeyEvent("f"))
	if !eval[bool](t, b, `document.activeElement.id === "finish"`) {
		t.Fatal("f did not reach the finish button")
	}
	b.Do(t, chromedp.Click(chromedp.ID("finish")), chromedp.WaitVisible(chromedp.ID("result")))
	if got := b.Text(t, "#result-problems"); !strings.Contains(got, "客户不清楚保险权益") {
		t.Fatalf("problem cases: %q", got)
	}
	href := eval[string](t, b, `document.querySelector("#result-problems a").getAttribute("href")`)
	if !strings.HasPrefix(href, "/problems/") {
		t.Fatalf("case link %q", href)
	}
	b.Screenshot(t, "desk-finished")
	b.Do(t, chromedp.Click(chromedp.CSS("#result-problems a")), chromedp.WaitVisible(chromedp.ID("main")))
	if got := location(t, b); got != href {
		t.Fatalf("the case link went to %s", got)
	}

	// Back at the desk: one finished today, listed as recent.
	b.Do(t, chromedp.Click(chromedp.ID("nav-work")), chromedp.WaitVisible(chromedp.ID("desk-today")))
	if got := b.Text(t, "#desk-today-count"); got != "1" {
		t.Fatalf("finished today: %q", got)
	}
	if got := b.Text(t, "#desk-recent"); !strings.Contains(got, "P20260101") || !strings.Contains(got, "完成但有问题") {
		t.Fatalf("recent: %q", got)
	}
	b.Screenshot(t, "desk")

	// The callback list: the last digits of a phone find its policy; the
	// operator column names who finished the callback; sorting by it.
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/callbacks"),
		chromedp.WaitVisible(chromedp.ID("list-q")),
		chromedp.SendKeys(chromedp.ID("list-q"), "5678\n"),
		// The answered page, not the one the keys were typed in: only the
		// server writes the search into the field's value attribute.
		chromedp.WaitVisible(chromedp.CSS(`#list-q[value="5678"]`)),
		chromedp.WaitVisible(chromedp.ID("callback-list")),
	)
	if got := b.Text(t, "#callback-list tbody"); !strings.Contains(got, "P20260102") || strings.Contains(got, "P20260101") {
		t.Fatalf("found by phone tail: %q", got)
	}
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/callbacks"),
		chromedp.WaitVisible(chromedp.ID("sort-operator")),
		chromedp.Click(chromedp.ID("sort-operator")),
		chromedp.WaitVisible(chromedp.CSS("#sort-operator.sorted")),
	)
	if got := b.Text(t, "#callback-list tbody"); !strings.Contains(got, "王小红") {
		t.Fatalf("operator column: %q", got)
	}
	b.Screenshot(t, "callbacks-operator")
}
