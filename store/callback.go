package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

const callbackCols = `id, org_id, policy_no, kind, channel, branch_code, due_on, status, result, reason, late,
	next_at, lease_user_id, lease_until, attempts, finished_at, finished_by, answers, case_id, created_at, updated_at,
	method, script_id, script_code, script_version, evidence, appointed_by`

func scanCallback(s scanner) (*huifang.Callback, error) {
	var c huifang.Callback
	var next, lease, finished, created, updated int64
	var answers string
	err := s.Scan(&c.ID, &c.OrgID, &c.PolicyNo, &c.Kind, &c.Channel, &c.BranchCode, &c.DueOn, &c.Status, &c.Result, &c.Reason, &c.Late,
		&next, &c.LeaseUserID, &lease, &c.Attempts, &finished, &c.FinishedBy, &answers, &c.CaseID, &created, &updated,
		&c.Method, &c.ScriptID, &c.ScriptCode, &c.ScriptVersion, &c.Evidence, &c.AppointedBy)
	if err != nil {
		return nil, mapErr(err)
	}
	c.NextAt, c.LeaseUntil, c.FinishedAt, c.CreatedAt, c.UpdatedAt = fromMS(next), fromMS(lease), fromMS(finished), fromMS(created), fromMS(updated)
	if answers != "" {
		if err := json.Unmarshal([]byte(answers), &c.Answers); err != nil {
			return nil, fmt.Errorf("callback %d answers: %w", c.ID, err)
		}
	}
	return &c, nil
}

// FindCallback finds one callback of an insurer.
func (db *DB) FindCallback(ctx context.Context, orgID, id int64) (*huifang.Callback, error) {
	return scanCallback(db.queryRow(ctx, db.read, db.q(`SELECT `+callbackCols+` FROM callbacks WHERE org_id = ? AND id = ?`), orgID, id))
}

// HeldCallback returns the open callback the user holds a live lease on, if any.
func (db *DB) HeldCallback(ctx context.Context, orgID, userID int64, now time.Time) (*huifang.Callback, error) {
	return scanCallback(db.queryRow(ctx, db.read, db.q(`SELECT `+callbackCols+` FROM callbacks
		WHERE org_id = ? AND lease_user_id = ? AND lease_user_id <> 0 AND lease_until >= ? AND status <> 'done' ORDER BY id LIMIT 1`), orgID, userID, ms64(now)))
}

// ClaimCallback leases the most urgent callback that may be called now to the
// user, as ClaimCallbackHeld with no hold: an appointment goes to the
// operator who agreed it first, and to anyone once its time has come.
func (db *DB) ClaimCallback(ctx context.Context, orgID, userID int64, now time.Time, lease time.Duration) (*huifang.Callback, error) {
	return db.ClaimCallbackHeld(ctx, orgID, userID, now, lease, 0)
}

// ClaimCallbackHeld leases the most urgent callback that may be called now to
// the user: the one the user already holds, if any, with its lease renewed;
// else an appointment the user agreed whose time has come; else a scheduled
// callback whose time has come, agreed by nobody in particular or due for
// longer than hold (the operator who agreed it did not take it); else the
// open callback with the earliest deadline that is neither leased nor
// waiting for its next try. It returns huifang.ErrNotFound when there is
// none. Two callers never receive the same callback: PostgreSQL skips rows
// locked by another claim, SQLite has one writer.
func (db *DB) ClaimCallbackHeld(ctx context.Context, orgID, userID int64, now time.Time, lease, hold time.Duration) (*huifang.Callback, error) {
	lock, sched, pool := db.claimHints()
	nowMS := ms64(now)
	// One statement: the callback the user already holds (its lease renewed),
	// else the user's own appointment, else a scheduled callback whose time
	// has come and that is free for anyone, else the most urgent open one.
	// COALESCE evaluates a pick only when those before it found nothing, on
	// both engines.
	release, err := db.writeTurn(ctx)
	if err != nil {
		return nil, err
	}
	c, err := scanCallback(db.queryRow(ctx, db.lease, db.q(`UPDATE callbacks SET lease_user_id = ?, lease_until = ?, updated_at = ?
		WHERE id = COALESCE(
			(SELECT id FROM callbacks WHERE org_id = ? AND lease_user_id = ? AND lease_user_id <> 0 AND lease_until >= ? AND status <> 'done' ORDER BY id LIMIT 1),
			(SELECT id FROM callbacks WHERE org_id = ? AND appointed_by = ? AND appointed_by <> 0 AND status = 'scheduled' AND next_at <= ? AND lease_until < ? ORDER BY next_at, id LIMIT 1`+lock+`),
			(SELECT id FROM callbacks`+sched+` WHERE org_id = ? AND status = 'scheduled' AND next_at <= ? AND lease_until < ?
				AND (appointed_by = 0 OR next_at <= ?) ORDER BY next_at, id LIMIT 1`+lock+`),
			(SELECT id FROM callbacks`+pool+` WHERE org_id = ? AND status = 'open' AND next_at <= ? AND lease_until < ? ORDER BY due_on, id LIMIT 1`+lock+`))
		RETURNING `+callbackCols), userID, ms64(now.Add(lease)), nowMS, orgID, userID, nowMS, orgID, userID, nowMS, nowMS,
		orgID, nowMS, nowMS, ms64(now.Add(-hold)), orgID, nowMS, nowMS))
	release()
	if err != nil && err != huifang.ErrNotFound {
		return nil, fmt.Errorf("claim callback: %w", err)
	}
	return c, err
}

// TakeCallback leases one named open or scheduled callback to the user: an
// operator taking the callback of a customer who rang back. It returns
// huifang.ErrNotFound when the callback is not open, another operator holds
// it, or the user holds another one.
func (db *DB) TakeCallback(ctx context.Context, orgID, userID, id int64, now time.Time, lease time.Duration) (*huifang.Callback, error) {
	nowMS := ms64(now)
	release, err := db.writeTurn(ctx)
	if err != nil {
		return nil, err
	}
	c, err := scanCallback(db.queryRow(ctx, db.lease, db.q(`UPDATE callbacks SET lease_user_id = ?, lease_until = ?, updated_at = ?
		WHERE org_id = ? AND id = ? AND status IN ('open', 'scheduled') AND (lease_until < ? OR lease_user_id = ?)
		AND NOT EXISTS (SELECT 1 FROM callbacks h WHERE h.org_id = ? AND h.lease_user_id = ? AND h.lease_until >= ? AND h.status <> 'done' AND h.id <> ?)
		RETURNING `+callbackCols), userID, ms64(now.Add(lease)), nowMS, orgID, id, nowMS, userID, orgID, userID, nowMS, id))
	release()
	if err != nil && err != huifang.ErrNotFound {
		return nil, fmt.Errorf("take callback: %w", err)
	}
	return c, err
}

// claimHints returns what a claim adds per engine: PostgreSQL skips rows
// another claim has locked; SQLite is told to walk the partial pool indexes,
// because without statistics it prefers callbacks_due and would step over
// every finished callback on the way to the first open one.
func (db *DB) claimHints() (lock, sched, pool string) {
	if db.engine == Postgres {
		return " FOR UPDATE SKIP LOCKED", "", ""
	}
	return "", " INDEXED BY callbacks_scheduled", " INDEXED BY callbacks_pool"
}

// ReleaseCallback gives a callback the user holds back to the pool. It
// reports false when the user held no lease on it (never had one, lost it to
// another operator, or the callback is not the organisation's).
func (db *DB) ReleaseCallback(ctx context.Context, orgID, userID, id int64, now time.Time) (bool, error) {
	res, err := db.lease.ExecContext(ctx, db.q(`UPDATE callbacks SET lease_user_id = 0, lease_until = 0, updated_at = ?
		WHERE org_id = ? AND id = ? AND lease_user_id = ? AND lease_user_id <> 0`), ms64(now), orgID, id, userID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// ChangeCallback applies a change to a callback the user holds the lease on.
// It fails with a conflict when the lease was lost or the callback is done.
func (db *DB) ChangeCallback(ctx context.Context, ch huifang.CallbackChange) (*huifang.Callback, error) {
	var out *huifang.Callback
	err := db.tx(ctx, func(tx txn) error {
		return db.counted(ctx, db.txQ(tx), ch.OrgID, byCallbackPolicy(ch.OrgID, ch.ID), func() error { return db.changeCallback(ctx, tx, ch, &out) })
	})
	return out, err
}

func (db *DB) changeCallback(ctx context.Context, tx txn, ch huifang.CallbackChange, out **huifang.Callback) error {
	leaseUser, leaseUntil := int64(0), int64(0)
	if ch.KeepLease {
		leaseUser, leaseUntil = ch.UserID, ms64(ch.Now.Add(10*time.Minute))
	}
	var finishedAt, finishedBy int64
	if ch.Status == huifang.StatusDone {
		finishedAt, finishedBy = ms64(ch.Now), ch.UserID
	}
	attempts := 0
	if ch.Attempt != nil {
		attempts = 1
	}
	answers := ""
	if ch.Answers != nil {
		answers = jsonString(ch.Answers)
	}
	c, err := scanCallback(tx.QueryRowContext(ctx, db.q(`UPDATE callbacks SET status = ?, result = ?, reason = ?, late = ?, next_at = ?, appointed_by = ?,
		lease_user_id = ?, lease_until = ?, attempts = attempts + ?, finished_at = ?, finished_by = ?,
		answers = CASE WHEN ? = '' THEN answers ELSE ? END, updated_at = ?,
		method = CASE WHEN ? = '' THEN method ELSE ? END,
		script_id = CASE WHEN ? = '' THEN script_id ELSE ? END,
		script_code = CASE WHEN ? = '' THEN script_code ELSE ? END,
		script_version = CASE WHEN ? = '' THEN script_version ELSE ? END,
		evidence = CASE WHEN ? = '' THEN evidence ELSE ? END
		WHERE org_id = ? AND id = ? AND status <> 'done' AND (? OR (lease_user_id = ? AND lease_until >= ?)) RETURNING `+callbackCols),
		ch.Status, ch.Result, ch.Reason, ch.Late, ms64(ch.NextAt), ch.AppointedBy, leaseUser, leaseUntil, attempts, finishedAt, finishedBy,
		answers, answers, ms64(ch.Now),
		ch.Method, ch.Method, ch.Method, ch.ScriptID, ch.Method, ch.ScriptCode, ch.Method, ch.ScriptVersion, ch.Method, ch.Evidence,
		ch.OrgID, ch.ID, ch.NoLease, ch.UserID, ms64(ch.Now)))
	if err == huifang.ErrNotFound {
		return huifang.Errorf(huifang.ECONFLICT, "err.callback.lease_gone")
	} else if err != nil {
		return err
	}
	*out = c
	qa := qaDelta{}
	qa.finish(c, 1) // it was not done before (the update's condition)
	if a := ch.Attempt; a != nil {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO attempts (org_id, callback_id, user_id, at, outcome, note, schedule_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			ch.OrgID, ch.ID, ch.UserID, ms64(a.At), a.Outcome, a.Note, ms64(a.ScheduleAt)); err != nil {
			return fmt.Errorf("insert attempt: %w", err)
		}
		qa.attempt(ch.UserID, a.At, a.Outcome)
	}
	if err := db.saveQA(ctx, db.txQ(tx), ch.OrgID, qa); err != nil {
		return err
	}
	for _, p := range ch.Problems {
		p.OrgID, p.CallbackID, p.PolicyNo, p.BranchCode, p.Channel, p.OpenedAt, p.OpenedBy = ch.OrgID, ch.ID, c.PolicyNo, c.BranchCode, c.Channel, ch.Now, ch.UserID
		if err := db.insertCase(ctx, tx, &p, ch.Audit.Actor); err != nil {
			return err
		}
	}
	if ch.CaseStep != nil {
		if err := db.applyCaseStep(ctx, tx, *ch.CaseStep); err != nil {
			return err
		}
	}
	if ch.Link != nil {
		if err := db.closeLink(ctx, tx, ch.OrgID, *ch.Link, ch.Now); err != nil {
			return err
		}
	}
	e := ch.Audit
	e.OrgID, e.At, e.UserID, e.Entity, e.Key = ch.OrgID, ch.Now, ch.UserID, "callback", fmt.Sprint(ch.ID)
	return db.appendAudit(ctx, tx, e)
}

// ListAttempts lists the attempts of a callback, oldest first.
func (db *DB) ListAttempts(ctx context.Context, orgID, callbackID int64) ([]huifang.Attempt, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, org_id, callback_id, user_id, at, outcome, note, schedule_at FROM attempts
		WHERE org_id = ? AND callback_id = ? ORDER BY at, id`), orgID, callbackID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.Attempt
	for rows.Next() {
		var a huifang.Attempt
		var at, sched int64
		if err := rows.Scan(&a.ID, &a.OrgID, &a.CallbackID, &a.UserID, &at, &a.Outcome, &a.Note, &sched); err != nil {
			return nil, err
		}
		a.At, a.ScheduleAt = fromMS(at), fromMS(sched)
		out = append(out, a)
	}
	return out, rows.Err()
}

func callbackWhere(f huifang.CallbackFilter, orgID int64, postgres bool) where {
	w := where{}
	w.add("c.org_id = ?", orgID)
	w.addIf(f.Status != "", "c.status = ?", f.Status)
	w.addIf(f.Result != "", "c.result = ?", f.Result)
	w.addIf(f.Channel != "", "c.channel = ?", f.Channel)
	w.addIf(f.PolicyNo != "", "c.policy_no = ?", f.PolicyNo)
	w.addIf(!f.DueFrom.IsZero(), "c.due_on >= ?", f.DueFrom)
	w.addIf(!f.DueTo.IsZero(), "c.due_on <= ?", f.DueTo)
	w.addIf(f.Late, "c.late = TRUE")
	w.addIf(f.Overdue, "c.status <> 'done' AND c.due_on < ?", f.Today)
	w.addIf(f.AppointedBy != 0, "c.status = 'scheduled' AND c.appointed_by = ?", f.AppointedBy)
	w.addIf(f.FinishedBy != 0, "c.finished_by = ?", f.FinishedBy)
	w.addIf(!f.FinishedFrom.IsZero(), "c.finished_at >= ?", ms64(f.FinishedFrom))
	if f.Search != "" || f.PhoneTailHash != "" {
		// The policies found, each by an index: number or name prefix, or
		// the keyed hash of the phone's last digits.
		var ors []string
		var args []any
		if f.Search != "" {
			// Case does not matter, on either engine (SQLite's LIKE ignores
			// the case of ASCII letters).
			like, op := likePrefix(f.Search), "LIKE"
			if postgres {
				op = "ILIKE"
			}
			ors = append(ors, `qp.policy_no `+op+` ? ESCAPE '\'`, `qp.holder_name `+op+` ? ESCAPE '\'`)
			args = append(args, like, like)
		}
		if f.PhoneTailHash != "" {
			ors = append(ors, `qp.holder_phone_tail_hash = ?`)
			args = append(args, f.PhoneTailHash)
		}
		w.add(`c.policy_no IN (SELECT qp.policy_no FROM policies qp WHERE qp.org_id = ? AND (`+strings.Join(ors, " OR ")+`))`, append([]any{orgID}, args...)...)
	}
	w.policyDims(orgID, f.Branch, f.BranchOnly, f.Design, f.Seller)
	if f.Risk {
		cond, args := riskCond("rp", orgID, f.RiskBounds, "")
		w.add(`EXISTS (SELECT 1 FROM policies rp WHERE rp.org_id = c.org_id AND rp.policy_no = c.policy_no AND `+cond+`)`, args...)
	}
	switch {
	case f.Outcome != "" && f.Kind == huifang.KindOrphan:
		// The orphan columns, as ForEachCallbackFact counts them.
		w.add("c.kind = ?", huifang.KindOrphan)
		switch f.Outcome {
		case huifang.OutcomeSuccessful:
			w.add("(c.result = ? OR "+recalledSQL+")", huifang.ResultSuccessful)
		case huifang.OutcomeSuccessfulInPeriod:
			w.add("c.result = ? AND c.late = FALSE", huifang.ResultSuccessful)
		case huifang.OutcomeCompleted:
			w.add("(c.result IN (?, ?) OR "+recalledSQL+")", huifang.ResultSuccessful, huifang.ResultProblems)
		}
	case f.Outcome != "":
		// What counts as a callback owed to a policy, as in ForEachCallbackFact.
		w.add("c.kind = ?", huifang.KindNewBusiness)
		switch f.Outcome {
		case huifang.OutcomeSuccessful:
			w.add("c.result = ?", huifang.ResultSuccessful)
		case huifang.OutcomeSuccessfulInPeriod:
			w.add("c.result = ? AND c.late = FALSE", huifang.ResultSuccessful)
		case huifang.OutcomeCompleted:
			w.add("c.result IN (?, ?)", huifang.ResultSuccessful, huifang.ResultProblems)
		}
	default:
		w.addIf(f.Kind != "", "c.kind = ?", f.Kind)
	}
	return w
}

// recallJoin finds the successful re-callbacks confirming a problem case
// that callback c opened (an orphan callback counts as successful then).
const recallJoin = ` JOIN callbacks r ON r.org_id = x.org_id AND r.policy_no = x.policy_no AND r.kind = 're-callback' AND r.case_id = x.id
	WHERE x.org_id = c.org_id AND x.callback_id = c.id AND r.result = 'successful'`

// recalledSQL holds when recallJoin finds one.
const recalledSQL = `EXISTS (SELECT 1 FROM problem_cases x` + recallJoin + `)`

// policyDims narrows the rows of alias c (a callback or a problem case,
// both with org_id, policy_no and branch_code) by the indicators' dimensions:
// a branch and the branches below it (or the branch only), the policy's
// product design type, its seller (the bank outlet where there is one, else
// the agent, as the indicators count it).
func (w *where) policyDims(orgID int64, branch string, branchOnly bool, design huifang.DesignType, seller string) {
	w.addIf(branch != "" && branchOnly, "c.branch_code = ?", branch)
	w.addIf(branch != "" && !branchOnly, `c.branch_code IN (WITH RECURSIVE sub(code) AS (SELECT CAST(? AS TEXT)
		UNION SELECT b.code FROM branches b JOIN sub ON b.parent_code = sub.code WHERE b.org_id = ?) SELECT code FROM sub)`, branch, orgID)
	w.addIf(design != "", `EXISTS (SELECT 1 FROM policies dp JOIN products dpr ON dpr.org_id = dp.org_id AND dpr.code = dp.product_code
		WHERE dp.org_id = c.org_id AND dp.policy_no = c.policy_no AND dpr.design = ?)`, design)
	w.addIf(seller != "", `EXISTS (SELECT 1 FROM policies sp WHERE sp.org_id = c.org_id AND sp.policy_no = c.policy_no
		AND (CASE WHEN sp.outlet_code <> '' THEN sp.outlet_code ELSE sp.agent_code END) = ?)`, seller)
}

// ForEachCallback streams an insurer's callbacks, earliest deadline first.
// With f.After it goes on after that cursor in f.Sort (keyset paging: the
// rows after the last one's sort key, found by index, with no OFFSET).
func (db *DB) ForEachCallback(ctx context.Context, orgID int64, f huifang.CallbackFilter, fn func(*huifang.CallbackRow) error) error {
	q, args, err := db.callbackListQuery(orgID, f)
	if err != nil {
		return err
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r huifang.CallbackRow
		c, err := scanCallback(multiScan{rows, []any{&r.HolderName, &r.ProductCode, &r.ReceiptOn, &r.Operator}})
		if err != nil {
			return err
		}
		r.Callback = *c
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// callbackListQuery is ForEachCallback's statement and its arguments.
func (db *DB) callbackListQuery(orgID int64, f huifang.CallbackFilter) (string, []any, error) {
	w := callbackWhere(f, orgID, db.engine == Postgres)
	if f.After != "" {
		cur, err := huifang.DecodeCallbackCursor(f.After, f.Sort)
		if err != nil {
			return "", nil, err
		}
		keysetAfter(&w, cur)
		f.Offset = 0
	}
	q := `SELECT ` + prefixed("c.", callbackCols) + `,
		COALESCE(p.holder_name, ''), COALESCE(p.product_code, ''), p.receipt_on, COALESCE(NULLIF(op.name, ''), op.login, '')
		FROM callbacks c LEFT JOIN policies p ON p.org_id = c.org_id AND p.policy_no = c.policy_no
		LEFT JOIN users op ON op.org_id = c.org_id AND op.id = ` + operatorSQL + w.sql() + ` ORDER BY ` + callbackOrder(f.Sort)
	if f.Limit > 0 {
		q += ` LIMIT ` + itoa(f.Limit) + ` OFFSET ` + itoa(f.Offset)
	}
	return db.q(q), w.args, nil
}

// operatorSQL is the user a list names as a callback's operator: who
// finished it, else who holds it, else who agreed its appointment.
const operatorSQL = `(CASE WHEN c.finished_by <> 0 THEN c.finished_by WHEN c.lease_user_id <> 0 THEN c.lease_user_id ELSE c.appointed_by END)`

// callbackOrder is the ORDER BY of a callback list's sort; each ends with
// the id, so that the order is total and pages are stable.
func callbackOrder(sort string) string {
	switch sort {
	case huifang.SortPolicy:
		return `c.policy_no, c.id`
	case huifang.SortStatus:
		return `c.status, c.due_on, c.id`
	case huifang.SortOperator:
		return `COALESCE(NULLIF(op.name, ''), op.login, ''), c.due_on, c.id`
	case huifang.SortNext:
		return `c.next_at, c.id`
	case huifang.SortFinished:
		return `c.finished_at DESC, c.id DESC`
	}
	return `c.due_on, c.id`
}

// keysetAfter keeps the rows that come after the cursor in its sort, by
// the same keys as callbackOrder: a row comparison both engines walk an
// index with.
func keysetAfter(w *where, cur huifang.CallbackCursor) {
	switch cur.Sort {
	case huifang.SortPolicy:
		w.add("(c.policy_no, c.id) > (?, ?)", cur.Key, cur.ID)
	case huifang.SortStatus:
		w.add("(c.status, c.due_on, c.id) > (?, ?, ?)", cur.Key, cur.Due, cur.ID)
	case huifang.SortOperator:
		w.add("(COALESCE(NULLIF(op.name, ''), op.login, ''), c.due_on, c.id) > (?, ?, ?)", cur.Key, cur.Due, cur.ID)
	default:
		w.add("(c.due_on, c.id) > (?, ?)", cur.Due, cur.ID)
	}
}

// likePrefix is a LIKE pattern matching what starts with s.
func likePrefix(s string) string {
	if s == "" {
		return ""
	}
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

// CountCallbacks counts an insurer's callbacks matching the filter.
func (db *DB) CountCallbacks(ctx context.Context, orgID int64, f huifang.CallbackFilter) (int, error) {
	w := callbackWhere(f, orgID, db.engine == Postgres)
	var n int
	err := db.queryRow(ctx, db.read, db.q(`SELECT COUNT(*) FROM callbacks c`+w.sql()), w.args...).Scan(&n)
	return n, err
}

// CountCallbacksCapped counts an insurer's callbacks matching the filter,
// up to limit: it reads at most limit+1 rows, and says Capped (with N =
// limit) when there are more.
func (db *DB) CountCallbacksCapped(ctx context.Context, orgID int64, f huifang.CallbackFilter, limit int) (huifang.Count, error) {
	w := callbackWhere(f, orgID, db.engine == Postgres)
	var n int
	err := db.queryRow(ctx, db.read, db.q(`SELECT COUNT(*) FROM (SELECT 1 FROM callbacks c`+w.sql()+` LIMIT `+itoa(limit+1)+`) capped`), w.args...).Scan(&n)
	if err != nil {
		return huifang.Count{}, err
	}
	if n > limit {
		return huifang.Count{N: limit, Capped: true}, nil
	}
	return huifang.Count{N: n}, nil
}

// TallyCallbacks counts callbacks for the overview: overdue means still open
// after its deadline (today is in Asia/Shanghai).
func (db *DB) TallyCallbacks(ctx context.Context, orgID int64, today huifang.Date) (huifang.CallbackTally, error) {
	var t huifang.CallbackTally
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT status, result, late, CASE WHEN status <> 'done' AND due_on < ? THEN 1 ELSE 0 END, COUNT(*)
		FROM callbacks WHERE org_id = ? GROUP BY 1, 2, 3, 4`), today, orgID)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var st huifang.CallbackStatus
		var res huifang.CallbackResult
		var late bool
		var overdue, n int
		if err := rows.Scan(&st, &res, &late, &overdue, &n); err != nil {
			return t, err
		}
		switch {
		case st == huifang.StatusOpen:
			t.Open += n
		case st == huifang.StatusScheduled:
			t.Scheduled += n
		case st == huifang.StatusElectronic:
			t.Electronic += n
		case st == huifang.StatusBlocked:
			t.Blocked += n
		case res == huifang.ResultSuccessful:
			t.Successful += n
		case res == huifang.ResultProblems:
			t.Problems += n
		default:
			t.NotCompleted += n
		}
		if late {
			t.Late += n
		}
		if overdue == 1 {
			t.Overdue += n
		}
	}
	return t, rows.Err()
}

// multiScan scans a row's leading columns with one scanner and the rest into extra.
type multiScan struct {
	s     scanner
	extra []any
}

func (m multiScan) Scan(dest ...any) error { return m.s.Scan(append(dest, m.extra...)...) }

// ReleaseExpiredLeases clears leases that ran out, so that the lease index
// holds only live ones.
func (db *DB) ReleaseExpiredLeases(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.lease.ExecContext(ctx, db.q(`UPDATE callbacks SET lease_user_id = 0, lease_until = 0 WHERE lease_user_id <> 0 AND lease_until < ?`), ms64(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
