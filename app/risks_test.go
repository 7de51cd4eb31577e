package app_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// riskWorld loads A's policies carrying each sign of a false phone number:
// R1 the phone of an agent of B (another insurer, the same regulator); R2–R4
// one number shared by three distinct policyholders; R5 a number changed by
// a re-import a day later; R6 clean.
func riskWorld(t *testing.T, w *world) {
	t.Helper()
	w.importFile(t, "B", importer.KindAgents, "业务员代码,姓名,手机号,机构代码,执业证号,状态\nB009,周强,13700000009,86010101,00020239009,在职\n")
	w.loadPolicies(t,
		policyLine("R1", "L20", "个险", "2026-03-02", "13700000009", 1),
		policyLine("R2", "L20", "个险", "2026-03-02", "13600000000", 2),
		policyLine("R3", "L20", "个险", "2026-03-02", "13600000000", 3),
		policyLine("R4", "L20", "个险", "2026-03-02", "13600000000", 4),
		policyLine("R5", "L20", "个险", "2026-03-02", "13500000005", 5),
		policyLine("R6", "L20", "个险", "2026-03-02", "13500000006", 6))
	w.clk.t = w.clk.t.Add(24 * time.Hour)
	w.loadPolicies(t, policyLine("R5", "L20", "个险", "2026-03-02", "13500000055", 5))
}

var wantSigns = map[string][]huifang.RiskSign{
	"R1": {huifang.RiskAgentPhone}, "R2": {huifang.RiskShared}, "R3": {huifang.RiskShared}, "R4": {huifang.RiskShared},
	"R5": {huifang.RiskChanged},
}

func sameSigns(a, b []huifang.RiskSign) bool {
	return strings.Join(toStrings(a), ",") == strings.Join(toStrings(b), ",")
}

func toStrings(ss []huifang.RiskSign) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// TestRiskSigns: the workbench, the callback list's filter, the list of
// flagged policies and the export show the same signs; the list is for the
// roles that may view risks, of their own insurer.
func TestRiskSigns(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		riskWorld(t, w)
		for _, no := range []string{"R1", "R2", "R5", "R6"} {
			c := w.callbackOf(t, w.db, no)
			work, err := w.svc.Callback(ctx, w.op, c.ID)
			mustDo(t, func() error { return err })
			if !sameSigns(work.Risk.Signs, wantSigns[no]) {
				t.Errorf("%s: signs %v, want %v", no, work.Risk.Signs, wantSigns[no])
			}
			if no == "R2" && work.Risk.Holders != 3 {
				t.Errorf("R2: %d holders", work.Risk.Holders)
			}
			if no == "R5" && !work.Risk.ChangedAt.Equal(at(6, 10, 0)) {
				t.Errorf("R5 changed at %v", work.Risk.ChangedAt)
			}
		}
		// Past the profile's 30 days, the change no longer flags R5.
		saved := w.clk.t
		w.clk.t = at(6, 10, 0).AddDate(0, 0, 31)
		if work, err := w.svc.Callback(ctx, w.op, w.callbackOf(t, w.db, "R5").ID); err != nil || len(work.Risk.Signs) != 0 {
			t.Errorf("R5 31 days on: %v (%v)", work.Risk.Signs, err)
		}
		w.clk.t = saved

		rows, total, err := w.svc.ListCallbacks(ctx, w.op, huifang.CallbackFilter{Risk: true})
		mustDo(t, func() error { return err })
		if total != 5 || len(rows) != 5 {
			t.Errorf("flagged callbacks %d (%d rows)", total, len(rows))
		}
		if _, total, _ := w.svc.ListCallbacks(ctx, w.opB, huifang.CallbackFilter{Risk: true}); total != 0 {
			t.Errorf("B's flagged callbacks: %d", total)
		}

		list, total, err := w.svc.Risks(ctx, w.admin, app.RiskQuery{})
		mustDo(t, func() error { return err })
		if total != 5 || len(list) != 5 {
			t.Fatalf("flagged policies %d: %+v", total, list)
		}
		for _, r := range list {
			if !sameSigns(r.Signs, wantSigns[r.PolicyNo]) || r.CallbackID == 0 || r.AgentCode != "A001" ||
				!strings.Contains(r.HolderPhone, "****") {
				t.Errorf("row %+v", r)
			}
		}
		if list, _, _ := w.svc.Risks(ctx, w.admin, app.RiskQuery{Sign: huifang.RiskShared, Limit: 2}); len(list) != 2 || list[0].PolicyNo != "R2" {
			t.Errorf("shared, first two: %+v", list)
		}
		if _, _, err := w.svc.Risks(ctx, w.admin, app.RiskQuery{Sign: "nonsense"}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Errorf("unknown sign: %v", err)
		}
		if _, _, err := w.svc.Risks(ctx, w.op, app.RiskQuery{}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Errorf("an operator sees the list: %v", err)
		}
		mgr, err := w.svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "B", Login: "mgr-b", Password: "mgr-b-secret", Role: huifang.RoleManager})
		mustDo(t, func() error { return err })
		if list, total, err := w.svc.Risks(ctx, mgr, app.RiskQuery{}); err != nil || total != 0 || len(list) != 0 {
			t.Errorf("B's manager sees %d of A's flagged policies (%v)", total, err)
		}

		var buf bytes.Buffer
		mustDo(t, func() error { return w.svc.ExportCallbacks(ctx, w.admin, huifang.CallbackFilter{}, "csv", &buf) })
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		mustDo(t, func() error { return err })
		head := recs[0]
		if head[len(head)-1] != "风险提示" {
			t.Fatalf("export header %v", head)
		}
		got := map[string]string{}
		for _, r := range recs[1:] {
			got[r[0]] = r[len(r)-1]
		}
		if got["R1"] != "业务员电话" || got["R2"] != "多人共用" || got["R5"] != "近期变更" || got["R6"] != "" {
			t.Errorf("export's risk column %v", got)
		}
		// An XLSX export beyond the sheet's rows is refused before its first
		// byte, not cut short at the last row.
		defer app.SetXLSXExportRowsForTest(len(recs) - 2)()
		buf.Reset()
		if err := w.svc.ExportCallbacks(ctx, w.admin, huifang.CallbackFilter{}, "xlsx", &buf); huifang.ErrorCode(err) != huifang.EINVALID || buf.Len() != 0 {
			t.Errorf("XLSX of %d rows with room for %d: %v, %d bytes written", len(recs)-1, len(recs)-2, err, buf.Len())
		}
	})
}

// TestElectronicRefusedToFlagged: no electronic-callback link goes to a
// flagged number, asked for by an operator or by the job; the callback stays
// in the phone pool. A clean number still gets its link.
func TestElectronicRefusedToFlagged(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		phone := withSMS(w)
		riskWorld(t, w)
		c := w.callbackOf(t, w.db, "R1")
		_, err := w.svc.SendElectronicLink(ctx, w.op, c.ID)
		var he *huifang.Error
		if huifang.ErrorCode(err) != huifang.EINVALID || !errors.As(err, &he) || he.Key != "err.electronic.flagged_phone" {
			t.Fatalf("link to an agent's number: %v", err)
		}
		if after := w.callbackOf(t, w.db, "R1"); after.Status != huifang.StatusOpen {
			t.Errorf("R1 after the refusal: %s", after.Status)
		}
		if phone.count() != 0 {
			t.Errorf("%d messages sent", phone.count())
		}
		// The job passes over flagged customers who chose an electronic callback.
		w.loadCustomers(t, customer{no: "E1", receipt: "2026-03-02", phone: "13700000009", method: "电子", seq: 7},
			customer{no: "E2", receipt: "2026-03-02", phone: "13400000004", method: "电子", seq: 8})
		n, err := w.svc.IssueElectronicLinks(ctx)
		mustDo(t, func() error { return err })
		if n != 1 || w.callbackOf(t, w.db, "E1").Status != huifang.StatusOpen || w.callbackOf(t, w.db, "E2").Status != huifang.StatusElectronic {
			t.Errorf("job sent %d; E1 %s, E2 %s", n, w.callbackOf(t, w.db, "E1").Status, w.callbackOf(t, w.db, "E2").Status)
		}
	})
}

// TestConfirmFalsePhone: one step on the workbench finishes the callback
// as not completed and opens a false-phone case naming the signs; it needs
// the callback in hand, and another insurer's callback is not found.
func TestConfirmFalsePhone(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		riskWorld(t, w)
		c := w.callbackOf(t, w.db, "R1")
		if _, err := w.svc.ConfirmFalsePhone(ctx, w.op, c.ID, ""); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Errorf("not held: %v", err)
		}
		_, err := w.svc.Take(ctx, w.op, c.ID)
		mustDo(t, func() error { return err })
		if _, err := w.svc.ConfirmFalsePhone(ctx, w.opB, c.ID, ""); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Errorf("B's operator: %v", err)
		}
		done, err := w.svc.ConfirmFalsePhone(ctx, w.op, c.ID, "接听人承认是业务员本人")
		mustDo(t, func() error { return err })
		if done.Status != huifang.StatusDone || done.Result != huifang.ResultNotCompleted || done.Reason != callback.ReasonInvalidNumber {
			t.Fatalf("callback %+v", done)
		}
		cases, err := w.svc.ListProblemCases(ctx, w.op, huifang.ProblemFilter{CallbackID: c.ID})
		mustDo(t, func() error { return err })
		if len(cases) != 1 || cases[0].Type != huifang.ProblemFalsePhone || cases[0].AgentCode != "A001" ||
			!strings.Contains(cases[0].Detail, "业务员电话") || !strings.Contains(cases[0].Detail, "接听人承认是业务员本人") {
			t.Fatalf("cases %+v", cases)
		}
		if _, err := w.svc.ConfirmFalsePhone(ctx, w.op, c.ID, ""); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Errorf("twice: %v", err)
		}
	})
}
