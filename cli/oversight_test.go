package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store/storetest"
)

// TestSupervisorCompaniesCommands: a supervisor added with --companies,
// moved with `user assign`, listed with the companies they follow; bad
// codes refused with the reason.
func TestSupervisorCompaniesCommands(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("HUIFANG_DB", storetest.URL(t, engine))
			t.Setenv("HUIFANG_KEY", pii.NewKey())
			t.Setenv("HUIFANG_KEY_FILE", "")
			pw := write(t, dir, "pw.txt", "secret-password\n")
			ok := func(args ...string) string { t.Helper(); return mustRun(t, args...) }
			fails := func(want string, args ...string) { t.Helper(); mustFail(t, want, args...) }
			ok("migrate")
			ok("org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局")
			ok("org", "add", "--kind", "regulator", "--code", "REG2", "--name", "另一监管局")
			for _, c := range []string{"INS1", "INS2", "INS3"} {
				ok("org", "add", "--kind", "insurer", "--code", c, "--name", c+"人寿", "--regulator", "REG")
			}
			ok("org", "add", "--kind", "insurer", "--code", "OTHER", "--name", "他局人寿", "--regulator", "REG2")
			ok("user", "add", "--org", "REG", "--login", "sup", "--role", "supervisor", "--companies", "INS1,INS2", "--password-file", pw)
			ok("user", "add", "--org", "REG", "--login", "radm", "--role", "regulator-admin", "--password-file", pw)
			if out := ok("user", "list", "--org", "REG"); !regexp.MustCompile(`sup\s+-\s+supervisor\s+.*INS1,INS2`).MatchString(out) {
				t.Fatalf("list:\n%s", out)
			}
			if out := ok("user", "assign", "--org", "REG", "--login", "sup", "--companies", "INS3，INS1"); !strings.Contains(out, "follows 2 companies: INS1,INS3") {
				t.Fatalf("assign: %s", out)
			}
			if out := ok("user", "list", "--org", "REG"); !regexp.MustCompile(`sup\s+-\s+supervisor\s+.*INS1,INS3`).MatchString(out) {
				t.Fatalf("list after assign:\n%s", out)
			}
			fails("OTHER", "user", "assign", "--org", "REG", "--login", "sup", "--companies", "OTHER")
			fails("radm", "user", "assign", "--org", "REG", "--login", "radm", "--companies", "INS1")
			fails("NOPE", "user", "add", "--org", "REG", "--login", "sup2", "--role", "supervisor", "--companies", "NOPE", "--password-file", pw)
		})
	}
}
