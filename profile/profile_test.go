package profile

import (
	"errors"
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

func TestShipped(t *testing.T) {
	seed, _, ok := Shipped(SeedBureau)
	if !ok || seed.Validate() != nil {
		t.Fatalf("seed: %v", seed.Validate())
	}
	if l := seed.Limits[huifang.ProblemUnsigned]; l.Days != 20 || !l.Working {
		t.Fatalf("seed unsigned limit %+v", l)
	}
	if l := seed.Limits[huifang.ProblemCannotContact]; l.Days != 10 || !l.Working {
		t.Fatalf("seed cannot-contact limit %+v", l)
	}
	nat, _, ok := Shipped(NationalBaseline)
	if !ok || nat.Validate() != nil {
		t.Fatalf("national: %v", nat.Validate())
	}
	for _, typ := range huifang.ProblemTypes {
		if l := nat.Limits[typ]; l.Days != 15 || !l.Working {
			t.Fatalf("national %s limit %+v", typ, l)
		}
	}
	// Electronic callbacks are the customer's choice only, until a
	// regulator makes them a default.
	for _, r := range []Rules{seed, nat} {
		if len(r.ElectronicFirst) != 0 || r.ElectronicFallbackDays != 0 {
			t.Fatalf("shipped electronic settings %v %d", r.ElectronicFirst, r.ElectronicFallbackDays)
		}
	}
	if _, _, ok := Shipped("nope"); ok {
		t.Fatal("unknown profile found")
	}
}

func TestValidate(t *testing.T) {
	good, _, _ := Shipped(SeedBureau)
	tests := []struct {
		name  string
		edit  func(r *Rules)
		field string
	}{
		{"zero limit", func(r *Rules) { r.Limits[huifang.ProblemComplaint] = Limit{Days: 0} }, "limits.complaint"},
		{"missing type", func(r *Rules) { delete(r.Limits, huifang.ProblemMisleading) }, "limits.misleading-sale"},
		{"bad hours", func(r *Rules) { r.CallEnd = "08:00" }, "call_end"},
		{"bad clock", func(r *Rules) { r.CallStart = "9am" }, "call_start"},
		{"attempts", func(r *Rules) { r.MinDays = 5 }, "min_attempts"},
		{"orphan", func(r *Rules) { r.OrphanMode = "maybe" }, "orphan_mode"},
		{"electronic design", func(r *Rules) { r.ElectronicFirst = []huifang.DesignType{"nope"} }, "electronic_first"},
		{"electronic twice", func(r *Rules) {
			r.ElectronicFirst = []huifang.DesignType{huifang.DesignHealth, huifang.DesignHealth}
		}, "electronic_first"},
		{"fallback days", func(r *Rules) { r.ElectronicFallbackDays = 11 }, "electronic_fallback_days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			r.Limits = map[huifang.ProblemType]Limit{}
			for k, v := range good.Limits {
				r.Limits[k] = v
			}
			tt.edit(&r)
			err := r.Validate()
			e, ok := err.(*huifang.Error)
			if !ok {
				t.Fatalf("no error: %v", err)
			}
			found := false
			for _, f := range e.Fields {
				found = found || f.Field == tt.field
			}
			if !found {
				t.Fatalf("want field %s, got %+v", tt.field, e.Fields)
			}
		})
	}
}

func TestInForce(t *testing.T) {
	vs := []Version{
		{ID: 1, From: huifang.NewDate(2026, 1, 1)},
		{ID: 3, From: huifang.NewDate(2026, 6, 1)},
		{ID: 2, From: huifang.NewDate(2026, 3, 1)},
	}
	for _, tt := range []struct {
		on   huifang.Date
		want int64
	}{{huifang.NewDate(2026, 2, 1), 1}, {huifang.NewDate(2026, 3, 1), 2}, {huifang.NewDate(2026, 12, 1), 3}} {
		if v, ok := InForce(vs, tt.on); !ok || v.ID != tt.want {
			t.Errorf("on %v: %d, want %d", tt.on, v.ID, tt.want)
		}
	}
	if _, ok := InForce(vs, huifang.NewDate(2025, 12, 31)); ok {
		t.Error("a version before any applies")
	}
}

func TestElectronicSettings(t *testing.T) {
	r, _, _ := Shipped(NationalBaseline)
	r.ElectronicFirst, r.ElectronicFallbackDays = []huifang.DesignType{huifang.DesignTraditional, huifang.DesignHealth}, 5
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	s, err := MarshalRules(r)
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalRules(s)
	if err != nil || len(back.ElectronicFirst) != 2 || back.ElectronicFallbackDays != 5 {
		t.Fatalf("round trip %v %d: %v", back.ElectronicFirst, back.ElectronicFallbackDays, err)
	}
	// Versions stored before these settings existed read as "phone first".
	old, err := UnmarshalRules(`{"call_start":"09:00","call_end":"20:00"}`)
	if err != nil || old.ElectronicFirst != nil || old.ElectronicFallbackDays != 0 {
		t.Fatalf("old version %+v: %v", old, err)
	}
}

func TestSubmitDaysAndTargets(t *testing.T) {
	var r Rules
	if r.SubmitDays("month") != 10 || r.SubmitDays("quarter") != 30 || r.SubmitDays("year") != 30 {
		t.Fatalf("defaults: %d %d %d", r.SubmitDays("month"), r.SubmitDays("quarter"), r.SubmitDays("year"))
	}
	r.SubmitDaysMonth, r.TargetSuccessBP = 15, 9800
	if r.SubmitDays("month") != 15 {
		t.Fatal("month days not taken")
	}
	if s, res := r.Targets(); s != 9800 || res != 10000 {
		t.Fatalf("targets %d %d", s, res)
	}
	r, _, _ = Shipped(SeedBureau)
	r.SubmitDaysYear = 91
	if err := r.Validate(); err == nil {
		t.Fatal("91 days accepted")
	}
}

// TestDisclosed: the two rates of the seed first, then the profile's
// other indicators once each; an unknown indicator is refused.
func TestDisclosed(t *testing.T) {
	var r Rules
	if got := strings.Join(r.Disclosed(), ","); got != "success_rate,resolution_rate" {
		t.Fatalf("defaults %s", got)
	}
	r.DisclosureIndicators = []string{"orphan_rate", "success_rate", "on_time_rate"}
	if got := strings.Join(r.Disclosed(), ","); got != "success_rate,resolution_rate,orphan_rate,on_time_rate" {
		t.Fatalf("with the profile's %s", got)
	}
	r, _, _ = Shipped(SeedBureau)
	r.DisclosureIndicators = []string{"happiness"}
	var e *huifang.Error
	if err := r.Validate(); !errors.As(err, &e) || e.Key != "err.rules.disclosure_indicator" {
		t.Fatalf("an unknown indicator: %v", err)
	}
}
