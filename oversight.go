package huifang

// Oversight is what a regulator's user oversees, for the queries that span
// companies: the insurers of RegulatorID, and of those only the ones
// assigned to SupervisorID when it is set (a supervisor); the regulator's
// administrator leaves it zero and sees every one.
type Oversight struct {
	RegulatorID  int64
	SupervisorID int64
}
