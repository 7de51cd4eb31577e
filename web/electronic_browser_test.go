package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/sms"
)

// TestBrowserElectronicCallback: the administrator finds the link in the
// outbox; the customer opens it on a phone-sized screen, confirms who they
// are, answers the script by tapping, and the callback is done.
func TestBrowserElectronicCallback(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	f.svc.SMS, f.svc.PublicURL = sms.Outbox{Store: f.db}, f.srv.URL
	line, digits := electronicHolder("P20260001", "2026-03-02", "13800000001", 1)
	f.importFile(t, "A", importer.KindPolicies, policyHeadMethod+line)
	if n, err := f.svc.IssueElectronicLinks(ctx); err != nil || n != 1 {
		t.Fatalf("issue: %d %v", n, err)
	}

	// The insurer's administrator reads the outbox (the development sender).
	browserLogin(t, b, f, "adm")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-outbox")),
		chromedp.WaitVisible(chromedp.ID("outbox")),
	)
	text := b.Text(t, `#outbox tr[data-kind="link"] .outbox-text`)
	link := linkRE.FindString(text)
	if link == "" || !strings.Contains(text, f.srv.URL+link) {
		t.Fatalf("no link in the outbox: %q", text)
	}
	b.Screenshot(t, "ecb-0-outbox")
	b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))

	// The customer, on a phone.
	b.Do(t,
		chromedp.EmulateViewport(375, 812, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(f.srv.URL+link),
		chromedp.WaitVisible(chromedp.ID("digits")),
	)
	noOverflow := func(page string) {
		t.Helper()
		if w := eval[int](t, b, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			t.Errorf("%s: %dpx wider than the screen", page, w)
		}
	}
	noOverflow("identity")
	b.Screenshot(t, "ecb-1-identity")
	b.Do(t,
		chromedp.SendKeys(chromedp.ID("digits"), digits),
		chromedp.Click(chromedp.ID("identity-submit")),
		chromedp.WaitVisible(chromedp.ID("code")),
	)
	if got := b.Text(t, "#code-sent"); !strings.Contains(got, "138****0001") {
		t.Fatalf("code page: %q", got)
	}
	noOverflow("code")
	b.Screenshot(t, "ecb-2-code")
	msgs, err := f.db.ListOutbox(ctx, f.orgA.ID, 1)
	if err != nil || len(msgs) != 1 || msgs[0].Kind != sms.KindCode {
		t.Fatalf("code message: %+v %v", msgs, err)
	}
	code := codeRE.FindStringSubmatch(msgs[0].Body)[1]
	b.Do(t,
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.ID("code-submit")),
		chromedp.WaitVisible(chromedp.ID("answers")),
	)
	if got := b.Text(t, "#insurer"); got != "A人寿" {
		t.Fatalf("insurer %q", got)
	}
	noOverflow("answers")
	b.Screenshot(t, "ecb-3-questions")
	// The electronic wording: no recording notice, no "are you free now?",
	// "请确认" where the operator asks "请问".
	if got := b.Text(t, "#answers"); strings.Contains(got, "通话") || strings.Contains(got, "请问") || !strings.Contains(got, "请确认") {
		t.Errorf("phone wording on the customer's page: %q", got)
	}
	if got := b.Text(t, "#s-greeting"); !strings.Contains(got, "请您逐项阅读") {
		t.Errorf("greeting: %q", got)
	}
	if eval[bool](t, b, `!!document.querySelector("#q-convenient")`) {
		t.Error("the page asks whether now is convenient")
	}

	// Tap an answer to every question, as a customer who bought knowingly.
	c := f.callbackOf(t, f.orgA, "P20260001")
	wk, err := f.svc.Callback(ctx, f.op, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	answers := wk.Script.Script.Passing()
	for _, st := range wk.Script.Steps {
		a, ok := answers[st.ID]
		if !ok || !eval[bool](t, b, fmt.Sprintf(`!!document.querySelector("#q-%s")`, st.ID)) {
			continue // the phone's questions the page leaves out
		}
		sel := fmt.Sprintf(`#q-%s input[value=%q]`, st.ID, a)
		if len(st.Choices) == 0 && st.Answer != "yes-no-unclear" {
			b.Do(t, chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`#q-%s input`, st.ID)), a))
			continue
		}
		// A tap on the label's text, not on the small radio button.
		b.Do(t, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#q-%s label:has(input[value=%q]) span`, st.ID, a))))
		if !eval[bool](t, b, fmt.Sprintf(`document.querySelector(%q).checked`, sel)) {
			t.Fatalf("tapping %s did not choose %q", st.ID, a)
		}
	}
	if h := eval[float64](t, b, `Math.min(...[...document.querySelectorAll(".opt")].map(e => e.getBoundingClientRect().height))`); h < 44 {
		t.Errorf("answers are %.0fpx high: too small to tap", h)
	}
	b.Screenshot(t, "ecb-4-answered")
	b.Do(t,
		chromedp.Click(chromedp.ID("answers-submit")),
		chromedp.WaitVisible(chromedp.ID("done")),
	)
	if got := b.Text(t, "#done-title"); got != "回访已完成" {
		t.Fatalf("done page: %q", got)
	}
	noOverflow("done")
	b.Screenshot(t, "ecb-5-done")

	c = f.callbackOf(t, f.orgA, "P20260001")
	if c.Status != huifang.StatusDone || c.Result != huifang.ResultSuccessful || c.Method != huifang.MethodElectronic ||
		!strings.Contains(c.Evidence, "Chrome") || len(c.Answers) == 0 {
		t.Fatalf("callback %+v", c)
	}

	// Staff see how it was done.
	b.Do(t, chromedp.EmulateViewport(1366, 900))
	browserLogin(t, b, f, "op1")
	b.Do(t,
		chromedp.Navigate(fmt.Sprintf("%s/callbacks/%d", f.srv.URL, c.ID)),
		chromedp.WaitVisible(chromedp.ID("electronic-evidence")),
	)
	if got := b.Text(t, "#script-ref"); !strings.Contains(got, "电子化回访") {
		t.Fatalf("method on the callback page: %q", got)
	}
	b.Screenshot(t, "ecb-6-staff")
}
