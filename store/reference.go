package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

// refTable describes a reference table keyed by (org_id, code).
type refTable struct {
	entity string
	table  string
	cols   []string // the first is the key, "code"
	// blind columns are never compared (ciphertexts differ on every seal).
	blind map[string]bool
}

var (
	branchTable  = refTable{entity: "branch", table: "branches", cols: []string{"code", "name", "parent_code", "level"}}
	productTable = refTable{entity: "product", table: "products", cols: []string{"code", "name", "design", "term_years", "whole_life", "guaranteed_renewal", "cooling_off_days", "pre_underwriting"}}
	agentTable   = refTable{entity: "agent", table: "agents", cols: []string{"code", "name", "phone_enc", "phone_hash", "branch_code", "reg_no", "status"}, blind: map[string]bool{"phone_enc": true}}
	outletTable  = refTable{entity: "outlet", table: "outlets", cols: []string{"code", "name", "bank", "branch_code"}}
)

// norm renders a value the same whichever engine or Go type it came from.
func norm(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		switch x {
		case "true":
			return "1"
		case "false":
			return "0"
		}
		return x
	case []byte:
		return norm(string(x))
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// saveRefs creates or updates rows of a reference table in one transaction,
// auditing every change with the old values.
func (db *DB) saveRefs(ctx context.Context, orgID int64, t refTable, rows [][]any, a huifang.Actor, now time.Time) (huifang.Counts, error) {
	var c huifang.Counts
	err := db.tx(ctx, func(tx txn) error {
		old, err := db.loadRefs(ctx, tx, orgID, t)
		if err != nil {
			return err
		}
		insert := db.q(`INSERT INTO ` + t.table + ` (org_id, ` + strings.Join(t.cols, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(t.cols)) + `)`)
		sets := make([]string, 0, len(t.cols)-1)
		for _, col := range t.cols[1:] {
			sets = append(sets, col+" = ?")
		}
		update := db.q(`UPDATE ` + t.table + ` SET ` + strings.Join(sets, ", ") + ` WHERE org_id = ? AND code = ?`)
		// A product whose design type changes moves its policies' counts.
		recount, err := db.designChanges(ctx, tx, orgID, t, old, rows)
		if err != nil {
			return err
		}
		for _, r := range rows {
			code := norm(r[0])
			prev, exists := old[code]
			if !exists {
				if _, err := tx.ExecContext(ctx, insert, append([]any{orgID}, r...)...); err != nil {
					return fmt.Errorf("insert %s %s: %w", t.entity, code, mapErr(err))
				}
				old[code] = nil // a second row with the same code in one batch updates it
				c.Created++
				continue
			}
			changed := map[string]any{}
			for i, col := range t.cols[1:] {
				if t.blind[col] {
					continue
				}
				if prev == nil || prev[i+1] != norm(r[i+1]) {
					if prev != nil {
						changed[col] = []string{prev[i+1], norm(r[i+1])}
					} else {
						changed[col] = norm(r[i+1])
					}
				}
			}
			if len(changed) == 0 {
				c.Unchanged++
				continue
			}
			args := append(append([]any{}, r[1:]...), orgID, r[0])
			if _, err := tx.ExecContext(ctx, update, args...); err != nil {
				return fmt.Errorf("update %s %s: %w", t.entity, code, mapErr(err))
			}
			c.Updated++
			if err := db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name,
				Entity: t.entity, Key: code, Action: "update", Detail: jsonString(changed)}); err != nil {
				return err
			}
		}
		if err := recount(); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name,
			Entity: "import", Key: t.table, Action: "save", Detail: jsonString(c)})
	})
	return c, err
}

// designChanges prepares the recount of the policies of products whose
// design type the rows change: their counts are taken away now, and the
// returned function, called after the change, adds them back under the new
// design type.
func (db *DB) designChanges(ctx context.Context, tx txn, orgID int64, t refTable, old map[string][]string, rows [][]any) (func() error, error) {
	none := func() error { return nil }
	if t.table != productTable.table {
		return none, nil
	}
	di := slices.Index(t.cols, "design")
	var codes []any
	for _, r := range rows {
		if prev := old[norm(r[0])]; prev != nil && prev[di] != norm(r[di]) {
			codes = append(codes, norm(r[0]))
		}
	}
	if len(codes) == 0 {
		return none, nil
	}
	sel := policySel(`IN (SELECT policy_no FROM policies WHERE org_id = ? AND product_code IN (?`+strings.Repeat(`, ?`, len(codes)-1)+`))`,
		append([]any{orgID}, codes...)...)
	q, d := db.txQ(tx), newDelta()
	if err := db.lockPolicies(ctx, q, orgID, sel); err != nil {
		return nil, err
	}
	if err := db.readDelta(ctx, q, orgID, sel, -1, d); err != nil {
		return nil, err
	}
	return func() error {
		if err := db.readDelta(ctx, q, orgID, sel, 1, d); err != nil {
			return err
		}
		return db.saveDelta(ctx, q, orgID, d)
	}, nil
}

func (db *DB) loadRefs(ctx context.Context, tx txn, orgID int64, t refTable) (map[string][]string, error) {
	rows, err := tx.QueryContext(ctx, db.q(`SELECT `+strings.Join(t.cols, ", ")+` FROM `+t.table+` WHERE org_id = ?`), orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	vals := make([]sql.NullString, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make([]string, len(vals))
		for i, v := range vals {
			r[i] = norm(v.String)
		}
		out[r[0]] = r
	}
	return out, rows.Err()
}

// SaveBranches creates or updates branches.
func (db *DB) SaveBranches(ctx context.Context, orgID int64, bs []huifang.Branch, a huifang.Actor, now time.Time) (huifang.Counts, error) {
	rows := make([][]any, len(bs))
	for i, b := range bs {
		rows[i] = []any{b.Code, b.Name, b.ParentCode, b.Level}
	}
	return db.saveRefs(ctx, orgID, branchTable, rows, a, now)
}

// SaveProducts creates or updates products.
func (db *DB) SaveProducts(ctx context.Context, orgID int64, ps []huifang.Product, a huifang.Actor, now time.Time) (huifang.Counts, error) {
	rows := make([][]any, len(ps))
	for i, p := range ps {
		rows[i] = []any{p.Code, p.Name, string(p.Design), p.Term.Years, p.Term.WholeLife, p.GuaranteedRenewal, p.CoolingOffDays, p.PreUnderwritingCallback}
	}
	return db.saveRefs(ctx, orgID, productTable, rows, a, now)
}

// SaveAgents creates or updates agents.
func (db *DB) SaveAgents(ctx context.Context, orgID int64, as []huifang.AgentRecord, a huifang.Actor, now time.Time) (huifang.Counts, error) {
	rows := make([][]any, len(as))
	for i, x := range as {
		rows[i] = []any{x.Code, x.Name, x.PhoneEnc, x.PhoneHash, x.BranchCode, x.RegNo, string(x.Status)}
	}
	return db.saveRefs(ctx, orgID, agentTable, rows, a, now)
}

// SaveOutlets creates or updates bank outlets.
func (db *DB) SaveOutlets(ctx context.Context, orgID int64, os []huifang.Outlet, a huifang.Actor, now time.Time) (huifang.Counts, error) {
	rows := make([][]any, len(os))
	for i, o := range os {
		rows[i] = []any{o.Code, o.Name, o.Bank, o.BranchCode}
	}
	return db.saveRefs(ctx, orgID, outletTable, rows, a, now)
}

// ListBranches lists an insurer's branches, by code.
func (db *DB) ListBranches(ctx context.Context, orgID int64) ([]huifang.Branch, error) {
	return list(ctx, db, `SELECT org_id, code, name, parent_code, level FROM branches WHERE org_id = ? ORDER BY code`, orgID,
		func(s scanner) (huifang.Branch, error) {
			var b huifang.Branch
			return b, s.Scan(&b.OrgID, &b.Code, &b.Name, &b.ParentCode, &b.Level)
		})
}

const productCols = `org_id, code, name, design, term_years, whole_life, guaranteed_renewal, cooling_off_days, pre_underwriting`

func scanProduct(s scanner) (huifang.Product, error) {
	var p huifang.Product
	err := s.Scan(&p.OrgID, &p.Code, &p.Name, &p.Design, &p.Term.Years, &p.Term.WholeLife, &p.GuaranteedRenewal, &p.CoolingOffDays, &p.PreUnderwritingCallback)
	return p, mapErr(err)
}

// ListProducts lists an insurer's products, by code.
func (db *DB) ListProducts(ctx context.Context, orgID int64) ([]huifang.Product, error) {
	return list(ctx, db, `SELECT `+productCols+` FROM products WHERE org_id = ? ORDER BY code`, orgID, scanProduct)
}

// FindProduct finds one product of an insurer.
func (db *DB) FindProduct(ctx context.Context, orgID int64, code string) (huifang.Product, error) {
	return scanProduct(db.queryRow(ctx, db.read, db.q(`SELECT `+productCols+` FROM products WHERE org_id = ? AND code = ?`), orgID, code))
}

// ListAgents lists an insurer's agents, by code.
func (db *DB) ListAgents(ctx context.Context, orgID int64) ([]huifang.AgentRecord, error) {
	return list(ctx, db, `SELECT org_id, code, name, phone_enc, phone_hash, branch_code, reg_no, status FROM agents WHERE org_id = ? ORDER BY code`, orgID,
		func(s scanner) (huifang.AgentRecord, error) {
			var a huifang.AgentRecord
			return a, s.Scan(&a.OrgID, &a.Code, &a.Name, &a.PhoneEnc, &a.PhoneHash, &a.BranchCode, &a.RegNo, &a.Status)
		})
}

// ListOutlets lists an insurer's bank outlets, by code.
func (db *DB) ListOutlets(ctx context.Context, orgID int64) ([]huifang.Outlet, error) {
	return list(ctx, db, `SELECT org_id, code, name, bank, branch_code FROM outlets WHERE org_id = ? ORDER BY code`, orgID,
		func(s scanner) (huifang.Outlet, error) {
			var o huifang.Outlet
			return o, s.Scan(&o.OrgID, &o.Code, &o.Name, &o.Bank, &o.BranchCode)
		})
}

type scanner interface{ Scan(...any) error }

// list runs a query of one organisation's rows on the read pool and scans every row.
func list[T any](ctx context.Context, db *DB, query string, orgID int64, scan func(scanner) (T, error)) ([]T, error) {
	return queryAll(ctx, db, query, scan, orgID)
}

// queryAll runs a query on the read pool and scans every row.
func queryAll[T any](ctx context.Context, db *DB, query string, scan func(scanner) (T, error), args ...any) ([]T, error) {
	rows, err := db.read.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// RefName returns the name of an insurer's agent ("agent") or bank outlet
// ("outlet") by code, "" when there is none.
func (db *DB) RefName(ctx context.Context, orgID int64, kind, code string) (string, error) {
	table := map[string]string{"agent": "agents", "outlet": "outlets"}[kind]
	if table == "" || code == "" {
		return "", nil
	}
	var name string
	err := db.queryRow(ctx, db.read, db.q(`SELECT name FROM `+table+` WHERE org_id = ? AND code = ?`), orgID, code).Scan(&name)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return name, err
}
