package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/huifang/huifang"
)

// The functions in this file are the bare baselines and data seeding that
// package bench compares huifang against; nothing else uses them.

// BareInsertPolicies inserts n policy rows the plainest fast way the engine
// offers: prepared inserts in one transaction on SQLite, COPY on PostgreSQL.
// row(i) gives the values of policyCols for row i (0-based).
func (db *DB) BareInsertPolicies(ctx context.Context, orgID int64, n int, row func(i int) []any) error {
	cols := append([]string{"org_id"}, policyCols...)
	cols = append(cols, "created_at", "updated_at")
	now := ms64(time.Now())
	full := func(i int) []any {
		v := append([]any{orgID}, row(i)...)
		return append(v, now, now)
	}
	if db.engine == Postgres {
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.Raw(func(dc any) error {
			i := 0
			src := pgx.CopyFromFunc(func() ([]any, error) {
				if i == n {
					return nil, nil
				}
				v := full(i)
				i++
				for j, x := range v {
					if d, ok := x.(huifang.Date); ok {
						if d.IsZero() {
							v[j] = nil
						} else {
							v[j] = d.Time()
						}
					}
				}
				return v, nil
			})
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"policies"}, cols, src)
			return err
		})
	}
	return db.tx(ctx, func(tx txn) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO policies (`+strings.Join(cols, ", ")+`) VALUES (?`+strings.Repeat(", ?", len(cols)-1)+`)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := 0; i < n; i++ {
			if _, err := stmt.ExecContext(ctx, full(i)...); err != nil {
				return fmt.Errorf("bare insert row %d: %w", i, err)
			}
		}
		return nil
	})
}

// SeedOpenCallbacks adds n policies of one product with open new-business
// callbacks due over the 30 days from firstDue, generated inside the database;
// each policy has its own phone hash (hash followed by its number).
func (db *DB) SeedOpenCallbacks(ctx context.Context, orgID int64, n int, firstDue huifang.Date, product, enc, hash string) error {
	series := `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?) SELECT i FROM s`
	due := `date(?, '+' || (i % 30) || ' days')`
	if db.engine == Postgres {
		series = `SELECT generate_series(1, ?::int) AS i`
		due = `(?::date + (i % 30))`
	}
	now := ms64(time.Now())
	err := db.tx(ctx, func(tx txn) error {
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO policies (org_id, policy_no, product_code, channel, branch_code, holder_name, holder_id_enc, holder_id_hash,
			holder_phone_enc, holder_phone_hash, insured_name, receipt_on, premium_fen, pay_mode, pay_years, term_years, whole_life, row_hash, created_at, updated_at)
			SELECT ?, 'S' || i, ?, 'agency', '86010101', '张三', ?, 'id' || i, ?, ? || i, '张三', `+due+`, 1000000, 'annual', 10, 20, FALSE, 'h', ?, ?
			FROM (`+series+`) g`), orgID, product, enc, enc, hash, firstDue.AddDays(-15), now, now, n)
		if err != nil {
			return fmt.Errorf("seed policies: %w", err)
		}
		_, err = tx.ExecContext(ctx, db.q(`INSERT INTO callbacks (org_id, policy_no, kind, channel, branch_code, due_on, status, created_at, updated_at)
			SELECT ?, 'S' || i, 'new-business', 'agency', '86010101', `+due+`, 'open', ?, ? FROM (`+series+`) g`), orgID, firstDue, now, now, n)
		if err != nil {
			return fmt.Errorf("seed callbacks: %w", err)
		}
		return nil
	})
	if err != nil || db.engine != Postgres {
		return err
	}
	_, err = db.write.ExecContext(ctx, `ANALYZE callbacks`)
	return err
}

// BareClaim is the baseline claim: one statement taking the open callback
// with the earliest deadline, skipping rows locked by others on PostgreSQL;
// it runs on the same lease pool as ClaimCallback.
func (db *DB) BareClaim(ctx context.Context, orgID, userID int64, now time.Time, lease time.Duration) (int64, error) {
	lock, _, pool := db.claimHints()
	var id int64
	err := db.lease.QueryRowContext(ctx, db.q(`UPDATE callbacks SET lease_user_id = ?, lease_until = ? WHERE id = (
		SELECT id FROM callbacks`+pool+` WHERE org_id = ? AND status = 'open' AND lease_until < ? ORDER BY due_on, id LIMIT 1`+lock+`) RETURNING id`),
		userID, ms64(now.Add(lease)), orgID, ms64(now)).Scan(&id)
	return id, mapErr(err)
}

// MarkDone finishes a callback without any rule: the benchmarks' stand-in for
// an operator completing a call, so that the pool's head stays realistic.
func (db *DB) MarkDone(ctx context.Context, orgID, id int64) error {
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE callbacks SET status = 'done', result = 'successful', lease_user_id = 0, lease_until = 0 WHERE org_id = ? AND id = ?`), orgID, id)
	return err
}
