package huifang

import "time"

// RiskSign is one sign that a policyholder's phone number may be false
// (DOMAIN.md §6): an agent may have put their own number, or a number they
// control, on the customer's policy to answer the callback themselves.
type RiskSign string

// The signs of a false phone number.
const (
	// RiskAgentPhone: the number is an agent's, of any insurer under the
	// same regulator (compared through the keyed hash).
	RiskAgentPhone RiskSign = "agent-phone"
	// RiskShared: the number is on the policies of several unrelated
	// policyholders of the insurer.
	RiskShared RiskSign = "shared"
	// RiskChanged: an import changed the number shortly before the callback.
	RiskChanged RiskSign = "changed"
)

// RiskSigns lists the signs in display order.
var RiskSigns = []RiskSign{RiskAgentPhone, RiskShared, RiskChanged}

// Valid reports whether the sign is known.
func (s RiskSign) Valid() bool {
	for _, x := range RiskSigns {
		if s == x {
			return true
		}
	}
	return false
}

// Key is the catalog key of the sign's name (package i18n).
func (s RiskSign) Key() string { return "risk." + string(s) }

// PhoneFacts are what storage knows about a policy's phone number, the
// facts the signs are decided from (package risk).
type PhoneFacts struct {
	// AgentPhones counts the agents of the insurers under the policy's
	// regulator whose phone is this number.
	AgentPhones int
	// Holders counts the distinct policyholders (by ID number) of the
	// insurer whose policies carry this number, up to RiskBounds.SharedMin.
	Holders int
	// ChangedAt is when an import last changed the number; zero if never.
	ChangedAt time.Time
}

// RiskBounds are a rule profile's thresholds at a moment, as storage applies
// them to find flagged policies: package risk makes them.
type RiskBounds struct {
	RegulatorID int64 // agents of the insurers under it count
	SharedMin   int   // this many distinct policyholders on one number flag it
	// A change of the number in [ChangedSince, At] flags it.
	ChangedSince time.Time
	At           time.Time
}

// RiskFilter selects an insurer's flagged policies.
type RiskFilter struct {
	Bounds RiskBounds
	Sign   RiskSign // only the policies with this sign; "" any
	// OpenOnly keeps the policies with a callback still to be made.
	OpenOnly bool
	Limit    int // 0: no limit
	Offset   int
}

// RiskRow is a flagged policy as the list of flagged policies shows it.
type RiskRow struct {
	PolicyNo       string
	BranchCode     string
	AgentCode      string
	HolderName     string
	HolderPhoneEnc string
	PhoneFacts
	// CallbackID is the policy's latest callback (0: none), with its status.
	CallbackID     int64
	CallbackStatus CallbackStatus
}
