package cli

import (
	"strings"
	"testing"

	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestDisclosureCommands: huifang disclosure publish, erratum, list and
// export as the regulator's administrator; a second publication, a bad
// figure and a missing flag are refused with a non-zero exit.
func TestDisclosureCommands(t *testing.T) {
	t.Setenv("HUIFANG_DB", storetest.URL(t, store.SQLite))
	t.Setenv("HUIFANG_KEY", pii.NewKey())
	t.Setenv("HUIFANG_KEY_FILE", "")
	for _, args := range [][]string{
		{"migrate"},
		{"org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局"},
		{"org", "add", "--kind", "insurer", "--code", "A", "--name", "甲人寿", "--regulator", "REG"},
		{"org", "add", "--kind", "insurer", "--code", "B", "--name", "乙人寿", "--regulator", "REG"},
	} {
		if code, _, errs := run(t, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errs)
		}
	}
	code, out, errs := run(t, "disclosure", "publish", "--org", "REG", "--period", "2026-Q1")
	if code != 0 || !strings.Contains(out, "published 2026-Q1: 2 companies, 2 from the live table") {
		t.Fatalf("publish: %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, "disclosure", "publish", "--org", "REG", "--period", "2026-Q1"); code == 0 || !strings.Contains(errs, "已经发布") {
		t.Fatalf("a second publication: %d %q", code, errs)
	}
	if code, _, errs := run(t, "disclosure", "publish", "--org", "A", "--period", "2025-Q4"); code == 0 || !strings.Contains(errs, "不是监管机构") {
		t.Fatalf("an insurer as the regulator: %d %q", code, errs)
	}
	if code, _, _ := run(t, "disclosure", "erratum", "--org", "REG", "--period", "2026-Q1", "--note", "x"); code == 0 {
		t.Fatal("an erratum without --company")
	}
	if code, _, errs := run(t, "disclosure", "erratum", "--org", "REG", "--period", "2026-Q1", "--company", "A", "--indicator", "success_rate",
		"--value", "5/4", "--note", "x"); code == 0 || !strings.Contains(errs, "5/4") {
		t.Fatalf("a bad figure: %d %q", code, errs)
	}
	code, out, errs = run(t, "disclosure", "erratum", "--org", "REG", "--period", "2026-Q1", "--company", "A", "--indicator", "success_rate",
		"--value", "97/100", "--note", "漏报")
	if code != 0 || !strings.Contains(out, "on 2026-Q1 A") {
		t.Fatalf("erratum: %d %q %q", code, out, errs)
	}
	code, out, _ = run(t, "disclosure", "list", "--org", "REG")
	if code != 0 || !strings.HasPrefix(out, "2026-Q1\t") || !strings.Contains(out, "\tcli\terrata") {
		t.Fatalf("list: %d %q", code, out)
	}
	code, out, _ = run(t, "disclosure", "export", "--org", "REG", "--period", "2026-Q1")
	if code != 0 || !strings.Contains(out, "保险公司代码") || !strings.Contains(out, "更正为 97.00%（97/100）：漏报") {
		t.Fatalf("export: %d %q", code, out)
	}
	if code, _, _ := run(t, "disclosure", "frobnicate"); code == 0 {
		t.Fatal("an unknown subcommand")
	}
}
