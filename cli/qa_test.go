package cli

import (
	"strings"
	"testing"

	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestQACommand: qa draw draws a week of an insurer (none finished: an empty
// draw, said so); a regulator or an unknown code is refused; a bad date is
// a usage error.
func TestQACommand(t *testing.T) {
	t.Setenv("HUIFANG_DB", storetest.URL(t, store.SQLite))
	t.Setenv("HUIFANG_KEY", pii.NewKey())
	t.Setenv("HUIFANG_KEY_FILE", "")
	for _, args := range [][]string{
		{"migrate"},
		{"org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局"},
		{"org", "add", "--kind", "insurer", "--code", "A", "--name", "甲人寿", "--regulator", "REG"},
	} {
		if code, _, errs := run(t, args...); code != 0 {
			t.Fatalf("%v: %s", args, errs)
		}
	}
	if code, out, errs := run(t, "qa", "draw", "--org", "A", "--week-of", "2026-03-05"); code != 0 || !strings.Contains(out, "2026-W10") || !strings.Contains(out, "0 finished calls") {
		t.Fatalf("draw: %d %q %q", code, out, errs)
	}
	if code, _, _ := run(t, "qa", "draw", "--org", "REG"); code != 1 {
		t.Fatalf("a regulator: %d", code)
	}
	if code, _, _ := run(t, "qa", "draw", "--org", "A", "--week-of", "5 March"); code == 0 {
		t.Fatal("a bad date was taken")
	}
	if code, _, _ := run(t, "qa"); code == 0 {
		t.Fatal("no subcommand was taken")
	}
}
