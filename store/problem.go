package store

import (
	"context"

	"github.com/huifang/huifang"
)

// ProblemFilter selects problem cases.
type ProblemFilter struct {
	Status     huifang.ProblemStatus
	Type       huifang.ProblemType
	CallbackID int64
	Limit      int
}

// ListProblemCases lists an insurer's problem cases, newest first.
func (db *DB) ListProblemCases(ctx context.Context, orgID int64, f ProblemFilter) ([]huifang.ProblemCase, error) {
	w := where{}
	w.add("org_id = ?", orgID)
	w.addIf(f.Status != "", "status = ?", f.Status)
	w.addIf(f.Type != "", "type = ?", f.Type)
	w.addIf(f.CallbackID != 0, "callback_id = ?", f.CallbackID)
	limit := f.Limit
	if limit <= 0 || limit > 5000 {
		limit = 500
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, org_id, callback_id, policy_no, type, status, detail, branch_code, channel, opened_at, opened_by
		FROM problem_cases`+w.sql()+` ORDER BY opened_at DESC, id DESC LIMIT `+itoa(limit)), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.ProblemCase
	for rows.Next() {
		var p huifang.ProblemCase
		var opened int64
		if err := rows.Scan(&p.ID, &p.OrgID, &p.CallbackID, &p.PolicyNo, &p.Type, &p.Status, &p.Detail, &p.BranchCode, &p.Channel, &opened, &p.OpenedBy); err != nil {
			return nil, err
		}
		p.OpenedAt = fromMS(opened)
		out = append(out, p)
	}
	return out, rows.Err()
}
