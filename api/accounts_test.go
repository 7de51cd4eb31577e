package api_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// movingClock is a clock the test sets.
type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movingClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movingClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestTokenLifecycleOverAPI: a web session is no Bearer token; a token stops
// when it expires, is revoked or its user disabled; a new role applies to the
// next request.
func TestTokenLifecycleOverAPI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &movingClock{t: time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)}
	svc, srv, tokens := apiWorld(t, sqliteWorld(t), func(s *app.Service) { s.Clock = clk })
	op := client{t, srv.URL, tokens["a-op"]}
	if code, me := op.do("GET", "/api/v1/me", nil); code != http.StatusOK || me["role"] != "operator" {
		t.Fatalf("me: %d %v", code, me)
	}
	session, _, err := svc.Login(ctx, "a-op", "secret-password", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := (client{t, srv.URL, session}).do("GET", "/api/v1/me", nil); code != http.StatusUnauthorized {
		t.Fatalf("web session as a Bearer token: %d", code)
	}
	if err := svc.SetUserRole(ctx, app.CLI(), "A", "a-op", huifang.RoleQA, ""); err != nil {
		t.Fatal(err)
	}
	if code, me := op.do("GET", "/api/v1/me", nil); code != http.StatusOK || me["role"] != "qa" {
		t.Fatalf("role after the change: %d %v", code, me)
	}
	if err := svc.SetUserDisabled(ctx, app.CLI(), "A", "a-op", true); err != nil {
		t.Fatal(err)
	}
	if code, _ := op.do("GET", "/api/v1/me", nil); code != http.StatusUnauthorized {
		t.Fatalf("token of a disabled user: %d", code)
	}
	adm := client{t, srv.URL, tokens["a-admin"]}
	ts, _ := svc.ListTokens(ctx, app.CLI(), "A")
	for _, tk := range ts {
		if tk.Login == "a-admin" {
			if err := svc.RevokeToken(ctx, app.CLI(), "A", tk.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if code, body := adm.do("GET", "/api/v1/me", nil); code != http.StatusUnauthorized || body["error"] != "令牌无效、已过期或已吊销" {
		t.Fatalf("revoked token: %d %v", code, body)
	}
	opB := client{t, srv.URL, tokens["b-op"]}
	clk.add(89 * 24 * time.Hour)
	if code, _ := opB.do("GET", "/api/v1/me", nil); code != http.StatusOK {
		t.Fatalf("token on day 89: %d", code)
	}
	clk.add(2 * 24 * time.Hour)
	if code, _ := opB.do("GET", "/api/v1/me", nil); code != http.StatusUnauthorized {
		t.Fatalf("token on day 91: %d", code)
	}
}
