package huifang

import "time"

// Submission is one submitted version of a company's statistics table for a
// period (DOMAIN.md §8). Content and Hash are frozen when it is stored.
type Submission struct {
	ID      int64
	OrgID   int64
	Period  string // "2026-03", "2026-Q1", "2026"
	Kind    string // month, quarter, year
	Version int
	Status  string // submitted, returned, accepted
	Source  string // generated, upload
	// Content is the table as the statistics API gives it (canonical JSON);
	// Hash its SHA-256 in hex. List leaves Content empty.
	Content     string
	Hash        string
	Reason      string // why a correction was made (version 2 on)
	DueOn       Date
	Late        bool // the first version came after DueOn
	SubmittedAt time.Time
	SubmittedBy string
	Comment     string // the regulator's, when it returned or accepted it
	ReviewedAt  time.Time
	ReviewedBy  string
}

// Submission statuses.
const (
	SubmissionSubmitted = "submitted"
	SubmissionReturned  = "returned"
	SubmissionAccepted  = "accepted"
)

// SubmissionScope says whose submissions a query may see: one company's
// (OrgID), or those of every company a regulator supervises (RegulatorID).
type SubmissionScope struct {
	OrgID int64
	Oversight
}

// SubmissionFilter selects submissions within a scope.
type SubmissionFilter struct {
	SubmissionScope
	OrgID  int64  // one company of a regulator's
	Period string // one period
}
