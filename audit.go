package huifang

// AuditFilter selects audit entries.
type AuditFilter struct {
	Entity string
	Key    string
	Action string
	Limit  int
}
