package huifang

// Outlet is a bank outlet (银行网点) selling bancassurance.
type Outlet struct {
	OrgID      int64
	Code       string
	Name       string
	Bank       string
	BranchCode string
}
