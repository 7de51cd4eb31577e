package huifang

// AgentStatus tells serving agents from those who have left.
type AgentStatus string

// Agent statuses.
const (
	AgentActive AgentStatus = "active" // 在职
	AgentLeft   AgentStatus = "left"   // 离职
	// AgentLeaving: a departure has started and waits for the orphan-policy
	// gate (DOMAIN.md §6); the agent is not yet released.
	AgentLeaving AgentStatus = "leaving" // 离职办理中
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
	switch s {
	case AgentLeft:
		return "离职"
	case AgentLeaving:
		return "离职办理中"
	}
	return "在职"
}

// Key is the catalog key of the status's name (package i18n).
func (s AgentStatus) Key() string {
	switch s {
	case AgentLeft, AgentLeaving:
		return "agent.status." + string(s)
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

// AgentRecord is an agent as stored: the phone encrypted, with its keyed hash.
type AgentRecord struct {
	Agent
	PhoneEnc  string
	PhoneHash string
}
