package store

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	c, err := scanCallback(db.read.QueryRowContext(ctx, db.q(`SELECT `+callbackCols+` FROM callbacks
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

// ImportCallbacks finishes callbacks reported by an insurer, in one
// transaction: each callback becomes done with its result, and its problem
// cases open (and, when reported so, are resolved or closed). The
// indicators' counts follow in the same transaction, a chunk of policies at
// a time. A callback finished meanwhile fails the whole import with a
// conflict: nothing is written. next returns io.EOF after the last record.
func (db *DB) ImportCallbacks(ctx context.Context, orgID int64, a huifang.Actor, now time.Time, source string, next func() (*huifang.ImportedCallback, error)) (huifang.CallbackImport, error) {
	var res huifang.CallbackImport
	err := db.tx(ctx, func(tx txn) error {
		res = huifang.CallbackImport{}
		var chunk []*huifang.ImportedCallback
		flush := func() error {
			if len(chunk) == 0 {
				return nil
			}
			nos := make([]string, len(chunk))
			for i, ic := range chunk {
				nos[i] = ic.PolicyNo
			}
			err := db.counted(ctx, sqlQ{tx}, orgID, db.byPolicies(nos), func() error {
				for _, ic := range chunk {
					if err := db.finishImported(ctx, tx, orgID, a, now, ic); err != nil {
						return err
					}
					res.Finished++
					res.Cases += len(ic.Cases)
				}
				return nil
			})
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

// finishImported stores one reported callback with its cases.
func (db *DB) finishImported(ctx context.Context, tx txn, orgID int64, a huifang.Actor, now time.Time, ic *huifang.ImportedCallback) error {
	kind := ic.Kind
	if kind == "" {
		kind = huifang.KindNewBusiness
	}
	c, err := scanCallback(tx.QueryRowContext(ctx, db.q(`UPDATE callbacks SET status = 'done', result = ?, reason = ?, late = ?, next_at = 0,
		lease_user_id = 0, lease_until = 0, finished_at = ?, finished_by = ?, method = ?, evidence = ?, updated_at = ?
		WHERE org_id = ? AND id = ? AND policy_no = ? AND kind = ? AND status <> 'done' RETURNING `+callbackCols),
		ic.Result, ic.Reason, ic.Late, ms64(ic.FinishedAt), a.UserID, ic.Method, ic.Evidence, ms64(now), orgID, ic.CallbackID, ic.PolicyNo, kind))
	if errors.Is(err, huifang.ErrNotFound) {
		return huifang.Errorf(huifang.ECONFLICT, "err.import.callback.completed_since_check", ic.PolicyNo)
	} else if err != nil {
		return fmt.Errorf("finish callback of %s: %w", ic.PolicyNo, err)
	}
	for i := range ic.Cases {
		p := &ic.Cases[i]
		final := p.Status
		p.OrgID, p.CallbackID, p.PolicyNo, p.BranchCode, p.Channel, p.OpenedBy = orgID, c.ID, c.PolicyNo, c.BranchCode, c.Channel, a.UserID
		if err := db.insertCase(ctx, tx, p, a.Name); err != nil {
			return err
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
			return fmt.Errorf("finish problem case: %w", err)
		}
		p.Status = final
		detail := "保险公司系统报告：处理成功"
		if final == huifang.ProblemClosed {
			detail = "保险公司系统报告：关闭未解决"
		}
		if err := db.insertEvent(ctx, tx, orgID, p.ID, huifang.CaseEvent{Kind: string(final), Detail: detail, At: at, UserID: a.UserID, Actor: a.Name}); err != nil {
			return err
		}
		// A case the agent caused proposes a misconduct record, as one finished in huifang does.
		facts := misconduct.Facts([]huifang.CaseEvent{{Detail: p.Type.ZH() + "：" + p.Detail, At: p.OpenedAt, Actor: a.Name}, {Detail: detail, At: at, Actor: a.Name}})
		if r := misconduct.Propose(p, huifang.Agent{}, facts, now); r != nil {
			if _, err := db.proposeMisconduct(ctx, tx, r, a); err != nil {
				return err
			}
		}
	}
	return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: orgID, At: now, UserID: a.UserID, Actor: a.Name, Entity: "callback", Key: fmt.Sprint(c.ID),
		Action: "finish", Detail: jsonString(map[string]any{"source": "import", "kind": kind, "evidence": ic.Evidence, "result": ic.Result, "method": ic.Method,
			"late": ic.Late, "problems": len(ic.Cases)})})
}
