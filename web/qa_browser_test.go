package web_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
)

// TestBrowserQA: QA draws this week, opens the drawn call from the queue,
// plays its recording (audited), is refused a form with an item
// unanswered, then scores it with identity not confirmed — a critical
// failure, 0. The operator finds it under 我的质检 and appeals once (the
// form is gone after). QA upholds the appeal with a corrected form. The
// manager's dashboard shows the QA figures per operator and team.
func TestBrowserQA(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	f.withBlobs(t)
	f.user(t, "A", "qa1", huifang.RoleQA)
	f.user(t, "A", "mgr", huifang.RoleManager)
	f.loadPolicies(t, "A", policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	cb := f.callbackOf(t, f.orgA, "P20260001")
	if _, err := f.svc.Take(ctx, f.op, cb.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RecordAttempt(ctx, f.op, cb.ID, app.AttemptInput{Outcome: huifang.AttemptAnswered}); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(f.clk.Now().Add(4 * time.Minute))
	wk, err := f.svc.Callback(ctx, f.op, cb.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Finish(ctx, f.op, cb.ID, app.FinishInput{Answers: wk.Script.Script.Passing(), Script: wk.Script.Ref()}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddRecording(ctx, f.op, cb.ID, 0, bytes.NewReader(silence()), "api"); err != nil {
		t.Fatal(err)
	}

	loginAs(t, b, f, "qa1")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-qa")),
		chromedp.WaitVisible(chromedp.ID("qa-empty")),
		chromedp.Click(chromedp.ID("qa-draw")),
		chromedp.WaitVisible(chromedp.ID("qa-notice")),
	)
	rows := eval[string](t, b, `document.querySelector("#qa-queue tbody").innerText`)
	if !strings.Contains(rows, "P20260001") || !strings.Contains(rows, "随机抽检") || !strings.Contains(rows, "op1") {
		t.Fatalf("the queue: %q", rows)
	}
	b.Screenshot(t, "qa-queue")
	b.Do(t,
		chromedp.Click(chromedp.CSS(`#qa-queue tbody a`)),
		chromedp.WaitVisible(chromedp.ID("qa-form")),
		chromedp.WaitVisible(chromedp.CSS(`#recordings audio`)),
	)
	if got := b.Text(t, "#call-length"); !strings.Contains(got, "240 秒") {
		t.Fatalf("the call's length: %q", got)
	}
	rect := eval[[]float64](t, b, `(a => { a.scrollIntoView({block: "center"}); const r = a.getBoundingClientRect(); return [r.left, r.top, r.height] })(document.querySelector("#recordings audio"))`)
	b.Do(t, chromedp.MouseClickXY(rect[0]+18, rect[1]+rect[2]/2))
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.querySelector("#recordings audio").readyState >= 1 && document.querySelector("#recordings audio").duration > 0.9`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the player did not load the recording: %v", err)
	}
	plays, _ := f.db.ListAudit(ctx, f.orgA.ID, huifang.AuditFilter{Entity: "recording", Action: "play"})
	if len(plays) == 0 || plays[0].Actor != "qa1" || !strings.Contains(plays[0].Detail, "qa_evaluation") {
		t.Fatalf("playback audit %+v", plays)
	}
	// Every item yes but the closing: refused, the answers kept.
	eval[bool](t, b, `(document.querySelectorAll('#qa-items-form input[value="yes"]').forEach(i => { if (!i.id.startsWith("item-closing")) i.click() }), true)`)
	b.Do(t, chromedp.Click(chromedp.ID("qa-submit")), chromedp.WaitVisible(chromedp.ID("eval-error")))
	if got := b.Text(t, "#eval-error"); !strings.Contains(got, "未作答") {
		t.Fatalf("the refusal: %q", got)
	}
	if !eval[bool](t, b, `document.querySelector("#item-identity-yes").checked`) {
		t.Fatal("the answers given were lost")
	}
	b.Screenshot(t, "qa-evaluate")
	b.Do(t,
		chromedp.Click(chromedp.ID("item-closing-partly")),
		chromedp.Click(chromedp.ID("item-identity-no")),
		chromedp.SendKeys(chromedp.ID("qa-note"), "未核实接听人身份即读保单信息"),
		chromedp.Click(chromedp.ID("qa-submit")),
		chromedp.WaitVisible(chromedp.ID("qa-result")),
	)
	if got := b.Text(t, "#qa-score"); got != "0" {
		t.Fatalf("score %q", got)
	}
	if got := b.Text(t, "#qa-critical"); got != "致命项不合格" {
		t.Fatalf("critical %q", got)
	}
	b.Screenshot(t, "qa-scored")
	b.Do(t, chromedp.Click(chromedp.ID("lang-en")), chromedp.WaitVisible(chromedp.ID("qa-result")))
	if got := b.Text(t, "#qa-critical"); got != "Critical failure" {
		t.Fatalf("critical in English %q", got)
	}
	b.Screenshot(t, "qa-scored-en")
	b.Do(t, chromedp.Click(chromedp.ID("lang-zh")), chromedp.WaitVisible(chromedp.ID("qa-result")))
	evalURL := eval[string](t, b, `location.pathname`)
	b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))

	// The operator sees it and appeals once.
	loginAs(t, b, f, "op1")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-qa_mine")),
		chromedp.WaitVisible(chromedp.ID("qa-mine")),
	)
	if got := b.Text(t, "#qa-mine tbody"); !strings.Contains(got, "P20260001") || !strings.Contains(got, "致命项不合格") {
		t.Fatalf("my evaluations: %q", got)
	}
	b.Screenshot(t, "qa-mine")
	b.Do(t,
		chromedp.Click(chromedp.CSS(`#qa-mine tbody a`)),
		chromedp.WaitVisible(chromedp.ID("appeal-form")),
		chromedp.SendKeys(chromedp.ID("appeal"), "录音第 5 秒已核对投保人姓名和身份证后四位"),
		chromedp.Click(chromedp.ID("appeal-submit")),
		chromedp.WaitVisible(chromedp.ID("eval-notice")),
	)
	if got := b.Text(t, "#eval-status"); got != "申诉中" {
		t.Fatalf("status after the appeal %q", got)
	}
	if eval[bool](t, b, `!!document.querySelector("#appeal-form")`) {
		t.Fatal("the appeal form is still there after the one appeal")
	}
	b.Screenshot(t, "qa-appealed")
	b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))

	// QA upholds it with the form corrected.
	loginAs(t, b, f, "qa1")
	b.Do(t,
		chromedp.Navigate(f.srv.URL+evalURL),
		chromedp.WaitVisible(chromedp.ID("qa-uphold")),
		chromedp.Click(chromedp.ID("item-identity-yes")),
		chromedp.SendKeys(chromedp.ID("qa-note"), "复听确认已核实身份"),
		chromedp.Click(chromedp.ID("qa-uphold")),
		chromedp.WaitVisible(chromedp.ID("qa-decision")),
	)
	if got := b.Text(t, "#qa-score"); got == "0" || got == "" {
		t.Fatalf("the score after the appeal %q", got)
	}
	b.Screenshot(t, "qa-upheld")
	b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))

	// The manager's figures.
	loginAs(t, b, f, "mgr")
	b.Do(t, chromedp.Navigate(f.srv.URL+"/dashboard"), chromedp.WaitVisible(chromedp.ID("qa-figures")))
	if got := b.Text(t, "#qa-figures-table tbody"); !strings.Contains(got, "op1") || !strings.Contains(got, "100%") || !strings.Contains(got, "合计") {
		t.Fatalf("the QA figures: %q", got)
	}
	eval[bool](t, b, `(document.querySelector("#qa-figures").scrollIntoView(), true)`)
	b.Screenshot(t, "qa-dashboard")
}
