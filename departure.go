package huifang

import "time"

// DepartureStatus is where an agent's departure stands (DOMAIN.md §6).
type DepartureStatus string

// Departure statuses: leaving (离职办理中) until the orphan-policy gate opens,
// then completed (离职). In notice mode a departure completes when it starts.
const (
	DepartureLeaving   DepartureStatus = "leaving"
	DepartureCompleted DepartureStatus = "completed"
)

// Key is the catalog key of the status's name (package i18n).
func (s DepartureStatus) Key() string { return "departure.status." + string(s) }

// Departure is an agent leaving an insurer: the orphan callbacks of the
// agent's policies, and, in gate mode, the wait for all of them to succeed.
type Departure struct {
	ID            int64           `json:"id"`
	OrgID         int64           `json:"-"`
	AgentCode     string          `json:"agent"`
	SuccessorCode string          `json:"successor"`  // the agent who services the policies now; "" for the service centre
	Mode          string          `json:"mode"`       // the profile's orphan mode when the departure started: gate or notify
	StartedOn     Date            `json:"started_on"` // the departure date
	DueOn         Date            `json:"due_on"`     // when every orphan callback is due
	Status        DepartureStatus `json:"status"`
	Policies      int             `json:"policies"` // how many orphan policies it has
	CompletedAt   time.Time       `json:"completed_at"`
	CreatedAt     time.Time       `json:"created_at"`
	CreatedBy     string          `json:"created_by"`
}

// GateItem is one orphan policy of a departure and where its callback stands.
type GateItem struct {
	PolicyNo   string         `json:"policy_no"`
	CallbackID int64          `json:"callback_id"`
	Status     CallbackStatus `json:"status"`
	Result     CallbackResult `json:"result"`
	DueOn      Date           `json:"due_on"`
	// CaseID is the problem case opened from a failed orphan callback, 0 when none.
	CaseID int64 `json:"case_id"`
	// RecallbackOK: the case's re-callback ended successful, which counts as
	// the orphan callback's success.
	RecallbackOK bool `json:"recallback_successful"`
}

// Successful reports whether the orphan policy was called back successfully,
// directly or through the re-callback of its problem case.
func (g GateItem) Successful() bool {
	return (g.Status == StatusDone && g.Result == ResultSuccessful) || g.RecallbackOK
}
