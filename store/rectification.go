package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/huifang/huifang"
)

// Rectification notices (整改通知, docs/rectification.md). Every query is
// scoped: a company sees its own notices, a regulator's user those of the
// companies it oversees (the scope's OrgIDs, which app fills from Overseen).
// A step writes the notice, its timeline event and the audit line in one
// transaction, only from the state the step started from.

const rectificationCols = `r.id, r.regulator_id, r.org_id, o.code, o.name, r.subject, r.body, r.due_on, r.status, r.answer, r.comment, r.returns,
	r.sent_at, r.sent_by, r.sent_by_id, r.answered_at, r.answered_by, r.closed_at, r.closed_by, r.updated_at`

const rectificationFrom = ` FROM rectifications r JOIN orgs o ON o.id = r.org_id`

func scanRectification(s scanner) (huifang.Rectification, error) {
	var r huifang.Rectification
	var sent, answered, closed, updated int64
	if err := s.Scan(&r.ID, &r.RegulatorID, &r.OrgID, &r.OrgCode, &r.OrgName, &r.Subject, &r.Body, &r.DueOn, &r.Status, &r.Answer, &r.Comment, &r.Returns,
		&sent, &r.SentBy, &r.SentByID, &answered, &r.AnsweredBy, &closed, &r.ClosedBy, &updated); err != nil {
		return r, mapErr(err)
	}
	r.SentAt, r.AnsweredAt, r.ClosedAt, r.UpdatedAt = fromMS(sent), fromMS(answered), fromMS(closed), fromMS(updated)
	return r, nil
}

// scope adds a scope's conditions; a scope with neither an organisation
// nor a regulator, or a regulator's with no companies, sees nothing.
func (w *where) rectificationScope(sc huifang.RectificationScope) {
	switch {
	case sc.OrgID != 0:
		w.add("r.org_id = ?", sc.OrgID)
	case sc.RegulatorID != 0 && len(sc.OrgIDs) > 0:
		w.add("r.regulator_id = ?", sc.RegulatorID)
		args := make([]any, len(sc.OrgIDs))
		for i, id := range sc.OrgIDs {
			args[i] = id
		}
		w.add("r.org_id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+")", args...)
	default:
		w.add("1 = 0")
	}
}

// CreateRectification stores a sent notice with its first event. Audited
// in the company's trail.
func (db *DB) CreateRectification(ctx context.Context, r *huifang.Rectification, a huifang.Actor) error {
	r.Status = huifang.RectificationOpen
	return db.tx(ctx, func(tx txn) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO rectifications (regulator_id, org_id, subject, body, due_on, status, sent_at, sent_by, sent_by_id, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			r.RegulatorID, r.OrgID, r.Subject, r.Body, r.DueOn, r.Status, ms64(r.SentAt), r.SentBy, r.SentByID, ms64(r.SentAt)).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("create rectification: %w", mapErr(err))
		}
		r.UpdatedAt = r.SentAt
		if err := db.insertRectificationEvent(ctx, tx, huifang.RectificationEvent{NoticeID: r.ID, Kind: huifang.RectificationSent, Text: r.Body,
			At: r.SentAt, Actor: r.SentBy}); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: r.OrgID, At: r.SentAt, UserID: a.UserID, Actor: a.Name, Entity: "rectification",
			Key: fmt.Sprint(r.ID), Action: "send", Detail: jsonString(map[string]any{"subject": r.Subject, "due_on": r.DueOn, "regulator": r.RegulatorID})})
	})
}

func (db *DB) insertRectificationEvent(ctx context.Context, tx txn, e huifang.RectificationEvent) error {
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO rectification_events (notice_id, kind, text, at, actor) VALUES (?, ?, ?, ?, ?)`),
		e.NoticeID, e.Kind, e.Text, ms64(e.At), e.Actor)
	if err != nil {
		return fmt.Errorf("rectification event: %w", err)
	}
	return nil
}

// FindRectification finds one notice within a scope.
func (db *DB) FindRectification(ctx context.Context, sc huifang.RectificationScope, id int64) (*huifang.Rectification, error) {
	w := where{}
	w.rectificationScope(sc)
	w.add("r.id = ?", id)
	r, err := scanRectification(db.queryRow(ctx, db.read, db.q(`SELECT `+rectificationCols+rectificationFrom+w.sql()), w.args...))
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ListRectifications lists the notices of a scope: open ones first, by due
// date, then the others, the latest first.
func (db *DB) ListRectifications(ctx context.Context, f huifang.RectificationFilter) ([]huifang.Rectification, error) {
	w := where{}
	w.rectificationScope(f.RectificationScope)
	w.addIf(f.Status != "", "r.status = ?", f.Status)
	if !f.DueBefore.IsZero() {
		w.add("r.status = 'open' AND r.due_on < ?", f.DueBefore)
	}
	q := `SELECT ` + rectificationCols + rectificationFrom + w.sql() +
		` ORDER BY CASE r.status WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END, CASE WHEN r.status = 'closed' THEN 0 ELSE 1 END, r.due_on, r.id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return queryAll(ctx, db, q, func(s scanner) (huifang.Rectification, error) { return scanRectification(s) }, w.args...)
}

// ListRectificationEvents lists a notice's timeline, oldest first. The
// caller found the notice in its scope first.
func (db *DB) ListRectificationEvents(ctx context.Context, noticeID int64) ([]huifang.RectificationEvent, error) {
	return queryAll(ctx, db, `SELECT id, notice_id, kind, text, at, actor FROM rectification_events WHERE notice_id = ? ORDER BY id`,
		func(s scanner) (huifang.RectificationEvent, error) {
			var e huifang.RectificationEvent
			var at int64
			err := s.Scan(&e.ID, &e.NoticeID, &e.Kind, &e.Text, &at, &e.Actor)
			e.At = fromMS(at)
			return e, err
		}, noticeID)
}

// StepRectification stores a step of a notice (r as package rectification
// left it) only while the notice is still in the state was: otherwise a
// conflict, and nothing is written. Audited in the company's trail.
func (db *DB) StepRectification(ctx context.Context, r *huifang.Rectification, was huifang.RectificationStatus, e huifang.RectificationEvent, a huifang.Actor) error {
	return db.tx(ctx, func(tx txn) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE rectifications SET status = ?, answer = ?, comment = ?, returns = ?, answered_at = ?, answered_by = ?,
			closed_at = ?, closed_by = ?, updated_at = ? WHERE org_id = ? AND id = ? AND status = ?`),
			r.Status, r.Answer, r.Comment, r.Returns, ms64(r.AnsweredAt), r.AnsweredBy, ms64(r.ClosedAt), r.ClosedBy, ms64(r.UpdatedAt), r.OrgID, r.ID, was)
		if err != nil {
			return fmt.Errorf("step rectification: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var st string
			if err := tx.QueryRowContext(ctx, db.q(`SELECT status FROM rectifications WHERE org_id = ? AND id = ?`), r.OrgID, r.ID).Scan(&st); err != nil {
				return mapErr(err)
			}
			return huifang.Errorf(huifang.ECONFLICT, "err.rectification.changed", r.ID)
		}
		if err := db.insertRectificationEvent(ctx, tx, e); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: r.OrgID, At: e.At, UserID: a.UserID, Actor: a.Name, Entity: "rectification",
			Key: fmt.Sprint(r.ID), Action: e.Kind, Detail: jsonString(map[string]any{"from": was, "to": r.Status, "text": e.Text})})
	})
}
