package huifang

import "time"

// MisconductCategory is a category of an agent's misconduct from the
// industry guideline (DOMAIN.md §6).
type MisconductCategory string

// Misconduct categories.
const (
	MisconductBeyondAuthority     MisconductCategory = "beyond-authority"     // 超越授权范围（含代签名）
	MisconductImproperSelling     MisconductCategory = "improper-selling"     // 不当销售（误导/隐瞒/伪造）
	MisconductImproperRecruitment MisconductCategory = "improper-recruitment" // 不当增员
	MisconductImproperConduct     MisconductCategory = "improper-conduct"     // 不当经营（含泄露个人信息）
	MisconductSurrenderByProxy    MisconductCategory = "surrender-by-proxy"   // 组织代理退保
	MisconductOther               MisconductCategory = "other"                // 其他
)

// MisconductCategories lists the categories in the guideline's order.
var MisconductCategories = []MisconductCategory{MisconductBeyondAuthority, MisconductImproperSelling, MisconductImproperRecruitment,
	MisconductImproperConduct, MisconductSurrenderByProxy, MisconductOther}

// ParseMisconductCategory accepts a category's English name; ok is false otherwise.
func ParseMisconductCategory(s string) (MisconductCategory, bool) {
	for _, c := range MisconductCategories {
		if string(c) == s {
			return c, true
		}
	}
	return "", false
}

// Key is the catalog key of the category's name (package i18n).
func (c MisconductCategory) Key() string { return "mcategory." + string(c) }

// MisconductStatus is where a misconduct record stands.
type MisconductStatus string

// Misconduct-record statuses: proposed by a closed problem case, then
// confirmed or rejected by the insurer's compliance, once.
const (
	MisconductProposed  MisconductStatus = "proposed"
	MisconductConfirmed MisconductStatus = "confirmed"
	MisconductRejected  MisconductStatus = "rejected"
)

// MisconductStatuses lists the statuses.
var MisconductStatuses = []MisconductStatus{MisconductProposed, MisconductConfirmed, MisconductRejected}

// ParseMisconductStatus accepts a status's English name; ok is false otherwise.
func ParseMisconductStatus(s string) (MisconductStatus, bool) {
	for _, x := range MisconductStatuses {
		if string(x) == s {
			return x, true
		}
	}
	return "", false
}

// Key is the catalog key of the status's name (package i18n).
func (s MisconductStatus) Key() string { return "mstatus." + string(s) }

// MisconductRecord is an agent's misconduct record (营销员不良行为记录),
// proposed when a problem case attributable to the agent is closed. It is
// never deleted before KeepUntil.
type MisconductRecord struct {
	ID         int64
	OrgID      int64
	AgentCode  string
	AgentName  string
	RegNo      string // the agent's 执业证号
	PolicyNo   string
	CaseID     int64
	CaseType   ProblemType
	Facts      string // from the case's timeline
	Category   MisconductCategory
	Status     MisconductStatus
	Reason     string // compliance's reason for the decision
	ProposedAt time.Time
	DecidedAt  time.Time
	DecidedBy  string
	KeepUntil  Date
	OrgCode    string // filled by the regulator's search
	OrgName    string // filled by the regulator's search
}

// MisconductFilter selects misconduct records of one insurer.
type MisconductFilter struct {
	OrgID     int64
	Status    MisconductStatus
	RegNo     string
	AgentCode string
	Limit     int
}

// MisconductSearch finds confirmed records across the companies of a
// regulator, by the agent's name or registration number.
type MisconductSearch struct {
	Oversight
	Name  string
	RegNo string
	Limit int
}
