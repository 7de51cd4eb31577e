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

// ListCompanyCallbacks lists the callbacks of an insurer whose figures the
// user may see, with the total: the list behind a dashboard's figure. An
// insurer's staff get their own company; a regulator's supervisor any
// company it supervises; any other code is not found.
func (s *Service) ListCompanyCallbacks(ctx context.Context, u *huifang.User, orgCode string, f huifang.CallbackFilter) (*huifang.Org, []huifang.CallbackRow, int, error) {
	if err := require(u, huifang.PermViewStats); err != nil {
		return nil, nil, 0, err
	}
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return nil, nil, 0, err
	}
	org, err := s.statsOrg(ctx, u, orgCode)
	if err != nil {
		return nil, nil, 0, err
	}
	if org.Kind != huifang.KindInsurer {
		return nil, nil, 0, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_insurer_q", orgCode)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	f.Today = s.today()
	if err := s.withRisk(ctx, org.ID, &f); err != nil {
		return nil, nil, 0, err
	}
	total, err := s.db.CountCallbacks(ctx, org.ID, f)
	if err != nil {
		return nil, nil, 0, err
	}
	var rows []huifang.CallbackRow
	foreign := org.ID != u.OrgID
	err = s.db.ForEachCallback(ctx, org.ID, f, func(r *huifang.CallbackRow) error {
		if foreign {
			// A regulator's staff see another company's policyholders
			// masked, as exports show them (DOMAIN.md §10).
			r.HolderName = pii.MaskName(r.HolderName)
		}
		rows = append(rows, *r)
		return nil
	})
	return org, rows, total, err
}

// CountCompanyCallbacks counts the callbacks of an insurer the user may
// see the figures of (as ListCompanyCallbacks) for each of several filters:
// the counts beside a figure's list.
func (s *Service) CountCompanyCallbacks(ctx context.Context, u *huifang.User, orgCode string, fs []huifang.CallbackFilter) ([]int, error) {
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
	out := make([]int, len(fs))
	for i, f := range fs {
		f.Today = s.today()
		if err := s.withRisk(ctx, orgID, &f); err != nil {
			return nil, err
		}
		n, err := s.db.CountCallbacks(ctx, orgID, f)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
