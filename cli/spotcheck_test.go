package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestSpotCheckCommands: huifang spotcheck draw prints the sample's number,
// size and seed; drawing again with that seed gives the same items, as the
// export shows; export writes CSV and XLSX with the working papers'
// columns; bad input exits non-zero with a clear message.
func TestSpotCheckCommands(t *testing.T) {
	dir := t.TempDir()
	url := storetest.URL(t, store.SQLite)
	t.Setenv("HUIFANG_DB", url)
	t.Setenv("HUIFANG_KEY", pii.NewKey())
	t.Setenv("HUIFANG_KEY_FILE", "")
	var pol strings.Builder
	pol.WriteString("保单号,产品代码,销售渠道,机构代码,业务员代码,投保人姓名,投保人证件号码,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期\n")
	for i, no := range []string{"P1", "P2", "P3", "P4", "P5"} {
		id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), i+1)
		ch, prod := "个险", "L20"
		if i%2 == 1 {
			ch, prod = "经代", "U01"
		}
		pol.WriteString(no + "," + prod + "," + ch + ",86,A001,张三," + id + ",1380000000" + string(rune('1'+i)) + ",张三,2026-03-01,2026-03-02,2026-03-03,10000,趸交,\n")
	}
	for _, args := range [][]string{
		{"migrate"},
		{"org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局"},
		{"org", "add", "--kind", "insurer", "--code", "A", "--name", "甲人寿", "--regulator", "REG"},
		{"import", "branches", "--org", "A", write(t, dir, "b.csv", "机构代码,机构名称,上级机构代码\n86,总公司,\n")},
		{"import", "products", "--org", "A", write(t, dir, "p.csv", "产品代码,产品名称,设计类型,保险期间\nL20,康宁终身寿险,传统,终身\nU01,鑫享万能,万能,终身\n")},
		{"import", "agents", "--org", "A", write(t, dir, "a.csv", "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA001,李明,13900000001,86,00020231001,在职\n")},
		{"import", "policies", "--org", "A", write(t, dir, "pol.csv", pol.String())},
	} {
		if code, _, errs := run(t, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errs)
		}
	}
	line := regexp.MustCompile(`^spot check (\d+): (\d+) of (\d+) due callbacks of 2026-03 \(A\); rate 0\.5%, minimum (\d+), seed (\d+)\n$`)
	code, out, errs := run(t, "spotcheck", "draw", "--org", "REG", "--period", "2026-03")
	m := line.FindStringSubmatch(out)
	if code != 0 || m == nil || m[2] != "5" || m[3] != "5" || m[4] != "1200" {
		t.Fatalf("draw: %d %q %s", code, out, errs)
	}
	draw := func(seed string) string {
		t.Helper()
		code, out, errs := run(t, "spotcheck", "draw", "--org", "REG", "--period", "2026-03", "--companies", "A", "--rate", "0.5%", "--min", "2", "--seed", seed)
		m := line.FindStringSubmatch(out)
		if code != 0 || m == nil || m[5] != seed || m[4] != "2" {
			t.Fatalf("draw with seed %s: %d %q %s", seed, code, out, errs)
		}
		return m[1]
	}
	items := func(id string) string {
		t.Helper()
		code, out, errs := run(t, "spotcheck", "export", "--org", "REG", "--id", id)
		if code != 0 {
			t.Fatalf("export %s: %d %s", id, code, errs)
		}
		var nos []string
		for _, l := range strings.Split(strings.TrimSpace(strings.TrimPrefix(out, "\ufeff")), "\n")[1:] {
			nos = append(nos, strings.Split(l, ",")[1])
		}
		return strings.Join(nos, ",")
	}
	a, b := draw("42"), draw("42")
	if items(a) == "" || items(a) != items(b) {
		t.Fatalf("the same seed gave %q and %q", items(a), items(b))
	}
	code, out, _ = run(t, "spotcheck", "export", "--org", "REG", "--id", a)
	header := strings.Split(strings.TrimSpace(strings.Split(strings.TrimPrefix(out, "\ufeff"), "\n")[0]), ",")
	for _, col := range []string{"保险公司", "保单号", "销售渠道", "产品类型", "回访结果", "问题件", "结论", "备注", "检查人", "检查时间"} {
		if !strings.Contains(strings.Join(header, ","), col) {
			t.Errorf("the export lacks %s: %v", col, header)
		}
	}
	xlsx := filepath.Join(dir, "sample.xlsx")
	if code, _, errs := run(t, "spotcheck", "export", "--org", "REG", "--id", a, "--format", "xlsx", "--out", xlsx); code != 0 {
		t.Fatalf("xlsx: %s", errs)
	}
	if b, err := os.ReadFile(xlsx); err != nil || !strings.HasPrefix(string(b), "PK") {
		t.Fatalf("xlsx file: %v", err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"spotcheck", "draw", "--period", "2026-03"}, "--org and --period are required"},
		{[]string{"spotcheck", "draw", "--org", "REG", "--period", "2026-03", "--rate", "abc"}, "--rate"},
		{[]string{"spotcheck", "draw", "--org", "A", "--period", "2026-03"}, "A"},
		{[]string{"spotcheck", "draw", "--org", "REG", "--period", "2026-03", "--companies", "ZZ"}, "ZZ"},
		{[]string{"spotcheck", "draw", "--org", "REG", "--period", "2025-01"}, "2025-01"},
		{[]string{"spotcheck", "export", "--org", "REG", "--id", "999"}, "999"},
		{[]string{"spotcheck", "export", "--org", "REG", "--id", a, "--format", "pdf"}, "--format"},
		{[]string{"spotcheck", "shuffle"}, "usage"},
	} {
		if code, _, errs := run(t, tc.args...); code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: %d %q", tc.args, code, errs)
		}
	}
}
