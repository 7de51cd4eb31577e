package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps SQLite's statements prepared by their text, per pool.
// SQLite parses and plans a statement on every prepare, which is most of an
// operator's next and finish on a busy server (the counts' fact queries are
// long); a prepared statement is planned once per connection. PostgreSQL's
// driver keeps its own statement cache, so the cache is SQLite's only.
//
// In a transaction a cached statement runs on the transaction's connection
// through the same prepared handle: it must not run again while its rows are
// open (SQLite would step the same cursor), so a statement in use is run
// unprepared instead.
type stmtCache struct {
	mu     sync.Mutex
	stmts  map[stmtKey]*sql.Stmt
	inUse  map[*sql.Stmt]bool
	wanted map[stmtKey]bool // asked for within transactions, not yet prepared
}

type stmtKey struct {
	pool *sql.DB
	q    string
}

// maxCachedStmts bounds the cache: statements built with a list of values
// (IN (?, ?, ...)) differ by their length, and past the bound new texts run
// unprepared.
const maxCachedStmts = 512

func newStmtCache() *stmtCache {
	return &stmtCache{stmts: map[stmtKey]*sql.Stmt{}, inUse: map[*sql.Stmt]bool{}, wanted: map[stmtKey]bool{}}
}

// get returns the pool's statement for q, prepared on first use; nil when
// the cache is off, full, or the statement does not prepare (the caller then
// runs q as it is and meets the error there). Within a transaction (inTx)
// it does not prepare: the pool may have no other connection (SQLite's one
// writer) and would wait for the transaction's own; q is noted instead and
// prepared by prepareWanted once the transaction is over.
func (c *stmtCache) get(ctx context.Context, pool *sql.DB, q string, inTx bool) *sql.Stmt {
	if c == nil {
		return nil
	}
	k := stmtKey{pool, q}
	c.mu.Lock()
	st, ok := c.stmts[k]
	full := len(c.stmts)+len(c.wanted) >= maxCachedStmts
	if !ok && !full && inTx {
		c.wanted[k] = true
	}
	c.mu.Unlock()
	if ok || full || inTx {
		return st
	}
	return c.prepare(ctx, k)
}

func (c *stmtCache) prepare(ctx context.Context, k stmtKey) *sql.Stmt {
	st, err := k.pool.PrepareContext(context.WithoutCancel(ctx), k.q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.stmts[k]; ok { // prepared meanwhile by another caller
		st.Close()
		return old
	}
	c.stmts[k] = st
	return st
}

// prepareWanted prepares the statements transactions asked for; call it
// with no transaction open on this goroutine.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.wanted) == 0 {
		c.mu.Unlock()
		return
	}
	ks := make([]stmtKey, 0, len(c.wanted))
	for k := range c.wanted {
		ks = append(ks, k)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, k := range ks {
		c.prepare(ctx, k)
	}
}

// take marks a statement in use within a transaction; false when it is.
func (c *stmtCache) take(st *sql.Stmt) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inUse[st] {
		return false
	}
	c.inUse[st] = true
	return true
}

func (c *stmtCache) give(st *sql.Stmt) {
	c.mu.Lock()
	delete(c.inUse, st)
	c.mu.Unlock()
}

// txQ runs the count upkeep's queries in a write transaction, through the
// statement cache on SQLite.
func (db *DB) txQ(tx *sql.Tx) sqlQ {
	return sqlQ{q: tx, tx: tx, cache: db.stmts, pool: db.write}
}

// queryRow runs a one-row query on a pool through the statement cache
// (SQLite), or as it is.
func (db *DB) queryRow(ctx context.Context, pool *sql.DB, q string, args ...any) *sql.Row {
	if st := db.stmts.get(ctx, pool, q, false); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return pool.QueryRowContext(ctx, q, args...)
}
