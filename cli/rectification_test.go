package cli

import (
	"strings"
	"testing"

	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestRectificationCommands: huifang rectification send as the regulator,
// list from the regulator's side and the company's; clear errors otherwise.
func TestRectificationCommands(t *testing.T) {
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
	code, out, errs := run(t, "rectification", "send", "--org", "REG", "--company", "A", "--subject", "回访成功率偏低", "--due", "2099-01-31", "--body", "请整改")
	if code != 0 || !strings.Contains(out, "rectification notice 1 sent to A, due 2099-01-31") {
		t.Fatalf("send: %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, "rectification", "send", "--org", "A", "--company", "B", "--subject", "s", "--due", "2099-01-31", "--body", "b"); code == 0 || errs == "" {
		t.Fatalf("sent as an insurer: %d %q", code, errs)
	}
	if code, _, errs := run(t, "rectification", "send", "--org", "REG", "--company", "A", "--due", "2000-01-01"); code == 0 || !strings.Contains(errs, "整改事项") {
		t.Fatalf("bad notice: %d %q", code, errs)
	}
	for _, org := range []string{"REG", "A"} {
		code, out, errs := run(t, "rectification", "list", "--org", org)
		if code != 0 || !strings.Contains(out, "编号,保险公司,整改事项,答复期限,状态") || !strings.Contains(out, "1,A,回访成功率偏低,2099-01-31,待答复,cli") {
			t.Fatalf("list %s: %d %q %q", org, code, out, errs)
		}
	}
	if code, out, _ := run(t, "rectification", "list", "--org", "B"); code != 0 || strings.Count(out, "\n") != 1 {
		t.Fatalf("B's list %q", out)
	}
	if code, _, _ := run(t, "rectification", "list"); code != 2 {
		t.Fatalf("no --org: %d", code)
	}
}
