package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang"
)

const caseCols = `c.id, c.org_id, c.callback_id, c.policy_no, c.type, c.status, c.detail, c.branch_code, c.channel, c.agent_code,
	c.opened_at, c.opened_by, c.opened_on, c.due_on, c.limit_days, c.limit_working, c.profile_id, c.holder_branch, c.handler_id,
	c.recallback_id, c.actions, c.resolved_at, c.closed_at, c.close_code, c.close_reason, c.escalated_at, c.updated_at,
	t.id, t.from_branch, t.to_branch, t.to_user_id, t.due_on, t.prior, t.at, t.by_user`

const caseFrom = ` FROM problem_cases c LEFT JOIN transfers t ON t.case_id = c.id AND t.status = 'pending'`

func scanCase(s scanner) (*huifang.ProblemCase, error) {
	var c huifang.ProblemCase
	var opened, resolved, closed, escalated, updated int64
	var tID, tTo, tAt, tBy sql.NullInt64
	var tFrom, tToBranch, tPrior sql.NullString
	var tDue huifang.Date
	err := s.Scan(&c.ID, &c.OrgID, &c.CallbackID, &c.PolicyNo, &c.Type, &c.Status, &c.Detail, &c.BranchCode, &c.Channel, &c.AgentCode,
		&opened, &c.OpenedBy, &c.OpenedOn, &c.DueOn, &c.LimitDays, &c.LimitWorking, &c.ProfileID, &c.HolderBranch, &c.HandlerID,
		&c.RecallbackID, &c.Actions, &resolved, &closed, &c.CloseCode, &c.CloseReason, &escalated, &updated,
		&tID, &tFrom, &tToBranch, &tTo, &tDue, &tPrior, &tAt, &tBy)
	if err != nil {
		return nil, mapErr(err)
	}
	c.OpenedAt, c.ResolvedAt, c.ClosedAt, c.EscalatedAt, c.UpdatedAt = fromMS(opened), fromMS(resolved), fromMS(closed), fromMS(escalated), fromMS(updated)
	if tID.Valid {
		c.Pending = &huifang.Transfer{ID: tID.Int64, FromBranch: tFrom.String, ToBranch: tToBranch.String, ToUserID: tTo.Int64, DueOn: tDue,
			Prior: huifang.ProblemStatus(tPrior.String), At: fromMS(tAt.Int64), By: tBy.Int64}
	}
	return &c, nil
}

// insertCase adds a problem case and its "opened" event inside a transaction.
func (db *DB) insertCase(ctx context.Context, tx txn, p *huifang.ProblemCase, actor string) error {
	err := tx.QueryRowContext(ctx, db.q(`INSERT INTO problem_cases (org_id, callback_id, policy_no, type, status, detail, branch_code, channel, agent_code,
		opened_at, opened_by, opened_on, due_on, limit_days, limit_working, profile_id, holder_branch, handler_id, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		p.OrgID, p.CallbackID, p.PolicyNo, p.Type, huifang.ProblemOpen, p.Detail, p.BranchCode, p.Channel, p.AgentCode,
		ms64(p.OpenedAt), p.OpenedBy, p.OpenedOn, p.DueOn, p.LimitDays, p.LimitWorking, p.ProfileID, p.HolderBranch, p.HandlerID, ms64(p.OpenedAt)).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("open problem case: %w", err)
	}
	p.Status = huifang.ProblemOpen
	limit := fmt.Sprintf("%d 个自然日", p.LimitDays)
	if p.LimitWorking {
		limit = fmt.Sprintf("%d 个工作日", p.LimitDays)
	}
	return db.insertEvent(ctx, tx, p.OrgID, p.ID, huifang.CaseEvent{Kind: "opened", Detail: fmt.Sprintf("%s：%s（时限 %s，%s 前办结）", p.Type.ZH(), p.Detail, limit, p.DueOn), At: p.OpenedAt, UserID: p.OpenedBy, Actor: actor})
}

// OpenProblemCase opens a case by hand.
func (db *DB) OpenProblemCase(ctx context.Context, p *huifang.ProblemCase, actor string) error {
	return db.tx(ctx, func(tx txn) error {
		return db.counted(ctx, db.txQ(tx), p.OrgID, byPolicy(p.PolicyNo), func() error { return db.openCase(ctx, tx, p, actor) })
	})
}

func (db *DB) openCase(ctx context.Context, tx txn, p *huifang.ProblemCase, actor string) error {
	if err := db.insertCase(ctx, tx, p, actor); err != nil {
		return err
	}
	return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: p.OrgID, At: p.OpenedAt, UserID: p.OpenedBy, Actor: actor, Entity: "problem-case",
		Key: fmt.Sprint(p.ID), Action: "open", Detail: jsonString(map[string]any{"type": p.Type, "policy": p.PolicyNo, "due": p.DueOn})})
}

func (db *DB) insertEvent(ctx context.Context, tx txn, orgID, caseID int64, e huifang.CaseEvent) error {
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO problem_events (org_id, case_id, at, user_id, actor, kind, detail, evidence_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		orgID, caseID, ms64(e.At), e.UserID, e.Actor, e.Kind, e.Detail, e.EvidenceID)
	return err
}

// FindProblemCase finds one case of an insurer, with its pending transfer.
func (db *DB) FindProblemCase(ctx context.Context, orgID, id int64) (*huifang.ProblemCase, error) {
	return scanCase(db.queryRow(ctx, db.read, db.q(`SELECT `+caseCols+caseFrom+` WHERE c.org_id = ? AND c.id = ?`), orgID, id))
}

// where builds the filter's conditions on problem_cases c (and its pending
// transfer t).
func (db *DB) caseWhere(orgID int64, f huifang.ProblemFilter) where {
	w := where{}
	w.add("c.org_id = ?", orgID)
	w.addIf(f.Status != "", "c.status = ?", f.Status)
	w.addIf(f.Type != "", "c.type = ?", f.Type)
	w.addIf(f.Channel != "", "c.channel = ?", f.Channel)
	w.addIf(f.CallbackID != 0, "c.callback_id = ?", f.CallbackID)
	w.addIf(f.PolicyNo != "", "c.policy_no = ?", f.PolicyNo)
	switch {
	case f.HolderBranch != nil && f.HandlerID != 0:
		w.add("(c.handler_id = ? OR t.to_user_id = ? OR (c.holder_branch = ? AND c.handler_id = 0 AND t.id IS NULL) OR (t.to_branch = ? AND t.to_user_id = 0))",
			f.HandlerID, f.HandlerID, *f.HolderBranch, *f.HolderBranch)
	case f.HolderBranch != nil:
		w.add("(c.holder_branch = ? OR t.to_branch = ?)", *f.HolderBranch, *f.HolderBranch)
	case f.HandlerID != 0:
		w.add("(c.handler_id = ? OR t.to_user_id = ?)", f.HandlerID, f.HandlerID)
	}
	w.addIf(f.Unfinished || !f.DueBy.IsZero(), "c.status NOT IN ('resolved', 'closed')")
	w.addIf(!f.DueBy.IsZero(), "c.due_on <= ?", f.DueBy)
	w.addIf(!f.DueFrom.IsZero(), "c.due_on >= ?", f.DueFrom)
	w.addIf(!f.DueTo.IsZero(), "c.due_on <= ?", f.DueTo)
	w.policyDims(orgID, f.Branch, f.BranchOnly, f.Design, f.Seller)
	// The day a case was done, in Beijing, as indicator.CaseFact reads it.
	doneOn := `date((CASE WHEN c.status = 'resolved' THEN c.resolved_at ELSE c.closed_at END) / 1000, 'unixepoch', '+8 hours')`
	if db.engine == Postgres {
		doneOn = `((to_timestamp((CASE WHEN c.status = 'resolved' THEN c.resolved_at ELSE c.closed_at END) / 1000.0) AT TIME ZONE 'Asia/Shanghai')::date)`
	}
	switch f.Outcome {
	case huifang.CaseOutcomeResolved:
		w.add("c.status = 'resolved'")
	case huifang.CaseOutcomeClosed:
		w.add("c.status IN ('resolved', 'closed')")
	case huifang.CaseOutcomeOnTime:
		w.add("c.status IN ('resolved', 'closed') AND " + doneOn + " <= c.due_on")
	}
	return w
}

// CountProblemCases counts an insurer's problem cases under a filter.
func (db *DB) CountProblemCases(ctx context.Context, orgID int64, f huifang.ProblemFilter) (int, error) {
	w := db.caseWhere(orgID, f)
	var n int
	err := db.queryRow(ctx, db.read, db.q(`SELECT COUNT(*)`+caseFrom+w.sql()), w.args...).Scan(&n)
	return n, err
}

// ListProblemCases lists an insurer's problem cases: by deadline for boards,
// newest first otherwise.
func (db *DB) ListProblemCases(ctx context.Context, orgID int64, f huifang.ProblemFilter) ([]huifang.ProblemCase, error) {
	w := db.caseWhere(orgID, f)
	order := " ORDER BY c.opened_at DESC, c.id DESC"
	if f.ByDeadline() {
		// A case without a deadline goes last on both engines (SQLite
		// would put NULL first, PostgreSQL puts it last).
		order = " ORDER BY c.due_on NULLS LAST, c.id"
	}
	if f.After != "" {
		// Keyset: the cases after the cursor's in the same order.
		cur, err := huifang.DecodeProblemCursor(f.After, f)
		if err != nil {
			return nil, err
		}
		switch {
		case !cur.ByDue:
			w.add("(c.opened_at < ? OR c.opened_at = ? AND c.id < ?)", cur.OpenedMS, cur.OpenedMS, cur.ID)
		case cur.Due.IsZero():
			w.add("c.due_on IS NULL AND c.id > ?", cur.ID)
		default:
			w.add("(c.due_on > ? OR c.due_on = ? AND c.id > ? OR c.due_on IS NULL)", cur.Due, cur.Due, cur.ID)
		}
		f.Offset = 0
	}
	limit := f.Limit
	if limit <= 0 || limit > 5000 {
		limit = 500
	}
	page := ` LIMIT ` + itoa(limit)
	if f.Offset > 0 {
		page += ` OFFSET ` + itoa(f.Offset)
	}
	return db.queryCases(ctx, `SELECT `+caseCols+caseFrom+w.sql()+order+page, w.args...)
}

// queryCases runs a query of caseCols and scans every case.
func (db *DB) queryCases(ctx context.Context, query string, args ...any) ([]huifang.ProblemCase, error) {
	rows, err := db.read.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.ProblemCase
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// ListEvents lists a case's timeline, oldest first.
func (db *DB) ListEvents(ctx context.Context, orgID, caseID int64) ([]huifang.CaseEvent, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, case_id, kind, detail, at, user_id, actor, evidence_id FROM problem_events WHERE org_id = ? AND case_id = ? ORDER BY id`), orgID, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.CaseEvent
	for rows.Next() {
		var e huifang.CaseEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Kind, &e.Detail, &at, &e.UserID, &e.Actor, &e.EvidenceID); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ListEvidence lists a case's documents, what they are without their bytes,
// for its timeline.
func (db *DB) ListEvidence(ctx context.Context, orgID, caseID int64) ([]huifang.Evidence, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, case_id, name, content_type, size, sha256, storage_key, uploaded_at, uploaded_by FROM evidence
		WHERE org_id = ? AND case_id = ? ORDER BY id`), orgID, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.Evidence
	for rows.Next() {
		var e huifang.Evidence
		var at int64
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Name, &e.ContentType, &e.Size, &e.SHA256, &e.Key, &at, &e.UploadedBy); err != nil {
			return nil, err
		}
		e.UploadedAt = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// FindEvidence returns a document of an insurer's case.
func (db *DB) FindEvidence(ctx context.Context, orgID, id int64) (*huifang.Evidence, error) {
	var e huifang.Evidence
	var at int64
	err := db.queryRow(ctx, db.read, db.q(`SELECT id, case_id, name, content_type, size, sha256, storage_key, data, uploaded_at, uploaded_by FROM evidence WHERE org_id = ? AND id = ?`), orgID, id).
		Scan(&e.ID, &e.CaseID, &e.Name, &e.ContentType, &e.Size, &e.SHA256, &e.Key, &e.Data, &at, &e.UploadedBy)
	if err != nil {
		return nil, mapErr(err)
	}
	e.UploadedAt = fromMS(at)
	return &e, nil
}

// ApplyCaseStep applies a step; it fails with a conflict when the case changed
// meanwhile.
func (db *DB) ApplyCaseStep(ctx context.Context, s huifang.CaseStep) error {
	return db.tx(ctx, func(tx txn) error {
		return db.counted(ctx, db.txQ(tx), s.Case.OrgID, byCasePolicy(s.Case.OrgID, s.Case.ID), func() error { return db.applyCaseStep(ctx, tx, s) })
	})
}

func (db *DB) applyCaseStep(ctx context.Context, tx txn, s huifang.CaseStep) error {
	c := s.Case
	{
		res, err := tx.ExecContext(ctx, db.q(`UPDATE problem_cases SET status = ?, holder_branch = ?, handler_id = ?, actions = ?, resolved_at = ?,
			closed_at = ?, close_code = ?, close_reason = ?, escalated_at = ?, updated_at = ?
			WHERE org_id = ? AND id = ? AND status = ? AND updated_at = ?`),
			c.Status, c.HolderBranch, c.HandlerID, c.Actions, ms64(c.ResolvedAt), ms64(c.ClosedAt), c.CloseCode, c.CloseReason, ms64(c.EscalatedAt), ms64(s.Now),
			c.OrgID, c.ID, s.Was, ms64(s.WasUpdated))
		if err != nil {
			return fmt.Errorf("update problem case: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return huifang.Errorf(huifang.ECONFLICT, "err.problem.changed", c.ID)
		}
		if st := s.Transfer.Settle; st != "" {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE transfers SET status = ?, reason = ?, acted_at = ?, acted_by = ? WHERE case_id = ? AND status = 'pending'`),
				st, s.Transfer.Reason, ms64(s.Now), s.Actor.UserID, c.ID); err != nil {
				return fmt.Errorf("settle transfer: %w", err)
			}
		}
		if t := s.Transfer.New; t != nil {
			if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO transfers (org_id, case_id, from_branch, to_branch, to_user_id, due_on, prior, status, at, by_user)
				VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id`), c.OrgID, c.ID, t.FromBranch, t.ToBranch, t.ToUserID, t.DueOn, t.Prior, ms64(t.At), t.By).Scan(&t.ID); err != nil {
				return fmt.Errorf("insert transfer: %w", err)
			}
		}
		var evidenceID int64
		if e := s.Evidence; e != nil {
			data := e.Data
			if e.Key != "" {
				// In the blob store: the caller has its size and checksum.
				data = []byte{}
			} else {
				sum := sha256.Sum256(e.Data)
				e.SHA256, e.Size = hex.EncodeToString(sum[:]), int64(len(e.Data))
			}
			if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO evidence (org_id, case_id, name, content_type, size, sha256, storage_key, data, uploaded_at, uploaded_by)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), c.OrgID, c.ID, e.Name, e.ContentType, e.Size, e.SHA256, e.Key, data, ms64(s.Now), s.Actor.UserID).Scan(&evidenceID); err != nil {
				return fmt.Errorf("store evidence: %w", err)
			}
			e.ID = evidenceID
		}
		if p := s.Recallback; p != nil {
			var id int64
			// A case whose re-callback failed asks again: its re-callback
			// opens anew (the first one's answers are in the case's
			// timeline; its attempts stay listed). Its finish no longer
			// counts in the QA figures, as a recount would not see it.
			was, err := scanCallback(tx.QueryRowContext(ctx, db.q(`SELECT `+callbackCols+` FROM callbacks WHERE org_id = ? AND policy_no = ? AND kind = ? AND case_id = ?`),
				c.OrgID, c.PolicyNo, p.Kind, c.ID))
			if err != nil && !errors.Is(err, huifang.ErrNotFound) {
				return fmt.Errorf("read re-callback: %w", err)
			}
			qa := qaDelta{}
			qa.finish(was, -1)
			if err := db.saveQA(ctx, db.txQ(tx), c.OrgID, qa); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO callbacks (org_id, policy_no, kind, channel, branch_code, due_on, status, case_id, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)
				ON CONFLICT (org_id, policy_no, kind, case_id) DO UPDATE SET due_on = excluded.due_on, status = excluded.status, result = excluded.result, reason = excluded.reason, late = excluded.late, next_at = excluded.next_at,
					lease_user_id = excluded.lease_user_id, lease_until = excluded.lease_until, attempts = excluded.attempts, finished_at = excluded.finished_at, finished_by = excluded.finished_by, answers = excluded.answers, method = excluded.method,
					script_id = excluded.script_id, script_code = excluded.script_code, script_version = excluded.script_version, evidence = excluded.evidence, appointed_by = excluded.appointed_by, updated_at = excluded.updated_at
				RETURNING id`), c.OrgID, c.PolicyNo, p.Kind, c.Channel, c.BranchCode, p.DueOn, c.ID, ms64(s.Now), ms64(s.Now)).Scan(&id); err != nil {
				return fmt.Errorf("create re-callback: %w", mapErr(err))
			}
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE problem_cases SET recallback_id = ? WHERE id = ?`), id, c.ID); err != nil {
				return err
			}
			c.RecallbackID = id
		}
		if p := s.Phone; p != nil {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE policies SET holder_phone_enc = ?, holder_phone_hash = ?, holder_phone_tail_hash = '', updated_at = ? WHERE org_id = ? AND policy_no = ?`),
				p.Enc, p.Hash, ms64(s.Now), c.OrgID, c.PolicyNo); err != nil {
				return fmt.Errorf("correct phone: %w", err)
			}
			if err := db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: c.OrgID, At: s.Now, UserID: s.Actor.UserID, Actor: s.Actor.Name, Entity: "policy",
				Key: c.PolicyNo, Action: "update", Detail: jsonString(map[string]any{"changed": "holder_phone", "problem_case": c.ID})}); err != nil {
				return err
			}
		}
		for i, e := range s.Events {
			if i == len(s.Events)-1 {
				e.EvidenceID = evidenceID
			}
			if err := db.insertEvent(ctx, tx, c.OrgID, c.ID, e); err != nil {
				return err
			}
		}
		if r := s.Misconduct; r != nil {
			if _, err := db.proposeMisconduct(ctx, tx, r, s.Actor); err != nil {
				return err
			}
		}
		kinds := ""
		for _, e := range s.Events {
			kinds += e.Kind + " "
		}
		c.UpdatedAt = s.Now
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: c.OrgID, At: s.Now, UserID: s.Actor.UserID, Actor: s.Actor.Name, Entity: "problem-case",
			Key: fmt.Sprint(c.ID), Action: "step", Detail: jsonString(map[string]any{"events": kinds, "status": c.Status, "holder": c.HolderBranch, "handler": c.HandlerID})})
	}
}

// AddNotifications stores notifications, skipping those already stored under
// the same dedupe key, and returns the ones added.
func (db *DB) AddNotifications(ctx context.Context, ns []huifang.Notification) ([]huifang.Notification, error) {
	var added []huifang.Notification
	err := db.tx(ctx, func(tx txn) error {
		added = added[:0]
		for _, n := range ns {
			res, err := tx.ExecContext(ctx, db.q(`INSERT INTO notifications (org_id, user_id, at, kind, subject, body, dedupe, case_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (user_id, dedupe) DO NOTHING`), n.OrgID, n.UserID, ms64(n.At), n.Kind, n.Subject, n.Body, n.Dedupe, n.CaseID)
			if err != nil {
				return fmt.Errorf("add notification: %w", err)
			}
			if k, _ := res.RowsAffected(); k > 0 {
				added = append(added, n)
			}
		}
		return nil
	})
	return added, err
}

// ListNotifications lists a user's notifications, newest first.
func (db *DB) ListNotifications(ctx context.Context, orgID, userID int64, limit int) ([]huifang.Notification, error) {
	return db.PageNotifications(ctx, orgID, userID, huifang.NotificationPage{Limit: limit})
}

// PageNotifications lists a page of a user's notifications, newest first:
// those older than p.Before (an id) when it is set, the unread alone when
// p.Unread.
func (db *DB) PageNotifications(ctx context.Context, orgID, userID int64, p huifang.NotificationPage) ([]huifang.Notification, error) {
	limit := p.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	w := where{}
	w.add("org_id = ?", orgID)
	w.add("user_id = ?", userID)
	w.addIf(p.Before > 0, "id < ?", p.Before)
	w.addIf(p.Unread, "read_at = 0")
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, org_id, user_id, at, kind, subject, body, dedupe, read_at, case_id FROM notifications`+
		w.sql()+` ORDER BY id DESC LIMIT `+itoa(limit)), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.Notification
	for rows.Next() {
		var n huifang.Notification
		var at, read int64
		if err := rows.Scan(&n.ID, &n.OrgID, &n.UserID, &at, &n.Kind, &n.Subject, &n.Body, &n.Dedupe, &read, &n.CaseID); err != nil {
			return nil, err
		}
		n.At, n.ReadAt = fromMS(at), fromMS(read)
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkNotificationRead marks one of a user's notifications read; it
// returns false when the user has no such notification.
func (db *DB) MarkNotificationRead(ctx context.Context, orgID, userID, id int64, now time.Time) (bool, error) {
	var n int
	if err := db.queryRow(ctx, db.read, db.q(`SELECT COUNT(*) FROM notifications WHERE org_id = ? AND user_id = ? AND id = ?`), orgID, userID, id).Scan(&n); err != nil || n == 0 {
		return false, err
	}
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE notifications SET read_at = ? WHERE org_id = ? AND user_id = ? AND id = ? AND read_at = 0`), ms64(now), orgID, userID, id)
	return err == nil, err
}

// MarkCaseNotificationsRead marks a user's notifications about a case read
// (they opened the case).
func (db *DB) MarkCaseNotificationsRead(ctx context.Context, orgID, userID, caseID int64, now time.Time) error {
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE notifications SET read_at = ? WHERE org_id = ? AND user_id = ? AND case_id = ? AND read_at = 0`), ms64(now), orgID, userID, caseID)
	return err
}

// MarkNotificationsRead marks a user's notifications read.
func (db *DB) MarkNotificationsRead(ctx context.Context, orgID, userID int64, now time.Time) error {
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE notifications SET read_at = ? WHERE org_id = ? AND user_id = ? AND read_at = 0`), ms64(now), orgID, userID)
	return err
}

// OverdueCases lists, across insurers, unfinished cases past their deadline
// that were not escalated yet.
func (db *DB) OverdueCases(ctx context.Context, today huifang.Date, limit int) ([]huifang.ProblemCase, error) {
	return db.queryCases(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.status NOT IN ('resolved', 'closed') AND c.due_on < ? AND c.escalated_at = 0 ORDER BY c.due_on, c.id LIMIT `+itoa(limit), today)
}

// MarkEscalated records an escalation once: it returns false when another
// process escalated the case first.
func (db *DB) MarkEscalated(ctx context.Context, c *huifang.ProblemCase, e huifang.CaseEvent, now time.Time) (bool, error) {
	done := false
	err := db.tx(ctx, func(tx txn) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE problem_cases SET escalated_at = ? WHERE org_id = ? AND id = ? AND escalated_at = 0`), ms64(now), c.OrgID, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		done = true
		return db.insertEvent(ctx, tx, c.OrgID, c.ID, e)
	})
	return done, err
}

// ClaimJob takes a background job's lock when the job is due and nobody
// holds it; it returns false otherwise.
func (db *DB) ClaimJob(ctx context.Context, name, owner string, now time.Time, lockFor time.Duration) (bool, error) {
	if _, err := db.write.ExecContext(ctx, db.q(`INSERT INTO jobs (name) VALUES (?) ON CONFLICT (name) DO NOTHING`), name); err != nil {
		return false, err
	}
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE jobs SET locked_by = ?, locked_until = ? WHERE name = ? AND next_run <= ? AND locked_until < ?`),
		owner, ms64(now.Add(lockFor)), name, ms64(now), ms64(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinishJob releases a job's lock and sets when it runs next.
func (db *DB) FinishJob(ctx context.Context, name, owner string, now, next time.Time, jobErr error) error {
	msg := ""
	if jobErr != nil {
		msg = jobErr.Error()
	}
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE jobs SET locked_by = '', locked_until = 0, last_run = ?, next_run = ?, last_error = ? WHERE name = ? AND locked_by = ?`),
		ms64(now), ms64(next), msg, name, owner)
	return err
}

// CountUnread counts a user's unread notifications.
func (db *DB) CountUnread(ctx context.Context, orgID, userID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, db.read, db.q(`SELECT COUNT(*) FROM notifications WHERE org_id = ? AND user_id = ? AND read_at = 0`), orgID, userID).Scan(&n)
	return n, err
}
