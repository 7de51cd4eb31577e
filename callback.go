package huifang

import "time"

// CallbackKind tells which callback a policy gets.
type CallbackKind string

// Callback kinds.
const (
	KindNewBusiness     CallbackKind = "new-business"     // 新单回访, within the cooling-off period
	KindPreUnderwriting CallbackKind = "pre-underwriting" // 承保前回访
	KindRecallback      CallbackKind = "re-callback"      // 问题件整改后的回访确认
	KindOrphan          CallbackKind = "orphan"           // 孤儿保单回访: a departed agent's policy (DOMAIN.md §6)
)

// CallbackMethod is how a callback is made (DOMAIN.md §4).
type CallbackMethod string

// Callback methods.
const (
	MethodPhone      CallbackMethod = "phone"      // 电话回访, always recorded
	MethodElectronic CallbackMethod = "electronic" // 电子化回访: the customer answers through a link
	MethodLetter     CallbackMethod = "letter"     // 信函回访: counts only with the signed receipt
	MethodVisit      CallbackMethod = "visit"      // 上门回访: counts only with the signed receipt
)

// CallbackMethods lists the methods.
var CallbackMethods = []CallbackMethod{MethodPhone, MethodElectronic, MethodLetter, MethodVisit}

var methodZH = map[CallbackMethod]string{MethodPhone: "电话回访", MethodElectronic: "电子化回访", MethodLetter: "信函回访", MethodVisit: "上门回访"}

// ZH is the method's Chinese name.
func (m CallbackMethod) ZH() string { return methodZH[m] }

// Key is the catalog key of the callback method's name (package i18n).
func (m CallbackMethod) Key() string { return "method." + string(m) }

// Valid reports whether m is a known method.
func (m CallbackMethod) Valid() bool { return methodZH[m] != "" }

// ParseChosenMethod reads the callback method a customer chose, as a policy
// file writes it: 电话/电子 (or their full names) or phone/electronic. Only
// those two can be chosen; letters and visits are what staff fall back on.
func ParseChosenMethod(s string) (CallbackMethod, bool) {
	switch s {
	case "电话", "电话回访", "phone", "Phone", "PHONE":
		return MethodPhone, true
	case "电子", "电子化", "电子回访", "电子化回访", "electronic", "Electronic", "ELECTRONIC":
		return MethodElectronic, true
	}
	return "", false
}

// CallbackStatus is where a callback stands in its life.
type CallbackStatus string

// Callback statuses.
const (
	StatusOpen      CallbackStatus = "open"      // waiting in the pool
	StatusScheduled CallbackStatus = "scheduled" // the customer asked for another time
	// StatusElectronic: a link went to the customer, whose answers are
	// awaited; the callback stays out of the phone pool meanwhile.
	StatusElectronic CallbackStatus = "electronic"
	// StatusBlocked: no complete script can be given for it (a variable
	// without a value, no script for the policy); Reason says why. It is
	// handed to nobody until an administrator has fixed the data.
	StatusBlocked CallbackStatus = "blocked"
	StatusDone    CallbackStatus = "done" // finished; see Result
)

// CallbackStatuses lists the statuses in the order a callback goes through them.
var CallbackStatuses = []CallbackStatus{StatusOpen, StatusScheduled, StatusElectronic, StatusBlocked, StatusDone}

// CallbackResult is the outcome of a finished callback.
type CallbackResult string

// Callback results (DOMAIN.md §4).
const (
	ResultNone         CallbackResult = ""
	ResultSuccessful   CallbackResult = "successful"    // 回访成功
	ResultProblems     CallbackResult = "problems"      // 完成但有问题
	ResultNotCompleted CallbackResult = "not-completed" // 未完成
)

// Callback is one callback owed to a policyholder.
type Callback struct {
	ID          int64
	OrgID       int64
	PolicyNo    string
	Kind        CallbackKind
	Channel     Channel
	BranchCode  string
	DueOn       Date
	Status      CallbackStatus
	Result      CallbackResult
	Reason      string // why a callback was not completed
	Late        bool   // finished after the deadline
	NextAt      time.Time
	LeaseUserID int64
	LeaseUntil  time.Time
	Attempts    int
	FinishedAt  time.Time
	FinishedBy  int64
	Answers     map[string]Answer
	CaseID      int64 // re-callbacks: the problem case they confirm
	Method      CallbackMethod
	// The script version the answers were given to: ScriptID is the stored
	// version, 0 for a shipped standard script.
	ScriptID      int64
	ScriptCode    string
	ScriptVersion int
	// Evidence is how the answers were collected, as JSON: for an electronic
	// callback the times, IP address and user agent; for a letter or visit,
	// the signed receipt.
	Evidence string
	// AppointedBy is the operator who agreed the time of a scheduled
	// callback with the customer (an appointment); 0 for none.
	AppointedBy int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Open reports whether the callback still needs work.
func (c *Callback) Open() bool { return c.Status != StatusDone }

var statusZH = map[CallbackStatus]string{StatusOpen: "待回访", StatusScheduled: "已预约", StatusElectronic: "等待客户电子回访", StatusBlocked: "话术不完整，暂停回访", StatusDone: "已完成"}

// ZH is the Chinese name.
func (s CallbackStatus) ZH() string { return statusZH[s] }

// Key is the catalog key of the callback status's name (package i18n).
func (s CallbackStatus) Key() string { return "status." + string(s) }

var resultZH = map[CallbackResult]string{ResultSuccessful: "回访成功", ResultProblems: "完成但有问题", ResultNotCompleted: "未完成"}

// ZH is the Chinese name ("" for no result yet).
func (r CallbackResult) ZH() string { return resultZH[r] }

// Key is the catalog key of the callback result's name (package i18n).
func (r CallbackResult) Key() string { return "result." + string(r) }

var kindZH = map[CallbackKind]string{KindNewBusiness: "新单回访", KindPreUnderwriting: "承保前回访", KindRecallback: "问题件回访确认", KindOrphan: "孤儿保单回访"}

// ZH is the Chinese name.
func (k CallbackKind) ZH() string { return kindZH[k] }

// Key is the catalog key of the callback kind's name (package i18n).
func (k CallbackKind) Key() string { return "callbackkind." + string(k) }

// CallbackKinds lists the kinds.
var CallbackKinds = []CallbackKind{KindNewBusiness, KindPreUnderwriting, KindRecallback, KindOrphan}

// Valid reports whether k is a known kind.
func (k CallbackKind) Valid() bool { return kindZH[k] != "" }

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
	// After pages by key: the list goes on after this cursor
	// (CallbackCursor.Encode), in the same sort; Offset is then ignored.
	After string
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
	// Kind keeps the callbacks of one kind. With an Outcome it picks the
	// figure: KindOrphan the orphan-policy columns, otherwise (empty or
	// KindNewBusiness) the new-business ones.
	Kind CallbackKind
	// Risk keeps the callbacks of policies flagged with a sign of a false
	// phone number (package risk) under RiskBounds, which the application
	// sets from the rule profile.
	Risk       bool
	RiskBounds RiskBounds
	// AppointedBy keeps the scheduled callbacks whose time this operator
	// agreed with the customer (their appointments).
	AppointedBy int64
	// FinishedBy keeps the callbacks this user finished, from FinishedFrom
	// on when it is set.
	FinishedBy   int64
	FinishedFrom time.Time
	// Search keeps the callbacks whose policy number starts with it or whose
	// policyholder's name starts with it; PhoneTailHash (set by the
	// application from four digits searched for) also those whose
	// policyholder's phone ends in them.
	Search        string
	PhoneTailHash string
	// Sort orders the list (CallbackSorts); every order ends with the id,
	// so that pages never repeat or skip a row.
	Sort string
}

// The orders of a callback list: by deadline (the default), policy number,
// status, operator, or the most recently finished first.
const (
	SortDue      = "due"
	SortPolicy   = "policy"
	SortStatus   = "status"
	SortOperator = "operator"
	SortFinished = "finished"
	SortNext     = "next" // the time of the next try or appointment
)

// CountCap is where the counts shown beside a list stop counting: over it
// a list says "10,000+" rather than scan every row.
const CountCap = 10000

// MaxOffset is the deepest offset a list still pages to; deeper pages are
// reached by cursor (CallbackFilter.After).
const MaxOffset = 10000

// Count is a number of rows counted up to a cap: N is exact when Capped is
// false, else there are more than N.
type Count struct {
	N      int
	Capped bool
}

// CallbackSorts lists the orders a user may pick.
var CallbackSorts = []string{SortDue, SortPolicy, SortStatus, SortOperator}

// Outcome classes: the callbacks owed to a policy that a count of
// docs/indicators.md is made of, with DueFrom–DueTo the period. For orphan
// callbacks (Kind KindOrphan) "successful" includes those a successful
// re-callback of their problem case made successful, as the figures count
// them.
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
	// Operator is the name of the operator who finished the callback, or
	// holds it, or agreed its appointment; "" for none.
	Operator string
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
	AppointedBy       int64             // an appointment's operator, with StatusScheduled
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
