package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/testworld"
)

// withBlobs gives the fixture's service a blob store in a temporary directory.
func (f *fixture) withBlobs(t *testing.T) *blob.Local {
	t.Helper()
	b, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.svc.Blobs = b
	return b
}

// user adds a user to an insurer.
func (f *fixture) user(t *testing.T, org, login string, role huifang.Role) *huifang.User {
	t.Helper()
	in := app.UserInput{OrgCode: org, Login: login, Name: login, Role: role, Password: password}
	if role == huifang.RoleSupervisor && org == "REG" {
		in.Companies = []string{"A", "B"} // the standard world's companies
	}
	u, err := f.svc.CreateUser(ctx, app.CLI(), in)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// letterFields is the letter form filled in from a callback's script as a
// customer who bought knowingly answers it, with override.
func (f *fixture) letterFields(t *testing.T, id int64, override map[string]string) map[string]string {
	t.Helper()
	wk, err := f.svc.Callback(ctx, f.op, id)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{"method": "letter", "signed_on": "2026-03-04", "script": wk.Script.Ref()}
	for k, a := range wk.Script.Script.Passing() {
		fields["a."+k] = a
	}
	for k, v := range override {
		if v == "" {
			delete(fields, k)
		} else {
			fields[k] = v
		}
	}
	return fields
}

var pdf = []byte("%PDF-1.4\n% receipt signed by 张三\n")

// TestLetterForm: a letter is refused without the receipt, its fields and
// answers kept; with it the callback completes as a letter, and the receipt
// shows to the insurer's people only.
func TestLetterForm(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := setup(t, w)
		f.withBlobs(t)
		f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
		id := f.callbackOf(t, f.orgA, "P1").ID
		page := "/callbacks/" + strconv.FormatInt(id, 10)
		op := f.login(t, "op1")
		for _, lang := range []string{"zh", "en"} {
			res, body := op.get(page + "?lang=" + lang)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="letter"`) || !strings.Contains(body, `name="a.identity"`) || !strings.Contains(body, `name="receipt"`) {
				t.Fatalf("callback page (%s): %d\n%s", lang, res.StatusCode, body)
			}
			if m := missingKey.FindString(body); m != "" {
				t.Errorf("callback page (%s): message %s missing", lang, m)
			}
		}
		op = f.login(t, "op1") // back to Chinese

		// No receipt: refused beside the file field, the rest kept.
		res, body := op.postMultipart(page+"/letter", f.letterFields(t, id, map[string]string{"a.signed": "no"}), "", "", "", nil)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="letter-receipt-error"`) || !strings.Contains(body, "须上传投保人签名的回执") ||
			!regexp.MustCompile(`name="a.signed" value="no" checked`).MatchString(body) || !strings.Contains(body, `value="2026-03-04"`) ||
			!regexp.MustCompile(`value="letter" id="letter-method-letter" checked`).MatchString(body) {
			t.Fatalf("letter without a receipt: %d\n%s", res.StatusCode, body)
		}
		// Not a scan, an unanswered question, a date in the future: each beside its field.
		res, body = op.postMultipart(page+"/letter", f.letterFields(t, id, map[string]string{"a.cover": "", "signed_on": "2026-03-09"}), "receipt", "receipt.html", "application/pdf", []byte("<html>"))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "PDF、JPEG 或 PNG 格式") || !strings.Contains(body, `id="letter-signed-on-error"`) ||
			!regexp.MustCompile(`(?s)data-step="cover".*?尚未回答`).MatchString(body) || !strings.Contains(body, "3 处需要修改") {
			t.Fatalf("bad letter: %d\n%s", res.StatusCode, body)
		}
		// A receipt over 10 MB: refused beside the file field, the answers kept.
		big := append(append([]byte{}, pdf...), make([]byte, app.MaxReceipt)...)
		res, body = op.postMultipart(page+"/letter", f.letterFields(t, id, map[string]string{"a.signed": "no"}), "receipt", "scan.pdf", "application/pdf", big)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "回执超过 10 MB") || !strings.Contains(body, `id="letter-receipt-error"`) ||
			!regexp.MustCompile(`name="a.signed" value="no" checked`).MatchString(body) {
			t.Fatalf("oversized receipt: %d\n%s", res.StatusCode, body)
		}
		// Signed by someone else: not a completed callback.
		res, body = op.postMultipart(page+"/letter", f.letterFields(t, id, map[string]string{"a.identity": "no"}), "receipt", "r.pdf", "application/pdf", pdf)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "签名人不是投保人本人") || !strings.Contains(body, `id="letter-reselect"`) {
			t.Fatalf("letter signed by another: %d\n%s", res.StatusCode, body)
		}
		if c := f.callbackOf(t, f.orgA, "P1"); !c.Open() {
			t.Fatalf("refused letters finished the callback: %+v", c)
		}

		// The receipt, the form says signed by someone else for the documents:
		// completed with a problem case.
		res, _ = op.postMultipart(page+"/letter", f.letterFields(t, id, map[string]string{"a.signed": "no"}), "receipt", "回执.pdf", "application/pdf", pdf)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"?letter=recorded" {
			t.Fatalf("letter: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		res, body = op.get(res.Header.Get("Location"))
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="callback-notice"`) || !strings.Contains(body, `id="result-letter"`) ||
			!strings.Contains(body, "信函回访") || !strings.Contains(body, `href="`+page+`/receipt"`) || !strings.Contains(body, "投保材料未签名或代签名") ||
			strings.Contains(body, `id="letter"`) {
			t.Fatalf("after the letter:\n%s", body)
		}
		c := f.callbackOf(t, f.orgA, "P1")
		if c.Method != huifang.MethodLetter || c.Result != huifang.ResultProblems || c.ScriptCode == "" {
			t.Fatalf("letter callback %+v", c)
		}
		// The receipt opens in the browser, for the insurer's people only.
		f.user(t, "A", "qa1", huifang.RoleQA)
		for _, login := range []string{"op1", "qa1"} {
			res, got := f.login(t, login).get(page + "/receipt")
			if res.StatusCode != http.StatusOK || got != string(pdf) || res.Header.Get("Content-Type") != "application/pdf" ||
				!strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline;") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("%s views the receipt: %d %v", login, res.StatusCode, res.Header)
			}
		}
		if res, got := f.login(t, "opb").get(page + "/receipt"); res.StatusCode != http.StatusNotFound || strings.Contains(got, "PDF") {
			t.Fatalf("insurer B views A's receipt: %d", res.StatusCode)
		}
		if views, _ := f.db.ListAudit(ctx, f.orgA.ID, huifang.AuditFilter{Action: "view-receipt"}); len(views) != 2 {
			t.Fatalf("receipt views audited: %+v", views)
		}
	})
}

var recordingSrc = regexp.MustCompile(`<audio controls preload="none" src="/recordings/(\d+)"></audio>`)

// postFile posts a multipart form with one file.
func (c *client) postFile(path string, fields map[string]string, field, name string, content []byte) (*http.Response, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+name+`"`)
	h.Set("Content-Type", "application/octet-stream")
	w, _ := mw.CreatePart(h)
	w.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// TestRecordingUploadAndPlay: the operator uploads the recording of a call
// from the workbench; QA of the same insurer plays it with byte ranges,
// audited; another insurer gets nothing.
func TestRecordingUploadAndPlay(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := setup(t, w)
		f.withBlobs(t)
		f.user(t, "A", "qa1", huifang.RoleQA)
		f.user(t, "B", "qab", huifang.RoleQA)
		f.user(t, "A", "op2", huifang.RoleOperator)
		f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
		op := f.login(t, "op1")
		res, _ := op.postForm("/work/next", nil)
		work := res.Header.Get("Location")
		if res, _ := op.postForm(work+"/attempt", map[string][]string{"outcome": {"answered"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("answered: %d", res.StatusCode)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(work, "/work/"), 10, 64)
		attempts, err := f.db.ListAttempts(ctx, f.orgA.ID, id)
		if err != nil || len(attempts) != 1 {
			t.Fatalf("attempts %v %v", attempts, err)
		}
		aid := strconv.FormatInt(attempts[0].ID, 10)
		_, body := op.get(work)
		if !strings.Contains(body, `id="rec-form-`+aid+`"`) || strings.Contains(body, "<audio") {
			t.Fatalf("workbench: no upload form, or a player for an operator:\n%s", body)
		}
		upload := "/callbacks/" + strconv.FormatInt(id, 10) + "/attempts/" + aid + "/recording"
		// Not audio: refused beside the form.
		res, body = op.postFile(upload+"?from=work", nil, "file", "call.wav", []byte("not a recording"))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="rec-error-`+aid+`"`) || !strings.Contains(body, "录音须为 WAV、MP3、AMR 或 OGG 格式") || !strings.Contains(body, `id="items"`) {
			t.Fatalf("non-audio upload: %d\n%s", res.StatusCode, body)
		}
		// Another operator may not add to op1's call.
		if res, _ := f.login(t, "op2").postFile(upload+"?from=callback", nil, "file", "call.wav", wav); res.StatusCode != http.StatusForbidden {
			t.Fatalf("op2 uploads for op1's call: %d", res.StatusCode)
		}
		res, _ = op.postFile(upload+"?from=work", nil, "file", "call.wav", wav)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), work+"?recorded="+aid) {
			t.Fatalf("upload: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		_, body = op.get(res.Header.Get("Location"))
		if !strings.Contains(body, `id="rec-notice"`) || !strings.Contains(body, "WAV") {
			t.Fatalf("after the upload:\n%s", body)
		}
		recs, _ := f.db.ListRecordings(ctx, f.orgA.ID, id)
		if len(recs) != 1 || recs[0].AttemptID != attempts[0].ID || recs[0].Source != "upload" || recs[0].UploadedBy != f.op.ID {
			t.Fatalf("recordings %+v", recs)
		}

		// QA of the insurer plays it from the callback page.
		qa := f.login(t, "qa1")
		_, body = qa.get("/callbacks/" + strconv.FormatInt(id, 10))
		m := recordingSrc.FindStringSubmatch(body)
		if m == nil || m[1] != strconv.FormatInt(recs[0].ID, 10) || !strings.Contains(body, `id="recs-`+aid+`"`) {
			t.Fatalf("no player under the attempt:\n%s", body)
		}
		play := func(c *client, rng string) (*http.Response, string) {
			req, _ := http.NewRequest(http.MethodGet, c.base+"/recordings/"+m[1], nil)
			if rng != "" {
				req.Header.Set("Range", rng)
			}
			return c.do(req)
		}
		res, got := play(qa, "bytes=0-")
		if res.StatusCode != http.StatusPartialContent || got != string(wav) || res.Header.Get("Content-Type") != "audio/wav" ||
			res.Header.Get("Content-Range") != "bytes 0-"+strconv.Itoa(len(wav)-1)+"/"+strconv.Itoa(len(wav)) {
			t.Fatalf("play from 0: %d %v", res.StatusCode, res.Header)
		}
		res, got = play(qa, "bytes=12-19")
		if res.StatusCode != http.StatusPartialContent || got != string(wav[12:20]) || res.Header.Get("Accept-Ranges") != "bytes" {
			t.Fatalf("seek: %d %q", res.StatusCode, got)
		}
		if res, _ := play(qa, "bytes=99999-"); res.StatusCode != http.StatusRequestedRangeNotSatisfiable || res.Header.Get("Content-Range") != "bytes */"+strconv.Itoa(len(wav)) {
			t.Fatalf("past the end: %d %v", res.StatusCode, res.Header)
		}
		if res, _ := play(f.login(t, "qab"), ""); res.StatusCode != http.StatusNotFound {
			t.Fatalf("QA of insurer B: %d", res.StatusCode)
		}
		if res, _ := play(op, ""); res.StatusCode != http.StatusForbidden {
			t.Fatalf("an operator plays: %d", res.StatusCode)
		}
		plays, _ := f.db.ListAudit(ctx, f.orgA.ID, huifang.AuditFilter{Entity: "recording", Action: "play"})
		if len(plays) != 1 || plays[0].Actor != "qa1" || plays[0].Key != m[1] {
			t.Fatalf("playback audit %+v", plays)
		}
		// The page's policy lets the player load it.
		res, _ = qa.get("/callbacks/" + strconv.FormatInt(id, 10))
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "media-src 'self'") {
			t.Fatalf("CSP %q", csp)
		}
	})
}

// wav is a tiny WAV file, as far as sniffing goes.
var wav = append([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), bytes.Repeat([]byte{1, 2, 3, 4}, 500)...)

// TestEvidenceFromBlobStore: documents uploaded with a blob store download
// from it; those stored in the database before still download.
func TestEvidenceFromBlobStore(t *testing.T) {
	t.Parallel()
	testworld.Each(t, casesSpec, func(t *testing.T, w *testworld.World) {
		f := setupCases(t, w)
		c := f.unsignedCase(t, "P1", 1)
		if _, err := f.svc.Acknowledge(ctx, f.h1, c.ID); err != nil {
			t.Fatal(err)
		}
		h := f.login(t, "h1")
		act := func(content string) {
			t.Helper()
			if res, _ := h.postMultipart(caseURL(c.ID)+"/act", map[string]string{"kind": "visit"}, "file", "回执.pdf", "application/pdf", []byte(content)); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("upload: %d", res.StatusCode)
			}
		}
		act("%PDF-1.4 in the database")
		blobs := f.withBlobs(t)
		act("%PDF-1.4 in the blob store")
		_, body := h.get(caseURL(c.ID))
		links := evidenceLink.FindAllStringSubmatch(body, -1)
		if len(links) != 2 {
			t.Fatalf("evidence links %v", links)
		}
		var got []string
		for _, l := range links {
			res, b := h.get(l[1])
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Length") != strconv.Itoa(len(b)) {
				t.Fatalf("download %s: %d %v", l[1], res.StatusCode, res.Header)
			}
			got = append(got, b)
		}
		if strings.Join(got, "|") != "%PDF-1.4 in the database|%PDF-1.4 in the blob store" && strings.Join(got, "|") != "%PDF-1.4 in the blob store|%PDF-1.4 in the database" {
			t.Fatalf("downloads %q", got)
		}
		var inStore int
		for _, l := range links {
			eid, _ := strconv.ParseInt(l[1][strings.LastIndex(l[1], "/")+1:], 10, 64)
			e, err := f.db.FindEvidence(ctx, f.orgA.ID, eid)
			if err != nil {
				t.Fatal(err)
			}
			if e.Key != "" {
				if _, err := blobs.Stat(ctx, e.Key); err != nil || len(e.Data) != 0 {
					t.Fatalf("evidence %d in the blob store: %v, %d bytes in the row", eid, err, len(e.Data))
				}
				inStore++
			}
		}
		if inStore != 1 {
			t.Fatalf("%d documents in the blob store, want 1", inStore)
		}
	})
}
