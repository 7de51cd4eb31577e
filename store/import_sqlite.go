package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

// importSQLite writes policies row by row inside one transaction. On SQLite,
// a prepared statement costs microseconds, so looking each policy up and
// inserting or updating it directly beats staging and copying every row twice;
// PostgreSQL, where each statement is a round trip, merges a COPY-filled
// staging table instead (mergePolicies). Both keep the same contract, which
// the conformance suite checks on both engines.
func (db *DB) importSQLite(ctx context.Context, tx *sql.Tx, orgID int64, a huifang.Actor, now time.Time, next func() (*PolicyRecord, error)) (PolicyImport, error) {
	var res PolicyImport
	prep := func(q string) (*sql.Stmt, error) { return tx.PrepareContext(ctx, q) }
	cols := strings.Join(policyCols, ", ")
	find, err := prep(`SELECT row_hash FROM policies WHERE org_id = ? AND policy_no = ?`)
	if err != nil {
		return res, err
	}
	defer find.Close()
	old, err := prep(policySelect + ` WHERE org_id = ? AND policy_no = ?`)
	if err != nil {
		return res, err
	}
	defer old.Close()
	ins, err := prep(`INSERT INTO policies (org_id, ` + cols + `, created_at, updated_at) VALUES (?` + strings.Repeat(", ?", len(policyCols)+2) + `)`)
	if err != nil {
		return res, err
	}
	defer ins.Close()
	sets := make([]string, 0, len(policyCols))
	for _, c := range policyCols[1:] {
		sets = append(sets, c+" = ?")
	}
	upd, err := prep(`UPDATE policies SET ` + strings.Join(sets, ", ") + `, updated_at = ? WHERE org_id = ? AND policy_no = ?`)
	if err != nil {
		return res, err
	}
	defer upd.Close()
	plan, err := prep(`INSERT INTO callbacks (org_id, policy_no, kind, channel, branch_code, due_on, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)
		ON CONFLICT (org_id, policy_no, kind) DO UPDATE SET due_on = excluded.due_on, channel = excluded.channel,
			branch_code = excluded.branch_code, updated_at = excluded.updated_at
		WHERE callbacks.status <> 'done' AND (callbacks.due_on <> excluded.due_on OR callbacks.channel <> excluded.channel OR callbacks.branch_code <> excluded.branch_code)`)
	if err != nil {
		return res, err
	}
	defer plan.Close()
	audit, err := prep(`INSERT INTO audit (org_id, at, user_id, actor, entity, entity_key, action, detail) VALUES (?, ?, ?, ?, 'policy', ?, 'update', ?)`)
	if err != nil {
		return res, err
	}
	defer audit.Close()
	nowMS := ms64(now)
	for {
		r, err := next()
		if err == io.EOF {
			return res, nil
		} else if err != nil {
			return res, err
		}
		vals := r.values()[:len(policyCols)]
		var hash string
		err = find.QueryRowContext(ctx, orgID, r.No).Scan(&hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			args := append(append([]any{orgID}, vals...), nowMS, nowMS)
			if _, err := ins.ExecContext(ctx, args...); err != nil {
				return res, fmt.Errorf("insert policy %s: %w", r.No, mapErr(err))
			}
			res.Created++
		case err != nil:
			return res, err
		case hash == r.RowHash:
			res.Unchanged++
			continue
		default:
			prev, err := scanPolicy(old.QueryRowContext(ctx, orgID, r.No))
			if err != nil {
				return res, err
			}
			if _, err := audit.ExecContext(ctx, orgID, nowMS, a.UserID, a.Name, r.No, policyDiff(prev, r)); err != nil {
				return res, fmt.Errorf("audit policy %s: %w", r.No, err)
			}
			args := append(append(append([]any{}, vals[1:]...), nowMS), orgID, r.No)
			if _, err := upd.ExecContext(ctx, args...); err != nil {
				return res, fmt.Errorf("update policy %s: %w", r.No, err)
			}
			res.Updated++
		}
		for _, p := range r.Plans {
			n, err := plan.ExecContext(ctx, orgID, r.No, p.Kind, r.Channel, r.BranchCode, p.DueOn, nowMS, nowMS)
			if err != nil {
				return res, fmt.Errorf("plan callback of %s: %w", r.No, err)
			}
			if k, _ := n.RowsAffected(); k > 0 {
				res.Callbacks++
			}
		}
	}
}

// policyDiff renders the audit detail of a changed policy as mergePolicies
// does in SQL: the changed columns, and the old values of every column that
// is not personal data.
func policyDiff(prev, next *PolicyRecord) string {
	pv, nv := prev.values(), next.values()
	var changed []string
	oldVals := map[string]any{}
	for i, c := range policyCols[1:] {
		i++
		if piiCols[c] {
			if strings.HasSuffix(c, "_hash") && c != "row_hash" && norm(pv[i]) != norm(nv[i]) {
				changed = append(changed, strings.TrimSuffix(c, "_hash"))
			}
			continue
		}
		if norm(pv[i]) != norm(nv[i]) {
			changed = append(changed, c)
		}
		oldVals[c] = pv[i]
	}
	return jsonString(map[string]any{"changed": strings.Join(changed, " "), "old": oldVals})
}
