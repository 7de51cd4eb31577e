package app

import (
	"context"

	"github.com/huifang/huifang"
)

// The reads pages and the API need to name things: the user's organisation,
// the organisations a user may see, and the branches, staff and products of
// one of them. Each is scoped like every other use case: a user sees their
// own organisation, a regulator's supervisor also the companies it
// supervises, the system administrator everything.

// OwnOrg returns the user's own organisation.
func (s *Service) OwnOrg(ctx context.Context, u *huifang.User) (*huifang.Org, error) {
	if u == nil {
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	return s.db.FindOrgByID(ctx, u.OrgID)
}

// VisibleOrgs lists the organisations a user may see: every one for the
// system administrator, a regulator user's own regulator and the companies
// they oversee, anyone else's own organisation.
func (s *Service) VisibleOrgs(ctx context.Context, u *huifang.User) ([]huifang.Org, error) {
	if u == nil {
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	switch u.Role {
	case huifang.RoleAdmin:
		return s.db.ListOrgs(ctx, 0)
	case huifang.RoleSupervisor, huifang.RoleRegAdmin:
		own, err := s.db.FindOrgByID(ctx, u.OrgID)
		if err != nil {
			return nil, err
		}
		cos, err := s.Overseen(ctx, u)
		return append([]huifang.Org{*own}, cos...), err
	}
	o, err := s.db.FindOrgByID(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	return []huifang.Org{*o}, nil
}

// visibleOrg checks that a user may see organisation orgID; another
// organisation's id is not found, as if it did not exist.
func (s *Service) visibleOrg(ctx context.Context, u *huifang.User, orgID int64) error {
	if u == nil {
		return huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	if u.Role == huifang.RoleAdmin || u.OrgID == orgID {
		return nil
	}
	if u.Regulatory() && s.overseesID(ctx, u, orgID) {
		return nil
	}
	return huifang.ErrNotFound
}

// Branches lists the branch tree of an organisation the user may see.
func (s *Service) Branches(ctx context.Context, u *huifang.User, orgID int64) ([]huifang.Branch, error) {
	if err := s.visibleOrg(ctx, u, orgID); err != nil {
		return nil, err
	}
	return s.db.ListBranches(ctx, orgID)
}

// Staff lists the users of an organisation the user may see, to name them
// on pages (who holds a case, who wrote a script).
func (s *Service) Staff(ctx context.Context, u *huifang.User, orgID int64) ([]huifang.User, error) {
	if err := s.visibleOrg(ctx, u, orgID); err != nil {
		return nil, err
	}
	return s.db.ListUsers(ctx, orgID)
}

// Products lists the products of an organisation the user may see.
func (s *Service) Products(ctx context.Context, u *huifang.User, orgID int64) ([]huifang.Product, error) {
	if err := s.visibleOrg(ctx, u, orgID); err != nil {
		return nil, err
	}
	return s.db.ListProducts(ctx, orgID)
}

// Overseen lists the insurers a regulator's user follows, by code: a
// supervisor's assigned companies, every company of the regulator for its
// administrator. Anyone else is refused. Every regulator-side use case
// (samples, disclosure, inspection packages, notices) takes its companies
// from here or checks one with oversees.
func (s *Service) Overseen(ctx context.Context, u *huifang.User) ([]huifang.Org, error) {
	if u == nil {
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	if !u.Regulatory() {
		return nil, huifang.Errorf(huifang.EFORBIDDEN, "err.auth.role_forbidden", u.Role)
	}
	orgs, err := s.db.ListOrgs(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	var assigned map[int64]bool
	if u.Role == huifang.RoleSupervisor {
		ids, err := s.db.SupervisorCompanies(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		assigned = make(map[int64]bool, len(ids))
		for _, id := range ids {
			assigned[id] = true
		}
	}
	out := orgs[:0]
	for _, o := range orgs {
		if o.Kind == huifang.KindInsurer && o.RegulatorID == u.OrgID && (assigned == nil || assigned[o.ID]) {
			out = append(out, o)
		}
	}
	return out, nil
}

// overseesID reports whether a regulator's user follows the insurer orgID.
func (s *Service) overseesID(ctx context.Context, u *huifang.User, orgID int64) bool {
	orgs, err := s.Overseen(ctx, u)
	if err != nil {
		return false
	}
	for _, o := range orgs {
		if o.ID == orgID {
			return true
		}
	}
	return false
}

// oversight is the store's scope for a regulator user's cross-company
// queries: the regulator's insurers, a supervisor's assigned ones only.
func oversight(u *huifang.User) huifang.Oversight {
	o := huifang.Oversight{RegulatorID: u.OrgID}
	if u.Role == huifang.RoleSupervisor {
		o.SupervisorID = u.ID
	}
	return o
}

// oversees finds the insurer orgCode among the companies a regulator's user
// follows; any other code is not found, as if it did not exist.
func (s *Service) oversees(ctx context.Context, u *huifang.User, orgCode string) (*huifang.Org, error) {
	orgs, err := s.Overseen(ctx, u)
	if err != nil {
		return nil, err
	}
	for i := range orgs {
		if orgs[i].Code == orgCode {
			return &orgs[i], nil
		}
	}
	return nil, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_found_q", orgCode)
}
