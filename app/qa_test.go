package app_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/testworld"
)

// call finishes the next callback of op: answered at the clock, finished
// after dur with the answers (step "" passes everything).
func (w *world) call(t *testing.T, op *huifang.User, dur time.Duration, step, answer string) *huifang.Callback {
	t.Helper()
	work, err := w.svc.Next(ctx, op)
	mustDo(t, func() error { return err })
	_, err = w.svc.RecordAttempt(ctx, op, work.Callback.ID, app.AttemptInput{Outcome: huifang.AttemptAnswered})
	mustDo(t, func() error { return err })
	w.clk.t = w.clk.t.Add(dur)
	in := passing(work)
	if step != "" {
		in = answering(work, step, answer)
	}
	done, err := w.svc.Finish(ctx, op, work.Callback.ID, in)
	mustDo(t, func() error { return err })
	w.clk.t = w.clk.t.Add(time.Minute)
	return done
}

// qaKeptEqualsRecount checks an insurer's kept QA figures against a
// recount of its rows: over 2026, and day by day around the clock's day.
func (w *world) qaKeptEqualsRecount(t *testing.T, orgID int64, when string) {
	t.Helper()
	today := huifang.DateOf(w.clk.Now())
	periods := [][2]huifang.Date{{huifang.NewDate(2026, 1, 1), huifang.NewDate(2026, 12, 31)}}
	for d := today.AddDays(-5); !d.After(today.AddDays(1)); d = d.AddDays(1) {
		periods = append(periods, [2]huifang.Date{d, d})
	}
	for _, p := range periods {
		kept, err := w.db.QAFigures(ctx, orgID, p[0], p[1])
		mustDo(t, func() error { return err })
		recount, err := w.db.RecountQAFigures(ctx, orgID, p[0], p[1])
		mustDo(t, func() error { return err })
		if !reflect.DeepEqual(kept, recount) {
			t.Fatalf("%s, %s to %s: kept QA figures %+v, recount %+v", when, p[0], p[1], kept, recount)
		}
	}
}

// allYes answers every item of a form yes.
func allYes(form []huifang.QAItem) map[string]string {
	m := map[string]string{}
	for _, it := range form {
		m[it.Code] = "yes"
	}
	return m
}

// TestQA: the week's draw queues the flagged calls (a complaint, a call
// shorter than the script) and tops each operator up to their quota, once;
// QA scores with the form of the script the call used; a critical "no"
// fails the call; the operator sees their scored evaluations only and
// appeals once; QA decides; a calibration by another evaluator shows the
// agreement; the figures per operator and team, exported; nobody else may.
func TestQA(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		var lines []string
		for i := 1; i <= 8; i++ {
			lines = append(lines, policyLine(fmt.Sprintf("P%d", i), "L20", "个险", "2026-03-02", fmt.Sprintf("1380000000%d", i), i))
		}
		w.loadPolicies(t, lines...)
		qa1 := w.user(t, "A", "qa1", huifang.RoleQA, "", "")
		qa2 := w.user(t, "A", "qa2", huifang.RoleQA, "", "")
		qaB := w.user(t, "B", "qab", huifang.RoleQA, "", "")
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")

		w.clk.t = at(5, 10, 0) // Thursday, week 10
		long := 6 * time.Minute
		complaint := w.call(t, w.op, long, "complaint", "yes")
		short := w.call(t, w.op, 20*time.Second, "", "")
		var plain []*huifang.Callback
		for range 3 {
			plain = append(plain, w.call(t, w.op, long, "", ""))
		}
		op2Call := w.call(t, w.op2, long, "", "")

		if _, err := w.svc.DrawQA(ctx, w.op); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an operator drew: %v", err)
		}
		d, err := w.svc.DrawQA(ctx, qa1)
		mustDo(t, func() error { return err })
		// op1: 5 calls, quota 1 (2%, at least one), two flagged; op2: 1 call, 1.
		if d.Week != "2026-W10" || d.Calls != 6 || d.Flagged != 2 || d.Random != 2 {
			t.Fatalf("draw %+v", d)
		}
		again, err := w.svc.DrawQA(ctx, qa1)
		mustDo(t, func() error { return err })
		if again.Flagged != 0 || again.Random != 0 {
			t.Fatalf("drawn twice: %+v", again)
		}
		queue, err := w.svc.QAQueue(ctx, qa1, huifang.QAFilter{Status: huifang.QAQueued})
		mustDo(t, func() error { return err })
		reasons := map[int64]huifang.QAReason{}
		for _, e := range queue {
			reasons[e.CallbackID] = e.Reason
		}
		if len(queue) != 4 || reasons[complaint.ID] != huifang.QAFlagComplaint || reasons[short.ID] != huifang.QAFlagShort || reasons[op2Call.ID] != huifang.QARandom {
			t.Fatalf("queue %+v", queue)
		}
		if q, err := w.svc.QAQueue(ctx, qaB, huifang.QAFilter{}); err != nil || len(q) != 0 {
			t.Fatalf("B's QA sees %+v %v", q, err)
		}
		var randomOp1 int64
		for _, c := range plain {
			if reasons[c.ID] == huifang.QARandom {
				randomOp1 = c.ID
			}
		}
		if randomOp1 == 0 {
			t.Fatalf("no random call of op1: %+v", queue)
		}
		byCall := map[int64]huifang.QAEvaluation{}
		for _, e := range queue {
			byCall[e.CallbackID] = e
		}

		// The form of the complaint call: the script's items, then the fixed ones.
		ev := byCall[complaint.ID]
		v, err := w.svc.QAEvaluation(ctx, qa1, ev.ID)
		mustDo(t, func() error { return err })
		if !v.CanEvaluate || v.CanAppeal || v.Form[0].Code != "identity" || !v.Form[0].Critical || v.Script != "life-traditional-agency v1" ||
			v.Seconds != 360 || v.MinSeconds == 0 {
			t.Fatalf("view %+v", v)
		}
		if _, err := w.svc.QAEvaluation(ctx, w.op, ev.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("operator saw a queued evaluation: %v", err)
		}
		if _, err := w.svc.QAEvaluation(ctx, qaB, ev.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("B's QA saw A's: %v", err)
		}
		answers := allYes(v.Form)
		delete(answers, "closing")
		if _, err := w.svc.Evaluate(ctx, qa1, ev.ID, app.QAInput{Answers: answers}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("a missing answer: %v", err)
		}
		answers["closing"] = "partly"
		scored, err := w.svc.Evaluate(ctx, qa1, ev.ID, app.QAInput{Answers: answers, Note: "结束语不完整"})
		mustDo(t, func() error { return err })
		if scored.Status != huifang.QAEvaluated || scored.Score >= 100 || scored.Score < 90 || scored.CriticalFail {
			t.Fatalf("scored %+v", scored)
		}
		if _, err := w.svc.Evaluate(ctx, qa1, ev.ID, app.QAInput{Answers: answers}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("scored twice: %v", err)
		}
		// The short call: identity not confirmed, a critical failure.
		evShort := byCall[short.ID]
		vs, err := w.svc.QAEvaluation(ctx, qa1, evShort.ID)
		mustDo(t, func() error { return err })
		a2 := allYes(vs.Form)
		a2["identity"] = "no"
		failed, err := w.svc.Evaluate(ctx, qa1, evShort.ID, app.QAInput{Answers: a2})
		mustDo(t, func() error { return err })
		if failed.Score != 0 || !failed.CriticalFail {
			t.Fatalf("critical %+v", failed)
		}

		// The operator sees both, appeals the failure once.
		mine, err := w.svc.MyQA(ctx, w.op, 0)
		mustDo(t, func() error { return err })
		if len(mine) != 2 {
			t.Fatalf("mine %+v", mine)
		}
		if m2, _ := w.svc.MyQA(ctx, w.op2, 0); len(m2) != 0 {
			t.Fatalf("op2 sees %+v", m2)
		}
		if _, err := w.svc.QAEvaluation(ctx, w.op2, failed.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("op2 saw op1's evaluation: %v", err)
		}
		if _, err := w.svc.Appeal(ctx, w.op, failed.ID, "  "); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("empty appeal: %v", err)
		}
		if _, err := w.svc.Appeal(ctx, w.op2, failed.ID, "不是我"); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("another operator appealed: %v", err)
		}
		ap, err := w.svc.Appeal(ctx, w.op, failed.ID, "录音第10秒已核实身份")
		mustDo(t, func() error { return err })
		if ap.Status != huifang.QAAppealed {
			t.Fatalf("appealed %+v", ap)
		}
		if _, err := w.svc.Appeal(ctx, w.op, failed.ID, "再次申诉"); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("appealed twice: %v", err)
		}
		if _, err := w.svc.DecideAppeal(ctx, w.op, failed.ID, app.DecisionInput{Uphold: true, Note: "x"}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("operator decided: %v", err)
		}
		if _, err := w.svc.DecideAppeal(ctx, qa2, failed.ID, app.DecisionInput{Uphold: true, Answers: allYes(vs.Form)}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("a decision without a note: %v", err)
		}
		up, err := w.svc.DecideAppeal(ctx, qa2, failed.ID, app.DecisionInput{Uphold: true, Answers: allYes(vs.Form), Note: "复听确认已核实身份"})
		mustDo(t, func() error { return err })
		if up.Status != huifang.QAUpheld || up.Score != 100 || up.CriticalFail || up.DecidedBy != "qa2" {
			t.Fatalf("upheld %+v", up)
		}
		if _, err := w.svc.Appeal(ctx, w.op, failed.ID, "再次申诉"); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("appealed after the decision: %v", err)
		}

		// Calibration: another evaluator scores the same call.
		cal, err := w.svc.Calibrate(ctx, qa1, scored.ID)
		mustDo(t, func() error { return err })
		if _, err := w.svc.Calibrate(ctx, qa1, scored.ID); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("calibrated twice: %v", err)
		}
		if _, err := w.svc.Evaluate(ctx, qa1, cal.ID, app.QAInput{Answers: answers}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("the first evaluator calibrated themself: %v", err)
		}
		a3 := allYes(v.Form)
		_, err = w.svc.Evaluate(ctx, qa2, cal.ID, app.QAInput{Answers: a3})
		mustDo(t, func() error { return err })
		pv, err := w.svc.QAEvaluation(ctx, qa1, scored.ID)
		mustDo(t, func() error { return err })
		if pv.Pair == nil || pv.Agreement == nil || pv.Agreement.Same != pv.Agreement.Items-1 || pv.Agreement.ScoreDiff == 0 || pv.CanCalibrate {
			t.Fatalf("pair %+v %+v", pv.Pair, pv.Agreement)
		}
		if mine, _ := w.svc.MyQA(ctx, w.op, 0); len(mine) != 2 {
			t.Fatalf("the operator sees the calibration: %+v", mine)
		}

		// Figures.
		if _, err := w.svc.QAFigures(ctx, w.op, huifang.Date{}, huifang.Date{}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("operator saw the figures: %v", err)
		}
		ft, err := w.svc.QAFigures(ctx, mgr, huifang.Date{}, huifang.Date{})
		mustDo(t, func() error { return err })
		var f1 huifang.QAFigures
		for _, f := range ft.Operators {
			if f.Operator == "op1" {
				f1 = f
			}
		}
		if f1.Attempts != 5 || f1.Answered != 5 || f1.Finished != 5 || f1.Completed != 5 || f1.Evaluated != 2 || f1.CriticalFailures != 0 ||
			f1.AverageScore() != (scored.Score+100)*50 || ft.Total.Finished != 6 {
			t.Fatalf("figures %+v total %+v", f1, ft.Total)
		}
		var buf bytes.Buffer
		mustDo(t, func() error { return w.svc.ExportQAFigures(ctx, mgr, huifang.Date{}, huifang.Date{}, "csv", &buf) })
		if !strings.Contains(buf.String(), "op1") || !strings.Contains(buf.String(), "100.00%") {
			t.Fatalf("export:\n%s", buf.String())
		}
		// The figures are kept as the calls and evaluations happen: they
		// equal a recount, and a rebuild changes nothing.
		w.qaKeptEqualsRecount(t, mgr.OrgID, "after the evaluations")
		mustDo(t, func() error { return w.db.RebuildStats(ctx, mgr.OrgID) })
		if again, err := w.svc.QAFigures(ctx, mgr, huifang.Date{}, huifang.Date{}); err != nil || !reflect.DeepEqual(again, ft) {
			t.Fatalf("rebuilt figures %+v %v, kept %+v", again, err, ft)
		}
		audit, err := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Entity: "qa-evaluation"})
		mustDo(t, func() error { return err })
		if len(audit) < 6 {
			t.Fatalf("audit %+v", audit)
		}
	})
}

// TestQAWeeklyJob: the job draws the week before for every insurer.
func TestQAWeeklyJob(t *testing.T) {
	t.Parallel()
	w := setup(t, sqliteWorld(t))
	w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1))
	w.clk.t = at(5, 10, 0)
	w.call(t, w.op, 6*time.Minute, "", "")
	w.clk.t = at(9, 1, 0) // Monday of week 11
	n, err := w.svc.DrawQAWeeks(ctx)
	mustDo(t, func() error { return err })
	if n != 1 {
		t.Fatalf("job queued %d", n)
	}
	qa1 := w.user(t, "A", "qa1", huifang.RoleQA, "", "")
	q, err := w.svc.QAQueue(ctx, qa1, huifang.QAFilter{})
	mustDo(t, func() error { return err })
	if len(q) != 1 || q[0].Week != "2026-W10" || q[0].Reason != huifang.QARandom {
		t.Fatalf("queue %+v", q)
	}
}
