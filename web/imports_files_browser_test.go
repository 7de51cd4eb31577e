package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/huifang/huifang/browsertest"
	"github.com/huifang/huifang/sheet/sheettest"
)

// TestBrowserImportOddFiles: what an administrator sees for a workbook
// bomb, and for a policy file with a title above its header.
func TestBrowserImportOddFiles(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	bomb := filepath.Join(t.TempDir(), "保单.xlsx")
	if err := os.WriteFile(bomb, sheettest.SharedStringBomb(sheettest.GiB), 0o600); err != nil {
		t.Fatal(err)
	}
	titled := f.writeFile(t, "保单-带标题.csv", "新单保单清单 2026年3月\n说明：每张保单一行\n"+policyHead+
		policyLine("P1", "L20", "个险", "张三", "2026-02-26", "13800000001", 1))

	browserLogin(t, b, f, "adm")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-import")),
		chromedp.WaitVisible(chromedp.ID("import-form")),
		chromedp.Click(chromedp.ID("kind-policies")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{bomb}),
		chromedp.Click(chromedp.ID("import-submit")),
		chromedp.WaitVisible(chromedp.ID("job-error")),
	)
	if got := b.Text(t, "#job-error"); !strings.Contains(got, "文件解压后过大：共享字符串第1项超过 128 KiB") {
		t.Fatalf("bomb: %s", got)
	}
	b.Screenshot(t, "import-bomb")

	b.Do(t,
		chromedp.Click(chromedp.ID("import-again")),
		chromedp.WaitVisible(chromedp.ID("import-form")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{titled}),
		chromedp.Click(chromedp.ID("import-submit")),
		chromedp.WaitVisible(chromedp.ID("job-done")),
		chromedp.WaitVisible(chromedp.ID("header-row")),
	)
	if got := b.Text(t, "#header-row"); !strings.Contains(got, "表头在第 3 行") {
		t.Fatalf("titled file: %s", got)
	}
	b.Screenshot(t, "import-header-row")
}
