package app_test

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/testworld"
)

// TestPasswordGuessingThrottled is the attack of issue 10: wrong passwords as
// fast as they go. In 30 seconds only 8 are checked, the rest refused with a
// wait; going on as told locks the login, and then the right password is
// refused too. Every try is audited.
func TestPasswordGuessingThrottled(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		const addr = "203.0.113.9"
		codes := map[string]int{}
		for i := 0; i < 30; i++ {
			_, _, err := w.svc.Login(ctx, "op1", "guess-"+string(rune('a'+i)), addr)
			codes[huifang.ErrorCode(err)]++
			if huifang.ErrorCode(err) == huifang.ETOOMANY && huifang.RetryAfter(err) <= 0 {
				t.Fatalf("guess %d refused without a wait: %v", i+1, err)
			}
			w.clk.t = w.clk.t.Add(time.Second)
		}
		if codes[huifang.EUNAUTHORIZED] != 8 || codes[huifang.ETOOMANY] != 22 {
			t.Fatalf("30 guesses in 30 s: %v, want 8 checked and 22 refused", codes)
		}
		// The attacker waits as told: two more failures lock the login.
		for failures := 8; failures < 10; {
			_, _, err := w.svc.Login(ctx, "op1", "more-guesses", addr)
			if d := huifang.RetryAfter(err); d > 0 {
				w.clk.t = w.clk.t.Add(d)
				continue
			}
			failures++
		}
		w.clk.t = w.clk.t.Add(time.Minute)
		_, _, err := w.svc.Login(ctx, "op1", "secret-password", "198.51.100.1")
		if huifang.ErrorCode(err) != huifang.ETOOMANY || huifang.RetryAfter(err) != 14*time.Minute {
			t.Fatalf("right password during the lock: %v (wait %v), want refused for 14 more minutes", err, huifang.RetryAfter(err))
		}
		failed, _ := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Key: "op1", Action: "login-failed"})
		refused, _ := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Key: "op1", Action: "login-refused"})
		if len(failed) != 10 || len(refused) < 23 {
			t.Fatalf("audited %d failed and %d refused logins", len(failed), len(refused))
		}
		w.clk.t = w.clk.t.Add(15 * time.Minute)
		if _, _, err := w.svc.Login(ctx, "op1", "secret-password", "198.51.100.1"); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		// The count starts again after a success.
		if _, _, err := w.svc.Login(ctx, "op1", "wrong-again", addr); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("first failure after a success: %v", err)
		}
		if ok, _ := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Key: "op1", Action: "login"}); len(ok) != 1 {
			t.Fatalf("successful logins audited: %d", len(ok))
		}
	})
}

// TestGuessingAcrossLoginsThrottledByAddress: one address trying one password
// against many logins is stopped too, without stopping other addresses.
func TestGuessingAcrossLoginsThrottledByAddress(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		for i := 0; i < 10; i++ {
			if _, _, err := w.svc.Login(ctx, "user"+string(rune('a'+i)), "123456789", "203.0.113.7"); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		if _, _, err := w.svc.Login(ctx, "op2", "secret-password", "203.0.113.7"); huifang.ErrorCode(err) != huifang.ETOOMANY {
			t.Fatalf("the guessing address is not throttled: %v", err)
		}
		if _, _, err := w.svc.Login(ctx, "op2", "secret-password", "198.51.100.2"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		if a, _ := w.db.ListAudit(ctx, 0, huifang.AuditFilter{Action: "login-failed"}); len(a) != 10 {
			t.Fatalf("failures of unknown logins audited: %d", len(a))
		}
	})
}

func TestLastLoginShown(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		first := w.clk.t
		if _, _, err := w.svc.Login(ctx, "op1", "secret-password", "10.1.1.1"); err != nil {
			t.Fatal(err)
		}
		w.clk.t = w.clk.t.Add(24 * time.Hour)
		tok, _, err := w.svc.Login(ctx, "op1", "secret-password", "10.2.2.2")
		if err != nil {
			t.Fatal(err)
		}
		u, err := w.svc.Authenticate(ctx, tok, huifang.SessionWeb)
		if err != nil {
			t.Fatal(err)
		}
		if !u.PrevLoginAt.Equal(first) || u.PrevLoginAddr != "10.1.1.1" {
			t.Fatalf("last login: %v from %q", u.PrevLoginAt, u.PrevLoginAddr)
		}
	})
}

// TestTokenLifecycle: tokens expire (90 days by default), are listed and
// revoked, and are never a web session — nor a session a token.
func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		tok, err := w.svc.CreateToken(ctx, w.admin, app.TokenInput{OrgCode: "A", Login: "op1", Name: "呼叫中心"})
		if err != nil {
			t.Fatal(err)
		}
		short, err := w.svc.CreateToken(ctx, w.admin, app.TokenInput{OrgCode: "A", Login: "op2", Expires: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Authenticate(ctx, tok, huifang.SessionWeb); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("API token accepted as a web session: %v", err)
		}
		web, _, _ := w.svc.Login(ctx, "op1", "secret-password", "10.0.0.1")
		if _, err := w.svc.Authenticate(ctx, web, huifang.SessionAPI); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("web session accepted as an API token: %v", err)
		}
		ts, err := w.svc.ListTokens(ctx, w.admin, "A")
		if err != nil || len(ts) != 2 {
			t.Fatalf("tokens: %v %+v", err, ts)
		}
		if _, err := w.svc.ListTokens(ctx, w.admin, "B"); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("A's admin lists B's tokens: %v", err)
		}
		if _, err := w.svc.ListTokens(ctx, w.op, "A"); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an operator lists tokens: %v", err)
		}
		if _, err := w.svc.CreateToken(ctx, w.admin, app.TokenInput{OrgCode: "A", Login: "op1", Expires: 3 * 365 * 24 * time.Hour}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("a three-year token: %v", err)
		}
		w.clk.t = w.clk.t.Add(2 * 24 * time.Hour)
		if _, err := w.svc.Authenticate(ctx, short, huifang.SessionAPI); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("expired one-day token: %v", err)
		}
		w.clk.t = w.clk.t.Add(87 * 24 * time.Hour)
		if _, err := w.svc.Authenticate(ctx, tok, huifang.SessionAPI); err != nil {
			t.Fatalf("token on day 89: %v", err)
		}
		var id string
		for _, x := range ts {
			if x.Name == "呼叫中心" {
				id = x.ID
			}
		}
		if err := w.svc.RevokeToken(ctx, w.admin, "A", id); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Authenticate(ctx, tok, huifang.SessionAPI); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("revoked token: %v", err)
		}
		tok2, _ := w.svc.CreateToken(ctx, app.CLI(), app.TokenInput{OrgCode: "A", Login: "op1"})
		w.clk.t = w.clk.t.Add(91 * 24 * time.Hour)
		if _, err := w.svc.Authenticate(ctx, tok2, huifang.SessionAPI); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("token after 91 days: %v", err)
		}
	})
}

// TestUserLifecycle: disabling stops a user's session and token at once,
// roles change at once, and an administrator cannot lock the organisation out.
func TestUserLifecycle(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		web, _, _ := w.svc.Login(ctx, "op1", "secret-password", "10.0.0.1")
		tok, _ := w.svc.CreateToken(ctx, w.admin, app.TokenInput{OrgCode: "A", Login: "op1"})
		if err := w.svc.SetUserDisabled(ctx, w.admin, "A", "op1", true); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Authenticate(ctx, web, huifang.SessionWeb); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("disabled user's session: %v", err)
		}
		if _, err := w.svc.Authenticate(ctx, tok, huifang.SessionAPI); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("disabled user's token: %v", err)
		}
		if _, _, err := w.svc.Login(ctx, "op1", "secret-password", "10.0.0.1"); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("disabled user logs in: %v", err)
		}
		if err := w.svc.SetUserDisabled(ctx, w.admin, "A", "op1", false); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Authenticate(ctx, web, huifang.SessionWeb); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("a session came back with enabling: %v", err)
		}
		if err := w.svc.SetUserRole(ctx, w.admin, "A", "op1", huifang.RoleQA, ""); err != nil {
			t.Fatal(err)
		}
		if u, err := w.svc.Authenticate(ctx, tok, huifang.SessionAPI); err != nil || u.Role != huifang.RoleQA {
			t.Fatalf("role after the change: %v %v", u, err)
		}
		for _, tc := range []struct {
			name string
			err  error
			code string
		}{
			{"disable oneself", w.svc.SetUserDisabled(ctx, w.admin, "A", "adm", true), huifang.ECONFLICT},
			{"disable the last insurer-admin", w.svc.SetUserDisabled(ctx, app.CLI(), "A", "adm", true), huifang.ECONFLICT},
			{"demote the last insurer-admin", w.svc.SetUserRole(ctx, app.CLI(), "A", "adm", huifang.RoleOperator, ""), huifang.ECONFLICT},
			{"another insurer's user", w.svc.SetUserDisabled(ctx, w.admin, "B", "opb", true), huifang.EFORBIDDEN},
			{"another insurer's user by login", w.svc.SetUserDisabled(ctx, w.admin, "A", "opb", true), huifang.ENOTFOUND},
			{"make a system admin", w.svc.SetUserRole(ctx, w.admin, "A", "op2", huifang.RoleAdmin, ""), huifang.EFORBIDDEN},
			{"make a supervisor in an insurer", w.svc.SetUserRole(ctx, w.admin, "A", "op2", huifang.RoleSupervisor, ""), huifang.EINVALID},
			{"an operator disabling", w.svc.SetUserDisabled(ctx, w.op2, "A", "op1", true), huifang.EFORBIDDEN},
			{"a short password", w.svc.SetUserPassword(ctx, w.admin, "A", "op2", "short"), huifang.EINVALID},
		} {
			if huifang.ErrorCode(tc.err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, tc.err, tc.code)
			}
		}
		// With a second administrator, the first may be demoted.
		if err := w.svc.SetUserRole(ctx, w.admin, "A", "op2", huifang.RoleInsurerAdmin, ""); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.SetUserRole(ctx, app.CLI(), "A", "adm", huifang.RoleManager, ""); err != nil {
			t.Fatalf("demote one of two admins: %v", err)
		}
		// A new password from the administrator ends the user's sessions.
		web2, _, _ := w.svc.Login(ctx, "op1", "secret-password", "10.0.0.1")
		if err := w.svc.SetUserPassword(ctx, app.CLI(), "A", "op1", "new-password-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Authenticate(ctx, web2, huifang.SessionWeb); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("session after a password reset: %v", err)
		}
		au, _ := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Entity: "user", Key: "op1"})
		actions := map[string]bool{}
		for _, e := range au {
			actions[e.Action] = true
		}
		for _, a := range []string{"disable", "enable", "set-role", "set-password", "create-token", "login"} {
			if !actions[a] {
				t.Errorf("%s not audited (have %v)", a, actions)
			}
		}
	})
}

func TestChangeOwnPassword(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		here, u, _ := w.svc.Login(ctx, "op1", "secret-password", "10.0.0.1")
		there, _, _ := w.svc.Login(ctx, "op1", "secret-password", "10.0.0.2")
		if err := w.svc.ChangePassword(ctx, u, here, "not-my-password", "new-password-1"); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("wrong current password: %v", err)
		}
		if err := w.svc.ChangePassword(ctx, u, here, "secret-password", "new-password-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Authenticate(ctx, here, huifang.SessionWeb); err != nil {
			t.Fatalf("the session that changed it: %v", err)
		}
		if _, err := w.svc.Authenticate(ctx, there, huifang.SessionWeb); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("the other session: %v", err)
		}
		if _, _, err := w.svc.Login(ctx, "op1", "new-password-1", "10.0.0.1"); err != nil {
			t.Fatalf("new password: %v", err)
		}
	})
}
