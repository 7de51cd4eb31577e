package app_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// TestCountsFollowEveryChange imports policies, corrects them, works
// callbacks and moves problem cases along in a random order, and after
// every few steps compares the tables made from the stored counts with a
// full recount of the rows, for months, a quarter, the year and the
// regulator's table, and the drill-downs by seller (agent or outlet) and by
// branch with the rows they would be recounted from, on both engines. The orders come from fixed seeds, so
// the test is the same on every run; HUIFANG_SEED=N tries another order
// (HUIFANG_SEED=time, a new one each run, printed).
func TestCountsFollowEveryChange(t *testing.T) {
	t.Parallel()
	seeds := []uint64{2, 3, 4}
	switch s := os.Getenv("HUIFANG_SEED"); s {
	case "":
	case "time":
		seeds = []uint64{uint64(time.Now().UnixNano())}
	default:
		var n uint64
		if _, err := fmt.Sscan(s, &n); err != nil {
			t.Fatalf("HUIFANG_SEED=%q: %v", s, err)
		}
		seeds = []uint64{n}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed-", seed), func(t *testing.T) {
			t.Parallel()
			countsFollow(t, seed)
		})
	}
}

func countsFollow(t *testing.T, seed uint64) {
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		rng := rand.New(rand.NewPCG(seed, 7))
		w := setup(t, tw)
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		handler := w.user(t, "A", "h-unit", huifang.RoleHandler, "86010101", "")
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")

		products := []string{"L20", "U01", "H1", "A1"}
		channels := []string{"个险", "银保"}
		births := []huifang.Date{huifang.NewDate(1980, 5, 6), huifang.NewDate(1966, 3, 20), huifang.NewDate(1966, 4, 10)}
		type pol struct {
			product, channel, receipt string
			birth                     huifang.Date
			other                     bool // sold by the second agent or outlet (A002, B002)
		}
		policies := map[string]pol{}
		// A second agent and a second outlet, for corrections to move
		// policies between sellers.
		w.importFile(t, "A", importer.KindAgents, agentsCSV+"A002,王芳,13900000002,86010101,00020231002,在职\n")
		w.importFile(t, "A", importer.KindOutlets, outletsCSV+"B002,建设银行解放路支行,建设银行,86010101\n")
		line := func(no string, p pol, seq int) string {
			l := policyLineBorn(no, p.product, p.channel, p.receipt, fmt.Sprintf("138%08d", seq), seq, p.birth)
			if p.other {
				l = strings.Replace(strings.Replace(l, ",86010101,A001,,", ",86010101,A002,,", 1), ",86010101,,B001,", ",86010101,,B002,", 1)
			}
			return l
		}
		// A receipt signed in the last ten days (the import refuses later ones).
		receipt := func() string {
			d := huifang.DateOf(w.clk.Now()).AddDays(-rng.IntN(10))
			if first := huifang.NewDate(2026, 2, 26); d.Before(first) {
				d = first
			}
			return d.String()
		}
		randomPolicy := func() pol {
			return pol{products[rng.IntN(len(products))], channels[rng.IntN(len(channels))],
				receipt(), births[rng.IntN(len(births))], false}
		}
		seq := 0
		did := map[string]int{}
		check := func(when string) {
			t.Helper()
			for _, period := range []string{"2026-03", "2026-04", "2026-05", "2026-Q1", "2026-Q2", "2026"} {
				_, fast, err := w.svc.StatsTable(ctx, w.admin, "", period)
				mustDo(t, func() error { return err })
				_, slow, err := w.svc.StatsRecount(ctx, w.admin, "", period)
				mustDo(t, func() error { return err })
				if !reflect.DeepEqual(fast, slow) {
					t.Fatalf("%s, %s: counts differ from a recount\nfast %+v\nslow %+v", when, period, fast, slow)
				}
			}
			_, fast, err := w.svc.StatsTable(ctx, sup, "REG", "2026")
			mustDo(t, func() error { return err })
			_, slow, err := w.svc.StatsRecount(ctx, sup, "REG", "2026")
			mustDo(t, func() error { return err })
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("%s, regulator: counts differ\nfast %+v\nslow %+v", when, fast, slow)
			}
			w.qaKeptEqualsRecount(t, mgr.OrgID, when)
			// The drill-downs by seller (their own kept counts) and by
			// branch, narrowed or not, equal a recount of the rows.
			for _, period := range []string{"2026-03", "2026-04", "2026-Q2", "2026"} {
				for _, dim := range []string{"seller", "branch"} {
					for _, f := range []app.BreakdownFilter{{}, {Channel: "bancassurance"}, {Design: "universal"}, {Branch: "860101"}, {Branch: "86010101", Channel: "agency"}} {
						_, fast, err := w.svc.StatsBreakdown(ctx, mgr, "", period, dim, f)
						mustDo(t, func() error { return err })
						_, slow, err := w.svc.StatsBreakdownRecount(ctx, mgr, "", period, dim, f)
						mustDo(t, func() error { return err })
						if !reflect.DeepEqual(fast, slow) {
							t.Fatalf("%s, %s by %s %+v: kept counts differ from a recount\nfast %+v\nslow %+v", when, period, dim, f, fast, slow)
						}
					}
				}
			}
		}

		for step := 0; step < 100; step++ {
			// Time moves on: some callbacks end up late, some cases overdue.
			if rng.IntN(3) == 0 {
				w.clk.t = w.clk.t.AddDate(0, 0, 1+rng.IntN(3))
			}
			switch op := rng.IntN(9); op {
			case 0: // import new policies
				var lines []string
				for range 1 + rng.IntN(4) {
					seq++
					no := fmt.Sprintf("R%03d", seq)
					policies[no] = randomPolicy()
					lines = append(lines, line(no, policies[no], seq))
				}
				w.loadPolicies(t, lines...)
				did["import"]++
			case 1: // correct a policy: product, channel (agent or outlet), receipt date, birth or seller
				if len(policies) == 0 {
					continue
				}
				no := fmt.Sprintf("R%03d", 1+rng.IntN(seq))
				p := policies[no]
				switch rng.IntN(5) {
				case 4:
					p.other = !p.other
					did["seller"]++
				case 0:
					p.product = products[rng.IntN(len(products))]
				case 1: // and the other agent or outlet of the channel
					p.channel = channels[rng.IntN(len(channels))]
					p.other = !p.other
					did["seller"]++
				case 2:
					p.receipt = receipt()
				default:
					p.birth = births[rng.IntN(len(births))]
				}
				policies[no] = p
				var n int
				fmt.Sscanf(no, "R%d", &n)
				w.loadPolicies(t, line(no, p, n))
				did["correct"]++
			case 2, 3: // work a callback: successful, or a problem
				work, err := w.svc.Next(ctx, w.op)
				if err != nil || work == nil {
					continue
				}
				in := passing(work)
				if rng.IntN(2) == 0 && work.Script.Script.Step("signed") != nil {
					in = answering(work, "signed", "no")
				}
				if _, err := w.svc.Finish(ctx, w.op, work.Callback.ID, in); err != nil {
					t.Fatalf("finish: %v", err)
				}
				did["finish"]++
				if work.Callback.Kind == huifang.KindRecallback {
					did["re-callback finished"]++
				}
			case 4: // close a case unresolved
				cs, err := w.svc.ListProblemCases(ctx, mgr, huifang.ProblemFilter{})
				mustDo(t, func() error { return err })
				for _, c := range cs {
					// (A case awaiting its re-callback is left to it.)
					if !c.Status.Final() && c.Status != huifang.ProblemRecallback {
						if _, err := w.svc.CloseCase(ctx, mgr, c.ID, "客户拒绝配合整改"); err == nil {
							did["close"]++
						}
						break
					}
				}
			case 7: // a product's design type corrected: its policies' counts move
				design := "分红"
				if did["product"]%2 == 1 {
					design = "传统"
				}
				w.importFile(t, "A", importer.KindProducts, strings.Replace(productsCSV, "康宁终身寿险,传统", "康宁终身寿险,"+design, 1))
				did["product"]++
			case 8: // an agent leaves: a policy's orphan callback, due in ten days, finished at once or left open
				if len(policies) == 0 {
					continue
				}
				no := fmt.Sprintf("R%03d", 1+rng.IntN(seq))
				results := []huifang.CallbackResult{huifang.ResultSuccessful, huifang.ResultProblems, huifang.ResultNotCompleted, ""}
				if w.orphanMaybe(t, "A", no, huifang.DateOf(w.clk.Now()).AddDays(10), w.op, results[rng.IntN(len(results))]) {
					did["orphan"]++
				}
			case 5, 6: // act on a case and confirm it by a re-callback
				cs, err := w.svc.ListProblemCases(ctx, handler, huifang.ProblemFilter{})
				mustDo(t, func() error { return err })
				for _, c := range cs {
					if c.Status.Final() {
						continue
					}
					if c.Status == huifang.ProblemOpen {
						if _, err := w.svc.Transfer(ctx, mgr, c.ID, app.TransferInput{Branch: "86010101", Handler: "h-unit"}); err != nil {
							t.Fatalf("transfer: %v", err)
						}
						if _, err := w.svc.Acknowledge(ctx, handler, c.ID); err != nil {
							t.Fatalf("acknowledge: %v", err)
						}
					}
					if _, err := w.svc.Act(ctx, handler, c.ID, app.ActionInput{Kind: "explained", Note: "已向客户解释"}); err != nil {
						continue
					}
					if _, err := w.svc.RequestRecallback(ctx, handler, c.ID); err != nil {
						continue
					}
					did["recallback"]++
					break
				}
			}
			if step%10 == 9 {
				check(fmt.Sprintf("after step %d", step+1))
			}
		}
		check("at the end")
		// The changes the test is about all happened.
		for _, k := range []string{"import", "correct", "seller", "finish", "close", "recallback", "product", "orphan"} {
			if did[k] == 0 {
				t.Fatalf("no %s happened (%v): the test proves nothing", k, did)
			}
		}
		t.Logf("operations: %v", did)
		// And the stored counts equal those rebuilt from scratch.
		_, before, _ := w.svc.StatsTable(ctx, w.admin, "", "2026")
		mustDo(t, func() error { return w.db.RebuildStats(ctx, w.admin.OrgID) })
		_, after, _ := w.svc.StatsTable(ctx, w.admin, "", "2026")
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("rebuilt counts differ")
		}
		if before.Total.Callbacks.Due == 0 || !strings.Contains(fmt.Sprint(did), "finish") {
			t.Fatalf("nothing counted: %+v", before.Total)
		}
	})
}

// TestCountsUnderConcurrentChanges: operators finish callbacks while the
// same policies are corrected by imports, at the same time; the counts
// still equal a recount (on PostgreSQL a change locks its policies first).
func TestCountsUnderConcurrentChanges(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		var lines, corrected []string
		for i := 1; i <= 30; i++ {
			no := fmt.Sprintf("C%02d", i)
			lines = append(lines, policyLine(no, "L20", "个险", "2026-03-0"+fmt.Sprint(1+i%5), fmt.Sprintf("138%08d", i), i))
			corrected = append(corrected, policyLine(no, "U01", "银保", "2026-03-0"+fmt.Sprint(1+i%5), fmt.Sprintf("138%08d", i), i))
		}
		w.loadPolicies(t, lines...)
		errs := make(chan error, 3)
		for _, op := range []*huifang.User{w.op, w.op2} {
			go func() {
				for {
					work, err := w.svc.Next(ctx, op)
					if err != nil || work == nil {
						errs <- nil // the pool is empty
						return
					}
					in := passing(work)
					if work.Callback.ID%3 == 0 && work.Script.Script.Step("signed") != nil {
						in = answering(work, "signed", "no")
					}
					if _, err := w.svc.Finish(ctx, op, work.Callback.ID, in); huifang.ErrorCode(err) == huifang.ECONFLICT {
						continue // corrected meanwhile: another script; take it again
					} else if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		go func() {
			for i := range corrected {
				if _, err := w.svc.ImportRecords(ctx, app.CLI(), "A", importer.KindPolicies, "correction", []map[string]string{recordOf(corrected[i])}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
		for range 3 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		w.clk.t = april(1) // March has ended: every callback due in it counts
		_, fast, err := w.svc.StatsTable(ctx, w.admin, "", "2026-03")
		mustDo(t, func() error { return err })
		_, slow, err := w.svc.StatsRecount(ctx, w.admin, "", "2026-03")
		mustDo(t, func() error { return err })
		if !reflect.DeepEqual(fast, slow) || fast.Total.Callbacks.Due != 30 || fast.Total.Callbacks.Completed == 0 {
			t.Fatalf("counts %+v, recount %+v", fast.Total, slow.Total)
		}
	})
}

// recordOf turns a policy line into the record ImportRecords takes.
func recordOf(line string) map[string]string {
	head := strings.Split(strings.TrimSpace(policyHead), ",")
	cells := strings.Split(strings.TrimSpace(line), ",")
	rec := map[string]string{}
	for i, h := range head {
		rec[h] = cells[i]
	}
	return rec
}
