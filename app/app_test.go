package app_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/sheet/sheettest"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/testworld"
)

var ctx = context.Background()

// clock is a settable fake clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t.UTC() }

func at(day, hour, min int) time.Time {
	return time.Date(2026, 3, day, hour, min, 0, 0, huifang.Shanghai)
}

type world struct {
	svc   *app.Service
	db    *store.DB
	clk   *clock
	dir   string
	op    *huifang.User
	op2   *huifang.User
	opB   *huifang.User
	admin *huifang.User
}

// The world's reference data (see package testworld); the app's tests add
// two one-year products to the standard world's two.
const (
	branchesCSV = testworld.BranchesCSV
	productsCSV = "产品代码,产品名称,设计类型,保险期间,保证续保,犹豫期天数\nL20,康宁终身寿险,传统,终身,否,15\nU01,鑫享万能,万能,终身,否,15\nH1,一年期医疗,健康,1,是,15\nA1,意外险,意外,1,否,15\n"
	agentsCSV   = testworld.AgentsCSV
	outletsCSV  = testworld.OutletsCSV
	policyHead  = testworld.PolicyHead
)

func policyLine(no, product, channel, receipt, phone string, seq int) string {
	return policyLineBorn(no, product, channel, receipt, phone, seq, huifang.NewDate(1980, 5, 6))
}

// policyLineBorn is a policy line whose holder was born on birth.
func policyLineBorn(no, product, channel, receipt, phone string, seq int, birth huifang.Date) string {
	id := importer.ValidIDNumber("110101", birth, seq)
	agent, outlet, payYears := "A001", "", "10"
	if product == "H1" || product == "A1" {
		payYears = "1"
	}
	if channel == "银保" {
		agent, outlet = "", "B001"
	}
	return strings.Join([]string{no, product, channel, "86010101", agent, outlet, "张三", id, birth.String(), phone, "张三",
		"2026-02-20", "2026-02-25", receipt, "10000.00", "年交", payYears, ""}, ",") + "\n"
}

func (w *world) file(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(w.dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) importFile(t *testing.T, org string, kind importer.Kind, body string) *app.ImportResult {
	t.Helper()
	res, err := w.svc.ImportFile(ctx, app.CLI(), org, kind, w.file(t, string(kind)+".csv", body), string(kind)+".csv", nil)
	if err != nil {
		if res != nil && res.Report != nil {
			t.Fatalf("import %s: %v\n%s", kind, err, res.Report.String())
		}
		t.Fatalf("import %s: %v", kind, err)
	}
	return res
}

// appWorld is the standard test world with the app's four products and a
// second operator of A, op2.
var appWorld = &testworld.Spec{Name: "app", Build: func(b *testworld.Builder) error {
	if err := testworld.Standard.Build(b); err != nil {
		return err
	}
	for _, code := range []string{"A", "B"} {
		if err := b.Import(code, importer.KindProducts, productsCSV); err != nil {
			return err
		}
	}
	return b.User(app.UserInput{OrgCode: "A", Login: "op2", Role: huifang.RoleOperator})
}}

// TestMain drops the test worlds' PostgreSQL templates at the end.
func TestMain(m *testing.M) { os.Exit(testworld.Main(m)) }

// eachWorld runs fn as a parallel subtest on every engine, each with its
// own copy of the app's world.
func eachWorld(t *testing.T, fn func(t *testing.T, tw *testworld.World)) {
	t.Helper()
	testworld.Each(t, appWorld, fn)
}

// sqliteWorld returns a copy of the app's world on SQLite.
func sqliteWorld(t *testing.T) *testworld.World {
	t.Helper()
	return testworld.New(t, store.SQLite, appWorld)
}

// setup wraps a copy of the app's world, its clock settable by the test.
func setup(t *testing.T, tw *testworld.World) *world {
	t.Helper()
	clk := &clock{at(5, 10, 0)}
	tw.Svc.Clock = clk
	return &world{svc: tw.Svc, db: tw.DB, clk: clk, dir: tw.Dir,
		op: tw.User(t, "op1"), op2: tw.User(t, "op2"), opB: tw.User(t, "opb"), admin: tw.User(t, "adm")}
}

func mustDo(t *testing.T, fn func() error) {
	t.Helper()
	if err := fn(); err != nil {
		t.Fatal(err)
	}
}

func TestScopeAndDeadlines(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		body := policyHead +
			policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1) + // in scope, due 03-17
			policyLine("P2", "U01", "银保", "2026-03-01", "13800000002", 2) + // in scope, due 03-16
			policyLine("P3", "H1", "个险", "2026-03-01", "13800000003", 3) + // 1-year guaranteed-renewal health: in scope
			policyLine("P4", "A1", "个险", "2026-03-01", "13800000004", 4) + // 1-year accident: out
			policyLine("P5", "L20", "团险", "2026-03-01", "13800000005", 5) + // group: out
			policyLine("P6", "L20", "个险", "", "13800000006", 6) // no receipt yet: waits
		res := w.importFile(t, "A", importer.KindPolicies, body)
		if res.Counts.Created != 6 || res.Callbacks != 3 {
			t.Fatalf("import %+v", res)
		}
		rows, total, err := w.svc.ListCallbacks(ctx, w.op, huifang.CallbackFilter{})
		mustDo(t, func() error { return err })
		due := map[string]string{}
		for _, r := range rows {
			due[r.PolicyNo] = r.DueOn.String()
		}
		want := map[string]string{"P1": "2026-03-17", "P2": "2026-03-16", "P3": "2026-03-16"}
		if total != 3 || fmt.Sprint(due) != fmt.Sprint(want) {
			t.Fatalf("callbacks %v (total %d), want %v", due, total, want)
		}
		// The same file again changes nothing.
		res = w.importFile(t, "A", importer.KindPolicies, body)
		if res.Counts.Unchanged != 6 || res.Callbacks != 0 {
			t.Fatalf("re-import %+v", res)
		}
		// P6's receipt arrives: its callback appears; the change is audited.
		res = w.importFile(t, "A", importer.KindPolicies, policyHead+policyLine("P6", "L20", "个险", "2026-03-04", "13800000006", 6))
		if res.Counts.Updated != 1 || res.Callbacks != 1 {
			t.Fatalf("receipt import %+v", res)
		}
		audit, err := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Entity: "policy", Key: "P6"})
		mustDo(t, func() error { return err })
		if len(audit) != 1 || !strings.Contains(audit[0].Detail, "receipt_on") {
			t.Fatalf("audit %+v", audit)
		}
		// Insurer B sees none of A's callbacks.
		if _, n, _ := w.svc.ListCallbacks(ctx, w.opB, huifang.CallbackFilter{}); n != 0 {
			t.Fatalf("B sees %d callbacks", n)
		}
	})
}

func TestBadFileWritesNothing(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		body := policyHead +
			policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1) +
			policyLine("P2", "NOPE", "个险", "2026-03-02", "13800000002", 2) + // unknown product
			policyLine("P3", "L20", "个险", "2026-02-01", "13800000003", 3) // receipt before issue
		res, err := w.svc.ImportFile(ctx, app.CLI(), "A", importer.KindPolicies, w.file(t, "bad.csv", body), "bad.csv", nil)
		if huifang.ErrorCode(err) != huifang.EINVALID || res == nil || res.Report == nil || res.Report.Bad != 2 {
			t.Fatalf("bad file: %v %+v", err, res)
		}
		rows := map[int]bool{}
		for _, e := range res.Report.Errors {
			rows[e.Row] = true
		}
		if !rows[3] || !rows[4] || rows[2] {
			t.Fatalf("report rows %v: %s", rows, res.Report.String())
		}
		if n, _ := w.db.CountPolicies(ctx, w.op.OrgID); n != 0 {
			t.Fatalf("%d policies written from a bad file", n)
		}
		// Roles: an operator may not import; another insurer's admin may not import into A.
		if _, err := w.svc.ImportFile(ctx, w.op, "A", importer.KindPolicies, w.file(t, "x.csv", body), "x.csv", nil); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("operator import: %v", err)
		}
	})
}

func (w *world) loadPolicies(t *testing.T, lines ...string) {
	t.Helper()
	w.importFile(t, "A", importer.KindPolicies, policyHead+strings.Join(lines, ""))
}

// passing answers the callback's script as a customer who bought knowingly.
func passing(w *app.Work) app.FinishInput {
	return app.FinishInput{Answers: w.Script.Script.Passing(), Script: w.Script.Ref()}
}

// answering is passing with one step answered otherwise.
func answering(w *app.Work, step, answer string) app.FinishInput {
	in := passing(w)
	if w.Script.Script.Step(step) == nil {
		panic("no step " + step + " in " + w.Script.Ref())
	}
	in.Answers[step] = answer
	return in
}

func TestWorkbench(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.loadPolicies(t,
			policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1),
			policyLine("P2", "U01", "银保", "2026-03-01", "13800000002", 2))
		// Outside calling hours nothing is handed out.
		w.clk.t = at(5, 21, 0)
		if _, err := w.svc.Next(ctx, w.op); err == nil || !strings.Contains(err.Error(), "回访时间") {
			t.Fatalf("next at 21:00: %v", err)
		}
		w.clk.t = at(5, 10, 0)
		work, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if work.Callback.PolicyNo != "P2" { // earliest deadline first
			t.Fatalf("first callback %s", work.Callback.PolicyNo)
		}
		if work.Policy.HolderPhone != "138****0002" || !strings.Contains(work.Policy.HolderID, "****") {
			t.Fatalf("numbers not masked: %+v", work.Policy)
		}
		if work.Script.Code != "universal-bank" || work.Script.ID != 0 {
			t.Fatalf("bancassurance universal-life script: %s", work.Script.Ref())
		}
		for _, st := range work.Script.Steps {
			if strings.Contains(st.Text, "【未知") {
				t.Errorf("step %s: variable not filled: %s", st.ID, st.Text)
			}
		}
		// Two operators never hold the same callback; asking again returns the held one.
		w2, err := w.svc.Next(ctx, w.op2)
		mustDo(t, func() error { return err })
		again, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if w2.Callback.ID == work.Callback.ID || again.Callback.ID != work.Callback.ID {
			t.Fatal("lease not respected")
		}
		// op2 cannot act on op1's callback.
		if _, err := w.svc.RecordAttempt(ctx, w.op2, work.Callback.ID, app.AttemptInput{Outcome: huifang.AttemptBusy}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("attempt on another's lease: %v", err)
		}
		// Reveal is audited.
		phone, err := w.svc.RevealPhone(ctx, w.op, "P2")
		mustDo(t, func() error { return err })
		if phone != "13800000002" {
			t.Fatalf("phone %s", phone)
		}
		if a, _ := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Action: "view-pii"}); len(a) != 1 {
			t.Fatalf("reveal audit %+v", a)
		}
		// The customer thinks it was a deposit: completed with problems.
		_, err = w.svc.RecordAttempt(ctx, w.op, work.Callback.ID, app.AttemptInput{Outcome: huifang.AttemptAnswered})
		mustDo(t, func() error { return err })
		done, err := w.svc.Finish(ctx, w.op, work.Callback.ID, answering(work, "not-deposit", "no"))
		mustDo(t, func() error { return err })
		if done.Result != huifang.ResultProblems || done.Late {
			t.Fatalf("result %+v", done)
		}
		if done.Method != huifang.MethodPhone || done.ScriptCode != "universal-bank" || done.ScriptVersion != 1 || done.Answers["not-deposit"] != "no" {
			t.Fatalf("script version and answers not recorded: %+v", done)
		}
		ps, _ := w.svc.ListProblemCases(ctx, w.op, huifang.ProblemFilter{CallbackID: done.ID})
		if len(ps) != 1 || ps[0].Type != huifang.ProblemUnclearRights {
			t.Fatalf("problem cases %+v", ps)
		}
		// op2's callback: all yes, successful; attempts: exactly one answered.
		done2, err := w.svc.Finish(ctx, w.op2, w2.Callback.ID, passing(w2))
		mustDo(t, func() error { return err })
		if done2.Result != huifang.ResultSuccessful || done2.Attempts != 1 {
			t.Fatalf("successful callback %+v", done2)
		}
		if _, err := w.svc.Next(ctx, w.op); !errors.Is(err, app.ErrNoWork) {
			t.Fatalf("empty pool: %v", err)
		}
	})
}

func TestCannotContactAfterAttemptPolicy(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1))
		tries := []time.Time{at(5, 10, 0), at(6, 15, 0), at(9, 19, 0)} // Thu, Fri, Mon: calls wait out the weekend
		var c *huifang.Callback
		for i, tm := range tries {
			w.clk.t = tm
			work, err := w.svc.Next(ctx, w.op)
			if err != nil {
				t.Fatalf("try %d: %v", i+1, err)
			}
			c, err = w.svc.RecordAttempt(ctx, w.op, work.Callback.ID, app.AttemptInput{Outcome: huifang.AttemptNoAnswer})
			mustDo(t, func() error { return err })
			if i < 2 {
				if c.Status != huifang.StatusOpen || !c.NextAt.After(tm) {
					t.Fatalf("try %d: %+v", i+1, c)
				}
				// Not offered again in the same slot.
				if _, err := w.svc.Next(ctx, w.op); !errors.Is(err, app.ErrNoWork) {
					t.Fatalf("offered again at once: %v", err)
				}
			}
		}
		if c.Status != huifang.StatusDone || c.Result != huifang.ResultNotCompleted || c.Reason != callback.ReasonCannotContact {
			t.Fatalf("after three tries: %+v", c)
		}
		ps, _ := w.svc.ListProblemCases(ctx, w.op, huifang.ProblemFilter{})
		if len(ps) != 1 || ps[0].Type != huifang.ProblemCannotContact {
			t.Fatalf("problem cases %+v", ps)
		}
	})
}

func TestRescheduleAndLateAndInvalid(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.loadPolicies(t,
			policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1),
			policyLine("P2", "L20", "个险", "2026-03-03", "13900000001", 2)) // the agent's own phone
		work, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if _, err := w.svc.RecordAttempt(ctx, w.op, work.Callback.ID, app.AttemptInput{Outcome: huifang.AttemptReschedule, ScheduleAt: at(5, 22, 0)}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("schedule outside hours: %v", err)
		}
		c, err := w.svc.RecordAttempt(ctx, w.op, work.Callback.ID, app.AttemptInput{Outcome: huifang.AttemptReschedule, ScheduleAt: at(18, 15, 0)})
		mustDo(t, func() error { return err })
		if c.Status != huifang.StatusScheduled {
			t.Fatalf("scheduled %+v", c)
		}
		// The other callback: the false-number warning shows; the number is void.
		w2, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if w2.Callback.PolicyNo != "P2" || len(w2.Risk.Signs) == 0 {
			t.Fatalf("warnings %+v", w2)
		}
		c2, err := w.svc.RecordAttempt(ctx, w.op, w2.Callback.ID, app.AttemptInput{Outcome: huifang.AttemptInvalid})
		mustDo(t, func() error { return err })
		if c2.Result != huifang.ResultNotCompleted || c2.Reason != callback.ReasonInvalidNumber {
			t.Fatalf("invalid %+v", c2)
		}
		// At the scheduled time (after the deadline of 03-17) the callback comes back first and finishes late.
		w.clk.t = at(18, 15, 1)
		w3, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if w3.Callback.ID != work.Callback.ID {
			t.Fatalf("scheduled callback not offered: %+v", w3.Callback)
		}
		done, err := w.svc.Finish(ctx, w.op, w3.Callback.ID, passing(w3))
		mustDo(t, func() error { return err })
		if done.Result != huifang.ResultSuccessful || !done.Late {
			t.Fatalf("late finish %+v", done)
		}
	})
}

func TestLoginAndTokens(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		if _, _, err := w.svc.Login(ctx, "op1", "wrong-password", "10.0.0.1"); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("wrong password: %v", err)
		}
		if _, _, err := w.svc.Login(ctx, "nobody", "secret-password", "10.0.0.1"); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("unknown login: %v", err)
		}
		tok, u, err := w.svc.Login(ctx, "op1", "secret-password", "10.0.0.1")
		mustDo(t, func() error { return err })
		if got, err := w.svc.Authenticate(ctx, tok, huifang.SessionWeb); err != nil || got.ID != u.ID {
			t.Fatalf("authenticate: %v", err)
		}
		w.clk.t = w.clk.t.Add(9 * time.Hour) // past the session's life
		if _, err := w.svc.Authenticate(ctx, tok, huifang.SessionWeb); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Fatalf("expired session: %v", err)
		}
		api, err := w.svc.CreateToken(ctx, app.CLI(), app.TokenInput{OrgCode: "A", Login: "op1"})
		mustDo(t, func() error { return err })
		if _, err := w.svc.Authenticate(ctx, api, huifang.SessionAPI); err != nil {
			t.Fatalf("api token: %v", err)
		}
		if _, err := w.svc.CreateToken(ctx, app.CLI(), app.TokenInput{OrgCode: "B", Login: "op1"}); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("token for a user of another org: %v", err)
		}
		// Roles must fit the organisation.
		if _, err := w.svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "A", Login: "sup", Role: huifang.RoleSupervisor, Password: "secret-password"}); err == nil {
			t.Fatal("supervisor created in an insurer")
		}
		if _, err := w.svc.CreateUser(ctx, w.admin, app.UserInput{OrgCode: "B", Login: "x1", Role: huifang.RoleOperator, Password: "secret-password"}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("insurer admin creating users elsewhere: %v", err)
		}
		if _, err := w.svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "A", Login: "x2", Role: huifang.RoleOperator, Password: "short"}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("short password: %v", err)
		}
	})
}

func TestOverdueFilter(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.loadPolicies(t,
			policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1), // due 03-17: overdue on 03-18
			policyLine("P2", "L20", "个险", "2026-03-05", "13800000002", 2)) // due 03-20
		w.clk.t = at(18, 10, 0)
		rows, n, err := w.svc.ListCallbacks(ctx, w.op, huifang.CallbackFilter{Overdue: true})
		mustDo(t, func() error { return err })
		if n != 1 || rows[0].PolicyNo != "P1" {
			t.Fatalf("overdue: %d %+v", n, rows)
		}
	})
}

func TestPreUnderwritingCallback(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		if _, err := w.svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindInsurer, Code: "C", Name: "丙人寿", RegulatorCode: "REG", PreUnderwriting: true}); err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct {
			kind importer.Kind
			body string
		}{{importer.KindBranches, branchesCSV}, {importer.KindProducts, productsCSV}, {importer.KindAgents, agentsCSV}, {importer.KindOutlets, outletsCSV}} {
			w.importFile(t, "C", f.kind, f.body)
		}
		// One application not yet underwritten: only the pre-underwriting
		// callback, due 3 days after application. A policy already issued
		// gets none: underwriting is over.
		notIssued := strings.Replace(policyLine("P1", "L20", "个险", "", "13800000001", 1), ",2026-02-25,", ",,", 1)
		w.importFile(t, "C", importer.KindPolicies, policyHead+notIssued+policyLine("P2", "L20", "个险", "", "13800000002", 2))
		org, _ := w.db.FindOrgByCode(ctx, "C")
		var kinds []string
		mustDo(t, func() error {
			return w.db.ForEachCallback(ctx, org.ID, huifang.CallbackFilter{}, func(r *huifang.CallbackRow) error {
				kinds = append(kinds, string(r.Kind)+" "+r.DueOn.String())
				return nil
			})
		})
		if fmt.Sprint(kinds) != "[pre-underwriting 2026-02-23]" {
			t.Fatalf("callbacks %v", kinds)
		}
		if _, err := w.svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindRegulator, Code: "R2", Name: "x", PreUnderwriting: true}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("regulator with pre-underwriting: %v", err)
		}
	})
}

// The files a user uploads or gives `huifang import` go through the
// reader's limits: a workbook that unpacks to a GiB is refused saying so,
// and a header under a title is found.
func TestImportOddFiles(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		bomb := filepath.Join(w.dir, "policies.xlsx")
		if err := os.WriteFile(bomb, sheettest.SharedStringBomb(sheettest.GiB), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := w.svc.ImportFile(ctx, app.CLI(), "A", importer.KindPolicies, bomb, "policies.xlsx", nil)
		if huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), "文件解压后过大：共享字符串第1项超过 128 KiB") {
			t.Errorf("bomb: %v", err)
		}

		body := "新单保单清单 2026年3月\n说明：每张保单一行\n" + policyHead + policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1)
		res, err := w.svc.ImportFile(ctx, app.CLI(), "A", importer.KindPolicies, w.file(t, "titled.csv", body), "titled.csv", nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 1 || res.HeaderRow != 3 || !strings.Contains(res.Summary(), "header on row 3") {
			t.Errorf("titled file: %+v", res)
		}

		body = policyHead + policyLine("P2", "L20", "个险", "2026-03-02", "13800000002", 2)
		_, err = w.svc.ImportFile(ctx, app.CLI(), "A", importer.KindPolicies, w.file(t, "nul.csv", strings.Replace(body, "张三", "张\x00三", 1)), "nul.csv", nil)
		if !strings.Contains(huifang.ErrorMessage(err), "第2行第7列含有空字符") {
			t.Errorf("NUL: %v", err)
		}
	})
}
