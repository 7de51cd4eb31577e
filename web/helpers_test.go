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
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/web"
)

var ctx = context.Background()

// fakeClock is a settable clock, safe for the server's goroutines.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t.UTC()
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// at is a time on a day of March 2026, Beijing time.
func at(day, hour, min int) time.Time {
	return time.Date(2026, 3, day, hour, min, 0, 0, huifang.Shanghai)
}

const password = "secret-password"

// Reference data in the import file formats (see package importer).
const (
	branchesCSV = "机构代码,机构名称,上级机构代码\n86,总公司,\n8601,省分公司,86\n860101,市分公司,8601\n86010101,营业部,860101\n"
	productsCSV = "产品代码,产品名称,设计类型,保险期间,保证续保,犹豫期天数\nL20,康宁终身寿险,传统,终身,否,15\nU01,鑫享万能,万能,终身,否,15\n"
	agentsCSV   = "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA001,李明,13900000001,86010101,00020231001,在职\n"
	outletsCSV  = "网点代码,网点名称,所属银行,机构代码\nB001,工商银行人民路支行,工商银行,86010101\n"
	policyHead  = "保单号,产品代码,销售渠道,机构代码,业务员代码,银行网点代码,投保人姓名,投保人证件号码,投保人出生日期,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期,保险期间\n"
)

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

// fixture is a running web UI over a fresh database with two insurers.
type fixture struct {
	svc   *app.Service
	db    *store.DB
	clk   *fakeClock
	srv   *httptest.Server
	dir   string
	orgA  *huifang.Org
	orgB  *huifang.Org
	op    *huifang.User // operator of insurer A
	opB   *huifang.User // operator of insurer B
	admin *huifang.User // insurer A's administrator
}

// setup builds the fixture through the app service, as a deployment would:
// organisations and users as the command line, reference data by import.
func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	key, err := pii.ParseKey(pii.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	box, err := pii.New(key)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc := app.New(db, box, log)
	clk := &fakeClock{t: at(5, 10, 0)} // a Thursday morning, inside calling hours
	svc.Clock = clk
	f := &fixture{svc: svc, db: db, clk: clk, dir: t.TempDir()}
	cli := app.CLI()
	if _, err := svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindRegulator, Code: "REG", Name: "某保监局"}); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"A", "B"} {
		org, err := svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindInsurer, Code: code, Name: code + "人寿", RegulatorCode: "REG", ServicePhone: "95" + "500"})
		if err != nil {
			t.Fatal(err)
		}
		if code == "A" {
			f.orgA = org
		} else {
			f.orgB = org
		}
		f.importFile(t, code, importer.KindBranches, branchesCSV)
		f.importFile(t, code, importer.KindProducts, productsCSV)
		f.importFile(t, code, importer.KindAgents, agentsCSV)
		f.importFile(t, code, importer.KindOutlets, outletsCSV)
	}
	mk := func(org, login, name string, role huifang.Role) *huifang.User {
		u, err := svc.CreateUser(ctx, cli, app.UserInput{OrgCode: org, Login: login, Name: name, Role: role, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.op = mk("A", "op1", "王小红", huifang.RoleOperator)
	f.opB = mk("B", "opb", "赵敏", huifang.RoleOperator)
	f.admin = mk("A", "adm", "陈主管", huifang.RoleInsurerAdmin)
	f.srv = httptest.NewServer(web.New(svc, web.Options{Log: log}))
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
