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

// Bench holds the bare baselines and the data seeding that package bench
// compares huifang against; nothing else uses them. They stay in store
// because their SQL names the schema's columns, beside the migrations that
// make them, but off DB's own methods, which are huifang's.
type Bench struct{ db *DB }

// Bench returns the benchmarks' helpers on the database: for package bench only.
func (db *DB) Bench() Bench { return Bench{db} }

// BareInsertPolicies inserts n policy rows the plainest fast way the engine
// offers: prepared inserts in one transaction on SQLite, COPY on PostgreSQL.
// row(i) gives the values of policyCols for row i (0-based).
func (b Bench) BareInsertPolicies(ctx context.Context, orgID int64, n int, row func(i int) []any) error {
	db := b.db
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
func (b Bench) SeedOpenCallbacks(ctx context.Context, orgID int64, n int, firstDue huifang.Date, product, enc, hash string) error {
	db := b.db
	series := `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?) SELECT i FROM s`
	due, day := `date(?, '+' || (i % 30) || ' days')`, `?`
	if db.engine == Postgres {
		series = `SELECT generate_series(1, ?::int) AS i`
		due, day = `(?::date + (i % 30))`, `?::date`
	}
	now := ms64(time.Now())
	err := db.tx(ctx, func(tx txn) error {
		// Sold by agent A001 of the bench's fixture, with its dates: a policy
		// missing a value its script reads has no complete script and would
		// never be handed out.
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO policies (org_id, policy_no, product_code, channel, branch_code, agent_code, holder_name, holder_id_enc, holder_id_hash,
			holder_phone_enc, holder_phone_hash, insured_name, applied_on, issued_on, receipt_on, premium_fen, pay_mode, pay_years, term_years, whole_life, row_hash, created_at, updated_at)
			SELECT ?, 'S' || i, ?, 'agency', '86010101', 'A001', '张三', ?, 'id' || i, ?, ? || i, '张三', `+day+`, `+day+`, `+due+`, 1000000, 'annual', 10, 20, FALSE, 'h', ?, ?
			FROM (`+series+`) g`), orgID, product, enc, enc, hash, firstDue.AddDays(-30), firstDue.AddDays(-25), firstDue.AddDays(-15), now, now, n)
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
func (b Bench) BareClaim(ctx context.Context, orgID, userID int64, now time.Time, lease time.Duration) (int64, error) {
	db := b.db
	lock, _, pool := db.claimHints()
	var id int64
	err := db.lease.QueryRowContext(ctx, db.q(`UPDATE callbacks SET lease_user_id = ?, lease_until = ? WHERE id = (
		SELECT id FROM callbacks`+pool+` WHERE org_id = ? AND status = 'open' AND lease_until < ? ORDER BY due_on, id LIMIT 1`+lock+`) RETURNING id`),
		userID, ms64(now.Add(lease)), orgID, ms64(now)).Scan(&id)
	return id, mapErr(err)
}

// MarkDone finishes a callback without any rule: the benchmarks' stand-in for
// an operator completing a call, so that the pool's head stays realistic.
func (b Bench) MarkDone(ctx context.Context, orgID, id int64) error {
	db := b.db
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE callbacks SET status = 'done', result = 'successful', lease_user_id = 0, lease_until = 0 WHERE org_id = ? AND id = ?`), orgID, id)
	return err
}

// SeedYear adds n policies of the bench fixture with their new-business
// callbacks, deadlines spread over the days of year, generated inside the
// database: 88% successful (some after the deadline), 5% completed with a
// problem case each, 4% not completed, 3% still open; one holder in five
// is 60 or over; a third are bancassurance, sold at 300 bank outlets, the
// rest by 2,000 agents (each in one branch, each selling every product).
// Problem cases are of every
// type, 70% resolved, 20% closed unresolved, the rest open. The counts are
// not kept: call RebuildStats after.
func (b Bench) SeedYear(ctx context.Context, orgID int64, n, year int, enc string) error {
	db := b.db
	first := huifang.NewDate(year, 1, 1)
	series := `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?) SELECT i FROM s`
	due := `date(?, '+' || (i % 365) || ' days')`
	epoch := func(day string) string { return `CAST(strftime('%s', ` + day + `) AS INTEGER)` }
	if db.engine == Postgres {
		series = `SELECT generate_series(1, ?::int) AS i`
		due = `(?::date + (i % 365))`
		epoch = func(day string) string { return `EXTRACT(EPOCH FROM (` + day + `)::timestamp)::bigint` }
	}
	old, young := `'1958-06-01'`, `'1985-06-01'`
	if db.engine == Postgres {
		old, young = `DATE '1958-06-01'`, `DATE '1985-06-01'`
	}
	cb := `CASE WHEN i % 100 < 88 THEN 'successful' WHEN i % 100 < 93 THEN 'problems' WHEN i % 100 < 97 THEN 'not-completed' ELSE '' END`
	now := ms64(time.Now())
	err := db.tx(ctx, func(tx txn) error {
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO policies (org_id, policy_no, product_code, channel, branch_code, agent_code, outlet_code,
			holder_name, holder_id_enc, holder_id_hash, holder_birth, holder_phone_enc, holder_phone_hash, insured_name, receipt_on,
			premium_fen, pay_mode, pay_years, term_years, whole_life, row_hash, created_at, updated_at)
			SELECT ?, 'Y' || i,
				CASE (i + i / 3000) % 4 WHEN 0 THEN 'L20' WHEN 1 THEN 'P10' WHEN 2 THEN 'U01' ELSE 'H01' END,
				CASE WHEN i % 3 = 0 THEN 'bancassurance' ELSE 'agency' END,
				CASE i % 3 WHEN 0 THEN '8601' WHEN 1 THEN '860101' ELSE '86010101' END,
				CASE WHEN i % 3 = 0 THEN '' ELSE 'A' || (10000 + ((i / 3) % 1000) * 2 + (i % 3) - 1) END,
				CASE WHEN i % 3 = 0 THEN 'B' || (1000 + (i / 3) % 300) ELSE '' END,
				'张三', ?, 'id' || i, CASE WHEN i % 5 = 0 THEN `+old+` ELSE `+young+` END, ?, 'ph' || i, '张三', `+due+`,
				1000000, 'annual', 10, 20, FALSE, 'h', ?, ?
			FROM (`+series+`) g`), orgID, enc, enc, first.AddDays(-15), now, now, n)
		if err != nil {
			return fmt.Errorf("seed policies: %w", err)
		}
		// The sellers: 2,000 agents, each in the one branch its policies
		// are booked on, and 300 bank outlets of the province's branch.
		_, err = tx.ExecContext(ctx, db.q(`INSERT INTO agents (org_id, code, name, phone_enc, phone_hash, branch_code, reg_no, status)
			SELECT ?, 'A' || (10000 + i - 1), '业务员' || i, ?, 'ag' || i, CASE WHEN i % 2 = 1 THEN '860101' ELSE '86010101' END, '', 'active'
			FROM (`+series+`) g`), orgID, enc, 2000)
		if err != nil {
			return fmt.Errorf("seed agents: %w", err)
		}
		_, err = tx.ExecContext(ctx, db.q(`INSERT INTO outlets (org_id, code, name, bank, branch_code)
			SELECT ?, 'B' || (1000 + i - 1), '网点' || i, '工商银行', '8601' FROM (`+series+`) g`), orgID, 300)
		if err != nil {
			return fmt.Errorf("seed outlets: %w", err)
		}
		_, err = tx.ExecContext(ctx, db.q(`INSERT INTO callbacks (org_id, policy_no, kind, channel, branch_code, due_on, status, result, method,
			finished_at, created_at, updated_at)
			SELECT ?, 'Y' || i, 'new-business', CASE WHEN i % 3 = 0 THEN 'bancassurance' ELSE 'agency' END,
				CASE i % 3 WHEN 0 THEN '8601' WHEN 1 THEN '860101' ELSE '86010101' END, `+due+`,
				CASE WHEN i % 100 < 97 THEN 'done' ELSE 'open' END, `+cb+`,
				CASE WHEN i % 100 >= 97 THEN '' WHEN i % 10 = 0 THEN 'electronic' ELSE 'phone' END,
				CASE WHEN i % 100 >= 97 THEN 0 ELSE (`+epoch(due)+` + 7200 - (i % 7) * 86400 + CASE WHEN i % 11 = 0 THEN 864000 ELSE 0 END) * 1000 END,
				?, ?
			FROM (`+series+`) g`), orgID, first, first, now, now, n)
		if err != nil {
			return fmt.Errorf("seed callbacks: %w", err)
		}
		types := `CASE c.id % 7 WHEN 0 THEN 'cannot-contact' WHEN 1 THEN 'false-phone' WHEN 2 THEN 'unclear-rights' WHEN 3 THEN 'unsigned'
			WHEN 4 THEN 'policy-info' WHEN 5 THEN 'complaint' ELSE 'misleading-sale' END`
		status := `CASE WHEN c.id % 10 < 7 THEN 'resolved' WHEN c.id % 10 < 9 THEN 'closed' ELSE 'open' END`
		dueDay, openMS := `date(c.due_on, '+14 days')`, epoch(`c.due_on`)+` * 1000`
		if db.engine == Postgres {
			dueDay = `(c.due_on + 14)`
		}
		done := `(` + epoch(`c.due_on`) + ` + 7200 + (c.id % 20) * 86400) * 1000`
		_, err = tx.ExecContext(ctx, db.q(`INSERT INTO problem_cases (org_id, callback_id, policy_no, type, status, branch_code, channel, agent_code,
			opened_at, opened_on, due_on, limit_days, resolved_at, closed_at, updated_at)
			SELECT c.org_id, c.id, c.policy_no, `+types+`, `+status+`, c.branch_code, c.channel, '',
				`+openMS+`, c.due_on, `+dueDay+`, 14,
				CASE WHEN c.id % 10 < 7 THEN `+done+` ELSE 0 END,
				CASE WHEN c.id % 10 >= 7 AND c.id % 10 < 9 THEN `+done+` ELSE 0 END, ?
			FROM callbacks c WHERE c.org_id = ? AND c.result = 'problems'`), now, orgID)
		if err != nil {
			return fmt.Errorf("seed problem cases: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return db.refreshPlanner(ctx)
}

// BareStatsScan is the baseline of a statistics table: one aggregate scan
// of an insurer's new-business callbacks due in [from, to] joined to their
// policies, grouped by channel, the plainest query that gives due and
// successful counts. It returns the callbacks it counted.
func (b Bench) BareStatsScan(ctx context.Context, orgID int64, from, to huifang.Date) (int64, error) {
	db := b.db
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT c.channel, COUNT(*), SUM(CASE WHEN c.result = 'successful' THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.result = 'successful' AND c.finished_at <= ? THEN 1 ELSE 0 END), SUM(CASE WHEN p.holder_birth IS NULL THEN 0 ELSE 1 END)
		FROM callbacks c JOIN policies p ON p.org_id = c.org_id AND p.policy_no = c.policy_no
		WHERE c.org_id = ? AND c.kind = 'new-business' AND c.due_on >= ? AND c.due_on <= ?
		GROUP BY c.channel`), ms64(time.Now()), orgID, from, to)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var total int64
	for rows.Next() {
		var ch string
		var due, ok, inPeriod, born int64
		if err := rows.Scan(&ch, &due, &ok, &inPeriod, &born); err != nil {
			return 0, err
		}
		total += due
	}
	return total, rows.Err()
}

// SettleWorld settles, set-based, the open new-business callbacks of an
// insurer due before the day before: 80% successful (one in ten by the
// electronic method), 6% completed with a problem case each, 9% not
// completed, 5% left open (overdue). Callbacks of policies whose number
// ends in spare stay open whatever their deadline: a callback-record file
// finishes them later. The problem cases are of every type, 70% resolved,
// 20% closed unresolved, the rest open (most of those overdue). The counts
// are rebuilt afterwards and the planner's statistics refreshed.
func (b Bench) SettleWorld(ctx context.Context, orgID int64, before huifang.Date, spare string) error {
	db := b.db
	epoch := func(day string) string { return `CAST(strftime('%s', ` + day + `) AS INTEGER)` }
	dueDay := `date(c.due_on, '+14 days')`
	if db.engine == Postgres {
		epoch = func(day string) string { return `EXTRACT(EPOCH FROM (` + day + `)::timestamp)::bigint` }
		dueDay = `(c.due_on + 14)`
	}
	now := ms64(time.Now())
	result := `CASE WHEN id % 100 < 80 THEN 'successful' WHEN id % 100 < 86 THEN 'problems' ELSE 'not-completed' END`
	err := db.tx(ctx, func(tx txn) error {
		_, err := tx.ExecContext(ctx, db.q(`UPDATE callbacks SET status = 'done', result = `+result+`,
			method = CASE WHEN id % 10 = 0 THEN 'electronic' ELSE 'phone' END,
			finished_at = (`+epoch(`due_on`)+` + 7200 - (id % 5) * 86400) * 1000, updated_at = ?
			WHERE org_id = ? AND kind = 'new-business' AND status = 'open' AND due_on < ? AND id % 100 < 95 AND policy_no NOT LIKE ?`),
			now, orgID, before, "%"+spare)
		if err != nil {
			return fmt.Errorf("settle callbacks: %w", err)
		}
		types := `CASE c.id % 7 WHEN 0 THEN 'cannot-contact' WHEN 1 THEN 'false-phone' WHEN 2 THEN 'unclear-rights' WHEN 3 THEN 'unsigned'
			WHEN 4 THEN 'policy-info' WHEN 5 THEN 'complaint' ELSE 'misleading-sale' END`
		// The callbacks with problems are those of ids 80 to 85 modulo 100:
		// the cases' fates follow the hundreds, not the last digit.
		status := `CASE WHEN (c.id / 100) % 10 < 7 THEN 'resolved' WHEN (c.id / 100) % 10 < 9 THEN 'closed' ELSE 'open' END`
		done := `(` + epoch(`c.due_on`) + ` + 7200 + (c.id % 5) * 86400) * 1000`
		_, err = tx.ExecContext(ctx, db.q(`INSERT INTO problem_cases (org_id, callback_id, policy_no, type, status, branch_code, channel, agent_code,
			opened_at, opened_on, due_on, limit_days, resolved_at, closed_at, updated_at)
			SELECT c.org_id, c.id, c.policy_no, `+types+`, `+status+`, c.branch_code, c.channel, '',
				`+epoch(`c.due_on`)+` * 1000, c.due_on, `+dueDay+`, 14,
				CASE WHEN (c.id / 100) % 10 < 7 THEN `+done+` ELSE 0 END,
				CASE WHEN (c.id / 100) % 10 >= 7 AND (c.id / 100) % 10 < 9 THEN `+done+` ELSE 0 END, ?
			FROM callbacks c WHERE c.org_id = ? AND c.result = 'problems'
				AND NOT EXISTS (SELECT 1 FROM problem_cases p WHERE p.org_id = c.org_id AND p.callback_id = c.id)`), now, orgID)
		if err != nil {
			return fmt.Errorf("settle problem cases: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := db.RebuildStats(ctx, orgID); err != nil {
		return err
	}
	return db.refreshPlanner(ctx)
}

// refreshPlanner refreshes the planner's statistics after a benchmark's
// bulk writes: ANALYZE on PostgreSQL, PRAGMA optimize on SQLite.
func (db *DB) refreshPlanner(ctx context.Context) error {
	q := `ANALYZE`
	if db.engine == SQLite {
		q = `PRAGMA optimize`
	}
	_, err := db.write.ExecContext(ctx, q)
	return err
}
