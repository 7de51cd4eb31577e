package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/huifang/huifang"
)

// Misconduct records (DOMAIN.md §6, docs/misconduct.md). A record is
// proposed in the transaction that closes its problem case, decided once by
// compliance, and never deleted: this file has no method that deletes one,
// and a trigger of schema 12 refuses a deletion before keep_until.

const misconductCols = `m.id, m.org_id, m.agent_code, m.agent_name, m.reg_no, m.policy_no, m.case_id, m.case_type, m.facts, m.category,
	m.status, m.reason, m.proposed_at, m.decided_at, m.decided_by, m.keep_until`

func scanMisconduct(s scanner, extra ...any) (huifang.MisconductRecord, error) {
	var r huifang.MisconductRecord
	var proposed, decided int64
	dest := append([]any{&r.ID, &r.OrgID, &r.AgentCode, &r.AgentName, &r.RegNo, &r.PolicyNo, &r.CaseID, &r.CaseType, &r.Facts, &r.Category,
		&r.Status, &r.Reason, &proposed, &decided, &r.DecidedBy, &r.KeepUntil}, extra...)
	if err := s.Scan(dest...); err != nil {
		return r, mapErr(err)
	}
	r.ProposedAt, r.DecidedAt = fromMS(proposed), fromMS(decided)
	return r, nil
}

// ProposeMisconduct stores a proposed record unless its case has one
// already; it reports whether it stored it. Audited.
func (db *DB) ProposeMisconduct(ctx context.Context, r *huifang.MisconductRecord) (bool, error) {
	var added bool
	err := db.tx(ctx, func(tx txn) error {
		var err error
		added, err = db.proposeMisconduct(ctx, tx, r, huifang.Actor{Name: "system"})
		return err
	})
	return added, err
}

// proposeMisconduct adds a proposed record inside a transaction, at most one
// per problem case. The agent's name and registration number, when the
// record lacks them, are the agent's of the insurer's reference data.
func (db *DB) proposeMisconduct(ctx context.Context, tx txn, r *huifang.MisconductRecord, a huifang.Actor) (bool, error) {
	if r.AgentName == "" || r.RegNo == "" {
		var name, regNo string
		err := tx.QueryRowContext(ctx, db.q(`SELECT name, reg_no FROM agents WHERE org_id = ? AND code = ?`), r.OrgID, r.AgentCode).Scan(&name, &regNo)
		if err != nil && !errors.Is(mapErr(err), huifang.ErrNotFound) {
			return false, fmt.Errorf("agent of misconduct record: %w", err)
		}
		if r.AgentName == "" {
			r.AgentName = name
		}
		if r.RegNo == "" {
			r.RegNo = regNo
		}
	}
	r.Status = huifang.MisconductProposed
	rows, err := tx.QueryContext(ctx, db.q(`INSERT INTO misconduct_records (org_id, agent_code, agent_name, reg_no, policy_no, case_id, case_type, facts,
		category, status, proposed_at, keep_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING RETURNING id`),
		r.OrgID, r.AgentCode, r.AgentName, r.RegNo, r.PolicyNo, r.CaseID, r.CaseType, r.Facts, r.Category, r.Status, ms64(r.ProposedAt), r.KeepUntil)
	if err != nil {
		return false, fmt.Errorf("propose misconduct record: %w", err)
	}
	added := rows.Next()
	if added {
		if err := rows.Scan(&r.ID); err != nil {
			rows.Close()
			return false, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	if !added {
		return false, nil
	}
	return true, db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: r.OrgID, At: r.ProposedAt, UserID: a.UserID, Actor: a.Name, Entity: "misconduct",
		Key: fmt.Sprint(r.ID), Action: "propose", Detail: jsonString(map[string]any{"case": r.CaseID, "policy": r.PolicyNo, "agent": r.AgentCode,
			"category": r.Category, "keep_until": r.KeepUntil})})
}

// FindMisconduct finds one record of an insurer.
func (db *DB) FindMisconduct(ctx context.Context, orgID, id int64) (*huifang.MisconductRecord, error) {
	r, err := scanMisconduct(db.queryRow(ctx, db.read, db.q(`SELECT `+misconductCols+` FROM misconduct_records m WHERE m.org_id = ? AND m.id = ?`), orgID, id))
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ListMisconduct lists an insurer's records, the latest first.
func (db *DB) ListMisconduct(ctx context.Context, f huifang.MisconductFilter) ([]huifang.MisconductRecord, error) {
	w := where{}
	w.add("m.org_id = ?", f.OrgID)
	w.addIf(f.Status != "", "m.status = ?", f.Status)
	w.addIf(f.RegNo != "", "m.reg_no = ?", f.RegNo)
	w.addIf(f.AgentCode != "", "m.agent_code = ?", f.AgentCode)
	q := `SELECT ` + misconductCols + ` FROM misconduct_records m` + w.sql() + ` ORDER BY m.id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return queryAll(ctx, db, q, func(s scanner) (huifang.MisconductRecord, error) { return scanMisconduct(s) }, w.args...)
}

// DecideMisconduct stores compliance's decision on a proposed record (r as
// misconduct.Decide left it), only while it is proposed: otherwise a
// conflict. Audited.
func (db *DB) DecideMisconduct(ctx context.Context, r *huifang.MisconductRecord, a huifang.Actor) error {
	return db.tx(ctx, func(tx txn) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE misconduct_records SET status = ?, category = ?, reason = ?, decided_at = ?, decided_by = ?
			WHERE org_id = ? AND id = ? AND status = 'proposed'`), r.Status, r.Category, r.Reason, ms64(r.DecidedAt), r.DecidedBy, r.OrgID, r.ID)
		if err != nil {
			return fmt.Errorf("decide misconduct record: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var st string
			if err := tx.QueryRowContext(ctx, db.q(`SELECT status FROM misconduct_records WHERE org_id = ? AND id = ?`), r.OrgID, r.ID).Scan(&st); err != nil {
				return mapErr(err)
			}
			return huifang.Errorf(huifang.ECONFLICT, "err.misconduct.decided", r.ID)
		}
		action := "reject"
		if r.Status == huifang.MisconductConfirmed {
			action = "confirm"
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: r.OrgID, At: r.DecidedAt, UserID: a.UserID, Actor: a.Name, Entity: "misconduct",
			Key: fmt.Sprint(r.ID), Action: action, Detail: jsonString(map[string]any{"category": r.Category, "reason": r.Reason})})
	})
}

// CountMisconductElsewhere counts, per registration number, the confirmed
// records at the OTHER insurers of the regulator that supervises orgID.
// Numbers without records are left out.
func (db *DB) CountMisconductElsewhere(ctx context.Context, orgID int64, regNos []string) (map[string]int, error) {
	out := map[string]int{}
	seen := map[string]bool{}
	var nos []string
	for _, n := range regNos {
		if n = strings.TrimSpace(n); n != "" && !seen[n] {
			seen[n] = true
			nos = append(nos, n)
		}
	}
	for len(nos) > 0 {
		chunk := nos
		if len(chunk) > 500 {
			chunk = nos[:500]
		}
		nos = nos[len(chunk):]
		args := []any{orgID, orgID}
		for _, n := range chunk {
			args = append(args, n)
		}
		rows, err := db.read.QueryContext(ctx, db.q(`SELECT m.reg_no, COUNT(*) FROM misconduct_records m JOIN orgs o ON o.id = m.org_id
			WHERE o.regulator_id = (SELECT regulator_id FROM orgs WHERE id = ?) AND m.org_id <> ? AND m.status = 'confirmed'
			AND m.reg_no IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`) GROUP BY m.reg_no`), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var no string
			var n int
			if err := rows.Scan(&no, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[no] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SearchMisconduct finds the confirmed records of every insurer under a
// regulator, by the agent's registration number (exactly) or name (a part
// of it), with each record's company; the latest first.
func (db *DB) SearchMisconduct(ctx context.Context, s huifang.MisconductSearch) ([]huifang.MisconductRecord, error) {
	w := where{}
	overseenWhere(&w, "m.org_id", s.Oversight)
	w.add("m.status = 'confirmed'")
	w.addIf(s.RegNo != "", "m.reg_no = ?", strings.TrimSpace(s.RegNo))
	if name := strings.TrimSpace(s.Name); name != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(name)
		w.add(`m.agent_name LIKE ? ESCAPE '\'`, "%"+esc+"%")
	}
	if s.RegNo == "" && strings.TrimSpace(s.Name) == "" {
		return nil, nil
	}
	limit := s.Limit
	if limit <= 0 {
		limit = 500
	}
	q := `SELECT ` + misconductCols + `, o.code, o.name FROM misconduct_records m JOIN orgs o ON o.id = m.org_id` + w.sql() +
		fmt.Sprintf(` ORDER BY m.reg_no, m.decided_at DESC, m.id DESC LIMIT %d`, limit)
	return queryAll(ctx, db, q, func(sc scanner) (huifang.MisconductRecord, error) {
		var code, name string
		r, err := scanMisconduct(sc, &code, &name)
		r.OrgCode, r.OrgName = code, name
		return r, err
	}, w.args...)
}

// CountMisconductByAgent counts an insurer's confirmed records per agent code.
func (db *DB) CountMisconductByAgent(ctx context.Context, orgID int64) (map[string]int, error) {
	type row struct {
		code string
		n    int
	}
	rows, err := queryAll(ctx, db, `SELECT agent_code, COUNT(*) FROM misconduct_records WHERE org_id = ? AND status = 'confirmed' GROUP BY agent_code`,
		func(s scanner) (row, error) {
			var r row
			return r, s.Scan(&r.code, &r.n)
		}, orgID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.code] = r.n
	}
	return out, nil
}
