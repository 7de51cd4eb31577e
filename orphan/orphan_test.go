package orphan

import (
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/workday"
)

func TestEligible(t *testing.T) {
	life := huifang.Product{Code: "L", Design: huifang.DesignTraditional, Term: huifang.Term{Years: 20}}
	short := huifang.Product{Code: "S", Design: huifang.DesignTraditional, Term: huifang.Term{Years: 1}}
	wealth := huifang.Product{Code: "W", Design: huifang.DesignNonLifeWealth, Term: huifang.Term{Years: 1}}
	national, _, _ := profile.Shipped(profile.NationalBaseline)
	seed, _, _ := profile.Shipped(profile.SeedBureau)
	for _, tt := range []struct {
		name string
		p    huifang.Policy
		prod huifang.Product
		r    profile.Rules
		want bool
	}{
		{"in force, long term", huifang.Policy{Channel: huifang.ChannelAgency}, life, national, true},
		{"status unset reads in force", huifang.Policy{Channel: huifang.ChannelAgency, Status: ""}, life, national, true},
		{"cancelled", huifang.Policy{Channel: huifang.ChannelAgency, Status: huifang.PolicyCancelled}, life, national, false},
		{"one year: out of scope", huifang.Policy{Channel: huifang.ChannelAgency}, short, national, false},
		{"group business", huifang.Policy{Channel: huifang.ChannelGroup}, life, national, false},
		{"non-life wealth, national", huifang.Policy{Channel: huifang.ChannelAgency}, wealth, national, false},
		{"non-life wealth, seed", huifang.Policy{Channel: huifang.ChannelAgency}, wealth, seed, true},
	} {
		if got := Eligible(tt.p, tt.prod, tt.r); got != tt.want {
			t.Errorf("%s: eligible %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDue(t *testing.T) {
	cal := workday.Shipped()
	seed, _, _ := profile.Shipped(profile.SeedBureau)
	national, _, _ := profile.Shipped(profile.NationalBaseline)
	// Friday 25 September 2026; National Day's holidays follow, and 10
	// working days run into October.
	start := huifang.NewDate(2026, 9, 25)
	want, err := cal.AddWorkdays(start, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Due(seed, start, cal); err != nil || got != want {
		t.Errorf("gate: due %v %v, want %v", got, err, want)
	}
	if n, _ := cal.WorkdaysBetween(start, want); n != 10 {
		t.Errorf("gate: %d working days, want 10", n)
	}
	seed.OrphanGateWorkdays = 3
	want3, _ := cal.AddWorkdays(start, 3)
	if got, _ := Due(seed, start, cal); got != want3 {
		t.Errorf("gate with 3 days: due %v, want %v", got, want3)
	}
	if got, err := Due(national, start, cal); err != nil || got != start.AddDays(30) {
		t.Errorf("notice: due %v %v, want %v", got, err, start.AddDays(30))
	}
	national.OrphanNotifyDays = 0
	if got, _ := Due(national, start, cal); got != start.AddDays(DefaultNotifyDays) {
		t.Errorf("notice without days: due %v", got)
	}
	if Mode(profile.Rules{}) != profile.OrphanGate || Mode(national) != profile.OrphanNotify {
		t.Error("mode")
	}
}

func TestStart(t *testing.T) {
	a := &huifang.Agent{Code: "A1", Name: "张三", Status: huifang.AgentActive}
	b := &huifang.Agent{Code: "B1", Name: "李四", Status: huifang.AgentActive}
	gone := &huifang.Agent{Code: "G1", Name: "王五", Status: huifang.AgentLeft}
	leaving := &huifang.Departure{AgentCode: "A1", Status: huifang.DepartureLeaving, StartedOn: huifang.NewDate(2026, 3, 2)}
	left := &huifang.Departure{AgentCode: "A1", Status: huifang.DepartureCompleted, StartedOn: huifang.NewDate(2026, 3, 2)}
	for _, tt := range []struct {
		name     string
		agent    *huifang.Agent
		existing *huifang.Departure
		succCode string
		succ     *huifang.Agent
		key      string
	}{
		{"fine", a, nil, "", nil, ""},
		{"fine with successor", a, nil, "B1", b, ""},
		{"unknown agent", nil, nil, "", nil, "err.departure.unknown_agent"},
		{"started twice", a, leaving, "", nil, "err.departure.already_leaving"},
		{"already left", a, left, "", nil, "err.departure.already_left"},
		{"successor unknown", a, nil, "X9", nil, "err.departure.unknown_successor"},
		{"successor has left", a, nil, "G1", gone, "err.departure.successor_left"},
		{"successor leaving", a, nil, "G1", &huifang.Agent{Code: "G1", Status: huifang.AgentLeaving}, "err.departure.successor_left"},
		{"successor is the agent", a, nil, "A1", a, "err.departure.successor_self"},
	} {
		err := Start("A1", tt.agent, tt.existing, tt.succCode, tt.succ)
		if got := huifang.ErrorKey(err); got != tt.key {
			t.Errorf("%s: %v (key %q), want key %q", tt.name, err, got, tt.key)
		}
	}
}

func TestGate(t *testing.T) {
	ok := huifang.GateItem{PolicyNo: "P1", Status: huifang.StatusDone, Result: huifang.ResultSuccessful}
	open := huifang.GateItem{PolicyNo: "P2", Status: huifang.StatusOpen}
	failed := huifang.GateItem{PolicyNo: "P3", Status: huifang.StatusDone, Result: huifang.ResultProblems, CaseID: 7}
	fixed := failed
	fixed.RecallbackOK = true
	if g := Gate([]huifang.GateItem{ok, open, failed}); g.Open() || g.Done != 1 || g.Total != 3 || len(g.Blocking) != 2 ||
		g.Blocking[0].PolicyNo != "P2" || g.Blocking[1].PolicyNo != "P3" {
		t.Errorf("two blocking: %+v", g)
	}
	// A failed orphan callback blocks until its case's re-callback succeeds.
	if g := Gate([]huifang.GateItem{ok, failed}); g.Open() {
		t.Errorf("failed callback opened the gate: %+v", g)
	}
	if g := Gate([]huifang.GateItem{ok, fixed}); !g.Open() || g.Done != 2 {
		t.Errorf("successful re-callback: %+v", g)
	}
	notCompleted := huifang.GateItem{PolicyNo: "P4", Status: huifang.StatusDone, Result: huifang.ResultNotCompleted}
	if g := Gate([]huifang.GateItem{notCompleted}); g.Open() {
		t.Error("a callback that did not reach the customer opened the gate")
	}
	if g := Gate(nil); !g.Open() {
		t.Error("no orphan policies: the gate is open")
	}
}
