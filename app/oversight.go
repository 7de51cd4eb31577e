package app

import (
	"context"
	"sort"
	"strings"

	"github.com/huifang/huifang"
)

// Supervisor assignments (DOMAIN.md §8, docs/regulator.md): each supervisor
// follows the companies the regulator's administrator assigns them, and
// everything a supervisor sees across companies (dashboards, lists,
// statistics, submissions, scripts, samples, packages) is limited to those;
// Overseen is the one door. The regulator's administrator sees every
// company of the regulator.

// SupervisorView is a supervisor with the companies they follow.
type SupervisorView struct {
	User      huifang.User
	Companies []huifang.Org
}

// companiesOf resolves insurer codes of a regulator, refusing an unknown
// code or another regulator's company; the result is sorted by code, each
// once. An empty list is allowed (the supervisor follows none).
func (s *Service) companiesOf(ctx context.Context, regulatorID int64, codes []string) ([]huifang.Org, error) {
	orgs, err := s.db.ListOrgs(ctx, regulatorID)
	if err != nil {
		return nil, err
	}
	byCode := map[string]huifang.Org{}
	for _, o := range orgs {
		if o.Kind == huifang.KindInsurer && o.RegulatorID == regulatorID {
			byCode[o.Code] = o
		}
	}
	seen := map[string]bool{}
	var out []huifang.Org
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		o, ok := byCode[c]
		if !ok {
			return nil, huifang.Errorf(huifang.EINVALID, "err.oversight.unknown_company", c)
		}
		seen[c] = true
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

// SplitCodes splits a comma-separated list of organisation codes (the
// --companies flag, a form field); blanks are dropped.
func SplitCodes(list string) []string {
	var out []string
	for _, c := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == ';' }) {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// AssignCompanies sets the companies a supervisor of the regulator
// regCode ("" for the caller's own) follows, replacing the ones before;
// audited. The regulator's administrator (or the command line) only.
func (s *Service) AssignCompanies(ctx context.Context, by *huifang.User, regCode, login string, codes []string) ([]huifang.Org, error) {
	if err := require(by, huifang.PermAssign); err != nil {
		return nil, err
	}
	org, sup, err := s.userOf(ctx, by, regCode, login)
	if err != nil {
		return nil, err
	}
	if org.Kind != huifang.KindRegulator || sup.Role != huifang.RoleSupervisor {
		return nil, huifang.Errorf(huifang.EINVALID, "err.oversight.not_supervisor", login)
	}
	cos, err := s.companiesOf(ctx, org.ID, codes)
	if err != nil {
		return nil, err
	}
	if err := s.setCompanies(ctx, by, sup, cos); err != nil {
		return nil, err
	}
	return cos, nil
}

func (s *Service) setCompanies(ctx context.Context, by, sup *huifang.User, cos []huifang.Org) error {
	ids, names := make([]int64, len(cos)), make([]string, len(cos))
	for i, o := range cos {
		ids[i], names[i] = o.ID, o.Code
	}
	return s.db.SetSupervisorCompanies(ctx, sup, ids, names, actor(by), s.now())
}

// Supervisors lists the supervisors of the regulator regCode ("" for the
// caller's own) with the companies each follows, and every company of the
// regulator, for the assignment page.
func (s *Service) Supervisors(ctx context.Context, by *huifang.User, regCode string) ([]SupervisorView, []huifang.Org, error) {
	if err := require(by, huifang.PermAssign); err != nil {
		return nil, nil, err
	}
	org, err := s.manageable(ctx, by, regCode)
	if err != nil {
		return nil, nil, err
	}
	if org.Kind != huifang.KindRegulator {
		return nil, nil, huifang.Errorf(huifang.EINVALID, "err.org.not_regulator", org.Code)
	}
	orgs, err := s.db.ListOrgs(ctx, org.ID)
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]huifang.Org{}
	var all []huifang.Org
	for _, o := range orgs {
		if o.Kind == huifang.KindInsurer {
			byID[o.ID] = o
			all = append(all, o)
		}
	}
	as, err := s.db.Assignments(ctx, org.ID)
	if err != nil {
		return nil, nil, err
	}
	users, err := s.db.ListUsers(ctx, org.ID)
	if err != nil {
		return nil, nil, err
	}
	var out []SupervisorView
	for _, u := range users {
		if u.Role != huifang.RoleSupervisor {
			continue
		}
		v := SupervisorView{User: u}
		for _, id := range as[u.ID] {
			v.Companies = append(v.Companies, byID[id])
		}
		out = append(out, v)
	}
	return out, all, nil
}
