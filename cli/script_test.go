package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/huifang/huifang/script"
)

// runScript runs "huifang script ARGS..." (called directly until the command
// is registered in commands()) and returns its error and outputs.
func runScript(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	err := cmdScript(e, args)
	return out.String(), err
}

func TestScriptCommand(t *testing.T) {
	dir := t.TempDir()

	// export prints a shipped script; check accepts it.
	exported, err := runScript(t, "export", "health-bank")
	if err != nil || !strings.Contains(exported, `"code": "health-bank"`) || !strings.Contains(exported, "等待期") {
		t.Fatalf("export: %v\n%s", err, exported)
	}
	good := write(t, dir, "good.json", exported)
	out, err := runScript(t, "check", good)
	want := "ok: 长期健康保险新单回访（银保） v1 covers all 9 required items\n"
	if err != nil || out != want {
		t.Fatalf("check good: %v %q, want %q", err, out, want)
	}

	// A script without the cooling-off and not-deposit items, and with a
	// goto to nowhere, is refused with each problem listed.
	s := script.Lookup("health-bank")
	for i := range s.Steps {
		switch s.Steps[i].ID {
		case "cooling-off", "not-deposit":
			s.Steps[i].Covers = nil
		case "policy-info":
			s.Steps[i].Rules[0].Goto = "nowhere"
		}
	}
	var b bytes.Buffer
	if err := s.Format(&b); err != nil {
		t.Fatal(err)
	}
	bad := write(t, dir, "bad.json", b.String())
	out, err = runScript(t, "check", bad)
	if err == nil || message(err) == "" {
		t.Fatalf("check bad: no error\n%s", out)
	}
	for _, part := range []string{"error: ", "goto 的步骤“nowhere”不存在", "missing: 第6项“清楚犹豫期及其权利” (cooling-off)", "missing: “清楚是保险而非银行存款或礼品” (not-deposit)"} {
		if !strings.Contains(out, part) {
			t.Errorf("check bad output lacks %q:\n%s", part, out)
		}
	}

	// A file that is not a script says where it is broken.
	broken := write(t, dir, "broken.json", "{\n  \"code\": \"x\"\n  \"name\": \"y\"\n}\n")
	if _, err := runScript(t, "check", broken); err == nil || !strings.Contains(message(err), "第 3 行") {
		t.Errorf("check broken: %v", err)
	}
	if _, err := runScript(t, "export", "nope"); err == nil || !strings.Contains(message(err), "orphan") {
		t.Errorf("export unknown: %v", err)
	}
	if _, err := runScript(t, "check"); err == nil {
		t.Error("check without a file")
	}
	if out, err := runScript(t, "list"); err != nil || strings.Count(out, "\n") != len(script.Library()) {
		t.Errorf("list: %v\n%s", err, out)
	}
}
