package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/testworld"
)

// handlerSpec is the cases world with two handlers of the city branch
// 860101, above the sales unit 86010101.
var handlerSpec = &testworld.Spec{Name: "handler", Build: func(b *testworld.Builder) error {
	if err := casesSpec.Build(b); err != nil {
		return err
	}
	for _, u := range []app.UserInput{
		{OrgCode: "A", Login: "hc", Name: "陈处理", Role: huifang.RoleHandler, BranchCode: "860101"},
		{OrgCode: "A", Login: "hc2", Name: "赵处理", Role: huifang.RoleHandler, BranchCode: "860101"},
	} {
		if err := b.User(u); err != nil {
			return err
		}
	}
	return nil
}}

// TestBrowserHandlerCase: the city branch's handler finds the cases sent to
// the branch on the board and in their notifications; assigns one to a
// colleague and transfers one to the sales unit in bulk (a case still
// waiting for acknowledgement is refused, with the reason); opens the
// waiting case from its notification, sees who to contact, acknowledges it
// (it is theirs now), reveals the number (audited) and closes it unresolved
// for a fixed reason; marks the notifications read.
func TestBrowserHandlerCase(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	w := testworld.New(t, store.SQLite, handlerSpec)
	f := setupCases(t, w)
	hc, hc2 := w.User(t, "hc"), w.User(t, "hc2")
	f.loadPolicies(t, "A",
		policyLine("P20260011", "L20", "个险", "张三", "2026-03-02", "13800000011", 11),
		policyLine("P20260012", "L20", "个险", "李四", "2026-03-02", "13800000012", 12),
		policyLine("P20260013", "L20", "个险", "王五", "2026-03-02", "13800000013", 13))
	var ids []int64
	for _, no := range []string{"P20260011", "P20260012", "P20260013"} {
		c, err := f.svc.OpenCase(ctx, f.mgr, no, huifang.ProblemUnclearRights, "客户不清楚犹豫期权利")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Transfer(ctx, f.mgr, c.ID, app.TransferInput{Branch: "860101"}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	a, bb, waiting := ids[0], ids[1], ids[2]
	for _, id := range []int64{a, bb} {
		if _, err := f.svc.Acknowledge(ctx, hc, id); err != nil {
			t.Fatal(err)
		}
	}
	sid := func(id int64) string { return strconv.FormatInt(id, 10) }

	browserLogin(t, b, f.fixture, "hc")
	if got := b.Text(t, "#unread-count"); got != "3" {
		t.Fatalf("unread count in the header: %q", got)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-problems")),
		chromedp.WaitVisible(chromedp.ID("bulk-form")),
	)
	for _, id := range ids {
		if !eval[bool](t, b, `!!document.getElementById("pick-`+sid(id)+`")`) {
			t.Fatalf("case %d is not on the handler's board", id)
		}
	}
	// Assign A and the waiting case to the colleague: the waiting case is refused.
	b.Do(t,
		chromedp.Click(chromedp.ID("pick-"+sid(a))),
		chromedp.Click(chromedp.ID("pick-"+sid(waiting))),
		chromedp.SetValue(chromedp.ID("bulk-handler"), "hc2"),
		chromedp.Click(chromedp.ID("bulk-assign")),
		chromedp.WaitVisible(chromedp.ID("bulk-result")),
	)
	if got := b.Text(t, "#bulk-done"); !strings.Contains(got, "已指派 1 件") || !strings.Contains(got, "#"+sid(a)) {
		t.Fatalf("assigned: %q", got)
	}
	if got := b.Text(t, "#bulk-refused"); !strings.Contains(got, "#"+sid(waiting)) || !strings.Contains(got, "签收") {
		t.Fatalf("refused: %q", got)
	}
	if !eval[bool](t, b, `document.getElementById("pick-`+sid(waiting)+`").checked`) {
		t.Fatal("the refused case is no longer ticked")
	}
	b.Screenshot(t, "handler-bulk-assign")
	// Transfer B to the sales unit. The first step's summary goes first, so
	// that the wait below is for the second step's page, not this one.
	eval[bool](t, b, `(document.getElementById("bulk-result").remove(), true)`)
	b.Do(t,
		chromedp.Click(chromedp.ID("pick-"+sid(waiting))), // untick
		chromedp.Click(chromedp.ID("pick-"+sid(bb))),
		chromedp.SetValue(chromedp.ID("bulk-branch"), "86010101"),
		chromedp.Click(chromedp.ID("bulk-transfer")),
		chromedp.WaitVisible(chromedp.ID("bulk-result")),
	)
	if got := b.Text(t, "#bulk-done"); !strings.Contains(got, "已转办 1 件") || !strings.Contains(got, "#"+sid(bb)) || eval[bool](t, b, `!!document.getElementById("bulk-refused")`) {
		t.Fatalf("transferred: %q", got)
	}
	ca, _ := f.svc.Case(ctx, f.mgr, a)
	cb, _ := f.svc.Case(ctx, f.mgr, bb)
	if ca.Case.Pending == nil || ca.Case.Pending.ToUserID != hc2.ID || cb.Case.Pending == nil || cb.Case.Pending.ToBranch != "86010101" {
		t.Fatalf("after the bulk steps: %+v %+v", ca.Case.Pending, cb.Case.Pending)
	}

	// The notifications: one per case sent to the branch, each linking to it.
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-notifications")),
		chromedp.WaitVisible(chromedp.ID("notification-list")),
	)
	if n := eval[int](t, b, `document.querySelectorAll("#notification-list li.unread").length`); n != 3 {
		t.Fatalf("%d unread notifications", n)
	}
	b.Screenshot(t, "handler-notifications-unread")
	b.Do(t,
		chromedp.Click(chromedp.CSS(`#notification-list a.ncase[href="/problems/`+sid(waiting)+`"]`)),
		chromedp.WaitVisible(chromedp.ID("case-contact")),
	)
	if location(t, b) != caseURL(waiting) {
		t.Fatalf("the notification opened %s", location(t, b))
	}

	// The case page: who to contact, without clicking through.
	contact := b.Text(t, "#case-contact")
	for _, want := range []string{"王五", "138****0013", "L20", "A001", "李明"} {
		if !strings.Contains(contact, want) {
			t.Fatalf("contact has no %q:\n%s", want, contact)
		}
	}
	if strings.Contains(contact, "13800000013") {
		t.Fatal("the number shows unmasked before the reveal")
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("acknowledge")),
		chromedp.WaitVisible(chromedp.ID("act-form")),
	)
	if got := b.Text(t, "#case-handler"); !strings.Contains(got, "陈处理") {
		t.Fatalf("handler after acknowledging: %q", got)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("contact-reveal")),
		chromedp.WaitVisible(chromedp.CSS("#contact-phone.revealed")),
	)
	if got := b.Text(t, "#contact-phone"); got != "13800000013" {
		t.Fatalf("revealed %q", got)
	}
	b.Screenshot(t, "handler-case-contact")

	// Close unresolved: "other" needs a note; a fixed reason closes it.
	b.Do(t,
		chromedp.Click(chromedp.CSS("#close-card summary")),
		chromedp.SetValue(chromedp.ID("close-code"), "other"),
		chromedp.Click(chromedp.ID("close")),
		chromedp.WaitVisible(chromedp.CSS("#close-card .fielderror")),
	)
	if got := b.Text(t, "#close-card .fielderror"); !strings.Contains(got, "说明") {
		t.Fatalf("no note: %q", got)
	}
	b.Do(t,
		chromedp.SetValue(chromedp.ID("close-code"), "customer-declined"),
		chromedp.SendKeys(chromedp.ID("close-reason"), "客户明确表示不需要再联系"),
		chromedp.Click(chromedp.ID("close")),
		chromedp.WaitVisible(chromedp.ID("case-close-reason")),
	)
	if got := b.Text(t, "#case-close-reason"); !strings.Contains(got, "客户拒绝配合处理") || !strings.Contains(got, "客户明确表示不需要再联系") {
		t.Fatalf("close reason: %q", got)
	}
	if got := b.Text(t, "#case-status"); got != "已关闭（未解决）" {
		t.Fatalf("status %q", got)
	}
	b.Screenshot(t, "handler-case-closed")

	// Back in the notifications: the opened case's is read; mark one, then all.
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-notifications")),
		chromedp.WaitVisible(chromedp.ID("notification-list")),
	)
	if n := eval[int](t, b, `document.querySelectorAll("#notification-list li.unread").length`); n != 2 {
		t.Fatalf("%d unread after opening a case", n)
	}
	first := eval[string](t, b, `document.querySelector("#notification-list li.unread").dataset.notification`)
	b.Do(t,
		chromedp.Click(chromedp.ID("read-"+first)),
		chromedp.WaitVisible(chromedp.ID("notifications-notice")),
	)
	if n := eval[int](t, b, `document.querySelectorAll("#notification-list li.unread").length`); n != 1 {
		t.Fatalf("%d unread after marking one", n)
	}
	if got := b.Text(t, "#unread-count"); got != "1" {
		t.Fatalf("header count %q", got)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("notifications-read-all")),
		chromedp.WaitNotPresent(chromedp.ID("notifications-read-all")),
	)
	if n := eval[int](t, b, `document.querySelectorAll("#notification-list li.unread").length + document.querySelectorAll("#unread-count").length`); n != 0 {
		t.Fatalf("%d unread after marking all", n)
	}
	b.Screenshot(t, "handler-notifications-read")

	// The board in English, with the closed case's reason.
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/problems?status=closed&lang=en"),
		chromedp.WaitVisible(chromedp.ID("problem-list")),
	)
	if got := b.Text(t, `#problem-list tr[data-case="`+sid(waiting)+`"] .close-reason`); got != "Customer declined to cooperate" {
		t.Fatalf("close reason on the board: %q", got)
	}
	b.Screenshot(t, "handler-board-en")
}
