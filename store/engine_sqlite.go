package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqliteBusyMS is how long a writer waits for SQLite's lock held by another
// process before the database answers busy (ErrUnavailable: 503, "请稍后重试").
// Chunked imports hold it for a fraction of a second at a time.
var sqliteBusyMS = 10000

// openSQLite opens two pools on one file: a single-connection writer (SQLite
// allows one writer; queuing in Go beats retrying on SQLITE_BUSY) and readers,
// which WAL lets run beside it.
func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlite: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// A 16 MiB page cache per connection: the operating system caches the
	// file as well, and a larger cache only made a 1,000,000-row import
	// slower and 100 MB bigger (docs/performance.md).
	pragmas := fmt.Sprintf("_pragma=busy_timeout(%d)&", sqliteBusyMS) + "_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-16384)"
	dsn := "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + pragmas
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(8, runtime.NumCPU()*4)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{engine: SQLite, write: write, read: read, lease: write, rebound: map[string]string{}, stmts: newStmtCache(), writer: make(chan struct{}, 1)}, nil
}
