package huifang

import "time"

// LinkStatus is where an electronic-callback link stands.
type LinkStatus string

// Link statuses. Only an active link can be used; every other status is final.
const (
	LinkActive   LinkStatus = "active"
	LinkDone     LinkStatus = "done"     // the customer completed the callback
	LinkClosed   LinkStatus = "closed"   // the customer said they are not the policyholder
	LinkLocked   LinkStatus = "locked"   // too many failed checks
	LinkFallback LinkStatus = "fallback" // not finished in time: back to the phone
	LinkRevoked  LinkStatus = "revoked"  // replaced by a newer link, or withdrawn by staff
	LinkUnsent   LinkStatus = "unsent"   // the text message could not be sent
)

// ElectronicLink is a one-time link sent to a customer for an electronic
// callback. The token itself is never stored: TokenHash is its SHA-256.
// Zero times mean "not yet".
type ElectronicLink struct {
	ID          int64
	OrgID       int64
	CallbackID  int64
	TokenHash   string
	Status      LinkStatus
	IssuedAt    time.Time
	IssuedBy    string // "system" or the login of whoever issued it
	ExpiresAt   time.Time
	Checks      int // failed identity and code checks
	CodesSent   int
	CodeHash    string // keyed hash of the one-time code; "" when none is pending
	CodeUntil   time.Time
	CodeSentAt  time.Time
	CookieHash  string // keyed hash of the browser's cookie, once identity is checked
	CookieUntil time.Time
	OpenedAt    time.Time
	IdentityAt  time.Time // the ID digits were right
	VerifiedAt  time.Time // the one-time code was right
	ClosedAt    time.Time
	RetainUntil Date // the evidence is kept until; zero: while the contract runs
}

// LinkClose ends an active link as part of a callback change.
type LinkClose struct {
	ID     int64
	Status LinkStatus
}

// ElectronicCandidate is an open new-business callback that may start as an
// electronic callback, with what the rules decide it by.
type ElectronicCandidate struct {
	CallbackID  int64
	PolicyNo    string
	DueOn       Date
	Method      CallbackMethod // the customer's choice
	Design      DesignType
	HolderBirth Date
}

// CandidateFilter selects electronic candidates. The rules are applied in Go
// (callback.ElectronicFirst); the filter only narrows the rows to read.
type CandidateFilter struct {
	DueAfter  Date         // only callbacks due after this day (the fallback window must not have begun)
	Designs   []DesignType // design types electronic by default; empty: only customers who chose it
	BornAfter Date         // with Designs: customers born after this day (younger than the age limit)
	Now       time.Time    // leases running at this time are respected
	Limit     int
}
