package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/script"
	"github.com/huifang/huifang/testworld"
)

// scriptFile is a shipped script in the file format, edited.
func scriptFile(t *testing.T, code string, edit func(*script.Script)) []byte {
	t.Helper()
	sc := script.Lookup(code)
	if sc == nil {
		t.Fatalf("no shipped script %s", code)
	}
	if edit != nil {
		edit(sc)
	}
	var b bytes.Buffer
	if err := sc.Format(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uncover takes an item out of every step's covers.
func uncover(it script.Item) func(*script.Script) {
	return func(s *script.Script) {
		for i := range s.Steps {
			s.Steps[i].Covers = slices.DeleteFunc(s.Steps[i].Covers, func(x script.Item) bool { return x == it })
		}
	}
}

// importScript uploads a script file through the form.
func (c *client) importScript(product, name string, file []byte) (*http.Response, string) {
	c.t.Helper()
	return c.postMultipart("/scripts", map[string]string{"product": product}, "file", name, "application/json", file)
}

var scriptLocation = regexp.MustCompile(`^/scripts/(\d+)$`)

// mustImport uploads a script file that the form accepts, and returns the
// new draft's id from the redirect to its page.
func (c *client) mustImport(product, name string, file []byte) int64 {
	c.t.Helper()
	res, body := c.importScript(product, name, file)
	m := scriptLocation.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		c.t.Fatalf("import: %d %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func scriptPage(id int64) string { return "/scripts/" + strconv.FormatInt(id, 10) }

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("%s has no %q:\n%s", what, w, body)
		}
	}
	if strings.Contains(body, "⟦") {
		t.Fatalf("%s has an untranslated key:\n%s", what, body)
	}
}

// TestScriptLifecycleForms: an insurer's administrator imports a complete
// script, files it and activates it through the forms; each refusal comes
// back next to its form.
func TestScriptLifecycleForms(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := setup(t, w)
		adm := f.login(t, "adm")

		res, body := adm.get("/scripts")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("list: %d", res.StatusCode)
		}
		mustContain(t, "the empty list", body, `id="nav-scripts"`, "话术</a>", `id="scripts-empty"`, "标准话术库", `id="import-script"`,
			`href="/scripts/library/universal-bank"`, `<option value="U01">U01 鑫享万能`)
		if n := strings.Count(body, `<tr data-code="`); n != len(script.Library()) {
			t.Fatalf("%d shipped scripts listed", n)
		}

		// Import, as the override of product U01.
		file := scriptFile(t, "universal-bank", func(s *script.Script) { s.Name = "万能险银保回访（A人寿版）" })
		id := adm.mustImport("U01", "universal-bank.json", file)
		page := scriptPage(id)
		res, body = adm.get(page)
		mustContain(t, "the new draft", body, `id="script-notice"`, "已导入为草稿", "万能险银保回访（A人寿版）", "universal-bank v1",
			`<span class="tag sstatus-draft big" id="script-status">草稿</span>`, "U01 鑫享万能", "陈主管 (adm)",
			"✓ 已覆盖全部 9 项", `id="script-file-submit"`,
			// The rules in words.
			"回答“否”或“不清楚”", "结束通话：非投保人本人", "结束通话：客户另约时间", "问题件：投保材料未签名或代签名",
			"问题件：客户不清楚保险权益", "回答“是”</span> <span", `<span class="var" title="变量 {{holder_name}}：回访时填入保单的值">投保人姓名</span>`,
			`<span class="tag kind-statement">宣读</span>`, `<span class="chip">现在不方便，另约时间</span>`)
		if strings.Contains(body, `id="activate-form"`) {
			t.Fatal("a draft offers activation")
		}
		// The notice shows once.
		if _, body := adm.get(page); strings.Contains(body, `id="script-notice"`) {
			t.Fatal("the notice came back on reload")
		}

		// A draft cannot be activated: the app says why, on top.
		res, body = adm.postForm(page+"/activate", url.Values{"from": {"2026-03-05"}})
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("activating a draft: %d\n%s", res.StatusCode, body)
		}
		mustContain(t, "activating a draft", body, `id="script-error"`, "目前是「草稿」")

		if res, body := adm.postForm(page+"/file", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
			t.Fatalf("file: %d\n%s", res.StatusCode, body)
		}
		_, body = adm.get(page)
		mustContain(t, "the filed script", body, "已报备监管机构", `id="activate-form"`, `name="from" id="activate-from" value="2026-03-05" min="2026-03-05"`)

		// Not in the past.
		res, body = adm.postForm(page+"/activate", url.Values{"from": {"2026-03-04"}})
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("activating yesterday: %d", res.StatusCode)
		}
		mustContain(t, "activating yesterday", body, `id="activate-error"`, "启用日期须为今天或以后", `value="2026-03-04"`)
		res, body = adm.postForm(page+"/activate", url.Values{"from": {"2026-03-06"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("activate: %d\n%s", res.StatusCode, body)
		}
		_, body = adm.get(page)
		mustContain(t, "the active script", body, "已启用", "待生效", "自 2026-03-06 起用于新的回访", `id="retire"`)
		rec, err := f.db.FindScript(ctx, f.orgA.ID, id)
		if err != nil || rec.Status != "active" || rec.ActiveFrom != huifang.NewDate(2026, 3, 6) {
			t.Fatalf("stored: %+v %v", rec, err)
		}

		// The list, and its filter.
		_, body = adm.get("/scripts")
		mustContain(t, "the list", body, `data-status="active"`, "万能险银保回访（A人寿版）", "2026-03-06", `id="status-active"`)
		_, body = adm.get("/scripts?status=draft")
		mustContain(t, "the drafts", body, `id="scripts-empty"`, "没有该状态的话术")

		// The file, as stored, numbered as the store numbers it.
		res, body = adm.get(page + ".json")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Disposition") != `attachment; filename=universal-bank-v1.json` ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("download: %d %v", res.StatusCode, res.Header)
		}
		if body != string(file) {
			t.Fatalf("downloaded file differs:\n%s", body)
		}

		// Retire it.
		if res, _ := adm.postForm(page+"/retire", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("retire: %d", res.StatusCode)
		}
		_, body = adm.get(page)
		mustContain(t, "the retired script", body, "已停用", "不能再启用")
		if strings.Contains(body, `<form method="post" action="/scripts/`) {
			t.Fatal("a retired script offers a form")
		}
	})
}

// TestScriptIncomplete: a script that misses an item its product line
// requires says so, and activating it is refused with what is missing.
func TestScriptIncomplete(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	adm := f.login(t, "adm")
	id := adm.mustImport("", "bank.json", scriptFile(t, "life-traditional-bank", uncover(script.ItemNotDeposit)))
	page := scriptPage(id)
	_, body := adm.get(page)
	mustContain(t, "the incomplete draft", body, "✗ 缺少 1 项，不能启用", `<li class="missing" data-item="not-deposit">`,
		"清楚是保险而非银行存款或礼品", "<b>缺少</b>", "启用会被拒绝")
	if res, _ := adm.postForm(page+"/file", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("file: %d", res.StatusCode)
	}
	res, body := adm.postForm(page+"/activate", url.Values{"from": {"2026-03-05"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("activating an incomplete script: %d", res.StatusCode)
	}
	mustContain(t, "the refusal", body, `id="activate-error"`, "不能启用，1 处问题：", "缺少必备确认事项“清楚是保险而非银行存款或礼品”（not-deposit）", `id="activate-form"`)
	if rec, _ := f.db.FindScript(ctx, f.orgA.ID, id); rec.Status != "filed" {
		t.Fatalf("status after the refusal: %s", rec.Status)
	}
}

// TestScriptImportErrors: what is wrong with an upload shows on the form.
func TestScriptImportErrors(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	adm := f.login(t, "adm")
	res, body := adm.importScript("", "", nil)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("no file: %d", res.StatusCode)
	}
	mustContain(t, "no file", body, `id="file-error"`, "请选择话术文件")

	res, body = adm.importScript("", "x.json", []byte("{\n  \"code\": x\n}"))
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("broken JSON: %d", res.StatusCode)
	}
	mustContain(t, "broken JSON", body, `id="import-error"`, "第 2 行", "请重新选择")

	// Two structural problems, listed one by one.
	bad := scriptFile(t, "life-traditional-agency", func(s *script.Script) {
		s.Steps[3].Text += "{{pet_name}}"
		s.Steps[4].Rules[0].Goto = "identity"
	})
	res, body = adm.importScript("", "bad.json", bad)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("invalid script: %d", res.StatusCode)
	}
	mustContain(t, "an invalid script", body, "话术文件有 2 处问题，未导入：", `id="import-problems"`, "未知的变量 {{pet_name}}", "只能跳到后面的步骤")

	res, body = adm.importScript("NOPE", "ok.json", scriptFile(t, "orphan", nil))
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown product: %d", res.StatusCode)
	}
	mustContain(t, "an unknown product", body, "产品 NOPE 不存在")
	if recs, _ := f.svc.Scripts(ctx, f.admin); len(recs) != 0 {
		t.Fatalf("stored after refusals: %+v", recs)
	}
}

// TestScriptPermissions: an operator reads but may not act; another insurer
// sees nothing; the regulator's supervisor sees the filed and active scripts
// of its companies, read-only, and no draft.
func TestScriptPermissions(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	sup, err := f.svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "REG", Login: "sup", Name: "吴监管", Role: huifang.RoleSupervisor, Password: password, Companies: []string{"A", "B"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = sup
	adm := f.login(t, "adm")
	draft := adm.mustImport("", "a.json", scriptFile(t, "life-traditional-agency", nil))
	active := adm.mustImport("", "b.json", scriptFile(t, "life-traditional-bank", nil))
	for _, step := range []struct{ verb, from string }{{"file", ""}, {"activate", "2026-03-05"}} {
		if res, _ := adm.postForm(scriptPage(active)+"/"+step.verb, url.Values{"from": {step.from}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", step.verb, res.StatusCode)
		}
	}

	op := f.login(t, "op1")
	res, body := op.get("/scripts")
	if res.StatusCode != http.StatusOK || strings.Contains(body, `id="import-script"`) {
		t.Fatalf("operator's list: %d\n%s", res.StatusCode, body)
	}
	mustContain(t, "the operator's list", body, `id="nav-scripts"`, scriptPage(draft), scriptPage(active))
	_, body = op.get(scriptPage(draft))
	mustContain(t, "the operator's view", body, `id="script-readonly"`, "只有保险公司管理员可以")
	if strings.Contains(body, `method="post" action="/scripts/`) {
		t.Fatal("the operator is offered a form")
	}
	if res, _ := op.importScript("", "a.json", scriptFile(t, "orphan", nil)); res.StatusCode != http.StatusForbidden {
		t.Fatalf("operator imports: %d", res.StatusCode)
	}
	if res, _ := op.postForm(scriptPage(draft)+"/file", nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("operator files: %d", res.StatusCode)
	}

	opB := f.login(t, "opb")
	for _, path := range []string{scriptPage(draft), scriptPage(active), scriptPage(active) + ".json"} {
		if res, _ := opB.get(path); res.StatusCode != http.StatusNotFound {
			t.Fatalf("another insurer GET %s: %d", path, res.StatusCode)
		}
	}
	if _, body := opB.get("/scripts"); strings.Contains(body, `data-script="`) {
		t.Fatalf("another insurer's list shows A's scripts:\n%s", body)
	}

	sc := f.login(t, "sup")
	res, body = sc.get("/scripts")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("supervisor's list: %d", res.StatusCode)
	}
	mustContain(t, "the supervisor's list", body, `id="nav-scripts"`, "<th>公司</th>", "A人寿", scriptPage(active), "所监管公司已报备和已启用", "标准话术库")
	if strings.Contains(body, scriptPage(draft)) || strings.Contains(body, `id="import-script"`) || strings.Contains(body, `id="status-draft"`) {
		t.Fatalf("the supervisor sees a draft or the import form:\n%s", body)
	}
	_, body = sc.get(scriptPage(active))
	mustContain(t, "the supervisor's view", body, `id="script-company"`, "A人寿", `id="script-readonly"`, "只读", "✓ 已覆盖全部 8 项")
	if strings.Contains(body, `method="post" action="/scripts/`) || strings.Contains(body, `id="script-download"`) {
		t.Fatal("the supervisor is offered a form or the download")
	}
	for _, path := range []string{scriptPage(draft), scriptPage(999), scriptPage(active) + ".json"} {
		if res, _ := sc.get(path); res.StatusCode != http.StatusNotFound {
			t.Fatalf("supervisor GET %s: %d", path, res.StatusCode)
		}
	}
	for _, verb := range []string{"file", "activate", "retire"} {
		if res, _ := sc.postForm(scriptPage(active)+"/"+verb, url.Values{"from": {"2026-03-05"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("supervisor %s: %d", verb, res.StatusCode)
		}
	}
	if res, _ := sc.importScript("", "a.json", scriptFile(t, "orphan", nil)); res.StatusCode != http.StatusForbidden {
		t.Fatalf("supervisor imports: %d", res.StatusCode)
	}
	if rec, _ := f.db.FindScript(ctx, f.orgA.ID, active); rec.Status != "active" {
		t.Fatalf("after the supervisor's attempts: %s", rec.Status)
	}

	// Pages need a session.
	for _, path := range []string{"/scripts", scriptPage(active), "/scripts/library/orphan"} {
		res, _ := f.client(t).get(path)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
			t.Fatalf("GET %s without a session: %d", path, res.StatusCode)
		}
	}
}

// TestScriptLibraryPages: the shipped scripts read-only, with the branch of
// the orphan callback in words, in both languages.
func TestScriptLibraryPages(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	op := f.login(t, "op1")
	res, body := op.get("/scripts/library/orphan")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("library page: %d", res.StatusCode)
	}
	mustContain(t, "the orphan script", body, "孤儿保单回访", `<span class="tag library big">标准话术</span>`, `href="#step-policy-info" class="effect effect-goto">跳到第 7 步</a>`,
		`id="step-policy-info"`, "✓ 已覆盖全部 2 项", `href="/scripts/library/orphan.json"`)
	if strings.Contains(body, `method="post" action="/scripts`) {
		t.Fatal("a shipped script offers a form")
	}
	res, body = op.get("/scripts/library/orphan.json")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "orphan-v1.json") || body != string(scriptFile(t, "orphan", nil)) {
		t.Fatalf("library download: %d %v", res.StatusCode, res.Header)
	}
	if res, _ := op.get("/scripts/library/nope"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown library script: %d", res.StatusCode)
	}
	if res, _ := op.get("/scripts/library"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/scripts#library" {
		t.Fatalf("/scripts/library: %d", res.StatusCode)
	}
	_, body = op.get("/scripts/library/life-traditional-bank?lang=en")
	mustContain(t, "the English page", body, "Answer “No” or “Unclear”", "Problem case: Unsigned or signed by another", "End the call: not the policyholder",
		"Knows it is insurance, not a deposit or a gift", "Covers all 8 items", "Mandatory items")
	_, body = op.get("/scripts?lang=en")
	mustContain(t, "the English list", body, "Standard library", "Callback scripts", "Any design")
}
