package store

import (
	"context"
	"fmt"

	"github.com/huifang/huifang"
)

// SeedInspectionExtras adds to a year made by SeedYear what an inspection
// package also reads: one phone attempt and the answers of the standard
// life script on every finished callback, and the audit entry of each
// finish. Then, for one callback in every, it asks rec for a recording
// (stored in the blob store by the caller) and records it.
func (b Bench) SeedInspectionExtras(ctx context.Context, orgID int64, every int, rec func(callbackID int64) (*huifang.Recording, error)) error {
	db := b.db
	answers := `{"identity":"yes","bought":"yes","signed":"yes","brochure":"yes","cover":"yes","surrender":"yes","cooling_off":"yes","payment":"yes"}`
	err := db.tx(ctx, func(tx txn) error {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO attempts (org_id, callback_id, user_id, at, outcome, note)
			SELECT org_id, id, 1, finished_at - 600000, 'answered', '' FROM callbacks WHERE org_id = ? AND status = 'done'`), orgID); err != nil {
			return fmt.Errorf("seed attempts: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE callbacks SET attempts = 1, answers = ?, script_code = 'life-traditional-agency', script_version = 1
			WHERE org_id = ? AND status = 'done'`), answers, orgID); err != nil {
			return fmt.Errorf("seed answers: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO audit (org_id, at, user_id, actor, entity, entity_key, action, detail)
			SELECT org_id, finished_at, 1, 'op1', 'callback', CAST(id AS TEXT), 'finish', '{"result":"' || result || '"}'
			FROM callbacks WHERE org_id = ? AND status = 'done'`), orgID); err != nil {
			return fmt.Errorf("seed audit: %w", err)
		}
		return db.rebuildQA(ctx, db.txQ(tx), orgID)
	})
	if err != nil || every <= 0 {
		return err
	}
	var ids []int64
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id FROM callbacks WHERE org_id = ? AND status = 'done' AND id % ? = 0 ORDER BY id`), orgID, every)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx txn) error {
		for _, id := range ids {
			r, err := rec(id)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO recordings (org_id, callback_id, attempt_id, storage_key, format, content_type, size, sha256, uploaded_at, uploaded_by, source)
				VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, 1, 'api')`), orgID, id, r.Key, r.Format, r.ContentType, r.Size, r.SHA256, ms64(r.UploadedAt)); err != nil {
				return fmt.Errorf("seed recording: %w", err)
			}
		}
		return nil
	})
}
