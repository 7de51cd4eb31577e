package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

const linkCols = `id, org_id, callback_id, token_hash, status, issued_at, issued_by, expires_at, checks, codes_sent,
	code_hash, code_until, code_sent_at, cookie_hash, cookie_until, opened_at, identity_at, verified_at, closed_at, retain_until`

func scanLink(s scanner) (*huifang.ElectronicLink, error) {
	var l huifang.ElectronicLink
	var issued, expires, codeUntil, codeSent, cookieUntil, opened, identity, verified, closed int64
	err := s.Scan(&l.ID, &l.OrgID, &l.CallbackID, &l.TokenHash, &l.Status, &issued, &l.IssuedBy, &expires, &l.Checks, &l.CodesSent,
		&l.CodeHash, &codeUntil, &codeSent, &l.CookieHash, &cookieUntil, &opened, &identity, &verified, &closed, &l.RetainUntil)
	if err != nil {
		return nil, mapErr(err)
	}
	l.IssuedAt, l.ExpiresAt, l.CodeUntil, l.CodeSentAt, l.CookieUntil = fromMS(issued), fromMS(expires), fromMS(codeUntil), fromMS(codeSent), fromMS(cookieUntil)
	l.OpenedAt, l.IdentityAt, l.VerifiedAt, l.ClosedAt = fromMS(opened), fromMS(identity), fromMS(verified), fromMS(closed)
	return &l, nil
}

// IssueLink stores a new link and puts its callback in StatusElectronic, out
// of the phone pool, in one transaction with its audit entry: an active link
// the callback had is revoked. The callback must be open, scheduled or already
// electronic, and leased by nobody but userID (0: by nobody). It fails with a
// conflict otherwise.
func (db *DB) IssueLink(ctx context.Context, l *huifang.ElectronicLink, userID int64, audit huifang.AuditEntry) (*huifang.Callback, error) {
	var out *huifang.Callback
	err := db.tx(ctx, func(tx txn) error {
		now := ms64(l.IssuedAt)
		c, err := scanCallback(tx.QueryRowContext(ctx, db.q(`UPDATE callbacks SET status = 'electronic', next_at = 0, lease_user_id = 0, lease_until = 0, updated_at = ?
			WHERE org_id = ? AND id = ? AND status IN ('open', 'scheduled', 'electronic') AND (lease_user_id = 0 OR lease_until < ? OR lease_user_id = ?)
			RETURNING `+callbackCols), now, l.OrgID, l.CallbackID, now, userID))
		if err == huifang.ErrNotFound {
			return huifang.Errorf(huifang.ECONFLICT, "err.electronic.busy")
		} else if err != nil {
			return err
		}
		out = c
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE electronic_links SET status = 'revoked', closed_at = ? WHERE callback_id = ? AND status = 'active'`), now, l.CallbackID); err != nil {
			return fmt.Errorf("revoke links: %w", err)
		}
		l.Status = huifang.LinkActive
		if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO electronic_links (org_id, callback_id, token_hash, status, issued_at, issued_by, expires_at, retain_until)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), l.OrgID, l.CallbackID, l.TokenHash, l.Status, now, l.IssuedBy, ms64(l.ExpiresAt), l.RetainUntil).Scan(&l.ID); err != nil {
			return fmt.Errorf("insert link: %w", mapErr(err))
		}
		e := audit
		e.OrgID, e.At, e.Entity, e.Key = l.OrgID, l.IssuedAt, "callback", fmt.Sprint(l.CallbackID)
		return db.appendAudit(ctx, tx, e)
	})
	return out, err
}

// FindLinkByToken finds a link by the SHA-256 of its token, whatever its
// organisation: the token is the customer's only credential.
func (db *DB) FindLinkByToken(ctx context.Context, tokenHash string) (*huifang.ElectronicLink, error) {
	return scanLink(db.queryRow(ctx, db.read, db.q(`SELECT `+linkCols+` FROM electronic_links WHERE token_hash = ?`), tokenHash))
}

// ListLinks lists the links of a callback, oldest first.
func (db *DB) ListLinks(ctx context.Context, orgID, callbackID int64) ([]huifang.ElectronicLink, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT `+linkCols+` FROM electronic_links WHERE org_id = ? AND callback_id = ? ORDER BY id`), orgID, callbackID)
	if err != nil {
		return nil, err
	}
	return scanLinks(rows)
}

// SaveLinkProgress writes what a customer's visit changed on an active link —
// when it was opened, the identity and code checks passed, the pending code,
// the cookie — with an audit entry, in one transaction. The failed-check
// count is not written here (see ReserveLinkCheck). It fails with a conflict
// when the link is no longer active.
func (db *DB) SaveLinkProgress(ctx context.Context, l *huifang.ElectronicLink, audit huifang.AuditEntry) error {
	return db.tx(ctx, func(tx txn) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE electronic_links SET codes_sent = ?, code_hash = ?, code_until = ?, code_sent_at = ?,
			cookie_hash = ?, cookie_until = ?, opened_at = ?, identity_at = ?, verified_at = ? WHERE org_id = ? AND id = ? AND status = 'active'`),
			l.CodesSent, l.CodeHash, ms64(l.CodeUntil), ms64(l.CodeSentAt), l.CookieHash, ms64(l.CookieUntil),
			ms64(l.OpenedAt), ms64(l.IdentityAt), ms64(l.VerifiedAt), l.OrgID, l.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return huifang.Errorf(huifang.ECONFLICT, "err.electronic.link_expired")
		}
		e := audit
		e.OrgID, e.Entity, e.Key = l.OrgID, "callback", fmt.Sprint(l.CallbackID)
		return db.appendAudit(ctx, tx, e)
	})
}

// ReserveLinkCheck counts a check of the customer's identity or code before
// it is made, so that concurrent guesses cannot exceed the limit: it returns
// the new count, or ok false when the link is not active or already has max
// checks. A check that passes gives its count back with ReturnLinkCheck.
func (db *DB) ReserveLinkCheck(ctx context.Context, orgID, id int64, max int) (checks int, ok bool, err error) {
	err = db.write.QueryRowContext(ctx, db.q(`UPDATE electronic_links SET checks = checks + 1 WHERE org_id = ? AND id = ? AND status = 'active' AND checks < ? RETURNING checks`),
		orgID, id, max).Scan(&checks)
	if err = mapErr(err); err == huifang.ErrNotFound {
		return 0, false, nil
	}
	return checks, err == nil, err
}

// ReturnLinkCheck gives back the count of a check that passed.
func (db *DB) ReturnLinkCheck(ctx context.Context, orgID, id int64) error {
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE electronic_links SET checks = checks - 1 WHERE org_id = ? AND id = ? AND checks > 0`), orgID, id)
	return err
}

func (db *DB) closeLink(ctx context.Context, tx txn, orgID int64, lc huifang.LinkClose, now time.Time) error {
	res, err := tx.ExecContext(ctx, db.q(`UPDATE electronic_links SET status = ?, closed_at = ?, code_hash = '', cookie_hash = ''
		WHERE org_id = ? AND id = ? AND status = 'active'`), lc.Status, ms64(now), orgID, lc.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return huifang.Errorf(huifang.ECONFLICT, "err.electronic.link_expired")
	}
	return nil
}

// ElectronicCandidates lists an insurer's open new-business callbacks never
// tried by phone and never sent a link, whose customer chose an electronic
// callback or, with f.Designs, made no choice and fits the default: most
// urgent first.
func (db *DB) ElectronicCandidates(ctx context.Context, orgID int64, f huifang.CandidateFilter) ([]huifang.ElectronicCandidate, error) {
	w := where{}
	w.add(`c.org_id = ? AND c.status = 'open' AND c.kind = ? AND c.attempts = 0 AND c.lease_until < ? AND c.due_on > ?`, orgID, huifang.KindNewBusiness, ms64(f.Now), f.DueAfter)
	w.add(`NOT EXISTS (SELECT 1 FROM electronic_links l WHERE l.callback_id = c.id)`)
	if len(f.Designs) > 0 {
		args := []any{huifang.MethodElectronic, f.BornAfter}
		for _, d := range f.Designs {
			args = append(args, d)
		}
		w.add(`(p.callback_method = ? OR (p.callback_method = '' AND p.holder_birth > ? AND pr.design IN (?`+strings.Repeat(", ?", len(f.Designs)-1)+`)))`, args...)
	} else {
		w.add(`p.callback_method = ?`, huifang.MethodElectronic)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT c.id, c.policy_no, c.due_on, p.callback_method, pr.design, p.holder_birth
		FROM callbacks c JOIN policies p ON p.org_id = c.org_id AND p.policy_no = c.policy_no
		JOIN products pr ON pr.org_id = p.org_id AND pr.code = p.product_code`+w.sql()+` ORDER BY c.due_on, c.id LIMIT `+itoa(limit)), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.ElectronicCandidate
	for rows.Next() {
		var e huifang.ElectronicCandidate
		if err := rows.Scan(&e.CallbackID, &e.PolicyNo, &e.DueOn, &e.Method, &e.Design, &e.HolderBirth); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LinksDueBack lists an insurer's active links whose callback is due on or
// before lastDue, or that expired by now: those that go back to the phone.
func (db *DB) LinksDueBack(ctx context.Context, orgID int64, lastDue huifang.Date, now time.Time, limit int) ([]huifang.ElectronicLink, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT l.`+strings.ReplaceAll(linkCols, ", ", ", l.")+` FROM electronic_links l
		JOIN callbacks c ON c.id = l.callback_id
		WHERE l.org_id = ? AND l.status = 'active' AND (c.due_on <= ? OR l.expires_at < ?) ORDER BY l.id LIMIT `+itoa(limit)), orgID, lastDue, ms64(now))
	if err != nil {
		return nil, err
	}
	return scanLinks(rows)
}

// AddOutbox keeps a message in the outbox.
func (db *DB) AddOutbox(ctx context.Context, m *huifang.OutboxMessage) error {
	return mapErr(db.write.QueryRowContext(ctx, db.q(`INSERT INTO outbox (org_id, at, phone_masked, kind, body) VALUES (?, ?, ?, ?, ?) RETURNING id`),
		m.OrgID, ms64(m.At), m.PhoneMasked, m.Kind, m.Body).Scan(&m.ID))
}

// ListOutbox lists an insurer's outbox, newest first.
func (db *DB) ListOutbox(ctx context.Context, orgID int64, limit int) ([]huifang.OutboxMessage, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT id, org_id, at, phone_masked, kind, body FROM outbox WHERE org_id = ? ORDER BY id DESC LIMIT `+itoa(limit)), orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.OutboxMessage
	for rows.Next() {
		var m huifang.OutboxMessage
		var at int64
		if err := rows.Scan(&m.ID, &m.OrgID, &at, &m.PhoneMasked, &m.Kind, &m.Body); err != nil {
			return nil, err
		}
		m.At = fromMS(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// scanLinks reads every row of a links query and closes it.
func scanLinks(rows *sql.Rows) ([]huifang.ElectronicLink, error) {
	defer rows.Close()
	var out []huifang.ElectronicLink
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *l)
	}
	return out, rows.Err()
}
