package app_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// TestImportOrphanCallbackRecords: a callback file's 回访类型 column reports
// orphan-policy callbacks made in the insurer's own system: the policy's
// orphan callback is finished with the row's result, its new-business
// callback is left alone, and the orphan figures count it; a bad kind, or
// an orphan row of a policy whose agent has not left, is the row's error
// and nothing is written; on both engines.
func TestImportOrphanCallbackRecords(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.loadPolicies(t,
			policyLine("P1", "L20", "个险", "2026-02-25", "13800000001", 1),
			policyLine("P2", "L20", "个险", "2026-02-25", "13800000002", 2),
			policyLine("P3", "L20", "个险", "2026-02-25", "13800000003", 3))
		w.clk.t = at(10, 10, 0)
		due := huifang.NewDate(2026, 3, 24)
		w.orphan(t, "A", "P1", due, nil, "")
		w.orphan(t, "A", "P2", due, nil, "")
		w.clk.t = at(25, 10, 0)
		head := strings.TrimSuffix(callbacksHead, "\n") + ",回访类型\n"

		bad := head + "P1,电话,2026-03-20 10:00,成功,,,,,孤儿保单回访\n" + "P2,电话,2026-03-20 10:00,成功,,,,,续期回访\n" + "P3,电话,2026-03-20 10:00,成功,,,,,孤儿保单回访\n"
		res, err := w.svc.ImportFile(ctx, w.admin, "A", importer.KindCallbacks, w.file(t, "bad.csv", bad), "bad.csv", nil)
		if huifang.ErrorCode(err) != huifang.EINVALID || res == nil || res.Report == nil || res.Report.Bad != 2 {
			t.Fatalf("bad file: %v %+v", err, res)
		}
		s := res.Report.String()
		if !strings.Contains(s, "第3行 回访类型「续期回访」：回访类型应为 新单回访 或 孤儿保单回访") ||
			!strings.Contains(s, "第4行 回访类型「孤儿保单回访」：保单 P3 没有孤儿保单回访") {
			t.Fatalf("report:\n%s", s)
		}
		if n, _ := w.db.CountCallbacks(ctx, w.admin.OrgID, huifang.CallbackFilter{Status: huifang.StatusDone}); n != 0 {
			t.Fatalf("a bad file finished %d callbacks", n)
		}

		// P1's orphan callback successful, P2's with a problem; P1's
		// new-business callback in the same file (empty kind).
		good := head + "P1,电话,2026-03-20 10:00,成功,,,,,孤儿保单回访\n" +
			"P2,电话,2026-03-21 11:00,完成但有问题,投保材料未签名或代签名,2026-03-21,,,孤儿保单\n" +
			"P1,电话,2026-03-05 09:30,成功,,,,,\n"
		res, err = w.svc.ImportFile(ctx, w.admin, "A", importer.KindCallbacks, w.file(t, "cb.csv", good), "cb.csv", nil)
		mustDo(t, func() error { return err })
		if res.Rows != 3 || res.Counts.Updated != 3 || res.Cases != 1 {
			t.Fatalf("import %+v", res)
		}
		kinds := map[string]huifang.Callback{}
		mustDo(t, func() error {
			return w.db.ForEachCallback(ctx, w.admin.OrgID, huifang.CallbackFilter{}, func(r *huifang.CallbackRow) error {
				kinds[r.PolicyNo+" "+string(r.Kind)] = r.Callback
				return nil
			})
		})
		if c := kinds["P1 orphan"]; c.Result != huifang.ResultSuccessful || c.Late || c.Method != huifang.MethodPhone {
			t.Errorf("P1's orphan callback %+v", c)
		}
		if c := kinds["P2 orphan"]; c.Result != huifang.ResultProblems || c.Status != huifang.StatusDone {
			t.Errorf("P2's orphan callback %+v", c)
		}
		if c := kinds["P1 new-business"]; c.Result != huifang.ResultSuccessful {
			t.Errorf("P1's new-business callback %+v", c)
		}
		if c := kinds["P2 new-business"]; c.Status == huifang.StatusDone {
			t.Errorf("P2's new-business callback finished by its orphan row: %+v", c)
		}
		_, tbl, err := w.svc.StatsTable(ctx, w.admin, "", "2026-03")
		mustDo(t, func() error { return err })
		if o := tbl.Total.Orphans; o.Due != 2 || o.Successful != 1 || o.Completed != 2 || o.Problems != 1 {
			t.Errorf("orphan figures %+v", o)
		}
		if c := tbl.Total.Callbacks; c.Successful != 1 || c.Problems != 0 {
			t.Errorf("new-business figures %+v", c)
		}
		_, slow, err := w.svc.StatsRecount(ctx, w.admin, "", "2026-03")
		mustDo(t, func() error { return err })
		if slow.Total != tbl.Total {
			t.Errorf("counts %+v, recount %+v", tbl.Total, slow.Total)
		}
		// The export names each callback's kind (回访类型); the export of
		// orphan callbacks only holds P1's and P2's.
		var all, orphans bytes.Buffer
		mustDo(t, func() error { return w.svc.ExportCallbacks(ctx, w.admin, huifang.CallbackFilter{}, "csv", &all) })
		mustDo(t, func() error {
			return w.svc.ExportCallbacks(ctx, w.admin, huifang.CallbackFilter{Kind: huifang.KindOrphan}, "csv", &orphans)
		})
		if !strings.Contains(all.String(), ",回访类型,") || strings.Count(all.String(), ",孤儿保单回访,") != 2 || strings.Count(all.String(), ",新单回访,") != 3 {
			t.Errorf("export:\n%s", all.String())
		}
		if lines := strings.Split(strings.TrimSpace(orphans.String()), "\n"); len(lines) != 3 || strings.Contains(orphans.String(), ",新单回访,") {
			t.Errorf("export of orphan callbacks:\n%s", orphans.String())
		}
		// The same file again: nothing changes.
		res, err = w.svc.ImportFile(ctx, w.admin, "A", importer.KindCallbacks, w.file(t, "cb2.csv", good), "cb2.csv", nil)
		mustDo(t, func() error { return err })
		if res.Counts.Unchanged != 3 {
			t.Fatalf("again: %+v", res)
		}
	})
}
