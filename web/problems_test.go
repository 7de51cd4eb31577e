package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/testworld"
)

// caseFixture adds the people of the problem-case workflow to a fixture: a
// manager and a handler at the sales unit 86010101 of insurer A, a handler
// of insurer B, the regulator's supervisor and a system administrator.
type caseFixture struct {
	*fixture
	mgr, h1, hb, sup, root *huifang.User
}

// casesSpec is the standard world with the people of the problem-case
// workflow.
var casesSpec = &testworld.Spec{Name: "cases", Build: func(b *testworld.Builder) error {
	if err := testworld.Standard.Build(b); err != nil {
		return err
	}
	for _, u := range []app.UserInput{
		{OrgCode: "A", Login: "mgr", Name: "周经理", Role: huifang.RoleManager},
		{OrgCode: "A", Login: "h1", Name: "刘处理", Role: huifang.RoleHandler, BranchCode: "86010101"},
		{OrgCode: "B", Login: "hb", Name: "孙处理", Role: huifang.RoleHandler, BranchCode: "86010101"},
		{OrgCode: "REG", Login: "sup", Name: "吴监管", Role: huifang.RoleSupervisor, Companies: []string{"A", "B"}},
		{OrgCode: "A", Login: "root", Name: "系统管理员", Role: huifang.RoleAdmin},
	} {
		if err := b.User(u); err != nil {
			return err
		}
	}
	return nil
}}

// casesWorld returns a fresh copy of the cases world on SQLite.
func casesWorld(t *testing.T) *testworld.World {
	t.Helper()
	return testworld.New(t, store.SQLite, casesSpec)
}

// setupCases serves the web UI over a copy of the cases world.
func setupCases(t *testing.T, w *testworld.World) *caseFixture {
	t.Helper()
	return &caseFixture{fixture: setup(t, w), mgr: w.User(t, "mgr"), h1: w.User(t, "h1"), hb: w.User(t, "hb"), sup: w.User(t, "sup"), root: w.User(t, "root")}
}

// unsignedCase opens a case "signed by someone else" on a new policy of
// insurer A and transfers it to the handler h1.
func (f *caseFixture) unsignedCase(t *testing.T, policyNo string, seq int) *huifang.ProblemCase {
	t.Helper()
	f.loadPolicies(t, "A", policyLine(policyNo, "L20", "个险", "张三", "2026-03-02", "1380000"+strconv.Itoa(1000+seq), seq))
	c, err := f.svc.OpenCase(ctx, f.mgr, policyNo, huifang.ProblemUnsigned, "投保单系业务员代签名")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Transfer(ctx, f.mgr, c.ID, app.TransferInput{Branch: "86010101", Handler: "h1"}); err != nil {
		t.Fatal(err)
	}
	return c
}

// postMultipart posts a form with one file.
func (c *client) postMultipart(path string, fields map[string]string, file, name, ctype string, content []byte) (*http.Response, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+file+`"; filename="`+name+`"`)
		h.Set("Content-Type", ctype)
		w, _ := mw.CreatePart(h)
		w.Write(content)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.base+path, &buf)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// tinyPNG is a 1×1 PNG.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

func caseURL(id int64) string { return "/problems/" + strconv.FormatInt(id, 10) }

var evidenceLink = regexp.MustCompile(`class="evidence" href="(/problems/\d+/evidence/\d+)"`)

// TestCaseWorkflowForms: a handler works a case through the forms; each
// refusal comes back next to its form.
func TestCaseWorkflowForms(t *testing.T) {
	t.Parallel()
	testworld.Each(t, casesSpec, func(t *testing.T, w *testworld.World) {
		f := setupCases(t, w)
		c := f.unsignedCase(t, "P1", 1)
		page := caseURL(c.ID)
		h := f.login(t, "h1")

		_, body := h.get("/problems")
		if !strings.Contains(body, `href="`+page+`"`) || !strings.Contains(body, "P1") || !strings.Contains(body, "转办待签收") {
			t.Fatalf("the handler's board:\n%s", body)
		}
		_, body = h.get(page)
		for _, want := range []string{`id="acknowledge"`, "20 个工作日", "投保单系业务员代签名", `id="case-pending"`, "86010101 营业部"} {
			if !strings.Contains(body, want) {
				t.Fatalf("case page before acknowledging has no %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, `id="act-form"`) {
			t.Fatal("the action form shows before the transfer is acknowledged")
		}
		// Returning needs a reason.
		res, body := h.postForm(page+"/return", url.Values{"reason": {" "}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请说明原因") || !strings.Contains(body, `id="return-form"`) {
			t.Fatalf("return without reason: %d\n%s", res.StatusCode, body)
		}
		res, _ = h.postForm(page+"/acknowledge", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
			t.Fatalf("acknowledge: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		_, body = h.get(res.Header.Get("Location"))
		if !strings.Contains(body, `id="case-notice"`) || !strings.Contains(body, "处理中") || !strings.Contains(body, `id="act-form"`) {
			t.Fatalf("after acknowledging:\n%s", body)
		}
		// The notice shows once.
		if _, body := h.get(page); strings.Contains(body, `id="case-notice"`) {
			t.Fatal("the notice comes back on reload")
		}
		// Acknowledging twice: the app's conflict, on top since the form is gone.
		res, body = h.postForm(page+"/acknowledge", nil)
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="case-error"`) || !strings.Contains(body, "没有待签收的转办") {
			t.Fatalf("second acknowledge: %d\n%s", res.StatusCode, body)
		}
		// Re-signing needs the signed document; what was typed is kept.
		res, body = h.postMultipart(page+"/act", map[string]string{"kind": "re-signed", "note": "客户已重新签字"}, "", "", "", nil)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "须上传客户签字") || !strings.Contains(body, "客户已重新签字") ||
			!regexp.MustCompile(`value="re-signed"[^>]*selected`).MatchString(body) {
			t.Fatalf("re-signed without a document: %d\n%s", res.StatusCode, body)
		}
		// A re-callback needs an action first.
		res, body = h.postForm(page+"/recallback", nil)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请先记录处理情况") || !strings.Contains(body, `id="case-error"`) {
			t.Fatalf("re-callback before acting: %d\n%s", res.StatusCode, body)
		}
		res, _ = h.postMultipart(page+"/act", map[string]string{"kind": "re-signed", "note": "客户已重新签字"}, "file", "回执.png", "image/png", tinyPNG)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
			t.Fatalf("re-signed with a document: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		_, body = h.get(page)
		if !evidenceLink.MatchString(body) || !strings.Contains(body, "补签/重新签署投保材料：客户已重新签字") || !strings.Contains(body, `id="request-recallback"`) {
			t.Fatalf("timeline after the action:\n%s", body)
		}
		res, _ = h.postForm(page+"/recallback", nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("re-callback: %d", res.StatusCode)
		}
		_, body = h.get(page)
		if !strings.Contains(body, "待回访确认") || !strings.Contains(body, `id="case-recallback"`) {
			t.Fatalf("after requesting a re-callback:\n%s", body)
		}
		// The operator sees the case but has nothing to do on it.
		_, body = f.login(t, "op1").get(page)
		if !strings.Contains(body, `id="case-nothing"`) || strings.Contains(body, `id="close-form"`) {
			t.Fatalf("operator's view:\n%s", body)
		}
	})
}

// TestOtherInsurersCaseIsNotFound: a handler of insurer B learns nothing of
// a case of insurer A, nor of its documents.
func TestOtherInsurersCaseIsNotFound(t *testing.T) {
	t.Parallel()
	testworld.Each(t, casesSpec, func(t *testing.T, w *testworld.World) {
		f := setupCases(t, w)
		c := f.unsignedCase(t, "P1", 1)
		if _, err := f.svc.Acknowledge(ctx, f.h1, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Act(ctx, f.h1, c.ID, app.ActionInput{Kind: "visit", Note: "上门", Evidence: &app.Upload{Name: "a.png", ContentType: "image/png", Data: tinyPNG}}); err != nil {
			t.Fatal(err)
		}
		_, body := f.login(t, "h1").get(caseURL(c.ID))
		link := evidenceLink.FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("no evidence link:\n%s", body)
		}
		b := f.login(t, "hb")
		for _, path := range []string{caseURL(c.ID), link[1]} {
			res, body := b.get(path)
			if res.StatusCode != http.StatusNotFound || strings.Contains(body, "P1") || strings.Contains(body, "PNG") {
				t.Errorf("insurer B opens %s: %d\n%s", path, res.StatusCode, body)
			}
		}
		for _, verb := range []string{"acknowledge", "close", "recallback"} {
			if res, _ := b.postForm(caseURL(c.ID)+"/"+verb, url.Values{"reason": {"x"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("insurer B posts %s: %d", verb, res.StatusCode)
			}
		}
		if _, body := b.get("/problems"); strings.Contains(body, "P1") {
			t.Error("insurer B's board shows A's case")
		}
		// A document of the insurer is only served under its own case.
		other, err := f.svc.OpenCase(ctx, f.mgr, "P1", huifang.ProblemComplaint, "客户来电投诉")
		if err != nil {
			t.Fatal(err)
		}
		wrong := strings.Replace(link[1], caseURL(c.ID)+"/", caseURL(other.ID)+"/", 1)
		if res, _ := f.login(t, "mgr").get(wrong); res.StatusCode != http.StatusNotFound {
			t.Errorf("a document under another case: %d", res.StatusCode)
		}
	})
}

// TestEvidenceDownload: a document downloads as an attachment of its stored
// type, never sniffed or rendered.
func TestEvidenceDownload(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	c := f.unsignedCase(t, "P1", 1)
	if _, err := f.svc.Acknowledge(ctx, f.h1, c.ID); err != nil {
		t.Fatal(err)
	}
	h := f.login(t, "h1")
	// A page, and a program renamed as a photo, are refused next to the file field.
	html := []byte("<html><script>alert(1)</script></html>")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 100)...)
	for _, up := range []struct {
		name, ctype string
		data        []byte
	}{{"签收回执 3月.html", "text/html", html}, {"回执.jpg", "image/jpeg", exe}, {"回执.pdf", "application/pdf", exe}} {
		res, body := h.postMultipart(caseURL(c.ID)+"/act", map[string]string{"kind": "visit"}, "file", up.name, up.ctype, up.data)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "PDF、JPEG 或 PNG") || evidenceLink.MatchString(body) {
			t.Fatalf("upload of %s: %d\n%s", up.name, res.StatusCode, body)
		}
	}
	// A photo shows on the timeline with its name, type and size, and a preview.
	if res, _ := h.postMultipart(caseURL(c.ID)+"/act", map[string]string{"kind": "visit"}, "file", "签收回执 3月.png", "application/octet-stream", tinyPNG); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	_, body := h.get(caseURL(c.ID))
	link := evidenceLink.FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no evidence link:\n%s", body)
	}
	for _, want := range []string{`<span class="evfile-name">签收回执 3月.png</span>`, `PNG · 1 KB`, `<img class="evpreview" src="` + link[1] + `"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("timeline lacks %q:\n%s", want, body)
		}
	}
	res, got := h.get(link[1])
	hd := res.Header
	if res.StatusCode != http.StatusOK || got != string(tinyPNG) {
		t.Fatalf("download: %d %q", res.StatusCode, got)
	}
	if hd.Get("Content-Type") != "image/png" || hd.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(hd.Get("Content-Disposition"), "inline;") || !strings.Contains(hd.Get("Content-Disposition"), "filename*=utf-8''%E7%AD%BE") ||
		!strings.Contains(hd.Get("Content-Security-Policy"), "default-src 'none'") || hd.Get("Cache-Control") != "no-store" {
		t.Fatalf("download headers: %v", hd)
	}
	// A PDF opens in the browser from its link.
	if _, err := f.svc.Act(ctx, f.h1, c.ID, app.ActionInput{Kind: "re-signed", Evidence: &app.Upload{Name: "receipt.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}}); err != nil {
		t.Fatal(err)
	}
	_, body = h.get(caseURL(c.ID))
	links := evidenceLink.FindAllStringSubmatch(body, -1)
	last := links[len(links)-1][1]
	if !strings.Contains(body, `<a class="evfile-open" href="`+last+`" target="_blank" rel="noopener">预览 PDF</a>`) || !strings.Contains(body, "PDF · 1 KB") {
		t.Fatalf("pdf on the timeline:\n%s", body)
	}
	res, _ = h.get(last)
	if res.Header.Get("Content-Disposition") != `inline; filename=receipt.pdf` || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf download: %v", res.Header)
	}
	// A document over the limit comes back next to the file field.
	big := bytes.Repeat([]byte{0}, app.MaxEvidence+(2<<20))
	if res, body := h.postMultipart(caseURL(c.ID)+"/act", map[string]string{"kind": "visit"}, "file", "big.pdf", "application/pdf", big); res.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "文件超过 20 MB") || !strings.Contains(body, `id="act-file-error"`) {
		t.Fatalf("oversized upload: %d\n%s", res.StatusCode, body)
	}
	// Nobody signed in gets nothing.
	if res, _ := f.client(t).get(links[0][1]); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous download: %d", res.StatusCode)
	}
}

// TestBoard: scopes, filters and deadline badges.
func TestBoard(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	c1 := f.unsignedCase(t, "P1", 1)
	f.loadPolicies(t, "A", policyLine("P2", "L20", "个险", "李四", "2026-03-02", "13800002002", 2))
	c2, err := f.svc.OpenCase(ctx, f.mgr, "P2", huifang.ProblemComplaint, "客户来电投诉")
	if err != nil {
		t.Fatal(err)
	}
	// The handler: their own cases by default, the branch's on the other tab.
	h := f.login(t, "h1")
	_, body := h.get("/problems")
	if !strings.Contains(body, `id="scope-mine"`) || !strings.Contains(body, `data-case="`+strconv.FormatInt(c1.ID, 10)+`"`) ||
		strings.Contains(body, `data-case="`+strconv.FormatInt(c2.ID, 10)+`"`) || strings.Contains(body, `id="open-case"`) {
		t.Fatalf("handler's board:\n%s", body)
	}
	// The manager sees all, sorted by deadline, and may open a case.
	m := f.login(t, "mgr")
	_, body = m.get("/problems")
	i1, i2 := strings.Index(body, `data-case="`+strconv.FormatInt(c1.ID, 10)+`"`), strings.Index(body, `data-case="`+strconv.FormatInt(c2.ID, 10)+`"`)
	if i1 < 0 || i2 < 0 || i2 > i1 || strings.Contains(body, `id="scope-tabs"`) || !strings.Contains(body, `id="open-case"`) {
		t.Fatalf("manager's board (the complaint is due first):\n%s", body)
	}
	if _, body := m.get("/problems?type=complaint"); strings.Contains(body, "P1") || !strings.Contains(body, "P2") {
		t.Fatalf("type filter:\n%s", body)
	}
	// Ten working days from Thursday 5 March: due Thursday 19 March. Two
	// working days before it is due soon; after it, overdue.
	if c2.DueOn != huifang.NewDate(2026, 3, 19) {
		t.Fatalf("complaint due on %s", c2.DueOn)
	}
	f.clk.Set(time.Date(2026, 3, 17, 10, 0, 0, 0, huifang.Shanghai))
	m = f.login(t, "mgr")
	_, body = m.get("/problems?due_soon=1")
	if !strings.Contains(body, "badge due-soon") || !strings.Contains(body, "临期 · 剩 2 个工作日") || !strings.Contains(body, "P2") || strings.Contains(body, "P1") {
		t.Fatalf("due soon:\n%s", body)
	}
	f.clk.Set(time.Date(2026, 3, 23, 10, 0, 0, 0, huifang.Shanghai))
	m = f.login(t, "mgr")
	_, body = m.get("/problems?overdue=1")
	if !strings.Contains(body, "badge due-overdue") || !strings.Contains(body, "超期 2 个工作日") || !strings.Contains(body, "P2") || strings.Contains(body, ">P1<") {
		t.Fatalf("overdue:\n%s", body)
	}
}

// TestOpenCaseByHand: the form opens a case; mistakes come back next to the fields.
func TestOpenCaseByHand(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	op := f.login(t, "op1")
	res, body := op.postForm("/problems", url.Values{"policy_no": {"P1"}, "reason": {"客户来电投诉"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请选择问题件类型") || !strings.Contains(body, "客户来电投诉") {
		t.Fatalf("no type: %d\n%s", res.StatusCode, body)
	}
	res, body = op.postForm("/problems", url.Values{"policy_no": {"NOPE"}, "type": {"complaint"}, "reason": {"客户来电投诉"}})
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, `id="open-error"`) || !strings.Contains(body, "NOPE") {
		t.Fatalf("unknown policy: %d\n%s", res.StatusCode, body)
	}
	res, _ = op.postForm("/problems", url.Values{"policy_no": {"P1"}, "type": {"complaint"}, "reason": {"客户来电投诉"}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/problems/") {
		t.Fatalf("open: %d %s", res.StatusCode, loc)
	}
	if _, body := op.get(loc); !strings.Contains(body, "问题件已登记") || !strings.Contains(body, "客户抱怨及投诉") {
		t.Fatalf("opened case:\n%s", body)
	}
	// A handler may not.
	if res, _ := f.login(t, "h1").postForm("/problems", url.Values{"policy_no": {"P1"}, "type": {"complaint"}, "reason": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("handler opens a case: %d", res.StatusCode)
	}
}

// TestCalendarPage: everyone sees the years; only a system administrator
// loads one, and a bad file's problems come back with their lines.
func TestCalendarPage(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	op := f.login(t, "op1")
	if _, body := op.get("/admin/calendar"); !strings.Contains(body, `id="year-2026"`) || !strings.Contains(body, "国庆节") || strings.Contains(body, `id="calendar-form"`) {
		t.Fatalf("operator's calendar page:\n%s", body)
	}
	good := "year 2028\npublished 2027-11-10\nsource 国务院办公厅关于2028年部分节假日安排的通知\nrest 2028-01-01 2028-01-03 元旦\nwork 2028-01-09 元旦\n"
	if res, _ := op.postForm("/admin/calendar/load", url.Values{"body": {good}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("operator loads a calendar: %d", res.StatusCode)
	}
	if res, _ := f.login(t, "adm").postForm("/admin/calendar/load", url.Values{"body": {good}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("insurer administrator loads a calendar: %d", res.StatusCode)
	}
	if f.svc.Calendar().Has(2028) {
		t.Fatal("a refused load changed the calendar")
	}
	root := f.login(t, "root")
	bad := "year 2028\npublished 2027-11-10\nsource 通知\nrest 2028-01-01 2028-01-03 元旦\nwork 2028-01-04 元旦\nrest 2028-02-30 春节\n"
	res, body := root.postMultipart("/admin/calendar/load", nil, "file", "2028.txt", "text/plain", []byte(bad))
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="calendar-problems"`) || !strings.Contains(body, "第 5 行") ||
		!strings.Contains(body, "第 6 行") || !strings.Contains(body, "rest 2028-02-30") {
		t.Fatalf("bad file: %d\n%s", res.StatusCode, body)
	}
	if res, body := root.postForm("/admin/calendar/load", url.Values{"body": {""}}); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请上传文件或粘贴") {
		t.Fatalf("empty: %d\n%s", res.StatusCode, body)
	}
	res, _ = root.postForm("/admin/calendar/load", url.Values{"body": {good}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/calendar?loaded=2028" {
		t.Fatalf("good file: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := root.get("/admin/calendar?loaded=2028"); !strings.Contains(body, "2028 年的工作日历已导入") || !strings.Contains(body, `id="year-2028"`) {
		t.Fatalf("after loading:\n%s", body)
	}
}

// TestCalendarWarningBanner: from 1 October, administrators and managers
// are told on every page that next year's calendar is missing.
func TestCalendarWarningBanner(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	if _, body := f.login(t, "root").get("/"); strings.Contains(body, "calendar-warning") {
		t.Fatal("a warning in March")
	}
	f.clk.Set(time.Date(2027, 10, 5, 10, 0, 0, 0, huifang.Shanghai))
	for _, tc := range []struct {
		login, path string
		warn, link  bool
	}{
		{"root", "/", true, true},
		{"root", "/problems", true, true},
		{"adm", "/import", true, false},
		{"mgr", "/problems", true, false},
		{"op1", "/", false, false},
		{"h1", "/problems", false, false},
	} {
		_, body := f.login(t, tc.login).get(tc.path)
		if got := strings.Contains(body, `id="calendar-warning"`) && strings.Contains(body, "2028 年的工作日历"); got != tc.warn {
			t.Errorf("%s %s: warning %v, want %v\n%s", tc.login, tc.path, got, tc.warn, body)
		}
		if got := strings.Contains(body, `<a href="/admin/calendar">`); got != tc.link {
			t.Errorf("%s %s: link %v, want %v", tc.login, tc.path, got, tc.link)
		}
	}
	if _, body := f.login(t, "root").get("/?lang=en"); !strings.Contains(body, "The working-day calendar of 2028 has not been loaded") {
		t.Errorf("English warning:\n%s", body)
	}
	if _, err := f.svc.LoadCalendarYear(ctx, f.root, "year 2028\npublished 2027-11-10\nsource 通知\nrest 2028-01-01 2028-01-03 元旦\n"); err != nil {
		t.Fatal(err)
	}
	if _, body := f.login(t, "root").get("/"); strings.Contains(body, "calendar-warning") {
		t.Error("the warning stays once 2028 is loaded")
	}
}

// TestProfilePage: everyone reads the rules; a supervisor adds a version,
// and a bad one comes back with its problems next to the fields.
func TestProfilePage(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	op := f.login(t, "op1")
	_, body := op.get("/profile")
	if !strings.Contains(body, `id="profile-inforce"`) || !strings.Contains(body, "20 个工作日") || !strings.Contains(body, "09:00 – 20:00") || strings.Contains(body, `id="profile-form"`) {
		t.Fatalf("operator's rules page:\n%s", body)
	}
	if res, _ := op.postForm("/profile", url.Values{"from": {"2026-04-01"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("operator changes the rules: %d", res.StatusCode)
	}
	sup := f.login(t, "sup")
	_, body = sup.get("/profile")
	if !strings.Contains(body, `id="profile-form"`) || !strings.Contains(body, `value="2026-03-06"`) || !regexp.MustCompile(`name="days.unsigned" id="days-unsigned" value="20"`).MatchString(body) {
		t.Fatalf("supervisor's form is not prefilled:\n%s", body)
	}
	form := func() url.Values {
		v := url.Values{"from": {"2026-04-01"}, "call_start": {"09:00"}, "call_end": {"20:00"}, "due_soon": {"3"},
			"min_attempts": {"3"}, "min_days": {"3"}, "min_slots": {"2"}, "orphan_mode": {"gate"}, "note": {"投诉类时限缩短为 5 个工作日"}}
		for _, t := range huifang.ProblemTypes {
			v.Set("days."+string(t), "10")
			v.Set("working."+string(t), "1")
		}
		v.Set("days.unsigned", "20")
		v.Set("days.complaint", "5")
		return v
	}
	bad := form()
	bad.Set("days.misleading-sale", "0")
	bad.Set("days.policy-info", "zwanzig")
	bad.Set("call_end", "08:00")
	res, body := sup.postForm("/profile", bad)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="error-limits-misleading-sale"`) || !strings.Contains(body, `id="error-limits-policy-info"`) ||
		!strings.Contains(body, "请输入整数") || !strings.Contains(body, `value="zwanzig"`) {
		t.Fatalf("bad numbers: %d\n%s", res.StatusCode, body)
	}
	bad.Set("days.policy-info", "20")
	res, body = sup.postForm("/profile", bad)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="error-limits-misleading-sale"`) || !strings.Contains(body, "1–120") ||
		!strings.Contains(body, `id="error-call-end"`) || !strings.Contains(body, `value="08:00"`) {
		t.Fatalf("bad rules: %d\n%s", res.StatusCode, body)
	}
	past := form()
	past.Set("from", "2026-03-05")
	if res, body := sup.postForm("/profile", past); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="error-from"`) || !strings.Contains(body, "不能追溯") {
		t.Fatalf("retroactive: %d\n%s", res.StatusCode, body)
	}
	res, _ = sup.postForm("/profile", form())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/profile?saved=2026-04-01" {
		t.Fatalf("good version: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = sup.get("/profile?saved=2026-04-01")
	if !strings.Contains(body, "自 2026-04-01 起生效") || !strings.Contains(body, "vstate-scheduled") || !strings.Contains(body, "投诉类时限缩短为 5 个工作日") {
		t.Fatalf("after saving:\n%s", body)
	}
	// The insurer's users see the version coming.
	if _, body := op.get("/profile"); !strings.Contains(body, "2026-04-01") || !strings.Contains(body, "5 个工作日") {
		t.Fatalf("operator after the change:\n%s", body)
	}
}

// TestNotifications: the header counts unread notifications; the page
// lists them, unread highlighted, until the user marks one or all read.
func TestNotifications(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	now := f.clk.Now()
	if _, err := f.db.AddNotifications(ctx, []huifang.Notification{
		{OrgID: f.orgA.ID, UserID: f.h1.ID, At: now, Kind: "escalation", Subject: "问题件 #1 已超期", Body: "请尽快处理", Dedupe: "a"},
		{OrgID: f.orgA.ID, UserID: f.h1.ID, At: now.Add(time.Minute), Kind: "digest", Subject: "今日待办", Body: "临期 2 件", Dedupe: "b"},
	}); err != nil {
		t.Fatal(err)
	}
	h := f.login(t, "h1")
	_, body := h.get("/")
	if !regexp.MustCompile(`id="unread-count"[^>]*>2<`).MatchString(body) {
		t.Fatalf("no count of 2 in the header:\n%s", body)
	}
	_, body = h.get("/notifications")
	if !strings.Contains(body, "问题件 #1 已超期") || !strings.Contains(body, "临期 2 件") || strings.Count(body, `class="unread"`) != 2 ||
		strings.Index(body, "今日待办") > strings.Index(body, "问题件 #1 已超期") {
		t.Fatalf("notifications page:\n%s", body)
	}
	ns, err := f.db.ListNotifications(ctx, f.orgA.ID, f.h1.ID, 10)
	if err != nil || len(ns) != 2 {
		t.Fatalf("notifications: %v %+v", err, ns)
	}
	if res, _ := h.postForm("/notifications/"+strconv.FormatInt(ns[0].ID, 10)+"/read", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark one read: %d", res.StatusCode)
	}
	if _, body := h.get("/notifications"); strings.Count(body, `class="unread"`) != 1 {
		t.Fatal("not one unread after marking one read")
	}
	if res, _ := f.login(t, "op1").postForm("/notifications/"+strconv.FormatInt(ns[1].ID, 10)+"/read", url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another user marked the handler's notification: %d", res.StatusCode)
	}
	if res, _ := h.postForm("/notifications/read", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark all read: %d", res.StatusCode)
	}
	if _, body := h.get("/notifications"); strings.Contains(body, `class="unread"`) || strings.Contains(body, `id="unread-count"`) {
		t.Fatal("still unread after marking all read")
	}
	if _, body := f.login(t, "op1").get("/notifications"); !strings.Contains(body, `id="notifications-empty"`) {
		t.Fatal("another user sees the handler's notifications")
	}
}

// TestProblemPagesRender opens the new pages in both languages with data,
// for each role that sees them.
func TestProblemPagesRender(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	c := f.unsignedCase(t, "P1", 1)
	if _, err := f.svc.Acknowledge(ctx, f.h1, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Act(ctx, f.h1, c.ID, app.ActionInput{Kind: "visit", Evidence: &app.Upload{Name: "a.png", ContentType: "image/png", Data: tinyPNG}}); err != nil {
		t.Fatal(err)
	}
	closed, err := f.svc.OpenCase(ctx, f.mgr, "P1", huifang.ProblemComplaint, "投诉")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CloseCase(ctx, f.mgr, closed.ID, "客户已退保"); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(time.Date(2027, 10, 5, 10, 0, 0, 0, huifang.Shanghai)) // with the calendar warning
	users := map[string]*client{}
	for _, l := range []string{"h1", "mgr", "op1", "sup", "root", "adm"} {
		users[l] = f.login(t, l)
	}
	for _, lang := range []string{"zh", "en"} {
		for _, tc := range []struct {
			login, path, want string
		}{
			{"h1", "/problems", "problem-list"},
			{"h1", "/problems?scope=branch", "scope-branch"},
			{"h1", caseURL(c.ID), "act-form"},
			{"mgr", "/problems?status=closed", "problem-list"},
			{"mgr", caseURL(closed.ID), "reopen-form"},
			{"mgr", caseURL(c.ID), "transfer-form"},
			{"op1", "/problems", "open-case"},
			{"sup", "/profile", "profile-form"},
			{"op1", "/profile", "profile-inforce"},
			{"root", "/admin/calendar", "calendar-form"},
			{"root", "/", "calendar-warning"},
			{"h1", "/notifications", "notification-list"},
			{"mgr", "/notifications", "notifications-empty"},
		} {
			res, body := users[tc.login].get(tc.path + sep(tc.path) + "lang=" + lang)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, tc.want) {
				t.Errorf("%s %s (%s): status %d, no %q\n%s", tc.login, tc.path, lang, res.StatusCode, tc.want, body)
			}
			if m := missingKey.FindString(body); m != "" {
				t.Errorf("%s %s (%s): message %s missing", tc.login, tc.path, lang, m)
			}
			if regexp.MustCompile(`<script>|<style|style="|onclick=`).MatchString(body) {
				t.Errorf("%s %s (%s): inline script or style", tc.login, tc.path, lang)
			}
		}
	}
}

// finishNext finishes the operator's next callback with every expected answer
// but those given.
func finishNext(t *testing.T, f *fixture, kind huifang.CallbackKind, override map[string]string) *huifang.Callback {
	t.Helper()
	wk, err := f.svc.Next(ctx, f.op)
	if err != nil {
		t.Fatal(err)
	}
	if wk.Callback.Kind != kind {
		t.Fatalf("next callback is a %s, want %s", wk.Callback.Kind, kind)
	}
	answers := wk.Script.Script.Passing()
	for k, a := range override {
		answers[k] = a
	}
	cb, err := f.svc.Finish(ctx, f.op, wk.Callback.ID, app.FinishInput{Answers: answers})
	if err != nil {
		t.Fatal(err)
	}
	return cb
}
