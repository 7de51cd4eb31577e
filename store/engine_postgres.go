package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// openPostgres opens one pool for reads and writes.
func openPostgres(ctx context.Context, url string) (*DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres %s: %w", redact(url), err)
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		db.Close()
		return nil, err
	}
	cfg.RuntimeParams["synchronous_commit"] = "off"
	lease := stdlib.OpenDB(*cfg)
	lease.SetMaxOpenConns(16)
	lease.SetMaxIdleConns(16)
	return &DB{engine: Postgres, write: db, read: db, lease: lease, rebound: map[string]string{}}, nil
}
