package store

import (
	"context"
	"errors"
	"time"

	"github.com/huifang/huifang"
)

// ListTokens lists an organisation's API tokens, newest first, expired ones
// included until they are deleted.
func (db *DB) ListTokens(ctx context.Context, orgID int64) ([]huifang.Token, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT s.token_hash, s.name, s.user_id, u.login, s.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.org_id = ? AND s.kind = 'api' ORDER BY s.created_at DESC, s.token_hash`), orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.Token
	for rows.Next() {
		var t huifang.Token
		var created, expires int64
		if err := rows.Scan(&t.ID, &t.Name, &t.UserID, &t.Login, &created, &expires); err != nil {
			return nil, err
		}
		t.ID = t.ID[:min(len(t.ID), huifang.TokenIDLen)]
		t.CreatedAt, t.ExpiresAt = fromMS(created), fromMS(expires)
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteToken revokes an organisation's API token by its id, audited; it is
// ErrNotFound when the organisation has no such token.
func (db *DB) DeleteToken(ctx context.Context, orgID int64, id string, a huifang.Actor, now time.Time) error {
	if len(id) != huifang.TokenIDLen {
		return huifang.ErrNotFound
	}
	return db.tx(ctx, func(tx txn) error {
		var name, login string
		err := tx.QueryRowContext(ctx, db.q(`DELETE FROM sessions WHERE org_id = ? AND kind = 'api' AND substr(token_hash, 1, ?) = ?
			RETURNING name, (SELECT login FROM users WHERE users.id = sessions.user_id)`), orgID, huifang.TokenIDLen, id).Scan(&name, &login)
		if err != nil {
			return mapErr(err)
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name, Entity: "user", Key: login,
			Action: "revoke-token", Detail: jsonString(map[string]any{"token": id, "name": name})})
	})
}

// DeleteUserSessions ends a user's web sessions but the one whose hash is
// keep (none when empty). API tokens stay: they have their own lifecycle.
func (db *DB) DeleteUserSessions(ctx context.Context, orgID, userID int64, keep string) error {
	_, err := db.write.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE org_id = ? AND user_id = ? AND kind = 'web' AND token_hash <> ?`), orgID, userID, keep)
	return err
}

// SetUserDisabled disables or enables a user, audited; disabling ends their
// web sessions in the same transaction (their API tokens are refused while
// they are disabled, by FindSession).
//
// keep, when not empty, is a role the organisation must keep at least one
// enabled user of: the change is undone with ErrLastOfRole when it would
// leave none. Checked in the change's own transaction, so two
// administrators disabling each other at the same moment cannot both win.
func (db *DB) SetUserDisabled(ctx context.Context, orgID, userID int64, disabled bool, keep huifang.Role, a huifang.Actor, now time.Time) error {
	return db.tx(ctx, func(tx txn) error {
		if err := db.lockRole(ctx, tx, orgID, keep); err != nil {
			return err
		}
		var login string
		if err := tx.QueryRowContext(ctx, db.q(`UPDATE users SET disabled = ? WHERE org_id = ? AND id = ? RETURNING login`), disabled, orgID, userID).Scan(&login); err != nil {
			return mapErr(err)
		}
		action := "enable"
		if disabled {
			action = "disable"
			if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE org_id = ? AND user_id = ? AND kind = 'web'`), orgID, userID); err != nil {
				return err
			}
		}
		if err := db.stillHasRole(ctx, tx, orgID, keep); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name, Entity: "user", Key: login, Action: action})
	})
}

// SetUserRole changes a user's role (and a handler's branch), audited. It
// takes effect on their next request: FindSession reads the role each time.
// keep is as for SetUserDisabled.
func (db *DB) SetUserRole(ctx context.Context, orgID, userID int64, role huifang.Role, branch string, keep huifang.Role, a huifang.Actor, now time.Time) error {
	return db.tx(ctx, func(tx txn) error {
		if err := db.lockRole(ctx, tx, orgID, keep); err != nil {
			return err
		}
		var login string
		if err := tx.QueryRowContext(ctx, db.q(`UPDATE users SET role = ?, branch_code = ? WHERE org_id = ? AND id = ? RETURNING login`), role, branch, orgID, userID).Scan(&login); err != nil {
			return mapErr(err)
		}
		if err := db.stillHasRole(ctx, tx, orgID, keep); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name, Entity: "user", Key: login,
			Action: "set-role", Detail: jsonString(map[string]any{"role": role, "branch": branch})})
	})
}

// lockRole, on PostgreSQL, locks the organisation's enabled users of the role,
// so that changes to them take turns (SQLite has one writer already).
func (db *DB) lockRole(ctx context.Context, tx txn, orgID int64, role huifang.Role) error {
	if role == "" || db.engine != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, db.q(`SELECT id FROM users WHERE org_id = ? AND role = ? AND disabled = FALSE FOR UPDATE`), orgID, role)
	return err
}

// stillHasRole refuses a change that left the organisation no enabled user of the role.
func (db *DB) stillHasRole(ctx context.Context, tx txn, orgID int64, role huifang.Role) error {
	if role == "" {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM users WHERE org_id = ? AND role = ? AND disabled = FALSE`), orgID, role).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return huifang.ErrLastOfRole
	}
	return nil
}

// CountEnabled counts an organisation's enabled users of a role.
func (db *DB) CountEnabled(ctx context.Context, orgID int64, role huifang.Role) (int, error) {
	var n int
	err := db.queryRow(ctx, db.read, db.q(`SELECT COUNT(*) FROM users WHERE org_id = ? AND role = ? AND disabled = FALSE`), orgID, role).Scan(&n)
	return n, err
}

// RecordLogin notes a successful login: the latest becomes the previous one.
func (db *DB) RecordLogin(ctx context.Context, u *huifang.User, now time.Time, addr string) error {
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE users SET prev_login_at = login_at, prev_login_addr = login_addr, login_at = ?, login_addr = ?
		WHERE org_id = ? AND id = ?`), ms64(now), addr, u.OrgID, u.ID)
	return err
}

// LoginFailures reads the failure counts of subjects ("login:NAME",
// "addr:IP"); a subject without failures has none in the map.
func (db *DB) LoginFailures(ctx context.Context, subjects ...string) (map[string]huifang.Failures, error) {
	out := map[string]huifang.Failures{}
	for _, s := range subjects {
		var f huifang.Failures
		var last int64
		err := db.queryRow(ctx, db.read, db.q(`SELECT failures, last_at FROM login_failures WHERE subject = ?`), s).Scan(&f.Count, &last)
		if err = mapErr(err); errors.Is(err, huifang.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		f.Last = fromMS(last)
		out[s] = f
	}
	return out, nil
}

// AddLoginFailure counts one more failure of a subject at now, in one
// statement so that parallel guesses are all counted. A count whose last
// failure is before forgetBefore starts again at one (the rule of what to
// forget is the caller's).
func (db *DB) AddLoginFailure(ctx context.Context, subject string, now, forgetBefore time.Time) (int, error) {
	var n int
	err := db.write.QueryRowContext(ctx, db.q(`INSERT INTO login_failures (subject, failures, last_at) VALUES (?, 1, ?)
		ON CONFLICT (subject) DO UPDATE SET failures = CASE WHEN login_failures.last_at < ? THEN 1 ELSE login_failures.failures + 1 END, last_at = excluded.last_at
		RETURNING failures`), subject, ms64(now), ms64(forgetBefore)).Scan(&n)
	return n, err
}

// ClearLoginFailures forgets a subject's failures (after a successful login).
func (db *DB) ClearLoginFailures(ctx context.Context, subject string) error {
	_, err := db.write.ExecContext(ctx, db.q(`DELETE FROM login_failures WHERE subject = ?`), subject)
	return err
}
