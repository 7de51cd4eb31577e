package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang"
)

// KeyState reads the key's check value and any rotation in progress.
func (db *DB) KeyState(ctx context.Context) (huifang.KeyState, error) {
	var st huifang.KeyState
	var r huifang.KeyRotation
	var keyed, started int64
	err := db.queryRow(ctx, db.read, `SELECT check_value, keyed_at, next_check, stage, after_org, after_key, rows_done, started_at FROM pii_key WHERE id = 1`).
		Scan(&st.Check, &keyed, &r.Next, &r.Stage, &r.AfterOrg, &r.AfterKey, &r.Rows, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	} else if err != nil {
		return st, fmt.Errorf("read the key check: %w", err)
	}
	st.KeyedAt = fromMS(keyed)
	if r.Next != "" {
		r.StartedAt = fromMS(started)
		st.Rotation = &r
	}
	return st, nil
}

// SetKeyCheck keys a database that has no check value yet, and audits it. When
// another process keyed it first, its check value stays: the caller compares
// the state returned.
func (db *DB) SetKeyCheck(ctx context.Context, check string, at time.Time, audit huifang.AuditEntry) (huifang.KeyState, error) {
	err := db.tx(ctx, func(tx txn) error {
		res, err := tx.ExecContext(ctx, db.q(`INSERT INTO pii_key (id, check_value, keyed_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`), check, ms64(at))
		if err != nil {
			return fmt.Errorf("store the key check: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return db.appendAudit(ctx, tx, audit)
		}
		return nil
	})
	if err != nil {
		return huifang.KeyState{}, err
	}
	return db.KeyState(ctx)
}

// SampleSealed returns up to n sealed values of each end of the policies
// and of the agents (the oldest rows and the newest), to try a key on.
func (db *DB) SampleSealed(ctx context.Context, n int) ([]string, error) {
	var out []string
	for _, q := range []string{
		`SELECT holder_phone_enc, holder_id_enc FROM policies ORDER BY id LIMIT ?`,
		`SELECT holder_phone_enc, holder_id_enc FROM policies ORDER BY id DESC LIMIT ?`,
		`SELECT phone_enc, '' FROM agents ORDER BY org_id, code LIMIT ?`,
	} {
		rows, err := db.read.QueryContext(ctx, db.q(q), n)
		if err != nil {
			return nil, fmt.Errorf("sample sealed values: %w", err)
		}
		for rows.Next() {
			var a, b string
			if err := rows.Scan(&a, &b); err != nil {
				rows.Close()
				return nil, err
			}
			for _, v := range []string{a, b} {
				if v != "" {
					out = append(out, v)
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// StartKeyRotation records that the data sealed under the key checked by from
// moves to the key checked by next. It fails with a conflict when the
// database is not under from, or a rotation is already in progress.
func (db *DB) StartKeyRotation(ctx context.Context, from, next string, at time.Time, audit huifang.AuditEntry) error {
	return db.tx(ctx, func(tx txn) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE pii_key SET next_check = ?, stage = ?, after_org = 0, after_key = '', rows_done = 0, started_at = ?
			WHERE id = 1 AND check_value = ? AND next_check = ''`), next, huifang.KeyStageAgents, ms64(at), from)
		if err != nil {
			return fmt.Errorf("start the key rotation: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huifang.Errorf(huifang.ECONFLICT, "err.key.rotation_cannot_start")
		}
		return db.appendAudit(ctx, tx, audit)
	})
}

// AgentsAfter reads up to n agents after (org, code), in key order, from
// every insurer.
func (db *DB) AgentsAfter(ctx context.Context, org int64, code string, n int) ([]huifang.AgentRecord, error) {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT org_id, code, name, phone_enc, phone_hash, branch_code, reg_no, status FROM agents
		WHERE org_id > ? OR (org_id = ? AND code > ?) ORDER BY org_id, code LIMIT ?`), org, org, code, n)
	if err != nil {
		return nil, fmt.Errorf("read agents: %w", err)
	}
	defer rows.Close()
	var out []huifang.AgentRecord
	for rows.Next() {
		var a huifang.AgentRecord
		if err := rows.Scan(&a.OrgID, &a.Code, &a.Name, &a.PhoneEnc, &a.PhoneHash, &a.BranchCode, &a.RegNo, &a.Status); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PoliciesAfter reads up to n policies after (org, policy number), in key
// order, from every insurer.
func (db *DB) PoliciesAfter(ctx context.Context, org int64, no string, n int) ([]*huifang.PolicyRecord, error) {
	rows, err := db.read.QueryContext(ctx, db.q(policySelect+` WHERE org_id > ? OR (org_id = ? AND policy_no > ?) ORDER BY org_id, policy_no LIMIT ?`), org, org, no, n)
	if err != nil {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	defer rows.Close()
	var out []*huifang.PolicyRecord
	for rows.Next() {
		r, err := scanPolicy(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveKeyChunk writes a chunk and moves the rotation's progress. It fails with
// a conflict when the progress is no longer where the chunk started (another
// rotation process got there first), so that no row is resealed twice.
func (db *DB) SaveKeyChunk(ctx context.Context, c huifang.KeyChunk) error {
	return db.tx(ctx, func(tx txn) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE pii_key SET stage = ?, after_org = ?, after_key = ?, rows_done = rows_done + ?
			WHERE id = 1 AND next_check = ? AND stage = ? AND after_org = ? AND after_key = ?`),
			c.ToStage, c.ToOrg, c.ToKey, len(c.Agents)+len(c.Policies), c.Next, c.Stage, c.FromOrg, c.FromKey)
		if err != nil {
			return fmt.Errorf("record the rotation's progress: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huifang.Errorf(huifang.ECONFLICT, "err.key.rotation_moved")
		}
		for _, a := range c.Agents {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE agents SET phone_enc = ?, phone_hash = ? WHERE org_id = ? AND code = ?`),
				a.PhoneEnc, a.PhoneHash, a.OrgID, a.Code); err != nil {
				return fmt.Errorf("reseal agent %s: %w", a.Code, err)
			}
		}
		for _, p := range c.Policies {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE policies SET holder_id_enc = ?, holder_id_hash = ?, holder_phone_enc = ?, holder_phone_hash = ?, row_hash = ?,
				holder_phone_tail_hash = '' WHERE org_id = ? AND policy_no = ?`), p.HolderIDEnc, p.HolderIDHash, p.HolderPhoneEnc, p.HolderPhoneHash, p.RowHash, p.OrgID, p.No); err != nil {
				return fmt.Errorf("reseal policy %s: %w", p.No, err)
			}
		}
		return nil
	})
}

// FinishKeyRotation makes the new key the database's, once every stage is
// done, and audits it. One-time codes of electronic callbacks that are still
// pending were hashed under the old key and cannot be rehashed (only their
// hash is kept): they are dropped, and the customer asks for a new code.
func (db *DB) FinishKeyRotation(ctx context.Context, next string, at time.Time, audit huifang.AuditEntry) error {
	return db.tx(ctx, func(tx txn) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE pii_key SET check_value = next_check, keyed_at = ?, next_check = '', stage = '', after_org = 0, after_key = '',
			rows_done = 0, started_at = 0 WHERE id = 1 AND next_check = ? AND stage = ''`), ms64(at), next)
		if err != nil {
			return fmt.Errorf("finish the key rotation: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return huifang.Errorf(huifang.ECONFLICT, "err.key.rotation_moved")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE electronic_links SET code_hash = '', code_until = 0 WHERE code_hash <> ''`); err != nil {
			return fmt.Errorf("drop pending one-time codes: %w", err)
		}
		return db.appendAudit(ctx, tx, audit)
	})
}
