package store

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/huifang/huifang"
)

// jsonString renders v as JSON for an audit detail.
func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return `{"error":"unencodable detail"}`
	}
	return string(b)
}

const auditInsert = `INSERT INTO audit (org_id, at, user_id, actor, entity, entity_key, action, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

func (db *DB) appendAudit(ctx context.Context, tx txn, e huifang.AuditEntry) error {
	_, err := tx.ExecContext(ctx, db.q(auditInsert), e.OrgID, ms64(e.At), e.UserID, e.Actor, e.Entity, e.Key, e.Action, e.Detail)
	return err
}

// AppendAudit adds entries to the audit trail (for events with no other change,
// such as viewing an unmasked phone number).
func (db *DB) AppendAudit(ctx context.Context, entries ...huifang.AuditEntry) error {
	return db.tx(ctx, func(tx txn) error {
		for _, e := range entries {
			if err := db.appendAudit(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// AppendAuditCapped adds e to the audit trail unless its user already has
// limit entries of its action since the given time; it reports whether it
// added it. The count is the audit trail's, so every server sharing the
// database agrees on it; on PostgreSQL the user's row is locked for the
// transaction, so that two servers cannot both take the last one (SQLite has
// one writer).
func (db *DB) AppendAuditCapped(ctx context.Context, e huifang.AuditEntry, since time.Time, limit int) (bool, error) {
	added := false
	err := db.tx(ctx, func(tx txn) error {
		if db.engine == Postgres {
			if _, err := tx.ExecContext(ctx, db.q(`SELECT id FROM users WHERE id = ? FOR UPDATE`), e.UserID); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM audit WHERE org_id = ? AND at >= ? AND user_id = ? AND action = ?`),
			e.OrgID, ms64(since), e.UserID, e.Action).Scan(&n); err != nil {
			return err
		}
		if n >= limit {
			return nil
		}
		added = true
		return db.appendAudit(ctx, tx, e)
	})
	return added, err
}

// ListAudit lists an organisation's audit entries, newest first.
func (db *DB) ListAudit(ctx context.Context, orgID int64, f huifang.AuditFilter) ([]huifang.AuditEntry, error) {
	w := where{}
	w.add("org_id = ?", orgID)
	w.addIf(f.Entity != "", "entity = ?", f.Entity)
	w.addIf(f.Key != "", "entity_key = ?", f.Key)
	w.addIf(f.Action != "", "action = ?", f.Action)
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, org_id, at, user_id, actor, entity, entity_key, action, detail FROM audit`+w.sql()+` ORDER BY id DESC LIMIT `+itoa(limit)), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.AuditEntry
	for rows.Next() {
		var e huifang.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &e.OrgID, &at, &e.UserID, &e.Actor, &e.Entity, &e.Key, &e.Action, &e.Detail); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// where builds a WHERE clause from conditions with ? placeholders.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) addIf(ok bool, cond string, args ...any) {
	if ok {
		w.add(cond, args...)
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	s := " WHERE " + w.conds[0]
	for _, c := range w.conds[1:] {
		s += " AND " + c
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }
