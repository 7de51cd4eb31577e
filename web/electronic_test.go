package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/sms"
	"github.com/huifang/huifang/testworld"
)

// texts keeps the text messages the service sends.
type texts struct {
	mu   sync.Mutex
	msgs []sms.Message
}

func (x *texts) Send(_ context.Context, m sms.Message) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.msgs = append(x.msgs, m)
	return nil
}

var (
	linkRE = regexp.MustCompile(`/e/[A-Za-z0-9_-]+`)
	codeRE = regexp.MustCompile(`验证码为 (\d{6})`)
)

// last is the last message of a kind.
func (x *texts) last(t *testing.T, kind string) string {
	t.Helper()
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := len(x.msgs) - 1; i >= 0; i-- {
		if x.msgs[i].Kind == kind {
			return x.msgs[i].Text
		}
	}
	t.Fatalf("no %s message", kind)
	return ""
}

// link is the path of the last link sent.
func (x *texts) link(t *testing.T) string {
	t.Helper()
	return linkRE.FindString(x.last(t, sms.KindLink))
}

// code is the last one-time code sent.
func (x *texts) code(t *testing.T) string {
	t.Helper()
	return codeRE.FindStringSubmatch(x.last(t, sms.KindCode))[1]
}

// electronicHolder is a policyholder who chose an electronic callback, and
// the last six characters of their ID number.
func electronicHolder(no, receipt, phone string, seq int) (line, digits string) {
	id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), seq)
	r, _ := huifang.ParseISODate(receipt)
	return strings.Join([]string{no, "L20", "个险", "86010101", "A001", "", "张三", id, "1980-05-06", phone, "张三",
		r.AddDays(-10).String(), r.AddDays(-5).String(), receipt, "12000.00", "年交", "10", "", "电子"}, ",") + "\n", id[len(id)-6:]
}

const policyHeadMethod = "保单号,产品代码,销售渠道,机构代码,业务员代码,银行网点代码,投保人姓名,投保人证件号码,投保人出生日期,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期,保险期间,回访方式\n"

// electronicFixture is the web UI with one customer's link sent.
func electronicFixture(t *testing.T, w *testworld.World) (*fixture, *texts, string) {
	t.Helper()
	f := setup(t, w)
	out := &texts{}
	f.svc.SMS, f.svc.PublicURL = out, f.srv.URL
	line, digits := electronicHolder("E1", "2026-03-02", "13800000001", 1)
	line2, _ := electronicHolder("E2", "2026-03-02", "13800000002", 2)
	f.importFile(t, "A", importer.KindPolicies, policyHeadMethod+line+line2)
	if n, err := f.svc.IssueElectronicLinks(ctx); err != nil || n != 2 {
		t.Fatalf("issue: %d %v", n, err)
	}
	return f, out, digits
}

// TestElectronicRefusalsLookAlike: a guessed, malformed, expired, used or
// locked link, wrong ID digits, a wrong code, a missing cookie — every
// refusal has the same status and the same page, and the first page of a
// real link is the same as that of a guessed one.
func TestElectronicRefusalsLookAlike(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f, out, digits := electronicFixture(t, w)
		link := out.link(t) // E2's: the last sent
		_, e2digits := electronicHolder("E2", "2026-03-02", "13800000002", 2)
		guessed := "/e/" + strings.Repeat("A", 24)

		// The first page says nothing of the link.
		_, real := f.client(t).get(link)
		res, fake := f.client(t).get(guessed)
		if res.StatusCode != http.StatusOK || real != fake || !strings.Contains(real, `id="identity-form"`) {
			t.Fatalf("first pages differ (%d):\n%s\n----\n%s", res.StatusCode, real, fake)
		}
		if strings.Contains(real, "A人寿") || strings.Contains(real, "张三") || strings.Contains(real, "<script") {
			t.Fatalf("the first page shows too much, or needs JavaScript:\n%s", real)
		}
		if h := res.Header; h.Get("Cache-Control") != "no-store" || h.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Fatalf("headers %v", h)
		}

		type refusal struct {
			name string
			do   func() (*http.Response, string)
		}
		identity := func(path, d string) func() (*http.Response, string) {
			return func() (*http.Response, string) {
				return f.client(t).postForm(path, url.Values{"step": {"identity"}, "digits": {d}})
			}
		}
		refusals := []refusal{
			{"guessed link", identity(guessed, digits)},
			{"malformed link", identity("/e/x", digits)},
			{"wrong ID digits", identity(link, "123456")},
			{"code without identity", func() (*http.Response, string) {
				return f.client(t).postForm(link, url.Values{"step": {"code"}, "code": {"123456"}})
			}},
			{"answers without identity", func() (*http.Response, string) {
				return f.client(t).postForm(link, url.Values{"step": {"answers"}, "a.identity": {"yes"}})
			}},
			{"no step", func() (*http.Response, string) { return f.client(t).postForm(link, url.Values{}) }},
		}
		// A used link: E1 completes its callback through the pages.
		e1 := out.msgs[0].Text
		e1link := linkRE.FindString(e1)
		c := f.client(t)
		res, body := c.postForm(e1link, url.Values{"step": {"identity"}, "digits": {digits}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "138****0001") {
			t.Fatalf("identity: %d\n%s", res.StatusCode, body)
		}
		var cookie *http.Cookie
		for _, k := range res.Cookies() {
			if k.Name == "hf_link" {
				cookie = k
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != e1link || cookie.MaxAge <= 0 {
			t.Fatalf("link cookie %+v", cookie)
		}
		code := codeRE.FindStringSubmatch(out.last(t, sms.KindCode))[1]
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		refusals = append(refusals, refusal{"wrong code", func() (*http.Response, string) {
			return c.postForm(e1link, url.Values{"step": {"code"}, "code": {wrong}})
		}})
		// Run the refusals so far (the wrong code before the right one).
		var pages []string
		check := func(r refusal) {
			t.Helper()
			res, body := r.do()
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("%s: status %d\n%s", r.name, res.StatusCode, body)
			}
			pages = append(pages, body)
			if body != pages[0] {
				t.Fatalf("%s looks different:\n%s\n----\n%s", r.name, body, pages[0])
			}
		}
		for _, r := range refusals {
			check(r)
		}
		res, body = c.postForm(e1link, url.Values{"step": {"code"}, "code": {code}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="answers"`) {
			t.Fatalf("code: %d\n%s", res.StatusCode, body)
		}
		answers := url.Values{"step": {"answers"}, "script": {regexp.MustCompile(`name="script" value="([^"]+)"`).FindStringSubmatch(body)[1]}}
		for _, m := range regexp.MustCompile(`name="(a\.[a-z-]+)" value="(yes|方便)"`).FindAllStringSubmatch(body, -1) {
			answers.Set(m[1], m[2])
		}
		res, body = c.postForm(e1link, answers)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="done"`) {
			t.Fatalf("answers: %d\n%s", res.StatusCode, body)
		}
		check(refusal{"used link", identity(e1link, digits)})
		check(refusal{"used link, same browser", func() (*http.Response, string) { return c.postForm(e1link, answers) }})
		// E2's link locks after five failures: then even the right digits are refused alike.
		for i := 0; i < 4; i++ {
			check(refusal{"wrong digits again", identity(link, "65432X")})
		}
		if cb := f.callbackOf(t, f.orgA, "E2"); cb.Status != huifang.StatusOpen {
			t.Fatalf("locked link's callback is %s", cb.Status)
		}
		check(refusal{"locked link", identity(link, e2digits)})
		// An expired link: E1's deadline has passed (and so has its fallback day).
		f.clk.Set(at(20, 10, 0))
		check(refusal{"expired link", identity(e1link, digits)})

		// A typing slip is told, the same way for any link.
		res1, b1 := f.client(t).postForm(guessed, url.Values{"step": {"identity"}, "digits": {"12"}})
		res2, b2 := f.client(t).postForm(link, url.Values{"step": {"identity"}, "digits": {"12"}})
		if res1.StatusCode != http.StatusBadRequest || res2.StatusCode != http.StatusBadRequest || b1 != b2 || !strings.Contains(b1, "请输入 6 位") {
			t.Fatalf("format slip: %d %d\n%s", res1.StatusCode, res2.StatusCode, b1)
		}
	})
}

// TestElectronicPages: the customer's way through the pages, and what staff
// see of it.
func TestElectronicPages(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f, out, digits := electronicFixture(t, w)
		link := linkRE.FindString(out.msgs[0].Text)
		// English on request, like the rest of the site.
		if _, en := f.client(t).get(link + "?lang=en"); !strings.Contains(en, "Confirm who you are") || !strings.Contains(en, `lang="en"`) {
			t.Fatalf("English page:\n%s", en)
		}
		c := f.client(t)
		c.get(link)
		res, body := c.postForm(link, url.Values{"step": {"identity"}, "digits": {digits}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="code-form"`) || !strings.Contains(body, "138****0001") {
			t.Fatalf("identity: %d\n%s", res.StatusCode, body)
		}
		// A slip in the code is told without spending a check.
		res, body = c.postForm(link, url.Values{"step": {"code"}, "code": {"12a"}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "验证码是 6 位数字") {
			t.Fatalf("code slip: %d\n%s", res.StatusCode, body)
		}
		// Too soon for another code: said on the page.
		res, body = c.postForm(link, url.Values{"step": {"resend"}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "请稍候一分钟") {
			t.Fatalf("resend: %d\n%s", res.StatusCode, body)
		}
		res, body = c.postForm(link, url.Values{"step": {"code"}, "code": {out.code(t)}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="answers"`) || !strings.Contains(body, "A人寿") {
			t.Fatalf("code: %d\n%s", res.StatusCode, body)
		}
		// The script, filled in, with every choice a radio button.
		if strings.Contains(body, "{{") || strings.Contains(body, "⟦") || !strings.Contains(body, `type="radio" name="a.identity" value="yes"`) ||
			!strings.Contains(body, "张三") || strings.Contains(body, "<script") {
			t.Fatalf("answers page:\n%s", body)
		}
		// Coming back: straight to the answers.
		if _, again := c.get(link); !strings.Contains(again, `id="answers"`) {
			t.Fatalf("back on the link:\n%s", again)
		}
		// Half answered: the form again, the unanswered questions marked.
		ref := regexp.MustCompile(`name="script" value="([^"]+)"`).FindStringSubmatch(body)[1]
		res, body = c.postForm(link, url.Values{"step": {"answers"}, "script": {ref}, "a.identity": {"yes"}, "a.convenient": {"方便"}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="answers-error"`) || !strings.Contains(body, "has-error") ||
			!strings.Contains(body, `value="yes" checked`) {
			t.Fatalf("half answered: %d\n%s", res.StatusCode, body)
		}
		form := url.Values{"step": {"answers"}, "script": {ref}}
		for _, m := range regexp.MustCompile(`name="(a\.[a-z-]+)" value="(yes|方便)"`).FindAllStringSubmatch(body, -1) {
			form.Set(m[1], m[2])
		}
		form.Set("a.surrender", "unclear")
		res, body = c.postForm(link, form, "User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "回访已完成") || !strings.Contains(body, "进一步核实") {
			t.Fatalf("answers: %d\n%s", res.StatusCode, body)
		}
		cb := f.callbackOf(t, f.orgA, "E1")
		if cb.Status != huifang.StatusDone || cb.Result != huifang.ResultProblems || cb.Method != huifang.MethodElectronic ||
			!strings.Contains(cb.Evidence, `"ip":"127.0.0.1"`) || !strings.Contains(cb.Evidence, "iPhone") {
			t.Fatalf("callback %+v", cb)
		}

		// Staff see the evidence and the link on the callback's page.
		op := f.login(t, "op1")
		res, page := op.get("/callbacks/" + strconv.FormatInt(cb.ID, 10))
		if res.StatusCode != http.StatusOK || !strings.Contains(page, `id="electronic-evidence"`) || !strings.Contains(page, "127.0.0.1") ||
			!strings.Contains(page, "电子化回访") || strings.Contains(page, link) {
			t.Fatalf("callback page: %d\n%s", res.StatusCode, page)
		}
		// E2 waits: listed with its own status; an operator withdraws it, then sends it again.
		e2 := f.callbackOf(t, f.orgA, "E2")
		if _, list := op.get("/callbacks?status=electronic"); !strings.Contains(list, "E2") || strings.Contains(list, ">E1<") || !strings.Contains(list, "等待客户电子回访") {
			t.Fatalf("list:\n%s", list)
		}
		path := "/callbacks/" + strconv.FormatInt(e2.ID, 10)
		if res, _ := op.postForm(path+"/electronic/withdraw", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", res.StatusCode)
		}
		if cb := f.callbackOf(t, f.orgA, "E2"); cb.Status != huifang.StatusOpen {
			t.Fatalf("withdrawn: %s", cb.Status)
		}
		res, _ = op.postForm(path+"/electronic", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?notice=electronic-sent" {
			t.Fatalf("send: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if _, page := op.get(path + "?notice=electronic-sent"); !strings.Contains(page, `id="electronic-notice"`) || !strings.Contains(page, "已作废") {
			t.Fatalf("after sending:\n%s", page)
		}
		// Insurer B's operator cannot.
		if res, _ := f.login(t, "opb").postForm(path+"/electronic", nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("B: %d", res.StatusCode)
		}
		// Done, or too close to the deadline: said on the page.
		if res, page := op.postForm("/callbacks/"+strconv.FormatInt(cb.ID, 10)+"/electronic", nil); res.StatusCode != http.StatusConflict || !strings.Contains(page, `id="electronic-error"`) {
			t.Fatalf("done callback: %d\n%s", res.StatusCode, page)
		}
		f.clk.Set(at(15, 10, 0))
		op = f.login(t, "op1")
		if res, page := op.postForm(path+"/electronic", nil); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "已不足 3 天") {
			t.Fatalf("near the deadline: %d\n%s", res.StatusCode, page)
		}
	})
}

// TestOutboxPage: an insurer's administrator reads the messages kept by the
// development sender, numbers masked; nobody else does.
func TestOutboxPage(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := setup(t, w)
		f.svc.SMS, f.svc.PublicURL = sms.Outbox{Store: f.db}, f.srv.URL
		line, _ := electronicHolder("E1", "2026-03-02", "13800000001", 1)
		f.importFile(t, "A", importer.KindPolicies, policyHeadMethod+line)
		if n, err := f.svc.IssueElectronicLinks(ctx); err != nil || n != 1 {
			t.Fatalf("issue: %d %v", n, err)
		}
		adm := f.login(t, "adm")
		res, body := adm.get("/admin/outbox")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "138****0001") || strings.Contains(body, "13800000001") ||
			!strings.Contains(body, f.srv.URL+"/e/") || !strings.Contains(body, `id="nav-outbox"`) {
			t.Fatalf("outbox: %d\n%s", res.StatusCode, body)
		}
		if res, _ := f.login(t, "op1").get("/admin/outbox"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("operator: %d", res.StatusCode)
		}
		if _, err := f.svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "B", Login: "admb", Role: huifang.RoleInsurerAdmin, Password: password}); err != nil {
			t.Fatal(err)
		}
		if _, body := f.login(t, "admb").get("/admin/outbox"); !strings.Contains(body, `id="outbox-empty"`) {
			t.Fatalf("B's outbox:\n%s", body)
		}
	})
}

// TestProfileElectronicSettings: the regulator's supervisor makes
// traditional and health products electronic first and moves the fallback
// to five days.
func TestProfileElectronicSettings(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	sup := f.login(t, "sup")
	_, body := sup.get("/profile")
	if !strings.Contains(body, "仅在客户选择时") || !strings.Contains(body, `id="profile-fallback-days" value="3"`) {
		t.Fatalf("shipped settings:\n%s", body)
	}
	form := url.Values{"from": {"2026-04-01"}, "call_start": {"09:00"}, "call_end": {"20:00"}, "due_soon": {"2"},
		"min_attempts": {"3"}, "min_days": {"3"}, "min_slots": {"2"}, "orphan_mode": {"gate"}}
	for _, m := range regexp.MustCompile(`name="(days\.[a-z-]+)" id="[a-z-]+" value="(\d+)"`).FindAllStringSubmatch(body, -1) {
		form.Set(m[1], m[2])
	}
	for _, ty := range huifang.ProblemTypes {
		form.Set("working."+string(ty), "1")
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("electronic", "1")
	bad.Set("electronic_fallback_days", "11")
	if res, body := sup.postForm("/profile", bad); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "1–10") {
		t.Fatalf("11 days: %d\n%s", res.StatusCode, body)
	}
	form.Set("electronic", "1")
	form["electronic_first"] = []string{"health", "traditional"}
	form.Set("electronic_fallback_days", "5")
	if res, body := sup.postForm("/profile", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, body)
	}
	v, err := f.svc.ProfileFor(ctx, f.orgA.ID, huifang.NewDate(2026, 4, 1))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(v.Rules.ElectronicFirst) != "[traditional health]" || v.Rules.ElectronicFallbackDays != 5 {
		t.Fatalf("saved %v %d", v.Rules.ElectronicFirst, v.Rules.ElectronicFallbackDays)
	}
	if _, body := sup.get("/profile"); !strings.Contains(body, "传统、健康") {
		t.Fatalf("versions:\n%s", body)
	}
}
