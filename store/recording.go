package store

import (
	"context"
	"fmt"

	"github.com/huifang/huifang"
)

// AddRecording stores a recording's record, audited.
func (db *DB) AddRecording(ctx context.Context, r *huifang.Recording, a huifang.Actor) error {
	return db.tx(ctx, func(tx txn) error {
		if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO recordings (org_id, callback_id, attempt_id, storage_key, format, content_type, size, sha256, retain_until, uploaded_at, uploaded_by, source)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), r.OrgID, r.CallbackID, r.AttemptID, r.Key, r.Format, r.ContentType, r.Size, r.SHA256, r.RetainUntil,
			ms64(r.UploadedAt), r.UploadedBy, r.Source).Scan(&r.ID); err != nil {
			return fmt.Errorf("add recording: %w", mapErr(err))
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: r.OrgID, At: r.UploadedAt, UserID: a.UserID, Actor: a.Name, Entity: "recording",
			Key: fmt.Sprint(r.ID), Action: "create", Detail: jsonString(map[string]any{"callback": r.CallbackID, "attempt": r.AttemptID, "sha256": r.SHA256, "size": r.Size, "retain_until": r.RetainUntil})})
	})
}

const recordingCols = `id, org_id, callback_id, attempt_id, storage_key, format, content_type, size, sha256, retain_until, uploaded_at, uploaded_by, source`

func scanRecording(s scanner) (huifang.Recording, error) {
	var r huifang.Recording
	var at int64
	err := s.Scan(&r.ID, &r.OrgID, &r.CallbackID, &r.AttemptID, &r.Key, &r.Format, &r.ContentType, &r.Size, &r.SHA256, &r.RetainUntil, &at, &r.UploadedBy, &r.Source)
	r.UploadedAt = fromMS(at)
	return r, mapErr(err)
}

// FindRecording finds a recording of an insurer.
func (db *DB) FindRecording(ctx context.Context, orgID, id int64) (*huifang.Recording, error) {
	r, err := scanRecording(db.queryRow(ctx, db.read, db.q(`SELECT `+recordingCols+` FROM recordings WHERE org_id = ? AND id = ?`), orgID, id))
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ListRecordings lists a callback's recordings, oldest first.
func (db *DB) ListRecordings(ctx context.Context, orgID, callbackID int64) ([]huifang.Recording, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT `+recordingCols+` FROM recordings WHERE org_id = ? AND callback_id = ? ORDER BY id`), orgID, callbackID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.Recording
	for rows.Next() {
		r, err := scanRecording(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
