package store

import (
	"context"
	"sort"
	"time"

	"github.com/huifang/huifang"
)

// SetSupervisorCompanies replaces the companies a supervisor follows with
// orgIDs, and records the new set in the audit trail of the supervisor's
// regulator, in one transaction.
func (db *DB) SetSupervisorCompanies(ctx context.Context, sup *huifang.User, orgIDs []int64, codes []string, a huifang.Actor, at time.Time) error {
	return db.tx(ctx, func(tx txn) error {
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM supervisor_companies WHERE user_id = ?`), sup.ID); err != nil {
			return err
		}
		for _, id := range orgIDs {
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO supervisor_companies (user_id, org_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?)`),
				sup.ID, id, ms64(at), a.Name); err != nil {
				return mapErr(err)
			}
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: sup.OrgID, At: at, UserID: a.UserID, Actor: a.Name,
			Entity: "user", Key: sup.Login, Action: "assign-companies", Detail: jsonString(map[string]any{"companies": codes})})
	})
}

// SupervisorCompanies lists the ids of the companies a supervisor follows,
// in ascending order.
func (db *DB) SupervisorCompanies(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT org_id FROM supervisor_companies WHERE user_id = ? ORDER BY org_id`), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Assignments maps each supervisor of a regulator to the ids of the
// companies they follow (supervisors following none are absent).
func (db *DB) Assignments(ctx context.Context, regulatorID int64) (map[int64][]int64, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT a.user_id, a.org_id FROM supervisor_companies a JOIN users u ON u.id = a.user_id
		WHERE u.org_id = ? ORDER BY a.user_id, a.org_id`), regulatorID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var u, o int64
		if err := rows.Scan(&u, &o); err != nil {
			return nil, err
		}
		out[u] = append(out[u], o)
	}
	for _, ids := range out {
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	}
	return out, rows.Err()
}

// overseenWhere limits col (an insurer's id) to the companies of an
// oversight: the regulator's insurers, and of those only the supervisor's
// assigned ones when it names a supervisor.
func overseenWhere(w *where, col string, o huifang.Oversight) {
	w.add(col+" IN (SELECT id FROM orgs WHERE regulator_id = ?)", o.RegulatorID)
	w.addIf(o.SupervisorID != 0, col+" IN (SELECT org_id FROM supervisor_companies WHERE user_id = ?)", o.SupervisorID)
}
