package cli

import (
	"archive/zip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestInspectionCommand: huifang inspection export writes a package that
// sha256sum -c accepts, masked unless a reason is given; bad input exits
// non-zero and leaves no file.
func TestInspectionCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HUIFANG_DB", storetest.URL(t, store.SQLite))
	t.Setenv("HUIFANG_KEY", pii.NewKey())
	t.Setenv("HUIFANG_KEY_FILE", "")
	t.Setenv("HUIFANG_RECORDINGS_DIR", t.TempDir())
	id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)
	for _, args := range [][]string{
		{"migrate"},
		{"org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局"},
		{"org", "add", "--kind", "insurer", "--code", "A", "--name", "甲人寿", "--regulator", "REG"},
		{"import", "branches", "--org", "A", write(t, dir, "b.csv", "机构代码,机构名称,上级机构代码\n86,总公司,\n")},
		{"import", "products", "--org", "A", write(t, dir, "p.csv", "产品代码,产品名称,设计类型,保险期间\nL20,康宁终身寿险,传统,终身\n")},
		{"import", "agents", "--org", "A", write(t, dir, "a.csv", "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA001,李明,13900000001,86,00020231001,在职\n")},
		{"import", "policies", "--org", "A", write(t, dir, "pol.csv", "保单号,产品代码,销售渠道,机构代码,业务员代码,投保人姓名,投保人证件号码,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期\n"+
			"P1,L20,个险,86,A001,张三,"+id+",13812345678,张三,2026-01-20,2026-01-25,2026-01-26,10000,趸交,\n")},
	} {
		if code, _, errs := run(t, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errs)
		}
	}
	out := filepath.Join(dir, "A-2026-01.zip")
	code, stdout, errs := run(t, "inspection", "export", "--org", "A", "--from", "2026-01-01", "--to", "2026-02-28", "--out", out)
	if code != 0 || !strings.Contains(stdout, "policies 1, callbacks 1") {
		t.Fatalf("export: %d %s %s", code, stdout, errs)
	}
	files := unzipTo(t, out, filepath.Join(dir, "x"))
	if p := files["policies.csv"]; !strings.Contains(p, "138****5678") || strings.Contains(p, "13812345678") {
		t.Fatalf("policies.csv:\n%s", p)
	}
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sha256sum", "-c", "SHA256SUMS")
		cmd.Dir = filepath.Join(dir, "x")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sha256sum -c: %v\n%s", err, b)
		}
	}
	code, stdout, _ = run(t, "inspection", "export", "--org", "A", "--from", "2026-01-01", "--to", "2026-02-28", "--out", out, "--reveal-reason", "核对投保人身份")
	if code != 0 || !strings.Contains(stdout, "unmasked") {
		t.Fatalf("unmasked export: %d %s", code, stdout)
	}
	if files := unzipTo(t, out, filepath.Join(dir, "y")); !strings.Contains(files["policies.csv"], "13812345678") || !strings.Contains(files["manifest.json"], "核对投保人身份") {
		t.Fatalf("unmasked package:\n%s\n%s", files["policies.csv"], files["manifest.json"])
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--org", "A", "--from", "2026-1-1", "--to", "2026-02-28"}, 2, "--from"},
		{[]string{"--org", "A", "--from", "2026-03-01", "--to", "2026-02-28"}, 1, "晚于"},
		{[]string{"--org", "REG", "--from", "2026-01-01", "--to", "2026-02-28"}, 1, "不存在"},
		{[]string{"--from", "2026-01-01", "--to", "2026-02-28"}, 2, "--org"},
	} {
		bad := filepath.Join(dir, "bad.zip")
		code, _, errs := run(t, append([]string{"inspection", "export", "--out", bad}, tc.args...)...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: %d %s", tc.args, code, errs)
		}
		if _, err := os.Stat(bad); err == nil {
			t.Errorf("%v left a file", tc.args)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*zip*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// unzipTo extracts a package and returns its text files by name.
func unzipTo(t *testing.T, path, dir string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}
