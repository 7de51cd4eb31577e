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

// TestAgentLeave: huifang agent leave starts a departure and exits non-zero
// with the blocking policies while the gate is closed; bad input is refused.
func TestAgentLeave(t *testing.T) {
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
		{"import", "agents", "--org", "A", write(t, dir, "a.csv", "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA1,李明,13900000001,86,00020231001,在职\nA2,王芳,13900000002,86,00020231002,在职\n")},
		{"import", "policies", "--org", "A", write(t, dir, "pol.csv", "保单号,产品代码,销售渠道,机构代码,业务员代码,投保人姓名,投保人证件号码,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期,保单状态\n"+
			"P1,L20,个险,86,A1,张三,"+id+",13800000001,张三,2026-01-20,2026-01-25,2026-01-26,10000,趸交,,有效\n"+
			"P2,L20,个险,86,A1,张三,"+id+",13800000001,张三,2026-01-20,2026-01-25,2026-01-26,10000,趸交,,退保\n")},
	} {
		if code, _, errs := run(t, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errs)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"agent", "leave", "--org", "A", "--agent", "X9"}, "没有代码为 X9 的业务员"},
		{[]string{"agent", "leave", "--org", "A", "--agent", "A1", "--successor", "A9"}, "接替服务的业务员 A9 不存在"},
		{[]string{"agent", "leave", "--org", "A", "--agent", "A1", "--on", "3月5日"}, "--on"},
		{[]string{"agent", "leave", "--org", "A"}, "--agent are required"},
	} {
		if code, _, errs := run(t, tt.args...); code == 0 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: %d %q, want %q", tt.args, code, errs, tt.want)
		}
	}
	// Gate mode: the departure starts and P1 blocks it; the cancelled P2 is no orphan policy.
	for i := 0; i < 2; i++ {
		code, out, errs := run(t, "agent", "leave", "--org", "A", "--agent", "A1", "--successor", "A2")
		if code != 1 || !strings.Contains(out, "离职办理中") || !strings.Contains(out, "0 / 1") || !strings.Contains(out, "P1") ||
			strings.Contains(out, "P2") || !strings.Contains(out, "接替服务：A2 王芳") || !strings.Contains(errs, "暂不能办理离职") {
			t.Fatalf("leave, run %d: %d %q %q", i+1, code, out, errs)
		}
	}
	code, out, errs := run(t, "agent", "list", "--org", "A", "--format", "csv")
	if code != 0 || !strings.Contains(out, "A1,李明,86,00020231001,离职办理中,2,") || !strings.Contains(out, "A2,王芳,86,00020231002,在职,0,,,,") {
		t.Fatalf("list: %d %q %q", code, out, errs)
	}
	if code, out, errs := run(t, "agent", "show", "--org", "A", "--agent", "A2"); code == 0 || !strings.Contains(errs, "没有离职记录") {
		t.Fatalf("show without a departure: %d %q %q", code, out, errs)
	}
}
