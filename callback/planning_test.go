package callback

import (
	"reflect"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/workday"
)

// The run-on of DOMAIN.md §3 against the shipped calendar of 2025 and 2026.
func TestCoolingOffEnd(t *testing.T) {
	cal := workday.Shipped()
	tests := []struct {
		name    string
		receipt string
		days    int
		runsOn  bool
		want    string
	}{
		{"on a Saturday, off by default", "2026-03-06", 15, false, "2026-03-21"},
		{"on a Saturday, runs on to Monday", "2026-03-06", 15, true, "2026-03-23"},
		{"on a Sunday, runs on to Monday", "2026-03-07", 15, true, "2026-03-23"},
		{"on a working day, no run-on", "2026-03-02", 15, true, "2026-03-17"},
		{"on the National Day holiday, runs on past it", "2025-09-16", 15, true, "2025-10-09"},
		{"on the holiday, off", "2025-09-16", 15, false, "2025-10-01"},
		{"on a make-up working Saturday, no run-on", "2025-09-26", 15, true, "2025-10-11"},
		{"on a make-up working Sunday, no run-on", "2025-09-13", 15, true, "2025-09-28"},
		{"Spring Festival runs on to the first working day after it", "2025-01-13", 15, true, "2025-02-05"},
		{"unknown receipt", "", 15, true, ""},
	}
	for _, tt := range tests {
		var receipt huifang.Date
		if tt.receipt != "" {
			receipt = day(t, tt.receipt)
		}
		got := CoolingOffEnd(receipt, tt.days, tt.runsOn, cal)
		want := huifang.Date{}
		if tt.want != "" {
			want = day(t, tt.want)
		}
		if got != want {
			t.Errorf("%s: CoolingOffEnd(%s, %d, %v) = %s, want %s", tt.name, tt.receipt, tt.days, tt.runsOn, got, want)
		}
	}
	// A year the calendar lacks: the period ends where it ends.
	if got := CoolingOffEnd(day(t, "2026-03-06"), 15, true, workday.New()); got != day(t, "2026-03-21") {
		t.Errorf("no calendar: %s, want 2026-03-21", got)
	}
	if got := CoolingOffEnd(day(t, "2026-03-06"), 15, true, nil); got != day(t, "2026-03-21") {
		t.Errorf("nil calendar: %s, want 2026-03-21", got)
	}
}

func TestPlanWith(t *testing.T) {
	applied, issued, receipt := day(t, "2026-02-25"), day(t, "2026-03-04"), day(t, "2026-03-06")
	today := day(t, "2026-03-05")
	life := huifang.Product{Design: huifang.DesignTraditional, Term: huifang.Term{Years: 20}, CoolingOffDays: 15}
	withPre := life
	withPre.PreUnderwritingCallback = true
	wealth := huifang.Product{Design: huifang.DesignNonLifeWealth, Term: huifang.Term{Years: 3}, CoolingOffDays: 15}
	pol := func(issued, receipt huifang.Date) huifang.Policy {
		return huifang.Policy{Channel: huifang.ChannelAgency, AppliedOn: applied, IssuedOn: issued, ReceiptOn: receipt}
	}
	nb := func(due string) Planned { return Planned{Kind: huifang.KindNewBusiness, DueOn: day(t, due)} }
	pre := Planned{Kind: huifang.KindPreUnderwriting, DueOn: day(t, "2026-02-28")}
	national, seed := Planning{Today: today, Calendar: workday.Shipped()}, Planning{Scope: Scope{NonLifeWealth: true}, Today: today, Calendar: workday.Shipped()}
	runOn := seed
	runOn.RunsOn = true
	tests := []struct {
		name string
		p    huifang.Policy
		prod huifang.Product
		org  huifang.Org
		pl   Planning
		want []Planned
	}{
		{"non-life wealth, national baseline: none", pol(issued, receipt), wealth, huifang.Org{}, national, nil},
		{"non-life wealth, seed scope", pol(issued, receipt), wealth, huifang.Org{}, seed, []Planned{nb("2026-03-21")}},
		{"life, national baseline", pol(issued, receipt), life, huifang.Org{}, national, []Planned{nb("2026-03-21")}},
		{"period ending on a Saturday runs on", pol(issued, receipt), life, huifang.Org{}, runOn, []Planned{nb("2026-03-23")}},
		{"issued before today: no pre-underwriting", pol(day(t, "2026-03-01"), huifang.Date{}), withPre, huifang.Org{}, seed, nil},
		{"issued today: no pre-underwriting", pol(today, receipt), life, huifang.Org{PreUnderwritingCallback: true}, seed, []Planned{nb("2026-03-21")}},
		{"not issued yet: pre-underwriting", pol(huifang.Date{}, huifang.Date{}), withPre, huifang.Org{}, seed, []Planned{pre}},
		{"to be issued tomorrow: pre-underwriting", pol(today.AddDays(1), huifang.Date{}), life, huifang.Org{PreUnderwritingCallback: true}, seed, []Planned{pre}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlanWith(tt.p, tt.prod, tt.org, tt.pl); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PlanWith = %v, want %v", got, tt.want)
			}
		})
	}
	// Plan, with no day of planning, takes any issue date as issued.
	if got := Plan(pol(today.AddDays(30), huifang.Date{}), withPre, huifang.Org{}, DefaultScope); got != nil {
		t.Errorf("Plan of an issued policy = %v, want none", got)
	}
}
