package store

import "context"

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
