package huifang

import "time"

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

// AuditFilter selects audit entries.
type AuditFilter struct {
	Entity string
	Key    string
	Action string
	Limit  int
}
