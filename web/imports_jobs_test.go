package web_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/importer"
)

// An import interrupted after some chunks, and one left running by a process
// that died, show as interrupted on the import page, with how far they got
// and how to complete them.
func TestInterruptedImportShows(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	interruptImports(t, f)
	res, body := f.login(t, "adm").get("/import")
	if res.StatusCode != 200 {
		t.Fatalf("import page: %d", res.StatusCode)
	}
	for _, want := range []string{`id="import-jobs"`, "march.csv", "10 / 30", "killed.csv", "0 / 500", "重新导入同一文件即可继续"} {
		if !strings.Contains(body, want) {
			t.Errorf("import page lacks %q", want)
		}
	}
	if n := strings.Count(body, `<td class="state">已中断</td>`); n != 2 {
		t.Errorf("%d imports shown as interrupted, want 2\n%s", n, body)
	}
	// Another insurer's administrator sees none of them.
	if _, err := f.svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "B", Login: "admb", Name: "钱管理", Role: huifang.RoleInsurerAdmin, Password: password}); err != nil {
		t.Fatal(err)
	}
	if _, body := f.login(t, "admb").get("/import"); strings.Contains(body, "march.csv") || strings.Contains(body, "killed.csv") {
		t.Error("another insurer's imports shown")
	}
}

// The import page with interrupted imports, in a browser.
func TestBrowserInterruptedImport(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	interruptImports(t, f)
	browserLogin(t, b, f, "adm")
	b.Do(t, chromedp.Navigate(f.srv.URL+"/import"), chromedp.WaitVisible(chromedp.ID("import-jobs")))
	if got := b.Text(t, "#import-jobs tbody tr:first-child .state"); got != "已中断" {
		t.Fatalf("latest import shown as %q", got)
	}
	b.Screenshot(t, "import-interrupted")
}

// interruptImports leaves insurer A with an import interrupted after its
// first chunk of 10 (march.csv, 30 rows) and one left running by a process
// that is gone (killed.csv).
func interruptImports(t *testing.T, f *fixture) {
	t.Helper()
	f.svc.ImportChunk = 10
	var b strings.Builder
	b.WriteString(policyHead)
	for i := 1; i <= 30; i++ {
		b.WriteString(policyLine(fmt.Sprintf("P%04d", i), "L20", "个险", "张三", "2026-03-03", fmt.Sprintf("138%08d", i), i))
	}
	run, cancel := context.WithCancel(ctx)
	_, err := f.svc.ImportFile(run, app.CLI(), f.orgA.Code, importer.KindPolicies, f.writeFile(t, "march.csv", b.String()), "march.csv", func(phase string, done, _ int) {
		if phase == "writing" && done >= 10 {
			cancel()
		}
	})
	cancel()
	if err == nil {
		t.Fatal("the import was not interrupted")
	}
	host, _ := os.Hostname()
	dead := &huifang.ImportJob{OrgID: f.orgA.ID, Kind: "policies", Source: "killed.csv", FileHash: "x", RowsTotal: 500, Actor: "cli",
		Owner: host + ":999999999:00", StartedAt: time.Now()}
	if err := f.db.CreateImportJob(ctx, dead); err != nil {
		t.Fatal(err)
	}
}
