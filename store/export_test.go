package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/huifang/huifang"
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

// ExplainCallbacksForTest returns the plan of ForEachCallback's statement
// for the filter, one line a step.
func (db *DB) ExplainCallbacksForTest(ctx context.Context, orgID int64, f huifang.CallbackFilter) ([]string, error) {
	q, args, err := db.callbackListQuery(orgID, f)
	if err != nil {
		return nil, err
	}
	explain, cols := "EXPLAIN QUERY PLAN ", 4
	if db.engine == Postgres {
		explain, cols = "EXPLAIN ", 1
	}
	rows, err := db.read.QueryContext(ctx, explain+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]any, cols)
		ptrs := make([]any, cols)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprint(vals[cols-1]))
	}
	return out, rows.Err()
}
