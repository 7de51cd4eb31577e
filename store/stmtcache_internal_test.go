package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestStmtCacheInTransactions: a statement asked for within a transaction
// is prepared after it (not within: SQLite's one writer would wait for
// itself), used by the next transactions, and the same statement run again
// while its rows are open runs unprepared, each giving all its rows.
func TestStmtCacheInTransactions(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3), (4), (5)`); err != nil {
		t.Fatal(err)
	}
	const q = `SELECT x FROM t ORDER BY x`
	sum := func(tx txn) (pairs, total int) {
		rows, err := db.txQ(tx).query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var x int
			if err := rows.Scan(&x); err != nil {
				t.Fatal(err)
			}
			inner, err := db.txQ(tx).query(ctx, q) // the same text, its rows still open
			if err != nil {
				t.Fatal(err)
			}
			for inner.Next() {
				var y int
				if err := inner.Scan(&y); err != nil {
					t.Fatal(err)
				}
				pairs, total = pairs+1, total+x*10+y
			}
			inner.Close()
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return pairs, total
	}
	cached := func() bool {
		db.stmts.mu.Lock()
		defer db.stmts.mu.Unlock()
		return db.stmts.stmts[stmtKey{db.write, q}] != nil
	}
	for round := range 3 {
		var pairs, total int
		if err := db.tx(ctx, func(tx txn) error { pairs, total = sum(tx); return nil }); err != nil {
			t.Fatal(err)
		}
		if pairs != 25 || total != 5*10*15+5*15 {
			t.Errorf("round %d: %d pairs, total %d; want 25 and %d", round, pairs, total, 5*10*15+5*15)
		}
		if !cached() {
			t.Errorf("round %d: the statement is not prepared after the transaction", round)
		}
	}
	if len(db.stmts.inUse) != 0 {
		t.Errorf("%d statements left in use", len(db.stmts.inUse))
	}
}
