package cli

import (
	"strings"
	"testing"

	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store/storetest"
)

// `org set --pre-underwriting on|off` changes an insurer's setting after
// `org add`; bad values and regulators are refused with a clear message.
func TestOrgSetPreUnderwriting(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Setenv("HUIFANG_DB", storetest.URL(t, engine))
			t.Setenv("HUIFANG_KEY", pii.NewKey())
			t.Setenv("HUIFANG_KEY_FILE", "")
			ok := func(want string, args ...string) {
				t.Helper()
				code, out, errs := run(t, args...)
				if code != 0 || !strings.Contains(out, want) {
					t.Fatalf("%v: exit %d, stdout %q, stderr %q, want %q", args, code, out, errs, want)
				}
			}
			fails := func(want string, args ...string) {
				t.Helper()
				code, _, errs := run(t, args...)
				if code == 0 || !strings.Contains(errs, want) {
					t.Fatalf("%v: exit %d, stderr %q, want %q", args, code, errs, want)
				}
			}
			ok("", "migrate")
			ok("created", "org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局")
			ok("created", "org", "add", "--kind", "insurer", "--code", "A", "--name", "甲人寿", "--regulator", "REG")
			ok("A: pre-underwriting callbacks on", "org", "set", "--org", "A", "--pre-underwriting", "on")
			ok("A: pre-underwriting callbacks off", "org", "set", "--org", "A", "--pre-underwriting", "off")
			ok("A: service phone 95500", "org", "set", "--code", "A", "--service-phone", "95500")
			fails("on or off", "org", "set", "--org", "A", "--pre-underwriting", "yes")
			fails("--pre-underwriting", "org", "set", "--org", "A")
			fails("承保前回访", "org", "set", "--org", "REG", "--pre-underwriting", "on")
			fails("NOPE", "org", "set", "--org", "NOPE", "--pre-underwriting", "on")
		})
	}
}
