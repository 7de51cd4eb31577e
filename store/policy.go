package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/huifang/huifang"
)

// policyCols are the stored columns of a policy after org_id, in staging order.
var policyCols = []string{"policy_no", "product_code", "channel", "branch_code", "agent_code", "outlet_code",
	"holder_name", "holder_id_enc", "holder_id_hash", "holder_birth", "holder_phone_enc", "holder_phone_hash",
	"insured_name", "applied_on", "issued_on", "receipt_on", "premium_fen", "pay_mode", "pay_years",
	"term_years", "whole_life", "row_hash", "callback_method", "policy_status", "holder_phone_tail_hash"}

// planCols hold the due date of each planned callback kind in the staging table.
var planCols = map[huifang.CallbackKind]string{
	huifang.KindNewBusiness:     "due_new_business",
	huifang.KindPreUnderwriting: "due_pre_underwriting",
}

var planKinds = []huifang.CallbackKind{huifang.KindNewBusiness, huifang.KindPreUnderwriting}

// piiCols are never copied into the audit trail.
var piiCols = map[string]bool{"holder_id_enc": true, "holder_id_hash": true, "holder_phone_enc": true, "holder_phone_hash": true, "row_hash": true,
	"holder_phone_tail_hash": true}

// derivedCol is a hash that follows another column (the phone's tail
// follows the phone): never named as changed on its own.
func derivedCol(c string) bool { return c == "row_hash" || c == "holder_phone_tail_hash" }

func policyValues(r *huifang.PolicyRecord) []any {
	p := &r.Policy
	v := []any{p.No, p.ProductCode, string(p.Channel), p.BranchCode, p.AgentCode, p.OutletCode,
		p.HolderName, r.HolderIDEnc, r.HolderIDHash, p.HolderBirth, r.HolderPhoneEnc, r.HolderPhoneHash,
		p.InsuredName, p.AppliedOn, p.IssuedOn, p.ReceiptOn, p.PremiumFen, string(p.PayMode), p.PayYears,
		p.Term.Years, p.Term.WholeLife, r.RowHash, string(p.CallbackMethod), string(policyStatus(p.Status)), r.HolderPhoneTailHash}
	for _, k := range planKinds {
		var due huifang.Date
		for _, pl := range r.Plans {
			if pl.Kind == k {
				due = pl.DueOn
			}
		}
		v = append(v, due)
	}
	return v
}

// policyStatus stores an unset status as in force.
func policyStatus(s huifang.PolicyStatus) huifang.PolicyStatus {
	if s == "" {
		return huifang.PolicyInForce
	}
	return s
}

// stageDDL creates the staging table for one import.
func (db *DB) stageDDL() string {
	date, boolean := "TEXT", "INTEGER"
	if db.engine == Postgres {
		date, boolean = "DATE", "BOOLEAN"
	}
	types := map[string]string{"holder_birth": date, "applied_on": date, "issued_on": date, "receipt_on": date,
		"premium_fen": "BIGINT", "pay_years": "BIGINT", "term_years": "BIGINT", "whole_life": boolean}
	var cols []string
	for _, c := range policyCols {
		t := types[c]
		if t == "" {
			t = "TEXT"
		}
		cols = append(cols, c+" "+t)
	}
	for _, k := range planKinds {
		cols = append(cols, planCols[k]+" "+date)
	}
	// old_hash is filled from the stored policy, when there is one.
	cols = append(cols, "old_hash TEXT")
	return `CREATE TEMP TABLE policy_stage (` + strings.Join(cols, ", ") + `)`
}

// pgChunk is how many policies PostgreSQL stages and merges at a time; the
// app's reader keeps about as many ready (see app.importPolicies).
var pgChunk = 16384

// analyzeAfter is how many written policies make a PostgreSQL import refresh
// the planner's statistics.
const analyzeAfter = 10000

// ImportPolicies streams policies into the database in one transaction (a
// large checked file goes in chunks instead: ImportPolicyChunk): it
// creates new policies, updates changed ones (auditing the old values), leaves
// unchanged ones alone, and creates the planned callbacks. Each engine does it
// its fastest way (importPostgres, importSQLite); the conformance suite holds
// both to the same results.
// next returns io.EOF after the last row; any other error rolls everything back.
func (db *DB) ImportPolicies(ctx context.Context, orgID int64, a huifang.Actor, now time.Time, source string, next func() (*huifang.PolicyRecord, error)) (huifang.PolicyImport, error) {
	var res huifang.PolicyImport
	var err error
	if db.engine == Postgres {
		err = db.withPgxTx(ctx, func(tx pgx.Tx) error {
			var err error
			if res, err = db.importPostgres(ctx, tx, orgID, a, now, next); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, db.q(auditInsert), orgID, ms64(now), a.UserID, a.Name, "import", source, "policies", jsonString(res))
			return err
		})
	} else {
		err = db.tx(ctx, func(tx txn) error {
			var err error
			if res, err = db.importSQLite(ctx, tx, orgID, a, now, next); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, db.q(auditInsert), orgID, ms64(now), a.UserID, a.Name, "import", source, "policies", jsonString(res))
			return err
		})
	}
	if err != nil {
		return huifang.PolicyImport{}, err
	}
	if res.Created+res.Updated >= analyzeAfter {
		db.analyzeCallbacks(ctx)
	}
	return res, nil
}

// analyzeCallbacks refreshes the planner's statistics after a large load,
// which leaves those of the callbacks behind; PostgreSQL would then sort
// every open callback to claim one. The import is committed either way:
// should this fail, autovacuum catches up.
func (db *DB) analyzeCallbacks(ctx context.Context) {
	q := `ANALYZE callbacks`
	if db.engine == SQLite {
		q = `PRAGMA optimize`
	}
	_, _ = db.write.ExecContext(ctx, q)
}

// mergePolicies moves policy_stage into policies and callbacks on
// PostgreSQL. The rules were applied in Go before staging; these statements
// only move data.
func (db *DB) mergePolicies(ctx context.Context, ex *pgxExec, orgID int64, a huifang.Actor, now time.Time, staged int) (huifang.PolicyImport, error) {
	var res huifang.PolicyImport
	jsonObject := "json_object"
	if db.engine == Postgres {
		jsonObject = "json_build_object"
	}
	var changed, old []string
	for _, c := range policyCols[1:] {
		if piiCols[c] {
			if !strings.HasSuffix(c, "_hash") || derivedCol(c) {
				continue
			}
			name := strings.TrimSuffix(c, "_hash")
			changed = append(changed, `CASE WHEN p.`+c+` IS DISTINCT FROM s.`+c+` THEN '`+name+` ' ELSE '' END`)
			continue
		}
		changed = append(changed, `CASE WHEN p.`+c+` IS DISTINCT FROM s.`+c+` THEN '`+c+` ' ELSE '' END`)
		old = append(old, `'`+c+`', p.`+c)
	}
	// 0. One probe of the stored policies marks the staged rows that exist;
	// the statements below filter on the mark instead of joining again.
	if _, err := ex.exec(ctx, db.q(`UPDATE policy_stage SET old_hash = p.row_hash FROM policies p WHERE p.org_id = ? AND p.policy_no = policy_stage.policy_no`), orgID); err != nil {
		return res, fmt.Errorf("mark existing policies: %w", err)
	}
	changedRows := ` FROM policy_stage s JOIN policies p ON p.org_id = ? AND p.policy_no = s.policy_no WHERE s.old_hash <> s.row_hash`
	// 1. The old values of every changed policy go to the audit trail.
	n, err := ex.exec(ctx, db.q(`INSERT INTO audit (org_id, at, user_id, actor, entity, entity_key, action, detail)
		SELECT ?, ?, ?, ?, 'policy', s.policy_no, 'update', `+jsonObject+`('changed', TRIM(`+strings.Join(changed, ` || `)+`), 'old', `+jsonObject+`(`+strings.Join(old, ", ")+`))`+changedRows),
		orgID, ms64(now), a.UserID, a.Name, orgID)
	if err != nil {
		return res, fmt.Errorf("audit changed policies: %w", err)
	}
	res.Updated = int(n)
	// 2. Changed policies take the new values.
	var sets []string
	for _, c := range policyCols[1:] {
		sets = append(sets, c+` = s.`+c)
	}
	if res.Updated > 0 {
		// A changed phone number is a sign of a false one (package risk):
		// the time of the change is kept (SET reads the old row).
		if _, err := ex.exec(ctx, db.q(`UPDATE policies SET `+strings.Join(sets, ", ")+`, updated_at = ?,
			phone_changed_at = CASE WHEN policies.holder_phone_hash <> s.holder_phone_hash THEN ? ELSE policies.phone_changed_at END
			FROM policy_stage s WHERE policies.org_id = ? AND policies.policy_no = s.policy_no AND s.old_hash <> s.row_hash`), ms64(now), ms64(now), orgID); err != nil {
			return res, fmt.Errorf("update changed policies: %w", err)
		}
	}
	// 3. New policies.
	cols := strings.Join(policyCols, ", ")
	n, err = ex.exec(ctx, db.q(`INSERT INTO policies (org_id, `+cols+`, created_at, updated_at)
		SELECT ?, s.`+strings.Join(policyCols, ", s.")+`, ?, ? FROM policy_stage s WHERE s.old_hash IS NULL`), orgID, ms64(now), ms64(now))
	if err != nil {
		return res, fmt.Errorf("insert new policies: %w", mapErr(err))
	}
	res.Created = int(n)
	res.Unchanged = staged - res.Created - res.Updated
	// 4. Planned callbacks: new policies cannot have any yet; for changed
	// ones, a callback still open follows a corrected receipt date.
	for _, k := range planKinds {
		col := planCols[k]
		n, err := ex.exec(ctx, db.q(`INSERT INTO callbacks (org_id, policy_no, kind, channel, branch_code, due_on, status, created_at, updated_at)
			SELECT ?, s.policy_no, ?, s.channel, s.branch_code, s.`+col+`, 'open', ?, ? FROM policy_stage s WHERE s.`+col+` IS NOT NULL AND s.old_hash IS NULL`),
			orgID, string(k), ms64(now), ms64(now))
		if err != nil {
			return res, fmt.Errorf("plan %s callbacks: %w", k, err)
		}
		res.Callbacks += int(n)
		if res.Updated == 0 {
			continue
		}
		n, err = ex.exec(ctx, db.q(`INSERT INTO callbacks (org_id, policy_no, kind, channel, branch_code, due_on, status, created_at, updated_at)
			SELECT ?, s.policy_no, ?, s.channel, s.branch_code, s.`+col+`, 'open', ?, ? FROM policy_stage s WHERE s.`+col+` IS NOT NULL AND s.old_hash <> s.row_hash
			ON CONFLICT (org_id, policy_no, kind, case_id) DO UPDATE SET due_on = excluded.due_on, channel = excluded.channel,
				branch_code = excluded.branch_code, updated_at = excluded.updated_at
			WHERE callbacks.status <> 'done' AND (callbacks.due_on <> excluded.due_on OR callbacks.channel <> excluded.channel OR callbacks.branch_code <> excluded.branch_code)`),
			orgID, string(k), ms64(now), ms64(now))
		if err != nil {
			return res, fmt.Errorf("replan %s callbacks: %w", k, err)
		}
		res.Callbacks += int(n)
	}
	return res, nil
}

const policySelect = `SELECT org_id, ` + `policy_no, product_code, channel, branch_code, agent_code, outlet_code,
	holder_name, holder_id_enc, holder_id_hash, holder_birth, holder_phone_enc, holder_phone_hash,
	insured_name, applied_on, issued_on, receipt_on, premium_fen, pay_mode, pay_years,
	term_years, whole_life, row_hash, callback_method, policy_status, updated_at, phone_changed_at FROM policies`

func scanPolicy(s scanner) (*huifang.PolicyRecord, error) {
	var r huifang.PolicyRecord
	p := &r.Policy
	var updated, phoneChanged int64
	err := s.Scan(&p.OrgID, &p.No, &p.ProductCode, &p.Channel, &p.BranchCode, &p.AgentCode, &p.OutletCode,
		&p.HolderName, &r.HolderIDEnc, &r.HolderIDHash, &p.HolderBirth, &r.HolderPhoneEnc, &r.HolderPhoneHash,
		&p.InsuredName, &p.AppliedOn, &p.IssuedOn, &p.ReceiptOn, &p.PremiumFen, &p.PayMode, &p.PayYears,
		&p.Term.Years, &p.Term.WholeLife, &r.RowHash, &p.CallbackMethod, &p.Status, &updated, &phoneChanged)
	if err != nil {
		return nil, mapErr(err)
	}
	p.UpdatedAt, r.PhoneChangedAt = fromMS(updated), fromMS(phoneChanged)
	if p.Status == huifang.PolicyInForce {
		p.Status = "" // as the import gives it: "" is in force
	}
	return &r, nil
}

// FindPolicy finds one policy of an insurer.
func (db *DB) FindPolicy(ctx context.Context, orgID int64, no string) (*huifang.PolicyRecord, error) {
	return scanPolicy(db.queryRow(ctx, db.read, db.q(policySelect+` WHERE org_id = ? AND policy_no = ?`), orgID, no))
}

// CountPolicies counts an insurer's policies.
func (db *DB) CountPolicies(ctx context.Context, orgID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, db.read, db.q(`SELECT COUNT(*) FROM policies WHERE org_id = ?`), orgID).Scan(&n)
	return n, err
}

// CountPhoneHolders counts (up to 10) the distinct policyholders (by ID hash) of an
// insurer's policies that carry this phone hash, and the agents who use it:
// the signs of a false phone number (DOMAIN.md §6).
func (db *DB) CountPhoneHolders(ctx context.Context, orgID int64, phoneHash string) (holders, agents int, err error) {
	// Counting stops at 10 holders: enough to warn, and bounded when one
	// number sits on thousands of policies.
	err = db.queryRow(ctx, db.read, db.q(`SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT holder_id_hash FROM policies WHERE org_id = ? AND holder_phone_hash = ? LIMIT 10) h),
		(SELECT COUNT(*) FROM agents WHERE org_id = ? AND phone_hash = ?)`), orgID, phoneHash, orgID, phoneHash).Scan(&holders, &agents)
	return
}
