package app

import (
	"context"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/pii"
)

// StatsTargets gives the callback success and problem-case resolution
// rates, in basis points, below which the dashboards highlight a company:
// the targets of the profile in force today for the organisation (orgCode
// as StatsTable reads it).
func (s *Service) StatsTargets(ctx context.Context, u *huifang.User, orgCode string) (successBP, resolutionBP int, err error) {
	if err := require(u, huifang.PermViewStats); err != nil {
		return 0, 0, err
	}
	org, err := s.statsOrg(ctx, u, orgCode)
	if err != nil {
		return 0, 0, err
	}
	v, err := s.ProfileFor(ctx, org.ID, s.today())
	if err != nil {
		return 0, 0, err
	}
	successBP, resolutionBP = v.Rules.Targets()
	return successBP, resolutionBP, nil
}

// ListCompanyCallbacks lists a page of the callbacks of an insurer whose
// figures the user may see, with the capped total and the next page's
// cursor: the list behind a dashboard's figure. An insurer's staff get
// their own company; a regulator's supervisor any company it supervises;
// any other code is not found.
func (s *Service) ListCompanyCallbacks(ctx context.Context, u *huifang.User, orgCode string, f huifang.CallbackFilter) (*huifang.Org, CallbackPage, error) {
	if err := require(u, huifang.PermViewStats); err != nil {
		return nil, CallbackPage{}, err
	}
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return nil, CallbackPage{}, err
	}
	org, err := s.statsOrg(ctx, u, orgCode)
	if err != nil {
		return nil, CallbackPage{}, err
	}
	if org.Kind != huifang.KindInsurer {
		return nil, CallbackPage{}, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_insurer_q", orgCode)
	}
	var fix func(*huifang.CallbackRow)
	if org.ID != u.OrgID {
		// A regulator's staff see another company's policyholders
		// masked, as exports show them (DOMAIN.md §10).
		fix = func(r *huifang.CallbackRow) { r.HolderName = pii.MaskName(r.HolderName) }
	}
	p, err := s.callbackPage(ctx, org.ID, f, fix)
	return org, p, err
}

// CountCompanyCallbacks counts the callbacks of an insurer the user may
// see the figures of (as ListCompanyCallbacks) for each of several filters:
// the counts beside a figure's list, each capped at huifang.CountCap so
// that none scans the whole list.
func (s *Service) CountCompanyCallbacks(ctx context.Context, u *huifang.User, orgCode string, fs []huifang.CallbackFilter) ([]huifang.Count, error) {
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return nil, err
	}
	orgID := u.OrgID
	if orgCode != "" {
		if err := require(u, huifang.PermViewStats); err != nil {
			return nil, err
		}
		org, err := s.statsOrg(ctx, u, orgCode)
		if err != nil {
			return nil, err
		}
		orgID = org.ID
	}
	out := make([]huifang.Count, len(fs))
	for i, f := range fs {
		f.Today = s.today()
		if err := s.withRisk(ctx, orgID, &f); err != nil {
			return nil, err
		}
		n, err := s.db.CountCallbacksCapped(ctx, orgID, f, huifang.CountCap)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
