package store

import (
	"context"
	"fmt"
	"io"

	"github.com/huifang/huifang"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgxExec runs the shared import statements on a native pgx transaction, which
// COPY needs.
type pgxExec struct {
	tx pgx.Tx
}

func (e *pgxExec) exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := e.tx.Exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (e *pgxExec) load(ctx context.Context, next func() (*PolicyRecord, error)) (int, error) {
	cols := append(append([]string{}, policyCols...), planCols[planKinds[0]], planCols[planKinds[1]])
	src := &policySource{next: next}
	n, err := e.tx.CopyFrom(ctx, pgx.Identifier{"policy_stage"}, cols, src)
	if src.err != nil {
		return int(n), src.err
	}
	if err != nil {
		return int(n), fmt.Errorf("copy policies: %w", err)
	}
	return int(n), nil
}

// policySource feeds COPY one record at a time, so memory stays flat.
type policySource struct {
	next func() (*PolicyRecord, error)
	cur  []any
	err  error
}

func (s *policySource) Next() bool {
	r, err := s.next()
	if err == io.EOF {
		return false
	} else if err != nil {
		s.err = err
		return false
	}
	s.cur = r.values()
	for i, v := range s.cur {
		// COPY wants native values: dates as time.Time or NULL.
		if d, ok := v.(huifang.Date); ok {
			if d.IsZero() {
				s.cur[i] = nil
			} else {
				s.cur[i] = d.Time()
			}
		}
	}
	return true
}

func (s *policySource) Values() ([]any, error) { return s.cur, nil }
func (s *policySource) Err() error             { return s.err }

// withPgxTx runs fn in a transaction on one native pgx connection.
func (db *DB) withPgxTx(ctx context.Context, fn func(ex execer) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		if err := fn(&pgxExec{tx: tx}); err != nil {
			_ = tx.Rollback(ctx)
			return mapErr(err)
		}
		return tx.Commit(ctx)
	})
}
