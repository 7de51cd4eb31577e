package huifang

import "time"

// Role decides what a user may do.
type Role string

// Roles.
const (
	RoleAdmin        Role = "admin"           // system administrator (any organisation)
	RoleSupervisor   Role = "supervisor"      // regulator's supervisor: follows the companies assigned to them
	RoleRegAdmin     Role = "regulator-admin" // regulator's administrator: every company of the regulator, its users, disclosure
	RoleInsurerAdmin Role = "insurer-admin"   // insurer's administrator: reference data, imports, users
	RoleManager      Role = "manager"         // insurer's manager: KPIs, statistics
	RoleOperator     Role = "operator"        // callback-centre operator
	RoleHandler      Role = "handler"         // branch problem-case handler
	RoleQA           Role = "qa"              // insurer's quality staff: listen to recordings
	RoleCompliance   Role = "compliance"      // insurer's compliance: confirms or rejects agents' misconduct records
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleAdmin, RoleRegAdmin, RoleSupervisor, RoleInsurerAdmin, RoleManager, RoleOperator, RoleHandler, RoleQA, RoleCompliance}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// User is a person who logs in.
type User struct {
	ID           int64
	OrgID        int64
	Login        string
	Name         string
	Role         Role
	BranchCode   string // handlers: the branch they work for (optional)
	AgentCode    string // when the person is also a sales agent: never handles their own sales
	Email        string // for the daily digest (optional)
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	// LoginAt and LoginAddr are the latest successful login; PrevLoginAt and
	// PrevLoginAddr the one before it, shown to the user as their last login.
	LoginAt, PrevLoginAt     time.Time
	LoginAddr, PrevLoginAddr string
}

// Regulatory reports whether the user works for a regulator (a supervisor or
// the regulator's administrator).
func (u *User) Regulatory() bool {
	return u != nil && (u.Role == RoleSupervisor || u.Role == RoleRegAdmin)
}

// Can reports whether the user's role includes perm.
func (u *User) Can(p Permission) bool { return RoleCan(u.Role, p) }
