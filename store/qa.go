package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

// QA scoring of calls (docs/qa.md). Every read and write is filtered by the
// insurer that owns the evaluation.

// QACalls reads an insurer's phone callbacks finished in [from, to) with a
// conversation (successful or completed with problems) by an operator, with
// the time the last answered attempt was recorded and whether the call
// opened a complaint case. Ordered by id.
func (db *DB) QACalls(ctx context.Context, orgID int64, from, to time.Time) ([]huifang.QACall, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT `+callbackCols+`,
		COALESCE((SELECT MAX(a.at) FROM attempts a WHERE a.callback_id = callbacks.id AND a.outcome = 'answered'), 0),
		EXISTS (SELECT 1 FROM problem_cases p WHERE p.org_id = callbacks.org_id AND p.callback_id = callbacks.id AND p.type = 'complaint')
		FROM callbacks WHERE org_id = ? AND status = 'done' AND finished_at >= ? AND finished_at < ? AND method = 'phone'
		AND finished_by <> 0 AND result IN ('successful', 'problems') ORDER BY id`), orgID, ms64(from), ms64(to))
	if err != nil {
		return nil, fmt.Errorf("qa calls: %w", err)
	}
	defer rows.Close()
	var out []huifang.QACall
	for rows.Next() {
		var answered int64
		var complaint bool
		var c *huifang.Callback
		c, err = scanCallback(scanFunc(func(dest ...any) error {
			return rows.Scan(append(dest, &answered, &complaint)...)
		}))
		if err != nil {
			return nil, err
		}
		out = append(out, huifang.QACall{Callback: *c, AnsweredAt: fromMS(answered), Complaint: complaint})
	}
	return out, rows.Err()
}

// scanFunc adapts a function to a scanner.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// AddQAEvaluations queues evaluations, skipping calls already queued with
// the same pair (UNIQUE org, callback, pair), with one audit entry when any
// was added. It returns those added, ids set.
func (db *DB) AddQAEvaluations(ctx context.Context, evs []huifang.QAEvaluation, audit huifang.AuditEntry) ([]huifang.QAEvaluation, error) {
	var added []huifang.QAEvaluation
	err := db.tx(ctx, func(tx txn) error {
		added = added[:0]
		for _, e := range evs {
			err := tx.QueryRowContext(ctx, db.q(`INSERT INTO qa_evaluations (org_id, callback_id, operator_id, week, reason, pair_id, status, created_at)
				VALUES (?, ?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (org_id, callback_id, pair_id) DO NOTHING RETURNING id`),
				e.OrgID, e.CallbackID, e.OperatorID, e.Week, e.Reason, e.PairID, ms64(e.CreatedAt)).Scan(&e.ID)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return fmt.Errorf("queue qa evaluation: %w", err)
			}
			e.Status = huifang.QAQueued
			added = append(added, e)
		}
		if len(added) == 0 {
			return nil
		}
		ids := make([]int64, len(added))
		for i, e := range added {
			ids[i] = e.ID
		}
		a := audit
		a.Entity = "qa-evaluation"
		if a.Detail == "" {
			a.Detail = jsonString(map[string]any{"ids": ids})
		}
		return db.appendAudit(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

const qaCols = `e.id, e.org_id, e.callback_id, COALESCE(c.policy_no, ''), e.operator_id, COALESCE(u.login, ''), e.week, e.reason, e.pair_id, e.status,
	e.evaluator_id, e.evaluator, e.items, e.score, e.critical_fail, e.note, e.evaluated_at, e.appeal, e.appealed_at, e.decision_note,
	e.decided_by, e.decided_at, e.created_at`

const qaFrom = ` FROM qa_evaluations e LEFT JOIN callbacks c ON c.id = e.callback_id AND c.org_id = e.org_id
	LEFT JOIN users u ON u.id = e.operator_id AND u.org_id = e.org_id`

func scanQA(s scanner) (huifang.QAEvaluation, error) {
	var e huifang.QAEvaluation
	var items string
	var evaluated, appealed, decided, created int64
	if err := s.Scan(&e.ID, &e.OrgID, &e.CallbackID, &e.PolicyNo, &e.OperatorID, &e.Operator, &e.Week, &e.Reason, &e.PairID, &e.Status,
		&e.EvaluatorID, &e.Evaluator, &items, &e.Score, &e.CriticalFail, &e.Note, &evaluated, &e.Appeal, &appealed, &e.DecisionNote,
		&e.DecidedBy, &decided, &created); err != nil {
		return e, mapErr(err)
	}
	if items != "" {
		if err := json.Unmarshal([]byte(items), &e.Items); err != nil {
			return e, fmt.Errorf("qa evaluation %d items: %w", e.ID, err)
		}
	}
	e.EvaluatedAt, e.AppealedAt, e.DecidedAt, e.CreatedAt = fromMS(evaluated), fromMS(appealed), fromMS(decided), fromMS(created)
	return e, nil
}

// FindQAEvaluation finds one evaluation of an insurer.
func (db *DB) FindQAEvaluation(ctx context.Context, orgID, id int64) (*huifang.QAEvaluation, error) {
	e, err := scanQA(db.queryRow(ctx, db.read, db.q(`SELECT `+qaCols+qaFrom+` WHERE e.org_id = ? AND e.id = ?`), orgID, id))
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// ListQAEvaluations lists an insurer's evaluations, newest first, from
// f.AfterID down (keyset), at most f.Limit (0: 100).
func (db *DB) ListQAEvaluations(ctx context.Context, f huifang.QAFilter) ([]huifang.QAEvaluation, error) {
	var w strings.Builder
	args := []any{f.OrgID}
	w.WriteString(` WHERE e.org_id = ?`)
	if f.Status != "" {
		w.WriteString(` AND e.status = ?`)
		args = append(args, f.Status)
	}
	if f.OperatorID != 0 {
		w.WriteString(` AND e.operator_id = ?`)
		args = append(args, f.OperatorID)
	}
	if f.CallbackID != 0 {
		w.WriteString(` AND e.callback_id = ?`)
		args = append(args, f.CallbackID)
	}
	if !f.From.IsZero() {
		w.WriteString(` AND e.created_at >= ?`)
		args = append(args, ms64(f.From))
	}
	if !f.To.IsZero() {
		w.WriteString(` AND e.created_at < ?`)
		args = append(args, ms64(f.To))
	}
	if f.AfterID != 0 {
		w.WriteString(` AND e.id < ?`)
		args = append(args, f.AfterID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	return queryAll(ctx, db, `SELECT `+qaCols+qaFrom+w.String()+` ORDER BY e.id DESC LIMIT ?`, scanQA, args...)
}

// UpdateQAEvaluation writes an evaluation's scoring, appeal and decision
// fields, with its audit entry, if it is still in status from; otherwise
// huifang.ErrConflict.
func (db *DB) UpdateQAEvaluation(ctx context.Context, e *huifang.QAEvaluation, from huifang.QAStatus, audit huifang.AuditEntry) error {
	items := ""
	if len(e.Items) > 0 {
		b, err := json.Marshal(e.Items)
		if err != nil {
			return err
		}
		items = string(b)
	}
	return db.tx(ctx, func(tx txn) error {
		was, err := scanQA(tx.QueryRowContext(ctx, db.q(`SELECT `+qaCols+qaFrom+` WHERE e.org_id = ? AND e.id = ?`), e.OrgID, e.ID))
		if errors.Is(err, huifang.ErrNotFound) {
			return huifang.ErrConflict
		} else if err != nil {
			return fmt.Errorf("read qa evaluation: %w", err)
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE qa_evaluations SET status = ?, evaluator_id = ?, evaluator = ?, items = ?, score = ?,
			critical_fail = ?, note = ?, evaluated_at = ?, appeal = ?, appealed_at = ?, decision_note = ?, decided_by = ?, decided_at = ?
			WHERE org_id = ? AND id = ? AND status = ?`), e.Status, e.EvaluatorID, e.Evaluator, items, e.Score, e.CriticalFail, e.Note,
			ms64(e.EvaluatedAt), e.Appeal, ms64(e.AppealedAt), e.DecisionNote, e.DecidedBy, ms64(e.DecidedAt), e.OrgID, e.ID, from)
		if err != nil {
			return fmt.Errorf("update qa evaluation: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return huifang.ErrConflict
		}
		// The QA figures count the evaluation as it was, then as it is
		// (its operator and pair are not changed here).
		now := was
		now.Status, now.Score, now.CriticalFail, now.EvaluatedAt = e.Status, e.Score, e.CriticalFail, e.EvaluatedAt
		qa := qaDelta{}
		qa.evaluation(&was, -1)
		qa.evaluation(&now, 1)
		if err := db.saveQA(ctx, db.txQ(tx), e.OrgID, qa); err != nil {
			return err
		}
		a := audit
		a.OrgID, a.Entity, a.Key = e.OrgID, "qa-evaluation", fmt.Sprint(e.ID)
		return db.appendAudit(ctx, tx, a)
	})
}
