// Package risk decides the signs of a false phone number (DOMAIN.md §6) from
// what storage knows about a policy's number (huifang.PhoneFacts) and the
// thresholds of the rule profile:
//
//   - agent-phone: the number is the phone of any agent of any insurer
//     under the same regulator (storage compares keyed hashes, never numbers);
//   - shared: at least profile.Rules.SharedPhoneMin() distinct policyholders
//     of the insurer (distinct by ID number, so one person's several policies
//     count once) carry the number;
//   - changed: an import changed the number within
//     profile.Rules.PhoneChangedWithin() days before the callback.
//
// A policy with any sign is flagged: it is shown to the operator, listed for
// managers, and never sent an electronic-callback link.
package risk

import (
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/profile"
)

// Day is the length of a day the "changed within N days" rule counts.
const Day = 24 * time.Hour

// Bounds are the profile's thresholds at a moment (the callback's, or now)
// for the insurers under a regulator.
func Bounds(r profile.Rules, regulatorID int64, at time.Time) huifang.RiskBounds {
	return huifang.RiskBounds{RegulatorID: regulatorID, SharedMin: r.SharedPhoneMin(),
		ChangedSince: at.Add(-time.Duration(r.PhoneChangedWithin()) * Day), At: at}
}

// Signs are the signs the facts show under the bounds, in display order.
func Signs(f huifang.PhoneFacts, b huifang.RiskBounds) []huifang.RiskSign {
	var out []huifang.RiskSign
	if f.AgentPhones > 0 {
		out = append(out, huifang.RiskAgentPhone)
	}
	if b.SharedMin > 1 && f.Holders >= b.SharedMin {
		out = append(out, huifang.RiskShared)
	}
	if Changed(f.ChangedAt, b) {
		out = append(out, huifang.RiskChanged)
	}
	return out
}

// Changed reports whether a change of the number at changedAt falls in the
// window before the bounds' moment.
func Changed(changedAt time.Time, b huifang.RiskBounds) bool {
	return !changedAt.IsZero() && !changedAt.Before(b.ChangedSince) && !changedAt.After(b.At)
}

// Flagged reports whether the facts show any sign.
func Flagged(f huifang.PhoneFacts, b huifang.RiskBounds) bool { return len(Signs(f, b)) > 0 }

// Has reports whether signs include s.
func Has(signs []huifang.RiskSign, s huifang.RiskSign) bool {
	for _, x := range signs {
		if x == s {
			return true
		}
	}
	return false
}
