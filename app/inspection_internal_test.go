package app

import "testing"

func TestMaskIP(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":         "203.0.*.*",
		"2001:db8:85a3::8a2e": "2001:db8:*:*:*",
		"":                    "",
		"x":                   "*",
	} {
		if got := maskIP(in); got != want {
			t.Errorf("maskIP(%q) = %q, want %q", in, got, want)
		}
	}
}
