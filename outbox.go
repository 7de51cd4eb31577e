package huifang

import "time"

// OutboxMessage is a text message the development sender kept instead of
// sending it.
type OutboxMessage struct {
	ID          int64
	OrgID       int64
	At          time.Time
	PhoneMasked string
	Kind        string // "link" or "code"
	Body        string
}
