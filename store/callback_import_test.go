package store_test

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// reported makes the records of an insurer's callback file for the
// policies P000001..P00000n imported by importN: odd ones successful, even
// ones with a complaint, resolved for every fourth.
func reported(t *testing.T, db *store.DB, orgID int64, n int) []*huifang.ImportedCallback {
	t.Helper()
	var out []*huifang.ImportedCallback
	for i := 1; i <= n; i++ {
		no := fmt.Sprintf("P%06d", i)
		_, c, _, err := db.NewBusinessCallback(ctx, orgID, no)
		must(t, err)
		fin := time.Date(2026, 3, 10, 15, 0, 0, 0, huifang.Shanghai)
		ic := &huifang.ImportedCallback{CallbackID: c.ID, PolicyNo: no, Result: huifang.ResultSuccessful, Method: huifang.MethodPhone,
			FinishedAt: fin, Late: fin.After(c.DueOn.End()), Evidence: fmt.Sprintf(`{"source":"import","file":"cb.csv","line":%d}`, i+1)}
		if i%2 == 0 {
			ic.Result = huifang.ResultProblems
			pc := huifang.ProblemCase{Type: huifang.ProblemComplaint, Detail: "保险公司系统回访发现", OpenedAt: fin, OpenedOn: huifang.NewDate(2026, 3, 10),
				DueOn: huifang.NewDate(2026, 3, 24), LimitDays: 10, LimitWorking: true}
			if i%4 == 0 {
				pc.Status, pc.ResolvedAt = huifang.ProblemResolved, time.Date(2026, 3, 20, 0, 0, 0, 0, huifang.Shanghai)
			}
			ic.Cases = []huifang.ProblemCase{pc}
		}
		out = append(out, ic)
	}
	return out
}

func records(rs []*huifang.ImportedCallback) func() (*huifang.ImportedCallback, error) {
	i := 0
	return func() (*huifang.ImportedCallback, error) {
		if i == len(rs) {
			return nil, io.EOF
		}
		i++
		return rs[i-1], nil
	}
}

func TestImportCallbacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		const n = 1203 // three chunks
		importN(t, db, bd.a.ID, n)
		rs := reported(t, db, bd.a.ID, n)
		res, err := db.ImportCallbacks(ctx, bd.a.ID, cli, t0, "cb.csv", records(rs))
		must(t, err)
		if res.Finished != n || res.Cases != n/2 || res.Unchanged != 0 {
			t.Fatalf("import %+v", res)
		}
		p, c, cases, err := db.NewBusinessCallback(ctx, bd.a.ID, "P000004")
		must(t, err)
		if p.No != "P000004" || c.Status != huifang.StatusDone || c.Result != huifang.ResultProblems || c.Method != huifang.MethodPhone ||
			!c.FinishedAt.Equal(rs[3].FinishedAt) || c.Evidence != rs[3].Evidence || c.Late != rs[3].Late {
			t.Fatalf("callback %+v", c)
		}
		if len(cases) != 1 || cases[0].Status != huifang.ProblemResolved || cases[0].DueOn != huifang.NewDate(2026, 3, 24) ||
			huifang.DateOf(cases[0].ResolvedAt) != huifang.NewDate(2026, 3, 20) || cases[0].BranchCode != "01" || cases[0].PolicyNo != "P000004" {
			t.Fatalf("cases %+v", cases)
		}
		if _, _, cases, _ := db.NewBusinessCallback(ctx, bd.a.ID, "P000002"); len(cases) != 1 || cases[0].Status != huifang.ProblemOpen {
			t.Fatalf("open case %+v", cases)
		}
		evs, err := db.ListEvents(ctx, bd.a.ID, cases[0].ID)
		must(t, err)
		if len(evs) != 2 || evs[0].Kind != "opened" || evs[1].Kind != "resolved" {
			t.Fatalf("events %+v", evs)
		}
		if es, _ := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "import", Action: "callbacks"}); len(es) != 1 || es[0].Key != "cb.csv" {
			t.Fatalf("import audit %+v", es)
		}
		if es, _ := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "callback", Key: fmt.Sprint(c.ID)}); len(es) != 1 || es[0].Action != "finish" {
			t.Fatalf("callback audit %+v", es)
		}

		// The counts kept in the transaction are the counts a recount finds.
		q1, _ := indicator.ParsePeriod("2026")
		asOf := huifang.NewDate(2026, 12, 31)
		kept, err := db.ReadStats(ctx, bd.a.ID, q1, asOf, indicator.All)
		must(t, err)
		var due, ok int64
		for _, v := range kept.Callbacks {
			due, ok = due+v.Due, ok+v.Successful
		}
		if due != n || ok != (n+1)/2 {
			t.Fatalf("kept counts: %d due, %d successful", due, ok)
		}
		must(t, db.RebuildStats(ctx, bd.a.ID))
		recounted, err := db.ReadStats(ctx, bd.a.ID, q1, asOf, indicator.All)
		must(t, err)
		if !reflect.DeepEqual(nonZero(kept), nonZero(recounted)) {
			t.Fatalf("kept %+v\nrecounted %+v", kept, recounted)
		}

		// A callback finished meanwhile: a conflict, and nothing written.
		importN(t, db, bd.b.ID, 3)
		rb := reported(t, db, bd.b.ID, 3)
		_, err = db.ImportCallbacks(ctx, bd.b.ID, cli, t0, "b.csv", records(rb[2:]))
		must(t, err)
		_, err = db.ImportCallbacks(ctx, bd.b.ID, cli, t0, "b.csv", records(rb))
		if huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("conflict: %v", err)
		}
		if _, c, _, _ := db.NewBusinessCallback(ctx, bd.b.ID, "P000001"); c.Status == huifang.StatusDone {
			t.Fatal("a refused import wrote")
		}
		// Unchanged records are only counted; an error from the source rolls back.
		rb[2].Unchanged = true
		res, err = db.ImportCallbacks(ctx, bd.b.ID, cli, t0, "b.csv", records(rb))
		must(t, err)
		if res.Finished != 2 || res.Unchanged != 1 {
			t.Fatalf("second import %+v", res)
		}
		boom := errors.New("boom")
		importN(t, db, bd.b.ID, 5)
		rb = reported(t, db, bd.b.ID, 5)[3:]
		i := 0
		_, err = db.ImportCallbacks(ctx, bd.b.ID, cli, t0, "b.csv", func() (*huifang.ImportedCallback, error) {
			if i++; i > 1 {
				return nil, boom
			}
			return rb[0], nil
		})
		if !errors.Is(err, boom) {
			t.Fatalf("source error: %v", err)
		}
		if _, c, _, _ := db.NewBusinessCallback(ctx, bd.b.ID, "P000004"); c.Status == huifang.StatusDone {
			t.Fatal("a failed import wrote")
		}
	})
}

// nonZero drops the rows of counts that add up to nothing: a change leaves
// them behind where a recount writes none.
func nonZero(s indicator.StatCounts) indicator.StatCounts {
	for k, v := range s.Callbacks {
		if v.IsZero() {
			delete(s.Callbacks, k)
		}
	}
	for k, v := range s.Cases {
		if v.IsZero() {
			delete(s.Cases, k)
		}
	}
	return s
}
