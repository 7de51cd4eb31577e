package testworld

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop databases
	"golang.org/x/crypto/bcrypt"

	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// A template is one spec's world on one engine, built once per test
// binary; every test gets its own copy of it.
type template struct {
	once sync.Once
	err  error
	// content is what the builder made, the same in every copy.
	content *content
	// sqlite: the database file's bytes (and its write-ahead log's, if any).
	file, wal []byte
	// postgres: the template database and the server's URL.
	name, base string
}

var (
	mu        sync.Mutex
	templates = map[string]*template{}
	// tempDir holds SQLite templates while they are built.
	tempDir string
	// created lists the PostgreSQL templates, dropped by Main.
	created []string
	baseURL string
	// copyMu serialises CREATE DATABASE ... TEMPLATE: PostgreSQL refuses a
	// copy while another session is connected to the template.
	copyMu sync.Mutex
	seq    int
)

// prefix names this test binary's PostgreSQL databases: the binary and its
// process id, so that package binaries running side by side never collide.
func prefix() string {
	name := strings.TrimSuffix(filepath.Base(os.Args[0]), ".test")
	name = regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(name), "")
	if len(name) > 20 {
		name = name[:20]
	}
	return fmt.Sprintf("tw_%s_%d", name, os.Getpid())
}

// open returns a fresh copy of spec's template on the engine, closed (and
// on PostgreSQL dropped) when the test ends.
func open(t testing.TB, engine store.Engine, spec *Spec) (*store.DB, *content) {
	t.Helper()
	var base string
	if engine == store.Postgres {
		base = storetest.PostgresURL(t) // skips, or fails under CI=true
	}
	mu.Lock()
	key := string(engine) + "/" + spec.Name
	tpl := templates[key]
	if tpl == nil {
		tpl = &template{}
		templates[key] = tpl
	}
	mu.Unlock()
	tpl.once.Do(func() { tpl.err = tpl.build(engine, spec, base) })
	if tpl.err != nil {
		t.Fatalf("world %q on %s: %v", spec.Name, engine, tpl.err)
	}
	var u string
	if engine == store.SQLite {
		u = tpl.copySQLite(t)
	} else {
		u = tpl.copyPostgres(t)
	}
	db, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() }) // before the drop: cleanups run last first
	return db, tpl.content
}

// build migrates a new database, builds the world in it and closes it.
func (tpl *template) build(engine store.Engine, spec *Spec, base string) error {
	ctx := context.Background()
	var u string
	switch engine {
	case store.SQLite:
		mu.Lock()
		if tempDir == "" {
			d, err := os.MkdirTemp("", "testworld-")
			if err != nil {
				mu.Unlock()
				return err
			}
			tempDir = d
		}
		mu.Unlock()
		d, err := os.MkdirTemp(tempDir, "tpl-")
		if err != nil {
			return err
		}
		u = "sqlite:" + filepath.Join(d, "world.db")
	case store.Postgres:
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return err
		}
		defer admin.Close()
		dropStale(ctx, admin)
		mu.Lock()
		seq++
		tpl.name = fmt.Sprintf("%s_tpl%d", prefix(), seq)
		created = append(created, tpl.name)
		baseURL = base
		mu.Unlock()
		tpl.base = base
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+tpl.name); err != nil {
			return fmt.Errorf("create template: %w", err)
		}
		if u, err = withDatabase(base, tpl.name); err != nil {
			return err
		}
	}
	db, err := store.Open(ctx, u)
	if err != nil {
		return err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return fmt.Errorf("migrate: %w", err)
	}
	c, err := spec.build(ctx, db)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := cheapPasswords(ctx, engine, u, c); err != nil {
		return err
	}
	tpl.content = c
	if engine == store.SQLite {
		path := strings.TrimPrefix(u, "sqlite:")
		if tpl.file, err = os.ReadFile(path); err != nil {
			return err
		}
		if tpl.wal, err = os.ReadFile(path + "-wal"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		os.RemoveAll(filepath.Dir(path))
	}
	return nil
}

// cheapPasswords stores the world's users' password (Password) hashed at
// bcrypt's lowest cost. bcrypt takes the cost from the stored hash, so each
// test's login then costs well under a millisecond instead of some 70 ms of
// CPU; the service still checks the password the same way.
func cheapPasswords(ctx context.Context, engine store.Engine, u string, c *content) error {
	var logins []string
	for login, user := range c.users {
		if bcrypt.CompareHashAndPassword([]byte(user.PasswordHash), []byte(Password)) == nil {
			logins = append(logins, login)
		}
	}
	if len(logins) == 0 {
		return nil
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
	if err != nil {
		return err
	}
	driver, dsn, update := "pgx", u, `UPDATE users SET password_hash = $1 WHERE login = $2`
	if engine == store.SQLite {
		driver, dsn, update = "sqlite", "file:"+strings.TrimPrefix(u, "sqlite:"), `UPDATE users SET password_hash = ? WHERE login = ?`
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	defer raw.Close()
	for _, login := range logins {
		if _, err := raw.ExecContext(ctx, update, string(hash), login); err != nil {
			return fmt.Errorf("cheap password of %s: %w", login, err)
		}
		user := c.users[login]
		user.PasswordHash = string(hash)
		c.users[login] = user
	}
	return raw.Close()
}

// copySQLite writes the template's file into the test's directory.
func (tpl *template) copySQLite(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, tpl.file, 0o600); err != nil {
		t.Fatal(err)
	}
	if len(tpl.wal) > 0 {
		if err := os.WriteFile(path+"-wal", tpl.wal, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return "sqlite:" + path
}

// copyPostgres creates a database from the template, dropped when the test ends.
func (tpl *template) copyPostgres(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", tpl.base)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	seq++
	name := fmt.Sprintf("%s_%d", prefix(), seq)
	mu.Unlock()
	copyMu.Lock()
	for try := 0; ; try++ {
		_, err = admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+tpl.name)
		// The template's last sessions may still be ending.
		if err == nil || try == 50 || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	copyMu.Unlock()
	if err != nil {
		admin.Close()
		t.Fatalf("copy the world: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	u, err := withDatabase(tpl.base, name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// withDatabase returns the PostgreSQL URL with another database name, for
// sessions that do not wait for their commits to reach the disk.
func withDatabase(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	// A test's commits need not wait for the disk: without this, waiting
	// for the WAL flush was most of a PostgreSQL test's time.
	q := u.Query()
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// dropStale drops the databases that test binaries no longer running left
// behind (a binary killed before Main could drop them).
func dropStale(ctx context.Context, admin *sql.DB) {
	rows, err := admin.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'tw\_%'`)
	if err != nil {
		return
	}
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			names = append(names, n)
		}
	}
	rows.Close()
	pidOf := regexp.MustCompile(`^tw_[a-z0-9]*_([0-9]+)_`)
	for _, n := range names {
		m := pidOf.FindStringSubmatch(n)
		if m == nil {
			continue
		}
		pid, _ := strconv.Atoi(m[1])
		if pid <= 0 || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue // still running (or not ours to judge)
		}
		admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+n+` WITH (FORCE)`)
	}
}

// Main runs the tests and then drops the templates; call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testworld.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if tempDir != "" {
		os.RemoveAll(tempDir)
	}
	if len(created) > 0 {
		if admin, err := sql.Open("pgx", baseURL); err == nil {
			for _, n := range created {
				admin.Exec(`DROP DATABASE IF EXISTS ` + n + ` WITH (FORCE)`)
			}
			admin.Close()
		}
	}
	return code
}
