package app_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/sheet"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/testworld"
)

var update = flag.Bool("update", false, "rewrite the golden statistics tables in testdata/golden")

// goldenWorld is the fixed synthetic data set of the golden tables: two
// insurers' March and April, worked in huifang step by step at fixed times,
// with orphan-policy callbacks of departed agents (orphansMarch,
// orphansApril).
func goldenWorld(t *testing.T, tw *testworld.World) *world {
	t.Helper()
	w := setup(t, tw)
	mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
	handler := w.user(t, "A", "h-unit", huifang.RoleHandler, "86010101", "")
	old := huifang.NewDate(1961, 2, 3) // 65 in 2026
	young := huifang.NewDate(1980, 5, 6)
	finish := func(u *huifang.User, problem bool) *huifang.Callback {
		t.Helper()
		work, err := w.svc.Next(ctx, u)
		mustDo(t, func() error { return err })
		in := passing(work)
		if problem {
			in = answering(work, "signed", "no")
		}
		cb, err := w.svc.Finish(ctx, u, work.Callback.ID, in)
		mustDo(t, func() error { return err })
		return cb
	}
	// Thursday 5 March: the first receipts; four callbacks, one with a problem.
	w.clk.t = at(5, 10, 0)
	w.loadPolicies(t,
		policyLineBorn("G01", "L20", "个险", "2026-03-01", "13800000101", 101, young),
		policyLineBorn("G02", "U01", "银保", "2026-03-02", "13800000102", 102, old),
		policyLineBorn("G03", "L20", "个险", "2026-03-02", "13800000103", 103, young),
		policyLineBorn("G04", "H1", "个险", "2026-03-03", "13800000104", 104, old),
		policyLineBorn("G05", "U01", "银保", "2026-03-04", "13800000105", 105, young),
		policyLineBorn("G06", "L20", "个险", "2026-03-05", "13800000106", 106, young),
		policyLineBorn("G07", "A1", "个险", "2026-03-05", "13800000107", 107, young)) // accident: no callback
	finish(w.op, false)
	first := finish(w.op, true)
	finish(w.op, false)
	second := finish(w.op2, true)
	w.importFile(t, "B", importer.KindPolicies, policyHead+
		policyLineBorn("H01", "L20", "个险", "2026-03-02", "13800000201", 201, young)+
		policyLineBorn("H02", "U01", "银保", "2026-03-04", "13800000202", 202, old))
	finish(w.opB, false)
	orphanProblem := orphansMarch(t, w)

	// Friday 20 March: more receipts (due in April); G05 and G06 are late.
	w.clk.t = at(20, 10, 0)
	w.loadPolicies(t,
		policyLineBorn("G08", "L20", "个险", "2026-03-18", "13800000108", 108, old),
		policyLineBorn("G09", "H1", "银保", "2026-03-19", "13800000109", 109, young),
		policyLineBorn("G10", "U01", "个险", "2026-03-20", "13800000110", 110, young))
	finish(w.op, false)
	finish(w.op, true)
	// The first case: explained, confirmed by a re-callback, resolved.
	cases, err := w.svc.ListProblemCases(ctx, mgr, huifang.ProblemFilter{CallbackID: first.ID})
	mustDo(t, func() error { return err })
	c := cases[0]
	_, err = w.svc.Transfer(ctx, mgr, c.ID, app.TransferInput{Branch: "86010101", Handler: "h-unit"})
	mustDo(t, func() error { return err })
	_, err = w.svc.Acknowledge(ctx, handler, c.ID)
	mustDo(t, func() error { return err })
	_, err = w.svc.Act(ctx, handler, c.ID, app.ActionInput{Kind: "explained", Note: "已向客户解释"})
	mustDo(t, func() error { return err })
	_, err = w.svc.RequestRecallback(ctx, handler, c.ID)
	mustDo(t, func() error { return err })
	// The operator works the pool, most urgent first, up to the re-callback.
	for i := 0; ; i++ {
		if i == 5 {
			t.Fatal("the re-callback never came")
		}
		if finish(w.op, false).Kind == huifang.KindRecallback {
			break
		}
	}
	// The second case: closed unresolved.
	cases, err = w.svc.ListProblemCases(ctx, mgr, huifang.ProblemFilter{CallbackID: second.ID})
	mustDo(t, func() error { return err })
	_, err = w.svc.CloseCase(ctx, mgr, cases[0].ID, "客户拒绝重新签署")
	mustDo(t, func() error { return err })
	orphanCase(t, w, mgr, handler, orphanProblem)

	// Friday 10 April: one more; a policy corrected (G10 sold by the bank).
	w.clk.t = at(10, 10, 0).AddDate(0, 1, 0)
	finish(w.op, false)
	w.loadPolicies(t, policyLineBorn("G10", "U01", "银保", "2026-03-20", "13800000110", 110, young))
	orphansApril(t, w)
	// The tables are made on Wednesday 6 May.
	w.clk.t = at(6, 10, 0).AddDate(0, 2, 0)
	return w
}

// TestGoldenStatsTables: the fixed data set's tables, as JSON, CSV and XLSX,
// equal the checked-in ones on both engines (XLSX compared cell by cell).
// go test ./app -run TestGoldenStatsTables -update rewrites them.
func TestGoldenStatsTables(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := goldenWorld(t, tw)
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		for _, tc := range []struct {
			u           *huifang.User
			org, period string
		}{{w.admin, "A", "2026-03"}, {w.admin, "A", "2026-04"}, {w.admin, "A", "2026-Q1"}, {w.admin, "A", "2026"}, {sup, "REG", "2026-Q1"}} {
			for _, format := range []string{"json", "csv", "xlsx"} {
				var b bytes.Buffer
				mustDo(t, func() error { return w.svc.WriteStats(ctx, tc.u, tc.org, tc.period, format, &b) })
				// The stored counts and a full recount give the same file.
				var slow bytes.Buffer
				mustDo(t, func() error { return w.svc.WriteRecount(ctx, tc.u, tc.org, tc.period, format, &slow) })
				name := filepath.Join("testdata", "golden", fmt.Sprintf("%s-%s.%s", tc.org, tc.period, format))
				if *update && w.db.Engine() == store.SQLite {
					if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(name)
				if err != nil {
					t.Fatalf("%v (go test ./app -run TestGoldenStatsTables -update writes it)", err)
				}
				if format == "xlsx" {
					got, exp, fast := cells(t, b.Bytes()), cells(t, want), cells(t, slow.Bytes())
					if !slices.EqualFunc(got, exp, slices.Equal) {
						t.Fatalf("%s differs:\ngot  %q\nwant %q", name, got, exp)
					}
					if !slices.EqualFunc(got, fast, slices.Equal) {
						t.Fatalf("%s: recount differs", name)
					}
					continue
				}
				if !bytes.Equal(b.Bytes(), want) {
					t.Fatalf("%s differs:\n%s", name, b.String())
				}
				if !bytes.Equal(b.Bytes(), slow.Bytes()) {
					t.Fatalf("%s: recount differs:\n%s", name, slow.String())
				}
			}
		}
	})
}

// cells reads every cell value of a spreadsheet.
func cells(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := sheet.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for {
		r, err := rows.Next()
		if errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
		out = append(out, []string{strings.Join(r, "|")})
	}
}

// TestCasesBehindFigures: the problem cases a figure's link lists are as
// many as the figure counts, for every row of the golden tables, on both
// engines.
func TestCasesBehindFigures(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := goldenWorld(t, tw)
		for _, period := range []string{"2026-04", "2026-Q2", "2026"} {
			_, tbl, err := w.svc.StatsTable(ctx, w.admin, "", period)
			mustDo(t, func() error { return err })
			check := func(label string, r indicator.Row, f huifang.ProblemFilter) {
				t.Helper()
				f.DueFrom, f.DueTo = tbl.Period.First(), tbl.Period.Last()
				want := map[string]int64{huifang.CaseOutcomeDue: r.Cases.Due, huifang.CaseOutcomeResolved: r.Cases.Resolved,
					huifang.CaseOutcomeClosed: r.Cases.Closed, huifang.CaseOutcomeOnTime: r.Cases.ClosedOnTime}
				for _, o := range huifang.CaseOutcomes {
					f.Outcome = o
					n, err := w.db.CountProblemCases(ctx, w.admin.OrgID, f)
					mustDo(t, func() error { return err })
					if int64(n) != want[o] {
						t.Errorf("%s %s %s: %d cases listed, the figure counts %d", period, label, o, n, want[o])
					}
				}
			}
			check("total", tbl.Total, huifang.ProblemFilter{})
			for _, r := range tbl.ByChannel {
				check("channel "+r.Key, r, huifang.ProblemFilter{Channel: huifang.Channel(r.Key)})
			}
			for _, r := range tbl.ByDesign {
				check("design "+r.Key, r, huifang.ProblemFilter{Design: huifang.DesignType(r.Key)})
			}
			for _, r := range tbl.ByType {
				check("type "+r.Key, r, huifang.ProblemFilter{Type: huifang.ProblemType(r.Key)})
			}
			if period == "2026" && (tbl.Total.Cases.Due == 0 || tbl.Total.Cases.ClosedOnTime == 0) {
				t.Fatalf("the golden year has no cases to list: %+v", tbl.Total.Cases)
			}
		}
	})
}

// TestStatsTablesAtOnce: the tables of several periods read at once equal
// the tables read one by one, for an insurer and a regulator.
func TestStatsTablesAtOnce(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := goldenWorld(t, tw)
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		var periods []indicator.Period
		for _, s := range []string{"2026-02", "2026-03", "2026-04", "2026-Q1", "2026-Q2", "2026"} {
			p, _ := indicator.ParsePeriod(s)
			periods = append(periods, p)
		}
		for _, tc := range []struct {
			u   *huifang.User
			org string
		}{{w.admin, "A"}, {sup, "REG"}} {
			_, all, err := w.svc.StatsTables(ctx, tc.u, tc.org, periods)
			mustDo(t, func() error { return err })
			for i, p := range periods {
				_, one, err := w.svc.StatsTable(ctx, tc.u, tc.org, p.String())
				mustDo(t, func() error { return err })
				if !reflect.DeepEqual(all[i], one) {
					t.Fatalf("%s %s: at once %+v, alone %+v", tc.org, p, all[i].Total, one.Total)
				}
			}
		}
		if _, _, err := w.svc.StatsTables(ctx, w.admin, "A", []indicator.Period{periods[0], {Kind: indicator.Year, Year: 2025}}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("two years at once: %v", err)
		}
	})
}
