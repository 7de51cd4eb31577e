package app

import (
	"context"
	"slices"

	"github.com/huifang/huifang"
)

// CompanyCases lists the problem cases behind a figure of a company the
// user may see the statistics of (its own insurer, or one its regulator
// supervises), with how many there are of each outcome class under the same
// filter: the figure's numerator and denominator. At most 500 are listed.
func (s *Service) CompanyCases(ctx context.Context, u *huifang.User, orgCode string, f huifang.ProblemFilter) (*huifang.Org, []huifang.ProblemCase, map[string]int, error) {
	if err := require(u, huifang.PermViewStats); err != nil {
		return nil, nil, nil, err
	}
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return nil, nil, nil, err
	}
	org, err := s.statsOrg(ctx, u, orgCode)
	if err != nil {
		return nil, nil, nil, err
	}
	if org.Kind != huifang.KindInsurer {
		return nil, nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_insurer_q", org.Code)
	}
	switch {
	case f.Outcome != "" && !slices.Contains(huifang.CaseOutcomes, f.Outcome):
		return nil, nil, nil, huifang.Errorf(huifang.EINVALID, "err.figure.unknown_outcome", f.Outcome)
	case f.Channel != "" && f.Channel.ZH() == "":
		return nil, nil, nil, huifang.Errorf(huifang.EINVALID, "err.filter.unknown_channel_q", f.Channel)
	case f.Design != "" && f.Design.ZH() == "":
		return nil, nil, nil, huifang.Errorf(huifang.EINVALID, "err.filter.unknown_design_q", f.Design)
	case f.Type != "" && f.Type.ZH() == "":
		return nil, nil, nil, huifang.Errorf(huifang.EINVALID, "err.problem.unknown_type", f.Type)
	}
	counts := map[string]int{}
	for _, o := range huifang.CaseOutcomes {
		g := f
		g.Outcome = o
		if counts[o], err = s.db.CountProblemCases(ctx, org.ID, g); err != nil {
			return nil, nil, nil, err
		}
	}
	f.Limit = 500
	cs, err := s.db.ListProblemCases(ctx, org.ID, f)
	return org, cs, counts, err
}
