package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // to create and drop benchmark schemas

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
)

// Env is where benchmarks run.
type Env struct {
	Engine   store.Engine
	Postgres string    // base URL when Engine is Postgres
	Dir      string    // scratch directory for files and SQLite databases
	Binary   string    // the huifang binary, run as a child to measure its peak memory
	Serve    []string  // more arguments for the child's `huifang serve` (pages, load)
	Log      io.Writer // progress lines
}

// fresh makes an empty database: a new SQLite file, or a new PostgreSQL
// schema that cleanup drops.
func (e Env) fresh(ctx context.Context, name string) (string, func(), error) {
	if e.Engine == store.SQLite {
		p := filepath.Join(e.Dir, name+".db")
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(p + s)
		}
		return "sqlite:" + p, func() {
			for _, s := range []string{"", "-wal", "-shm"} {
				os.Remove(p + s)
			}
		}, nil
	}
	b := make([]byte, 4)
	rand.Read(b)
	schema := "bench_" + name + "_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", e.Postgres)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(e.Postgres)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	}, nil
}

func (e Env) logf(format string, args ...any) {
	if e.Log != nil {
		fmt.Fprintf(e.Log, format+"\n", args...)
	}
}

// setup opens a fresh migrated database with one insurer and its reference data.
func (e Env) setup(ctx context.Context, name string, key []byte) (*app.Service, *store.DB, *huifang.Org, string, func(), error) {
	u, cleanup, err := e.fresh(ctx, name)
	if err != nil {
		return nil, nil, nil, "", nil, err
	}
	fail := func(err error) (*app.Service, *store.DB, *huifang.Org, string, func(), error) {
		cleanup()
		return nil, nil, nil, "", nil, err
	}
	db, err := store.Open(ctx, u)
	if err != nil {
		return fail(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return fail(err)
	}
	box, err := pii.New(key)
	if err != nil {
		db.Close()
		return fail(err)
	}
	svc := app.New(db, box, slog.New(slog.DiscardHandler))
	org, err := svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindInsurer, Code: "BENCH", Name: "基准人寿", ServicePhone: "95500"})
	if err != nil {
		db.Close()
		return fail(err)
	}
	for _, f := range []struct {
		kind importer.Kind
		body string
	}{{importer.KindBranches, Fixture.Branches}, {importer.KindProducts, Fixture.Products}, {importer.KindAgents, Fixture.Agents}, {importer.KindOutlets, Fixture.Outlets}} {
		p := filepath.Join(e.Dir, string(f.kind)+".csv")
		if err := os.WriteFile(p, []byte(f.body), 0o600); err != nil {
			db.Close()
			return fail(err)
		}
		if _, err := svc.ImportFile(ctx, app.CLI(), "BENCH", f.kind, p, p, nil); err != nil {
			db.Close()
			return fail(fmt.Errorf("fixture %s: %w", f.kind, err))
		}
	}
	return svc, db, org, u, func() { db.Close(); cleanup() }, nil
}

// ImportFigures are one engine's import measurements.
type ImportFigures struct {
	Engine        store.Engine
	Rows          int
	BareSeconds   float64
	ImportSeconds float64
	PeakRSSMiB    float64
	AgainSeconds  float64 // importing the same file again: every row unchanged
}

// BareRate and ImportRate are rows per second; Ratio is import ÷ bare.
func (f ImportFigures) BareRate() float64   { return float64(f.Rows) / f.BareSeconds }
func (f ImportFigures) ImportRate() float64 { return float64(f.Rows) / f.ImportSeconds }
func (f ImportFigures) Ratio() float64      { return f.ImportRate() / f.BareRate() }

// Import writes n synthetic policies to a CSV file, then measures in one run:
// the bare bulk insert of the same rows into an empty database, and
// `huifang import policies` of the file (a child process: its wall time and
// peak resident memory) into another empty database of the same engine.
func Import(ctx context.Context, e Env, n int) (ImportFigures, error) {
	fig := ImportFigures{Engine: e.Engine, Rows: n}
	today := huifang.DateOf(time.Now())
	csvPath := filepath.Join(e.Dir, fmt.Sprintf("policies-%d.csv", n))
	if _, err := os.Stat(csvPath); err != nil {
		e.logf("writing %d policies to %s", n, csvPath)
		if err := WritePolicies(csvPath, n, today); err != nil {
			return fig, err
		}
	}
	keyText := pii.NewKey()
	key, _ := pii.ParseKey(keyText)

	// The bare baseline: the same rows, the plainest bulk insert, no checks.
	svc, db, org, _, cleanup, err := e.setup(ctx, "bare", key)
	if err != nil {
		return fig, err
	}
	enc, hash := svc.Box.Seal("13900000000"), svc.Box.Hash("13900000000")
	e.logf("%s: bare bulk insert of %d rows", e.Engine, n)
	start := time.Now()
	err = db.Bench().BareInsertPolicies(ctx, org.ID, n, func(i int) []any {
		r := MakeRow(i+1, today)
		return []any{r.No, r.Product, "agency", "86010101", r.Agent, r.Outlet, r.Holder, enc, hash, r.Birth, enc, hash, r.Holder,
			r.Applied, r.Issued, r.Receipt, r.PremiumFen, "annual", 10, 0, false, hash, "", "in-force", hash}
	})
	fig.BareSeconds = time.Since(start).Seconds()
	cleanup()
	if err != nil {
		return fig, err
	}

	// huifang's import, as a user runs it.
	svc, db, org, dbURL, cleanup, err := e.setup(ctx, "import", key)
	if err != nil {
		return fig, err
	}
	defer cleanup()
	e.logf("%s: huifang import policies of %d rows", e.Engine, n)
	cmd := exec.CommandContext(ctx, e.Binary, "import", "policies", "--org", "BENCH", "--db", dbURL, csvPath)
	cmd.Env = append(os.Environ(), "HUIFANG_KEY="+keyText, "HUIFANG_KEY_FILE=")
	cmd.Stderr = os.Stderr
	var out strings.Builder
	cmd.Stdout = &out
	start = time.Now()
	if err := cmd.Start(); err != nil {
		return fig, err
	}
	// The child's peak resident memory, sampled from /proc: its rusage would
	// report the parent's peak, which Linux hands down through vfork.
	peak := make(chan int64)
	go func() { peak <- watchPeak(cmd.Process.Pid) }()
	err = cmd.Wait()
	fig.ImportSeconds = time.Since(start).Seconds()
	fig.PeakRSSMiB = float64(<-peak) / 1024
	if err != nil {
		return fig, fmt.Errorf("huifang import: %w", err)
	}
	e.logf("  %s", strings.TrimSpace(out.String()))
	got, err := db.CountPolicies(ctx, org.ID)
	if err != nil {
		return fig, err
	}
	if got != n {
		return fig, fmt.Errorf("import wrote %d policies, want %d", got, n)
	}
	// The same file again, as an insurer reloads an unchanged export.
	e.logf("%s: huifang import policies of the same %d rows again", e.Engine, n)
	again := exec.CommandContext(ctx, e.Binary, "import", "policies", "--org", "BENCH", "--db", dbURL, csvPath)
	again.Env, again.Stderr = cmd.Env, os.Stderr
	out.Reset()
	again.Stdout = &out
	start = time.Now()
	if err := again.Run(); err != nil {
		return fig, fmt.Errorf("huifang import again: %w", err)
	}
	fig.AgainSeconds = time.Since(start).Seconds()
	e.logf("  %s", strings.TrimSpace(out.String()))
	return fig, nil
}

// ClaimFigures compare huifang's claim with the bare claim.
type ClaimFigures struct {
	Engine               store.Engine
	Callbacks, Operators int
	Seconds              float64
	Ours, Bare           float64 // claims per second
}

// Ratio is huifang's claim throughput over the bare loop's.
func (f ClaimFigures) Ratio() float64 { return f.Ours / f.Bare }

// Claims seeds n open callbacks, then lets ops operators claim as fast as they
// can for d, each claim followed by marking the callback done (an operator
// finishing it), alternating the bare loop and huifang's claim twice each.
func Claims(ctx context.Context, e Env, n, ops int, d time.Duration) (ClaimFigures, error) {
	fig := ClaimFigures{Engine: e.Engine, Callbacks: n, Operators: ops, Seconds: d.Seconds()}
	key, _ := pii.ParseKey(pii.NewKey())
	svc, db, org, _, cleanup, err := e.setup(ctx, "claim", key)
	if err != nil {
		return fig, err
	}
	defer cleanup()
	e.logf("%s: seeding %d open callbacks", e.Engine, n)
	if err := db.Bench().SeedOpenCallbacks(ctx, org.ID, n, huifang.DateOf(time.Now()), "L20", svc.Box.Seal("13900000000"), svc.Box.Hash("13900000000")); err != nil {
		return fig, err
	}
	ours := func(op int64) (int64, error) {
		c, err := db.ClaimCallback(ctx, org.ID, op, time.Now(), 10*time.Minute)
		if err != nil {
			return 0, err
		}
		return c.ID, nil
	}
	bare := func(op int64) (int64, error) {
		return db.Bench().BareClaim(ctx, org.ID, op, time.Now(), 10*time.Minute)
	}
	var o, b []float64
	for round := 0; round < 2; round++ {
		rb, err := claimLoop(ctx, db, org.ID, ops, d, bare)
		if err != nil {
			return fig, err
		}
		ro, err := claimLoop(ctx, db, org.ID, ops, d, ours)
		if err != nil {
			return fig, err
		}
		e.logf("  round %d: bare %.0f/s, huifang %.0f/s", round+1, rb, ro)
		b, o = append(b, rb), append(o, ro)
	}
	fig.Bare, fig.Ours = mean(b), mean(o)
	return fig, nil
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func claimLoop(ctx context.Context, db *store.DB, orgID int64, ops int, d time.Duration, claim func(op int64) (int64, error)) (float64, error) {
	var count atomic.Int64
	var firstErr error
	var once sync.Once
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for op := 1; op <= ops; op++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				id, err := claim(int64(op))
				if err == nil {
					err = db.Bench().MarkDone(ctx, orgID, id)
				}
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				count.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(count.Load()) / d.Seconds(), firstErr
}

// LatencyFigures are svc.Next's latencies at a human pace.
type LatencyFigures struct {
	Engine               store.Engine
	Callbacks, Operators int
	Requests             int
	P50, P99, Max        time.Duration
}

// Human lets ops operators each ask for the next callback on average every
// pace (exponentially spread), through the whole use case (claim, policy,
// items, false-number checks), each finishing its callback before the next.
func Human(ctx context.Context, e Env, n, ops int, d, pace time.Duration) (LatencyFigures, error) {
	fig := LatencyFigures{Engine: e.Engine, Callbacks: n, Operators: ops}
	key, _ := pii.ParseKey(pii.NewKey())
	svc, db, org, _, cleanup, err := e.setup(ctx, "human", key)
	if err != nil {
		return fig, err
	}
	defer cleanup()
	e.logf("%s: seeding %d open callbacks", e.Engine, n)
	if err := db.Bench().SeedOpenCallbacks(ctx, org.ID, n, huifang.DateOf(time.Now()), "L20", svc.Box.Seal("13900000000"), svc.Box.Hash("13900000000")); err != nil {
		return fig, err
	}
	// Inside calling hours, whatever the time the benchmark runs.
	now := time.Date(2026, 3, 5, 10, 0, 0, 0, huifang.Shanghai)
	svc.Clock = fixedClock{now}
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for op := 1; op <= ops; op++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := &huifang.User{ID: int64(op), OrgID: org.ID, Login: fmt.Sprint("op", op), Role: huifang.RoleOperator}
			r := mrand.New(mrand.NewPCG(uint64(op), 1))
			for {
				wait := time.Duration(r.ExpFloat64() * float64(pace))
				if time.Now().Add(wait).After(deadline) {
					return
				}
				time.Sleep(wait)
				start := time.Now()
				w, err := svc.Next(ctx, u)
				el := time.Since(start)
				if err == nil {
					err = db.Bench().MarkDone(ctx, org.ID, w.Callback.ID)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				lat = append(lat, el)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return fig, firstErr
	}
	if len(lat) == 0 {
		return fig, errors.New("no requests made")
	}
	slices.Sort(lat)
	fig.Requests = len(lat)
	fig.P50 = lat[len(lat)/2]
	fig.P99 = lat[int(math.Ceil(float64(len(lat))*0.99))-1]
	fig.Max = lat[len(lat)-1]
	return fig, nil
}

// watchPeak polls a process's VmHWM (peak resident set, KiB) until it exits
// and returns the last value read.
func watchPeak(pid int) int64 {
	path := fmt.Sprintf("/proc/%d/status", pid)
	var last int64
	for {
		b, err := os.ReadFile(path)
		if err != nil {
			return last
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				if n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64); err == nil && n > 0 {
					last = n
				}
			}
		}
		// A zombie has no memory left to report; keep what was read before.
		if strings.Contains(string(b), "State:\tZ") {
			return last
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t.UTC() }
