package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

const userCols = `id, org_id, login, name, role, branch_code, agent_code, email, password_hash, disabled, created_at, login_at, login_addr, prev_login_at, prev_login_addr`

// userColsOf is userCols of the table aliased u.
var userColsOf = "u." + strings.ReplaceAll(userCols, ", ", ", u.")

func scanUser(row interface{ Scan(...any) error }) (*huifang.User, error) {
	var u huifang.User
	var created, login, prev int64
	if err := row.Scan(&u.ID, &u.OrgID, &u.Login, &u.Name, &u.Role, &u.BranchCode, &u.AgentCode, &u.Email, &u.PasswordHash, &u.Disabled, &created,
		&login, &u.LoginAddr, &prev, &u.PrevLoginAddr); err != nil {
		return nil, mapErr(err)
	}
	u.CreatedAt, u.LoginAt, u.PrevLoginAt = fromMS(created), fromMS(login), fromMS(prev)
	return &u, nil
}

// CreateUser adds a user to an organisation and records it in the audit trail.
func (db *DB) CreateUser(ctx context.Context, u *huifang.User, a huifang.Actor) error {
	return db.tx(ctx, func(tx txn) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO users (org_id, login, name, role, branch_code, agent_code, email, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			u.OrgID, u.Login, u.Name, u.Role, u.BranchCode, u.AgentCode, u.Email, u.PasswordHash, u.Disabled, ms64(u.CreatedAt)).Scan(&u.ID)
		if err != nil {
			return fmt.Errorf("create user %s: %w", u.Login, mapErr(err))
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: u.OrgID, At: u.CreatedAt, UserID: a.UserID, Actor: a.Name,
			Entity: "user", Key: u.Login, Action: "create", Detail: jsonString(map[string]any{"role": u.Role, "name": u.Name, "branch": u.BranchCode, "agent": u.AgentCode, "email": u.Email != ""})})
	})
}

// FindUserByLogin finds a user by login, across organisations: logins are unique,
// and this is how a login starts before the organisation is known.
func (db *DB) FindUserByLogin(ctx context.Context, login string) (*huifang.User, error) {
	return scanUser(db.queryRow(ctx, db.read, db.q(`SELECT `+userCols+` FROM users WHERE login = ?`), login))
}

// FindUserByID finds a user of an organisation.
func (db *DB) FindUserByID(ctx context.Context, orgID, id int64) (*huifang.User, error) {
	return scanUser(db.queryRow(ctx, db.read, db.q(`SELECT `+userCols+` FROM users WHERE org_id = ? AND id = ?`), orgID, id))
}

// ListUsers lists the users of an organisation.
func (db *DB) ListUsers(ctx context.Context, orgID int64) ([]huifang.User, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT `+userCols+` FROM users WHERE org_id = ? ORDER BY login`), orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []huifang.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// SetPassword changes a user's password hash, audited.
func (db *DB) SetPassword(ctx context.Context, orgID, userID int64, hash string, a huifang.Actor, now time.Time) error {
	return db.tx(ctx, func(tx txn) error {
		var login string
		if err := tx.QueryRowContext(ctx, db.q(`UPDATE users SET password_hash = ? WHERE org_id = ? AND id = ? RETURNING login`), hash, orgID, userID).Scan(&login); err != nil {
			return mapErr(err)
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name, Entity: "user", Key: login, Action: "set-password"})
	})
}

// CreateSession stores a web session (kind SessionWeb) or an API token (kind
// SessionAPI, with a name) by the hash of its secret.
func (db *DB) CreateSession(ctx context.Context, tokenHash, kind, name string, u *huifang.User, now, expires time.Time) error {
	_, err := db.write.ExecContext(ctx, db.q(`INSERT INTO sessions (token_hash, kind, name, user_id, org_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		tokenHash, kind, name, u.ID, u.OrgID, ms64(now), ms64(expires))
	return mapErr(err)
}

// FindSession returns the enabled user behind a live session or token of the
// kind asked for. It is read on every request, so a disabled user or a
// changed role takes effect at once.
func (db *DB) FindSession(ctx context.Context, tokenHash, kind string, now time.Time) (*huifang.User, error) {
	return scanUser(db.queryRow(ctx, db.read, db.q(`SELECT `+userColsOf+`
		FROM sessions s JOIN users u ON u.id = s.user_id AND u.org_id = s.org_id
		WHERE s.token_hash = ? AND s.kind = ? AND (s.expires_at = 0 OR s.expires_at > ?) AND u.disabled = FALSE`), tokenHash, kind, ms64(now)))
}

// DeleteSession ends a session (logout).
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.write.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE token_hash = ?`), tokenHash)
	return err
}

// DeleteExpiredSessions removes sessions past their expiry.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE expires_at <> 0 AND expires_at < ?`), ms64(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
