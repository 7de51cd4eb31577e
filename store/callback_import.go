package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/misconduct"
)

// callbackChunk is how many policies a counted change of an import covers:
// SQLite takes at most 32766 parameters, and the IN list names each policy
// twice.
const callbackChunk = 500

// NewBusinessCallback finds a policy, its new-business callback (nil when
// it owes none) and the problem cases that callback opened.
func (db *DB) NewBusinessCallback(ctx context.Context, orgID int64, policyNo string) (*huifang.PolicyRecord, *huifang.Callback, []huifang.ProblemCase, error) {
	return db.policyCallback(ctx, orgID, policyNo, huifang.KindNewBusiness)
}

// OrphanCallback finds a policy, its orphan-policy callback (nil when it
// has none: no departure of its agent) and the problem cases it opened.
func (db *DB) OrphanCallback(ctx context.Context, orgID int64, policyNo string) (*huifang.PolicyRecord, *huifang.Callback, []huifang.ProblemCase, error) {
	return db.policyCallback(ctx, orgID, policyNo, huifang.KindOrphan)
}

func (db *DB) policyCallback(ctx context.Context, orgID int64, policyNo string, kind huifang.CallbackKind) (*huifang.PolicyRecord, *huifang.Callback, []huifang.ProblemCase, error) {
	p, err := db.FindPolicy(ctx, orgID, policyNo)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := scanCallback(db.queryRow(ctx, db.read, db.q(`SELECT `+callbackCols+` FROM callbacks
		WHERE org_id = ? AND policy_no = ? AND kind = ? AND case_id = 0 ORDER BY id LIMIT 1`), orgID, policyNo, kind))
	if errors.Is(err, huifang.ErrNotFound) {
		return p, nil, nil, nil
	} else if err != nil {
		return nil, nil, nil, err
	}
	cases, err := db.queryCases(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.org_id = ? AND c.callback_id = ? ORDER BY c.id`, orgID, c.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	return p, c, cases, nil
}

// PolicyCallbacks finds many policies at once, for an import of callback
// records that checks a block of rows: for each policy number that exists,
// the policy's receipt and agent, its first callback of the kind (not a
// re-callback) and the problem cases that callback opened. Three queries,
// whatever the number of policies; a number that is not stored is absent
// from the map.
func (db *DB) PolicyCallbacks(ctx context.Context, orgID int64, kind huifang.CallbackKind, policyNos []string) (map[string]huifang.StoredCallback, error) {
	out := make(map[string]huifang.StoredCallback, len(policyNos))
	if len(policyNos) == 0 {
		return out, nil
	}
	in, args := db.inStrings(policyNos)
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT policy_no, receipt_on, agent_code FROM policies WHERE org_id = ? AND policy_no `+in),
		append([]any{orgID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("find policies: %w", err)
	}
	for rows.Next() {
		var no string
		var sc huifang.StoredCallback
		if err := rows.Scan(&no, &sc.ReceiptOn, &sc.AgentCode); err != nil {
			rows.Close()
			return nil, err
		}
		out[no] = sc
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	rows, err = db.read.QueryContext(ctx, db.q(`SELECT `+callbackCols+` FROM callbacks WHERE org_id = ? AND kind = ? AND case_id = 0 AND policy_no `+in+` ORDER BY id`),
		append([]any{orgID, kind}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("find callbacks: %w", err)
	}
	byID := map[int64]string{}
	for rows.Next() {
		c, err := scanCallback(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		sc, ok := out[c.PolicyNo]
		if !ok || sc.Callback != nil {
			continue // the first by id, as policyCallback takes it
		}
		sc.Callback = c
		out[c.PolicyNo] = sc
		byID[c.ID] = c.PolicyNo
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}
	if len(byID) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	inIDs, idArgs := db.inInts(ids)
	cases, err := db.queryCases(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.org_id = ? AND c.callback_id `+inIDs+` ORDER BY c.id`, append([]any{orgID}, idArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("find problem cases: %w", err)
	}
	for _, k := range cases {
		no := byID[k.CallbackID]
		sc := out[no]
		sc.Cases = append(sc.Cases, k)
		out[no] = sc
	}
	return out, nil
}

// qualified prefixes each column of a list with its table.
func qualified(table, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = table + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// inStrings is "IN (...)" over a list of texts: one array parameter on
// PostgreSQL (a hashed semi-join, as byPolicies), one parameter each on
// SQLite (callers keep lists well below its 32766 parameters).
func (db *DB) inStrings(vs []string) (string, []any) { return inList(db, vs, "text") }

// inInts is inStrings over integers.
func (db *DB) inInts(vs []int64) (string, []any) { return inList(db, vs, "bigint") }

// inList is "IN (...)" over vs, an array of pgType on PostgreSQL.
func inList[T any](db *DB, vs []T, pgType string) (string, []any) {
	if db.engine == Postgres {
		return `IN (SELECT unnest(?::` + pgType + `[]))`, []any{vs}
	}
	args := make([]any, len(vs))
	for i, v := range vs {
		args[i] = v
	}
	return `IN (?` + strings.Repeat(`, ?`, len(vs)-1) + `)`, args
}

// ImportCallbacks finishes callbacks reported by an insurer, in one
// transaction: each callback becomes done with its result, and its problem
// cases open (and, when reported so, are resolved or closed). The
// indicators' counts follow in the same transaction, a chunk of policies at
// a time; each chunk's audit entries (one per callback) go in one
// statement. A callback finished meanwhile fails the whole import with a
// conflict: nothing is written. next returns io.EOF after the last record.
//
// On PostgreSQL the planner's statistics of policies, callbacks and problem
// cases are refreshed before the import when they are stale, and again
// inside it as it grows (ANALYZE sees the transaction's own rows): the counting reads a callback's cases by
// its id, which a plan made without statistics turns into a scan of every
// case of the insurer per callback (autovacuum may be off, and it does not
// see an open transaction's rows anyway).
func (db *DB) ImportCallbacks(ctx context.Context, orgID int64, a huifang.Actor, now time.Time, source string, next func() (*huifang.ImportedCallback, error)) (huifang.CallbackImport, error) {
	var res huifang.CallbackImport
	db.analyzeIfStale(ctx, "policies", "callbacks", "problem_cases")
	err := db.tx(ctx, func(tx txn) error {
		res = huifang.CallbackImport{}
		fin, err := tx.PrepareContext(ctx, db.q(finishImportedSQL))
		if err != nil {
			return err
		}
		defer fin.Close()
		// The statistics are refreshed as the import grows: after its
		// first chunk, then each time it has doubled (a few times per
		// million records), and at least every 100,000.
		written, nextAnalyze := 0, callbackChunk
		var chunk []*huifang.ImportedCallback
		var audits []huifang.AuditEntry
		flush := func() error {
			if len(chunk) == 0 {
				return nil
			}
			nos := make([]string, len(chunk))
			for i, ic := range chunk {
				nos[i] = ic.PolicyNo
			}
			audits = audits[:0]
			err := db.counted(ctx, db.txQ(tx), orgID, db.byPolicies(nos), func() error {
				cbs, err := db.finishBatch(ctx, tx, fin, orgID, a, now, chunk)
				if err != nil {
					return err
				}
				qa := qaDelta{}
				for _, c := range cbs {
					qa.finish(c, 1)
				}
				if err := db.saveQA(ctx, db.txQ(tx), orgID, qa); err != nil {
					return err
				}
				for _, ic := range chunk {
					e, err := db.finishImported(ctx, tx, orgID, a, now, ic, cbs[ic.CallbackID])
					if err != nil {
						return err
					}
					audits = append(audits, e)
					res.Finished++
					res.Cases += len(ic.Cases)
				}
				return nil
			})
			if err == nil {
				err = db.appendAudits(ctx, tx, audits)
			}
			if written += len(chunk); err == nil && written >= nextAnalyze && db.engine == Postgres {
				nextAnalyze = min(2*written, written+analyzeAfter*10)
				if _, err = tx.ExecContext(ctx, `ANALYZE callbacks, problem_cases`); err != nil {
					err = fmt.Errorf("analyze: %w", err)
				}
			}
			chunk = chunk[:0]
			return err
		}
		for {
			ic, err := next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return err
			}
			if ic.Unchanged {
				res.Unchanged++
				continue
			}
			if chunk = append(chunk, ic); len(chunk) == callbackChunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name, Entity: "import", Key: source,
			Action: "callbacks", Detail: jsonString(res)})
	})
	if err != nil {
		return huifang.CallbackImport{}, err
	}
	return res, nil
}

// analyzeIfStale refreshes the planner's statistics of tables on
// PostgreSQL when they were never gathered or more than analyzeAfter rows
// changed since. A failure only leaves the plans as they were.
func (db *DB) analyzeIfStale(ctx context.Context, tables ...string) {
	if db.engine != Postgres {
		return
	}
	for _, t := range tables {
		var stale bool
		err := db.queryRow(ctx, db.read, `SELECT (last_analyze IS NULL AND last_autoanalyze IS NULL) OR n_mod_since_analyze > $1
			FROM pg_stat_user_tables WHERE relid = to_regclass($2)`, analyzeAfter, t).Scan(&stale)
		if err == nil && stale {
			_, _ = db.write.ExecContext(ctx, `ANALYZE `+t)
		}
	}
}

// appendAudits adds entries to the audit trail in one statement (SQLite's
// limit on parameters allows 4,000 entries).
func (db *DB) appendAudits(ctx context.Context, tx txn, es []huifang.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	args := make([]any, 0, 8*len(es))
	for _, e := range es {
		args = append(args, e.OrgID, ms64(e.At), e.UserID, e.Actor, e.Entity, e.Key, e.Action, e.Detail)
	}
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO audit (org_id, at, user_id, actor, entity, entity_key, action, detail) VALUES `+placeholders(len(es), 8)), args...)
	if err != nil {
		return fmt.Errorf("audit finished callbacks: %w", err)
	}
	return nil
}

const finishImportedSQL = `UPDATE callbacks SET status = 'done', result = ?, reason = ?, late = ?, next_at = 0,
		lease_user_id = 0, lease_until = 0, finished_at = ?, finished_by = ?, method = ?, evidence = ?, updated_at = ?
		WHERE org_id = ? AND id = ? AND policy_no = ? AND kind = ? AND status <> 'done' RETURNING ` + callbackCols

// finishBatch marks a chunk's callbacks done as reported and returns them
// by id: on PostgreSQL in one statement, on SQLite (in process, where a
// statement costs little) through the prepared finishing statement, one
// by one. A callback finished meanwhile fails with a conflict.
func (db *DB) finishBatch(ctx context.Context, tx txn, fin *sql.Stmt, orgID int64, a huifang.Actor, now time.Time, chunk []*huifang.ImportedCallback) (map[int64]*huifang.Callback, error) {
	out := make(map[int64]*huifang.Callback, len(chunk))
	kindOf := func(ic *huifang.ImportedCallback) huifang.CallbackKind {
		if ic.Kind == "" {
			return huifang.KindNewBusiness
		}
		return ic.Kind
	}
	if db.engine != Postgres {
		for _, ic := range chunk {
			c, err := scanCallback(fin.QueryRowContext(ctx, ic.Result, ic.Reason, ic.Late, ms64(ic.FinishedAt), a.UserID, ic.Method, ic.Evidence, ms64(now),
				orgID, ic.CallbackID, ic.PolicyNo, kindOf(ic)))
			if errors.Is(err, huifang.ErrNotFound) {
				return nil, huifang.Errorf(huifang.ECONFLICT, "err.import.callback.completed_since_check", ic.PolicyNo)
			} else if err != nil {
				return nil, fmt.Errorf("finish callback of %s: %w", ic.PolicyNo, err)
			}
			out[c.ID] = c
		}
		return out, nil
	}
	n := len(chunk)
	ids, results, reasons, lates, finished, methods, evidence, nos, kinds := make([]int64, n), make([]string, n), make([]string, n), make([]bool, n),
		make([]int64, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, ic := range chunk {
		ids[i], results[i], reasons[i], lates[i], finished[i], methods[i], evidence[i], nos[i], kinds[i] = ic.CallbackID, string(ic.Result), ic.Reason, ic.Late,
			ms64(ic.FinishedAt), string(ic.Method), ic.Evidence, ic.PolicyNo, string(kindOf(ic))
	}
	rows, err := tx.QueryContext(ctx, `UPDATE callbacks SET status = 'done', result = v.result, reason = v.reason, late = v.late, next_at = 0,
		lease_user_id = 0, lease_until = 0, finished_at = v.finished_at, finished_by = $1, method = v.method, evidence = v.evidence, updated_at = $2
		FROM (SELECT unnest($4::bigint[]) AS id, unnest($5::text[]) AS result, unnest($6::text[]) AS reason, unnest($7::boolean[]) AS late,
			unnest($8::bigint[]) AS finished_at, unnest($9::text[]) AS method, unnest($10::text[]) AS evidence, unnest($11::text[]) AS policy_no,
			unnest($12::text[]) AS kind) v
		WHERE callbacks.org_id = $3 AND callbacks.id = v.id AND callbacks.policy_no = v.policy_no AND callbacks.kind = v.kind AND callbacks.status <> 'done'
		RETURNING `+qualified("callbacks", callbackCols),
		a.UserID, ms64(now), orgID, ids, results, reasons, lates, finished, methods, evidence, nos, kinds)
	if err != nil {
		return nil, fmt.Errorf("finish callbacks: %w", err)
	}
	for rows.Next() {
		c, err := scanCallback(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out[c.ID] = c
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("finish callbacks: %w", err)
	}
	for _, ic := range chunk {
		if out[ic.CallbackID] == nil {
			return nil, huifang.Errorf(huifang.ECONFLICT, "err.import.callback.completed_since_check", ic.PolicyNo)
		}
	}
	return out, nil
}

// finishImported opens the cases of one reported callback, finished by
// finishBatch, and returns its audit entry.
func (db *DB) finishImported(ctx context.Context, tx txn, orgID int64, a huifang.Actor, now time.Time, ic *huifang.ImportedCallback, c *huifang.Callback) (huifang.AuditEntry, error) {
	kind := ic.Kind
	if kind == "" {
		kind = huifang.KindNewBusiness
	}
	for i := range ic.Cases {
		p := &ic.Cases[i]
		final := p.Status
		p.OrgID, p.CallbackID, p.PolicyNo, p.BranchCode, p.Channel, p.OpenedBy = orgID, c.ID, c.PolicyNo, c.BranchCode, c.Channel, a.UserID
		if err := db.insertCase(ctx, tx, p, a.Name); err != nil {
			return huifang.AuditEntry{}, err
		}
		if final != huifang.ProblemResolved && final != huifang.ProblemClosed {
			continue
		}
		at := p.ResolvedAt
		if final == huifang.ProblemClosed {
			at = p.ClosedAt
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE problem_cases SET status = ?, resolved_at = ?, closed_at = ?, close_reason = ?, updated_at = ? WHERE org_id = ? AND id = ?`),
			final, ms64(p.ResolvedAt), ms64(p.ClosedAt), p.CloseReason, ms64(at), orgID, p.ID); err != nil {
			return huifang.AuditEntry{}, fmt.Errorf("finish problem case: %w", err)
		}
		p.Status = final
		detail := "保险公司系统报告：处理成功"
		if final == huifang.ProblemClosed {
			detail = "保险公司系统报告：关闭未解决"
		}
		if err := db.insertEvent(ctx, tx, orgID, p.ID, huifang.CaseEvent{Kind: string(final), Detail: detail, At: at, UserID: a.UserID, Actor: a.Name}); err != nil {
			return huifang.AuditEntry{}, err
		}
		// A case the agent caused proposes a misconduct record, as one finished in huifang does.
		facts := misconduct.Facts([]huifang.CaseEvent{{Detail: p.Type.ZH() + "：" + p.Detail, At: p.OpenedAt, Actor: a.Name}, {Detail: detail, At: at, Actor: a.Name}})
		if r := misconduct.Propose(p, huifang.Agent{}, facts, now); r != nil {
			if _, err := db.proposeMisconduct(ctx, tx, r, a); err != nil {
				return huifang.AuditEntry{}, err
			}
		}
	}
	return huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name, Entity: "callback", Key: fmt.Sprint(c.ID),
		Action: "finish", Detail: jsonString(map[string]any{"source": "import", "kind": kind, "evidence": ic.Evidence, "result": ic.Result, "method": ic.Method,
			"late": ic.Late, "problems": len(ic.Cases)})}, nil
}
