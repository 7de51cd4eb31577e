package app_test

import (
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/testworld"
)

// moreAgents adds a successor (A002) and an agent who already left (A003,
// whose departure the file starts).
const moreAgents = "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA002,王芳,13900000002,86010101,00020231002,在职\nA003,赵强,13900000003,86010101,00020231003,离职\n"

// orphanPolicies are four policies A001 sold: two in scope and in force
// (P1, P4), a one-year accident policy out of scope (P2) and a cancelled
// one (P3).
func orphanPolicies() string {
	head := strings.TrimSuffix(policyHead, "\n") + ",保单状态\n"
	line := func(no, product, receipt string, seq int, status string) string {
		return strings.TrimSuffix(policyLine(no, product, "个险", receipt, "1380000000"+string(rune('0'+seq)), seq), "\n") + "," + status + "\n"
	}
	return head + line("P1", "L20", "2026-03-02", 1, "") + line("P2", "A1", "2026-03-02", 2, "有效") +
		line("P3", "L20", "2026-03-02", 3, "退保") + line("P4", "L20", "2026-03-03", 4, "有效")
}

func TestDepartureGate(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		res := w.importFile(t, "A", importer.KindAgents, moreAgents)
		// The file marks A003 离职: its departure starts; with no policy it completes at once.
		if len(res.Departures) != 1 || res.Departures[0].AgentCode != "A003" || res.Departures[0].Status != huifang.DepartureCompleted {
			t.Fatalf("departures from the agent file: %+v", res.Departures)
		}
		w.importFile(t, "A", importer.KindPolicies, orphanPolicies())

		leave := func(in app.LeaveInput) (*app.DepartureView, error) { return w.svc.Leave(ctx, w.admin, "A", in) }
		for _, tt := range []struct {
			name string
			in   app.LeaveInput
			key  string
		}{
			{"unknown agent", app.LeaveInput{AgentCode: "X999"}, "err.departure.unknown_agent"},
			{"successor who has left", app.LeaveInput{AgentCode: "A001", SuccessorCode: "A003"}, "err.departure.successor_left"},
			{"unknown successor", app.LeaveInput{AgentCode: "A001", SuccessorCode: "A404"}, "err.departure.unknown_successor"},
			{"date after today", app.LeaveInput{AgentCode: "A001", On: huifang.NewDate(2026, 3, 6)}, "err.departure.future"},
			{"already left", app.LeaveInput{AgentCode: "A003"}, "err.departure.already_left"},
		} {
			if _, err := leave(tt.in); huifang.ErrorKey(err) != tt.key {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.key)
			}
		}
		if _, err := w.svc.Leave(ctx, w.op, "A", app.LeaveInput{AgentCode: "A001"}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Errorf("an operator starting a departure: %v", err)
		}
		if _, err := w.svc.Leave(ctx, w.user(t, "B", "admb", huifang.RoleInsurerAdmin, "", ""), "A", app.LeaveInput{AgentCode: "A001"}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Errorf("another insurer's administrator: %v", err)
		}

		// Gate mode (the seed bureau): the departure starts, the gate is closed.
		v, err := leave(app.LeaveInput{AgentCode: "A001", SuccessorCode: "A002"})
		if huifang.ErrorKey(err) != "err.departure.gate_closed" || v == nil {
			t.Fatalf("start: %v %+v", err, v)
		}
		// Thursday 5 March 2026 + 10 working days.
		if v.Status != huifang.DepartureLeaving || v.Mode != profile.OrphanGate || v.DueOn != huifang.NewDate(2026, 3, 19) ||
			len(v.Items) != 2 || v.Items[0].PolicyNo != "P1" || v.Items[1].PolicyNo != "P4" || len(v.Blocking) != 2 || v.SuccessorName != "王芳" {
			t.Fatalf("gate %+v", v)
		}
		if a, _ := w.db.FindAgent(ctx, w.admin.OrgID, "A001"); a.Status != huifang.AgentLeaving {
			t.Errorf("agent status %s", a.Status)
		}
		if _, err := w.svc.StartDeparture(ctx, w.admin, "A", app.LeaveInput{AgentCode: "A001"}); huifang.ErrorKey(err) != "err.departure.already_leaving" {
			t.Errorf("started twice: %v", err)
		}
		// Re-importing the agent file with 离职 does not release a leaving agent.
		w.importFile(t, "A", importer.KindAgents, "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA001,李明,13900000001,86010101,00020231001,离职\n")
		if a, _ := w.db.FindAgent(ctx, w.admin.OrgID, "A001"); a.Status != huifang.AgentLeaving {
			t.Errorf("agent status after the file: %s", a.Status)
		}

		// The orphan callbacks go through the operators' pool with the orphan script naming the successor.
		p1, p4 := v.Items[0].CallbackID, v.Items[1].CallbackID
		work, err := w.svc.Take(ctx, w.op, p1)
		mustDo(t, func() error { return err })
		if work.Callback.Kind != huifang.KindOrphan || work.Script.Code != "orphan" || !strings.Contains(stepText(work, "notice"), "王芳") {
			t.Fatalf("orphan work %+v %s", work.Callback, stepText(work, "notice"))
		}
		// P1's customer does not know who services the policy now: a problem case.
		_, err = w.svc.Finish(ctx, w.op, p1, answering(work, "service", "no"))
		mustDo(t, func() error { return err })
		work, err = w.svc.Take(ctx, w.op, p4)
		mustDo(t, func() error { return err })
		_, err = w.svc.Finish(ctx, w.op, p4, passing(work))
		mustDo(t, func() error { return err })

		v, err = leave(app.LeaveInput{AgentCode: "A001"})
		if huifang.ErrorKey(err) != "err.departure.gate_closed" || v.Done != 1 || len(v.Blocking) != 1 || v.Blocking[0].PolicyNo != "P1" || v.Blocking[0].CaseID == 0 {
			t.Fatalf("after a failed orphan callback: %v %+v", err, v)
		}
		// The case is fixed and its re-callback succeeds: that opens the gate.
		caseID := v.Blocking[0].CaseID
		unit := w.user(t, "A", "h-unit", huifang.RoleHandler, "86010101", "")
		_, err = w.svc.Transfer(ctx, w.admin, caseID, app.TransferInput{Branch: "86010101", Handler: "h-unit"})
		mustDo(t, func() error { return err })
		_, err = w.svc.Acknowledge(ctx, unit, caseID)
		mustDo(t, func() error { return err })
		_, err = w.svc.Act(ctx, unit, caseID, app.ActionInput{Kind: "explained", Note: "已向客户说明新服务人员"})
		mustDo(t, func() error { return err })
		_, err = w.svc.RequestRecallback(ctx, unit, caseID)
		mustDo(t, func() error { return err })
		w.clk.t = at(6, 10, 0)
		cs, err := w.svc.Case(ctx, w.admin, caseID)
		mustDo(t, func() error { return err })
		work, err = w.svc.Take(ctx, w.op, cs.Case.RecallbackID)
		mustDo(t, func() error { return err })
		_, err = w.svc.Finish(ctx, w.op, work.Callback.ID, passing(work))
		mustDo(t, func() error { return err })

		v, err = leave(app.LeaveInput{AgentCode: "A001"})
		if err != nil || v.Status != huifang.DepartureCompleted || v.Done != 2 || v.CompletedAt.IsZero() {
			t.Fatalf("complete: %v %+v", err, v)
		}
		if a, _ := w.db.FindAgent(ctx, w.admin.OrgID, "A001"); a.Status != huifang.AgentLeft {
			t.Errorf("agent status at the end %s", a.Status)
		}
		if _, err := leave(app.LeaveInput{AgentCode: "A001"}); huifang.ErrorKey(err) != "err.departure.already_left" {
			t.Errorf("leaving again: %v", err)
		}
		rows, err := w.svc.Agents(ctx, w.admin, "A")
		mustDo(t, func() error { return err })
		if len(rows) != 3 || rows[0].Code != "A001" || rows[0].Policies != 4 || rows[0].Departure == nil || rows[0].Done != 2 || rows[1].Departure != nil {
			t.Fatalf("agents %+v", rows)
		}
	})
}

func stepText(w *app.Work, id string) string {
	for _, st := range w.Script.Steps {
		if st.ID == id {
			return st.Text
		}
	}
	return ""
}

func TestDepartureNotice(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		r, _, _ := profile.Shipped(profile.NationalBaseline)
		if _, err := w.svc.ChangeProfile(ctx, sup, app.ProfileInput{From: huifang.NewDate(2026, 3, 6), Rules: r, Note: "全国基准"}); err != nil {
			t.Fatal(err)
		}
		w.importFile(t, "A", importer.KindPolicies, orphanPolicies())
		w.clk.t = at(9, 10, 0)
		v, err := w.svc.Leave(ctx, w.admin, "A", app.LeaveInput{AgentCode: "A001", On: huifang.NewDate(2026, 3, 6)})
		// Notice mode: the departure completes at once; the callbacks are due 30 days after it.
		if err != nil || v.Status != huifang.DepartureCompleted || v.Mode != profile.OrphanNotify || v.DueOn != huifang.NewDate(2026, 4, 5) || len(v.Items) != 2 {
			t.Fatalf("notice: %v %+v", err, v)
		}
		if a, _ := w.db.FindAgent(ctx, w.admin.OrgID, "A001"); a.Status != huifang.AgentLeft {
			t.Errorf("agent status %s", a.Status)
		}
	})
}

func TestOrphanOverdueEscalates(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.importFile(t, "A", importer.KindPolicies, orphanPolicies())
		if _, err := w.svc.Leave(ctx, w.admin, "A", app.LeaveInput{AgentCode: "A001"}); huifang.ErrorKey(err) != "err.departure.gate_closed" {
			t.Fatal(err)
		}
		if n, err := w.svc.EscalateOrphans(ctx); err != nil || n != 0 {
			t.Fatalf("before the deadline: %d %v", n, err)
		}
		w.clk.t = at(20, 10, 0)
		n, err := w.svc.EscalateOrphans(ctx)
		if err != nil || n == 0 {
			t.Fatalf("after the deadline: %d %v", n, err)
		}
		if again, err := w.svc.EscalateOrphans(ctx); err != nil || again != 0 {
			t.Fatalf("twice: %d %v", again, err)
		}
	})
}
