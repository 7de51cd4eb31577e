package store

import (
	"context"
	"database/sql"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
)

// ForEachCallbackFact streams the facts of an insurer's callbacks owed to a
// policy (new business) whose deadline falls in [from, to]: a full scan, the
// reference the indicators are checked against. What a fact counts for is
// decided by package indicator, not here.
func (db *DB) ForEachCallbackFact(ctx context.Context, orgID int64, from, to huifang.Date, fn func(indicator.CallbackFact) error) error {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT c.due_on, c.branch_code, c.channel, COALESCE(pr.design, ''), p.holder_birth,
		c.result, c.method, c.finished_at,
		(SELECT COUNT(*) FROM problem_cases pc WHERE pc.org_id = c.org_id AND pc.callback_id = c.id)
		FROM callbacks c
		LEFT JOIN policies p ON p.org_id = c.org_id AND p.policy_no = c.policy_no
		LEFT JOIN products pr ON pr.org_id = p.org_id AND pr.code = p.product_code
		WHERE c.org_id = ? AND c.kind = ? AND c.due_on >= ? AND c.due_on <= ?`), orgID, huifang.KindNewBusiness, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f indicator.CallbackFact
		var birth huifang.Date
		var finished int64
		if err := rows.Scan(&f.DueOn, &f.Branch, &f.Channel, &f.Design, &birth, &f.Result, &f.Method, &finished, &f.Problems); err != nil {
			return err
		}
		f.Aged60 = aged60(birth, f.DueOn)
		if f.Result != "" && finished != 0 {
			f.FinishedOn = huifang.DateOf(fromMS(finished))
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

// aged60 reports whether someone born on birth is 60 or over on day.
func aged60(birth, day huifang.Date) bool {
	if birth.IsZero() {
		return false
	}
	sixty := huifang.NewDate(birth.Year()+60, birth.Month(), 1).AddDays(birth.Day() - 1)
	return !sixty.After(day)
}

// ForEachCaseFact streams the facts of an insurer's problem cases opened or
// due in [from, to].
func (db *DB) ForEachCaseFact(ctx context.Context, orgID int64, from, to huifang.Date, fn func(indicator.CaseFact) error) error {
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT pc.type, pc.branch_code, pc.channel, COALESCE(pr.design, ''), pc.opened_on, pc.due_on,
		pc.status, pc.resolved_at, pc.closed_at
		FROM problem_cases pc
		LEFT JOIN policies p ON p.org_id = pc.org_id AND p.policy_no = pc.policy_no
		LEFT JOIN products pr ON pr.org_id = p.org_id AND pr.code = p.product_code
		WHERE pc.org_id = ? AND ((pc.opened_on >= ? AND pc.opened_on <= ?) OR (pc.due_on >= ? AND pc.due_on <= ?))`), orgID, from, to, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f indicator.CaseFact
		var resolved, closed sql.NullInt64
		if err := rows.Scan(&f.Type, &f.Branch, &f.Channel, &f.Design, &f.OpenedOn, &f.DueOn, &f.Status, &resolved, &closed); err != nil {
			return err
		}
		switch {
		case f.Status == huifang.ProblemResolved && resolved.Int64 != 0:
			f.ClosedOn = huifang.DateOf(fromMS(resolved.Int64))
		case f.Status == huifang.ProblemClosed && closed.Int64 != 0:
			f.ClosedOn = huifang.DateOf(fromMS(closed.Int64))
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}
