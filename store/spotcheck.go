package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/spotcheck"
)

// Spot checks (DOMAIN.md §8, docs/spot-checks.md). A sample belongs to its
// regulator: every read and write here is filtered by the regulator's id,
// and items by the companies the reader oversees, which the application
// passes in (it decides them; storage only filters).

// SpotCheckPopulation reads the population of a spot check: the due
// callbacks of the companies in [from, to] (new-business callbacks whose
// deadline falls in the period, as the indicators count them), with the
// channel and product classes and whether each opened a problem case.
func (db *DB) SpotCheckPopulation(ctx context.Context, orgIDs []int64, from, to huifang.Date) ([]spotcheck.Callback, error) {
	var out []spotcheck.Callback
	for _, org := range orgIDs {
		// The callbacks that opened problem cases, read once: a correlated
		// EXISTS per row costs a fifth of the query on SQLite.
		opened := map[int64]bool{}
		ids, err := queryAll(ctx, db, `SELECT DISTINCT callback_id FROM problem_cases WHERE org_id = ? AND callback_id <> 0`,
			func(s scanner) (int64, error) {
				var id int64
				return id, s.Scan(&id)
			}, org)
		if err != nil {
			return nil, fmt.Errorf("spot-check population: %w", err)
		}
		for _, id := range ids {
			opened[id] = true
		}
		rows, err := db.read.QueryContext(ctx, db.q(`SELECT c.id, c.org_id, c.policy_no, c.channel, COALESCE(pr.design, '')
			FROM callbacks c LEFT JOIN policies p ON p.org_id = c.org_id AND p.policy_no = c.policy_no
			LEFT JOIN products pr ON pr.org_id = p.org_id AND pr.code = p.product_code
			WHERE c.org_id = ? AND c.kind = ? AND c.due_on >= ? AND c.due_on <= ?`), org, huifang.KindNewBusiness, from, to)
		if err != nil {
			return nil, fmt.Errorf("spot-check population: %w", err)
		}
		for rows.Next() {
			var c spotcheck.Callback
			var ch huifang.Channel
			var design huifang.DesignType
			if err := rows.Scan(&c.ID, &c.OrgID, &c.PolicyNo, &ch, &design); err != nil {
				rows.Close()
				return nil, err
			}
			c.Channel, c.Product, c.HadProblem = huifang.ChannelClassOf(ch), huifang.ProductClassOf(design), opened[c.ID]
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// itemBatch is how many items one INSERT writes.
const itemBatch = 200

// CreateSpotCheck stores a drawn sample and its items in one transaction,
// with the audit entry of the draw; sc.ID and the items' IDs are set.
func (db *DB) CreateSpotCheck(ctx context.Context, sc *huifang.SpotCheck, items []huifang.SpotCheckItem, a huifang.Actor) error {
	return db.tx(ctx, func(tx txn) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO spot_checks (regulator_id, period, companies, rate_bp, min_size, seed, population, size,
			drawn_by, drawn_by_id, drawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), sc.RegulatorID, sc.Period,
			strings.Join(sc.Companies, ","), sc.RateBP, sc.Min, strconv.FormatUint(sc.Seed, 10), sc.Population, sc.Size, sc.DrawnBy, sc.DrawnByID,
			ms64(sc.DrawnAt)).Scan(&sc.ID)
		if err != nil {
			return fmt.Errorf("insert spot check: %w", err)
		}
		for start := 0; start < len(items); start += itemBatch {
			batch := items[start:min(start+itemBatch, len(items))]
			var b strings.Builder
			b.WriteString(`INSERT INTO spot_check_items (spot_check_id, org_id, callback_id, policy_no, channel_class, product_class, had_problem) VALUES `)
			args := make([]any, 0, 7*len(batch))
			for i, it := range batch {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, ?)")
				args = append(args, sc.ID, it.OrgID, it.CallbackID, it.PolicyNo, it.Channel, it.Product, it.HadProblem)
			}
			b.WriteString(" RETURNING id, callback_id")
			rows, err := tx.QueryContext(ctx, db.q(b.String()), args...)
			if err != nil {
				return fmt.Errorf("insert spot-check items: %w", err)
			}
			// RETURNING's order is the engine's to choose: match by callback
			// (unique within a sample).
			ids := map[int64]int64{}
			for rows.Next() {
				var id, cb int64
				if err := rows.Scan(&id, &cb); err != nil {
					rows.Close()
					return err
				}
				ids[cb] = id
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for i := range batch {
				batch[i].ID, batch[i].SpotCheckID = ids[batch[i].CallbackID], sc.ID
			}
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: sc.RegulatorID, At: sc.DrawnAt, UserID: a.UserID, Actor: a.Name, Entity: "spot-check",
			Key: fmt.Sprint(sc.ID), Action: "draw", Detail: jsonString(map[string]any{"period": sc.Period, "companies": sc.Companies,
				"rate_bp": sc.RateBP, "min": sc.Min, "seed": strconv.FormatUint(sc.Seed, 10), "population": sc.Population, "size": sc.Size})})
	})
}

const spotCheckCols = `s.id, s.regulator_id, s.period, s.companies, s.rate_bp, s.min_size, s.seed, s.population, s.size, s.drawn_by, s.drawn_by_id, s.drawn_at,
	(SELECT COUNT(*) FROM spot_check_items d WHERE d.spot_check_id = s.id AND d.verdict <> '')`

func scanSpotCheck(s scanner) (huifang.SpotCheck, error) {
	var sc huifang.SpotCheck
	var companies, seed string
	var at int64
	if err := s.Scan(&sc.ID, &sc.RegulatorID, &sc.Period, &companies, &sc.RateBP, &sc.Min, &seed, &sc.Population, &sc.Size, &sc.DrawnBy,
		&sc.DrawnByID, &at, &sc.Decided); err != nil {
		return sc, mapErr(err)
	}
	if companies != "" {
		sc.Companies = strings.Split(companies, ",")
	}
	sc.Seed, _ = strconv.ParseUint(seed, 10, 64)
	sc.DrawnAt = fromMS(at)
	return sc, nil
}

// FindSpotCheck finds one sample of a regulator.
func (db *DB) FindSpotCheck(ctx context.Context, regulatorID, id int64) (*huifang.SpotCheck, error) {
	sc, err := scanSpotCheck(db.queryRow(ctx, db.read, db.q(`SELECT `+spotCheckCols+` FROM spot_checks s WHERE s.regulator_id = ? AND s.id = ?`),
		regulatorID, id))
	if err != nil {
		return nil, err
	}
	return &sc, nil
}

// ListSpotChecks lists a regulator's samples, the latest first.
func (db *DB) ListSpotChecks(ctx context.Context, regulatorID int64, limit int) ([]huifang.SpotCheck, error) {
	q := `SELECT ` + spotCheckCols + ` FROM spot_checks s WHERE s.regulator_id = ? ORDER BY s.id DESC`
	if limit > 0 {
		q += ` LIMIT ` + itoa(limit)
	}
	return queryAll(ctx, db, q, scanSpotCheck, regulatorID)
}

// inIDs adds "col IN (?, ...)" for ids; no ids match nothing.
func (w *where) inIDs(col string, ids []int64) {
	if len(ids) == 0 {
		w.add("1 = 0")
		return
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	w.add(col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+")", args...)
}

const itemCols = `i.id, i.spot_check_id, i.callback_id, i.org_id, o.code, i.policy_no, i.channel_class, i.product_class, i.had_problem,
	COALESCE(c.result, ''), i.assignee_id, COALESCE(u.login, ''), i.verdict, i.note, i.verdict_by, i.verdict_by_id, i.verdict_at, i.case_id`

const itemFrom = ` FROM spot_check_items i JOIN spot_checks s ON s.id = i.spot_check_id JOIN orgs o ON o.id = i.org_id
	LEFT JOIN callbacks c ON c.org_id = i.org_id AND c.id = i.callback_id LEFT JOIN users u ON u.id = i.assignee_id`

func scanItem(s scanner) (huifang.SpotCheckItem, error) {
	var it huifang.SpotCheckItem
	var at int64
	if err := s.Scan(&it.ID, &it.SpotCheckID, &it.CallbackID, &it.OrgID, &it.OrgCode, &it.PolicyNo, &it.Channel, &it.Product, &it.HadProblem,
		&it.Result, &it.AssigneeID, &it.Assignee, &it.Verdict, &it.Note, &it.VerdictBy, &it.VerdictByID, &at, &it.CaseID); err != nil {
		return it, mapErr(err)
	}
	it.VerdictAt = fromMS(at)
	return it, nil
}

func itemWhere(f huifang.SpotCheckItemFilter) where {
	w := where{}
	w.add("s.regulator_id = ?", f.RegulatorID)
	w.addIf(f.SpotCheckID != 0, "i.spot_check_id = ?", f.SpotCheckID)
	w.inIDs("i.org_id", f.OrgIDs)
	w.addIf(f.OrgID != 0, "i.org_id = ?", f.OrgID)
	w.addIf(f.Verdict == huifang.VerdictNone, "i.verdict = ''")
	w.addIf(f.Verdict != "" && f.Verdict != huifang.VerdictNone, "i.verdict = ?", f.Verdict)
	w.addIf(f.AssigneeID != 0, "i.assignee_id = ?", f.AssigneeID)
	return w
}

// ListSpotCheckItems lists items of a regulator's sample, in the sample's
// order (stratum by stratum, by policy number).
func (db *DB) ListSpotCheckItems(ctx context.Context, f huifang.SpotCheckItemFilter) ([]huifang.SpotCheckItem, error) {
	w := itemWhere(f)
	q := `SELECT ` + itemCols + itemFrom + w.sql() + ` ORDER BY i.id`
	if f.Limit > 0 {
		q += ` LIMIT ` + itoa(f.Limit) + ` OFFSET ` + itoa(f.Offset)
	}
	return queryAll(ctx, db, q, scanItem, w.args...)
}

// CountSpotCheckItems counts the items ListSpotCheckItems would list without a limit.
func (db *DB) CountSpotCheckItems(ctx context.Context, f huifang.SpotCheckItemFilter) (int, error) {
	w := itemWhere(f)
	var n int
	err := db.queryRow(ctx, db.read, db.q(`SELECT COUNT(*) FROM spot_check_items i JOIN spot_checks s ON s.id = i.spot_check_id`+w.sql()), w.args...).Scan(&n)
	return n, err
}

// FindSpotCheckItem finds one item of a regulator's sample.
func (db *DB) FindSpotCheckItem(ctx context.Context, regulatorID, checkID, id int64) (*huifang.SpotCheckItem, error) {
	it, err := scanItem(db.queryRow(ctx, db.read, db.q(`SELECT `+itemCols+itemFrom+` WHERE s.regulator_id = ? AND i.spot_check_id = ? AND i.id = ?`),
		regulatorID, checkID, id))
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// RecordVerdict stores the verdict on an item (it.Verdict, Note, VerdictBy,
// VerdictByID, VerdictAt), once: an item with a verdict is a conflict. A
// finding's problem case c (nil for none) is opened at the company in the
// same transaction, counted in the indicators like any other case, and its
// id kept on the item. Audited.
func (db *DB) RecordVerdict(ctx context.Context, regulatorID int64, it *huifang.SpotCheckItem, c *huifang.ProblemCase, a huifang.Actor) error {
	return db.tx(ctx, func(tx txn) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE spot_check_items SET verdict = ?, note = ?, verdict_by = ?, verdict_by_id = ?, verdict_at = ?
			WHERE id = ? AND verdict = '' AND spot_check_id IN (SELECT id FROM spot_checks WHERE regulator_id = ?)`),
			it.Verdict, it.Note, it.VerdictBy, it.VerdictByID, ms64(it.VerdictAt), it.ID, regulatorID)
		if err != nil {
			return fmt.Errorf("record verdict: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return huifang.Errorf(huifang.ECONFLICT, "err.spotcheck.verdict_taken")
		}
		if c != nil {
			if err := db.counted(ctx, db.txQ(tx), c.OrgID, byPolicy(c.PolicyNo), func() error { return db.openCase(ctx, tx, c, a.Name) }); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE spot_check_items SET case_id = ? WHERE id = ?`), c.ID, it.ID); err != nil {
				return err
			}
			it.CaseID = c.ID
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: regulatorID, At: it.VerdictAt, UserID: a.UserID, Actor: a.Name, Entity: "spot-check-item",
			Key: fmt.Sprint(it.ID), Action: "verdict", Detail: jsonString(map[string]any{"spot_check": it.SpotCheckID, "callback": it.CallbackID,
				"company": it.OrgCode, "policy": it.PolicyNo, "verdict": it.Verdict, "note": it.Note, "case": it.CaseID})})
	})
}

// AssignSpotCheckItems gives items of a regulator's sample, of the given
// companies, to a colleague; it returns how many it changed. Audited.
func (db *DB) AssignSpotCheckItems(ctx context.Context, f huifang.SpotCheckItemFilter, itemIDs []int64, assigneeID int64, a huifang.Actor, at time.Time) (int, error) {
	var n int64
	err := db.tx(ctx, func(tx txn) error {
		w := where{}
		w.add("assignee_id <> ?", assigneeID)
		w.inIDs("id", itemIDs)
		w.inIDs("org_id", f.OrgIDs)
		w.add("spot_check_id IN (SELECT id FROM spot_checks WHERE regulator_id = ? AND id = ?)", f.RegulatorID, f.SpotCheckID)
		res, err := tx.ExecContext(ctx, db.q(`UPDATE spot_check_items SET assignee_id = ?`+w.sql()), append([]any{assigneeID}, w.args...)...)
		if err != nil {
			return fmt.Errorf("assign spot-check items: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, huifang.AuditEntry{OrgID: f.RegulatorID, At: at, UserID: a.UserID, Actor: a.Name, Entity: "spot-check",
			Key: fmt.Sprint(f.SpotCheckID), Action: "assign", Detail: jsonString(map[string]any{"items": itemIDs, "to": assigneeID, "changed": n})})
	})
	return int(n), err
}

// SpotCheckProgress counts the items of a regulator's sample, of the given
// companies, by verdict.
func (db *DB) SpotCheckProgress(ctx context.Context, f huifang.SpotCheckItemFilter) (huifang.SpotCheckProgress, error) {
	p := huifang.SpotCheckProgress{By: map[huifang.Verdict]int{}}
	w := itemWhere(huifang.SpotCheckItemFilter{RegulatorID: f.RegulatorID, SpotCheckID: f.SpotCheckID, OrgIDs: f.OrgIDs, OrgID: f.OrgID})
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT i.verdict, COUNT(*) FROM spot_check_items i JOIN spot_checks s ON s.id = i.spot_check_id`+
		w.sql()+` GROUP BY i.verdict`), w.args...)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var v huifang.Verdict
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			return p, err
		}
		p.Size += n
		if v != "" {
			p.Decided += n
			p.By[v] = n
		}
	}
	return p, rows.Err()
}

// SpotCheckConsistency counts, per company, the verdicts of a regulator's
// samples and the consistent ones, companies in orgIDs only.
func (db *DB) SpotCheckConsistency(ctx context.Context, regulatorID int64, orgIDs []int64) ([]huifang.Consistency, error) {
	w := where{}
	w.add("s.regulator_id = ?", regulatorID)
	w.add("i.verdict <> ''")
	w.inIDs("i.org_id", orgIDs)
	return queryAll(ctx, db, `SELECT i.org_id, o.code, COUNT(*), SUM(CASE WHEN i.verdict = 'consistent' THEN 1 ELSE 0 END)
		FROM spot_check_items i JOIN spot_checks s ON s.id = i.spot_check_id JOIN orgs o ON o.id = i.org_id`+w.sql()+` GROUP BY i.org_id, o.code ORDER BY o.code`,
		func(s scanner) (huifang.Consistency, error) {
			var c huifang.Consistency
			return c, s.Scan(&c.OrgID, &c.OrgCode, &c.Verdicts, &c.Consistent)
		}, w.args...)
}
