package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/api"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/testworld"
)

// TestEveryAPIRouteWeighed: every route of the API's files is in weights
// (weight.go), and the table names no route that is gone.
func TestEveryAPIRouteWeighed(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range apiRoute.FindAllStringSubmatch(string(src), -1) {
			routes[m[1]] = true
		}
	}
	if len(routes) < 50 {
		t.Fatalf("found only %d routes: is the pattern stale?", len(routes))
	}
	var missing, stale []string
	for r := range routes {
		if _, ok := api.Weights()[r]; !ok {
			missing = append(missing, r)
		}
	}
	for r := range api.Weights() {
		if !routes[r] {
			stale = append(stale, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing)+len(stale) > 0 {
		t.Fatalf("API routes with no weight in weight.go:\n%s\nweighed routes that are gone:\n%s", strings.Join(missing, "\n"), strings.Join(stale, "\n"))
	}
	for _, r := range []string{"POST /api/v1/callbacks/next", "POST /api/v1/callbacks/{id}/attempts", "POST /api/v1/callbacks/{id}/finish", "POST /api/v1/callbacks/{id}/release", "POST /api/v1/callbacks/{id}/take"} {
		if api.Weights()[r] != httpx.Light {
			t.Errorf("%s is an operator's: it must be light", r)
		}
	}
	for _, r := range []string{"GET /api/v1/callbacks", "GET /api/v1/export/callbacks", "GET /api/v1/stats", "POST /api/v1/spotchecks", "GET /api/v1/inspection/{file}"} {
		if api.Weights()[r] != httpx.Heavy {
			t.Errorf("%s must be heavy", r)
		}
	}
}

// TestHeavySlotsTakenOperatorsGoOn: with every heavy slot held by a blocked
// handler (the web UI's, which shares the limiter), an operator's next,
// attempt and finish through the API still answer at once, and a heavy
// API request waits its time and gets 503 with Retry-After: 5 and
// err.busy.retry.
func TestHeavySlotsTakenOperatorsGoOn(t *testing.T) {
	w := testworld.New(t, store.SQLite, testworld.Standard)
	svc := w.Svc
	svc.Clock = fixedClock{time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)}
	const slots, wait = 2, 300 * time.Millisecond
	lim := httpx.NewLimiter(httpx.Limits{Slots: slots, Queue: 1, Wait: wait})
	entered, unblock := make(chan struct{}, slots), make(chan struct{})
	blocked := lim.Limit(httpx.Heavy, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-unblock
	}), func(w http.ResponseWriter, r *http.Request, err error) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	mux := http.NewServeMux()
	mux.Handle("/api/", api.NewWith(svc, slog.New(slog.DiscardHandler), api.Options{Heavy: lim}))
	mux.Handle("/block", blocked)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	importPolicies(t, svc, "A", "K1", "K2")
	op, adm := userClient(t, svc, srv.URL, "A", "op1", ""), userClient(t, svc, srv.URL, "A", "adm", "")

	var wg sync.WaitGroup
	for range slots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(srv.URL + "/block")
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	for range slots {
		<-entered
	}
	defer func() { close(unblock); wg.Wait() }()
	if lim.Running() != slots {
		t.Fatalf("%d heavy requests running", lim.Running())
	}

	start := time.Now()
	code, work := op.do("POST", "/api/v1/callbacks/next", nil)
	if code != http.StatusOK {
		t.Fatalf("next with every heavy slot taken: %d %v", code, work)
	}
	path := "/api/v1/callbacks/" + itoa(int64(work["callback"].(map[string]any)["id"].(float64)))
	if code, body := op.do("POST", path+"/attempts", map[string]any{"outcome": "answered"}); code != http.StatusOK {
		t.Fatalf("attempt: %d %v", code, body)
	}
	answers := map[string]string{}
	for _, x := range work["script"].(map[string]any)["steps"].([]any) {
		st := x.(map[string]any)
		if st["kind"] != "question" {
			continue
		}
		options := []string{"yes", "no", "unclear"}
		if cs, ok := st["choices"].([]any); ok {
			options = nil
			for _, c := range cs {
				options = append(options, c.(string))
			}
		}
		answers[st["id"].(string)] = passingAnswer(st, options)
	}
	if code, body := op.do("POST", path+"/finish", map[string]any{"answers": answers}); code != http.StatusOK {
		t.Fatalf("finish: %d %v", code, body)
	}
	if d := time.Since(start); d >= wait {
		t.Fatalf("the operator's requests took %v: they waited behind the heavy ones", d)
	}

	// A heavy request waits its time, then is refused.
	start = time.Now()
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/callbacks?lang=en", nil)
	req.Header.Set("Authorization", "Bearer "+adm.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := time.Since(start); resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "5" || d < wait {
		t.Fatalf("a heavy request with every slot taken: %d Retry-After %q after %v", resp.StatusCode, resp.Header.Get("Retry-After"), d)
	}
	code, body := adm.do("GET", "/api/v1/callbacks", nil)
	if code != http.StatusServiceUnavailable || body["key"] != "err.busy.retry" || !strings.Contains(body["error"].(string), "稍后重试") {
		t.Fatalf("busy body: %d %v", code, body)
	}
}

// TestHeavyPlacesPerUser: with two heavy requests of one token's user in
// flight (held here in the limiter, under that user's id), the user's third
// heavy request is refused at once with 503 and err.busy.retry though slots
// are free, while another user's goes on; once one of the two ends, the
// first user's goes on again.
func TestHeavyPlacesPerUser(t *testing.T) {
	w := testworld.New(t, store.SQLite, testworld.Standard)
	svc := w.Svc
	svc.Clock = fixedClock{time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)}
	lim := httpx.NewLimiter(httpx.Limits{Slots: 4, Queue: 0, Wait: time.Hour, PerUser: 2})
	srv := httptest.NewServer(api.NewWith(svc, slog.New(slog.DiscardHandler), api.Options{Heavy: lim}))
	t.Cleanup(srv.Close)
	adm, adm2 := userClient(t, svc, srv.URL, "A", "adm", ""), userClient(t, svc, srv.URL, "A", "adm2", huifang.RoleInsurerAdmin)
	var releases []func()
	for range 2 {
		release, err := lim.AcquireFor(context.Background(), w.User(t, "adm").ID)
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	defer func() { releases[1]() }()
	if code, body := adm.do("GET", "/api/v1/callbacks", nil); code != http.StatusServiceUnavailable || body["key"] != "err.busy.retry" {
		t.Fatalf("the user's third heavy request: %d %v", code, body)
	}
	if code, body := adm2.do("GET", "/api/v1/callbacks", nil); code != http.StatusOK {
		t.Fatalf("another user's heavy request: %d %v", code, body)
	}
	releases[0]()
	if code, body := adm.do("GET", "/api/v1/callbacks", nil); code != http.StatusOK {
		t.Fatalf("the user's heavy request after one ended: %d %v", code, body)
	}
}
