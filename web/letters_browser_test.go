package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/browsertest"
)

// receiptPNG draws a scanned receipt: a white sheet, a frame and a scribbled
// signature.
func receiptPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 480, 200))
	ink := color.RGBA{20, 40, 120, 255}
	for y := 0; y < 200; y++ {
		for x := 0; x < 480; x++ {
			img.Set(x, y, color.White)
			if x < 4 || x > 475 || y < 4 || y > 195 {
				img.Set(x, y, color.Gray{120})
			}
		}
	}
	for x := 60; x < 420; x++ {
		y := 120 + int(25*math.Sin(float64(x)/14)*math.Cos(float64(x)/53))
		for d := 0; d < 3; d++ {
			img.Set(x, y+d, ink)
		}
	}
	for x := 60; x < 420; x++ {
		img.Set(x, 165, color.Gray{80})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestBrowserLetter: an operator of the callback centre enters a returned
// letter on the callback page — the form follows the script (a "not the
// policyholder" answer blocks it), the receipt is attached — and the page
// shows the result, the method and the receipt.
func TestBrowserLetter(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	f.withBlobs(t)
	f.loadPolicies(t, "A", policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	cb := f.callbackOf(t, f.orgA, "P20260001")
	page := f.srv.URL + "/callbacks/" + strconv.FormatInt(cb.ID, 10)
	wk, err := f.svc.Callback(ctx, f.op, cb.ID)
	if err != nil {
		t.Fatal(err)
	}
	scan := filepath.Join(t.TempDir(), "回执-张三.png")
	if err := os.WriteFile(scan, receiptPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}

	browserLogin(t, b, f, "op1")
	b.Do(t,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.ID("letter")),
	)
	// The form as it comes back from the policyholder: identity not confirmed
	// first, which the page refuses to submit.
	b.Do(t, chromedp.Click(chromedp.CSS(`#letter input[name="a.identity"][value="no"]`)))
	if !eval[bool](t, b, `!document.getElementById("letter-end-not-policyholder").hidden && document.getElementById("letter-submit").disabled`) {
		t.Fatal("a form not signed by the policyholder can be submitted")
	}
	b.Screenshot(t, "letter-not-policyholder")

	// The real answers: everything confirmed but the signatures, which the
	// agent made (a problem case follows).
	answers := wk.LetterScript.Script.Passing()
	answers["signed"] = "no"
	b.Do(t,
		chromedp.Click(chromedp.ID("letter-method-letter")),
		chromedp.SetValue(chromedp.ID("letter-signed-on"), "2026-03-04"),
	)
	// The form has the letter's wording, not the phone's.
	if got := b.Text(t, "#letter"); strings.Contains(got, "请问") || strings.Contains(got, "现在方便吗") || !strings.Contains(got, "请确认") {
		t.Errorf("phone wording on the letter form: %q", got)
	}
	start := time.Now()
	for _, st := range wk.LetterScript.Steps {
		if !st.Question() {
			continue
		}
		b.Do(t, chromedp.Click(chromedp.CSS(`#letter input[name="a.`+st.ID+`"][value="`+answers[st.ID]+`"]`)))
	}
	t.Logf("answered in %v", time.Since(start))
	if eval[bool](t, b, `document.getElementById("letter-submit").disabled`) {
		t.Fatal("submit still disabled")
	}
	// A file that only pretends to be a scan comes back beside its field,
	// with everything else kept.
	fake := filepath.Join(t.TempDir(), "回执.png")
	if err := os.WriteFile(fake, []byte("这不是扫描件"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Do(t,
		chromedp.SetUploadFiles(chromedp.ID("letter-receipt"), []string{fake}),
		chromedp.Click(chromedp.ID("letter-submit")),
		chromedp.WaitVisible(chromedp.ID("letter-receipt-error")),
	)
	if got := b.Text(t, "#letter-receipt-error"); !strings.Contains(got, "PDF、JPEG 或 PNG") {
		t.Fatalf("receipt error %q", got)
	}
	if !eval[bool](t, b, `document.querySelector('#letter input[name="a.signed"][value="no"]').checked && document.getElementById("letter-method-letter").checked && document.getElementById("letter-signed-on").value === "2026-03-04"`) {
		t.Fatal("the form came back without what was entered")
	}
	b.Screenshot(t, "letter-error")

	b.Do(t, chromedp.SetUploadFiles(chromedp.ID("letter-receipt"), []string{scan}))
	b.Screenshot(t, "letter-form")

	b.Do(t,
		chromedp.Click(chromedp.ID("letter-submit")),
		chromedp.WaitVisible(chromedp.ID("result-letter")),
	)
	if got := b.Text(t, "#result-label"); got != "完成但有问题" && got != huifang.ResultProblems.ZH() {
		t.Fatalf("result %q", got)
	}
	if got := b.Text(t, "#result-letter"); !strings.Contains(got, "信函回访") || !strings.Contains(got, "2026-03-04") || !strings.Contains(got, "op1") {
		t.Fatalf("letter line %q", got)
	}
	if got := b.Text(t, "#result-problems"); !strings.Contains(got, "投保材料未签名或代签名") {
		t.Fatalf("problem cases %q", got)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#letter").length`); n != 0 {
		t.Fatal("the letter form is still offered on a done callback")
	}
	b.Screenshot(t, "letter-recorded")

	c, err := f.db.FindCallback(ctx, f.orgA.ID, cb.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != huifang.StatusDone || c.Method != huifang.MethodLetter || c.FinishedBy != f.op.ID || c.Answers["signed"] != huifang.AnswerNo {
		t.Fatalf("callback in the database: %+v", c)
	}

	// The receipt link shows the scan.
	href := eval[string](t, b, `document.getElementById("receipt-link").href`)
	b.Do(t, chromedp.Navigate(href))
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.images.length > 0 && document.images[0].complete && document.images[0].naturalWidth === 480`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the receipt does not show: %v", err)
	}
	b.Screenshot(t, "letter-receipt")
}

// TestBrowserRecording: the operator uploads the recording of a call from
// the workbench; QA of the insurer plays it on the callback page.
func TestBrowserRecording(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	f.withBlobs(t)
	f.user(t, "A", "qa1", huifang.RoleQA)
	f.loadPolicies(t, "A", policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	// A second of silence, 8 kHz mono 16-bit.
	var sound bytes.Buffer
	sound.WriteString("RIFF")
	le := func(n uint32, size int) {
		for i := 0; i < size; i++ {
			sound.WriteByte(byte(n >> (8 * i)))
		}
	}
	le(36+16000, 4)
	sound.WriteString("WAVEfmt ")
	le(16, 4)
	le(1, 2)
	le(1, 2)
	le(8000, 4)
	le(16000, 4)
	le(2, 2)
	le(16, 2)
	sound.WriteString("data")
	le(16000, 4)
	sound.Write(make([]byte, 16000))
	call := filepath.Join(t.TempDir(), "call.wav")
	if err := os.WriteFile(call, sound.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	browserLogin(t, b, f, "op1")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-work")),
		chromedp.WaitVisible(chromedp.ID("take-next")),
		chromedp.Click(chromedp.ID("take-next")),
		chromedp.WaitVisible(chromedp.ID("attempt")),
		chromedp.Click(chromedp.ID("outcome-answered")),
		chromedp.Click(chromedp.ID("record-attempt")),
		chromedp.WaitVisible(chromedp.ID("answered")),
	)
	b.Do(t,
		chromedp.SetUploadFiles(chromedp.CSS(`#attempts input[type=file]`), []string{call}),
		chromedp.Click(chromedp.CSS(`#attempts .recupload button`)),
		chromedp.WaitVisible(chromedp.ID("rec-notice")),
	)
	b.Screenshot(t, "recording-uploaded")
	work := location(t, b)
	b.Do(t,
		chromedp.Click(chromedp.ID("logout")),
		chromedp.WaitVisible(chromedp.ID("login")),
	)

	browserLogin(t, b, f, "qa1")
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/callbacks/"+strings.TrimPrefix(work, "/work/")),
		chromedp.WaitVisible(chromedp.CSS(`#attempts audio`)),
	)
	// Press the player's play button (at its left end): it asks for the
	// sound with a range request.
	rect := eval[[]float64](t, b, `(a => { a.scrollIntoView({block: "center"}); const r = a.getBoundingClientRect(); return [r.left, r.top, r.height] })(document.querySelector("#attempts audio"))`)
	b.Do(t, chromedp.MouseClickXY(rect[0]+18, rect[1]+rect[2]/2))
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.querySelector("#attempts audio").readyState >= 1 && document.querySelector("#attempts audio").duration > 0.9`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		state := eval[string](t, b, `(a => JSON.stringify({rs: a.readyState, ns: a.networkState, err: a.error && a.error.code, msg: a.error && a.error.message, src: a.currentSrc, d: a.duration}))(document.querySelector("#attempts audio"))`)
		t.Fatalf("the player did not load the recording: %v (%s)", err, state)
	}
	b.Screenshot(t, "recording-qa")
	plays, _ := f.db.ListAudit(ctx, f.orgA.ID, huifang.AuditFilter{Entity: "recording", Action: "play"})
	if len(plays) == 0 || plays[0].Actor != "qa1" {
		t.Fatalf("playback audit %+v", plays)
	}
}
