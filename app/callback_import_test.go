package app_test

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/testworld"
)

const callbacksHead = "保单号,回访方式,回访完成时间,回访结果,问题类型,问题件开立日期,问题件办结日期,问题件处理结果\n"

// callbackFile reports four of five policies whose callbacks are due on 12
// March: P1 successful in the period; P2 successful after its deadline, by
// letter; P3 with a complaint and a misleading sale, both resolved; P4 not
// reached, its case still open. P5 is not in the file.
const callbackFile = callbacksHead +
	"P1,电话,2026-03-03 14:00,成功,,,,\n" +
	"P2,信函,2026-03-14,回访成功,,,,\n" +
	"P3,电子化,2026-03-04 16:20,完成但有问题,客户抱怨及投诉、misleading-sale,2026-03-05,2026-03-12,处理成功\n" +
	"P4,电话,2026-03-06 19:00,未完成（未能联系）,无法联系客户,2026-03-06,,\n"

// TestImportCallbackRecords: callbacks made in an insurer's own system
// count exactly like callbacks made in huifang, on both engines.
func TestImportCallbackRecords(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.loadPolicies(t,
			policyLine("P1", "L20", "个险", "2026-02-25", "13800000001", 1),
			policyLine("P2", "L20", "个险", "2026-02-25", "13800000002", 2),
			policyLine("P3", "U01", "银保", "2026-02-25", "13800000003", 3),
			policyLine("P4", "L20", "个险", "2026-02-25", "13800000004", 4),
			policyLine("P5", "L20", "个险", "2026-02-25", "13800000005", 5))
		w.clk.t = at(25, 10, 0)

		// A bad file writes nothing and says why, row by row.
		bad := callbackFile + "P9,电话,2026-03-06,成功,,,,\n" + "P5,电话,2026-02-20,成功,,,,\n"
		res, err := w.svc.ImportFile(ctx, w.admin, "A", importer.KindCallbacks, w.file(t, "bad.csv", bad), "bad.csv", nil)
		if huifang.ErrorCode(err) != huifang.EINVALID || res == nil || res.Report == nil || res.Report.Bad != 2 {
			t.Fatalf("bad file: %v %+v", err, res)
		}
		if s := res.Report.String(); !strings.Contains(s, "第6行 保单号「P9」：保单号在系统中不存在") || !strings.Contains(s, "第7行 回访完成时间「2026-02-20」：回访完成时间早于保单的回执签收日期（2026-02-25）") {
			t.Fatalf("report:\n%s", s)
		}
		if n, _ := w.db.CountCallbacks(ctx, w.admin.OrgID, huifang.CallbackFilter{Status: huifang.StatusDone}); n != 0 {
			t.Fatalf("a bad file finished %d callbacks", n)
		}
		if cs, _ := w.db.ListProblemCases(ctx, w.admin.OrgID, huifang.ProblemFilter{}); len(cs) != 0 {
			t.Fatalf("a bad file opened %d cases", len(cs))
		}

		res, err = w.svc.ImportFile(ctx, w.admin, "A", importer.KindCallbacks, w.file(t, "cb.csv", callbackFile), "cb.csv", nil)
		mustDo(t, func() error { return err })
		if res.Rows != 4 || res.Counts.Updated != 4 || res.Cases != 3 {
			t.Fatalf("import %+v", res)
		}
		var cbs []huifang.CallbackRow
		mustDo(t, func() error {
			return w.db.ForEachCallback(ctx, w.admin.OrgID, huifang.CallbackFilter{}, func(r *huifang.CallbackRow) error { cbs = append(cbs, *r); return nil })
		})
		byNo := map[string]huifang.Callback{}
		for _, c := range cbs {
			byNo[c.PolicyNo] = c.Callback
		}
		want := map[string]struct {
			status huifang.CallbackStatus
			result huifang.CallbackResult
			method huifang.CallbackMethod
			late   bool
		}{
			"P1": {huifang.StatusDone, huifang.ResultSuccessful, huifang.MethodPhone, false},
			"P2": {huifang.StatusDone, huifang.ResultSuccessful, huifang.MethodLetter, true},
			"P3": {huifang.StatusDone, huifang.ResultProblems, huifang.MethodElectronic, false},
			"P4": {huifang.StatusDone, huifang.ResultNotCompleted, huifang.MethodPhone, false},
			"P5": {huifang.StatusOpen, "", huifang.MethodPhone, false}, // as planned
		}
		for no, w := range want {
			c := byNo[no]
			if c.Status != w.status || c.Result != w.result || c.Method != w.method || c.Late != w.late || c.DueOn != huifang.NewDate(2026, 3, 12) {
				t.Errorf("%s: %+v", no, c)
			}
		}
		if c := byNo["P1"]; !c.FinishedAt.Equal(at(3, 14, 0)) || !strings.Contains(c.Evidence, `"source":"import"`) || !strings.Contains(c.Evidence, `"line":2`) {
			t.Errorf("P1 finished %v, evidence %s", c.FinishedAt, c.Evidence)
		}

		// Deadlines as huifang sets them (seed bureau: 10 working days for
		// these types): opened Thursday 5 March → 19 March; Friday 6 March → 20 March.
		cases, err := w.db.ListProblemCases(ctx, w.admin.OrgID, huifang.ProblemFilter{})
		mustDo(t, func() error { return err })
		if len(cases) != 3 {
			t.Fatalf("cases %+v", cases)
		}
		for _, c := range cases {
			switch c.PolicyNo {
			case "P3":
				if c.DueOn != huifang.NewDate(2026, 3, 19) || c.Status != huifang.ProblemResolved || huifang.DateOf(c.ResolvedAt) != huifang.NewDate(2026, 3, 12) ||
					c.OpenedOn != huifang.NewDate(2026, 3, 5) || !c.LimitWorking || c.LimitDays != 10 || c.Channel != huifang.ChannelBank {
					t.Errorf("P3 case %+v", c)
				}
			case "P4":
				if c.Type != huifang.ProblemCannotContact || c.DueOn != huifang.NewDate(2026, 3, 20) || c.Status != huifang.ProblemOpen || c.AgentCode != "A001" {
					t.Errorf("P4 case %+v", c)
				}
			default:
				t.Errorf("case of %s", c.PolicyNo)
			}
			// The same deadline as a case huifang opens by hand that day.
			w.clk.t = dayAt(c.OpenedOn)
			byHand, err := w.svc.OpenCase(ctx, w.admin, "P5", c.Type, "对照")
			mustDo(t, func() error { return err })
			if byHand.DueOn != c.DueOn {
				t.Errorf("imported case due %s, by hand %s", c.DueOn, byHand.DueOn)
			}
		}
		w.clk.t = at(25, 10, 0)

		// The indicators, by hand: 5 due; successful P1 and P2, in the
		// period P1 only; completed P1, P2, P3; problem cases the callbacks
		// opened 3. Cases opened and due in March: 3 imported and 3 opened
		// by hand above on P5; resolved 2, on time; pending 4, overdue on
		// 25 March.
		_, tbl, err := w.svc.StatsTable(ctx, w.admin, "", "2026-03")
		mustDo(t, func() error { return err })
		if got := tbl.Total.Callbacks; got != (indicator.CallbackCounts{Due: 5, Successful: 2, SuccessfulInPeriod: 1, Completed: 3, Problems: 3}) {
			t.Fatalf("March callbacks %+v", got)
		}
		if c := tbl.Total.Cases; c != (indicator.CaseCounts{Opened: 6, Due: 6, Resolved: 2, Closed: 2, ClosedOnTime: 2, Pending: 4}) || tbl.Total.Overdue != 4 {
			t.Fatalf("March cases %+v, overdue %d", c, tbl.Total.Overdue)
		}
		if r := tbl.Total.Callbacks.SuccessRate(); r.Percent() != "40.00%" {
			t.Errorf("success rate %s", r.Percent())
		}
		if r := tbl.Total.Callbacks.InPeriodSuccessRate(); r.Percent() != "20.00%" {
			t.Errorf("in-period success rate %s", r.Percent())
		}
		if r := tbl.Total.Cases.ResolutionRate(); r.Percent() != "33.33%" {
			t.Errorf("resolution rate %s", r.Percent())
		}
		_, full, err := w.svc.StatsRecount(ctx, w.admin, "", "2026-03")
		mustDo(t, func() error { return err })
		if !reflect.DeepEqual(tbl, full) {
			t.Fatalf("counts kept %+v\nrecount %+v", tbl, full)
		}
		// The reported finishes count in the QA figures of the importer.
		w.qaKeptEqualsRecount(t, w.admin.OrgID, "after the callback records")
		if figs, err := w.db.QAFigures(ctx, w.admin.OrgID, huifang.NewDate(2026, 1, 1), huifang.NewDate(2026, 12, 31)); err != nil || len(figs) != 1 || figs[0].Finished == 0 {
			t.Fatalf("QA figures after the import: %+v %v", figs, err)
		}
		var byMethod []string
		for _, r := range tbl.ByChannel {
			byMethod = append(byMethod, r.Key)
		}
		if strings.Join(byMethod, ",") != "agency,bancassurance" {
			t.Errorf("channels %v", byMethod)
		}

		// The same file again changes nothing; a different one is refused.
		res, err = w.svc.ImportFile(ctx, w.admin, "A", importer.KindCallbacks, w.file(t, "cb.csv", callbackFile), "cb.csv", nil)
		mustDo(t, func() error { return err })
		if res.Counts.Updated != 0 || res.Counts.Unchanged != 4 || res.Cases != 0 {
			t.Fatalf("again: %+v", res)
		}
		changed := strings.Replace(callbackFile, "P1,电话,2026-03-03 14:00,成功", "P1,电话,2026-03-03 15:00,成功", 1)
		res, err = w.svc.ImportFile(ctx, w.admin, "A", importer.KindCallbacks, w.file(t, "cb2.csv", changed), "cb2.csv", nil)
		if err == nil || res.Report == nil || !strings.Contains(res.Report.String(), "第2行 保单号「P1」：该保单的回访已完成（回访成功，电话回访，2026-03-03 14:00），不能覆盖") {
			t.Fatalf("overwrite: %v %+v", err, res)
		}
		// Audited: the import, and each callback it finished.
		if es, _ := w.db.ListAudit(ctx, w.admin.OrgID, huifang.AuditFilter{Entity: "import", Action: "callbacks"}); len(es) != 2 || es[0].Actor != "adm" {
			t.Fatalf("import audit %+v", es)
		}
		if es, _ := w.db.ListAudit(ctx, w.admin.OrgID, huifang.AuditFilter{Entity: "callback", Key: strconv.FormatInt(byNo["P3"].ID, 10)}); len(es) != 1 || !strings.Contains(es[0].Detail, "cb.csv") {
			t.Fatalf("callback audit %+v", es)
		}

		// Records come as JSON too, under the same rules.
		w.loadPolicies(t, policyLine("P6", "L20", "个险", "2026-02-25", "13800000006", 6))
		res, err = w.svc.ImportRecords(ctx, w.admin, "A", importer.KindCallbacks, "core", []map[string]string{
			{"policy_no": "P6", "method": "visit", "finished_at": "2026-03-10 10:00", "result": "successful"}})
		mustDo(t, func() error { return err })
		if res.Counts.Updated != 1 {
			t.Fatalf("JSON records %+v", res)
		}
		// Another insurer's policy is unknown here; an operator may not import.
		if _, err := w.svc.ImportRecords(ctx, w.admin, "A", importer.KindCallbacks, "core", []map[string]string{
			{"policy_no": "P1", "method": "phone", "finished_at": "2026-03-10", "result": "successful"}}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("refused JSON: %v", err)
		}
		if _, err := w.svc.ImportRecords(ctx, w.op, "A", importer.KindCallbacks, "core", []map[string]string{{"policy_no": "P1"}}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("operator: %v", err)
		}
	})
}

func dayAt(d huifang.Date) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, huifang.Shanghai)
}
