package store

import (
	"context"
	"database/sql"

	"github.com/huifang/huifang"
)

// The rows of an on-site inspection package (huifang.InspectionScope says
// which belong). Each method streams its rows through fn as the database
// returns them, one at a time, so that a company's year never sits in
// memory; fn may not use the database (on SQLite the cursor holds a read
// connection). ReadInspection gives them all from one snapshot.

// inspection reads the streams through one querier: the read pool, or the
// read-only transaction of ReadInspection.
type inspection struct {
	db *DB
	q  interface {
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	}
}

// ReadInspection runs fn with the streams of an inspection package read in
// one read-only transaction, so that every file of a package shows the
// same moment: no attempt in attempts.csv of a callback that callbacks.csv
// shows still open. On PostgreSQL it is REPEATABLE READ; on SQLite a read
// transaction on one connection of the read pool (WAL keeps the snapshot
// while writers go on; the checkpoint waits for it to end).
func (db *DB) ReadInspection(ctx context.Context, fn func(huifang.InspectionReader) error) error {
	if db.engine == Postgres {
		tx, err := db.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return mapErr(err)
		}
		defer tx.Rollback()
		return fn(inspection{db, tx})
	}
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		return mapErr(err)
	}
	// A read transaction has nothing to commit; ending it lets the
	// checkpoint go on. The request's context may be gone by then.
	defer conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
	return fn(inspection{db, conn})
}

// ForEachInspectedPolicy and the other streams on the database itself read
// from the read pool, each query its own moment.
func (db *DB) ForEachInspectedPolicy(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.PolicyRecord) error) error {
	return inspection{db, db.read}.ForEachInspectedPolicy(ctx, sc, fn)
}

// ForEachInspectedCallback is inspection's, on the read pool.
func (db *DB) ForEachInspectedCallback(ctx context.Context, sc huifang.InspectionScope, letters bool, fn func(*huifang.Callback) error) error {
	return inspection{db, db.read}.ForEachInspectedCallback(ctx, sc, letters, fn)
}

// ForEachInspectedAttempt is inspection's, on the read pool.
func (db *DB) ForEachInspectedAttempt(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.Attempt) error) error {
	return inspection{db, db.read}.ForEachInspectedAttempt(ctx, sc, fn)
}

// ForEachInspectedRecording is inspection's, on the read pool.
func (db *DB) ForEachInspectedRecording(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.Recording) error) error {
	return inspection{db, db.read}.ForEachInspectedRecording(ctx, sc, fn)
}

// ForEachInspectedCase is inspection's, on the read pool.
func (db *DB) ForEachInspectedCase(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.ProblemCase) error) error {
	return inspection{db, db.read}.ForEachInspectedCase(ctx, sc, fn)
}

// ForEachInspectedEvent is inspection's, on the read pool.
func (db *DB) ForEachInspectedEvent(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.CaseEvent) error) error {
	return inspection{db, db.read}.ForEachInspectedEvent(ctx, sc, fn)
}

// ForEachInspectedEvidence is inspection's, on the read pool.
func (db *DB) ForEachInspectedEvidence(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.Evidence) error) error {
	return inspection{db, db.read}.ForEachInspectedEvidence(ctx, sc, fn)
}

// ForEachInspectedAudit is inspection's, on the read pool.
func (db *DB) ForEachInspectedAudit(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.AuditEntry) error) error {
	return inspection{db, db.read}.ForEachInspectedAudit(ctx, sc, fn)
}

// inspectedCallback holds for the callbacks of alias c that belong to the
// scope: due in the range, or finished in it (finished_at is 0 while open).
// It is one CASE rather than an OR on purpose: SQLite would answer an OR
// from two index searches, then sort a year of whole rows in a temporary
// B-tree to give them in order (measured: a million callbacks took 26
// times as long as 100,000); as one expression it walks callbacks_due for
// the insurer, already in deadline order, and sorts nothing.
const inspectedCallback = `(CASE WHEN c.due_on >= ? AND c.due_on <= ? THEN 1 WHEN c.finished_at >= ? AND c.finished_at <= ? THEN 1 ELSE 0 END) = 1`

func inspectedCallbackArgs(sc huifang.InspectionScope) []any {
	return []any{sc.From, sc.To, ms64(sc.Start()), ms64(sc.End())}
}

// inspectedCase holds for the problem cases of alias x that belong: opened
// in the range, or opened from a callback that belongs.
const inspectedCase = `(x.opened_at >= ? AND x.opened_at <= ? OR x.callback_id <> 0 AND EXISTS (SELECT 1 FROM callbacks c
	WHERE c.id = x.callback_id AND c.org_id = x.org_id AND ` + inspectedCallback + `))`

func inspectedCaseArgs(sc huifang.InspectionScope) []any {
	return append([]any{ms64(sc.Start()), ms64(sc.End())}, inspectedCallbackArgs(sc)...)
}

// each runs a query and hands every row to scan.
func (r inspection) each(ctx context.Context, query string, args []any, scan func(scanner) error) error {
	rows, err := r.q.QueryContext(ctx, r.db.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ForEachInspectedPolicy streams the policies that belong to the scope, by
// policy number: issued in the range, or holding a callback or a problem
// case that belongs.
func (r inspection) ForEachInspectedPolicy(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.PolicyRecord) error) error {
	args := []any{sc.OrgID, sc.From, sc.To}
	args = append(args, inspectedCallbackArgs(sc)...)
	args = append(args, inspectedCaseArgs(sc)...)
	return r.each(ctx, policySelect+` p WHERE p.org_id = ? AND (p.issued_on >= ? AND p.issued_on <= ?
		OR EXISTS (SELECT 1 FROM callbacks c WHERE c.org_id = p.org_id AND c.policy_no = p.policy_no AND `+inspectedCallback+`)
		OR EXISTS (SELECT 1 FROM problem_cases x WHERE x.org_id = p.org_id AND x.policy_no = p.policy_no AND `+inspectedCase+`))
		ORDER BY p.policy_no`, args, func(s scanner) error {
		r, err := scanPolicy(s)
		if err != nil {
			return err
		}
		return fn(r)
	})
}

// ForEachInspectedCallback streams the callbacks that belong to the scope,
// earliest deadline first; letters limits them to letter and visit callbacks with their
// evidence recorded (those with a signed receipt).
func (r inspection) ForEachInspectedCallback(ctx context.Context, sc huifang.InspectionScope, letters bool, fn func(*huifang.Callback) error) error {
	q := `SELECT ` + prefixed("c.", callbackCols) + ` FROM callbacks c WHERE c.org_id = ? AND ` + inspectedCallback
	if letters {
		q += ` AND c.method IN ('letter', 'visit') AND c.evidence <> ''`
	}
	return r.each(ctx, q+` ORDER BY c.due_on, c.id`, append([]any{sc.OrgID}, inspectedCallbackArgs(sc)...), func(s scanner) error {
		c, err := scanCallback(s)
		if err != nil {
			return err
		}
		return fn(c)
	})
}

// ForEachInspectedAttempt streams the attempts of the callbacks that belong
// to the scope, callback by callback as ForEachInspectedCallback gives them,
// each callback's in the order they were recorded.
func (r inspection) ForEachInspectedAttempt(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.Attempt) error) error {
	return r.each(ctx, `SELECT a.id, a.org_id, a.callback_id, a.user_id, a.at, a.outcome, a.note, a.schedule_at
		FROM callbacks c JOIN attempts a ON a.callback_id = c.id AND a.org_id = c.org_id
		WHERE c.org_id = ? AND `+inspectedCallback+` ORDER BY c.due_on, c.id, a.id`, append([]any{sc.OrgID}, inspectedCallbackArgs(sc)...), func(s scanner) error {
		var a huifang.Attempt
		var at, sched int64
		if err := s.Scan(&a.ID, &a.OrgID, &a.CallbackID, &a.UserID, &at, &a.Outcome, &a.Note, &sched); err != nil {
			return err
		}
		a.At, a.ScheduleAt = fromMS(at), fromMS(sched)
		return fn(&a)
	})
}

// ForEachInspectedRecording streams the recordings of the callbacks that
// belong to the scope, by callback and then by id (the index's order).
func (r inspection) ForEachInspectedRecording(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.Recording) error) error {
	return r.each(ctx, `SELECT `+prefixed("r.", recordingCols)+` FROM recordings r JOIN callbacks c ON c.id = r.callback_id AND c.org_id = r.org_id
		WHERE r.org_id = ? AND `+inspectedCallback+` ORDER BY r.callback_id, r.id`, append([]any{sc.OrgID}, inspectedCallbackArgs(sc)...), func(s scanner) error {
		r, err := scanRecording(s)
		if err != nil {
			return err
		}
		return fn(&r)
	})
}

// ForEachInspectedCase streams the problem cases that belong to the scope,
// by id.
func (r inspection) ForEachInspectedCase(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.ProblemCase) error) error {
	q := `SELECT ` + caseColsOf("x") + ` FROM problem_cases x LEFT JOIN transfers t ON t.case_id = x.id AND t.status = 'pending'
		WHERE x.org_id = ? AND ` + inspectedCase + ` ORDER BY x.id`
	return r.each(ctx, q, append([]any{sc.OrgID}, inspectedCaseArgs(sc)...), func(s scanner) error {
		c, err := scanCase(s)
		if err != nil {
			return err
		}
		return fn(c)
	})
}

// ForEachInspectedEvent streams the timelines of the problem cases that
// belong to the scope, by case and then in order.
func (r inspection) ForEachInspectedEvent(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.CaseEvent) error) error {
	return r.each(ctx, `SELECT e.id, e.case_id, e.kind, e.detail, e.at, e.user_id, e.actor, e.evidence_id
		FROM problem_cases x JOIN problem_events e ON e.case_id = x.id AND e.org_id = x.org_id
		WHERE x.org_id = ? AND `+inspectedCase+` ORDER BY x.id, e.id`, append([]any{sc.OrgID}, inspectedCaseArgs(sc)...), func(s scanner) error {
		var e huifang.CaseEvent
		var at int64
		if err := s.Scan(&e.ID, &e.CaseID, &e.Kind, &e.Detail, &at, &e.UserID, &e.Actor, &e.EvidenceID); err != nil {
			return err
		}
		e.At = fromMS(at)
		return fn(&e)
	})
}

// ForEachInspectedEvidence streams the documents of the problem cases that
// belong to the scope, by case and then by id. Data holds the bytes of a
// document kept in the database (before schema 4); one kept in the blob
// store has its key.
func (r inspection) ForEachInspectedEvidence(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.Evidence) error) error {
	return r.each(ctx, `SELECT e.id, e.case_id, e.name, e.content_type, e.size, e.sha256, e.storage_key, e.data, e.uploaded_at, e.uploaded_by
		FROM problem_cases x JOIN evidence e ON e.case_id = x.id AND e.org_id = x.org_id
		WHERE x.org_id = ? AND `+inspectedCase+` ORDER BY x.id, e.id`, append([]any{sc.OrgID}, inspectedCaseArgs(sc)...), func(s scanner) error {
		var e huifang.Evidence
		var at int64
		if err := s.Scan(&e.ID, &e.CaseID, &e.Name, &e.ContentType, &e.Size, &e.SHA256, &e.Key, &e.Data, &at, &e.UploadedBy); err != nil {
			return err
		}
		e.UploadedAt = fromMS(at)
		return fn(&e)
	})
}

// ForEachInspectedAudit streams the insurer's audit entries written in the
// range, oldest first.
func (r inspection) ForEachInspectedAudit(ctx context.Context, sc huifang.InspectionScope, fn func(*huifang.AuditEntry) error) error {
	return r.each(ctx, `SELECT id, org_id, at, user_id, actor, entity, entity_key, action, detail FROM audit
		WHERE org_id = ? AND at >= ? AND at <= ? ORDER BY at, id`, []any{sc.OrgID, ms64(sc.Start()), ms64(sc.End())}, func(s scanner) error {
		var e huifang.AuditEntry
		var at int64
		if err := s.Scan(&e.ID, &e.OrgID, &at, &e.UserID, &e.Actor, &e.Entity, &e.Key, &e.Action, &e.Detail); err != nil {
			return err
		}
		e.At = fromMS(at)
		return fn(&e)
	})
}

// prefixed qualifies each column of a comma-separated list with prefix.
func prefixed(prefix, cols string) string {
	var b []byte
	start := true
	for i := 0; i < len(cols); i++ {
		ch := cols[i]
		switch {
		case ch == ',':
			b = append(b, ch)
			start = true
		case ch == ' ' || ch == '\t' || ch == '\n':
			b = append(b, ch)
		default:
			if start {
				b = append(b, prefix...)
				start = false
			}
			b = append(b, ch)
		}
	}
	return string(b)
}

// caseColsOf is caseCols with the problem case under alias a instead of c.
func caseColsOf(a string) string {
	return prefixed(a+".", caseCasePart) + `, t.id, t.from_branch, t.to_branch, t.to_user_id, t.due_on, t.prior, t.at, t.by_user`
}

// caseCasePart is caseCols' columns of the problem case itself.
const caseCasePart = `id, org_id, callback_id, policy_no, type, status, detail, branch_code, channel, agent_code,
	opened_at, opened_by, opened_on, due_on, limit_days, limit_working, profile_id, holder_branch, handler_id,
	recallback_id, actions, resolved_at, closed_at, close_code, close_reason, escalated_at, updated_at`
