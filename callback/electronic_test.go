package callback

import (
	"testing"

	"github.com/huifang/huifang"
)

func TestAge(t *testing.T) {
	tests := []struct {
		birth, on string
		want      int
	}{
		{"1966-03-05", "2026-03-05", 60}, // the birthday itself
		{"1966-03-06", "2026-03-05", 59}, // the day before
		{"1966-02-28", "2026-03-05", 60},
		{"1964-02-29", "2026-02-28", 61}, // born on a leap day
		{"1964-02-29", "2025-02-28", 60},
		{"1980-05-06", "2026-03-05", 45},
	}
	for _, tt := range tests {
		if got := Age(day(t, tt.birth), day(t, tt.on)); got != tt.want {
			t.Errorf("Age(%s, %s) = %d, want %d", tt.birth, tt.on, got, tt.want)
		}
	}
	if got := Age(huifang.Date{}, day(t, "2026-03-05")); got != -1 {
		t.Errorf("Age(unknown) = %d, want -1", got)
	}
}

func TestElectronicFirst(t *testing.T) {
	today := day(t, "2026-03-05")
	young, old, sixty := day(t, "1980-05-06"), day(t, "1950-01-01"), day(t, "1966-03-05")
	trad := []huifang.DesignType{huifang.DesignTraditional}
	tests := []struct {
		name     string
		chosen   huifang.CallbackMethod
		design   huifang.DesignType
		defaults []huifang.DesignType
		birth    huifang.Date
		want     bool
	}{
		{"chosen electronic", huifang.MethodElectronic, huifang.DesignUniversal, nil, young, true},
		{"chosen electronic at 76", huifang.MethodElectronic, huifang.DesignTraditional, nil, old, true},
		{"chosen phone wins over the default", huifang.MethodPhone, huifang.DesignTraditional, trad, young, false},
		{"no choice, default off", "", huifang.DesignTraditional, nil, young, false},
		{"no choice, default for the design", "", huifang.DesignTraditional, trad, young, true},
		{"no choice, default for another design", "", huifang.DesignUniversal, trad, young, false},
		{"no choice, 60 today", "", huifang.DesignTraditional, trad, sixty, false},
		{"no choice, 59", "", huifang.DesignTraditional, trad, sixty.AddDays(1), true},
		{"no choice, over 60", "", huifang.DesignTraditional, trad, old, false},
		{"no choice, age unknown", "", huifang.DesignTraditional, trad, huifang.Date{}, false},
	}
	for _, tt := range tests {
		if got := ElectronicFirst(tt.chosen, tt.design, tt.defaults, tt.birth, today); got != tt.want {
			t.Errorf("%s: ElectronicFirst = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestElectronicOpen(t *testing.T) {
	due := day(t, "2026-03-17")
	if got := FallbackOn(due, 0).String(); got != "2026-03-14" {
		t.Errorf("FallbackOn default = %s", got)
	}
	tests := []struct {
		today string
		days  int
		want  bool
	}{
		{"2026-03-13", 3, true},
		{"2026-03-14", 3, false}, // the fallback day itself: back to the phone
		{"2026-03-17", 3, false},
		{"2026-03-15", 1, true},
		{"2026-03-16", 1, false},
	}
	for _, tt := range tests {
		if got := ElectronicOpen(due, day(t, tt.today), tt.days); got != tt.want {
			t.Errorf("ElectronicOpen(%s, %s, %d) = %v, want %v", due, tt.today, tt.days, got, tt.want)
		}
	}
	if ElectronicOpen(huifang.Date{}, day(t, "2026-03-01"), 3) {
		t.Error("a callback without a deadline is open for links")
	}
}
