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

// silence is a second of silence, 8 kHz mono 16-bit WAV.
func silence() []byte {
	var b bytes.Buffer
	le := func(n uint32, size int) {
		for i := 0; i < size; i++ {
			b.WriteByte(byte(n >> (8 * i)))
		}
	}
	b.WriteString("RIFF")
	le(36+16000, 4)
	b.WriteString("WAVEfmt ")
	le(16, 4)
	le(1, 2)
	le(1, 2)
	le(8000, 4)
	le(16000, 4)
	le(2, 2)
	le(16, 2)
	b.WriteString("data")
	le(16000, 4)
	b.Write(make([]byte, 16000))
	return b.Bytes()
}

// TestBrowserSpotCheck: a supervisor draws March's sample, opens the
// sampled callback with its recording, plays it (the player loads it; the
// playback is audited), records an inconsistent verdict with a note; the
// company's manager then finds the problem case it opened on /problems and
// the notification; the regulator's dashboard shows the consistency rate.
func TestBrowserSpotCheck(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	f.withBlobs(t)
	sup := f.user(t, "REG", "sup", huifang.RoleSupervisor)
	mgr := f.user(t, "A", "mgr", huifang.RoleManager)
	f.loadPolicies(t, "A", policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1),
		policyLine("P20260002", "L20", "银保", "李四", "2026-03-02", "13800000002", 2),
		policyLine("P20260003", "L20", "个险", "王五", "2026-03-03", "13800000003", 3))
	cb := f.callbackOf(t, f.orgA, "P20260001")
	if _, err := f.svc.Take(ctx, f.op, cb.ID); err != nil {
		t.Fatal(err)
	}
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

	loginAs(t, b, f, "sup")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-spotchecks")),
		chromedp.WaitVisible(chromedp.ID("draw")),
		chromedp.SetValue(chromedp.ID("draw-period"), "2026-03"),
	)
	b.Screenshot(t, "spotcheck-draw")
	b.Do(t,
		chromedp.Click(chromedp.ID("draw-submit")),
		chromedp.WaitVisible(chromedp.ID("spotcheck-notice")),
	)
	if got := b.Text(t, "#sample-size"); got != "3" {
		t.Fatalf("sample size %q", got)
	}
	b.Screenshot(t, "spotcheck-sample")
	b.Do(t,
		chromedp.Click(chromedp.CSS(`#items tr[data-policy="P20260001"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`#recordings audio`)),
	)
	if got := b.Text(t, "#phone-masked"); strings.Contains(got, "13800000001") {
		t.Fatalf("the phone is not masked: %q", got)
	}
	rect := eval[[]float64](t, b, `(a => { a.scrollIntoView({block: "center"}); const r = a.getBoundingClientRect(); return [r.left, r.top, r.height] })(document.querySelector("#recordings audio"))`)
	b.Do(t, chromedp.MouseClickXY(rect[0]+18, rect[1]+rect[2]/2))
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.querySelector("#recordings audio").readyState >= 1 && document.querySelector("#recordings audio").duration > 0.9`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		state := eval[string](t, b, `(a => JSON.stringify({rs: a.readyState, ns: a.networkState, err: a.error && a.error.code, src: a.currentSrc, d: a.duration}))(document.querySelector("#recordings audio"))`)
		t.Fatalf("the player did not load the recording: %v (%s)", err, state)
	}
	plays, _ := f.db.ListAudit(ctx, sup.OrgID, huifang.AuditFilter{Entity: "recording", Action: "play"})
	if len(plays) == 0 || plays[0].Actor != "sup" {
		t.Fatalf("playback audit %+v", plays)
	}
	b.Screenshot(t, "spotcheck-item")

	// Without a note the verdict comes back refused; with one it is recorded.
	b.Do(t,
		chromedp.Click(chromedp.ID("verdict-inconsistent")),
		chromedp.Click(chromedp.ID("verdict-submit")),
		chromedp.WaitVisible(chromedp.ID("verdict-error")),
	)
	b.Do(t,
		chromedp.Click(chromedp.ID("verdict-inconsistent")),
		chromedp.SendKeys(chromedp.ID("verdict-note"), "客户称业务员承诺保本，回访记录为清楚"),
		chromedp.Click(chromedp.ID("verdict-submit")),
		chromedp.WaitVisible(chromedp.ID("verdict-recorded")),
	)
	if got := b.Text(t, "#verdict-case"); !strings.Contains(got, "问题件") {
		t.Fatalf("the case opened: %q", got)
	}
	b.Screenshot(t, "spotcheck-verdict")
	b.Do(t, chromedp.Click(chromedp.ID("lang-en")), chromedp.WaitVisible(chromedp.ID("verdict-recorded")))
	if got := b.Text(t, "#verdict-recorded"); got != "Inconsistent" {
		t.Fatalf("the verdict in English: %q", got)
	}
	b.Screenshot(t, "spotcheck-verdict-en")
	b.Do(t, chromedp.Click(chromedp.ID("lang-zh")), chromedp.WaitVisible(chromedp.ID("verdict-recorded")))
	b.Do(t, chromedp.Navigate(f.srv.URL+"/dashboard"), chromedp.WaitVisible(chromedp.ID("consistency")))
	if got := b.Text(t, `#consistency tr[data-org="A"]`); !strings.Contains(got, "0%") {
		t.Fatalf("consistency row %q", got)
	}
	b.Screenshot(t, "spotcheck-dashboard")
	b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))

	loginAs(t, b, f, "mgr")
	b.Do(t, chromedp.Navigate(f.srv.URL+"/problems"), chromedp.WaitVisible(chromedp.ID("problem-list")))
	rows := eval[string](t, b, `document.querySelector("#problem-list tbody").innerText`)
	if !strings.Contains(rows, "P20260001") || !strings.Contains(rows, "销售误导") {
		t.Fatalf("the manager's board: %q", rows)
	}
	b.Screenshot(t, "spotcheck-company-problems")
	ns, err := f.svc.Notifications(ctx, mgr, 5)
	if err != nil || len(ns) != 1 || !strings.Contains(ns[0].Subject, "P20260001") {
		t.Fatalf("notifications %+v %v", ns, err)
	}
}
