package store

import "context"

// ExecForTest runs a statement on the write pool.
func (db *DB) ExecForTest(ctx context.Context, query string) error {
	_, err := db.write.ExecContext(ctx, query)
	return err
}
