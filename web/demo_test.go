package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/testworld"
)

// addDemoInsurer adds a regulator on the demo profile and its insurer D with
// an operator "opd" and one policy to call back.
func addDemoInsurer(t *testing.T, f *fixture) {
	t.Helper()
	cli := app.CLI()
	if _, err := f.svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindRegulator, Code: "DEMO", Name: "演示监管局", Profile: profile.Demo}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindInsurer, Code: "D", Name: "演示人寿", RegulatorCode: "DEMO", ServicePhone: "95519"}); err != nil {
		t.Fatal(err)
	}
	f.importFile(t, "D", importer.KindBranches, testworld.BranchesCSV)
	f.importFile(t, "D", importer.KindProducts, testworld.ProductsCSV)
	f.importFile(t, "D", importer.KindAgents, testworld.AgentsCSV)
	if _, err := f.svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "D", Login: "opd", Name: "演示坐席", Role: huifang.RoleOperator, Password: password}); err != nil {
		t.Fatal(err)
	}
	f.loadPolicies(t, "D", policyLine("D20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
}

// TestDemoWorkbenchAtNight: at 22:30 Beijing time the demo's operator sees
// that the demo calls at any hour, in Chinese and English, and gets a
// callback; a real profile's operator sees no such notice and is refused.
func TestDemoWorkbenchAtNight(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	addDemoInsurer(t, f)
	f.loadPolicies(t, "A", policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	f.clk.Set(at(5, 22, 30))

	demo := f.login(t, "opd")
	if _, body := demo.get("/work"); !strings.Contains(body, `id="demo-anytime"`) || !strings.Contains(body, "演示：任何时间均可回访") {
		t.Fatalf("the demo's workbench does not say calls are allowed at any time:\n%s", body)
	}
	if _, body := demo.get("/work?lang=en"); !strings.Contains(body, "Demo: callbacks may be made at any time") {
		t.Fatalf("no English notice:\n%s", body)
	}
	if res, _ := demo.postForm("/work/next", url.Values{}); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/work/") {
		t.Fatalf("the demo's operator got no callback at 22:30: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	real := f.login(t, "op1")
	if _, body := real.get("/work"); strings.Contains(body, `id="demo-anytime"`) {
		t.Fatal("a real profile's workbench says calls are allowed at any time")
	}
	if res, body := real.postForm("/work/next", url.Values{}); res.StatusCode != http.StatusOK || !strings.Contains(body, "现在不在回访时间内") {
		t.Fatalf("a real profile's operator was not refused at 22:30: %d", res.StatusCode)
	}
}

// TestBrowserDemoWorkbenchAtNight: the demo's operator at 22:30 sees the
// notice on the workbench and takes a callback.
func TestBrowserDemoWorkbenchAtNight(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	addDemoInsurer(t, f)
	f.clk.Set(at(5, 22, 30))
	browserLogin(t, b, f, "opd")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-work")),
		chromedp.WaitVisible(chromedp.ID("demo-anytime")),
	)
	b.Screenshot(t, "demo-workbench-2230")
	b.Do(t,
		chromedp.Click(chromedp.ID("take-next")),
		chromedp.WaitVisible(chromedp.ID("attempt")),
	)
	if got := b.Text(t, "#policy-no"); got != "D20260001" {
		t.Fatalf("took %q at 22:30", got)
	}
	b.Screenshot(t, "demo-work-2230")
}

// TestBrowserScriptGap: the administrator reads on a set-aside callback's
// page why its script is incomplete; the operator reads the telesales script
// of the next one.
func TestBrowserScriptGap(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	gap, _ := holderLine("G1", "个险", "", "B001", "2026-02-27", "13800000001", "", 1)
	tele, _ := holderLine("T1", "电销", "", "", "2026-02-28", "13800000002", "", 2)
	f.importFile(t, "A", importer.KindPolicies, policyHeadMethod+gap+tele)
	browserLogin(t, b, f, "op1")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-work")),
		chromedp.WaitVisible(chromedp.ID("take-next")),
		chromedp.Click(chromedp.ID("take-next")),
		chromedp.WaitVisible(chromedp.ID("attempt")),
	)
	if got := b.Text(t, "#policy-no"); got != "T1" {
		t.Fatalf("next gave %q", got)
	}
	b.Screenshot(t, "telesales-work")
	b2 := browsertest.Start(t)
	browserLogin(t, b2, f, "adm")
	g1 := f.callbackOf(t, f.orgA, "G1")
	b2.Do(t,
		chromedp.Navigate(f.srv.URL+"/callbacks/"+strconv.FormatInt(g1.ID, 10)),
		chromedp.WaitVisible(chromedp.ID("script-gap")),
	)
	if got := b2.Text(t, "#script-gap"); !strings.Contains(got, "营销员姓名（保单 G1 无营销员）") {
		t.Fatalf("gap shown: %q", got)
	}
	b2.Screenshot(t, "script-gap-admin")
}
