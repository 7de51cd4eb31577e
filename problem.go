package huifang

import "time"

// ProblemFilter selects problem cases for boards and lists.
type ProblemFilter struct {
	Status     ProblemStatus
	Type       ProblemType
	Channel    Channel
	CallbackID int64
	PolicyNo   string
	// A branch's board: every case it holds or that is transferred to it.
	HolderBranch *string
	// A handler's board: cases assigned or transferred to them; with
	// HolderBranch set too, also the branch's cases nobody is assigned yet.
	HandlerID  int64
	Unfinished bool
	DueBy      Date // unfinished and due on or before this date (due soon, overdue)
	Limit      int
	// The cases behind an indicator's figure: due in [DueFrom, DueTo], of a
	// branch (and those below it), design type and seller, of an outcome
	// class (CaseOutcome*).
	DueFrom, DueTo Date
	Branch         string
	BranchOnly     bool // the branch itself, not those below it
	Design         DesignType
	Seller         string
	Outcome        string
}

// Problem-case outcome classes: the counts of indicator.CaseCounts.
const (
	CaseOutcomeDue      = "due"      // due in the period
	CaseOutcomeResolved = "resolved" // of those, resolved successfully
	CaseOutcomeClosed   = "closed"   // resolved or closed unresolved
	CaseOutcomeOnTime   = "on_time"  // done by the deadline
)

// CaseOutcomes lists the outcome classes.
var CaseOutcomes = []string{CaseOutcomeDue, CaseOutcomeResolved, CaseOutcomeClosed, CaseOutcomeOnTime}

// Evidence is an uploaded document. Its bytes are in the blob store under
// Key, or, for a document stored before schema 4 (or by a service without a
// blob store), in Data with Key empty.
type Evidence struct {
	ID          int64
	CaseID      int64
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	Key         string // blob-store key; "" when the bytes are in Data
	Data        []byte
	UploadedAt  time.Time
	UploadedBy  int64
}

// CaseEvent is a line of a problem case's timeline.
type CaseEvent struct {
	ID         int64
	CaseID     int64
	Kind       string
	Detail     string
	At         time.Time
	UserID     int64
	Actor      string
	EvidenceID int64
}

// TransferChange says what happens to the transfer table in a step.
type TransferChange struct {
	New    *Transfer // a new pending hop
	Settle string    // "acknowledged", "returned" or "cancelled": settles the pending hop
	Reason string
}

// CaseStep is one step of the workflow, applied atomically: the case row
// (only if nobody changed it since it was read), the transfer, the
// timeline, an uploaded document, a re-callback, a policy correction.
type CaseStep struct {
	Case       *ProblemCase // the case after the step
	Was        ProblemStatus
	WasUpdated time.Time
	Now        time.Time
	Actor      Actor
	Transfer   TransferChange
	Events     []CaseEvent
	Evidence   *Evidence // attached to the last event
	Recallback *Plan     // a re-callback to create; its id is stored on the case
	Phone      *PhoneChange
}

// PhoneChange corrects a policyholder's phone number (encrypted, with its hash).
type PhoneChange struct {
	Enc, Hash string
}
