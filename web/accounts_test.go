package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/testworld"
	"github.com/huifang/huifang/web"
)

// TestLoginGuessingGets429: 30 wrong passwords through the login form. After
// five the form answers 429 with Retry-After and says when to come back; the
// right password is refused as well until then. Every try is audited.
func TestLoginGuessingGets429(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := setup(t, w)
		c := f.client(t)
		statuses := map[int]int{}
		for i := 0; i < 30; i++ {
			res, body := c.postForm("/login", url.Values{"login": {"op1"}, "password": {"guess-" + strconv.Itoa(i)}})
			statuses[res.StatusCode]++
			if res.StatusCode == http.StatusTooManyRequests {
				if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra <= 0 {
					t.Fatalf("429 without Retry-After: %q", res.Header.Get("Retry-After"))
				}
				if !strings.Contains(body, `id="login-error"`) || !strings.Contains(body, "登录失败次数过多") || !strings.Contains(body, "之后再试") {
					t.Fatalf("429 without the message of when to retry:\n%s", body)
				}
			}
		}
		if statuses[http.StatusUnauthorized] != 5 || statuses[http.StatusTooManyRequests] != 25 {
			t.Fatalf("30 guesses: %v, want 5 × 401 and 25 × 429", statuses)
		}
		res, _ := c.postForm("/login", url.Values{"login": {"op1"}, "password": {password}})
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("right password while throttled: %d", res.StatusCode)
		}
		failed, _ := f.db.ListAudit(ctx, f.orgA.ID, huifang.AuditFilter{Key: "op1", Action: "login-failed"})
		refused, _ := f.db.ListAudit(ctx, f.orgA.ID, huifang.AuditFilter{Key: "op1", Action: "login-refused"})
		if len(failed) != 5 || len(refused) != 26 {
			t.Fatalf("audited %d failed, %d refused", len(failed), len(refused))
		}
		// The English page says it too.
		res, body := c.postForm("/login?lang=en", url.Values{"login": {"op1"}, "password": {password}})
		if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed logins") {
			t.Fatalf("English: %d\n%s", res.StatusCode, body)
		}
		f.clk.Set(f.clk.Now().Add(time.Minute))
		f.login(t, "op1")
	})
}

// TestSessionAndTokenKeptApart: an API token in the session cookie is no
// session (it used to bypass the 8-hour session).
func TestSessionAndTokenKeptApart(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	tok, err := f.svc.CreateToken(ctx, app.CLI(), app.TokenInput{OrgCode: "A", Login: "op1"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: "huifang_session", Value: tok})
	if res, _ := f.client(t).do(req); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("API token as the session cookie: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestUsersPage(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	op := f.login(t, "op1")
	adm := f.login(t, "adm")
	if res, body := adm.get("/admin/users"); res.StatusCode != http.StatusOK || !strings.Contains(body, `data-login="op1"`) || strings.Contains(body, `data-login="opb"`) {
		t.Fatalf("users page: %d (op1 listed, B's opb not)\n%s", res.StatusCode, body)
	}
	if res, _ := op.get("/admin/users"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an operator on the users page: %d", res.StatusCode)
	}
	// A cross-site form is refused like every other.
	if res, _ := adm.postForm("/admin/users/op1/disable", nil, "Sec-Fetch-Site", "cross-site"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site disable: %d", res.StatusCode)
	}
	res, _ := adm.postForm("/admin/users/op1/disable", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	if _, body := adm.get("/admin/users"); !strings.Contains(body, `id="users-notice"`) || !strings.Contains(body, "已停用 op1") {
		t.Fatalf("no notice after disabling:\n%s", body)
	}
	// The disabled operator's next request finds no session.
	if res, _ := op.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disabled user's session: %d", res.StatusCode)
	}
	res, body := adm.postForm("/admin/users/adm/disable", nil)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "不能停用自己的账号") {
		t.Fatalf("disabling oneself: %d\n%s", res.StatusCode, body)
	}
	if res, _ := adm.postForm("/admin/users/opb/disable", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("disabling another insurer's user: %d", res.StatusCode)
	}
	if res, body := adm.postForm("/admin/users/adm/role", url.Values{"role": {"operator"}}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "唯一的管理员") {
		t.Fatalf("demoting the last admin: %d\n%s", res.StatusCode, body)
	}
	if res, _ := adm.postForm("/admin/users/op1/enable", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: %d", res.StatusCode)
	}
	if res, _ := adm.postForm("/admin/users/op1/role", url.Values{"role": {"qa"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("set role: %d", res.StatusCode)
	}
	if res, _ := adm.postForm("/admin/users/op1/password", url.Values{"password": {"another-password"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password: %d", res.StatusCode)
	}
	if _, _, err := f.svc.Login(ctx, "op1", "another-password", "127.0.0.1"); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	au, _ := f.db.ListAudit(ctx, f.orgA.ID, huifang.AuditFilter{Entity: "user", Key: "op1"})
	seen := map[string]bool{}
	for _, e := range au {
		if e.Actor == "adm" {
			seen[e.Action] = true
		}
	}
	for _, a := range []string{"disable", "enable", "set-role", "set-password"} {
		if !seen[a] {
			t.Errorf("%s by adm not audited: %v", a, seen)
		}
	}
}

var secretRE = regexp.MustCompile(`id="token-secret">([A-Za-z0-9_-]+)<`)

func TestTokensPage(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	adm := f.login(t, "adm")
	res, body := adm.postForm("/admin/tokens", url.Values{"login": {"op1"}, "name": {"呼叫中心"}, "days": {"30"}})
	m := secretRE.FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create token: %d, cache %q\n%s", res.StatusCode, res.Header.Get("Cache-Control"), body)
	}
	secret := m[1]
	if _, err := f.svc.Authenticate(ctx, secret, huifang.SessionAPI); err != nil {
		t.Fatalf("the new token: %v", err)
	}
	_, body = adm.get("/admin/tokens")
	if strings.Contains(body, secret) || !strings.Contains(body, "呼叫中心") {
		t.Fatalf("the list shows the secret again, or not the token:\n%s", body)
	}
	ts, _ := f.svc.ListTokens(ctx, app.CLI(), "A")
	if len(ts) != 1 || !ts[0].ExpiresAt.Equal(f.clk.Now().Add(30*24*time.Hour)) {
		t.Fatalf("tokens: %+v", ts)
	}
	if res, _ := adm.postForm("/admin/tokens", url.Values{"login": {"opb"}, "days": {"30"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a token for another insurer's user: %d", res.StatusCode)
	}
	if res, _ := adm.postForm("/admin/tokens/"+ts[0].ID+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if _, err := f.svc.Authenticate(ctx, secret, huifang.SessionAPI); err == nil {
		t.Fatal("revoked token still works")
	}
	if _, body := adm.get("/admin/tokens"); !strings.Contains(body, "已吊销") || !strings.Contains(body, `id="tokens-empty"`) {
		t.Fatalf("after revoking:\n%s", body)
	}
}

func TestOwnPasswordPage(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	c := f.login(t, "op1")
	other := f.login(t, "op1")
	res, body := c.get("/account")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="last-login"`) {
		t.Fatalf("account page: %d\n%s", res.StatusCode, body)
	}
	res, body = c.postForm("/account/password", url.Values{"current": {"wrong-one"}, "password": {"new-password-1"}, "confirm": {"new-password-1"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="current-error"`) {
		t.Fatalf("wrong current password: %d\n%s", res.StatusCode, body)
	}
	res, body = c.postForm("/account/password", url.Values{"current": {password}, "password": {"new-password-1"}, "confirm": {"new-password-2"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="confirm-error"`) {
		t.Fatalf("mismatch: %d\n%s", res.StatusCode, body)
	}
	res, _ = c.postForm("/account/password", url.Values{"current": {password}, "password": {"new-password-1"}, "confirm": {"new-password-1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if res, body := c.get("/account"); res.StatusCode != http.StatusOK || !strings.Contains(body, `id="account-notice"`) {
		t.Fatalf("after the change: %d\n%s", res.StatusCode, body)
	}
	if res, _ := other.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the other session survived: %d", res.StatusCode)
	}
}

func TestLastLoginOnOverview(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	f.login(t, "op1")
	f.clk.Set(f.clk.Now().Add(time.Hour))
	c := f.login(t, "op1")
	_, body := c.get("/")
	if !strings.Contains(body, `id="last-login"`) || !strings.Contains(body, "上次登录：2026-03-05 10:00，来自 127.0.0.1") {
		t.Fatalf("overview without the last login:\n%s", body)
	}
}

// TestForwardedForOnlyBehindAProxy: a guesser cannot dodge the per-address
// count by sending X-Forwarded-For, unless the server is told a proxy adds it.
func TestForwardedForOnlyBehindAProxy(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	c := f.client(t)
	for i := 0; i < 10; i++ {
		c.postForm("/login", url.Values{"login": {"nobody" + strconv.Itoa(i)}, "password": {"x-guess-123"}}, "X-Forwarded-For", "10.9.0."+strconv.Itoa(i))
	}
	if res, _ := c.postForm("/login", url.Values{"login": {"op1"}, "password": {password}}, "X-Forwarded-For", "10.9.1.1"); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a forged X-Forwarded-For escaped the address count: %d", res.StatusCode)
	}
	proxied := httptest.NewServer(web.New(f.svc, web.Options{TrustProxy: true}))
	defer proxied.Close()
	pc := f.client(t)
	pc.base = proxied.URL
	if res, _ := pc.postForm("/login", url.Values{"login": {"adm"}, "password": {password}}, "X-Forwarded-For", "198.51.100.7, 203.0.113.5"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login through the proxy: %d", res.StatusCode)
	}
	u, err := f.db.FindUserByLogin(ctx, "adm")
	if err != nil || u.LoginAddr != "203.0.113.5" {
		t.Fatalf("address behind the proxy: %q %v", u.LoginAddr, err)
	}
}
