package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/api"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/bench"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/web"
)

// TestHeavyLoad is a small load run, not part of the ordinary tests: set
// HUIFANG_LOAD=1 (and HUIFANG_LOAD_POLICIES, default 20000;
// HUIFANG_LOAD_SECONDS, default 20). On SQLite, operators call next and
// release through the API without pause while managers open dashboards,
// filtered lists, statistics and CSV exports without pause; it runs once
// without the heavy-request limit (as before), once with serve's
// defaults and once with a single heavy slot, and logs the operators' next p50/p99, the heavy requests'
// p50/p99 and refusals, and the process's peak heap in use (server and clients).
//
//	HUIFANG_LOAD=1 go test ./cli -run TestHeavyLoad -v -timeout 30m
func TestHeavyLoad(t *testing.T) {
	if os.Getenv("HUIFANG_LOAD") != "1" {
		t.Skip("a load run: set HUIFANG_LOAD=1")
	}
	n := envInt("HUIFANG_LOAD_POLICIES", 20000)
	d := time.Duration(envInt("HUIFANG_LOAD_SECONDS", 20)) * time.Second
	ops, heavies := envInt("HUIFANG_LOAD_OPERATORS", 20), envInt("HUIFANG_LOAD_HEAVY", 40)
	svc, opTokens, bossToken, session := loadWorld(t, n, ops)
	t.Logf("%d policies on SQLite; %d operators (next + release), %d heavy clients; %v each; GOMAXPROCS %d", n, ops, heavies, d, runtime.GOMAXPROCS(0))

	// 0: no limit, as before; then serve's default; then one slot.
	for _, slots := range []int{0, httpx.DefaultHeavySlots(), 1} {
		var lim *httpx.Limiter
		if slots > 0 {
			l := httpx.DefaultLimits()
			l.Slots = slots
			// One boss plays every heavy client here: as many places as
			// clients, so that the run measures the slots, not the
			// per-user cap.
			l.PerUser = heavies
			lim = httpx.NewLimiter(l)
		}
		mux := http.NewServeMux()
		mux.Handle("/api/", api.NewWith(svc, svc.Log, api.Options{Heavy: lim}))
		mux.Handle("/", web.New(svc, web.Options{Log: svc.Log, Heavy: lim}))
		srv := httptest.NewServer(mux)
		r := runLoad(t, srv.URL, opTokens, bossToken, session, heavies, d)
		srv.Close()
		label := "no limit (before)"
		if slots > 0 {
			label = fmt.Sprintf("--heavy-limit %d, queue 64, wait 10s (after)", slots)
		}
		t.Logf("%s: next n=%d p50 %v p99 %v errors %d | heavy n=%d p50 %v p99 %v 503 %d other errors %d | peak heap in use %.0f MB",
			label, len(r.next), pct(r.next, 50), pct(r.next, 99), r.nextErr.Load(), len(r.heavy), pct(r.heavy, 50), pct(r.heavy, 99), r.busy.Load(), r.heavyErr.Load(), float64(r.peak)/1e6)
	}
}

// loadWorld is a fresh SQLite database with an insurer LOAD, the benchmark's
// reference data, n synthetic policies imported (their callbacks due over
// the month), ops operators with a token each and an administrator "boss"
// with a token and a web session.
func loadWorld(t *testing.T, n, ops int) (svc *app.Service, opTokens []string, bossToken, session string) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "load.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	key, _ := pii.ParseKey(pii.NewKey())
	box, err := pii.New(key)
	if err != nil {
		t.Fatal(err)
	}
	svc = app.New(db, box, slog.New(slog.DiscardHandler))
	// Inside calling hours, whatever the time the run starts: a Thursday at 10:00.
	svc.Clock = loadClock{time.Date(2026, 3, 5, 10, 0, 0, 0, huifang.Shanghai)}
	if _, err := svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindInsurer, Code: "LOAD", Name: "负载人寿", ServicePhone: "95500"}); err != nil {
		t.Fatal(err)
	}
	imp := func(kind importer.Kind, path string) {
		if _, err := svc.ImportFile(ctx, app.CLI(), "LOAD", kind, path, path, nil); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	for _, f := range []struct {
		kind importer.Kind
		body string
	}{{importer.KindBranches, bench.Fixture.Branches}, {importer.KindProducts, bench.Fixture.Products}, {importer.KindAgents, bench.Fixture.Agents}, {importer.KindOutlets, bench.Fixture.Outlets}} {
		p := filepath.Join(dir, string(f.kind)+".csv")
		if err := os.WriteFile(p, []byte(f.body), 0o600); err != nil {
			t.Fatal(err)
		}
		imp(f.kind, p)
	}
	policies := filepath.Join(dir, "policies.csv")
	if err := bench.WritePolicies(policies, n, huifang.DateOf(svc.Clock.Now())); err != nil {
		t.Fatal(err)
	}
	imp(importer.KindPolicies, policies)
	const password = "load-test-password"
	for i := range ops {
		login := fmt.Sprintf("op%d", i)
		if _, err := svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "LOAD", Login: login, Role: huifang.RoleOperator, Password: password}); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.CreateToken(ctx, app.CLI(), app.TokenInput{OrgCode: "LOAD", Login: login})
		if err != nil {
			t.Fatal(err)
		}
		opTokens = append(opTokens, tok)
	}
	if _, err := svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "LOAD", Login: "boss", Role: huifang.RoleInsurerAdmin, Password: password}); err != nil {
		t.Fatal(err)
	}
	bossToken, err = svc.CreateToken(ctx, app.CLI(), app.TokenInput{OrgCode: "LOAD", Login: "boss"})
	if err != nil {
		t.Fatal(err)
	}
	session, _, err = svc.Login(ctx, "boss", password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return svc, opTokens, bossToken, session
}

type loadClock struct{ t time.Time }

func (c loadClock) Now() time.Time { return c.t.UTC() }

type loadResult struct {
	mu                      sync.Mutex
	next, heavy             []time.Duration
	nextErr, heavyErr, busy atomic.Int64
	peak                    uint64
}

func runLoad(t *testing.T, base string, opTokens []string, bossToken, session string, heavies int, d time.Duration) *loadResult {
	r := &loadResult{}
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
	call := func(method, path, token, cookie string) (int, time.Duration, []byte) {
		req, _ := http.NewRequest(method, base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: "huifang_session", Value: cookie})
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, time.Since(start), nil
		}
		var body []byte
		if strings.HasPrefix(path, "/api/v1/callbacks/next") || resp.StatusCode >= 400 {
			body, _ = io.ReadAll(resp.Body)
		} else {
			io.Copy(io.Discard, resp.Body)
		}
		resp.Body.Close()
		return resp.StatusCode, time.Since(start), body
	}
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for _, tok := range opTokens {
		wg.Go(func() {
			for time.Now().Before(stop) {
				code, took, body := call("POST", "/api/v1/callbacks/next", tok, "")
				r.mu.Lock()
				r.next = append(r.next, took)
				r.mu.Unlock()
				if code != http.StatusOK {
					if r.nextErr.Add(1) == 1 {
						t.Logf("next: %d %s", code, body)
					}
					continue
				}
				// Hand the callback back, so that the next call claims again.
				var w struct {
					Callback struct{ ID int64 } `json:"callback"`
				}
				if json.Unmarshal(body, &w) == nil && w.Callback.ID > 0 {
					call("POST", "/api/v1/callbacks/"+strconv.FormatInt(w.Callback.ID, 10)+"/release", tok, "")
				}
			}
		})
	}
	month := "2026-03"
	heavyPaths := []struct{ path, token, cookie string }{
		{"/dashboard?period=" + month, "", session},
		{"/api/v1/callbacks?overdue=1", bossToken, ""},
		{"/api/v1/callbacks?status=open&channel=bancassurance", bossToken, ""},
		{"/api/v1/stats?period=" + month, bossToken, ""},
		{"/api/v1/export/callbacks?format=csv", bossToken, ""},
	}
	for i := range heavies {
		wg.Go(func() {
			for j := i; time.Now().Before(stop); j++ {
				h := heavyPaths[j%len(heavyPaths)]
				code, took, _ := call("GET", h.path, h.token, h.cookie)
				switch {
				case code == http.StatusServiceUnavailable:
					r.busy.Add(1)
					time.Sleep(200 * time.Millisecond)
				case code != http.StatusOK:
					r.heavyErr.Add(1)
				default:
					r.mu.Lock()
					r.heavy = append(r.heavy, took)
					r.mu.Unlock()
				}
			}
		})
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(500 * time.Millisecond):
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			r.peak = max(r.peak, m.HeapInuse)
		}
	}()
	wg.Wait()
	close(done)
	return r
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(time.Millisecond)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(strings.TrimSpace(os.Getenv(name))); err == nil && v > 0 {
		return v
	}
	return def
}

// TestExportLoad times a whole company's callback export through the API,
// as XLSX and CSV: the time to the first byte, the whole time, the size and
// the most the process's heap in use rose above its level before (sampled
// every 50 ms). Set HUIFANG_LOAD_EXPORT=1 (HUIFANG_LOAD_POLICIES, default
// 100000).
//
//	HUIFANG_LOAD_EXPORT=1 go test ./cli -run TestExportLoad -v -timeout 30m
func TestExportLoad(t *testing.T) {
	if os.Getenv("HUIFANG_LOAD_EXPORT") != "1" {
		t.Skip("a load run: set HUIFANG_LOAD_EXPORT=1")
	}
	n := envInt("HUIFANG_LOAD_POLICIES", 100000)
	svc, _, bossToken, _ := loadWorld(t, n, 1)
	srv := httptest.NewServer(api.NewWith(svc, svc.Log, api.Options{Heavy: httpx.NewLimiter(httpx.DefaultLimits())}))
	defer srv.Close()
	for _, format := range []string{"xlsx", "csv"} {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		base, peak := m.HeapInuse, m.HeapInuse
		done := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			for {
				select {
				case <-done:
					return
				case <-time.After(50 * time.Millisecond):
				}
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}()
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/export/callbacks?format="+format, nil)
		req.Header.Set("Authorization", "Bearer "+bossToken)
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 64<<10)
		var first time.Duration
		var size int64
		for {
			k, err := resp.Body.Read(buf)
			if k > 0 && size == 0 {
				first = time.Since(start)
			}
			size += int64(k)
			if err != nil {
				break
			}
		}
		resp.Body.Close()
		total := time.Since(start)
		close(done)
		<-sampled
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", format, resp.StatusCode)
		}
		t.Logf("%s, %d policies: first byte %v, whole %v, %.1f MB, peak heap in use +%.0f MB", format, n, first.Round(time.Millisecond), total.Round(time.Millisecond), float64(size)/1e6, float64(peak-base)/1e6)
	}
}
