package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
)

// TestBrowserHandlerResolvesCase: a callback finds the application signed by
// someone else; the manager hands the case to a handler of the sales unit,
// who acknowledges it on the board, records the re-signing with the signed
// document, and asks for a re-callback; when the operator's re-callback
// succeeds the case is resolved.
func TestBrowserHandlerResolvesCase(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setupCases(t, casesWorld(t))
	f.loadPolicies(t, "A",
		policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1),
		policyLine("P20260002", "L20", "个险", "李四", "2026-03-03", "13800000002", 2),
		policyLine("P20260003", "U01", "银保", "王五", "2026-03-04", "13800000003", 3))

	// The callbacks: P20260001's application was signed by the agent.
	cb := finishNext(t, f.fixture, huifang.KindNewBusiness, map[string]string{"signed": "no"})
	if cb.PolicyNo != "P20260001" || cb.Result != huifang.ResultProblems {
		t.Fatalf("first callback: %s %s", cb.PolicyNo, cb.Result)
	}
	finishNext(t, f.fixture, huifang.KindNewBusiness, nil)
	finishNext(t, f.fixture, huifang.KindNewBusiness, nil)
	cases, err := f.svc.Board(ctx, f.mgr, app.BoardFilter{Scope: "all", Type: huifang.ProblemUnsigned})
	if err != nil || len(cases) != 1 {
		t.Fatalf("unsigned cases: %v %v", cases, err)
	}
	c := cases[0].Case
	if c.DueOn != huifang.NewDate(2026, 4, 2) { // 20 working days
		t.Fatalf("due on %s", c.DueOn)
	}
	if _, err := f.svc.Transfer(ctx, f.mgr, c.ID, app.TransferInput{Branch: "86010101", Handler: "h1"}); err != nil {
		t.Fatal(err)
	}
	// Two older cases of the handler, one overdue and one due soon, for the board.
	f.clk.Set(time.Date(2026, 2, 5, 10, 0, 0, 0, huifang.Shanghai))
	old, err := f.svc.OpenCase(ctx, f.mgr, "P20260002", huifang.ProblemComplaint, "客户来电投诉业务员多次催缴")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Transfer(ctx, f.mgr, old.ID, app.TransferInput{Branch: "86010101", Handler: "h1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Acknowledge(ctx, f.h1, old.ID); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(time.Date(2026, 2, 24, 10, 0, 0, 0, huifang.Shanghai))
	soon, err := f.svc.OpenCase(ctx, f.mgr, "P20260003", huifang.ProblemUnclearRights, "客户以为购买的是存款")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Transfer(ctx, f.mgr, soon.ID, app.TransferInput{Branch: "86010101"}); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(at(5, 10, 30)) // Thursday 5 March, inside calling hours

	png := filepath.Join(t.TempDir(), "重新签署的投保单.png")
	signed := receiptPNG(t)
	if err := os.WriteFile(png, signed, 0o600); err != nil {
		t.Fatal(err)
	}
	page := caseURL(c.ID)
	row := `#problem-list tr[data-case="` + strconv.FormatInt(c.ID, 10) + `"]`

	browserLogin(t, b, f.fixture, "h1")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-problems")),
		chromedp.WaitVisible(chromedp.ID("problem-list")),
	)
	if got := b.Text(t, row); !strings.Contains(got, "P20260001") || !strings.Contains(got, "转办待签收") || !strings.Contains(got, "2026-04-02") {
		t.Fatalf("the case on the board: %q", got)
	}
	if got := b.Text(t, `#problem-list tr[data-case="`+strconv.FormatInt(old.ID, 10)+`"] .badge`); got != "超期 6 个工作日" {
		t.Fatalf("overdue badge %q", got)
	}
	if got := b.Text(t, `#problem-list tr[data-case="`+strconv.FormatInt(soon.ID, 10)+`"] .badge`); got != "临期 · 剩 2 个工作日" {
		t.Fatalf("due-soon badge %q", got)
	}
	// By deadline: the overdue case first, the new one last.
	if got := eval[string](t, b, `[...document.querySelectorAll("#problem-list tbody tr")].map(r => r.dataset.case).join(",")`); got != strconv.FormatInt(old.ID, 10)+","+strconv.FormatInt(soon.ID, 10)+","+strconv.FormatInt(c.ID, 10) {
		t.Fatalf("board order %s", got)
	}
	// The branch's tab keeps the filters.
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/problems?overdue=1"),
		chromedp.WaitVisible(chromedp.CSS(`#f-overdue:checked`)),
		chromedp.Click(chromedp.ID("scope-branch")),
		chromedp.WaitVisible(chromedp.CSS(`#scope-branch.active`)),
	)
	if n := eval[int](t, b, `document.querySelectorAll("#problem-list tbody tr").length`); n != 1 || !eval[bool](t, b, `document.getElementById("f-overdue").checked`) {
		t.Fatalf("overdue on the branch's tab: %d rows", n)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-problems")),
		chromedp.WaitVisible(chromedp.CSS(`#scope-mine.active`)),
	)
	b.Screenshot(t, "problem-board")

	// Acknowledge, record the re-signing with the document, ask for a re-callback.
	b.Do(t,
		chromedp.Click(chromedp.CSS(row+` a.caselink`)),
		chromedp.WaitVisible(chromedp.ID("acknowledge")),
	)
	if location(t, b) != page {
		t.Fatalf("opened %s", location(t, b))
	}
	b.Screenshot(t, "problem-case-transferred")
	b.Do(t,
		chromedp.Click(chromedp.ID("acknowledge")),
		chromedp.WaitVisible(chromedp.ID("act-form")),
	)
	if got := b.Text(t, "#case-status"); got != "处理中" {
		t.Fatalf("status after acknowledging: %q", got)
	}
	if eval[bool](t, b, `!document.getElementById("act-phone-field").classList.contains("is-hidden")`) {
		t.Fatal("the phone field shows for an action that needs none")
	}
	b.Do(t, chromedp.SetValue(chromedp.ID("act-kind"), "re-signed"))
	eval[bool](t, b, `document.getElementById("act-kind").dispatchEvent(new Event("change"))`)
	if !eval[bool](t, b, `document.getElementById("act-file").required`) {
		t.Fatal("the document is not required for re-signing")
	}
	b.Do(t,
		chromedp.SendKeys(chromedp.ID("act-note"), "客户已在营业部重新亲笔签署投保单及风险提示书"),
		chromedp.SetUploadFiles(chromedp.ID("act-file"), []string{png}),
		chromedp.Click(chromedp.ID("act-submit")),
		chromedp.WaitVisible(chromedp.ID("request-recallback")),
	)
	if got := b.Text(t, "#case-notice"); !strings.Contains(got, "已记录") {
		t.Fatalf("notice after the action: %q", got)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("request-recallback")),
		chromedp.WaitVisible(chromedp.ID("case-recallback")),
	)
	if got := b.Text(t, "#case-status"); got != "待回访确认" {
		t.Fatalf("status after asking for a re-callback: %q", got)
	}

	// The operator's re-callback confirms the fix.
	if rc := finishNext(t, f.fixture, huifang.KindRecallback, nil); rc.PolicyNo != "P20260001" || rc.Result != huifang.ResultSuccessful {
		t.Fatalf("re-callback: %s %s", rc.PolicyNo, rc.Result)
	}
	b.Do(t,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("timeline")),
	)
	if got := b.Text(t, "#case-status"); got != "已办结" {
		t.Fatalf("status after the re-callback: %q", got)
	}
	if eval[bool](t, b, `!!document.getElementById("case-notice")`) {
		t.Fatal("the notice of the last form shows again on reload")
	}
	timeline := b.Text(t, "#timeline")
	for _, want := range []string{"开立", "转办", "签收", "补签/重新签署投保材料：客户已在营业部重新亲笔签署投保单及风险提示书", "申请回访确认", "回访确认成功", "办结", "刘处理 (h1)", "2026-03-05 10:30"} {
		if !strings.Contains(timeline, want) {
			t.Fatalf("timeline has no %q:\n%s", want, timeline)
		}
	}
	href := eval[string](t, b, `(document.querySelector("#timeline a.evidence") || {}).getAttribute?.("href") || ""`)
	if !regexp.MustCompile(`^` + page + `/evidence/\d+$`).MatchString(href) {
		t.Fatalf("evidence link %q", href)
	}
	if eval[bool](t, b, `!!document.getElementById("act-form") || !!document.getElementById("request-recallback")`) {
		t.Fatal("a resolved case still offers actions")
	}
	// The document shows on the timeline with its name, type and size, and
	// the picture itself, loaded within the page's CSP.
	if got := b.Text(t, "#timeline .evfile"); !strings.Contains(got, "重新签署的投保单.png") || !strings.Contains(got, "PNG · ") {
		t.Fatalf("document on the timeline: %q", got)
	}
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`(() => { const i = document.querySelector("#timeline img.evpreview"); return !!i && i.complete && i.naturalWidth > 0; })()`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the preview does not load: %v", err)
	}
	if w := eval[int](t, b, `document.querySelector("#timeline img.evpreview").naturalWidth`); w != 480 {
		t.Fatalf("preview width %d", w)
	}
	b.Screenshot(t, "problem-case-resolved")

	// The document the handler uploaded is the one stored.
	res, body := f.login(t, "h1").get(href)
	if res.StatusCode != 200 || body != string(signed) || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("download: %d %v", res.StatusCode, res.Header)
	}
}

// TestBrowserProblemBoardPages: the handler walks the branch's board, the
// filter kept, to its second page by "下一页" and back by "第一页".
func TestBrowserProblemBoardPages(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setupCases(t, casesWorld(t))
	ids := pagesCases(t, f, app.BoardPageSize+30) // 60 complaints
	if _, err := f.svc.BulkTransfer(ctx, f.mgr, app.BulkInput{IDs: ids, Branch: "86010101"}); err != nil {
		t.Fatal(err)
	}
	rows := `document.querySelectorAll("#problem-list tbody tr").length`
	browserLogin(t, b, f.fixture, "h1")
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/problems?scope=branch&type=complaint"),
		chromedp.WaitVisible(chromedp.ID("board-next")),
	)
	if n := eval[int](t, b, rows); n != app.BoardPageSize || eval[bool](t, b, `!!document.getElementById("board-first")`) {
		t.Fatalf("first page: %d rows", n)
	}
	b.Do(t,
		chromedp.Click(chromedp.ID("board-next")),
		chromedp.WaitVisible(chromedp.ID("board-first")),
	)
	loc, err := chromedp.Run(b.Ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "after=p1.") || !strings.Contains(loc, "scope=branch") || !strings.Contains(loc, "type=complaint") {
		t.Fatalf("second page at %s", loc)
	}
	if n := eval[int](t, b, rows); n != 10 || eval[bool](t, b, `!!document.getElementById("board-next")`) ||
		eval[string](t, b, `document.querySelector("#board-filters select[name=type]").value`) != "complaint" ||
		!eval[bool](t, b, `document.getElementById("scope-branch").classList.contains("active")`) {
		t.Fatalf("second page: %d rows", n)
	}
	if got := b.Text(t, "#board-first"); got != "第一页" {
		t.Fatalf("first-page link %q", got)
	}
	b.Screenshot(t, "problem-board-page-2")
	b.Do(t,
		chromedp.Click(chromedp.ID("board-first")),
		chromedp.WaitVisible(chromedp.ID("board-next")),
	)
	if n := eval[int](t, b, rows); n != app.BoardPageSize || eval[bool](t, b, `!!document.getElementById("board-first")`) {
		t.Fatalf("back on the first page: %d rows", n)
	}
}
