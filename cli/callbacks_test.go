package cli

import (
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestImportCallbacks: huifang import callbacks, a bad file refused with its
// report, a good one finishing the callbacks, the same one again unchanged.
func TestImportCallbacks(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HUIFANG_DB", storetest.URL(t, store.SQLite))
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
	head := "保单号,回访方式,回访完成时间,回访结果,问题类型,问题件开立日期,问题件办结日期,问题件处理结果\n"
	bad := write(t, dir, "bad.csv", head+"P1,短信,2026-02-01,成功,,,,\nP2,电话,2026-02-01,成功,,,,\n")
	code, out, errs := run(t, "import", "callbacks", "--org", "A", bad)
	if code != 1 || out != "" || !strings.Contains(errs, "第2行 回访方式「短信」") || !strings.Contains(errs, "第3行 保单号「P2」：保单号在系统中不存在") ||
		!strings.Contains(errs, "共2行回访记录数据，其中2行有问题") {
		t.Fatalf("bad file: %d %q %q", code, out, errs)
	}
	good := write(t, dir, "good.csv", head+"P1,电话,2026-02-01 10:30,完成但有问题,客户抱怨及投诉,2026-02-02,2026-02-06,关闭未解决\n")
	if code, out, errs := run(t, "import", "callbacks", "--org", "A", good); code != 0 || !strings.Contains(out, "1 callbacks finished") || !strings.Contains(out, "1 problem cases opened") {
		t.Fatalf("good file: %d %q %q", code, out, errs)
	}
	if code, out, errs := run(t, "import", "回访记录", "--org", "A", good); code != 0 || !strings.Contains(out, "0 callbacks finished, 1 unchanged") {
		t.Fatalf("again: %d %q %q", code, out, errs)
	}
}
