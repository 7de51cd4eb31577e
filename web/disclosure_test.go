package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/sheet"
)

// disclosed gives the fixture a published quarter: A's accepted table
// (four callbacks due in March, three successful), B from the live table
// (two due, one successful), 2025-Q4 published before it, and an erratum
// on A's success rate. The clock stands on 2026-04-03; it returns the
// regulator's administrator.
func (f *fixture) disclosed(t *testing.T) *huifang.User {
	t.Helper()
	radm := f.user(t, "REG", "radm", huifang.RoleRegAdmin)
	sup := f.user(t, "REG", "sup", huifang.RoleSupervisor)
	mgr := f.user(t, "A", "mgr", huifang.RoleManager)
	f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1),
		policyLine("P2", "L20", "个险", "李四", "2026-03-02", "13800000002", 2),
		policyLine("P3", "U01", "银保", "王五", "2026-03-03", "13800000003", 3),
		policyLine("P4", "L20", "个险", "赵六", "2026-03-04", "13800000004", 4))
	f.loadPolicies(t, "B", policyLine("R1", "L20", "个险", "钱七", "2026-03-02", "13900000001", 5),
		policyLine("R2", "L20", "个险", "孙八", "2026-03-03", "13900000002", 6))
	finish := func(op *huifang.User, n int) {
		for range n {
			work, err := f.svc.Next(ctx, op)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Finish(ctx, op, work.Callback.ID, app.FinishInput{Answers: work.Script.Script.Passing(), Script: work.Script.Ref()}); err != nil {
				t.Fatal(err)
			}
		}
	}
	finish(f.op, 3)
	finish(f.opB, 1)
	f.clk.Set(time.Date(2026, 4, 3, 10, 0, 0, 0, huifang.Shanghai))
	sub, err := f.svc.SubmitStats(ctx, mgr, app.SubmitInput{Period: "2026-Q1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ReviewSubmission(ctx, sup, sub.ID, app.ReviewInput{Accept: true}); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(time.Date(2026, 4, 2, 9, 0, 0, 0, huifang.Shanghai))
	if _, err := f.svc.PublishDisclosure(ctx, radm, "2025-Q4"); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(time.Date(2026, 4, 3, 11, 0, 0, 0, huifang.Shanghai))
	if _, err := f.svc.PublishDisclosure(ctx, radm, "2026-Q1"); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(time.Date(2026, 4, 8, 15, 0, 0, 0, huifang.Shanghai))
	if _, err := f.svc.AddErratum(ctx, radm, app.ErratumInput{Period: "2026-Q1", OrgCode: "A", Indicator: "success_rate", Value: "4/4",
		Note: "一件成功回访因系统故障漏计"}); err != nil {
		t.Fatal(err)
	}
	return radm
}

// TestDisclosurePublic: the public pages answer without a login, cacheable
// (public, an ETag, Last-Modified from the erratum; 304 when unchanged),
// with the figures, the live-table mark, the erratum beside its figure and
// the history; the downloads carry the same; English on ?lang=en; an
// unknown quarter is a 404 page.
func TestDisclosurePublic(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	f.disclosed(t)
	c := f.client(t)

	res, body := c.get("/disclosure")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "某保监局") || !strings.Contains(body, "2026年第1季度") ||
		strings.Index(body, "2026年第1季度") > strings.Index(body, "2025年第4季度") {
		t.Fatalf("index %d %s", res.StatusCode, body)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
		t.Fatalf("index Cache-Control %q", cc)
	}

	res, body = c.get("/disclosure/2026-Q1?reg=REG")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("quarter %d %s", res.StatusCode, body)
	}
	h := res.Header
	if cc := h.Get("Cache-Control"); cc != "public, max-age=300" || h.Get("ETag") == "" || h.Get("Set-Cookie") != "" {
		t.Fatalf("headers %v", h)
	}
	if lm := h.Get("Last-Modified"); lm != "Wed, 08 Apr 2026 07:00:00 GMT" {
		t.Fatalf("Last-Modified %q, want the erratum's time", lm)
	}
	for _, want := range []string{"A人寿", "B人寿", "75.00%", "3/4", "50.00%", "未经报表确认", "报表确认 v1", "勘误", "2026-04-08", "100.00% (4/4)",
		"一件成功回访因系统故障漏计", "<svg", "各公司历史", `id="formulas"`, "回访成功件数 ÷ 应回访件数", "2025年第4季度", "/disclosure/2026-Q1.csv?reg=REG"} {
		if !strings.Contains(body, want) {
			t.Errorf("the quarter's page lacks %q", want)
		}
	}
	// The erratum sits in the cell of the figure it corrects.
	cell := body[strings.Index(body, `data-org="A"`):]
	cell = cell[strings.Index(cell, `data-indicator="success_rate"`):]
	cell = cell[:strings.Index(cell, "</td>")]
	if !strings.Contains(cell, "75.00%") || !strings.Contains(cell, "一件成功回访因系统故障漏计") {
		t.Fatalf("A's success-rate cell %s", cell)
	}

	// A's history marks the corrected quarter.
	hist := body[strings.Index(body, `class="panel flush company-history" data-org="A"`):]
	hist = hist[:strings.Index(hist, "</table>")]
	if !strings.Contains(hist, "erratum-tag") {
		t.Fatalf("A's history %s", hist)
	}

	// Conditional requests.
	for _, hdr := range [][2]string{{"If-None-Match", h.Get("ETag")}, {"If-Modified-Since", h.Get("Last-Modified")}} {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/disclosure/2026-Q1?reg=REG", nil)
		req.Header.Set(hdr[0], hdr[1])
		if res, _ := c.do(req); res.StatusCode != http.StatusNotModified {
			t.Errorf("%s: status %d", hdr[0], res.StatusCode)
		}
	}
	// A signed-in page is never cached; the public one stays public for a signed-in visitor too.
	staff := f.login(t, "op1")
	if res, _ := staff.get("/callbacks"); res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("a signed-in page: %q", res.Header.Get("Cache-Control"))
	}
	if res, _ := staff.get("/disclosure/2026-Q1"); !strings.HasPrefix(res.Header.Get("Cache-Control"), "public") {
		t.Fatalf("the public page for a signed-in visitor: %q", res.Header.Get("Cache-Control"))
	}

	res, body = c.get("/disclosure/2026-Q1?reg=REG&lang=en")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Not confirmed by submission") || !strings.Contains(body, "Q1 2026") || res.Header.Get("ETag") == h.Get("ETag") {
		t.Fatalf("English %d", res.StatusCode)
	}

	// Downloads.
	res, body = c.get("/disclosure/2026-Q1.csv?reg=REG")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(res.Header.Get("Cache-Control"), "public") {
		t.Fatalf("csv %d %v", res.StatusCode, res.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][0] != "保险公司代码" || recs[0][4] != "回访成功率" || recs[1][0] != "A" || recs[1][2] != "3" || recs[1][3] != "4" ||
		recs[1][4] != "75.00%" || recs[1][9] != "报表确认" || !strings.Contains(recs[1][11], "更正为 100.00%（4/4）") || recs[2][9] != "未经报表确认" {
		t.Fatalf("csv %q", recs)
	}
	res, body = c.get("/disclosure/2026-Q1.xlsx?reg=REG")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("xlsx %d", res.StatusCode)
	}
	rows, err := sheet.Open(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cells []string
	for {
		r, err := rows.Next()
		if err != nil {
			break
		}
		cells = append(cells, strings.Join(r, "|"))
	}
	all := strings.Join(cells, "\n")
	if !strings.Contains(all, "A|A人寿|3|4|") || !strings.Contains(all, "未经报表确认") {
		t.Fatalf("xlsx cells\n%s", all)
	}

	// A second regulator publishes the same quarter: without ?reg= the
	// visitor chooses on the index.
	if _, err := f.svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindRegulator, Code: "REG2", Name: "另一保监局"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindInsurer, Code: "C", Name: "丙人寿", RegulatorCode: "REG2"}); err != nil {
		t.Fatal(err)
	}
	radm2 := f.user(t, "REG2", "radm2", huifang.RoleRegAdmin)
	if _, err := f.svc.PublishDisclosure(ctx, radm2, "2026-Q1"); err != nil {
		t.Fatal(err)
	}
	res, _ = c.get("/disclosure/2026-Q1")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/disclosure?") || !strings.Contains(loc, "period=2026-Q1") {
		t.Fatalf("an ambiguous quarter: %d %q", res.StatusCode, loc)
	}
	res, body = c.get("/disclosure?period=2026-Q1")
	if !strings.Contains(body, "另一保监局") || !strings.Contains(body, "某保监局") || !strings.Contains(body, `id="which-regulator"`) || strings.Contains(body, "2025年第4季度") {
		t.Fatalf("the index of one quarter %s", body)
	}
	if _, body = c.get("/disclosure/2026-Q1?reg=REG2"); !strings.Contains(body, "丙人寿") || strings.Contains(body, "A人寿") {
		t.Fatal("REG2's quarter shows another regulator's companies")
	}

	for _, path := range []string{"/disclosure/2026-Q2?reg=REG", "/disclosure?reg=NOPE", "/disclosure/2026-Q1?reg=A", "/disclosure/nonsense", "/disclosure/2026-Q1.pdf"} {
		if res, _ := c.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d", path, res.StatusCode)
		}
	}
}

// TestDisclosureDesk: the regulator's administrator previews the next
// quarter, publishes it through the form, and is refused a second time
// and an erratum without a note; a supervisor and an insurer's staff may
// not open the page.
func TestDisclosureDesk(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	f.user(t, "REG", "radm", huifang.RoleRegAdmin)
	f.user(t, "REG", "sup", huifang.RoleSupervisor)
	f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	f.clk.Set(time.Date(2026, 4, 3, 10, 0, 0, 0, huifang.Shanghai))
	for _, login := range []string{"sup", "adm"} {
		if res, _ := f.login(t, login).get("/disclosures"); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d", login, res.StatusCode)
		}
	}
	c := f.login(t, "radm")
	res, body := c.get("/disclosures")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="preview"`) || !strings.Contains(body, `data-source="live"`) ||
		!strings.Contains(body, `id="preview-live"`) || !strings.Contains(body, `id="nav-disclosures"`) {
		t.Fatalf("desk %d %s", res.StatusCode, body)
	}
	res, _ = c.postForm("/disclosures/publish", url.Values{"period": {"2026-Q1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish %d", res.StatusCode)
	}
	res, body = c.postForm("/disclosures/publish", url.Values{"period": {"2026-Q1"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "已经发布") {
		t.Fatalf("a second publication %d", res.StatusCode)
	}
	res, body = c.postForm("/disclosures/errata", url.Values{"period": {"2026-Q1"}, "company": {"A"}, "indicator": {"success_rate"}, "value": {"2/1"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="erratum-note-error"`) {
		t.Fatalf("an erratum without a note %d", res.StatusCode)
	}
	res, _ = c.postForm("/disclosures/errata", url.Values{"period": {"2026-Q1"}, "company": {"A"}, "note": {"补充说明"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("an erratum %d", res.StatusCode)
	}
	if _, body := f.client(t).get("/disclosure/2026-Q1"); !strings.Contains(body, "补充说明") {
		t.Fatal("the erratum is not on the public page")
	}
}
