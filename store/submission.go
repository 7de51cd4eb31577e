package store

import (
	"context"
	"fmt"
	"time"

	"github.com/huifang/huifang"
)

func scopeWhere(sc huifang.SubmissionScope, w *where) {
	if sc.RegulatorID != 0 {
		overseenWhere(w, "s.org_id", sc.Oversight)
		return
	}
	w.add("s.org_id = ?", sc.OrgID)
}

const submissionCols = `s.id, s.org_id, s.period, s.kind, s.version, s.status, s.source, s.content_hash, s.reason, s.due_on, s.late,
	s.submitted_at, s.submitted_by, s.review_comment, s.reviewed_at, s.reviewed_by`

func scanSubmission(sc scanner, content *string) (huifang.Submission, error) {
	var r huifang.Submission
	var submitted, reviewed int64
	dest := []any{&r.ID, &r.OrgID, &r.Period, &r.Kind, &r.Version, &r.Status, &r.Source, &r.Hash, &r.Reason, &r.DueOn, &r.Late,
		&submitted, &r.SubmittedBy, &r.Comment, &reviewed, &r.ReviewedBy}
	if content != nil {
		dest = append(dest, content)
	}
	if err := sc.Scan(dest...); err != nil {
		return r, mapErr(err)
	}
	r.SubmittedAt, r.ReviewedAt = fromMS(submitted), fromMS(reviewed)
	return r, nil
}

// AddSubmission stores a new version of a company's table for a period. It
// is version 1 when the period has none; otherwise prev must be the current
// (highest) version, or the change is refused as a conflict: someone else
// submitted in between. Audited.
func (db *DB) AddSubmission(ctx context.Context, s *huifang.Submission, prev int) error {
	return db.tx(ctx, func(tx txn) error {
		var cur int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT COALESCE(MAX(version), 0) FROM submissions WHERE org_id = ? AND period = ?`), s.OrgID, s.Period).Scan(&cur); err != nil {
			return err
		}
		if cur != prev {
			return huifang.Errorf(huifang.ECONFLICT, "err.submission.version_exists", s.Period, cur)
		}
		s.Version, s.Status = cur+1, huifang.SubmissionSubmitted
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO submissions (org_id, period, kind, version, status, source, content, content_hash, reason, due_on, late, submitted_at, submitted_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), s.OrgID, s.Period, s.Kind, s.Version, s.Status, s.Source, s.Content, s.Hash, s.Reason,
			s.DueOn, s.Late, ms64(s.SubmittedAt), s.SubmittedBy).Scan(&s.ID)
		if err != nil {
			return fmt.Errorf("add submission: %w", mapErr(err))
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: s.OrgID, At: s.SubmittedAt, Actor: s.SubmittedBy, Entity: "submission",
			Key: fmt.Sprintf("%s v%d", s.Period, s.Version), Action: "submit",
			Detail: jsonString(map[string]any{"id": s.ID, "source": s.Source, "hash": s.Hash, "reason": s.Reason, "late": s.Late})})
	})
}

// FindSubmission finds a submission, with its content, within a scope.
func (db *DB) FindSubmission(ctx context.Context, sc huifang.SubmissionScope, id int64) (*huifang.Submission, error) {
	w := where{}
	scopeWhere(sc, &w)
	w.add("s.id = ?", id)
	var content string
	r, err := scanSubmission(db.queryRow(ctx, db.read, db.q(`SELECT `+submissionCols+`, s.content FROM submissions s`+w.sql()), w.args...), &content)
	if err != nil {
		return nil, err
	}
	r.Content = content
	return &r, nil
}

// ListSubmissions lists submissions without their content: by company, by
// period (the latest first), then version (the latest first).
func (db *DB) ListSubmissions(ctx context.Context, f huifang.SubmissionFilter) ([]huifang.Submission, error) {
	w := where{}
	scopeWhere(f.SubmissionScope, &w)
	w.addIf(f.OrgID != 0 && f.RegulatorID != 0, "s.org_id = ?", f.OrgID)
	w.addIf(f.Period != "", "s.period = ?", f.Period)
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT `+submissionCols+` FROM submissions s`+w.sql()+` ORDER BY s.org_id, s.period DESC, s.version DESC`), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.Submission
	for rows.Next() {
		r, err := scanSubmission(rows, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReviewSubmission moves a submitted version to returned or accepted with
// the regulator's comment, only while it is submitted and still the current
// version of its period; otherwise a conflict. Audited in the company's trail.
func (db *DB) ReviewSubmission(ctx context.Context, sc huifang.SubmissionScope, id int64, to, comment string, a huifang.Actor, now time.Time) error {
	if to != huifang.SubmissionReturned && to != huifang.SubmissionAccepted {
		return fmt.Errorf("review submission: bad status %q", to)
	}
	return db.tx(ctx, func(tx txn) error {
		w := where{}
		scopeWhere(sc, &w)
		w.add("s.id = ?", id)
		var orgID int64
		var period string
		var version int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT s.org_id, s.period, s.version FROM submissions s`+w.sql()), w.args...).Scan(&orgID, &period, &version); err != nil {
			return mapErr(err)
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE submissions SET status = ?, review_comment = ?, reviewed_at = ?, reviewed_by = ?
			WHERE id = ? AND status = 'submitted' AND version = (SELECT MAX(version) FROM submissions WHERE org_id = ? AND period = ?)`),
			to, comment, ms64(now), a.Name, id, orgID, period)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return huifang.Errorf(huifang.ECONFLICT, "err.submission.already_reviewed", period, version)
		}
		action := "return"
		if to == huifang.SubmissionAccepted {
			action = "accept"
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name, Entity: "submission",
			Key: fmt.Sprintf("%s v%d", period, version), Action: action, Detail: jsonString(map[string]any{"id": id, "comment": comment})})
	})
}
