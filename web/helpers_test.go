package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/testworld"
	"github.com/huifang/huifang/web"
)

var ctx = context.Background()

// at is a time on a day of March 2026, Beijing time.
func at(day, hour, min int) time.Time {
	return time.Date(2026, 3, day, hour, min, 0, 0, huifang.Shanghai)
}

const password = testworld.Password

// Reference data in the import file formats (see package importer).
const policyHead = testworld.PolicyHead

// policyLine is one row of a policy file, applied for ten days and issued
// five days before its receipt date; bancassurance goes through the outlet.
func policyLine(no, product, channel, holder, receipt, phone string, seq int) string {
	birth := huifang.NewDate(1980, 5, 6)
	r, err := huifang.ParseISODate(receipt)
	if err != nil {
		panic(err)
	}
	id := importer.ValidIDNumber("110101", birth, seq)
	agent, outlet := "A001", ""
	if channel == "银保" {
		agent, outlet = "", "B001"
	}
	return strings.Join([]string{no, product, channel, "86010101", agent, outlet, holder, id, "1980-05-06", phone, holder,
		r.AddDays(-10).String(), r.AddDays(-5).String(), receipt, "12000.00", "年交", "10", ""}, ",") + "\n"
}

// fixture is a running web UI over a copy of the standard test world (see
// package testworld).
type fixture struct {
	svc   *app.Service
	db    *store.DB
	clk   *testworld.Clock
	srv   *httptest.Server
	dir   string
	orgA  *huifang.Org
	orgB  *huifang.Org
	op    *huifang.User // operator of insurer A
	opB   *huifang.User // operator of insurer B
	admin *huifang.User // insurer A's administrator
}

// TestMain drops the test worlds' PostgreSQL templates at the end.
func TestMain(m *testing.M) { os.Exit(testworld.Main(m)) }

// world returns a fresh copy of the standard world on SQLite.
func world(t *testing.T) *testworld.World {
	t.Helper()
	return testworld.New(t, store.SQLite, testworld.Standard)
}

// eachWorld runs fn as a parallel subtest on every engine, each with its
// own copy of the standard world.
func eachWorld(t *testing.T, fn func(t *testing.T, w *testworld.World)) {
	t.Helper()
	testworld.Each(t, testworld.Standard, fn)
}

// setup serves the web UI over a world, its log in the test's log.
func setup(t *testing.T, w *testworld.World) *fixture {
	t.Helper()
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	w.Svc.Log = log
	f := &fixture{svc: w.Svc, db: w.DB, clk: w.Clock, dir: w.Dir,
		orgA: w.Org(t, "A"), orgB: w.Org(t, "B"), op: w.User(t, "op1"), opB: w.User(t, "opb"), admin: w.User(t, "adm")}
	f.srv = httptest.NewServer(web.New(w.Svc, web.Options{Log: log}))
	t.Cleanup(f.srv.Close)
	return f
}

// testWriter sends the server's log to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// writeFile writes a file into the fixture's directory and returns its path.
func (f *fixture) writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) importFile(t *testing.T, org string, kind importer.Kind, body string) {
	t.Helper()
	name := org + "-" + string(kind) + ".csv"
	res, err := f.svc.ImportFile(ctx, app.CLI(), org, kind, f.writeFile(t, name, body), name, nil)
	if err != nil {
		if res != nil && res.Report != nil {
			t.Fatalf("import %s: %v\n%s", kind, err, res.Report.String())
		}
		t.Fatalf("import %s: %v", kind, err)
	}
}

// loadPolicies imports policies into an insurer.
func (f *fixture) loadPolicies(t *testing.T, org string, lines ...string) {
	t.Helper()
	f.importFile(t, org, importer.KindPolicies, policyHead+strings.Join(lines, ""))
}

// callbackOf returns the callback of a policy.
func (f *fixture) callbackOf(t *testing.T, org *huifang.Org, policyNo string) *huifang.Callback {
	t.Helper()
	var out *huifang.Callback
	err := f.db.ForEachCallback(ctx, org.ID, huifang.CallbackFilter{PolicyNo: policyNo}, func(r *huifang.CallbackRow) error {
		c := r.Callback
		out = &c
		return nil
	})
	if err != nil || out == nil {
		t.Fatalf("callback of %s: %v", policyNo, err)
	}
	return out
}

// client is a browser-like HTTP client that does not follow redirects, so
// tests see them.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func (f *fixture) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: f.srv.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login signs in through the form and fails the test unless it works.
func (f *fixture) login(t *testing.T, login string) *client {
	c := f.client(t)
	res, _ := c.postForm("/login", url.Values{"login": {login}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", login, res.StatusCode)
	}
	return c
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return res, string(b)
}

func (c *client) get(path string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

func (c *client) postForm(path string, form url.Values, headers ...string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}
