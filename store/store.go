// Package store keeps huifang's data in SQLite (embedded, the default) or
// PostgreSQL (production). One implementation serves both engines: queries are
// written once with ? placeholders, and the engine-specific parts (opening,
// migrations, bulk loading, claiming work) sit in engine_*.go. Every method that
// touches an organisation's data takes its id and filters on it.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huifang/huifang"
)

//go:embed migrations
var migrationsFS embed.FS

// Engine names a database engine.
type Engine string

// Engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is a huifang database.
type DB struct {
	engine Engine
	// write takes every change; on SQLite it has exactly one connection (one writer).
	write *sql.DB
	// read serves queries; on PostgreSQL it is the same pool as write.
	read *sql.DB
	// lease takes and gives back leases on callbacks. On PostgreSQL its
	// sessions commit without waiting for the WAL flush: a lease lost in a
	// crash only returns a callback to the pool, and the flush wait was most
	// of a claim's latency. Elsewhere it is the write pool.
	lease *sql.DB
	// stmts keeps SQLite's hot statements prepared (nil on PostgreSQL).
	stmts *stmtCache
	// writer is SQLite's queue for its one write connection (writeTurn);
	// nil on PostgreSQL.
	writer chan struct{}

	mu      sync.Mutex
	rebound map[string]string
}

// Open opens a database from a URL: sqlite:PATH or postgres://...
// It does not migrate; call Migrate or check with SchemaCurrent.
func Open(ctx context.Context, url string) (*DB, error) {
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(url, "sqlite:"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return openPostgres(ctx, url)
	}
	return nil, huifang.Errorf(huifang.EINVALID, "unknown database %q: use sqlite:PATH or postgres://...", redact(url))
}

// redact hides a password in a database URL.
func redact(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		if j := strings.Index(url[i+3:], "@"); j >= 0 {
			return url[:i+3] + "***" + url[i+3+j:]
		}
	}
	return url
}

// Engine tells which engine the database runs on.
func (db *DB) Engine() Engine { return db.engine }

// OneWriter reports whether the engine lets one writer in at a time
// (SQLite), so that long writes should pause to let others in.
func (db *DB) OneWriter() bool { return db.engine == SQLite }

// Close closes the database.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.lease != db.write {
		db.lease.Close()
	}
	if db.read != db.write {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// q rewrites ? placeholders for the engine (PostgreSQL wants $1, $2, ...).
func (db *DB) q(query string) string {
	if db.engine != Postgres {
		return query
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if s, ok := db.rebound[query]; ok {
		return s
	}
	s := rebind(query)
	db.rebound[query] = s
	return s
}

func rebind(query string) string {
	var b strings.Builder
	n := 0
	inQuote := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c == '\'' {
			inQuote = !inQuote
		}
		if c == '?' && !inQuote {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// migrations lists the embedded migrations of the engine, by number.
func (db *DB) migrations() ([]migration, error) {
	dir := "migrations/" + string(db.engine)
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("bad migration name %q", name)
		}
		body, err := migrationsFS.ReadFile(dir + "/" + name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{num, name, string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

type migration struct {
	version int
	name    string
	sql     string
}

// SchemaVersion returns the applied schema version and the latest one shipped.
func (db *DB) SchemaVersion(ctx context.Context) (applied, latest int, err error) {
	ms, err := db.migrations()
	if err != nil {
		return 0, 0, err
	}
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	if err := db.ensureMigrationTable(ctx); err != nil {
		return 0, latest, err
	}
	var v sql.NullInt64
	if err := db.queryRow(ctx, db.read, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, latest, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), latest, nil
}

// SchemaCurrent returns an error telling the user to migrate when the schema is behind.
func (db *DB) SchemaCurrent(ctx context.Context) error {
	applied, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if applied < latest {
		return huifang.Errorf(huifang.EINVALID, "database schema is at version %d, this huifang needs %d: run `huifang migrate` first", applied, latest)
	}
	if applied > latest {
		return huifang.Errorf(huifang.EINVALID, "database schema is at version %d, newer than this huifang knows (%d): upgrade huifang", applied, latest)
	}
	return nil
}

func (db *DB) ensureMigrationTable(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`)
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	return nil
}

// Migrate applies the migrations not yet applied, each in its own transaction.
// It returns the versions applied.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	ms, err := db.migrations()
	if err != nil {
		return nil, err
	}
	if err := db.ensureMigrationTable(ctx); err != nil {
		return nil, err
	}
	var done []int
	for _, m := range ms {
		err := db.tx(ctx, func(tx txn) error {
			if db.engine == Postgres {
				// Two processes migrating at once: the second waits, then sees the work done.
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7242001)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), m.version, m.name, ms64(time.Now())); err != nil {
				return err
			}
			done = append(done, m.version)
			return nil
		})
		if err != nil {
			return done, err
		}
	}
	// Counts a migration asked for are built from the rows (schema 5).
	if err := db.rebuildMarked(ctx); err != nil {
		return done, err
	}
	return done, nil
}

// tx runs fn in a write transaction, committing when fn returns nil.
// txn is the transaction handed to tx's function.
type txn = *sql.Tx

func (db *DB) tx(ctx context.Context, fn func(tx txn) error) error {
	release, err := db.writeTurn(ctx)
	if err != nil {
		return err
	}
	defer release()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(fmt.Errorf("begin: %w", err))
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return mapErr(err)
	}
	if err := tx.Commit(); err != nil {
		return mapErr(fmt.Errorf("commit: %w", err))
	}
	db.stmts.prepareWanted(ctx)
	return nil
}

// writeTurn waits for the turn of SQLite's one writer connection, first
// come, first served (a channel's waiters are woken in order; database/sql
// hands a free connection to a waiter at random, and under a hundred busy
// operators the unlucky ones waited seconds). Elsewhere it returns at once.
func (db *DB) writeTurn(ctx context.Context) (release func(), err error) {
	if db.writer == nil {
		return func() {}, nil
	}
	select {
	case db.writer <- struct{}{}:
		return func() { <-db.writer }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ms64 stores a time as Unix milliseconds; the zero time is 0.
func ms64(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS reads Unix milliseconds back; 0 is the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// mapErr turns engine errors into the domain's sentinels.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return huifang.ErrNotFound
	}
	if errors.Is(err, huifang.ErrUnavailable) || errors.Is(err, huifang.ErrConflict) || errors.Is(err, huifang.ErrNotFound) {
		return err
	}
	msg := err.Error()
	if busy(msg) {
		return fmt.Errorf("%w: %v", huifang.ErrUnavailable, err)
	}
	if strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505") || strings.Contains(msg, "duplicate key value") {
		return fmt.Errorf("%w: %v", huifang.ErrConflict, err)
	}
	return err
}

// busy tells an engine error that only says "not now": SQLite's lock held
// past busy_timeout (SQLITE_BUSY, SQLITE_LOCKED), PostgreSQL's serialization
// failure, deadlock, or lock_timeout. The request may succeed if tried again.
func busy(msg string) bool {
	for _, s := range []string{"SQLITE_BUSY", "SQLITE_LOCKED", "database is locked", "database table is locked",
		"SQLSTATE 40001", "SQLSTATE 40P01", "SQLSTATE 55P03"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Reset drops every table of the database (on PostgreSQL, of its schema),
// whatever migrations made them: for tests and the demo only.
func (db *DB) Reset(ctx context.Context) error {
	tables, err := db.tablesToDrop(ctx)
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	for _, t := range tables {
		q := `DROP TABLE IF EXISTS "` + t + `"`
		if db.engine == Postgres {
			q += " CASCADE"
		}
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("drop %s: %w", t, err)
		}
	}
	if db.engine == Postgres {
		if _, err := db.write.ExecContext(ctx, `DROP FUNCTION IF EXISTS audit_append_only() CASCADE`); err != nil {
			return err
		}
		if _, err := db.write.ExecContext(ctx, `DROP FUNCTION IF EXISTS misconduct_kept() CASCADE`); err != nil {
			return err
		}
		if _, err := db.write.ExecContext(ctx, `DROP FUNCTION IF EXISTS disclosure_frozen() CASCADE`); err != nil {
			return err
		}
	}
	return nil
}

// tablesToDrop lists the tables of the database, each after every table
// whose foreign keys refer to it. On PostgreSQL the order does not matter:
// DROP ... CASCADE drops the keys that refer to a table with it.
func (db *DB) tablesToDrop(ctx context.Context) ([]string, error) {
	name := func(s scanner) (string, error) {
		var n string
		return n, s.Scan(&n)
	}
	if db.engine == Postgres {
		return queryAll(ctx, db, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`, name)
	}
	// SQLite empties a table it drops, and with foreign keys on that fails
	// while another table still refers to its rows.
	tables, err := queryAll(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`, name)
	if err != nil {
		return nil, err
	}
	type ref struct{ from, to string }
	refs, err := queryAll(ctx, db, `SELECT m.name, f."table" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND m.name <> f."table"`, func(s scanner) (ref, error) {
		var r ref
		return r, s.Scan(&r.from, &r.to)
	})
	if err != nil {
		return nil, err
	}
	referrers := map[string]int{} // foreign keys of tables not yet dropped, by the table they refer to
	for _, r := range refs {
		referrers[r.to]++
	}
	var order []string
	for len(tables) > 0 {
		var left []string
		for _, t := range tables {
			if referrers[t] > 0 {
				left = append(left, t)
				continue
			}
			order = append(order, t)
			for _, r := range refs {
				if r.from == t {
					referrers[r.to]--
				}
			}
		}
		if len(left) == len(tables) {
			return nil, fmt.Errorf("foreign keys refer in a cycle among %s", strings.Join(left, ", "))
		}
		tables = left
	}
	return order, nil
}
