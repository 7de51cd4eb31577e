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
		return nil, nil, nil, huifang.Errorf(huifang.ENOTFOUND, "机构 %q 不是保险公司", org.Code)
	}
	switch {
	case f.Outcome != "" && !slices.Contains(huifang.CaseOutcomes, f.Outcome):
		return nil, nil, nil, huifang.Errorf(huifang.EINVALID, "未知的问题件统计口径 %q", f.Outcome)
	case f.Channel != "" && f.Channel.ZH() == "":
		return nil, nil, nil, huifang.Errorf(huifang.EINVALID, "未知的销售渠道 %q", f.Channel)
	case f.Design != "" && f.Design.ZH() == "":
		return nil, nil, nil, huifang.Errorf(huifang.EINVALID, "未知的产品设计类型 %q", f.Design)
	case f.Type != "" && f.Type.ZH() == "":
		return nil, nil, nil, huifang.Errorf(huifang.EINVALID, "未知的问题件类型 %q", f.Type)
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
