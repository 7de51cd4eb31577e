package huifang

import "time"

// Notification is an in-app message to a user, also mailed when the user
// has an address.
type Notification struct {
	ID      int64
	OrgID   int64
	UserID  int64
	At      time.Time
	Kind    string // "escalation", "digest"
	Subject string
	Body    string
	Dedupe  string // the same key for the same user arrives once
	ReadAt  time.Time
}
