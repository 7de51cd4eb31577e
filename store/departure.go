package store

import (
	"context"
	"fmt"
	"time"

	"github.com/huifang/huifang"
)

// FindAgent finds one agent of an insurer.
func (db *DB) FindAgent(ctx context.Context, orgID int64, code string) (*huifang.AgentRecord, error) {
	var a huifang.AgentRecord
	err := db.queryRow(ctx, db.read, db.q(`SELECT org_id, code, name, phone_enc, phone_hash, branch_code, reg_no, status FROM agents WHERE org_id = ? AND code = ?`),
		orgID, code).Scan(&a.OrgID, &a.Code, &a.Name, &a.PhoneEnc, &a.PhoneHash, &a.BranchCode, &a.RegNo, &a.Status)
	if err != nil {
		return nil, mapErr(err)
	}
	return &a, nil
}

// AgentPolicies lists the policies an agent sold, by number.
func (db *DB) AgentPolicies(ctx context.Context, orgID int64, agentCode string) ([]*huifang.PolicyRecord, error) {
	return queryAll(ctx, db, policySelect+` WHERE org_id = ? AND agent_code = ? ORDER BY policy_no`, scanPolicy, orgID, agentCode)
}

// AgentPolicyCounts counts each agent's policies.
func (db *DB) AgentPolicyCounts(ctx context.Context, orgID int64) (map[string]int, error) {
	type row struct {
		code string
		n    int
	}
	rows, err := queryAll(ctx, db, `SELECT agent_code, COUNT(*) FROM policies WHERE org_id = ? AND agent_code <> '' GROUP BY agent_code`,
		func(s scanner) (row, error) { var r row; return r, s.Scan(&r.code, &r.n) }, orgID)
	if err != nil {
		return nil, err
	}
	m := make(map[string]int, len(rows))
	for _, r := range rows {
		m[r.code] = r.n
	}
	return m, nil
}

const departureCols = `id, org_id, agent_code, successor_code, mode, started_on, due_on, status, policies, completed_at, created_at, created_by`

func scanDeparture(s scanner) (huifang.Departure, error) {
	var d huifang.Departure
	var completed, created int64
	err := s.Scan(&d.ID, &d.OrgID, &d.AgentCode, &d.SuccessorCode, &d.Mode, &d.StartedOn, &d.DueOn, &d.Status, &d.Policies, &completed, &created, &d.CreatedBy)
	d.CompletedAt, d.CreatedAt = fromMS(completed), fromMS(created)
	return d, mapErr(err)
}

// StartDeparture records an agent's departure and creates the orphan
// callback of each orphan policy (by number), due on d.DueOn, in one transaction: a
// policy that already has an open orphan callback keeps it and it is listed.
// The agent's status becomes leaving, or left when d completes at once.
// An agent has one departure: a second is a conflict. Audited.
func (db *DB) StartDeparture(ctx context.Context, d *huifang.Departure, orphans []string, a huifang.Actor) error {
	now := ms64(d.CreatedAt)
	return db.tx(ctx, func(tx txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM departures WHERE org_id = ? AND agent_code = ?`), d.OrgID, d.AgentCode).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return huifang.Errorf(huifang.ECONFLICT, "err.departure.already_leaving", d.AgentCode, d.StartedOn)
		}
		d.Policies = len(orphans)
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO departures (org_id, agent_code, successor_code, mode, started_on, due_on, status, policies, completed_at, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), d.OrgID, d.AgentCode, d.SuccessorCode, d.Mode, d.StartedOn, d.DueOn, d.Status,
			d.Policies, ms64(d.CompletedAt), now, d.CreatedBy).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("add departure: %w", mapErr(err))
		}
		create := func() error {
			for _, no := range orphans {
				if _, err := tx.ExecContext(ctx, db.q(orphanInsert+` ON CONFLICT (org_id, policy_no, kind, case_id) DO NOTHING`),
					d.DueOn, now, now, d.OrgID, no); err != nil {
					return fmt.Errorf("orphan callback of %s: %w", no, err)
				}
				if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO departure_policies (departure_id, org_id, policy_no, callback_id)
					SELECT ?, ?, ?, id FROM callbacks WHERE org_id = ? AND policy_no = ? AND kind = 'orphan' AND case_id = 0`),
					d.ID, d.OrgID, no, d.OrgID, no); err != nil {
					return fmt.Errorf("orphan policy %s: %w", no, err)
				}
			}
			return nil
		}
		if len(orphans) > 0 {
			if err := db.counted(ctx, db.txQ(tx), d.OrgID, db.byPolicies(orphans), create); err != nil {
				return err
			}
		}
		status := huifang.AgentLeaving
		if d.Status == huifang.DepartureCompleted {
			status = huifang.AgentLeft
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE agents SET status = ? WHERE org_id = ? AND code = ?`), string(status), d.OrgID, d.AgentCode); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: d.OrgID, At: d.CreatedAt, UserID: a.UserID, Actor: a.Name, Entity: "departure",
			Key: d.AgentCode, Action: "start", Detail: jsonString(map[string]any{"id": d.ID, "mode": d.Mode, "on": d.StartedOn, "due": d.DueOn,
				"successor": d.SuccessorCode, "policies": d.Policies, "status": d.Status})})
	})
}

// CompleteDeparture completes a leaving departure: the agent has left.
// A departure completed meanwhile is a conflict. Audited.
func (db *DB) CompleteDeparture(ctx context.Context, orgID, id int64, a huifang.Actor, now time.Time) error {
	return db.tx(ctx, func(tx txn) error {
		var code string
		err := tx.QueryRowContext(ctx, db.q(`UPDATE departures SET status = 'completed', completed_at = ? WHERE org_id = ? AND id = ? AND status = 'leaving' RETURNING agent_code`),
			ms64(now), orgID, id).Scan(&code)
		if err != nil {
			if huifang.ErrorCode(mapErr(err)) == huifang.ENOTFOUND {
				return huifang.Errorf(huifang.ECONFLICT, "err.departure.not_leaving", id)
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE agents SET status = 'left' WHERE org_id = ? AND code = ?`), orgID, code); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name, Entity: "departure",
			Key: code, Action: "complete", Detail: jsonString(map[string]any{"id": id})})
	})
}

// FindDeparture finds an agent's departure.
func (db *DB) FindDeparture(ctx context.Context, orgID int64, agentCode string) (*huifang.Departure, error) {
	d, err := scanDeparture(db.queryRow(ctx, db.read, db.q(`SELECT `+departureCols+` FROM departures WHERE org_id = ? AND agent_code = ?`), orgID, agentCode))
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// ListDepartures lists an insurer's departures, the latest first; status
// "" lists all.
func (db *DB) ListDepartures(ctx context.Context, orgID int64, status huifang.DepartureStatus) ([]huifang.Departure, error) {
	q := `SELECT ` + departureCols + ` FROM departures WHERE org_id = ?`
	args := []any{orgID}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, string(status))
	}
	return queryAll(ctx, db, q+` ORDER BY started_on DESC, id DESC`, scanDeparture, args...)
}

// DepartureGate lists a departure's orphan policies with where each
// callback stands: its status and result, the problem case opened from it,
// and whether that case's re-callback succeeded, as the orphan figures count
// it (recalledSQL). By policy number.
func (db *DB) DepartureGate(ctx context.Context, orgID, departureID int64) ([]huifang.GateItem, error) {
	return queryAll(ctx, db, `SELECT dp.policy_no, c.id, c.status, c.result, c.due_on,
			COALESCE((SELECT MAX(pc.id) FROM problem_cases pc WHERE pc.org_id = c.org_id AND pc.callback_id = c.id), 0),
			`+recalledSQL+`
		FROM departure_policies dp JOIN callbacks c ON c.org_id = dp.org_id AND c.id = dp.callback_id
		WHERE dp.org_id = ? AND dp.departure_id = ? ORDER BY dp.policy_no`,
		func(s scanner) (huifang.GateItem, error) {
			var g huifang.GateItem
			return g, s.Scan(&g.PolicyNo, &g.CallbackID, &g.Status, &g.Result, &g.DueOn, &g.CaseID, &g.RecallbackOK)
		}, orgID, departureID)
}

// OverdueOrphans lists the open orphan callbacks of leaving departures
// (gate mode) past their deadline, of every insurer: at most limit.
func (db *DB) OverdueOrphans(ctx context.Context, today huifang.Date, limit int) ([]huifang.Callback, error) {
	type row = huifang.Callback
	return queryAll(ctx, db, `SELECT c.id, c.org_id, c.policy_no, c.branch_code, c.due_on FROM callbacks c
		JOIN departure_policies dp ON dp.org_id = c.org_id AND dp.callback_id = c.id
		JOIN departures d ON d.id = dp.departure_id AND d.status = 'leaving'
		WHERE c.kind = 'orphan' AND c.status <> 'done' AND c.due_on < ? ORDER BY c.due_on, c.id LIMIT ?`,
		func(s scanner) (row, error) {
			var c row
			c.Kind = huifang.KindOrphan
			return c, s.Scan(&c.ID, &c.OrgID, &c.PolicyNo, &c.BranchCode, &c.DueOn)
		}, today, limit)
}

// DepartureOf finds the departure an orphan callback belongs to.
func (db *DB) DepartureOf(ctx context.Context, orgID, callbackID int64) (*huifang.Departure, error) {
	d, err := scanDeparture(db.queryRow(ctx, db.read, db.q(`SELECT `+departureCols+` FROM departures WHERE org_id = ? AND id =
		(SELECT departure_id FROM departure_policies WHERE org_id = ? AND callback_id = ?)`), orgID, orgID, callbackID))
	if err != nil {
		return nil, err
	}
	return &d, nil
}
