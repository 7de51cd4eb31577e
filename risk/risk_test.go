package risk

import (
	"reflect"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/profile"
)

func TestBounds(t *testing.T) {
	at := time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)
	b := Bounds(profile.Rules{}, 7, at)
	if b.RegulatorID != 7 || b.SharedMin != profile.DefaultSharedPhoneHolders || !b.At.Equal(at) ||
		!b.ChangedSince.Equal(at.AddDate(0, 0, -profile.DefaultPhoneChangedDays)) {
		t.Errorf("defaults: %+v", b)
	}
	b = Bounds(profile.Rules{SharedPhoneHolders: 5, PhoneChangedDays: 10}, 7, at)
	if b.SharedMin != 5 || !b.ChangedSince.Equal(at.AddDate(0, 0, -10)) {
		t.Errorf("profile's: %+v", b)
	}
}

func TestSigns(t *testing.T) {
	at := time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)
	b := Bounds(profile.Rules{SharedPhoneHolders: 3, PhoneChangedDays: 30}, 1, at)
	days := func(n int) time.Time { return at.Add(-time.Duration(n) * Day) }
	for _, c := range []struct {
		name string
		f    huifang.PhoneFacts
		want []huifang.RiskSign
	}{
		{"clean", huifang.PhoneFacts{Holders: 1}, nil},
		{"agent's number", huifang.PhoneFacts{AgentPhones: 1, Holders: 1}, []huifang.RiskSign{huifang.RiskAgentPhone}},
		{"two agents", huifang.PhoneFacts{AgentPhones: 2}, []huifang.RiskSign{huifang.RiskAgentPhone}},
		{"two holders: below the threshold", huifang.PhoneFacts{Holders: 2}, nil},
		{"three holders", huifang.PhoneFacts{Holders: 3}, []huifang.RiskSign{huifang.RiskShared}},
		{"changed yesterday", huifang.PhoneFacts{Holders: 1, ChangedAt: days(1)}, []huifang.RiskSign{huifang.RiskChanged}},
		{"changed exactly 30 days before", huifang.PhoneFacts{ChangedAt: days(30)}, []huifang.RiskSign{huifang.RiskChanged}},
		{"changed 31 days before", huifang.PhoneFacts{ChangedAt: days(31)}, nil},
		{"changed after the callback", huifang.PhoneFacts{ChangedAt: at.Add(time.Hour)}, nil},
		{"all three", huifang.PhoneFacts{AgentPhones: 1, Holders: 4, ChangedAt: days(2)},
			[]huifang.RiskSign{huifang.RiskAgentPhone, huifang.RiskShared, huifang.RiskChanged}},
	} {
		got := Signs(c.f, b)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		if Flagged(c.f, b) != (len(c.want) > 0) {
			t.Errorf("%s: flagged %v", c.name, Flagged(c.f, b))
		}
	}
	if !Has([]huifang.RiskSign{huifang.RiskShared}, huifang.RiskShared) || Has(nil, huifang.RiskShared) {
		t.Error("Has")
	}
	for _, s := range huifang.RiskSigns {
		if !s.Valid() || s.Key() != "risk."+string(s) {
			t.Errorf("sign %q", s)
		}
	}
	if huifang.RiskSign("x").Valid() {
		t.Error("unknown sign valid")
	}
}
