package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
)

// The indicators' counts are kept in stat_callbacks and stat_cases (schema
// 5): every change to a policy, a callback or a problem case reads the
// facts of the callbacks and cases it touches before and after, inside its
// transaction, and adds the difference of their contributions. A table then
// adds up a few hundred count rows instead of scanning millions of
// callbacks. The full scan (ForEachCallbackFact, ForEachCaseFact) stays as
// the reference the counts are checked against, and RebuildStats recounts
// from it.

// querier runs a query inside whatever transaction a change runs in: a
// database/sql one, or a native pgx one (the PostgreSQL import).
type querier interface {
	query(ctx context.Context, q string, args ...any) (rowsIter, error)
	exec(ctx context.Context, q string, args ...any) (int64, error)
}

type rowsIter interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close()
}

// sqlQ runs on a database/sql transaction or pool. Made by txQ, it runs a
// transaction's statements through the statement cache.
type sqlQ struct {
	q interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}
	tx    *sql.Tx
	cache *stmtCache
	pool  *sql.DB // the pool the transaction is on, whose statements it may use
}

type sqlRows struct {
	*sql.Rows
	done func()
}

func (r sqlRows) Close() {
	r.Rows.Close()
	if r.done != nil {
		r.done()
	}
}

// stmt is the cached statement for q within the transaction, taken until
// done is called; nil when there is none to use.
func (s sqlQ) stmt(ctx context.Context, q string) (*sql.Stmt, func()) {
	if s.tx == nil || s.cache == nil {
		return nil, nil
	}
	st := s.cache.get(ctx, s.pool, q, true)
	if st == nil || !s.cache.take(st) {
		return nil, nil
	}
	return s.tx.StmtContext(ctx, st), func() { s.cache.give(st) }
}

func (s sqlQ) query(ctx context.Context, q string, args ...any) (rowsIter, error) {
	if st, done := s.stmt(ctx, q); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		if err != nil {
			done()
			return nil, err
		}
		return sqlRows{rows, done}, nil
	}
	rows, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{Rows: rows}, nil
}

func (s sqlQ) exec(ctx context.Context, q string, args ...any) (int64, error) {
	var res sql.Result
	var err error
	if st, done := s.stmt(ctx, q); st != nil {
		res, err = st.ExecContext(ctx, args...)
		done()
	} else {
		res, err = s.q.ExecContext(ctx, q, args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (e *pgxExec) query(ctx context.Context, q string, args ...any) (rowsIter, error) {
	rows, err := e.tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return pgxRows{rows}, nil
}

type pgxRows struct{ pgx.Rows }

func (r pgxRows) Scan(dest ...any) error { return r.Rows.Scan(dest...) }

// factSel selects the callbacks (on alias c) and the problem cases (on
// alias pc) whose facts to read; an empty condition reads none.
type factSel struct {
	// policies selects the policies (alias p) whose callbacks and cases
	// these are: a change locks them first (see counted).
	policies  string
	pArgs     []any
	callbacks string
	cbArgs    []any
	cases     string
	csArgs    []any
}

// callbackFactSQL reads the facts of an insurer's callbacks owed to a
// policy: new-business and orphan-policy callbacks. For an orphan callback
// it also reads when a re-callback confirming one of the problem cases it
// opened ended successful (the earliest), which makes it count as
// successful (indicator.CallbackFact.RecalledOn).
const callbackFactSQL = `SELECT c.due_on, c.branch_code, c.channel, COALESCE(pr.design, ''), p.holder_birth,
		c.result, c.method, c.finished_at,
		(SELECT COUNT(*) FROM problem_cases x WHERE x.org_id = c.org_id AND x.callback_id = c.id),
		COALESCE(p.agent_code, ''), COALESCE(p.outlet_code, ''), c.kind,
		CASE WHEN c.kind = 'orphan' THEN COALESCE((SELECT MIN(r.finished_at) FROM problem_cases x
			JOIN callbacks r ON r.org_id = x.org_id AND r.policy_no = x.policy_no AND r.kind = 're-callback' AND r.case_id = x.id
			WHERE x.org_id = c.org_id AND x.callback_id = c.id AND r.result = 'successful'), 0) ELSE 0 END
		FROM callbacks c
		LEFT JOIN policies p ON p.org_id = c.org_id AND p.policy_no = c.policy_no
		LEFT JOIN products pr ON pr.org_id = p.org_id AND pr.code = p.product_code
		WHERE c.org_id = ? AND c.kind IN ('new-business', 'orphan') AND `

// caseFactSQL reads the facts of an insurer's problem cases.
const caseFactSQL = `SELECT pc.type, pc.branch_code, pc.channel, COALESCE(pr.design, ''), pc.opened_on, pc.due_on,
		pc.status, pc.resolved_at, pc.closed_at, COALESCE(p.agent_code, ''), COALESCE(p.outlet_code, '')
		FROM problem_cases pc
		LEFT JOIN policies p ON p.org_id = pc.org_id AND p.policy_no = pc.policy_no
		LEFT JOIN products pr ON pr.org_id = p.org_id AND pr.code = p.product_code
		WHERE pc.org_id = ? AND `

// seller is the agent, or the bank outlet where there is one.
func seller(agent, outlet string) string {
	if outlet != "" {
		return outlet
	}
	return agent
}

func (db *DB) callbackFacts(ctx context.Context, q querier, orgID int64, cond string, args []any, fn func(indicator.CallbackFact) error) error {
	rows, err := q.query(ctx, db.q(callbackFactSQL+cond), append([]any{orgID}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f indicator.CallbackFact
		var birth huifang.Date
		var finished int64
		var agent, outlet string
		var kind huifang.CallbackKind
		var recalled int64
		if err := rows.Scan(&f.DueOn, &f.Branch, &f.Channel, &f.Design, &birth, &f.Result, &f.Method, &finished, &f.Problems, &agent, &outlet,
			&kind, &recalled); err != nil {
			return err
		}
		f.Orphan = kind == huifang.KindOrphan
		if recalled != 0 {
			f.RecalledOn = huifang.DateOf(fromMS(recalled))
		}
		f.Aged60 = aged60(birth, f.DueOn)
		f.Seller = seller(agent, outlet)
		if f.Result != "" && finished != 0 {
			f.FinishedOn = huifang.DateOf(fromMS(finished))
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (db *DB) caseFacts(ctx context.Context, q querier, orgID int64, cond string, args []any, fn func(indicator.CaseFact) error) error {
	rows, err := q.query(ctx, db.q(caseFactSQL+cond), append([]any{orgID}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f indicator.CaseFact
		var resolved, closed sql.NullInt64
		var agent, outlet string
		if err := rows.Scan(&f.Type, &f.Branch, &f.Channel, &f.Design, &f.OpenedOn, &f.DueOn, &f.Status, &resolved, &closed, &agent, &outlet); err != nil {
			return err
		}
		f.Seller = seller(agent, outlet)
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

// ForEachCallbackFact streams the facts of an insurer's callbacks owed to a
// policy (new business and orphan policies) whose deadline falls in [from, to]: a full scan, the
// reference the counts are checked against. What a fact counts for is
// decided by package indicator, not here.
func (db *DB) ForEachCallbackFact(ctx context.Context, orgID int64, from, to huifang.Date, fn func(indicator.CallbackFact) error) error {
	return db.callbackFacts(ctx, sqlQ{q: db.read}, orgID, `c.due_on >= ? AND c.due_on <= ?`, []any{from, to}, fn)
}

// ForEachCaseFact streams the facts of an insurer's problem cases opened or
// due in [from, to].
func (db *DB) ForEachCaseFact(ctx context.Context, orgID int64, from, to huifang.Date, fn func(indicator.CaseFact) error) error {
	return db.caseFacts(ctx, sqlQ{q: db.read}, orgID, `((pc.opened_on >= ? AND pc.opened_on <= ?) OR (pc.due_on >= ? AND pc.due_on <= ?))`,
		[]any{from, to, from, to}, fn)
}

// ForEachFactIn streams the callback and problem-case facts of the period
// (as ForEachCallbackFact and ForEachCaseFact) of some branches only: the
// recount the drill-down by seller's kept counts are checked against, and
// the running month's callbacks due so far beside them. A nil cs reads no
// problem cases.
func (db *DB) ForEachFactIn(ctx context.Context, orgID int64, from, to huifang.Date, branches []string,
	cb func(indicator.CallbackFact) error, cs func(indicator.CaseFact) error) error {
	if len(branches) == 0 {
		return nil
	}
	if err := db.ForEachCallbackFactIn(ctx, orgID, from, to, branches, "", "", cb); err != nil {
		return err
	}
	if cs == nil {
		return nil
	}
	in, bargs := db.inStrings(branches)
	return db.caseFacts(ctx, sqlQ{q: db.read}, orgID, `((pc.opened_on >= ? AND pc.opened_on <= ?) OR (pc.due_on >= ? AND pc.due_on <= ?)) AND pc.branch_code `+in,
		append([]any{from, to, from, to}, bargs...), cs)
}

// ForEachCallbackFactIn streams the facts of the callbacks (as
// ForEachCallbackFact) of some branches whose deadline falls in [from,
// to], and, when not "", of one channel and one design type only: the
// running month's callbacks due so far beside the kept seller counts,
// narrowed in the database as ReadSellerStats narrows those (a drill-down
// by outlet reads the bancassurance callbacks, not every one).
func (db *DB) ForEachCallbackFactIn(ctx context.Context, orgID int64, from, to huifang.Date, branches []string, channel, design string,
	fn func(indicator.CallbackFact) error) error {
	if len(branches) == 0 {
		return nil
	}
	in, bargs := db.inStrings(branches)
	cond := `c.due_on >= ? AND c.due_on <= ? AND c.branch_code ` + in
	args := append([]any{from, to}, bargs...)
	if channel != "" {
		cond += ` AND c.channel = ?`
		args = append(args, channel)
	}
	if design != "" {
		cond += ` AND COALESCE(pr.design, '') = ?`
		args = append(args, design)
	}
	return db.callbackFacts(ctx, sqlQ{q: db.read}, orgID, cond, args, fn)
}

// aged60 reports whether someone born on birth is 60 or over on day.
func aged60(birth, day huifang.Date) bool {
	if birth.IsZero() {
		return false
	}
	sixty := huifang.NewDate(birth.Year()+60, birth.Month(), 1).AddDays(birth.Day() - 1)
	return !sixty.After(day)
}

// statDelta is a change to the stored counts: those of stat_callbacks and
// stat_cases (every dimension but the seller), and those of
// stat_seller_callbacks and stat_seller_cases (the seller, with the month,
// branch, channel, design type and, for callbacks, orphan or not; the
// other fields of their keys are zero).
type statDelta struct {
	cb  map[indicator.CallbackKey]indicator.CallbackCounts
	cs  map[indicator.CaseKey]indicator.CaseCounts
	ccb map[indicator.CallbackKey]indicator.CallbackCounts // the company's: cb's added up over the branches
	ccs map[indicator.CaseKey]indicator.CaseCounts
	scb map[indicator.CallbackKey]indicator.CallbackCounts
	scs map[indicator.CaseKey]indicator.CaseCounts
	day map[dayKey]indicator.CallbackCounts // by the day of the deadline, orphans left out
}

// dayKey is a key of stat_day_callbacks: a callback key without its month
// and seller, and the day of the deadline.
type dayKey struct {
	due huifang.Date
	k   indicator.CallbackKey
}

func newDelta() *statDelta {
	return &statDelta{cb: map[indicator.CallbackKey]indicator.CallbackCounts{}, cs: map[indicator.CaseKey]indicator.CaseCounts{},
		ccb: map[indicator.CallbackKey]indicator.CallbackCounts{}, ccs: map[indicator.CaseKey]indicator.CaseCounts{},
		scb: map[indicator.CallbackKey]indicator.CallbackCounts{}, scs: map[indicator.CaseKey]indicator.CaseCounts{},
		day: map[dayKey]indicator.CallbackCounts{}}
}

// sellerCallbackKey is the key of a callback's seller counts.
func sellerCallbackKey(k indicator.CallbackKey) indicator.CallbackKey {
	return indicator.CallbackKey{Month: k.Month, Seller: k.Seller, Branch: k.Branch, Channel: k.Channel, Design: k.Design, Orphan: k.Orphan}
}

// sellerCaseKey is the key of a problem case's seller counts.
func sellerCaseKey(k indicator.CaseKey) indicator.CaseKey {
	return indicator.CaseKey{Month: k.Month, Seller: k.Seller, Branch: k.Branch, Channel: k.Channel, Design: k.Design}
}

func (d *statDelta) addCallback(f indicator.CallbackFact, sign int64) {
	k, n, ok := f.Contribution()
	if !ok {
		return
	}
	sk := sellerCallbackKey(k)
	c := d.scb[sk]
	c.Add(n, sign)
	d.scb[sk] = c
	k.Seller = "" // kept apart, in the seller counts
	c = d.cb[k]
	c.Add(n, sign)
	d.cb[k] = c
	ck := k
	ck.Branch = ""
	c = d.ccb[ck]
	c.Add(n, sign)
	d.ccb[ck] = c
	if !k.Orphan {
		dk := dayKey{f.DueOn, k}
		dk.k.Month = indicator.Period{}
		c = d.day[dk]
		c.Add(n, sign)
		d.day[dk] = c
	}
}

func (d *statDelta) addCase(f indicator.CaseFact, sign int64) {
	for k, n := range f.Contributions() {
		sk := sellerCaseKey(k)
		c := d.scs[sk]
		c.Add(n, sign)
		d.scs[sk] = c
		k.Seller = ""
		c = d.cs[k]
		c.Add(n, sign)
		d.cs[k] = c
		k.Branch = ""
		c = d.ccs[k]
		c.Add(n, sign)
		d.ccs[k] = c
	}
}

// newPolicies adds the contributions of new policies' planned callbacks,
// from the records themselves (an import need not read back what it just
// wrote): each new-business callback is due, unfinished, with no problem
// case, as callbackFacts would read it.
func (d *statDelta) newPolicies(designs map[string]huifang.DesignType, rs []*huifang.PolicyRecord) {
	for _, r := range rs {
		for _, p := range r.Plans {
			if p.Kind != huifang.KindNewBusiness {
				continue
			}
			d.addCallback(indicator.CallbackFact{DueOn: p.DueOn, Branch: r.BranchCode, Channel: r.Channel,
				Design: designs[r.ProductCode], Aged60: aged60(r.HolderBirth, p.DueOn), Seller: seller(r.AgentCode, r.OutletCode)}, 1)
		}
	}
}

// productDesigns maps an insurer's product codes to their design types.
func (db *DB) productDesigns(ctx context.Context, q querier, orgID int64) (map[string]huifang.DesignType, error) {
	rows, err := q.query(ctx, db.q(`SELECT code, design FROM products WHERE org_id = ?`), orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]huifang.DesignType{}
	for rows.Next() {
		var code string
		var d huifang.DesignType
		if err := rows.Scan(&code, &d); err != nil {
			return nil, err
		}
		out[code] = d
	}
	return out, rows.Err()
}

// read adds (sign +1) or takes away (-1) the contributions of the selected
// callbacks and cases as they are now.
func (db *DB) readDelta(ctx context.Context, q querier, orgID int64, sel factSel, sign int64, d *statDelta) error {
	if sel.callbacks != "" {
		if err := db.callbackFacts(ctx, q, orgID, sel.callbacks, sel.cbArgs, func(f indicator.CallbackFact) error {
			d.addCallback(f, sign)
			return nil
		}); err != nil {
			return fmt.Errorf("count callbacks: %w", err)
		}
	}
	if sel.cases != "" {
		if err := db.caseFacts(ctx, q, orgID, sel.cases, sel.csArgs, func(f indicator.CaseFact) error {
			d.addCase(f, sign)
			return nil
		}); err != nil {
			return fmt.Errorf("count problem cases: %w", err)
		}
	}
	return nil
}

// counted runs change inside a transaction and keeps the counts of the
// selected callbacks and cases up to date: their contributions before are
// taken away, their contributions after added. sel may name rows the change
// creates.
func (db *DB) counted(ctx context.Context, q querier, orgID int64, sel factSel, change func() error) error {
	if err := db.lockPolicies(ctx, q, orgID, sel); err != nil {
		return err
	}
	d := newDelta()
	if err := db.readDelta(ctx, q, orgID, sel, -1, d); err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	if err := db.readDelta(ctx, q, orgID, sel, 1, d); err != nil {
		return err
	}
	return db.saveDelta(ctx, q, orgID, d)
}

// A change is counted policy by policy: it selects every callback and
// problem case of the policies it touches, which are few per policy.

// policySel selects the callbacks and cases of the policies whose number
// matches cond (written for a column named policy_no).
func policySel(cond string, args ...any) factSel {
	return factSel{policies: `p.policy_no ` + cond, pArgs: args, callbacks: `c.policy_no ` + cond, cbArgs: args, cases: `pc.policy_no ` + cond, csArgs: args}
}

// byPolicy selects the callbacks and cases of one policy.
func byPolicy(no string) factSel { return policySel(`= ?`, no) }

// byCallbackPolicy selects those of the policy of a callback.
func byCallbackPolicy(orgID, id int64) factSel {
	return policySel(`= (SELECT policy_no FROM callbacks WHERE org_id = ? AND id = ?)`, orgID, id)
}

// byCasePolicy selects those of the policy of a problem case.
func byCasePolicy(orgID, id int64) factSel {
	return policySel(`= (SELECT policy_no FROM problem_cases WHERE org_id = ? AND id = ?)`, orgID, id)
}

// byPolicies selects those of many policies (an import's batch).
func (db *DB) byPolicies(nos []string) factSel {
	// On PostgreSQL a hashed semi-join: "= ANY(array)" compared every row
	// with the whole array (an import of 100,000 policies took 50 s
	// instead of 4).
	cond, args := db.inStrings(nos)
	return policySel(cond, args...)
}

// lockPolicies locks the selected policies on PostgreSQL, in order, so
// that two changes to one policy's callbacks and cases are counted one
// after the other: each reads the facts before it with the other's change
// committed. (SQLite has one writer at a time.)
func (db *DB) lockPolicies(ctx context.Context, q querier, orgID int64, sel factSel) error {
	if db.engine != Postgres || sel.policies == "" {
		return nil
	}
	rows, err := q.query(ctx, db.q(`SELECT p.policy_no FROM policies p WHERE p.org_id = ? AND `+sel.policies+` ORDER BY p.policy_no FOR UPDATE`),
		append([]any{orgID}, sel.pArgs...)...)
	if err != nil {
		return fmt.Errorf("lock policies: %w", err)
	}
	rows.Close()
	return rows.Err()
}

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// saveDelta adds a change to the stored counts, in key order (so that
// concurrent changes lock rows in one order and cannot deadlock), many
// rows a statement.
func (db *DB) saveDelta(ctx context.Context, q querier, orgID int64, d *statDelta) error {
	cbOrder := func(a, b indicator.CallbackKey) int {
		return cmp.Or(cmp.Compare(a.Month.String(), b.Month.String()), cmp.Compare(a.Branch, b.Branch), cmp.Compare(a.Channel, b.Channel),
			cmp.Compare(a.Design, b.Design), cmp.Compare(bit(a.Orphan), bit(b.Orphan)), cmp.Compare(bit(a.Aged60), bit(b.Aged60)), cmp.Compare(a.Method, b.Method))
	}
	csOrder := func(a, b indicator.CaseKey) int {
		return cmp.Or(cmp.Compare(a.Month.String(), b.Month.String()), cmp.Compare(a.Branch, b.Branch), cmp.Compare(a.Channel, b.Channel),
			cmp.Compare(a.Design, b.Design), cmp.Compare(a.Type, b.Type))
	}
	cbCounts := func(n indicator.CallbackCounts) []any {
		return []any{n.Due, n.Successful, n.SuccessfulInPeriod, n.Completed, n.Problems}
	}
	csCounts := func(n indicator.CaseCounts) []any {
		return []any{n.Opened, n.Due, n.Resolved, n.Closed, n.ClosedOnTime, n.Pending}
	}
	for _, t := range []struct {
		table, what string
		keyCols     []string
		rows        [][]any
		counts      []string
	}{
		{"stat_callbacks", "callback counts", []string{"month", "branch_code", "channel", "design", "orphan", "aged60", "method"},
			countRows(d.cb, cbOrder, func(k indicator.CallbackKey, n indicator.CallbackCounts) []any {
				return append([]any{orgID, k.Month.String(), k.Branch, string(k.Channel), string(k.Design), bit(k.Orphan), bit(k.Aged60), string(k.Method)}, cbCounts(n)...)
			}), callbackCountCols},
		{"stat_cases", "problem-case counts", []string{"month", "branch_code", "channel", "design", "type"},
			countRows(d.cs, csOrder, func(k indicator.CaseKey, n indicator.CaseCounts) []any {
				return append([]any{orgID, k.Month.String(), k.Branch, string(k.Channel), string(k.Design), string(k.Type)}, csCounts(n)...)
			}), caseCountCols},
		// The same added up over the branches (schema 26).
		{"stat_company_callbacks", "company callback counts", []string{"month", "channel", "design", "orphan", "aged60", "method"},
			countRows(d.ccb, cbOrder, func(k indicator.CallbackKey, n indicator.CallbackCounts) []any {
				return append([]any{orgID, k.Month.String(), string(k.Channel), string(k.Design), bit(k.Orphan), bit(k.Aged60), string(k.Method)}, cbCounts(n)...)
			}), callbackCountCols},
		{"stat_company_cases", "company problem-case counts", []string{"month", "channel", "design", "type"},
			countRows(d.ccs, csOrder, func(k indicator.CaseKey, n indicator.CaseCounts) []any {
				return append([]any{orgID, k.Month.String(), string(k.Channel), string(k.Design), string(k.Type)}, csCounts(n)...)
			}), caseCountCols},
		{"stat_seller_callbacks", "seller callback counts", []string{"month", "seller", "branch_code", "channel", "design", "orphan"},
			countRows(d.scb, func(a, b indicator.CallbackKey) int {
				return cmp.Or(cmp.Compare(a.Month.String(), b.Month.String()), cmp.Compare(a.Seller, b.Seller), cbOrder(a, b))
			}, func(k indicator.CallbackKey, n indicator.CallbackCounts) []any {
				return append([]any{orgID, k.Month.String(), k.Seller, k.Branch, string(k.Channel), string(k.Design), bit(k.Orphan)}, cbCounts(n)...)
			}), callbackCountCols},
		{"stat_seller_cases", "seller problem-case counts", []string{"month", "seller", "branch_code", "channel", "design"},
			countRows(d.scs, func(a, b indicator.CaseKey) int {
				return cmp.Or(cmp.Compare(a.Month.String(), b.Month.String()), cmp.Compare(a.Seller, b.Seller), csOrder(a, b))
			}, func(k indicator.CaseKey, n indicator.CaseCounts) []any {
				return append([]any{orgID, k.Month.String(), k.Seller, k.Branch, string(k.Channel), string(k.Design)}, csCounts(n)...)
			}), caseCountCols},
		{"stat_day_callbacks", "callback counts by day", []string{"due_on", "branch_code", "channel", "design", "aged60", "method"},
			countRows(d.day, func(a, b dayKey) int {
				return cmp.Or(cmp.Compare(a.due.String(), b.due.String()), cbOrder(a.k, b.k))
			}, func(dk dayKey, n indicator.CallbackCounts) []any {
				k := dk.k
				return append([]any{orgID, dk.due.String(), k.Branch, string(k.Channel), string(k.Design), bit(k.Aged60), string(k.Method)}, cbCounts(n)...)
			}), callbackCountCols},
	} {
		if err := db.addCounts(ctx, q, t.table, t.keyCols, t.counts, t.rows); err != nil {
			return fmt.Errorf("save %s: %w", t.what, err)
		}
	}
	return nil
}

// countRows lists the rows of a change to a counts table, in key order,
// leaving out the keys whose counts did not change.
func countRows[K comparable, N interface{ IsZero() bool }](m map[K]N, order func(a, b K) int, row func(K, N) []any) [][]any {
	var rows [][]any
	for _, k := range slices.SortedFunc(maps.Keys(m), order) {
		if n := m[k]; !n.IsZero() {
			rows = append(rows, row(k, n))
		}
	}
	return rows
}

// ReadDayStats reads an insurer's callback counts of the deadlines from
// from to to, added up by key (the month of each key is the month of its
// days; orphan-policy callbacks are not in them): what a running month's
// callbacks due so far count.
func (db *DB) ReadDayStats(ctx context.Context, orgID int64, from, to huifang.Date) (map[indicator.CallbackKey]indicator.CallbackCounts, error) {
	out := map[indicator.CallbackKey]indicator.CallbackCounts{}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT due_on, branch_code, channel, design, aged60, method,
		due, successful, successful_in_period, completed, problems FROM stat_day_callbacks WHERE org_id = ? AND due_on >= ? AND due_on <= ?`),
		orgID, from.String(), to.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k indicator.CallbackKey
		var n indicator.CallbackCounts
		var day huifang.Date
		var old int
		if err := rows.Scan(&day, &k.Branch, &k.Channel, &k.Design, &old, &k.Method,
			&n.Due, &n.Successful, &n.SuccessfulInPeriod, &n.Completed, &n.Problems); err != nil {
			return nil, err
		}
		k.Month, k.Aged60 = indicator.MonthOf(day), old != 0
		c := out[k]
		c.Add(n, 1)
		out[k] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	maps.DeleteFunc(out, func(_ indicator.CallbackKey, n indicator.CallbackCounts) bool { return n.IsZero() })
	return out, nil
}

var (
	callbackCountCols = []string{"due", "successful", "successful_in_period", "completed", "problems"}
	caseCountCols     = []string{"opened", "due", "resolved", "closed", "closed_on_time", "pending"}
)

// countBatch is how many count rows one statement adds.
const countBatch = 100

// addCounts adds rows of counts (org_id, the key columns, then the count
// columns) to a counts table: inserted, or added to the row of the same
// key. The keys of rows are distinct.
func (db *DB) addCounts(ctx context.Context, q querier, table string, keyCols, countCols []string, rows [][]any) error {
	cols := append(append([]string{"org_id"}, keyCols...), countCols...)
	one := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
	sets := make([]string, len(countCols))
	for i, c := range countCols {
		sets[i] = c + " = " + table + "." + c + " + excluded." + c
	}
	tail := " ON CONFLICT (org_id, " + strings.Join(keyCols, ", ") + ") DO UPDATE SET " + strings.Join(sets, ", ")
	for len(rows) > 0 {
		n := min(len(rows), countBatch)
		args := make([]any, 0, n*len(cols))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		stmt := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + one + strings.Repeat(", "+one, n-1) + tail
		if _, err := q.exec(ctx, db.q(stmt), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// ReadStats reads an insurer's counts for a period, overdue cases as of
// asOf, added up over the parts of the keys that n does not need: over the
// branches (under the branch ""; a table of the whole company reads a few
// hundred rows rather than tens of thousands), over the age bands and
// methods (under "under 60" and no method), over the problem types (under
// type ""). Grouped in the keys' order where the branch is kept, a
// drill-down by branch reads a few thousand rows with no sort.
func (db *DB) ReadStats(ctx context.Context, orgID int64, p indicator.Period, asOf huifang.Date, n indicator.Needs) (indicator.StatCounts, error) {
	out := indicator.StatCounts{Callbacks: map[indicator.CallbackKey]indicator.CallbackCounts{}, Cases: map[indicator.CaseKey]indicator.CaseCounts{},
		Overdue: map[indicator.CaseKey]int64{}}
	from, to := p.Months()[0].String(), p.Months()[len(p.Months())-1].String()
	// Each table's key columns, in its primary key's order, and what is
	// read in place of those not needed.
	// Without the branch, the counts kept added up over the branches
	// (schema 26), which have no branch column.
	cbTable, csTable := "stat_callbacks", "stat_cases"
	if !n.Branch {
		cbTable, csTable = "stat_company_callbacks", "stat_company_cases"
	}
	read := func(cols []string, counts []string) (sel string, added []string, group string) {
		var by, as []string
		dropped := false
		for _, c := range cols {
			switch {
			case c == "branch_code" && !n.Branch:
				as = append(as, `''`) // not a column of the company's counts
			case c == "type" && !n.Type, c == "method" && !n.Detail:
				as, dropped = append(as, `''`), true
			case c == "aged60" && !n.Detail:
				as, dropped = append(as, `0`), true
			default:
				as, by = append(as, c), append(by, c)
			}
		}
		if !dropped {
			return strings.Join(as, ", "), counts, ``
		}
		return strings.Join(as, ", "), sums(counts), ` GROUP BY ` + strings.Join(by, ", ")
	}
	csCols := []string{"month", "branch_code", "channel", "design", "type"}
	cbSel, cbSums, cbGroup := read([]string{"month", "branch_code", "channel", "design", "orphan", "aged60", "method"}, callbackCountCols)
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT `+cbSel+`, `+strings.Join(cbSums, ", ")+
		` FROM `+cbTable+` WHERE org_id = ? AND month >= ? AND month <= ?`+cbGroup), orgID, from, to)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var k indicator.CallbackKey
		var n indicator.CallbackCounts
		var month string
		var orphan, old int
		if err := rows.Scan(&month, &k.Branch, &k.Channel, &k.Design, &orphan, &old, &k.Method,
			&n.Due, &n.Successful, &n.SuccessfulInPeriod, &n.Completed, &n.Problems); err != nil {
			return out, err
		}
		if k.Month, err = indicator.ParsePeriod(month); err != nil {
			return out, err
		}
		k.Orphan, k.Aged60 = orphan != 0, old != 0
		if !n.IsZero() { // a group whose callbacks all moved elsewhere
			out.Callbacks[k] = n
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	csSel, csSums, csGroup := read(csCols, caseCountCols)
	rows, err = db.read.QueryContext(ctx, db.q(`SELECT `+csSel+`, `+strings.Join(csSums, ", ")+
		` FROM `+csTable+` WHERE org_id = ? AND month >= ? AND month <= ?`+csGroup), orgID, from, to)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var k indicator.CaseKey
		var n indicator.CaseCounts
		var month string
		if err := rows.Scan(&month, &k.Branch, &k.Channel, &k.Design, &k.Type, &n.Opened, &n.Due, &n.Resolved, &n.Closed, &n.ClosedOnTime, &n.Pending); err != nil {
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
	// Pending past the deadline depends on the day, not on a change. Cases
	// due in a month before the day's month are all past it: their pending
	// count is kept. Only the day's own month is counted from the rows, the
	// few open cases due in it before the day, through their own index.
	month := indicator.MonthOf(asOf)
	for k, n := range out.Cases {
		if n.Pending != 0 && k.Month.First().Before(month.First()) {
			out.Overdue[k] += n.Pending
		}
	}
	if !p.Contains(asOf) || asOf == month.First() {
		return out, nil
	}
	caseBranch, caseType, group := `pc.branch_code`, `pc.type`, []string{`pc.branch_code`, `pc.channel`, `COALESCE(pr.design, '')`, `pc.type`}
	if !n.Branch {
		caseBranch, group = `''`, slices.DeleteFunc(group, func(c string) bool { return c == `pc.branch_code` })
	}
	if !n.Type {
		caseType, group = `''`, slices.DeleteFunc(group, func(c string) bool { return c == `pc.type` })
	}
	rows, err = db.read.QueryContext(ctx, db.q(`SELECT `+caseBranch+`, pc.channel, COALESCE(pr.design, ''), `+caseType+`, COUNT(*)
		FROM problem_cases pc
		LEFT JOIN policies p ON p.org_id = pc.org_id AND p.policy_no = pc.policy_no
		LEFT JOIN products pr ON pr.org_id = p.org_id AND pr.code = p.product_code
		WHERE pc.org_id = ? AND pc.status NOT IN ('resolved', 'closed') AND pc.due_on >= ? AND pc.due_on < ?
		GROUP BY `+strings.Join(group, ", ")), orgID, month.First(), asOf)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		k := indicator.CaseKey{Month: month}
		var n int64
		if err := rows.Scan(&k.Branch, &k.Channel, &k.Design, &k.Type, &n); err != nil {
			return out, err
		}
		out.Overdue[k] += n
	}
	return out, rows.Err()
}

// sums are SQL sums of count columns, named as the columns.
func sums(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "SUM(" + c + ")"
	}
	return out
}

// RebuildStats recounts an insurer's stored counts from its rows, in one
// transaction: what the counts must always equal.
func (db *DB) RebuildStats(ctx context.Context, orgID int64) error {
	if db.engine == Postgres {
		// The recount joins every callback to its policy and counts its
		// problem cases: without fresh statistics (autovacuum may be off or
		// behind a large import) the planner walks every case per callback.
		if _, err := db.write.ExecContext(ctx, `ANALYZE callbacks, problem_cases, policies, products`); err != nil {
			return err
		}
	}
	if err := db.tx(ctx, func(tx txn) error { return db.rebuildStats(ctx, tx, orgID) }); err != nil {
		return err
	}
	if db.engine != Postgres {
		return nil
	}
	// Every count row was just written: the planner's statistics of the
	// counts tables, which autovacuum may be slow to refresh or not run at
	// all, are refreshed now (without them the drill-down by seller's
	// aggregate sorts on disk behind a nested loop: 3 times slower).
	_, err := db.write.ExecContext(ctx, `ANALYZE stat_callbacks, stat_cases, stat_company_callbacks, stat_company_cases, stat_seller_callbacks, stat_seller_cases, stat_day_callbacks, stat_qa_days`)
	return err
}

func (db *DB) rebuildStats(ctx context.Context, tx txn, orgID int64) error {
	q := db.txQ(tx)
	for _, t := range []string{"stat_callbacks", "stat_cases", "stat_company_callbacks", "stat_company_cases", "stat_seller_callbacks", "stat_seller_cases", "stat_day_callbacks"} {
		if _, err := q.exec(ctx, db.q(`DELETE FROM `+t+` WHERE org_id = ?`), orgID); err != nil {
			return err
		}
	}
	d := newDelta()
	if err := db.readDelta(ctx, q, orgID, factSel{callbacks: `1 = 1`, cases: `1 = 1`}, 1, d); err != nil {
		return err
	}
	if err := db.saveDelta(ctx, q, orgID, d); err != nil {
		return err
	}
	if err := db.rebuildQA(ctx, q, orgID); err != nil {
		return err
	}
	_, err := q.exec(ctx, db.q(`DELETE FROM stat_rebuild WHERE org_id = ?`), orgID)
	return err
}

// rebuildMarked builds the counts of the insurers a migration marked.
func (db *DB) rebuildMarked(ctx context.Context) error {
	rows, err := db.write.QueryContext(ctx, `SELECT org_id FROM stat_rebuild ORDER BY org_id`)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if err := db.RebuildStats(ctx, id); err != nil {
			return fmt.Errorf("count the indicators of insurer %d: %w", id, err)
		}
	}
	return nil
}
