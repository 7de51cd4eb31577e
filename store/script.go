package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

const scriptCols = `s.id, s.org_id, s.code, s.version, s.name, s.purpose, s.design, s.channels, s.product_code, s.status, s.active_from, s.body, s.created_at, s.created_by, s.updated_at`

func scanScript(sc scanner) (huifang.ScriptRecord, error) {
	var r huifang.ScriptRecord
	var channels string
	var created, updated int64
	err := sc.Scan(&r.ID, &r.OrgID, &r.Code, &r.Version, &r.Name, &r.Purpose, &r.Design, &channels, &r.ProductCode, &r.Status, &r.ActiveFrom, &r.Body, &created, &r.CreatedBy, &updated)
	if err != nil {
		return r, mapErr(err)
	}
	for _, c := range strings.Split(channels, ",") {
		if c != "" {
			r.Channels = append(r.Channels, huifang.Channel(c))
		}
	}
	r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
	return r, nil
}

// AddScript stores a new draft version of a script; its version number is
// the next one for its code in the organisation.
func (db *DB) AddScript(ctx context.Context, r *huifang.ScriptRecord) error {
	chans := make([]string, len(r.Channels))
	for i, c := range r.Channels {
		chans[i] = string(c)
	}
	return db.tx(ctx, func(tx txn) error {
		if err := tx.QueryRowContext(ctx, db.q(`SELECT COALESCE(MAX(version), 0) + 1 FROM scripts WHERE org_id = ? AND code = ?`), r.OrgID, r.Code).Scan(&r.Version); err != nil {
			return err
		}
		r.Status = "draft"
		if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO scripts (org_id, code, version, name, purpose, design, channels, product_code, status, body, created_at, created_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?) RETURNING id`), r.OrgID, r.Code, r.Version, r.Name, r.Purpose, r.Design, strings.Join(chans, ","),
			r.ProductCode, r.Body, ms64(r.CreatedAt), r.CreatedBy, ms64(r.CreatedAt)).Scan(&r.ID); err != nil {
			return fmt.Errorf("add script: %w", mapErr(err))
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: r.OrgID, At: r.CreatedAt, Actor: r.CreatedBy, Entity: "script",
			Key: fmt.Sprintf("%s v%d", r.Code, r.Version), Action: "create", Detail: jsonString(map[string]any{"id": r.ID, "product": r.ProductCode})})
	})
}

// FindScript finds a script version of an organisation.
func (db *DB) FindScript(ctx context.Context, orgID, id int64) (*huifang.ScriptRecord, error) {
	r, err := scanScript(db.queryRow(ctx, db.read, db.q(`SELECT `+scriptCols+` FROM scripts s WHERE s.org_id = ? AND s.id = ?`), orgID, id))
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ListScripts lists script versions by code and version.
func (db *DB) ListScripts(ctx context.Context, f huifang.ScriptFilter) ([]huifang.ScriptRecord, error) {
	w := where{}
	from := ` FROM scripts s`
	switch {
	case f.RegulatorID != 0:
		overseenWhere(&w, "s.org_id", f.Oversight)
		w.add("s.status IN ('filed', 'active')")
	default:
		w.add("s.org_id = ?", f.OrgID)
	}
	w.addIf(f.Status != "", "s.status = ?", f.Status)
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT `+scriptCols+from+w.sql()+` ORDER BY s.org_id, s.code, s.version`), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.ScriptRecord
	for rows.Next() {
		r, err := scanScript(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MoveScript moves a script version from one status to another (only if it
// is still in the first), audited.
func (db *DB) MoveScript(ctx context.Context, orgID, id int64, from, to string, activeFrom huifang.Date, a huifang.Actor, now time.Time) error {
	return db.tx(ctx, func(tx txn) error {
		var key string
		err := tx.QueryRowContext(ctx, db.q(`UPDATE scripts SET status = ?, active_from = CASE WHEN ? = 'active' THEN ? ELSE active_from END, updated_at = ?
			WHERE org_id = ? AND id = ? AND status = ? RETURNING code`), to, to, activeFrom, ms64(now), orgID, id, from).Scan(&key)
		if err != nil {
			if mapErr(err) == huifang.ErrNotFound {
				return huifang.Errorf(huifang.ECONFLICT, "err.script.status_changed", id)
			}
			return err
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name, Entity: "script",
			Key: fmt.Sprint(id), Action: to, Detail: jsonString(map[string]any{"code": key, "from": from, "active_from": activeFrom})})
	})
}

// SaveScriptDraft replaces the body (and the name, purpose, design and
// channels read from it) of a draft version, audited as an edit; a version
// no longer a draft, or another organisation's, is a conflict.
func (db *DB) SaveScriptDraft(ctx context.Context, r *huifang.ScriptRecord, a huifang.Actor, now time.Time) error {
	chans := make([]string, len(r.Channels))
	for i, c := range r.Channels {
		chans[i] = string(c)
	}
	return db.tx(ctx, func(tx txn) error {
		var code string
		var version int
		err := tx.QueryRowContext(ctx, db.q(`UPDATE scripts SET name = ?, purpose = ?, design = ?, channels = ?, body = ?, updated_at = ?
			WHERE org_id = ? AND id = ? AND status = 'draft' RETURNING code, version`), r.Name, r.Purpose, r.Design, strings.Join(chans, ","), r.Body, ms64(now),
			r.OrgID, r.ID).Scan(&code, &version)
		if err != nil {
			if mapErr(err) == huifang.ErrNotFound {
				return huifang.Errorf(huifang.ECONFLICT, "err.script.status_changed", r.ID)
			}
			return err
		}
		r.UpdatedAt = now
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: r.OrgID, At: now, UserID: a.UserID, Actor: a.Name, Entity: "script",
			Key: fmt.Sprintf("%s v%d", code, version), Action: "edit", Detail: jsonString(map[string]any{"id": r.ID})})
	})
}
