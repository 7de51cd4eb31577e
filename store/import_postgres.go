package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/huifang/huifang"
)

// importPostgres writes policies in chunks. One query per chunk finds which
// of its policies are stored, with their row hash: the new ones are COPYed
// straight into policies and callbacks under a savepoint, the unchanged ones
// only counted, and the changed ones go through a staging table and
// set-based statements that update them (mergePolicies). Should another
// writer store one of the new ones meanwhile, the COPY fails on the unique
// key, its savepoint is rolled back, and those go through the merge too. While the server works on one
// chunk, the app's reader prepares the next.
func (db *DB) importPostgres(ctx context.Context, tx pgx.Tx, orgID int64, a huifang.Actor, now time.Time, next func() (*huifang.PolicyRecord, error)) (huifang.PolicyImport, error) {
	var res huifang.PolicyImport
	ex := &pgxExec{tx: tx}
	staged := false
	// The change to the indicators' counts: new policies add theirs;
	// existing ones take theirs away before the merge and add them after.
	delta := newDelta()
	nos := make([]string, 0, pgChunk)
	designs, err := db.productDesigns(ctx, ex, orgID)
	if err != nil {
		return res, err
	}
	buf := make([]*huifang.PolicyRecord, 0, pgChunk)
	for eof := false; !eof; {
		chunk := buf[:0]
		for len(chunk) < pgChunk {
			r, err := next()
			if err == io.EOF {
				eof = true
				break
			} else if err != nil {
				return res, err
			}
			chunk = append(chunk, r)
		}
		if len(chunk) == 0 {
			break
		}
		// One probe finds the chunk's stored policies: the new ones are
		// COPYed, the unchanged ones left alone, only the changed ones merged.
		stored, err := db.storedHashes(ctx, ex, orgID, chunk)
		if err != nil {
			return res, err
		}
		fresh, changed := chunk[:0:0], chunk[:0:0]
		for _, r := range chunk {
			switch h, ok := stored[r.No]; {
			case !ok:
				fresh = append(fresh, r)
			case h == r.RowHash:
				res.Unchanged++
			default:
				changed = append(changed, r)
			}
		}
		if len(fresh) > 0 {
			n, err := db.copyNew(ctx, tx, orgID, now, fresh)
			switch {
			case err == nil:
				res.Created += len(fresh)
				res.Callbacks += n
				delta.newPolicies(designs, fresh)
			case errors.Is(err, errExists):
				// Stored meanwhile by another writer: merged instead.
				changed = append(changed, fresh...)
			default:
				return res, err
			}
		}
		if len(changed) == 0 {
			continue
		}
		chunk = changed
		nos = nos[:0]
		for _, r := range chunk {
			nos = append(nos, r.No)
		}
		if err := db.lockPolicies(ctx, ex, orgID, db.byPolicies(nos)); err != nil {
			return res, err
		}
		if err := db.readDelta(ctx, ex, orgID, db.byPolicies(nos), -1, delta); err != nil {
			return res, err
		}
		if !staged {
			if _, err := ex.exec(ctx, db.stageDDL()); err != nil {
				return res, fmt.Errorf("create staging table: %w", err)
			}
			staged = true
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"policy_stage"}, stageCols(), &recordRows{rs: chunk, plans: true}); err != nil {
			return res, fmt.Errorf("stage policies: %w", err)
		}
		r, err := db.mergePolicies(ctx, ex, orgID, a, now, len(chunk))
		if err != nil {
			return res, err
		}
		res.Created, res.Updated, res.Unchanged, res.Callbacks = res.Created+r.Created, res.Updated+r.Updated, res.Unchanged+r.Unchanged, res.Callbacks+r.Callbacks
		if err := db.readDelta(ctx, ex, orgID, db.byPolicies(nos), 1, delta); err != nil {
			return res, err
		}
		if _, err := ex.exec(ctx, `TRUNCATE policy_stage`); err != nil {
			return res, err
		}
	}
	if staged {
		if _, err := ex.exec(ctx, `DROP TABLE policy_stage`); err != nil {
			return res, err
		}
	}
	return res, db.saveDelta(ctx, ex, orgID, delta)
}

// storedHashes maps the chunk's policies that are stored to their row hash.
func (db *DB) storedHashes(ctx context.Context, ex *pgxExec, orgID int64, rs []*huifang.PolicyRecord) (map[string]string, error) {
	nos := make([]string, len(rs))
	for i, r := range rs {
		nos[i] = r.No
	}
	rows, err := ex.tx.Query(ctx, `SELECT policy_no, row_hash FROM policies WHERE org_id = $1 AND policy_no IN (SELECT unnest($2::text[]))`, orgID, nos)
	if err != nil {
		return nil, fmt.Errorf("find stored policies: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var no, h string
		if err := rows.Scan(&no, &h); err != nil {
			return nil, err
		}
		out[no] = h
	}
	return out, rows.Err()
}

// errExists says a chunk holds a policy that is already stored.
var errExists = errors.New("policy exists")

// copyNew COPYs a chunk of new policies and their callbacks under a
// savepoint, returning the callbacks created, or errExists (with the savepoint
// rolled back) when any policy of the chunk is already stored.
func (db *DB) copyNew(ctx context.Context, tx pgx.Tx, orgID int64, now time.Time, rs []*huifang.PolicyRecord) (int, error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return 0, err
	}
	nowMS := ms64(now)
	cols := append(append([]string{"org_id"}, policyCols...), "created_at", "updated_at")
	_, err = sp.CopyFrom(ctx, pgx.Identifier{"policies"}, cols, &recordRows{rs: rs, prefix: []any{orgID}, suffix: []any{nowMS, nowMS}})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		if rerr := sp.Rollback(ctx); rerr != nil {
			return 0, rerr
		}
		return 0, errExists
	} else if err != nil {
		sp.Rollback(ctx)
		return 0, fmt.Errorf("copy policies: %w", err)
	}
	var plans [][]any
	for _, r := range rs {
		for _, p := range r.Plans {
			plans = append(plans, []any{orgID, r.No, string(p.Kind), string(r.Channel), r.BranchCode, p.DueOn.Time(), "open", nowMS, nowMS})
		}
	}
	if _, err := sp.CopyFrom(ctx, pgx.Identifier{"callbacks"}, []string{"org_id", "policy_no", "kind", "channel", "branch_code", "due_on", "status", "created_at", "updated_at"},
		pgx.CopyFromRows(plans)); err != nil {
		sp.Rollback(ctx)
		return 0, fmt.Errorf("copy callbacks: %w", err)
	}
	return len(plans), sp.Commit(ctx)
}

func stageCols() []string {
	return append(append([]string{}, policyCols...), planCols[planKinds[0]], planCols[planKinds[1]])
}

// recordRows offers records to COPY, with values before and after each
// record's own, and dates as COPY wants them.
type recordRows struct {
	rs             []*huifang.PolicyRecord
	prefix, suffix []any
	plans          bool // include the planned due dates (staging)
	i              int
	cur            []any
}

func (s *recordRows) Next() bool {
	if s.i == len(s.rs) {
		return false
	}
	v := policyValues(s.rs[s.i])
	if !s.plans {
		v = v[:len(policyCols)]
	}
	s.i++
	s.cur = append(append(append(s.cur[:0], s.prefix...), v...), s.suffix...)
	for i, x := range s.cur {
		if d, ok := x.(huifang.Date); ok {
			if d.IsZero() {
				s.cur[i] = nil
			} else {
				s.cur[i] = d.Time()
			}
		}
	}
	return true
}

func (s *recordRows) Values() ([]any, error) { return s.cur, nil }
func (s *recordRows) Err() error             { return nil }

// pgxExec runs statements on a native pgx transaction.
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

// withPgxTx runs fn in a transaction on one native pgx connection, which
// COPY needs.
func (db *DB) withPgxTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
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
		if err := fn(tx); err != nil {
			_ = tx.Rollback(ctx)
			return mapErr(err)
		}
		return tx.Commit(ctx)
	})
}
