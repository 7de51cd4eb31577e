package store

import (
	"context"
	"encoding/json"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
)

// The drill-down by seller (the agent, or the bank outlet for
// bancassurance) reads its own kept counts, stat_seller_callbacks and
// stat_seller_cases (schema 23), kept by saveDelta beside the others in
// the same transactions and rebuilt with them.

// colIn is a condition that col is one of vals, with its one argument:
// the list travels as a single parameter (an array on PostgreSQL, JSON on
// SQLite), so thousands of values need no thousands of placeholders.
func (db *DB) colIn(col string, vals []string) (string, any) {
	if vals == nil {
		vals = []string{}
	}
	if db.engine == Postgres {
		return col + ` IN (SELECT unnest(?::text[]))`, vals
	}
	b, _ := json.Marshal(vals)
	return col + ` IN (SELECT value FROM json_each(?))`, string(b)
}

// ReadSellerStats reads an insurer's counts by seller for a period, overdue
// cases as of asOf, of the callbacks and cases of the given branches (nil:
// every branch) and, when not "", of one channel and one design type. The
// keys carry the month, the seller and, for callbacks, orphan or not; the
// branch, channel and design type are already narrowed to, and are "".
// The months before asOf's, which have ended and count whole, are added up
// in the database under the period's first month: a seller has a key or
// two for them rather than one a month (a year of thousands of sellers is
// a few thousand rows). Pending cases of asOf's own month due before it
// are counted from the rows, as ReadStats does.
func (db *DB) ReadSellerStats(ctx context.Context, orgID int64, p indicator.Period, asOf huifang.Date, branches []string, channel, design string) (indicator.StatCounts, error) {
	out := indicator.StatCounts{Callbacks: map[indicator.CallbackKey]indicator.CallbackCounts{}, Cases: map[indicator.CaseKey]indicator.CaseCounts{},
		Overdue: map[indicator.CaseKey]int64{}}
	months := p.Months()
	month := indicator.MonthOf(asOf)
	args := []any{month.String(), months[0].String(), orgID, months[0].String(), months[len(months)-1].String()}
	where := `org_id = ? AND month >= ? AND month <= ?`
	if branches != nil {
		cond, arg := db.colIn(`branch_code`, branches)
		where += ` AND ` + cond
		args = append(args, arg)
	}
	if channel != "" {
		where += ` AND channel = ?`
		args = append(args, channel)
	}
	if design != "" {
		where += ` AND design = ?`
		args = append(args, design)
	}
	// Grouped by the seller first: SQLite sorts the rows to group them, and
	// a sort that compares thousands of sellers before two or three months
	// took a fifth less time than the other way round.
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT CASE WHEN month < ? THEN ? ELSE month END, seller, orphan, CAST(SUM(due) AS BIGINT),
		CAST(SUM(successful) AS BIGINT), CAST(SUM(successful_in_period) AS BIGINT), CAST(SUM(completed) AS BIGINT), CAST(SUM(problems) AS BIGINT)
		FROM stat_seller_callbacks WHERE `+where+` GROUP BY 2, 1, 3`), args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var k indicator.CallbackKey
		var n indicator.CallbackCounts
		var month string
		var orphan int
		if err := rows.Scan(&month, &k.Seller, &orphan, &n.Due, &n.Successful, &n.SuccessfulInPeriod, &n.Completed, &n.Problems); err != nil {
			return out, err
		}
		if k.Month, err = indicator.ParsePeriod(month); err != nil {
			return out, err
		}
		k.Orphan = orphan != 0
		if !n.IsZero() {
			out.Callbacks[k] = n
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	rows, err = db.read.QueryContext(ctx, db.q(`SELECT CASE WHEN month < ? THEN ? ELSE month END, seller, CAST(SUM(opened) AS BIGINT),
		CAST(SUM(due) AS BIGINT), CAST(SUM(resolved) AS BIGINT), CAST(SUM(closed) AS BIGINT), CAST(SUM(closed_on_time) AS BIGINT), CAST(SUM(pending) AS BIGINT)
		FROM stat_seller_cases WHERE `+where+` GROUP BY 2, 1`), args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var k indicator.CaseKey
		var n indicator.CaseCounts
		var month string
		if err := rows.Scan(&month, &k.Seller, &n.Opened, &n.Due, &n.Resolved, &n.Closed, &n.ClosedOnTime, &n.Pending); err != nil {
			return out, err
		}
		if k.Month, err = indicator.ParsePeriod(month); err != nil {
			return out, err
		}
		if !n.IsZero() {
			out.Cases[k] = n
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	// Overdue as ReadStats counts it: the pending cases of months before
	// asOf's are all past their deadline; those of its month, from the rows.
	for k, n := range out.Cases {
		if n.Pending != 0 && k.Month.First().Before(month.First()) {
			out.Overdue[k] += n.Pending
		}
	}
	if !p.Contains(asOf) || asOf == month.First() {
		return out, nil
	}
	where = `pc.org_id = ? AND pc.status NOT IN ('resolved', 'closed') AND pc.due_on >= ? AND pc.due_on < ?`
	args = []any{orgID, month.First(), asOf}
	if branches != nil {
		cond, arg := db.colIn(`pc.branch_code`, branches)
		where += ` AND ` + cond
		args = append(args, arg)
	}
	if channel != "" {
		where += ` AND pc.channel = ?`
		args = append(args, channel)
	}
	if design != "" {
		where += ` AND COALESCE(pr.design, '') = ?`
		args = append(args, design)
	}
	rows, err = db.read.QueryContext(ctx, db.q(`SELECT COALESCE(p.agent_code, ''), COALESCE(p.outlet_code, ''), COUNT(*)
		FROM problem_cases pc
		LEFT JOIN policies p ON p.org_id = pc.org_id AND p.policy_no = pc.policy_no
		LEFT JOIN products pr ON pr.org_id = p.org_id AND pr.code = p.product_code
		WHERE `+where+` GROUP BY COALESCE(p.agent_code, ''), COALESCE(p.outlet_code, '')`), args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var agent, outlet string
		var n int64
		if err := rows.Scan(&agent, &outlet, &n); err != nil {
			return out, err
		}
		out.Overdue[indicator.CaseKey{Month: month, Seller: seller(agent, outlet)}] += n
	}
	return out, rows.Err()
}

// RefNames returns the names of an insurer's agents ("agent") or bank
// outlets ("outlet") by code, in one query, or of its sellers ("seller":
// the agent's name, else the outlet's, as a drill-down by seller labels
// its rows). Codes without a name are left out.
func (db *DB) RefNames(ctx context.Context, orgID int64, kind string, codes []string) (map[string]string, error) {
	out := map[string]string{}
	if len(codes) == 0 {
		return out, nil
	}
	var q string
	var args []any
	switch kind {
	case "agent", "outlet":
		cond, arg := db.colIn(`code`, codes)
		q, args = `SELECT code, name, 0 FROM `+kind+`s WHERE org_id = ? AND `+cond, []any{orgID, arg}
	case "seller":
		cond, arg := db.colIn(`code`, codes)
		q = `SELECT code, name, 0 FROM agents WHERE org_id = ? AND ` + cond + ` UNION ALL SELECT code, name, 1 FROM outlets WHERE org_id = ? AND ` + cond
		args = []any{orgID, arg, orgID, arg}
	default:
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	outlets := map[string]string{}
	for rows.Next() {
		var code, name string
		var outlet int
		if err := rows.Scan(&code, &name, &outlet); err != nil {
			return nil, err
		}
		if outlet == 1 {
			outlets[code] = name
		} else if name != "" {
			out[code] = name
		}
	}
	for code, name := range outlets {
		if out[code] == "" && name != "" {
			out[code] = name
		}
	}
	return out, rows.Err()
}
