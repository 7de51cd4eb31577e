package store

import (
	"context"
	"database/sql"
)

// ExecForTest runs a statement on the write pool.
func (db *DB) ExecForTest(ctx context.Context, query string) error {
	_, err := db.write.ExecContext(ctx, query)
	return err
}

// SetChunkForTest makes PostgreSQL imports merge in chunks of n rows.
func SetChunkForTest(n int) func() {
	old := pgChunk
	pgChunk = n
	return func() { pgChunk = old }
}

// SetSQLiteBusyForTest makes SQLite databases opened next wait ms for a lock.
func SetSQLiteBusyForTest(ms int) func() {
	old := sqliteBusyMS
	sqliteBusyMS = ms
	return func() { sqliteBusyMS = old }
}

// BeginWriteForTest begins a write transaction on the write pool.
func (db *DB) BeginWriteForTest(ctx context.Context) (*sql.Tx, error) {
	return db.write.BeginTx(ctx, nil)
}

// QueryForTest runs a query on the read pool, its ? placeholders rewritten for the engine.
func (db *DB) QueryForTest(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, db.q(query), args...)
}
