package store_test

import (
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformDeparture: a departure creates its orphan callbacks and sets
// the agent's status in one transaction, once per agent; its gate lists
// each orphan policy; completing it releases the agent, once; everything is
// scoped to the insurer.
func TestConformDeparture(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		for _, o := range []*huifang.Org{bd.a, bd.b} {
			_, err := db.SaveAgents(ctx, o.ID, []huifang.AgentRecord{{Agent: huifang.Agent{Code: "AG1", Name: "李明", BranchCode: "01", Status: huifang.AgentActive}, PhoneEnc: "e", PhoneHash: "h"}}, cli, t0)
			must(t, err)
		}
		cancelled := policy("C1", huifang.NewDate(2026, 3, 1), "hc")
		cancelled.Status = huifang.PolicyCancelled
		_, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "f.csv", source(policy("O1", huifang.NewDate(2026, 3, 1), "h1"), policy("O2", huifang.NewDate(2026, 3, 1), "h2"), cancelled))
		must(t, err)
		ps, err := db.AgentPolicies(ctx, bd.a.ID, "AG1")
		must(t, err)
		if len(ps) != 3 || ps[0].No != "C1" || ps[0].Status != huifang.PolicyCancelled || ps[1].Status != "" {
			t.Fatalf("agent policies %+v", ps)
		}
		if other, err := db.AgentPolicies(ctx, bd.b.ID, "AG1"); err != nil || len(other) != 0 {
			t.Fatalf("another insurer's policies: %v %v", other, err)
		}
		counts, err := db.AgentPolicyCounts(ctx, bd.a.ID)
		must(t, err)
		if counts["AG1"] != 3 {
			t.Fatalf("counts %v", counts)
		}
		d := &huifang.Departure{OrgID: bd.a.ID, AgentCode: "AG1", Mode: "gate", StartedOn: huifang.NewDate(2026, 3, 2), DueOn: huifang.NewDate(2026, 3, 16),
			Status: huifang.DepartureLeaving, CreatedAt: t0, CreatedBy: "adm"}
		plans := []string{"O1", "O2"}
		must(t, db.StartDeparture(ctx, d, plans, cli))
		again := *d
		if err := db.StartDeparture(ctx, &again, plans, cli); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("twice: %v", err)
		}
		gate, err := db.DepartureGate(ctx, bd.a.ID, d.ID)
		must(t, err)
		if len(gate) != 2 || gate[0].PolicyNo != "O1" || gate[0].Status != huifang.StatusOpen || gate[0].DueOn != d.DueOn || gate[0].Successful() {
			t.Fatalf("gate %+v", gate)
		}
		if other, err := db.DepartureGate(ctx, bd.b.ID, d.ID); err != nil || len(other) != 0 {
			t.Fatalf("the gate through another insurer: %v %v", other, err)
		}
		a, err := db.FindAgent(ctx, bd.a.ID, "AG1")
		must(t, err)
		if a.Status != huifang.AgentLeaving {
			t.Fatalf("agent %s", a.Status)
		}
		if b, _ := db.FindAgent(ctx, bd.b.ID, "AG1"); b.Status != huifang.AgentActive {
			t.Fatalf("the other insurer's agent %s", b.Status)
		}
		got, err := db.FindDeparture(ctx, bd.a.ID, "AG1")
		must(t, err)
		if got.ID != d.ID || got.Policies != 2 || got.StartedOn != d.StartedOn || got.Mode != "gate" {
			t.Fatalf("found %+v", got)
		}
		if _, err := db.FindDeparture(ctx, bd.b.ID, "AG1"); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("another insurer's departure: %v", err)
		}
		if of, err := db.DepartureOf(ctx, bd.a.ID, gate[0].CallbackID); err != nil || of.ID != d.ID {
			t.Fatalf("departure of the callback: %v %v", of, err)
		}
		late, err := db.OverdueOrphans(ctx, huifang.NewDate(2026, 3, 17), 10)
		must(t, err)
		if len(late) != 2 || late[0].OrgID != bd.a.ID {
			t.Fatalf("overdue %+v", late)
		}
		if err := db.CompleteDeparture(ctx, bd.b.ID, d.ID, cli, t0); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("completed through another insurer: %v", err)
		}
		must(t, db.CompleteDeparture(ctx, bd.a.ID, d.ID, cli, t0))
		if err := db.CompleteDeparture(ctx, bd.a.ID, d.ID, cli, t0); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("completed twice: %v", err)
		}
		if a, _ := db.FindAgent(ctx, bd.a.ID, "AG1"); a.Status != huifang.AgentLeft {
			t.Fatalf("agent after %s", a.Status)
		}
		if late, _ := db.OverdueOrphans(ctx, huifang.NewDate(2026, 3, 17), 10); len(late) != 0 {
			t.Fatalf("overdue after completion %+v", late)
		}
		list, err := db.ListDepartures(ctx, bd.a.ID, huifang.DepartureCompleted)
		must(t, err)
		if len(list) != 1 || list[0].CompletedAt.IsZero() {
			t.Fatalf("list %+v", list)
		}
	})
}
