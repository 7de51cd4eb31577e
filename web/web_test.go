package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/testworld"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := setup(t, w)
		c := f.client(t)
		res, body := c.postForm("/login", url.Values{"login": {"op1"}, "password": {"wrong-password"}})
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password: status %d", res.StatusCode)
		}
		if !strings.Contains(body, "用户名或密码错误") || !strings.Contains(body, `value="op1"`) {
			t.Fatalf("wrong password: no message, or the login was lost:\n%s", body)
		}
		for _, c := range res.Cookies() {
			if c.Name == "huifang_session" && c.Value != "" {
				t.Fatal("a session cookie after a wrong password")
			}
		}

		res, _ = c.postForm("/login", url.Values{"login": {"op1"}, "password": {password}, "next": {"/callbacks?status=open"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/callbacks?status=open" {
			t.Fatalf("login: status %d, location %q", res.StatusCode, res.Header.Get("Location"))
		}
		var session *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == "huifang_session" {
				session = c
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Value == "" {
			t.Fatalf("session cookie %+v", session)
		}
		if res, body := c.get("/"); res.StatusCode != http.StatusOK || !strings.Contains(body, "王小红") || !strings.Contains(body, `href="/work"`) {
			t.Fatalf("overview after login: %d\n%s", res.StatusCode, body)
		}
		// An open redirect is not followed.
		res, _ = f.client(t).postForm("/login", url.Values{"login": {"op1"}, "password": {password}, "next": {"//evil.example/"}})
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Fatalf("next=//evil.example/ redirected to %q", loc)
		}
		// Logging out ends the session.
		if res, _ := c.postForm("/logout", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.StatusCode)
		}
		if res, _ := c.get("/"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("after logout: %d", res.StatusCode)
		}
	})
}

func TestPagesNeedASession(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	c := f.client(t)
	for _, path := range []string{"/", "/work", "/callbacks?status=open", "/problems", "/import", "/callbacks/1", "/problems/1", "/problems/1/evidence/1", "/callbacks/1/receipt", "/recordings/1", "/profile", "/admin/calendar", "/notifications"} {
		res, _ := c.get(path)
		want := "/login?next=" + url.QueryEscape(path)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Errorf("GET %s: status %d, location %q, want %q", path, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
	// The progress poll is JSON: it gets a 401, not a login page.
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/import/jobs/x", nil)
	req.Header.Set("Accept", "application/json")
	if res, _ := c.do(req); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("JSON without session: %d", res.StatusCode)
	}
	// A forged cookie is no session.
	req, _ = http.NewRequest(http.MethodGet, f.srv.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: "huifang_session", Value: "forged"})
	if res, _ := c.do(req); res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "expired=1") {
		t.Errorf("forged session: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := c.get("/healthz"); res.StatusCode != http.StatusOK || body != "ok" {
		t.Errorf("healthz: %d %q", res.StatusCode, body)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	c := f.login(t, "op1")
	res, body := c.postForm("/work/next", nil, "Sec-Fetch-Site", "cross-site")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "其他网站") {
		t.Fatalf("cross-site POST: status %d\n%s", res.StatusCode, body)
	}
	if cb := f.callbackOf(t, f.orgA, "P1"); cb.LeaseUserID != 0 {
		t.Fatal("a cross-site POST took a callback")
	}
	// So is a login posted from another site.
	res, _ = f.client(t).postForm("/login", url.Values{"login": {"op1"}, "password": {password}}, "Origin", "https://evil.example")
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin login: status %d", res.StatusCode)
	}
	res, _ = c.postForm("/work/next", nil, "Sec-Fetch-Site", "same-origin")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/work/") {
		t.Fatalf("same-origin POST: status %d, location %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestOtherInsurersCallbackIsNotFound(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := setup(t, w)
		f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
		id := strconv.FormatInt(f.callbackOf(t, f.orgA, "P1").ID, 10)
		b := f.login(t, "opb")
		for _, path := range []string{"/callbacks/" + id, "/work/" + id} {
			res, body := b.get(path)
			if res.StatusCode != http.StatusNotFound || strings.Contains(body, "P1") || strings.Contains(body, "张三") {
				t.Errorf("insurer B opens %s of A: status %d\n%s", path, res.StatusCode, body)
			}
		}
		if res, _ := b.postForm("/work/"+id+"/reveal", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("insurer B reveals A's phone: status %d", res.StatusCode)
		}
		if _, body := b.get("/callbacks"); strings.Contains(body, "P1") {
			t.Error("insurer B's list shows A's policy")
		}
		a := f.login(t, "op1")
		if res, body := a.get("/callbacks/" + id); res.StatusCode != http.StatusOK || !strings.Contains(body, "P1") || !strings.Contains(body, "138****0001") {
			t.Errorf("insurer A opens its own callback: %d", res.StatusCode)
		}
	})
}

func TestEnglish(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	c := f.client(t)
	if _, body := c.get("/login"); !strings.Contains(body, `<html lang="zh-CN">`) || !strings.Contains(body, "用户名") {
		t.Fatalf("default language is not Chinese:\n%s", body)
	}
	res, body := c.get("/login?lang=en")
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Password") || strings.Contains(body, "密码") {
		t.Fatalf("?lang=en:\n%s", body)
	}
	var langCookie bool
	for _, ck := range res.Cookies() {
		langCookie = langCookie || ck.Name == "lang" && ck.Value == "en"
	}
	if !langCookie {
		t.Fatal("?lang=en did not set the lang cookie")
	}
	// The cookie keeps English, also for messages of the login form.
	res, body = c.postForm("/login", url.Values{"login": {"op1"}, "password": {"nope-nope"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong login or password") {
		t.Fatalf("English login error: %d\n%s", res.StatusCode, body)
	}
	c.postForm("/login", url.Values{"login": {"op1"}, "password": {password}})
	if _, body := c.get("/"); !strings.Contains(body, "Workbench") || !strings.Contains(body, "Overview") {
		t.Fatalf("English overview:\n%s", body)
	}
	// And back.
	if _, body := c.get("/?lang=zh"); !strings.Contains(body, "工作台") {
		t.Fatalf("back to Chinese:\n%s", body)
	}
}

// missingKey finds a message key that a template used but no table has.
var missingKey = regexp.MustCompile(`⟦[^⟧]*⟧`)

// TestPagesRender opens every page in both languages, with data in it.
func TestPagesRender(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	f.loadPolicies(t, "A",
		policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1),
		policyLine("P2", "U01", "银保", "李四", "2026-02-10", "13800000002", 2))
	op, adm := f.login(t, "op1"), f.login(t, "adm")
	res, _ := op.postForm("/work/next", nil)
	work := res.Header.Get("Location")
	for _, lang := range []string{"zh", "en"} {
		for _, tc := range []struct {
			c    *client
			path string
			want string
		}{
			{op, "/", "tally"},
			{op, "/work", "take-next"},
			{op, work, "items"},
			{op, "/callbacks", "callback-list"},
			{op, "/callbacks?status=open&channel=bancassurance&due_from=2026-03-01&late=1", "list-total"},
			{op, "/problems", "problems"},
			{adm, "/import", "import-form"},
			{adm, "/", "tally"},
		} {
			res, body := tc.c.get(tc.path + sep(tc.path) + "lang=" + lang)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, tc.want) {
				t.Errorf("%s (%s): status %d, no %q\n%s", tc.path, lang, res.StatusCode, tc.want, body)
			}
			if m := missingKey.FindString(body); m != "" {
				t.Errorf("%s (%s): message %s missing", tc.path, lang, m)
			}
		}
	}
	// The workbench shows the deadline of the overdue policy in red.
	res, body := op.get(work)
	if !strings.Contains(body, "due-over") || !strings.Contains(body, "138****0002") {
		t.Errorf("workbench of the overdue P2:\n%s", body)
	}
	// A bad date comes back next to its field with what was typed.
	res, body = op.get("/callbacks?due_from=2026-13-45")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "YYYY-MM-DD") || !strings.Contains(body, `value="2026-13-45"`) {
		t.Errorf("bad date: %d\n%s", res.StatusCode, body)
	}
	// The operator has no import; the administrator does not call.
	if res, _ := op.get("/import"); res.StatusCode != http.StatusForbidden {
		t.Errorf("operator /import: %d", res.StatusCode)
	}
	if res, _ := adm.postForm("/work/next", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("administrator takes a callback: %d", res.StatusCode)
	}
	if res, _ := op.get("/nowhere"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown page: %d", res.StatusCode)
	}
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

func TestWorkbenchForms(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	op := f.login(t, "op1")
	res, _ := op.postForm("/work/next", nil)
	work := res.Header.Get("Location")
	// No outcome chosen: the form comes back with the note kept.
	res, body := op.postForm(work+"/attempt", url.Values{"note": {"客户说稍后"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请选择拨打结果") || !strings.Contains(body, "客户说稍后") {
		t.Fatalf("attempt without outcome: %d\n%s", res.StatusCode, body)
	}
	// Another time without the time: the app's message, the choice kept.
	res, body = op.postForm(work+"/attempt", url.Values{"outcome": {"reschedule"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "约定") || !regexp.MustCompile(`value="reschedule"[^>]*checked`).MatchString(body) {
		t.Fatalf("reschedule without time: %d\n%s", res.StatusCode, body)
	}
	// Finishing with answers missing marks them and keeps the given ones.
	res, body = op.postForm(work+"/finish", url.Values{"a.identity": {"yes"}, "a.signed": {"yes"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "尚未回答") || !strings.Contains(body, "has-error") ||
		!regexp.MustCompile(`name="a.signed" value="yes" checked`).MatchString(body) {
		t.Fatalf("finish with answers missing: %d\n%s", res.StatusCode, body)
	}
	// Reveal shows the full number, and the view is audited.
	res, body = op.postForm(work+"/reveal", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "13800000001") {
		t.Fatalf("reveal: %d", res.StatusCode)
	}
	if a, _ := f.db.ListAudit(ctx, f.orgA.ID, huifang.AuditFilter{Action: "view-pii"}); len(a) != 1 {
		t.Fatalf("reveal audit: %+v", a)
	}
	// Another time: recorded, and the callback waits for it.
	res, _ = op.postForm(work+"/attempt", url.Values{"outcome": {"reschedule"}, "schedule_at": {"2026-03-06T15:30"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/work?requeued=") {
		t.Fatalf("reschedule: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = op.get(res.Header.Get("Location"))
	if !strings.Contains(body, "2026-03-06 15:30") || !strings.Contains(body, "客户另约时间") {
		t.Fatalf("requeued notice:\n%s", body)
	}
	// The lease is gone: the page says so and offers no forms.
	_, body = op.get(work)
	if !strings.Contains(body, "lease-lost") || strings.Contains(body, `id="attempt"`) {
		t.Fatalf("after reschedule:\n%s", body)
	}
	if res, body := op.postForm(work+"/attempt", url.Values{"outcome": {"busy"}}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "不在您名下") {
		t.Fatalf("attempt without the lease: %d\n%s", res.StatusCode, body)
	}
	// Nothing else may be called now.
	_, body = op.postForm("/work/next", nil)
	if !strings.Contains(body, "目前没有可以拨打的回访") {
		t.Fatalf("no work:\n%s", body)
	}
	// Outside calling hours a notice says so.
	f.clk.Set(at(5, 21, 0))
	op = f.login(t, "op1") // the morning's session has expired by now
	_, body = op.postForm("/work/next", nil)
	if !strings.Contains(body, "回访时间") {
		t.Fatalf("outside hours:\n%s", body)
	}
}

func TestExport(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	adm := f.login(t, "adm")
	res, body := adm.get("/export/callbacks?format=csv&status=open")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Disposition") != `attachment; filename="callbacks-2026-03-05.csv"` ||
		!strings.Contains(body, "P1") || !strings.Contains(body, "保单号") {
		t.Fatalf("export: %d %v\n%s", res.StatusCode, res.Header, body)
	}
	res, _ = adm.get("/export/callbacks?format=xlsx")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "callbacks-2026-03-05.xlsx") {
		t.Fatalf("xlsx export: %d %v", res.StatusCode, res.Header)
	}
	// Errors before the first byte are pages, not broken downloads.
	res, body = adm.get("/export/callbacks?format=pdf")
	if res.StatusCode != http.StatusBadRequest || res.Header.Get("Content-Disposition") != "" || !strings.Contains(body, "csv") {
		t.Fatalf("bad format: %d %v", res.StatusCode, res.Header)
	}
	// The operator may not export.
	if res, _ := f.login(t, "op1").get("/export/callbacks?format=csv"); res.StatusCode != http.StatusForbidden || res.Header.Get("Content-Disposition") != "" {
		t.Fatalf("operator export: %d", res.StatusCode)
	}
}

func TestImportUploadValidation(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	adm := f.login(t, "adm")
	post := func(kind, name, content string) (*http.Response, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		if kind != "" {
			mw.WriteField("kind", kind)
		}
		if name != "" {
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write([]byte(content))
		}
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return adm.do(req)
	}
	if res, body := post("policies", "", ""); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请选择要上传的文件") ||
		!regexp.MustCompile(`value="policies"[^>]*checked`).MatchString(body) {
		t.Fatalf("no file: %d\n%s", res.StatusCode, body)
	}
	if res, body := post("", "b.csv", testworld.BranchesCSV); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请选择数据类型") {
		t.Fatalf("no kind: %d\n%s", res.StatusCode, body)
	}
	if res, body := post("branches", "b.pdf", "x"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, ".xlsx") {
		t.Fatalf("bad extension: %d\n%s", res.StatusCode, body)
	}
	// A good file runs as a job; someone else cannot see it.
	res, _ := post("branches", "b.csv", testworld.BranchesCSV)
	job := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(job, "/import/") {
		t.Fatalf("upload: %d %s", res.StatusCode, job)
	}
	status := "/import/jobs/" + strings.TrimPrefix(job, "/import/")
	if res, _ := f.login(t, "op1").get(status); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another user's job: %d", res.StatusCode)
	}
	var body string
	for range 200 {
		time.Sleep(20 * time.Millisecond)
		_, body = adm.get(status)
		if strings.Contains(body, `"phase":"done"`) || strings.Contains(body, `"phase":"failed"`) {
			break
		}
	}
	if !strings.Contains(body, `"phase":"done"`) || !strings.Contains(body, `"unchanged":4`) {
		t.Fatalf("job status: %s", body)
	}
}

func TestStaticAndHeaders(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	c := f.client(t)
	res, body := c.get("/login")
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "style-src 'self'") {
		t.Fatalf("CSP %q", csp)
	}
	// No inline script or style may appear: the policy would block it.
	if regexp.MustCompile(`<script>|<style|style="|onclick=`).MatchString(body) {
		t.Fatalf("inline script or style:\n%s", body)
	}
	for _, name := range []string{"app.css", "app.js"} {
		link := regexp.MustCompile(`/static/` + regexp.QuoteMeta(name) + `\?v=[0-9a-f]+`).FindString(body)
		if link == "" {
			t.Fatalf("no hashed link to %s", name)
		}
		res, _ := c.get(link)
		etag := res.Header.Get("ETag")
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || etag == "" {
			t.Fatalf("%s: %d %v", link, res.StatusCode, res.Header)
		}
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+link, nil)
		req.Header.Set("If-None-Match", etag)
		if res, _ := c.do(req); res.StatusCode != http.StatusNotModified {
			t.Fatalf("%s with If-None-Match: %d", link, res.StatusCode)
		}
	}
	if res, _ := c.get("/static/app.css?v=old"); res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("a stale link is cached: %v", res.Header)
	}
}
