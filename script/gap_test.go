package script

import (
	"reflect"
	"testing"

	"github.com/huifang/huifang"
)

// TestUnfilledAndFits: Unfilled names the variables a script uses without a
// value, blank ones included; Fits tells a script that confirms what a
// design and channel require from one that does not.
func TestUnfilledAndFits(t *testing.T) {
	agency := Lookup("life-traditional-agency")
	vars := fullVars()
	if got := agency.Unfilled(vars); len(got) != 0 {
		t.Fatalf("full vars leave %v unfilled", got)
	}
	delete(vars, "agent_name")
	vars["service_phone"] = "  "
	if got := agency.Unfilled(vars); !reflect.DeepEqual(got, []string{"agent_name", "service_phone"}) {
		t.Fatalf("Unfilled = %v", got)
	}
	if got := Lookup("life-traditional-telesales").Unfilled(vars); !reflect.DeepEqual(got, []string{"service_phone"}) {
		t.Fatalf("the telesales script needs %v", got)
	}
	for _, tc := range []struct {
		code    string
		design  huifang.DesignType
		channel huifang.Channel
		fits    bool
	}{
		{"life-traditional-telesales", huifang.DesignAccident, huifang.ChannelTelesales, true},
		{"life-traditional-telesales", huifang.DesignUniversal, huifang.ChannelTelesales, false},
		{"life-traditional-agency", huifang.DesignTraditional, huifang.ChannelBank, false}, // no deposit warning
		{"health-internet", huifang.DesignHealth, huifang.ChannelInternet, true},
		{"participating-telesales", huifang.DesignHealth, huifang.ChannelTelesales, false},
	} {
		if got := Lookup(tc.code).Fits(tc.design, tc.channel); got != tc.fits {
			t.Errorf("%s fits %s %s: %v", tc.code, tc.design, tc.channel, got)
		}
	}
}
