package huifang

import "time"

// Notification is an in-app message to a user, also mailed when the user
// has an address.
type Notification struct {
	ID      int64
	OrgID   int64
	UserID  int64
	At      time.Time
	Kind    string // "escalation", "digest", "case-assigned", ...
	Subject string
	Body    string
	Dedupe  string // the same key for the same user arrives once
	ReadAt  time.Time
	CaseID  int64 // the problem case it is about, linked from it; 0 for none
}

// NotificationPage selects a page of a user's notifications, newest first.
type NotificationPage struct {
	Before int64 // older than this notification id; 0 for the newest
	Unread bool  // the unread alone
	Limit  int
}
