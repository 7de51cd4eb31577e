package huifang

import "time"

// ProblemType is a problem-case type (DOMAIN.md §5).
type ProblemType string

// Problem-case types.
const (
	ProblemCannotContact ProblemType = "cannot-contact"  // 无法联系客户
	ProblemFalsePhone    ProblemType = "false-phone"     // 提供不真实电话
	ProblemUnclearRights ProblemType = "unclear-rights"  // 客户不清楚保险权益
	ProblemUnsigned      ProblemType = "unsigned"        // 投保材料未签名或代签名
	ProblemPolicyInfo    ProblemType = "policy-info"     // 保单信息错误
	ProblemComplaint     ProblemType = "complaint"       // 客户抱怨及投诉
	ProblemMisleading    ProblemType = "misleading-sale" // 销售误导
)

// ProblemTypes lists the types in display order.
var ProblemTypes = []ProblemType{ProblemCannotContact, ProblemFalsePhone, ProblemUnclearRights, ProblemUnsigned, ProblemPolicyInfo, ProblemComplaint, ProblemMisleading}

var problemZH = map[ProblemType]string{
	ProblemCannotContact: "无法联系客户", ProblemFalsePhone: "提供不真实电话", ProblemUnclearRights: "客户不清楚保险权益",
	ProblemUnsigned: "投保材料未签名或代签名", ProblemPolicyInfo: "保单信息错误", ProblemComplaint: "客户抱怨及投诉", ProblemMisleading: "销售误导",
}

// ZH is the Chinese name.
func (p ProblemType) ZH() string { return problemZH[p] }

// Key is the catalog key of the problem type's name (package i18n).
func (p ProblemType) Key() string { return "problem." + string(p) }

// ProblemStatus is where a problem case stands.
type ProblemStatus string

// Problem-case statuses (DOMAIN.md §5).
const (
	ProblemOpen         ProblemStatus = "open"         // opened, held by the callback centre
	ProblemTransferring ProblemStatus = "transferring" // handed down, waiting for the receiver to acknowledge
	ProblemInProgress   ProblemStatus = "in-progress"  // a branch or handler is working it
	ProblemRecallback   ProblemStatus = "recallback"   // a re-callback is to confirm the fix
	ProblemResolved     ProblemStatus = "resolved"     // the re-callback confirmed it
	ProblemClosed       ProblemStatus = "closed"       // closed unresolved, with reasons
)

// ProblemStatuses lists the statuses in workflow order.
var ProblemStatuses = []ProblemStatus{ProblemOpen, ProblemTransferring, ProblemInProgress, ProblemRecallback, ProblemResolved, ProblemClosed}

var problemStatusZH = map[ProblemStatus]string{ProblemOpen: "待转办", ProblemTransferring: "转办待签收", ProblemInProgress: "处理中",
	ProblemRecallback: "待回访确认", ProblemResolved: "已办结", ProblemClosed: "已关闭（未解决）"}

// ZH is the Chinese name.
func (s ProblemStatus) ZH() string { return problemStatusZH[s] }

// Key is the catalog key of the problem status's name (package i18n).
func (s ProblemStatus) Key() string { return "pstatus." + string(s) }

// Final reports whether the case is finished.
func (s ProblemStatus) Final() bool { return s == ProblemResolved || s == ProblemClosed }

// CloseCode is the fixed reason a case is closed unresolved for.
type CloseCode string

// Close reasons (DOMAIN.md §5: closed unresolved with reasons).
const (
	CloseUnreachable CloseCode = "customer-unreachable"  // 多次联系仍无法联系客户
	CloseDeclined    CloseCode = "customer-declined"     // 客户拒绝配合处理
	CloseCoolingOff  CloseCode = "cancelled-cooling-off" // 客户犹豫期内退保
	CloseDuplicate   CloseCode = "duplicate"             // 重复问题件
	CloseOther       CloseCode = "other"                 // 其他（须说明）
)

// CloseCodes lists the close reasons in display order.
var CloseCodes = []CloseCode{CloseUnreachable, CloseDeclined, CloseCoolingOff, CloseDuplicate, CloseOther}

var closeZH = map[CloseCode]string{CloseUnreachable: "多次联系仍无法联系客户", CloseDeclined: "客户拒绝配合处理",
	CloseCoolingOff: "客户犹豫期内退保", CloseDuplicate: "重复问题件", CloseOther: "其他"}

// ZH is the Chinese name.
func (c CloseCode) ZH() string { return closeZH[c] }

// Key is the catalog key of the close reason's name (package i18n).
func (c CloseCode) Key() string { return "closereason." + string(c) }

// NeedsNote reports whether the reason must be explained in a note.
func (c CloseCode) NeedsNote() bool { return c == CloseOther }

// ProblemCase is a failed or irregular callback that must be resolved.
type ProblemCase struct {
	ID         int64
	OrgID      int64
	CallbackID int64
	PolicyNo   string
	Type       ProblemType
	Status     ProblemStatus
	Detail     string
	BranchCode string // the policy's branch
	Channel    Channel
	AgentCode  string // the selling agent, who may never handle it
	OpenedAt   time.Time
	OpenedBy   int64
	// The deadline, fixed at opening from the rule profile in force then.
	OpenedOn     Date
	DueOn        Date
	LimitDays    int
	LimitWorking bool
	ProfileID    int64 // the profile version that set the deadline
	// Who holds it: a branch ("" is the callback centre at head office), and
	// within it a handler (0: the branch as a whole).
	HolderBranch string
	HandlerID    int64
	// A transfer waiting for acknowledgement.
	Pending      *Transfer
	RecallbackID int64
	Actions      int // actions recorded, for the re-callback rule
	ResolvedAt   time.Time
	ClosedAt     time.Time
	CloseCode    CloseCode // the fixed reason it was closed unresolved for
	CloseReason  string    // the note that goes with it
	EscalatedAt  time.Time
	UpdatedAt    time.Time
}

// Transfer is one hop of a case down the organisation.
type Transfer struct {
	ID         int64
	FromBranch string
	ToBranch   string
	ToUserID   int64
	DueOn      Date // inside the case's deadline
	Prior      ProblemStatus
	At         time.Time
	By         int64
}

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
	Offset     int // the cases to skip: the board's pages
	// After pages by key: the list goes on after this cursor
	// (ProblemCursor.Encode); Offset is then ignored.
	After string
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
	Misconduct *MisconductRecord // a misconduct record the step proposes (one per case)
}

// PhoneChange corrects a policyholder's phone number (encrypted, with its hash).
type PhoneChange struct {
	Enc, Hash string
}
