package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

// sqliteBatch is how many policies one multi-row statement carries: a
// statement costs more than a row on SQLite, and 100 rows of 22 columns stay
// far below its limit on bound variables.
const sqliteBatch = 100

// importSQLite writes policies in batches inside one transaction. A batch is
// inserted at once, skipping policies that exist; only those are looked up,
// compared by row hash, and updated with their old values audited. Then the
// callbacks planned for new and changed policies are upserted at once.
// PostgreSQL, where each statement is a round trip, merges a COPY-filled
// staging table instead (mergePolicies); both keep the same contract, which
// the conformance suite checks on both engines.
func (db *DB) importSQLite(ctx context.Context, tx *sql.Tx, orgID int64, a huifang.Actor, now time.Time, next func() (*huifang.PolicyRecord, error)) (huifang.PolicyImport, error) {
	w := &sqliteImport{db: db, tx: tx, orgID: orgID, actor: a, nowMS: ms64(now), stmts: map[string]*sql.Stmt{}, delta: newDelta()}
	defer w.close()
	batch := make([]*huifang.PolicyRecord, 0, sqliteBatch)
	for {
		r, err := next()
		if err != nil && err != io.EOF {
			return w.res, err
		}
		if r != nil {
			batch = append(batch, r)
		}
		if len(batch) == sqliteBatch || (err == io.EOF && len(batch) > 0) {
			if err := w.batch(ctx, batch); err != nil {
				return w.res, err
			}
			batch = batch[:0]
		}
		if err == io.EOF {
			return w.res, db.saveDelta(ctx, db.txQ(tx), orgID, w.delta)
		}
	}
}

type sqliteImport struct {
	db      *DB
	tx      *sql.Tx
	orgID   int64
	actor   huifang.Actor
	nowMS   int64
	res     huifang.PolicyImport
	stmts   map[string]*sql.Stmt
	delta   *statDelta // the change to the indicators' counts
	designs map[string]huifang.DesignType
}

func (w *sqliteImport) close() {
	for _, s := range w.stmts {
		s.Close()
	}
}

// stmt prepares a statement once per transaction.
func (w *sqliteImport) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if s, ok := w.stmts[q]; ok {
		return s, nil
	}
	s, err := w.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	w.stmts[q] = s
	return s, nil
}

func placeholders(rows, cols int) string {
	one := "(?" + strings.Repeat(", ?", cols-1) + ")"
	return one + strings.Repeat(", "+one, rows-1)
}

func (w *sqliteImport) batch(ctx context.Context, rs []*huifang.PolicyRecord) error {
	// 0. A policy twice in a batch would be inserted once but counted (and
	// planned) twice; PostgreSQL's COPY refuses it, and so does this.
	seen := make(map[string]bool, len(rs))
	for _, r := range rs {
		if seen[r.No] {
			return fmt.Errorf("policy %s appears twice in one import", r.No)
		}
		seen[r.No] = true
	}
	// 1. Insert the batch; existing policies are skipped and come back missing.
	ins, err := w.stmt(ctx, `INSERT INTO policies (org_id, `+strings.Join(policyCols, ", ")+`, created_at, updated_at) VALUES `+
		placeholders(len(rs), len(policyCols)+3)+` ON CONFLICT (org_id, policy_no) DO NOTHING RETURNING policy_no`)
	if err != nil {
		return err
	}
	args := make([]any, 0, len(rs)*(len(policyCols)+3))
	for _, r := range rs {
		args = append(append(append(args, w.orgID), policyValues(r)[:len(policyCols)]...), w.nowMS, w.nowMS)
	}
	rows, err := ins.QueryContext(ctx, args...)
	if err != nil {
		return fmt.Errorf("insert policies: %w", mapErr(err))
	}
	created := make(map[string]bool, len(rs))
	for rows.Next() {
		var no string
		if err := rows.Scan(&no); err != nil {
			rows.Close()
			return err
		}
		created[no] = true
	}
	if err := rows.Close(); err != nil {
		return err
	}
	// The counts of existing policies are taken away before they change and
	// added back after; new ones add theirs from the records.
	// Existing policies whose stored row is the same are left alone: only
	// the changed ones are counted again and updated.
	var existing []string
	var fresh []*huifang.PolicyRecord
	for _, r := range rs {
		if created[r.No] {
			fresh = append(fresh, r)
		} else {
			existing = append(existing, r.No)
		}
	}
	same, err := w.sameRows(ctx, rs, existing)
	if err != nil {
		return err
	}
	existing = slices.DeleteFunc(existing, func(no string) bool { return same[no] })
	if len(existing) > 0 {
		if err := w.db.readDelta(ctx, w.db.txQ(w.tx), w.orgID, w.db.byPolicies(existing), -1, w.delta); err != nil {
			return err
		}
	}
	if err := w.plan(ctx, rs, created, same); err != nil {
		return err
	}
	if w.designs == nil {
		var err error
		if w.designs, err = w.db.productDesigns(ctx, w.db.txQ(w.tx), w.orgID); err != nil {
			return err
		}
	}
	w.delta.newPolicies(w.designs, fresh)
	if len(existing) == 0 {
		return nil
	}
	return w.db.readDelta(ctx, w.db.txQ(w.tx), w.orgID, w.db.byPolicies(existing), 1, w.delta)
}

// plan updates the batch's existing policies and upserts the callbacks
// planned for new and changed ones.
func (w *sqliteImport) plan(ctx context.Context, rs []*huifang.PolicyRecord, created, same map[string]bool) error {
	// 2. Existing policies: unchanged, or updated with the old values audited.
	var plan []*huifang.PolicyRecord
	for _, r := range rs {
		if created[r.No] {
			w.res.Created++
			plan = append(plan, r)
			continue
		}
		if same[r.No] {
			w.res.Unchanged++
			continue
		}
		changed, err := w.update(ctx, r)
		if err != nil {
			return err
		}
		if changed {
			w.res.Updated++
			plan = append(plan, r)
		} else {
			w.res.Unchanged++
		}
	}
	// 3. The callbacks planned for new and changed policies.
	var cargs []any
	n := 0
	for _, r := range plan {
		for _, p := range r.Plans {
			cargs = append(cargs, w.orgID, r.No, p.Kind, r.Channel, r.BranchCode, p.DueOn, w.nowMS, w.nowMS)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	up, err := w.stmt(ctx, `INSERT INTO callbacks (org_id, policy_no, kind, channel, branch_code, due_on, created_at, updated_at, status)
		SELECT column1, column2, column3, column4, column5, column6, column7, column8, 'open' FROM (VALUES `+placeholders(n, 8)+`) WHERE true
		ON CONFLICT (org_id, policy_no, kind, case_id) DO UPDATE SET due_on = excluded.due_on, channel = excluded.channel,
			branch_code = excluded.branch_code, updated_at = excluded.updated_at
		WHERE callbacks.status <> 'done' AND (callbacks.due_on <> excluded.due_on OR callbacks.channel <> excluded.channel OR callbacks.branch_code <> excluded.branch_code)`)
	if err != nil {
		return err
	}
	res, err := up.ExecContext(ctx, cargs...)
	if err != nil {
		return fmt.Errorf("plan callbacks: %w", err)
	}
	k, _ := res.RowsAffected()
	w.res.Callbacks += int(k)
	return nil
}

// update compares an existing policy with the record and, when it changed,
// audits the old values and writes the new ones.
// sameRows finds which of the batch's existing policies are stored with the
// same row hash as their record, in one query.
func (w *sqliteImport) sameRows(ctx context.Context, rs []*huifang.PolicyRecord, existing []string) (map[string]bool, error) {
	same := map[string]bool{}
	if len(existing) == 0 {
		return same, nil
	}
	in, args := w.db.inStrings(existing)
	rows, err := w.tx.QueryContext(ctx, `SELECT policy_no, row_hash FROM policies WHERE org_id = ? AND policy_no `+in, append([]any{w.orgID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("find stored policies: %w", err)
	}
	defer rows.Close()
	stored := make(map[string]string, len(existing))
	for rows.Next() {
		var no, h string
		if err := rows.Scan(&no, &h); err != nil {
			return nil, err
		}
		stored[no] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range rs {
		if h, ok := stored[r.No]; ok && h == r.RowHash && r.RowHash != "" {
			same[r.No] = true
		}
	}
	return same, nil
}

func (w *sqliteImport) update(ctx context.Context, r *huifang.PolicyRecord) (bool, error) {
	find, err := w.stmt(ctx, policySelect+` WHERE org_id = ? AND policy_no = ?`)
	if err != nil {
		return false, err
	}
	prev, err := scanPolicy(find.QueryRowContext(ctx, w.orgID, r.No))
	if errors.Is(err, huifang.ErrNotFound) {
		return false, fmt.Errorf("policy %s appears twice in one import", r.No)
	} else if err != nil {
		return false, err
	}
	if prev.RowHash == r.RowHash {
		return false, nil
	}
	audit, err := w.stmt(ctx, `INSERT INTO audit (org_id, at, user_id, actor, entity, entity_key, action, detail) VALUES (?, ?, ?, ?, 'policy', ?, 'update', ?)`)
	if err != nil {
		return false, err
	}
	if _, err := audit.ExecContext(ctx, w.orgID, w.nowMS, w.actor.UserID, w.actor.Name, r.No, policyDiff(prev, r)); err != nil {
		return false, fmt.Errorf("audit policy %s: %w", r.No, err)
	}
	sets := make([]string, 0, len(policyCols))
	for _, c := range policyCols[1:] {
		sets = append(sets, c+" = ?")
	}
	// A changed phone number is a sign of a false one (package risk): the
	// time of the change is kept.
	upd, err := w.stmt(ctx, `UPDATE policies SET `+strings.Join(sets, ", ")+`, updated_at = ?, phone_changed_at = ? WHERE org_id = ? AND policy_no = ?`)
	if err != nil {
		return false, err
	}
	changedAt := ms64(prev.PhoneChangedAt)
	if prev.HolderPhoneHash != r.HolderPhoneHash {
		changedAt = w.nowMS
	}
	// The record brings its phone's tail hash (or none, for FillPhoneTails).
	args := append(append(append([]any{}, policyValues(r)[1:len(policyCols)]...), w.nowMS, changedAt), w.orgID, r.No)
	if _, err := upd.ExecContext(ctx, args...); err != nil {
		return false, fmt.Errorf("update policy %s: %w", r.No, err)
	}
	return true, nil
}

// policyDiff renders the audit detail of a changed policy as mergePolicies
// does in SQL: the changed columns, and the old values of every column that
// is not personal data.
func policyDiff(prev, next *huifang.PolicyRecord) string {
	pv, nv := policyValues(prev), policyValues(next)
	var changed []string
	oldVals := map[string]any{}
	for i, c := range policyCols[1:] {
		i++
		if piiCols[c] {
			if strings.HasSuffix(c, "_hash") && !derivedCol(c) && norm(pv[i]) != norm(nv[i]) {
				changed = append(changed, strings.TrimSuffix(c, "_hash"))
			}
			continue
		}
		if norm(pv[i]) != norm(nv[i]) {
			changed = append(changed, c)
		}
		oldVals[c] = stored(pv[i])
	}
	return jsonString(map[string]any{"changed": strings.Join(changed, " "), "old": oldVals})
}

// stored is a value as the database holds it, so that an unknown date is
// null in the audit detail, as PostgreSQL's json_build_object renders it.
func stored(v any) any {
	if d, ok := v.(driver.Valuer); ok {
		if sv, err := d.Value(); err == nil {
			return sv
		}
	}
	return v
}
