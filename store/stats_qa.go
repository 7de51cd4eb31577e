package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

// The QA figures per operator are kept by the Beijing day in stat_qa_days
// (schema 25), in the same transaction as what they count: an attempt
// (ChangeCallback), a callback finished (ChangeCallback, the callback-record
// import) or opened anew (a problem case's re-callback asked again), an
// evaluation scored or changed (UpdateQAEvaluation). QAFigures reads them;
// recountQAFigures counts the same from the rows, what they must equal.

// qaKey is a row of stat_qa_days: a day and a user.
type qaKey struct {
	day  huifang.Date
	user int64
}

// qaCounts are the counts of one user on one day.
type qaCounts struct {
	attempts, answered, finished, completed, evaluated, scoreSum, critical int64
}

// qaDelta is a change to stat_qa_days.
type qaDelta map[qaKey]qaCounts

func (d qaDelta) add(at time.Time, user int64, n qaCounts, sign int64) {
	if user == 0 || at.IsZero() {
		return
	}
	k := qaKey{huifang.DateOf(at), user}
	c := d[k]
	c.attempts += sign * n.attempts
	c.answered += sign * n.answered
	c.finished += sign * n.finished
	c.completed += sign * n.completed
	c.evaluated += sign * n.evaluated
	c.scoreSum += sign * n.scoreSum
	c.critical += sign * n.critical
	d[k] = c
}

// attempt counts an attempt the user made.
func (d qaDelta) attempt(user int64, at time.Time, o huifang.AttemptOutcome) {
	d.add(at, user, qaCounts{attempts: 1, answered: int64(bit(o == huifang.AttemptAnswered))}, 1)
}

// finish adds (sign +1) or takes away (-1) a callback as it counts: once
// done, for the user who finished it, on the day it was finished.
func (d qaDelta) finish(c *huifang.Callback, sign int64) {
	if c == nil || c.Status != huifang.StatusDone {
		return
	}
	completed := c.Result == huifang.ResultSuccessful || c.Result == huifang.ResultProblems
	d.add(c.FinishedAt, c.FinishedBy, qaCounts{finished: 1, completed: int64(bit(completed))}, sign)
}

// evaluation adds or takes away an evaluation as it counts: a first
// evaluation (not a calibration) once scored, for the operator evaluated,
// on the day it was scored.
func (d qaDelta) evaluation(e *huifang.QAEvaluation, sign int64) {
	if e.PairID != 0 || !e.Status.Scored() {
		return
	}
	d.add(e.EvaluatedAt, e.OperatorID, qaCounts{evaluated: 1, scoreSum: int64(e.Score), critical: int64(bit(e.CriticalFail))}, sign)
}

var qaCountCols = []string{"attempts", "answered", "finished", "completed", "evaluated", "score_sum", "critical_failures"}

// saveQA adds a change to stat_qa_days, in key order.
func (db *DB) saveQA(ctx context.Context, q querier, orgID int64, d qaDelta) error {
	var rows [][]any
	for _, k := range slices.SortedFunc(maps.Keys(d), func(a, b qaKey) int {
		return cmp.Or(cmp.Compare(a.day.String(), b.day.String()), cmp.Compare(a.user, b.user))
	}) {
		if n := d[k]; n != (qaCounts{}) {
			rows = append(rows, []any{orgID, k.day.String(), k.user, n.attempts, n.answered, n.finished, n.completed, n.evaluated, n.scoreSum, n.critical})
		}
	}
	if err := db.addCounts(ctx, q, "stat_qa_days", []string{"day", "user_id"}, qaCountCols, rows); err != nil {
		return fmt.Errorf("save qa counts: %w", err)
	}
	return nil
}

// qaDay is the SQL of the Beijing day ('2026-03-09') of a time column in
// milliseconds. China has kept UTC+8 all year since 1991.
func (db *DB) qaDay(col string) string {
	if db.engine == Postgres {
		return `to_char(TIMESTAMP 'epoch' + (` + col + ` / 1000 + 28800) * INTERVAL '1 second', 'YYYY-MM-DD')`
	}
	return `date(` + col + ` / 1000 + 28800, 'unixepoch')`
}

// rebuildQA recounts an insurer's stat_qa_days from its attempts, finished
// callbacks and evaluations, as migration 0025 filled it.
func (db *DB) rebuildQA(ctx context.Context, q querier, orgID int64) error {
	if _, err := q.exec(ctx, db.q(`DELETE FROM stat_qa_days WHERE org_id = ?`), orgID); err != nil {
		return err
	}
	critical := `critical_fail`
	if db.engine == Postgres {
		critical = `CASE WHEN critical_fail THEN 1 ELSE 0 END`
	}
	_, err := q.exec(ctx, db.q(`INSERT INTO stat_qa_days (org_id, day, user_id, `+strings.Join(qaCountCols, ", ")+`)
		SELECT ?, day, user_id, SUM(a), SUM(b), SUM(c), SUM(d), SUM(e), SUM(f), SUM(g) FROM (
			SELECT `+db.qaDay(`at`)+` AS day, user_id, 1 AS a, CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END AS b, 0 AS c, 0 AS d, 0 AS e, 0 AS f, 0 AS g
				FROM attempts WHERE org_id = ? AND user_id <> 0 AND at <> 0
			UNION ALL
			SELECT `+db.qaDay(`finished_at`)+`, finished_by, 0, 0, 1, CASE WHEN result IN ('successful', 'problems') THEN 1 ELSE 0 END, 0, 0, 0
				FROM callbacks WHERE org_id = ? AND status = 'done' AND finished_by <> 0 AND finished_at <> 0
			UNION ALL
			SELECT `+db.qaDay(`evaluated_at`)+`, operator_id, 0, 0, 0, 0, 1, score, `+critical+`
				FROM qa_evaluations WHERE org_id = ? AND pair_id = 0 AND status <> 'queued' AND evaluated_at <> 0
		) x GROUP BY day, user_id`), orgID, orgID, orgID, orgID)
	if err != nil {
		return fmt.Errorf("recount qa figures: %w", err)
	}
	return nil
}

// QAFigures gives, per user of an insurer, the attempts they dialled and
// answered on the Beijing days from to to, the callbacks they finished and
// completed on them, and the scored first evaluations (not calibrations)
// of their calls evaluated on them: score sum and critical failures. It
// reads the kept counts. Users with nothing are left out; ordered by login.
func (db *DB) QAFigures(ctx context.Context, orgID int64, from, to huifang.Date) ([]huifang.QAFigures, error) {
	rows, err := queryAll(ctx, db, `SELECT s.user_id, u.login, u.branch_code, s.a, s.b, s.c, s.d, s.e, s.f, s.g
		FROM (SELECT user_id, SUM(attempts) AS a, SUM(answered) AS b, SUM(finished) AS c, SUM(completed) AS d, SUM(evaluated) AS e,
			SUM(score_sum) AS f, SUM(critical_failures) AS g
			FROM stat_qa_days WHERE org_id = ? AND day >= ? AND day <= ? GROUP BY user_id) s
		JOIN users u ON u.org_id = ? AND u.id = s.user_id`,
		func(s scanner) (huifang.QAFigures, error) {
			var g huifang.QAFigures
			return g, s.Scan(&g.OperatorID, &g.Operator, &g.Team, &g.Attempts, &g.Answered, &g.Finished, &g.Completed, &g.Evaluated, &g.ScoreSum, &g.CriticalFailures)
		}, orgID, from.String(), to.String(), orgID)
	if err != nil {
		return nil, fmt.Errorf("qa figures: %w", err)
	}
	out := rows[:0]
	for _, g := range rows {
		if g != (huifang.QAFigures{OperatorID: g.OperatorID, Operator: g.Operator, Team: g.Team}) {
			out = append(out, g)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	slices.SortFunc(out, func(a, b huifang.QAFigures) int { return strings.Compare(a.Operator, b.Operator) })
	return out, nil
}

// RecountQAFigures counts what QAFigures reads from the rows, the
// reference the kept counts are checked against: per user of an insurer,
// the attempts they dialled and answered on the Beijing days from to to, the callbacks they finished and completed in it,
// and the scored first evaluations (not calibrations) of their calls
// evaluated in it: score sum and critical failures. Users with nothing are
// left out; ordered by login.
func (db *DB) RecountQAFigures(ctx context.Context, orgID int64, from, to huifang.Date) ([]huifang.QAFigures, error) {
	f, t := ms64(dayStart(from)), ms64(dayStart(to.AddDays(1)))
	by := map[int64]*huifang.QAFigures{}
	get := func(id int64) *huifang.QAFigures {
		if by[id] == nil {
			by[id] = &huifang.QAFigures{OperatorID: id}
		}
		return by[id]
	}
	type row struct{ id, a, b, c, d int64 }
	scan := func(s scanner) (row, error) {
		var r row
		return r, s.Scan(&r.id, &r.a, &r.b)
	}
	att, err := queryAll(ctx, db, `SELECT user_id, COUNT(*), COALESCE(SUM(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END), 0)
		FROM attempts WHERE org_id = ? AND at >= ? AND at < ? AND user_id <> 0 GROUP BY user_id`, scan, orgID, f, t)
	if err != nil {
		return nil, fmt.Errorf("qa figures: %w", err)
	}
	for _, r := range att {
		g := get(r.id)
		g.Attempts, g.Answered = int(r.a), int(r.b)
	}
	fin, err := queryAll(ctx, db, `SELECT finished_by, COUNT(*), COALESCE(SUM(CASE WHEN result IN ('successful', 'problems') THEN 1 ELSE 0 END), 0)
		FROM callbacks WHERE org_id = ? AND status = 'done' AND finished_at >= ? AND finished_at < ? AND finished_by <> 0 GROUP BY finished_by`, scan, orgID, f, t)
	if err != nil {
		return nil, fmt.Errorf("qa figures: %w", err)
	}
	for _, r := range fin {
		g := get(r.id)
		g.Finished, g.Completed = int(r.a), int(r.b)
	}
	ev, err := queryAll(ctx, db, `SELECT operator_id, COUNT(*), COALESCE(SUM(score), 0), COALESCE(SUM(CASE WHEN critical_fail THEN 1 ELSE 0 END), 0)
		FROM qa_evaluations WHERE org_id = ? AND pair_id = 0 AND status <> 'queued' AND evaluated_at >= ? AND evaluated_at < ? GROUP BY operator_id`,
		func(s scanner) (row, error) {
			var r row
			return r, s.Scan(&r.id, &r.a, &r.b, &r.c)
		}, orgID, f, t)
	if err != nil {
		return nil, fmt.Errorf("qa figures: %w", err)
	}
	for _, r := range ev {
		g := get(r.id)
		g.Evaluated, g.ScoreSum, g.CriticalFailures = int(r.a), int(r.b), int(r.c)
	}
	if len(by) == 0 {
		return nil, nil
	}
	users, err := queryAll(ctx, db, `SELECT id, login, branch_code FROM users WHERE org_id = ?`, func(s scanner) (huifang.QAFigures, error) {
		var g huifang.QAFigures
		return g, s.Scan(&g.OperatorID, &g.Operator, &g.Team)
	}, orgID)
	if err != nil {
		return nil, fmt.Errorf("qa figures: %w", err)
	}
	var out []huifang.QAFigures
	for _, u := range users {
		if g := by[u.OperatorID]; g != nil {
			g.Operator, g.Team = u.Operator, u.Team
			out = append(out, *g)
		}
	}
	slices.SortFunc(out, func(a, b huifang.QAFigures) int { return strings.Compare(a.Operator, b.Operator) })
	return out, nil
}

// dayStart is the first instant of a Beijing day.
func dayStart(d huifang.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, huifang.Shanghai)
}
