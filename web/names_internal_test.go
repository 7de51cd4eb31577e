package web

import (
	"testing"

	"github.com/huifang/huifang"
)

// TestTermEN pins the English rendering of every form Term.String gives.
func TestTermEN(t *testing.T) {
	for _, c := range []struct {
		term huifang.Term
		want string
	}{
		{huifang.Term{WholeLife: true}, "whole life"},
		{huifang.Term{Years: 20}, "20 years"},
		{huifang.Term{Years: 1}, "1 years"},
		{huifang.Term{}, "0 years"},
	} {
		if got := termEN(c.term.String()); got != c.want {
			t.Errorf("termEN(%q) = %q, want %q", c.term.String(), got, c.want)
		}
	}
	if got := termEN("20"); got != "20" {
		t.Errorf("termEN of a text Term.String does not give: %q", got)
	}
}

func TestShortName(t *testing.T) {
	for in, want := range map[string]string{
		"华泰安康人寿保险股份有限公司": "华泰安康人寿保险",
		"中和人寿保险有限公司":     "中和人寿保险",
		"某某有限责任公司":       "某某",
		"有限公司":           "有限公司",
		"Example Life":   "Example Life",
	} {
		if got := shortName(in); got != want {
			t.Errorf("shortName(%q) = %q, want %q", in, got, want)
		}
	}
}
