package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/sheet"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// run runs huifang with the arguments and returns the exit code and outputs.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// mustRun runs huifang and fails the test unless it exits 0; it returns
// the standard output.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	return out
}

// mustFail runs huifang and fails the test unless it fails saying want.
func mustFail(t *testing.T, want string, args ...string) {
	t.Helper()
	code, _, errs := run(t, args...)
	if code == 0 || !strings.Contains(errs, want) {
		t.Fatalf("%v: exit %d, stderr %q, want %q", args, code, errs, want)
	}
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCommandLine drives the commands an administrator uses, on both engines.
func TestCommandLine(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			dir := t.TempDir()
			db := storetest.URL(t, engine)
			t.Setenv("HUIFANG_DB", db)
			t.Setenv("HUIFANG_KEY", pii.NewKey())
			t.Setenv("HUIFANG_KEY_FILE", "")

			// serve refuses a schema that is behind and says what to do.
			if code, _, errs := run(t, "serve", "--addr", "127.0.0.1:0"); code == 0 || !strings.Contains(errs, "huifang migrate") {
				t.Fatalf("serve on an empty database: %d %q", code, errs)
			}
			if code, out, errs := run(t, "migrate"); code != 0 || !strings.Contains(out, "version") {
				t.Fatalf("migrate: %d %q %q", code, out, errs)
			}
			for _, args := range [][]string{
				{"org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局"},
				{"org", "add", "--kind", "insurer", "--code", "A", "--name", "甲人寿", "--regulator", "REG"},
			} {
				if code, _, errs := run(t, args...); code != 0 {
					t.Fatalf("%v: %d %s", args, code, errs)
				}
			}
			if code, _, errs := run(t, "org", "add", "--kind", "bank", "--code", "X", "--name", "x"); code != 1 || !strings.Contains(errs, "regulator 或 insurer") {
				t.Fatalf("bad kind: %d %q", code, errs)
			}
			pw := write(t, dir, "pw", "secret-password\n")
			if code, _, errs := run(t, "user", "add", "--org", "A", "--login", "a-op", "--role", "operator", "--password-file", pw); code != 0 {
				t.Fatalf("user add: %d %s", code, errs)
			}
			if code, _, errs := run(t, "user", "add", "--org", "A", "--login", "pilot1", "--role", "pilot", "--password-file", pw); code != 1 || !strings.Contains(errs, "未知角色") {
				t.Fatalf("bad role: %d %q", code, errs)
			}
			if code, out, _ := run(t, "token", "add", "--org", "A", "--login", "a-op"); code != 0 || len(strings.TrimSpace(out)) < 40 {
				t.Fatalf("token: %d %q", code, out)
			}
			imports := []struct{ kind, body string }{
				{"branches", "机构代码,机构名称,上级机构代码\n86,总公司,\n8601,省分,86\n860101,市分,8601\n86010101,营业部,860101\n"},
				{"products", "产品代码,产品名称,设计类型,保险期间,保证续保,犹豫期天数\nL20,康宁终身寿险,传统,终身,否,15\n"},
				{"agents", "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA001,李明,13900000001,86010101,00020231001,在职\n"},
			}
			for _, im := range imports {
				code, out, errs := run(t, "import", im.kind, "--org", "A", write(t, dir, im.kind+".csv", im.body))
				if code != 0 || !strings.HasPrefix(out, "imported") || strings.Count(out, "\n") != 1 {
					t.Fatalf("import %s: %d %q %q", im.kind, code, out, errs)
				}
			}
			head := "保单号,产品代码,销售渠道,机构代码,业务员代码,银行网点代码,投保人姓名,投保人证件号码,投保人出生日期,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期,保险期间\n"
			line := func(no, product, receipt string, seq int) string {
				id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), seq)
				return no + "," + product + ",个险,86010101,A001,,张三," + id + ",1980-05-06,13800000001,张三,2026-02-20,2026-02-25," + receipt + ",10000,年交,10,\n"
			}
			badFile := write(t, dir, "bad.csv", head+line("P1", "L20", "2026-03-02", 1)+line("P2", "NOPE", "2026-03-02", 2)+line("P1", "L20", "2026-03-02", 3))
			code, out, errs := run(t, "import", "policies", "--org", "A", badFile)
			if code != 1 || out != "" || !strings.Contains(errs, "第3行") || !strings.Contains(errs, "第4行") || !strings.Contains(errs, "未导入任何数据") {
				t.Fatalf("bad policies: %d %q %q", code, out, errs)
			}
			// Nothing was written.
			sdb, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer sdb.Close()
			org, _ := sdb.FindOrgByCode(context.Background(), "A")
			if n, _ := sdb.CountPolicies(context.Background(), org.ID); n != 0 {
				t.Fatalf("%d policies written from a bad file", n)
			}
			// Bad files of other sorts: each a clear message, non-zero exit.
			for name, body := range map[string]string{
				"empty.csv":   "",
				"binary.csv":  "\x00\x01\x02\x03PK\x00\x00garbage\x00",
				"columns.csv": "保单号,产品代码\nP1,L20\n",
				"trunc.xlsx":  "PK\x03\x04\x14\x00\x00\x00\x08\x00",
			} {
				code, _, errs := run(t, "import", "policies", "--org", "A", write(t, dir, name, body))
				if code != 1 || errs == "" || strings.Contains(errs, "panic") {
					t.Fatalf("%s: %d %q", name, code, errs)
				}
			}
			good := write(t, dir, "good.csv", head+line("P1", "L20", "2026-03-02", 1)+line("P2", "L20", "", 2))
			if code, out, errs := run(t, "import", "policies", "--org", "A", good); code != 0 || !strings.Contains(out, "2 created") || !strings.Contains(out, "1 callbacks") {
				t.Fatalf("good policies: %d %q %q", code, out, errs)
			}
			if code, out, _ := run(t, "import", "policies", "--org", "A", good); code != 0 || !strings.Contains(out, "2 unchanged") {
				t.Fatalf("second import: %d %q", code, out)
			}
			// The export carries the columns the issue names, in both formats.
			code, csvOut, errs := run(t, "export", "callbacks", "--org", "A")
			if code != 0 {
				t.Fatalf("export: %d %q", code, errs)
			}
			for _, col := range []string{"保单号", "销售渠道", "回执签收日期", "回访截止日期", "回访状态", "回访结果"} {
				if !strings.Contains(csvOut, col) {
					t.Fatalf("export lacks %s: %q", col, csvOut)
				}
			}
			if !strings.Contains(csvOut, "P1,新单回访,个险,86010101,L20,张*,2026-03-02,2026-03-17,待回访") {
				t.Fatalf("export row: %q", csvOut)
			}
			code, xlsxOut, _ := run(t, "export", "callbacks", "--org", "A", "--format", "xlsx")
			p := write(t, dir, "out.xlsx", xlsxOut)
			rows, err := sheet.OpenFile(p)
			if code != 0 || err != nil {
				t.Fatalf("xlsx export: %d %v", code, err)
			}
			defer rows.Close()
			if h, _ := rows.Next(); len(h) < 6 || h[0] != "保单号" {
				t.Fatalf("xlsx header %v", h)
			}
			if r, _ := rows.Next(); len(r) < 8 || r[0] != "P1" || r[7] != "2026-03-17" {
				t.Fatalf("xlsx row %v", r)
			}
			if code, _, errs := run(t, "export", "callbacks", "--org", "A", "--format", "pdf"); code != 2 || errs == "" {
				t.Fatalf("bad format: %d", code)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	if code, out, _ := run(t, "help"); code != 0 || !strings.Contains(out, "serve") || !strings.Contains(out, "import") {
		t.Fatalf("help: %d %q", code, out)
	}
	if code, _, errs := run(t, "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Fatalf("unknown command: %d %q", code, errs)
	}
	if code, out, _ := run(t, "version"); code != 0 || !strings.HasPrefix(out, "huifang ") {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, _, errs := run(t, "import", "policies", "--org", "A"); code != 2 || !strings.Contains(errs, "argument") {
		t.Fatalf("import without a file: %d %q", code, errs)
	}
	if code, _, errs := run(t, "migrate", "--db", "mysql://x"); code != 1 || !strings.Contains(errs, "sqlite:PATH") {
		t.Fatalf("unknown database: %d %q", code, errs)
	}
	if code, _, _ := run(t, "serve", "--help"); code != 0 {
		t.Fatalf("serve --help: %d", code)
	}
}
