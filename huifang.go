// Package huifang holds the domain types of the callback system: organisations,
// people, reference data, policies, callbacks and problem cases. It imports
// nothing of the project; rules live in their own packages and storage in store.
package huifang

import (
	"strconv"
	"time"
)

// OrgKind tells a regulator from an insurer.
type OrgKind string

// Organisation kinds.
const (
	KindRegulator OrgKind = "regulator"
	KindInsurer   OrgKind = "insurer"
)

// Org is a regulator (保监局) or an insurer's local entity.
type Org struct {
	ID          int64
	Code        string
	Name        string
	Kind        OrgKind
	RegulatorID int64 // insurers only: the regulator that supervises them
	// PreUnderwritingCallback turns on the optional callback before underwriting
	// for every product of this insurer (DOMAIN.md §3).
	PreUnderwritingCallback bool
	// ServicePhone is an insurer's customer-service number (95xxx), said
	// at the end of every callback script.
	ServicePhone string
	CreatedAt    time.Time
}

// Role decides what a user may do.
type Role string

// Roles.
const (
	RoleAdmin        Role = "admin"         // system administrator (any organisation)
	RoleSupervisor   Role = "supervisor"    // regulator's supervisor
	RoleInsurerAdmin Role = "insurer-admin" // insurer's administrator: reference data, imports, users
	RoleManager      Role = "manager"       // insurer's manager: KPIs, statistics
	RoleOperator     Role = "operator"      // callback-centre operator
	RoleHandler      Role = "handler"       // branch problem-case handler
	RoleQA           Role = "qa"            // insurer's quality staff: listen to recordings
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleAdmin, RoleSupervisor, RoleInsurerAdmin, RoleManager, RoleOperator, RoleHandler, RoleQA}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// User is a person who logs in.
type User struct {
	ID           int64
	OrgID        int64
	Login        string
	Name         string
	Role         Role
	BranchCode   string // handlers: the branch they work for (optional)
	AgentCode    string // when the person is also a sales agent: never handles their own sales
	Email        string // for the daily digest (optional)
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	// LoginAt and LoginAddr are the latest successful login; PrevLoginAt and
	// PrevLoginAddr the one before it, shown to the user as their last login.
	LoginAt, PrevLoginAt     time.Time
	LoginAddr, PrevLoginAddr string
}

// Can reports whether the user's role includes perm.
func (u *User) Can(p Permission) bool { return RoleCan(u.Role, p) }

// Branch is a node of an insurer's organisation tree.
type Branch struct {
	OrgID      int64
	Code       string
	Name       string
	ParentCode string // empty for the head office
	Level      int    // 0 head office, 1 province, 2 city, 3 sales unit
}

// BranchLevelName names a tree level in Chinese.
func BranchLevelName(level int) string {
	switch level {
	case 0:
		return "总公司"
	case 1:
		return "省级分公司"
	case 2:
		return "地市分公司"
	default:
		return "营业单位"
	}
}

// DesignType is a product design type.
type DesignType string

// Product design types.
const (
	DesignTraditional   DesignType = "traditional"       // 传统
	DesignParticipating DesignType = "participating"     // 分红
	DesignUniversal     DesignType = "universal"         // 万能
	DesignInvestment    DesignType = "investment-linked" // 投连
	DesignHealth        DesignType = "health"            // 健康
	DesignAccident      DesignType = "accident"          // 意外
	DesignNonLifeWealth DesignType = "nonlife-wealth"    // 非寿险理财
)

// DesignTypes lists the design types in display order.
var DesignTypes = []DesignType{DesignTraditional, DesignParticipating, DesignUniversal, DesignInvestment, DesignHealth, DesignAccident, DesignNonLifeWealth}

var designZH = map[DesignType]string{
	DesignTraditional: "传统", DesignParticipating: "分红", DesignUniversal: "万能", DesignInvestment: "投连",
	DesignHealth: "健康", DesignAccident: "意外", DesignNonLifeWealth: "非寿险理财",
}

// ZH is the Chinese name used in files; pages show Key through the catalog.
func (d DesignType) ZH() string { return designZH[d] }

// Key is the catalog key of the design type's name (package i18n).
func (d DesignType) Key() string { return "design." + string(d) }

// NewType reports whether returns are uncertain (分红, 万能, 投连).
func (d DesignType) NewType() bool {
	return d == DesignParticipating || d == DesignUniversal || d == DesignInvestment
}

// ParseDesignType accepts the Chinese or English name.
func ParseDesignType(s string) (DesignType, bool) {
	for _, d := range DesignTypes {
		if s == string(d) || s == designZH[d] {
			return d, true
		}
	}
	return "", false
}

// Channel is a sales channel.
type Channel string

// Sales channels.
const (
	ChannelAgency    Channel = "agency"        // 个险
	ChannelBank      Channel = "bancassurance" // 银保
	ChannelBroker    Channel = "broker"        // 经代
	ChannelTelesales Channel = "telesales"     // 电销
	ChannelInternet  Channel = "internet"      // 网销
	ChannelGroup     Channel = "group"         // 团险
)

// Channels lists the channels in display order.
var Channels = []Channel{ChannelAgency, ChannelBank, ChannelBroker, ChannelTelesales, ChannelInternet, ChannelGroup}

var channelZH = map[Channel]string{
	ChannelAgency: "个险", ChannelBank: "银保", ChannelBroker: "经代", ChannelTelesales: "电销", ChannelInternet: "网销", ChannelGroup: "团险",
}

// ZH is the Chinese name used in files; pages show Key through the catalog.
func (c Channel) ZH() string { return channelZH[c] }

// Key is the catalog key of the channel's name (package i18n).
func (c Channel) Key() string { return "channel." + string(c) }

// ParseChannel accepts the Chinese or English name.
func ParseChannel(s string) (Channel, bool) {
	for _, c := range Channels {
		if s == string(c) || s == channelZH[c] {
			return c, true
		}
	}
	return "", false
}

// PayMode is how often premiums are paid.
type PayMode string

// Payment modes.
const (
	PaySingle     PayMode = "single"      // 趸交
	PayAnnual     PayMode = "annual"      // 年交
	PaySemiAnnual PayMode = "semi-annual" // 半年交
	PayQuarterly  PayMode = "quarterly"   // 季交
	PayMonthly    PayMode = "monthly"     // 月交
)

// PayModes lists the payment modes.
var PayModes = []PayMode{PaySingle, PayAnnual, PaySemiAnnual, PayQuarterly, PayMonthly}

var payZH = map[PayMode]string{PaySingle: "趸交", PayAnnual: "年交", PaySemiAnnual: "半年交", PayQuarterly: "季交", PayMonthly: "月交"}

// ZH is the Chinese name used in files; pages show Key through the catalog.
func (p PayMode) ZH() string { return payZH[p] }

// Key is the catalog key of the pay mode's name (package i18n).
func (p PayMode) Key() string { return "pay." + string(p) }

// Regular reports whether premiums recur (DOMAIN.md §4 item 7).
func (p PayMode) Regular() bool { return p != PaySingle && p != "" }

// ParsePayMode accepts the Chinese or English name.
func ParsePayMode(s string) (PayMode, bool) {
	for _, p := range PayModes {
		if s == string(p) || s == payZH[p] {
			return p, true
		}
	}
	return "", false
}

// Term is an insurance period: a number of years, or whole life.
type Term struct {
	Years     int
	WholeLife bool
}

// LongerThanOneYear reports whether the term exceeds one year.
func (t Term) LongerThanOneYear() bool { return t.WholeLife || t.Years > 1 }

// String renders the term as in files: "终身" or the number of years.
func (t Term) String() string {
	if t.WholeLife {
		return "终身"
	}
	return strconv.Itoa(t.Years) + "年"
}

// Product is an insurance product sold by an insurer.
type Product struct {
	OrgID             int64
	Code              string
	Name              string
	Design            DesignType
	Term              Term
	GuaranteedRenewal bool
	CoolingOffDays    int
	// PreUnderwritingCallback asks for a callback before underwriting too.
	PreUnderwritingCallback bool
}

// AgentStatus tells serving agents from those who have left.
type AgentStatus string

// Agent statuses.
const (
	AgentActive AgentStatus = "active" // 在职
	AgentLeft   AgentStatus = "left"   // 离职
)

// ParseAgentStatus accepts the Chinese or English name.
func ParseAgentStatus(s string) (AgentStatus, bool) {
	switch s {
	case "active", "在职", "正常":
		return AgentActive, true
	case "left", "离职":
		return AgentLeft, true
	}
	return "", false
}

// ZH is the Chinese name used in files; pages show Key through the catalog.
func (s AgentStatus) ZH() string {
	if s == AgentLeft {
		return "离职"
	}
	return "在职"
}

// Key is the catalog key of the status's name (package i18n).
func (s AgentStatus) Key() string {
	if s == AgentLeft {
		return "agent.status.left"
	}
	return "agent.status.active"
}

// Agent is a sales agent (营销员).
type Agent struct {
	OrgID      int64
	Code       string
	Name       string
	Phone      string // plain in memory only; encrypted at rest
	BranchCode string
	RegNo      string // 执业证号
	Status     AgentStatus
}

// Outlet is a bank outlet (银行网点) selling bancassurance.
type Outlet struct {
	OrgID      int64
	Code       string
	Name       string
	Bank       string
	BranchCode string
}

// Policy is a new policy loaded by an insurer. Phone and ID numbers are plain in
// memory and encrypted at rest (see package pii).
type Policy struct {
	OrgID       int64
	No          string
	ProductCode string
	Channel     Channel
	BranchCode  string
	AgentCode   string
	OutletCode  string
	HolderName  string
	HolderID    string
	HolderBirth Date
	HolderPhone string
	InsuredName string
	AppliedOn   Date
	IssuedOn    Date
	ReceiptOn   Date // zero while the receipt is not signed
	PremiumFen  int64
	PayMode     PayMode
	PayYears    int
	Term        Term
	// CallbackMethod is how the customer asked to be called back:
	// MethodPhone, MethodElectronic, or "" when they did not say.
	CallbackMethod CallbackMethod
	UpdatedAt      time.Time
}

// CallbackKind tells which callback a policy gets.
type CallbackKind string

// Callback kinds.
const (
	KindNewBusiness     CallbackKind = "new-business"     // 新单回访, within the cooling-off period
	KindPreUnderwriting CallbackKind = "pre-underwriting" // 承保前回访
	KindRecallback      CallbackKind = "re-callback"      // 问题件整改后的回访确认
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
	Evidence  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Open reports whether the callback still needs work.
func (c *Callback) Open() bool { return c.Status != StatusDone }

// AttemptOutcome is what happened when the operator dialled.
type AttemptOutcome string

// Attempt outcomes.
const (
	AttemptAnswered    AttemptOutcome = "answered"     // 接通（投保人本人）
	AttemptNoAnswer    AttemptOutcome = "no-answer"    // 无人接听
	AttemptBusy        AttemptOutcome = "busy"         // 占线
	AttemptSwitchedOff AttemptOutcome = "switched-off" // 关机
	AttemptInvalid     AttemptOutcome = "invalid"      // 空号/号码错误
	AttemptWrongPerson AttemptOutcome = "wrong-person" // 非投保人接听
	AttemptReschedule  AttemptOutcome = "reschedule"   // 客户要求另约时间
	AttemptRefused     AttemptOutcome = "refused"      // 客户拒绝回访
)

// AttemptOutcomes lists the outcomes in display order.
var AttemptOutcomes = []AttemptOutcome{AttemptAnswered, AttemptNoAnswer, AttemptBusy, AttemptSwitchedOff, AttemptInvalid, AttemptWrongPerson, AttemptReschedule, AttemptRefused}

// Valid reports whether o is a known outcome.
func (o AttemptOutcome) Valid() bool {
	for _, x := range AttemptOutcomes {
		if o == x {
			return true
		}
	}
	return false
}

// Attempt is one phone call made for a callback.
type Attempt struct {
	ID         int64
	OrgID      int64
	CallbackID int64
	UserID     int64
	At         time.Time
	Outcome    AttemptOutcome
	Note       string
	ScheduleAt time.Time // for AttemptReschedule
}

// Answer is the customer's answer to one confirmation item.
type Answer string

// Answers.
const (
	AnswerYes     Answer = "yes"
	AnswerNo      Answer = "no"
	AnswerUnclear Answer = "unclear"
)

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
	CloseReason  string
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

// AuditEntry is one line of the append-only audit trail.
type AuditEntry struct {
	ID     int64
	OrgID  int64
	At     time.Time
	UserID int64  // 0 for the system or the command line
	Actor  string // login, or "cli", "import", "system"
	Entity string // "policy", "callback", "user", ...
	Key    string // the entity's key (policy number, callback id, login)
	Action string // "create", "update", "attempt", "finish", "view-pii", ...
	Detail string // JSON: what changed
}

// Actor is who does something, for the audit trail: a user, or a named system
// part ("cli", "import", "system") with UserID 0.
type Actor struct {
	UserID int64
	Name   string
}

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

var outcomeZH = map[AttemptOutcome]string{
	AttemptAnswered: "接通（本人）", AttemptNoAnswer: "无人接听", AttemptBusy: "占线", AttemptSwitchedOff: "关机",
	AttemptInvalid: "空号或号码错误", AttemptWrongPerson: "非本人接听", AttemptReschedule: "客户另约时间", AttemptRefused: "拒绝回访",
}

// ZH is the Chinese name.
func (o AttemptOutcome) ZH() string { return outcomeZH[o] }

// Key is the catalog key of the attempt outcome's name (package i18n).
func (o AttemptOutcome) Key() string { return "outcome." + string(o) }

var kindZH = map[CallbackKind]string{KindNewBusiness: "新单回访", KindPreUnderwriting: "承保前回访", KindRecallback: "问题件回访确认"}

// ZH is the Chinese name.
func (k CallbackKind) ZH() string { return kindZH[k] }

// Key is the catalog key of the callback kind's name (package i18n).
func (k CallbackKind) Key() string { return "callbackkind." + string(k) }
