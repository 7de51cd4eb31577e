package huifang

import (
	"context"
	"time"
)

// InspectionScope is what an on-site inspection package (现场检查, DOMAIN.md
// §1, docs/inspection.md) covers: one insurer's records of a date range,
// From and To included, reckoned in Asia/Shanghai. Which rows belong:
//
//   - callbacks whose deadline falls in the range, or that were finished in
//     it; with each, all its attempts, answers, script version, recordings
//     and letter receipt;
//   - problem cases opened in the range, or opened from one of those
//     callbacks; with each, its whole timeline and its documents;
//   - policies issued in the range, or that one of those callbacks or cases
//     belongs to;
//   - the insurer's audit entries written in the range.
type InspectionScope struct {
	OrgID    int64
	From, To Date
}

// Start is the first instant of the range.
func (s InspectionScope) Start() time.Time {
	return time.Date(s.From.Year(), s.From.Month(), s.From.Day(), 0, 0, 0, 0, Shanghai)
}

// End is the last instant of the range.
func (s InspectionScope) End() time.Time { return s.To.End() }

// MaxInspectionDays bounds the range of one package: three years, the
// longest period an on-site inspection usually looks back over.
const MaxInspectionDays = 3*366 + 1

// InspectionCounts are how many of each thing a package holds.
type InspectionCounts struct {
	Policies   int `json:"policies"`
	Callbacks  int `json:"callbacks"`
	Attempts   int `json:"attempts"`
	Answers    int `json:"answers"`
	Scripts    int `json:"scripts"`
	Cases      int `json:"cases"`
	CaseEvents int `json:"case_events"`
	Recordings int `json:"recordings"`
	Receipts   int `json:"receipts"`
	Evidence   int `json:"evidence"`
	Audit      int `json:"audit"`
}

// InspectionReader streams the rows of an on-site inspection package, each
// table in its own pass, one row at a time (package store implements it;
// see store/inspection.go for the order of each).
type InspectionReader interface {
	ForEachInspectedPolicy(ctx context.Context, sc InspectionScope, fn func(*PolicyRecord) error) error
	ForEachInspectedCallback(ctx context.Context, sc InspectionScope, letters bool, fn func(*Callback) error) error
	ForEachInspectedAttempt(ctx context.Context, sc InspectionScope, fn func(*Attempt) error) error
	ForEachInspectedRecording(ctx context.Context, sc InspectionScope, fn func(*Recording) error) error
	ForEachInspectedCase(ctx context.Context, sc InspectionScope, fn func(*ProblemCase) error) error
	ForEachInspectedEvent(ctx context.Context, sc InspectionScope, fn func(*CaseEvent) error) error
	ForEachInspectedEvidence(ctx context.Context, sc InspectionScope, fn func(*Evidence) error) error
	ForEachInspectedAudit(ctx context.Context, sc InspectionScope, fn func(*AuditEntry) error) error
}
