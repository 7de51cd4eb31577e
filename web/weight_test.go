package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/web"
)

// anyWebRoute finds every route of web.go, whatever its handler.
var anyWebRoute = regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+ [^"]+)"`)

// TestEveryWebRouteWeighed: every route of web.go is in weights
// (weight.go), and the table names no route that is gone.
func TestEveryWebRouteWeighed(t *testing.T) {
	src, err := os.ReadFile("web.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, m := range anyWebRoute.FindAllStringSubmatch(string(src), -1) {
		routes[m[1]] = true
	}
	if len(routes) < 80 {
		t.Fatalf("found only %d routes: is the pattern stale?", len(routes))
	}
	var missing, stale []string
	for r := range routes {
		if _, ok := web.Weights()[r]; !ok {
			missing = append(missing, r)
		}
	}
	for r := range web.Weights() {
		if !routes[r] {
			stale = append(stale, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing)+len(stale) > 0 {
		t.Fatalf("web routes with no weight in weight.go:\n%s\nweighed routes that are gone:\n%s", strings.Join(missing, "\n"), strings.Join(stale, "\n"))
	}
	for _, r := range []string{"GET /work", "POST /work/next", "POST /work/{id}/finish", "POST /work/{id}/attempt", "GET /e/{token}", "POST /e/{token}", "POST /login"} {
		if web.Weights()[r] != httpx.Light {
			t.Errorf("%s must be light", r)
		}
	}
	for _, r := range []string{"GET /dashboard", "GET /callbacks", "GET /export/callbacks", "GET /stats", "GET /problems/figure", "POST /spotchecks", "GET /inspection/{file}"} {
		if web.Weights()[r] != httpx.Heavy {
			t.Errorf("%s must be heavy", r)
		}
	}
}

// busyFixture is a fixture whose server has one heavy slot, no queue and a
// 50 ms wait: a heavy page finds it busy while the test holds the slot.
func busyFixture(t *testing.T) (*fixture, *httpx.Limiter) {
	return limitedFixture(t, httpx.Limits{Slots: 1, Queue: 0, Wait: 50 * time.Millisecond})
}

// limitedFixture is a fixture whose server's heavy pages take a limiter of
// limits l, returned for the test to hold places in.
func limitedFixture(t *testing.T, l httpx.Limits) (*fixture, *httpx.Limiter) {
	w := world(t)
	lim := httpx.NewLimiter(l)
	f := setup(t, w)
	srv := httptest.NewServer(web.New(w.Svc, web.Options{Log: slog.New(slog.DiscardHandler), Heavy: lim}))
	t.Cleanup(srv.Close)
	f.srv = srv
	return f, lim
}

// TestBusyPage: with the only heavy slot taken, the dashboard answers 503
// with Retry-After, the busy message and a link to try again, in both
// languages and as JSON; the operator's workbench still opens.
func TestBusyPage(t *testing.T) {
	f, lim := busyFixture(t)
	release, err := lim.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	adm, op := f.login(t, "adm"), f.login(t, "op1")
	res, body := adm.get("/dashboard?period=2026-03")
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "5" ||
		!strings.Contains(body, "查询较多，系统繁忙，请稍后重试") || !strings.Contains(body, `href="/dashboard?period=2026-03"`) {
		t.Fatalf("busy dashboard: %d %q\n%s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if res, body := adm.get("/dashboard?lang=en"); res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "Try again") {
		t.Fatalf("busy dashboard in English: %d\n%s", res.StatusCode, body)
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/dashboard/data.json", nil)
	req.Header.Set("Accept", "application/json")
	if res, body := adm.do(req); res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"key":"err.busy.retry"`) {
		t.Fatalf("busy JSON: %d %s", res.StatusCode, body)
	}
	if res, body := op.get("/work"); res.StatusCode != http.StatusOK {
		t.Fatalf("workbench with the heavy slot taken: %d\n%s", res.StatusCode, body)
	}
}

// TestHeavyPlacesPerUser: with two of the administrator's heavy requests in
// flight (held here in the server's limiter, under the administrator's id),
// a third dashboard of the administrator is refused at once with 503 though
// slots are free, while another administrator's dashboard opens; once one
// of the two ends, the first administrator's opens again.
func TestHeavyPlacesPerUser(t *testing.T) {
	f, lim := limitedFixture(t, httpx.Limits{Slots: 4, Queue: 0, Wait: time.Hour, PerUser: 2})
	if _, err := f.svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "A", Login: "adm2", Name: "李主管", Role: huifang.RoleInsurerAdmin, Password: password}); err != nil {
		t.Fatal(err)
	}
	adm, adm2 := f.login(t, "adm"), f.login(t, "adm2")
	var releases []func()
	for range 2 {
		release, err := lim.AcquireFor(ctx, f.admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	defer func() { releases[1]() }()
	res, body := adm.get("/dashboard?period=2026-03")
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "5" || !strings.Contains(body, "查询较多，系统繁忙，请稍后重试") {
		t.Fatalf("the administrator's third heavy page: %d %q\n%s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if res, body := adm2.get("/dashboard?period=2026-03"); res.StatusCode != http.StatusOK {
		t.Fatalf("another administrator's dashboard: %d\n%s", res.StatusCode, body)
	}
	releases[0]()
	if res, body := adm.get("/dashboard?period=2026-03"); res.StatusCode != http.StatusOK {
		t.Fatalf("the administrator's dashboard after one ended: %d\n%s", res.StatusCode, body)
	}
}
