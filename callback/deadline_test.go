package callback

import (
	"reflect"
	"testing"
	"time"

	"github.com/huifang/huifang"
)

func TestDeadline(t *testing.T) {
	tests := []struct {
		receipt string
		days    int
		want    string
	}{
		{"2026-03-02", 15, "2026-03-17"}, // DOMAIN.md §3
		{"2026-03-02", 0, "2026-03-17"},  // default
		{"2026-03-02", -3, "2026-03-17"}, // default
		{"2026-03-02", 10, "2026-03-12"},
		{"2026-01-20", 15, "2026-02-04"}, // month end
		{"2026-01-31", 15, "2026-02-15"},
		{"2026-02-20", 15, "2026-03-07"}, // February, common year
		{"2028-02-20", 15, "2028-03-06"}, // February, leap year
		{"2025-12-20", 15, "2026-01-04"}, // year end
		{"2025-12-31", 1, "2026-01-01"},
		{"2026-04-30", 20, "2026-05-20"},
	}
	for _, tt := range tests {
		if got := Deadline(day(t, tt.receipt), tt.days).String(); got != tt.want {
			t.Errorf("Deadline(%s, %d) = %s, want %s", tt.receipt, tt.days, got, tt.want)
		}
	}
	if got := Deadline(huifang.Date{}, 15); !got.IsZero() {
		t.Errorf("Deadline(zero) = %s, want zero", got)
	}
}

func TestLate(t *testing.T) {
	due := day(t, "2026-03-17")
	tests := []struct {
		name     string
		due      huifang.Date
		finished time.Time
		want     bool
	}{
		{"before", due, at(t, "2026-03-16 10:00:00"), false},
		{"on the day", due, at(t, "2026-03-17 19:59:00"), false},
		{"last second", due, at(t, "2026-03-17 23:59:59"), false},
		{"next midnight", due, at(t, "2026-03-18 00:00:00"), true},
		{"UTC still the due day in Shanghai", due, time.Date(2026, 3, 17, 15, 59, 59, 0, time.UTC), false},
		{"UTC already the next day in Shanghai", due, time.Date(2026, 3, 17, 16, 0, 0, 0, time.UTC), true},
		{"no deadline", huifang.Date{}, at(t, "2030-01-01 00:00:00"), false},
	}
	for _, tt := range tests {
		if got := Late(tt.due, tt.finished); got != tt.want {
			t.Errorf("%s: Late = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPreUnderwritingDue(t *testing.T) {
	if got := PreUnderwritingDue(day(t, "2026-02-27")).String(); got != "2026-03-02" {
		t.Errorf("PreUnderwritingDue = %s, want 2026-03-02", got)
	}
	if got := PreUnderwritingDue(huifang.Date{}); !got.IsZero() {
		t.Errorf("PreUnderwritingDue(zero) = %s, want zero", got)
	}
}

func TestCoolingOffDays(t *testing.T) {
	tests := []struct {
		name   string
		ch     huifang.Channel
		design huifang.DesignType
		days   int
		want   int
	}{
		{"unset", huifang.ChannelAgency, huifang.DesignTraditional, 0, 15},
		{"agency shorter", huifang.ChannelAgency, huifang.DesignTraditional, 10, 10},
		{"agency longer", huifang.ChannelAgency, huifang.DesignTraditional, 20, 20},
		{"bank floor", huifang.ChannelBank, huifang.DesignParticipating, 10, 15},
		{"health floor", huifang.ChannelInternet, huifang.DesignHealth, 10, 15},
		{"health longer", huifang.ChannelInternet, huifang.DesignHealth, 30, 30},
	}
	for _, tt := range tests {
		got := CoolingOffDays(huifang.Policy{Channel: tt.ch}, huifang.Product{Design: tt.design, CoolingOffDays: tt.days})
		if got != tt.want {
			t.Errorf("%s: CoolingOffDays = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestPlan(t *testing.T) {
	applied, receipt := day(t, "2026-02-25"), day(t, "2026-03-02")
	life := huifang.Product{Design: huifang.DesignTraditional, Term: huifang.Term{Years: 20}, CoolingOffDays: 15}
	withPre := life
	withPre.PreUnderwritingCallback = true
	wealth := huifang.Product{Design: huifang.DesignNonLifeWealth, Term: huifang.Term{Years: 3}, CoolingOffDays: 20}
	pol := func(ch huifang.Channel, applied, receipt huifang.Date) huifang.Policy {
		return huifang.Policy{Channel: ch, AppliedOn: applied, ReceiptOn: receipt}
	}
	nb := func(due string) Planned { return Planned{Kind: huifang.KindNewBusiness, DueOn: day(t, due)} }
	pre := func(due string) Planned { return Planned{Kind: huifang.KindPreUnderwriting, DueOn: day(t, due)} }
	tests := []struct {
		name  string
		p     huifang.Policy
		prod  huifang.Product
		org   huifang.Org
		scope Scope
		want  []Planned
	}{
		{"new business", pol(huifang.ChannelAgency, applied, receipt), life, huifang.Org{}, DefaultScope, []Planned{nb("2026-03-17")}},
		{"receipt not signed yet", pol(huifang.ChannelAgency, applied, huifang.Date{}), life, huifang.Org{}, DefaultScope, nil},
		{"out of scope", pol(huifang.ChannelGroup, applied, receipt), withPre, huifang.Org{PreUnderwritingCallback: true}, DefaultScope, nil},
		{"pre-underwriting by product", pol(huifang.ChannelAgency, applied, receipt), withPre, huifang.Org{}, DefaultScope, []Planned{pre("2026-02-28"), nb("2026-03-17")}},
		{"pre-underwriting by org", pol(huifang.ChannelAgency, applied, receipt), life, huifang.Org{PreUnderwritingCallback: true}, DefaultScope, []Planned{pre("2026-02-28"), nb("2026-03-17")}},
		{"pre-underwriting before receipt", pol(huifang.ChannelAgency, applied, huifang.Date{}), withPre, huifang.Org{}, DefaultScope, []Planned{pre("2026-02-28")}},
		{"pre-underwriting needs the application date", pol(huifang.ChannelAgency, huifang.Date{}, receipt), withPre, huifang.Org{}, DefaultScope, []Planned{nb("2026-03-17")}},
		{"product cooling-off", pol(huifang.ChannelAgency, applied, receipt), wealth, huifang.Org{}, DefaultScope, []Planned{nb("2026-03-22")}},
		{"non-life wealth, national scope", pol(huifang.ChannelAgency, applied, receipt), wealth, huifang.Org{}, Scope{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Plan(tt.p, tt.prod, tt.org, tt.scope); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Plan = %v, want %v", got, tt.want)
			}
		})
	}
}
