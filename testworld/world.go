// Package testworld builds the world the tests of app, web, api and cli
// start from — a regulator, two insurers with their reference data, users —
// once per test binary into a migrated template database, and gives every
// test its own copy: SQLite copies the file, PostgreSQL creates a database
// from the template (CREATE DATABASE ... TEMPLATE). Building the world costs
// migrations, imports and bcrypt for every user; copying it costs a file
// write or a CREATE DATABASE, so tests can afford a fresh world each and run
// in parallel.
//
// As in store/storetest, SQLite always runs; PostgreSQL runs when
// HUIFANG_TEST_POSTGRES holds a URL and is skipped with a message otherwise,
// except under CI=true, where a missing engine fails the test. A package
// that uses worlds drops its PostgreSQL templates from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testworld.Main(m)) }
package testworld

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// Password is every world user's password.
const Password = "secret-password"

// Reference data of the standard world, in the import file formats (see
// package importer).
const (
	BranchesCSV = "机构代码,机构名称,上级机构代码\n86,总公司,\n8601,省分公司,86\n860101,市分公司,8601\n86010101,营业部,860101\n"
	ProductsCSV = "产品代码,产品名称,设计类型,保险期间,保证续保,犹豫期天数\nL20,康宁终身寿险,传统,终身,否,15\nU01,鑫享万能,万能,终身,否,15\n"
	AgentsCSV   = "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA001,李明,13900000001,86010101,00020231001,在职\n"
	OutletsCSV  = "网点代码,网点名称,所属银行,机构代码\nB001,工商银行人民路支行,工商银行,86010101\n"
	// PolicyHead is the header line of a policy file.
	PolicyHead = "保单号,产品代码,销售渠道,机构代码,业务员代码,银行网点代码,投保人姓名,投保人证件号码,投保人出生日期,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期,保险期间\n"
)

// Start is the time worlds are built at and their clocks start at: a
// Thursday morning (2026-03-05 10:00 in Beijing), inside calling hours.
var Start = time.Date(2026, 3, 5, 10, 0, 0, 0, huifang.Shanghai)

// A Spec says what a world holds. Worlds of one spec (by Name) are copies
// of one template, built by Build on the first use in a test binary.
type Spec struct {
	Name  string
	Build func(b *Builder) error
}

// Standard is the world most tests start from: the regulator REG, the
// insurers A and B with the same branches, products (L20, U01), agent and
// outlet, and the users op1 (operator of A), opb (operator of B) and adm
// (A's administrator).
var Standard = &Spec{Name: "standard", Build: func(b *Builder) error {
	if err := b.Org(app.OrgInput{Kind: huifang.KindRegulator, Code: "REG", Name: "某保监局"}); err != nil {
		return err
	}
	for _, code := range []string{"A", "B"} {
		if err := b.Org(app.OrgInput{Kind: huifang.KindInsurer, Code: code, Name: code + "人寿", RegulatorCode: "REG", ServicePhone: "95" + "500"}); err != nil {
			return err
		}
		for _, f := range []struct {
			kind importer.Kind
			body string
		}{{importer.KindBranches, BranchesCSV}, {importer.KindProducts, ProductsCSV}, {importer.KindAgents, AgentsCSV}, {importer.KindOutlets, OutletsCSV}} {
			if err := b.Import(code, f.kind, f.body); err != nil {
				return err
			}
		}
	}
	for _, u := range []app.UserInput{
		{OrgCode: "A", Login: "op1", Name: "王小红", Role: huifang.RoleOperator},
		{OrgCode: "B", Login: "opb", Name: "赵敏", Role: huifang.RoleOperator},
		{OrgCode: "A", Login: "adm", Name: "陈主管", Role: huifang.RoleInsurerAdmin},
	} {
		if err := b.User(u); err != nil {
			return err
		}
	}
	return nil
}}

// content is what a spec's builder made, the same in every copy.
type content struct {
	key    string // the PII key the world's personal data is sealed with
	orgs   map[string]huifang.Org
	users  map[string]huifang.User // by login
	tokens map[string]string       // by login
}

// Builder builds a world through the app service, as a deployment would:
// organisations and users as the command line, reference data by import.
type Builder struct {
	ctx context.Context
	// Svc is the service over the template; its clock stands at Start.
	Svc *app.Service
	dir string
	c   *content
}

// Org creates an organisation.
func (b *Builder) Org(in app.OrgInput) error {
	o, err := b.Svc.CreateOrg(b.ctx, app.CLI(), in)
	if err != nil {
		return fmt.Errorf("org %s: %w", in.Code, err)
	}
	b.c.orgs[o.Code] = *o
	return nil
}

// Import imports a file of the kind into an organisation.
func (b *Builder) Import(org string, kind importer.Kind, body string) error {
	name := org + "-" + string(kind) + ".csv"
	p := filepath.Join(b.dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		return err
	}
	res, err := b.Svc.ImportFile(b.ctx, app.CLI(), org, kind, p, name, nil)
	if err != nil {
		if res != nil && res.Report != nil {
			return fmt.Errorf("import %s into %s: %w\n%s", kind, org, err, res.Report.String())
		}
		return fmt.Errorf("import %s into %s: %w", kind, org, err)
	}
	return nil
}

// User creates a user whose password is Password (unless in has one).
// Logins are unique in a world.
func (b *Builder) User(in app.UserInput) error {
	if in.Password == "" {
		in.Password = Password
	}
	if _, dup := b.c.users[in.Login]; dup {
		return fmt.Errorf("user %s twice in one world", in.Login)
	}
	u, err := b.Svc.CreateUser(b.ctx, app.CLI(), in)
	if err != nil {
		return fmt.Errorf("user %s: %w", in.Login, err)
	}
	b.c.users[u.Login] = *u
	return nil
}

// Token creates an API token for a user of the world.
func (b *Builder) Token(login string) error {
	u, ok := b.c.users[login]
	if !ok {
		return fmt.Errorf("token: no user %s", login)
	}
	org := ""
	for code, o := range b.c.orgs {
		if o.ID == u.OrgID {
			org = code
		}
	}
	tok, err := b.Svc.CreateToken(b.ctx, app.CLI(), app.TokenInput{OrgCode: org, Login: login})
	if err != nil {
		return fmt.Errorf("token of %s: %w", login, err)
	}
	b.c.tokens[login] = tok
	return nil
}

// build runs the spec's builder over a migrated database.
func (spec *Spec) build(ctx context.Context, db *store.DB) (*content, error) {
	c := &content{key: pii.NewKey(), orgs: map[string]huifang.Org{}, users: map[string]huifang.User{}, tokens: map[string]string{}}
	box, err := box(c.key)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "testworld-build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	svc := app.New(db, box, slog.New(slog.DiscardHandler))
	svc.Clock = &Clock{t: Start}
	b := &Builder{ctx: ctx, Svc: svc, dir: dir, c: c}
	if err := spec.Build(b); err != nil {
		return nil, err
	}
	return c, nil
}

func box(key string) (*pii.Box, error) {
	k, err := pii.ParseKey(key)
	if err != nil {
		return nil, err
	}
	return pii.New(k)
}

// World is one test's copy of a spec's world.
type World struct {
	Engine store.Engine
	// DB is the world's database: tests outside package app reach the
	// store through it, never through the service.
	DB *store.DB
	// Svc is a service over DB with the world's key, a discarding log and
	// Clock; a test may set its fields (Clock, Log, Mail, ...) before use.
	Svc   *app.Service
	Box   *pii.Box
	Clock *Clock
	// Dir is a directory of the test's own for files.
	Dir string
	c   *content
}

// New returns a fresh copy of spec's world on the engine, for this test only.
func New(t testing.TB, engine store.Engine, spec *Spec) *World {
	t.Helper()
	db, c := open(t, engine, spec)
	bx, err := box(c.key)
	if err != nil {
		t.Fatal(err)
	}
	clk := &Clock{t: Start}
	svc := app.New(db, bx, slog.New(slog.DiscardHandler))
	svc.Clock = clk
	return &World{Engine: engine, DB: db, Svc: svc, Box: bx, Clock: clk, Dir: t.TempDir(), c: c}
}

// Each runs fn as a parallel subtest on every engine, each with its own
// copy of spec's world.
func Each(t *testing.T, spec *Spec, fn func(t *testing.T, w *World)) {
	t.Helper()
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			fn(t, New(t, e, spec))
		})
	}
}

// Org returns an organisation of the world by its code.
func (w *World) Org(t testing.TB, code string) *huifang.Org {
	t.Helper()
	o, ok := w.c.orgs[code]
	if !ok {
		t.Fatalf("world: no organisation %s", code)
	}
	return &o
}

// User returns a user of the world by login.
func (w *World) User(t testing.TB, login string) *huifang.User {
	t.Helper()
	u, ok := w.c.users[login]
	if !ok {
		t.Fatalf("world: no user %s", login)
	}
	return &u
}

// Token returns the API token the builder made for a user.
func (w *World) Token(t testing.TB, login string) string {
	t.Helper()
	tok, ok := w.c.tokens[login]
	if !ok {
		t.Fatalf("world: no token of %s", login)
	}
	return tok
}

// Clock is a settable clock, safe for a server's goroutines.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t.UTC()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}
