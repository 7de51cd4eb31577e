package cli

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store/storetest"
)

// TestUserAndTokenCommands drives the lifecycle of users and API tokens from
// the command line, on both engines.
func TestUserAndTokenCommands(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("HUIFANG_DB", storetest.URL(t, engine))
			t.Setenv("HUIFANG_KEY", pii.NewKey())
			t.Setenv("HUIFANG_KEY_FILE", "")
			pw := write(t, dir, "pw.txt", "secret-password\n")
			pw2 := write(t, dir, "pw2.txt", "another-password\n")
			ok := func(args ...string) string { t.Helper(); return mustRun(t, args...) }
			fails := func(want string, args ...string) { t.Helper(); mustFail(t, want, args...) }
			ok("migrate")
			ok("org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局")
			ok("org", "add", "--kind", "insurer", "--code", "A", "--name", "甲人寿", "--regulator", "REG")
			ok("user", "add", "--org", "A", "--login", "a-admin", "--role", "insurer-admin", "--password-file", pw)
			ok("user", "add", "--org", "A", "--login", "a-op", "--role", "operator", "--password-file", pw)

			ok("user", "disable", "--org", "A", "--login", "a-op")
			if out := ok("user", "list", "--org", "A"); !regexp.MustCompile(`a-op\s+-\s+operator\s+-\s+disabled`).MatchString(out) {
				t.Fatalf("user list after disable:\n%s", out)
			}
			ok("user", "enable", "--org", "A", "--login", "a-op")
			ok("user", "set-role", "--org", "A", "--login", "a-op", "--role", "qa")
			if out := ok("user", "list", "--org", "A"); !regexp.MustCompile(`a-op\s+-\s+qa\s+-\s+active`).MatchString(out) {
				t.Fatalf("user list after set-role:\n%s", out)
			}
			ok("user", "set-password", "--org", "A", "--login", "a-op", "--password-file", pw2)
			fails("唯一的管理员", "user", "disable", "--org", "A", "--login", "a-admin")
			fails("唯一的管理员", "user", "set-role", "--org", "A", "--login", "a-admin", "--role", "manager")
			fails("没有用户", "user", "disable", "--org", "A", "--login", "nobody")

			tok := strings.TrimSpace(ok("token", "add", "--org", "A", "--login", "a-op", "--name", "呼叫中心", "--expires", "30d"))
			if len(tok) < 40 {
				t.Fatalf("token %q", tok)
			}
			fails("--expires", "token", "add", "--org", "A", "--login", "a-op", "--expires", "forever")
			fails("有效期", "token", "add", "--org", "A", "--login", "a-op", "--expires", "1000d")
			out := ok("token", "list", "--org", "A")
			m := regexp.MustCompile(`(?m)^(\S{12})\s+呼叫中心\s+a-op\s+\S+ \S+\s+(\S+)`).FindStringSubmatch(out)
			if m == nil || m[2] != time.Now().AddDate(0, 0, 30).In(huifang.Shanghai).Format("2006-01-02") {
				t.Fatalf("token list:\n%s", out)
			}
			ok("token", "revoke", "--org", "A", "--id", m[1])
			if out := ok("token", "list", "--org", "A"); strings.Contains(out, "呼叫中心") {
				t.Fatalf("revoked token still listed:\n%s", out)
			}
			fails("没有令牌", "token", "revoke", "--org", "A", "--id", m[1])
		})
	}
}
