package huifang

import "time"

// RectificationStatus is where a rectification notice stands.
type RectificationStatus string

// Rectification-notice statuses (package rectification states the steps):
// open until the company answers, answered until the supervisor closes it
// or returns it for another answer (open again).
const (
	RectificationOpen     RectificationStatus = "open"
	RectificationAnswered RectificationStatus = "answered"
	RectificationClosed   RectificationStatus = "closed"
)

// RectificationStatuses lists the statuses in their order.
var RectificationStatuses = []RectificationStatus{RectificationOpen, RectificationAnswered, RectificationClosed}

// ParseRectificationStatus accepts a status's English name; ok is false otherwise.
func ParseRectificationStatus(s string) (RectificationStatus, bool) {
	for _, x := range RectificationStatuses {
		if string(x) == s {
			return x, true
		}
	}
	return "", false
}

// Key is the catalog key of the status's name (package i18n).
func (s RectificationStatus) Key() string { return "rstatus." + string(s) }

// Rectification is a rectification notice (整改通知): a regulator's
// supervisor tells a company what to put right by a due date; the company
// answers; the supervisor closes it, or returns it for another answer.
type Rectification struct {
	ID          int64
	RegulatorID int64
	OrgID       int64 // the company
	OrgCode     string
	OrgName     string
	Subject     string
	Body        string // the requirements
	DueOn       Date
	Status      RectificationStatus
	Answer      string // the company's latest answer
	Comment     string // the supervisor's latest word on closing or returning
	Returns     int    // how many times it was returned for another answer
	SentAt      time.Time
	SentBy      string
	SentByID    int64 // the sender, told of each answer
	AnsweredAt  time.Time
	AnsweredBy  string
	ClosedAt    time.Time
	ClosedBy    string
	UpdatedAt   time.Time
}

// Overdue reports whether the notice is still waiting for the company's
// answer after its due date.
func (r *Rectification) Overdue(today Date) bool {
	return r.Status == RectificationOpen && today.After(r.DueOn)
}

// RectificationEvent is a step of a notice's timeline: sent, answered,
// returned, closed; who, when, and the text of the step.
type RectificationEvent struct {
	ID       int64
	NoticeID int64
	Kind     string
	Text     string
	At       time.Time
	Actor    string
}

// Rectification-event kinds.
const (
	RectificationSent     = "sent"
	RectificationAnswer   = "answered"
	RectificationReturned = "returned"
	RectificationClose    = "closed"
)

// RectificationScope says whose notices a query may see: one company's
// (OrgID), or those a regulator sent to some of its companies (RegulatorID
// with OrgIDs: the companies its user oversees).
type RectificationScope struct {
	OrgID       int64
	RegulatorID int64
	OrgIDs      []int64
}

// RectificationFilter selects notices within a scope.
type RectificationFilter struct {
	RectificationScope
	Status    RectificationStatus
	DueBefore Date // open and due before this day: overdue on it
	Limit     int
}
