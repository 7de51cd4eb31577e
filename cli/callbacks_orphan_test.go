package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestImportOrphanCallbacks: huifang import callbacks with a 回访类型
// column: a bad kind refused with its row, an orphan row finishing the
// policy's orphan callback; the export's 回访类型 column names the kinds.
func TestImportOrphanCallbacks(t *testing.T) {
	dir := t.TempDir()
	url := storetest.URL(t, store.SQLite)
	t.Setenv("HUIFANG_DB", url)
	t.Setenv("HUIFANG_KEY", pii.NewKey())
	t.Setenv("HUIFANG_KEY_FILE", "")
	id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)
	for _, args := range [][]string{
		{"migrate"},
		{"org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局"},
		{"org", "add", "--kind", "insurer", "--code", "A", "--name", "甲人寿", "--regulator", "REG"},
		{"import", "branches", "--org", "A", write(t, dir, "b.csv", "机构代码,机构名称,上级机构代码\n86,总公司,\n")},
		{"import", "products", "--org", "A", write(t, dir, "p.csv", "产品代码,产品名称,设计类型,保险期间\nL20,康宁终身寿险,传统,终身\n")},
		{"import", "policies", "--org", "A", write(t, dir, "pol.csv", "保单号,产品代码,销售渠道,机构代码,投保人姓名,投保人证件号码,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期\n"+
			"P1,L20,网销,86,张三,"+id+",13800000001,张三,2026-01-20,2026-01-25,2026-01-26,10000,趸交,\n")},
	} {
		if code, _, errs := run(t, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errs)
		}
	}
	// P1's agent left: its orphan callback (as a departure plans it).
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	org, err := db.FindOrgByCode(ctx, "A")
	if err == nil {
		_, err = db.PlanOrphanCallback(ctx, org.ID, "P1", huifang.NewDate(2026, 2, 13), time.Date(2026, 1, 30, 10, 0, 0, 0, huifang.Shanghai))
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	head := "保单号,回访方式,回访完成时间,回访结果,问题类型,问题件开立日期,问题件办结日期,问题件处理结果,回访类型\n"
	bad := write(t, dir, "bad.csv", head+"P1,电话,2026-02-01,成功,,,,,保全回访\n")
	code, out, errs := run(t, "import", "callbacks", "--org", "A", bad)
	if code != 1 || out != "" || !strings.Contains(errs, "第2行 回访类型「保全回访」：回访类型应为 新单回访 或 孤儿保单回访") {
		t.Fatalf("bad file: %d %q %q", code, out, errs)
	}
	good := write(t, dir, "good.csv", head+"P1,电话,2026-02-05 10:30,成功,,,,,孤儿保单回访\nP1,电话,2026-02-01 09:00,成功,,,,,新单回访\n")
	if code, out, errs := run(t, "import", "callbacks", "--org", "A", good); code != 0 || !strings.Contains(out, "2 callbacks finished") {
		t.Fatalf("good file: %d %q %q", code, out, errs)
	}
	code, csv, errs := run(t, "export", "callbacks", "--org", "A")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "回访类型") {
		t.Fatalf("export:\n%s", csv)
	}
	kinds := map[string]bool{}
	for _, l := range lines[1:] {
		cols := strings.Split(l, ",")
		kinds[cols[1]+" "+cols[9]] = true
	}
	if !kinds["新单回访 回访成功"] || !kinds["孤儿保单回访 回访成功"] {
		t.Fatalf("export's kinds and results %v:\n%s", kinds, csv)
	}
}
