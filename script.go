package huifang

import "time"

// ScriptRecord is a stored version of a callback script; Body is the script
// in its file format (package script).
type ScriptRecord struct {
	ID          int64
	OrgID       int64
	Code        string
	Version     int
	Name        string
	Purpose     string
	Design      DesignType
	Channels    []Channel
	ProductCode string
	Status      string // draft, filed, active, retired
	ActiveFrom  Date
	Body        string
	CreatedAt   time.Time
	CreatedBy   string
	UpdatedAt   time.Time
}

// ScriptFilter selects scripts: an organisation's, or those its regulator
// sees (filed and active scripts of every company it supervises).
type ScriptFilter struct {
	OrgID int64
	Oversight
	Status string
}
