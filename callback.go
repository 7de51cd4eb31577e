package huifang

import "time"

// CallbackFilter selects callbacks for lists and exports.
type CallbackFilter struct {
	Status   CallbackStatus
	Result   CallbackResult
	Channel  Channel
	PolicyNo string
	DueFrom  Date
	DueTo    Date
	Late     bool
	// Overdue keeps callbacks still not done after their deadline, as of Today.
	Overdue bool
	Today   Date
	Limit   int // 0: no limit (exports)
	Offset  int
	// Branch keeps the callbacks of a branch and of the branches below it;
	// with BranchOnly, of the branch itself only.
	Branch     string
	BranchOnly bool
	// Design keeps the policies of products of a design type.
	Design DesignType
	// Seller keeps the policies an agent sold, or the bank outlet that
	// sold them where there is one (as the indicators' seller).
	Seller string
	// Outcome keeps the callbacks behind an indicator's count (Outcome*).
	Outcome string
}

// Outcome classes: the callbacks owed to a policy that a count of
// docs/indicators.md is made of, with DueFrom–DueTo the period.
const (
	OutcomeDue                = "due"                  // due callbacks
	OutcomeSuccessful         = "successful"           // of those, successful, whenever
	OutcomeSuccessfulInPeriod = "successful_in_period" // successful by the deadline
	OutcomeCompleted          = "completed"            // successful or completed with problems
)

// Outcomes lists the outcome classes.
var Outcomes = []string{OutcomeDue, OutcomeSuccessful, OutcomeSuccessfulInPeriod, OutcomeCompleted}

// CallbackRow is a callback with what a list shows of its policy.
type CallbackRow struct {
	Callback
	HolderName  string
	ProductCode string
	ReceiptOn   Date
}

// CallbackTally counts an insurer's callbacks by status and result.
type CallbackTally struct {
	Open, Scheduled, Electronic, Blocked, Successful, Problems, NotCompleted, Late, Overdue int
}

// CallbackChange is one step of work on a leased callback, applied atomically:
// the callback row, the attempt, the problem cases and the audit entry.
type CallbackChange struct {
	OrgID, ID, UserID int64
	Now               time.Time
	Attempt           *Attempt // recorded when set
	Status            CallbackStatus
	Result            CallbackResult
	Reason            string
	Late              bool
	NextAt            time.Time
	Answers           map[string]Answer // stored when not nil
	// Method, the script version and the evidence are stored when Method is set.
	Method        CallbackMethod
	ScriptID      int64
	ScriptCode    string
	ScriptVersion int
	Evidence      string
	// NoLease: the caller has checked its right to change the callback some
	// other way (a customer's verified link, a handler recording a letter);
	// the change then needs no lease, only a callback not yet done.
	NoLease   bool
	KeepLease bool          // otherwise the callback goes back to the pool
	Problems  []ProblemCase // to open, deadlines set
	CaseStep  *CaseStep     // a re-callback's result for its problem case
	// Link, when set, ends the electronic-callback link the change comes
	// from; the change fails with a conflict unless the link is still active.
	Link  *LinkClose
	Audit AuditEntry
}
