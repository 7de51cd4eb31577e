package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/sheet"
)

var submissionLocation = regexp.MustCompile(`^/submissions/(\d+)$`)

// statsWorld: insurer A with March callbacks, a manager at A and at B, and
// the regulator's supervisor; the clock on 3 April.
func statsWorld(t *testing.T) *fixture {
	t.Helper()
	f := setup(t, world(t))
	f.loadPolicies(t, "A",
		policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1),
		policyLine("P2", "U01", "银保", "李四", "2026-03-03", "13800000002", 2))
	for _, u := range []app.UserInput{{OrgCode: "A", Login: "mgr", Name: "孙经理", Role: huifang.RoleManager},
		{OrgCode: "B", Login: "mgr-b", Role: huifang.RoleManager}, {OrgCode: "REG", Login: "sup", Name: "吴监管", Role: huifang.RoleSupervisor, Companies: []string{"A", "B"}}} {
		u.Password = password
		if _, err := f.svc.CreateUser(ctx, app.CLI(), u); err != nil {
			t.Fatal(err)
		}
	}
	callBackNext(t, f) // one of the two called back in March
	f.clk.Set(time.Date(2026, 4, 3, 10, 0, 0, 0, huifang.Shanghai))
	return f
}

// callBackNext has the operator call back the next callback successfully.
func callBackNext(t *testing.T, f *fixture) {
	t.Helper()
	wk, err := f.svc.Next(ctx, f.op)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Finish(ctx, f.op, wk.Callback.ID, app.FinishInput{Answers: wk.Script.Script.Passing(), Script: wk.Script.Ref()}); err != nil {
		t.Fatal(err)
	}
}

func TestStatsPageAndSubmission(t *testing.T) {
	t.Parallel()
	f := statsWorld(t)
	mgr := f.login(t, "mgr")
	res, body := mgr.get("/stats?period=2026-03")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stats page %d: %s", res.StatusCode, body)
	}
	for _, want := range []string{`id="nav-stats"`, `id="nav-submissions"`, "回访成功率", "销售渠道", `data-indicator="success_rate" data-num="1" data-den="2"`,
		`id="submit-generated"`, `href="/stats/template?org=A&amp;period=2026-03"`, "2026-04-10"} {
		if !strings.Contains(body, want) {
			t.Fatalf("stats page lacks %s", want)
		}
	}
	res, xlsx := mgr.get("/stats/download?org=A&period=2026-03&format=xlsx")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "stats-A-2026-03.xlsx") || !strings.HasPrefix(xlsx, "PK") {
		t.Fatalf("xlsx download %d %v", res.StatusCode, res.Header)
	}
	if res, tpl := mgr.get("/stats/template?org=A&period=2026-03"); res.StatusCode != http.StatusOK || !strings.HasPrefix(tpl, "PK") {
		t.Fatalf("template %d", res.StatusCode)
	}
	// An operator has no statistics; another company's table is not found.
	if res, _ := f.login(t, "op1").get("/stats"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("operator %d", res.StatusCode)
	}
	if res, _ := mgr.get("/stats?org=B&period=2026-03"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another company %d", res.StatusCode)
	}

	res, _ = mgr.postForm("/stats/submit", url.Values{"period": {"2026-03"}})
	m := submissionLocation.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("submit %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	v1 := m[0]
	_, body = mgr.get(v1)
	if !strings.Contains(body, `id="sub-notice"`) || !strings.Contains(body, "待审核") || !strings.Contains(body, "SHA-256 ") || strings.Contains(body, `id="review-card"`) {
		t.Fatalf("the submission page:\n%s", body)
	}
	if res, _ := f.login(t, "mgr-b").get(v1); res.StatusCode != http.StatusNotFound {
		t.Fatalf("company B opens A's submission: %d", res.StatusCode)
	}

	sup := f.login(t, "sup")
	res, body = sup.get("/stats?org=REG&period=2026-03")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `data-row="company-A"`) || !strings.Contains(body, `id="stats-org"`) || strings.Contains(body, `id="submit-card"`) {
		t.Fatalf("the regulator's side-by-side table %d", res.StatusCode)
	}
	if _, body := sup.get("/stats?org=A&period=2026-03&lang=en"); !strings.Contains(body, "Due callbacks") || !strings.Contains(body, "Callback success rate") {
		t.Fatal("the English table")
	}
	sup.get("/stats?lang=zh")
	_, body = sup.get("/submissions")
	if !strings.Contains(body, `data-org="A"`) || !strings.Contains(body, `data-period="2026-03" data-status="submitted"`) ||
		!strings.Contains(body, `data-period="2026-02" data-status="no-business"`) { // A had no business in February
		t.Fatalf("the regulator's board:\n%s", body)
	}
	res, body = sup.postForm(v1+"/return", url.Values{"comment": {" "}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="comment-error"`) {
		t.Fatalf("return without a comment %d", res.StatusCode)
	}
	if res, _ := sup.postForm(v1+"/return", url.Values{"comment": {"银保渠道有误"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("return %d", res.StatusCode)
	}
	if res, body := sup.postForm(v1+"/accept", nil); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "不能再次审核") {
		t.Fatalf("accept a returned version %d", res.StatusCode)
	}
	if res, csv := sup.get(v1 + "/download?format=csv"); res.StatusCode != http.StatusOK || !strings.Contains(csv, "合计,合计,2,1") {
		t.Fatalf("the frozen csv %d: %s", res.StatusCode, csv)
	}

	// The manager sees the comment and corrects with a reason.
	_, body = mgr.get("/stats?period=2026-03")
	if !strings.Contains(body, "银保渠道有误") || !strings.Contains(body, `id="submit-reason"`) {
		t.Fatal("the stats page does not show the return")
	}
	res, body = mgr.postForm("/stats/submit", url.Values{"period": {"2026-03"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="reason-error"`) {
		t.Fatalf("a correction without a reason %d", res.StatusCode)
	}
	res, _ = mgr.postForm("/stats/submit", url.Values{"period": {"2026-03"}, "reason": {"补录银保回访"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") == v1 {
		t.Fatalf("correction %d", res.StatusCode)
	}
	_, body = mgr.get(res.Header.Get("Location"))
	if strings.Count(body, `class="sublink"`) != 2 || !strings.Contains(body, "补录银保回访") {
		t.Fatal("the history does not list both versions")
	}
}

// TestStatsUploadPage: a template with mistakes lists them by cell and
// stores nothing; in English when the page is.
func TestStatsUploadPage(t *testing.T) {
	t.Parallel()
	f := statsWorld(t)
	mgr := f.login(t, "mgr")
	var buf bytes.Buffer
	r := sheet.Report{Sheet: "x", Title: "A人寿 回访统计表（2026年2月）", Header: indicator.Columns, Rows: [][]any{{"合计", "合计"}}}
	if err := sheet.WriteReport(&buf, r); err != nil {
		t.Fatal(err)
	}
	res, body := mgr.postFile("/stats/upload", map[string]string{"period": "2026-03"}, "file", "t.xlsx", buf.Bytes())
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="upload-problems"`) || !strings.Contains(body, "A1") || !strings.Contains(body, "2026年2月") {
		t.Fatalf("bad upload %d:\n%s", res.StatusCode, body)
	}
	mgr.get("/stats?lang=en")
	_, body = mgr.postFile("/stats/upload", map[string]string{"period": "2026-03"}, "file", "t.xlsx", buf.Bytes())
	if !strings.Contains(body, "the table is for 2026年2月") {
		t.Fatalf("English problems:\n%s", body)
	}
	if _, list, _ := f.svc.Submissions(ctx, f.admin, "", ""); len(list) != 0 {
		t.Fatalf("%d stored", len(list))
	}
	// The table exported from the page uploads as is.
	_, xlsx := mgr.get("/stats/download?org=A&period=2026-03&format=xlsx")
	res, _ = mgr.postFile("/stats/upload", map[string]string{"period": "2026-03"}, "file", "t.xlsx", []byte(xlsx))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("good upload %d", res.StatusCode)
	}
}
