package store_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestQATiming times the QA figures of a year and of the last 30 days over
// HUIFANG_QA_TIMING policies (Bench.SeedYear) on each engine: every finished
// callback finished by one of 100 operators after one answered attempt.
// Kept is what QAFigures reads (stat_qa_days, schema 25); recount is what
// it counted from the rows on every request before. Medians of five runs
// after one to warm up.
//
//	HUIFANG_QA_TIMING=100000 go test ./store -run TestQATiming -v
func TestQATiming(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("HUIFANG_QA_TIMING"))
	if n <= 0 {
		t.Skip("set HUIFANG_QA_TIMING to a number of policies")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		org := bd.a.ID
		start := time.Now()
		must(t, db.Bench().SeedYear(ctx, org, n, 2025, "enc"))
		var ops []int64
		for i := range 100 {
			u := &huifang.User{OrgID: org, Login: fmt.Sprintf("op%03d", i), Role: huifang.RoleOperator, PasswordHash: "x", CreatedAt: t0, BranchCode: "01"}
			must(t, db.CreateUser(ctx, u, huifang.Actor{Name: "cli"}))
			ops = append(ops, u.ID)
		}
		must(t, db.ExecForTest(ctx, fmt.Sprintf(`UPDATE callbacks SET finished_by = %d + id %% 100 WHERE org_id = %d AND status = 'done'`, ops[0], org)))
		must(t, db.ExecForTest(ctx, fmt.Sprintf(`INSERT INTO attempts (org_id, callback_id, user_id, at, outcome, note)
			SELECT org_id, id, finished_by, finished_at - 600000, 'answered', '' FROM callbacks WHERE org_id = %d AND status = 'done'`, org)))
		must(t, db.RebuildStats(ctx, org))
		must(t, db.ExecForTest(ctx, "ANALYZE"))
		t.Logf("seeded %d policies in %v", n, time.Since(start).Round(time.Millisecond))
		for _, p := range []struct {
			name     string
			from, to huifang.Date
		}{{"a year", huifang.NewDate(2025, 1, 1), huifang.NewDate(2025, 12, 31)}, {"30 days", huifang.NewDate(2025, 12, 2), huifang.NewDate(2025, 12, 31)}} {
			var kept, recount []huifang.QAFigures
			k := medianOf(func() {
				var err error
				kept, err = db.QAFigures(ctx, org, p.from, p.to)
				must(t, err)
			})
			r := medianOf(func() {
				var err error
				recount, err = db.RecountQAFigures(ctx, org, p.from, p.to)
				must(t, err)
			})
			if len(kept) < 90 || !slices.Equal(kept, recount) {
				t.Fatalf("%s: kept %d operators, recount %d, or they differ", p.name, len(kept), len(recount))
			}
			finished := 0
			for _, f := range kept {
				finished += f.Finished
			}
			t.Logf("%-8s %7d finished: recount %8.1f ms   kept %6.1f ms", p.name, finished, ms(r), ms(k))
		}
	})
}
