// Package storetest opens fresh, migrated databases for tests on every engine:
// SQLite in a temporary directory always, PostgreSQL in a throwaway schema when
// HUIFANG_TEST_POSTGRES holds a URL. Without it the PostgreSQL half is skipped
// with a message, except under CI=true, where a missing engine fails the test.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop schemas

	"github.com/huifang/huifang/store"
)

// Engines lists the engines tests run on.
var Engines = []store.Engine{store.SQLite, store.Postgres}

// Open returns a fresh migrated database on the engine, closed and removed when the test ends.
func Open(t testing.TB, engine store.Engine) *store.DB {
	t.Helper()
	u := URL(t, engine)
	db, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return db
}

// URL returns the address of a fresh, empty database on the engine, removed when the test ends.
func URL(t testing.TB, engine store.Engine) string {
	t.Helper()
	if engine == store.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	base := PostgresURL(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	pu, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := pu.Query()
	q.Set("search_path", schema)
	// Tests need not wait for their commits to reach the disk.
	q.Set("synchronous_commit", "off")
	pu.RawQuery = q.Encode()
	return pu.String()
}

// PostgresURL returns HUIFANG_TEST_POSTGRES or skips the test (fails it under CI=true).
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("HUIFANG_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("HUIFANG_TEST_POSTGRES is not set: CI must run the PostgreSQL half")
		}
		t.Skip("PostgreSQL half skipped: set HUIFANG_TEST_POSTGRES=postgres://... to run it")
	}
	return u
}

// Each runs fn as a subtest on every engine, each with its own fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}
