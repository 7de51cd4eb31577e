package store_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// finishCall takes a callback as the user and finishes it by phone: an
// answered attempt at `at`, finished `dur` later with the result and answers.
func finishCall(t *testing.T, db *store.DB, orgID int64, u *huifang.User, c *huifang.Callback, at time.Time, dur time.Duration, r huifang.CallbackResult, answers map[string]huifang.Answer) {
	t.Helper()
	_, err := db.TakeCallback(ctx, orgID, u.ID, c.ID, at, 30*time.Minute)
	must(t, err)
	_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: orgID, ID: c.ID, UserID: u.ID, Now: at, KeepLease: true, Status: huifang.StatusOpen,
		Attempt: &huifang.Attempt{At: at, Outcome: huifang.AttemptAnswered}, Audit: huifang.AuditEntry{Actor: u.Login, Action: "attempt"}})
	must(t, err)
	_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: orgID, ID: c.ID, UserID: u.ID, Now: at.Add(dur), Status: huifang.StatusDone, Result: r,
		Answers: answers, Method: huifang.MethodPhone, ScriptCode: "life-traditional-agency", ScriptVersion: 1,
		Audit: huifang.AuditEntry{Actor: u.Login, Action: "finish"}})
	must(t, err)
}

// TestConformQA: the finished calls of a week with their answered time and
// complaint; queueing evaluations once per call (and once per calibration);
// finding and listing them by organisation, status and operator, newest
// first with a keyset; an update only from the expected status; the figures
// per operator.
func TestConformQA(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importPolicies(t, db, bd.a.ID, policy("Q1", huifang.NewDate(2026, 3, 2), "h1"), policy("Q2", huifang.NewDate(2026, 3, 2), "h2"),
			policy("Q3", huifang.NewDate(2026, 3, 2), "h3"))
		importPolicies(t, db, bd.b.ID, policy("R1", huifang.NewDate(2026, 3, 2), "h1"))
		q1, q2, q3 := callbackOf(t, db, bd.a.ID, "Q1"), callbackOf(t, db, bd.a.ID, "Q2"), callbackOf(t, db, bd.a.ID, "Q3")
		r1 := callbackOf(t, db, bd.b.ID, "R1")
		at := t0.Add(24 * time.Hour)
		finishCall(t, db, bd.a.ID, bd.userA, q1, at, 5*time.Minute, huifang.ResultSuccessful, map[string]huifang.Answer{"identity": huifang.AnswerYes})
		finishCall(t, db, bd.a.ID, bd.userA, q2, at.Add(time.Hour), 40*time.Second, huifang.ResultProblems, map[string]huifang.Answer{"identity": huifang.AnswerNo})
		finishCall(t, db, bd.b.ID, bd.userB, r1, at, time.Minute, huifang.ResultSuccessful, nil)
		// Q3: a refusal, not a conversation.
		_, err := db.TakeCallback(ctx, bd.a.ID, bd.userA.ID, q3.ID, at, 30*time.Minute)
		must(t, err)
		_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: q3.ID, UserID: bd.userA.ID, Now: at, Status: huifang.StatusDone,
			Result: huifang.ResultNotCompleted, Reason: "拒绝", Attempt: &huifang.Attempt{At: at, Outcome: huifang.AttemptRefused},
			Audit: huifang.AuditEntry{Actor: "op-a", Action: "finish"}})
		must(t, err)
		pc := &huifang.ProblemCase{OrgID: bd.a.ID, CallbackID: q2.ID, PolicyNo: "Q2", Type: huifang.ProblemComplaint, BranchCode: "01",
			Channel: huifang.ChannelAgency, OpenedAt: at, OpenedOn: huifang.NewDate(2026, 3, 3), DueOn: huifang.NewDate(2026, 3, 17)}
		must(t, db.OpenProblemCase(ctx, pc, "op-a"))

		calls, err := db.QACalls(ctx, bd.a.ID, t0, t0.Add(7*24*time.Hour))
		must(t, err)
		if len(calls) != 2 || calls[0].ID != q1.ID || calls[1].ID != q2.ID {
			t.Fatalf("calls %+v", calls)
		}
		if c := calls[0]; c.FinishedBy != bd.userA.ID || c.Complaint || c.Answers["identity"] != huifang.AnswerYes || c.ScriptCode != "life-traditional-agency" {
			t.Errorf("Q1 %+v", c)
		}
		sameMS(t, "Q1 answered", calls[0].AnsweredAt, at)
		if c := calls[1]; !c.Complaint || c.FinishedAt.Sub(c.AnsweredAt) != 40*time.Second {
			t.Errorf("Q2 %+v", c)
		}
		if none, err := db.QACalls(ctx, bd.a.ID, t0, at); err != nil || len(none) != 0 {
			t.Errorf("before the calls: %v %v", none, err)
		}

		audit := huifang.AuditEntry{OrgID: bd.a.ID, At: at, Actor: "qa", Action: "draw"}
		evs := []huifang.QAEvaluation{
			{OrgID: bd.a.ID, CallbackID: q1.ID, OperatorID: bd.userA.ID, Week: "2026-W10", Reason: huifang.QARandom, CreatedAt: at},
			{OrgID: bd.a.ID, CallbackID: q2.ID, OperatorID: bd.userA.ID, Week: "2026-W10", Reason: huifang.QAFlagComplaint, CreatedAt: at},
		}
		added, err := db.AddQAEvaluations(ctx, evs, audit)
		must(t, err)
		if len(added) != 2 || added[0].ID == 0 || added[1].Status != huifang.QAQueued {
			t.Fatalf("added %+v", added)
		}
		again, err := db.AddQAEvaluations(ctx, evs, audit)
		must(t, err)
		if len(again) != 0 {
			t.Errorf("queued twice: %+v", again)
		}
		other, err := db.AddQAEvaluations(ctx, []huifang.QAEvaluation{{OrgID: bd.b.ID, CallbackID: r1.ID, OperatorID: bd.userB.ID, Week: "2026-W10",
			Reason: huifang.QARandom, CreatedAt: at}}, audit)
		must(t, err)

		e, err := db.FindQAEvaluation(ctx, bd.a.ID, added[0].ID)
		must(t, err)
		if e.PolicyNo != "Q1" || e.Operator != "op-a" || e.Reason != huifang.QARandom || e.Status != huifang.QAQueued || e.Week != "2026-W10" {
			t.Errorf("found %+v", e)
		}
		sameMS(t, "created", e.CreatedAt, at)
		if _, err := db.FindQAEvaluation(ctx, bd.b.ID, added[0].ID); !errors.Is(err, huifang.ErrNotFound) {
			t.Errorf("B found A's evaluation: %v", err)
		}

		// Scored: only from queued.
		e.Status, e.EvaluatorID, e.Evaluator, e.Score, e.CriticalFail, e.Note, e.EvaluatedAt = huifang.QAEvaluated, 77, "qa", 0, true, "未核实身份", at.Add(time.Hour)
		e.Items = []huifang.QAItem{{Code: "identity", Kind: huifang.QAKindScript, Weight: 10, Critical: true, Answer: huifang.QANo}}
		must(t, db.UpdateQAEvaluation(ctx, e, huifang.QAQueued, huifang.AuditEntry{At: at, Actor: "qa", Action: "evaluate"}))
		if err := db.UpdateQAEvaluation(ctx, e, huifang.QAQueued, huifang.AuditEntry{At: at, Actor: "qa", Action: "evaluate"}); !errors.Is(err, huifang.ErrConflict) {
			t.Errorf("scored twice: %v", err)
		}
		bad := *e
		bad.OrgID = bd.b.ID
		if err := db.UpdateQAEvaluation(ctx, &bad, huifang.QAEvaluated, huifang.AuditEntry{At: at, Actor: "x", Action: "appeal"}); !errors.Is(err, huifang.ErrConflict) {
			t.Errorf("B changed A's evaluation: %v", err)
		}
		got, err := db.FindQAEvaluation(ctx, bd.a.ID, e.ID)
		must(t, err)
		if got.Status != huifang.QAEvaluated || !got.CriticalFail || got.Score != 0 || got.Evaluator != "qa" || len(got.Items) != 1 ||
			got.Items[0].Answer != huifang.QANo || !got.Items[0].Critical || got.Note != "未核实身份" {
			t.Errorf("scored %+v", got)
		}
		sameMS(t, "evaluated", got.EvaluatedAt, at.Add(time.Hour))

		// A calibration of the first: once.
		cal := []huifang.QAEvaluation{{OrgID: bd.a.ID, CallbackID: q1.ID, OperatorID: bd.userA.ID, Week: "2026-W10", Reason: huifang.QACalibration,
			PairID: e.ID, CreatedAt: at}}
		c1, err := db.AddQAEvaluations(ctx, cal, audit)
		must(t, err)
		c2, err := db.AddQAEvaluations(ctx, cal, audit)
		must(t, err)
		if len(c1) != 1 || len(c2) != 0 {
			t.Errorf("calibration queued %d then %d", len(c1), len(c2))
		}

		list, err := db.ListQAEvaluations(ctx, huifang.QAFilter{OrgID: bd.a.ID})
		must(t, err)
		if len(list) != 3 || list[0].ID != c1[0].ID || list[2].ID != added[0].ID {
			t.Fatalf("list %+v", list)
		}
		page, err := db.ListQAEvaluations(ctx, huifang.QAFilter{OrgID: bd.a.ID, Limit: 1, AfterID: list[0].ID})
		must(t, err)
		if len(page) != 1 || page[0].ID != list[1].ID {
			t.Errorf("next page %+v", page)
		}
		queued, err := db.ListQAEvaluations(ctx, huifang.QAFilter{OrgID: bd.a.ID, Status: huifang.QAQueued})
		must(t, err)
		if len(queued) != 2 {
			t.Errorf("queued %+v", queued)
		}
		mine, err := db.ListQAEvaluations(ctx, huifang.QAFilter{OrgID: bd.b.ID, OperatorID: bd.userB.ID})
		must(t, err)
		if len(mine) != 1 || mine[0].ID != other[0].ID {
			t.Errorf("B's %+v", mine)
		}
		byCall, err := db.ListQAEvaluations(ctx, huifang.QAFilter{OrgID: bd.a.ID, CallbackID: q1.ID})
		must(t, err)
		if len(byCall) != 2 {
			t.Errorf("of Q1 %+v", byCall)
		}

		week := huifang.DateOf(t0)
		figs, err := db.QAFigures(ctx, bd.a.ID, week, week.AddDays(6))
		must(t, err)
		// The kept figures equal a recount of the rows, and a rebuild.
		recount, err := db.RecountQAFigures(ctx, bd.a.ID, week, week.AddDays(6))
		must(t, err)
		if !reflect.DeepEqual(figs, recount) {
			t.Errorf("kept %+v, recount %+v", figs, recount)
		}
		must(t, db.RebuildStats(ctx, bd.a.ID))
		if rebuilt, err := db.QAFigures(ctx, bd.a.ID, week, week.AddDays(6)); err != nil || !reflect.DeepEqual(rebuilt, figs) {
			t.Errorf("rebuilt %+v %v, kept %+v", rebuilt, err, figs)
		}
		if other, err := db.QAFigures(ctx, bd.a.ID, week.AddDays(7), week.AddDays(13)); err != nil || len(other) != 0 {
			t.Errorf("the week after: %+v %v", other, err)
		}
		// Data from before schema 25 gets its kept figures when it is
		// applied: the migration fills them from the rows, both insurers.
		must(t, db.ExecForTest(ctx, `DELETE FROM schema_migrations WHERE version = 25`))
		must(t, db.ExecForTest(ctx, `DROP TABLE stat_qa_days`))
		_, err = db.Migrate(ctx)
		must(t, err)
		for _, org := range []int64{bd.a.ID, bd.b.ID} {
			kept, err := db.QAFigures(ctx, org, week, week.AddDays(6))
			must(t, err)
			recount, err := db.RecountQAFigures(ctx, org, week, week.AddDays(6))
			must(t, err)
			if len(kept) == 0 || !reflect.DeepEqual(kept, recount) {
				t.Errorf("org %d after migrating: kept %+v, recount %+v", org, kept, recount)
			}
		}
		if len(figs) != 1 {
			t.Fatalf("figures %+v", figs)
		}
		f := figs[0]
		if f.OperatorID != bd.userA.ID || f.Operator != "op-a" || f.Attempts != 3 || f.Answered != 2 || f.Finished != 3 || f.Completed != 2 ||
			f.Evaluated != 1 || f.ScoreSum != 0 || f.CriticalFailures != 1 {
			t.Errorf("figures %+v", f)
		}
		if f.ConnectBP() != 6666 || f.CompletionBP() != 6666 || f.AverageScore() != 0 {
			t.Errorf("rates %d %d %d", f.ConnectBP(), f.CompletionBP(), f.AverageScore())
		}
	})
}
