package huifang

import "time"

// Counts says what an import or save did.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// PolicyImport says what a policy import did.
type PolicyImport struct {
	Counts
	// Callbacks counts callbacks created, or whose deadline moved because the
	// receipt date changed.
	Callbacks int `json:"callbacks"`
}

// Import job states.
const (
	JobRunning     = "running"
	JobDone        = "done"
	JobInterrupted = "interrupted"
	JobFailed      = "failed"
)

// ImportJob is a checked file being written in chunks, or written: its
// progress is what the committed chunks wrote.
type ImportJob struct {
	ID          int64        `json:"id"`
	OrgID       int64        `json:"org_id"`
	Kind        string       `json:"kind"`
	Source      string       `json:"source"`
	FileHash    string       `json:"file_hash"`
	State       string       `json:"state"`
	RowsTotal   int          `json:"rows_total"`
	RowsWritten int          `json:"rows_written"`
	Chunks      int          `json:"chunks"`
	Result      PolicyImport `json:"result"`
	UserID      int64        `json:"user_id"`
	Actor       string       `json:"actor"`
	Owner       string       `json:"owner"` // the process writing it: host:pid:nonce
	StartedAt   time.Time    `json:"started_at"`
	HeartbeatAt time.Time    `json:"heartbeat_at"` // the last chunk's commit
	FinishedAt  time.Time    `json:"finished_at"`
	Message     string       `json:"message,omitempty"`
}

// ImportedCallback is a new-business callback an insurer finished in its own
// system and reports to huifang, with the problem cases it opened, ready to
// store: the rules (lateness, deadlines) were applied by the caller.
type ImportedCallback struct {
	CallbackID int64
	PolicyNo   string
	Kind       CallbackKind // new-business (also when empty) or orphan
	Result     CallbackResult
	Reason     string
	Method     CallbackMethod
	FinishedAt time.Time
	Late       bool
	Evidence   string // JSON: where the record came from
	// Cases to open, deadlines set; a case whose Status is resolved or
	// closed is finished at its ResolvedAt or ClosedAt.
	Cases []ProblemCase
	// Unchanged: the callback is already stored as reported; it is only
	// counted.
	Unchanged bool
}

// StoredCallback is what an import of callback records finds of one policy:
// the policy's receipt and selling agent, its callback of one kind (nil when
// it has none) and the problem cases that callback opened, by id.
type StoredCallback struct {
	ReceiptOn Date
	AgentCode string
	Callback  *Callback
	Cases     []ProblemCase
}

// CallbackImport says what an import of callback records did.
type CallbackImport struct {
	Finished  int `json:"finished"`  // callbacks finished
	Unchanged int `json:"unchanged"` // rows already stored as they are
	Cases     int `json:"cases"`     // problem cases opened
}
