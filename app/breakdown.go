package app

import (
	"context"
	"slices"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
)

// BreakdownFilter narrows a breakdown before it is split: a branch (with
// the branches under it), a channel, a product design type; "" means all.
type BreakdownFilter struct {
	Branch  string
	Channel string
	Design  string
}

// Breakdown dimensions.
var breakdownDims = map[string]indicator.Group{
	"channel": indicator.ByChannel,
	"design":  indicator.ByDesign,
	"method":  indicator.ByMethod,
	"age":     indicator.ByAge,
	"month":   indicator.ByMonth,
	"type":    indicator.ByType,
	"seller":  indicator.BySeller,
}

// StatsBreakdown gives an insurer's figures for a period split by one
// dimension: "branch" (the branches one level under the filter's branch, or
// under the head office, each with the branches beneath it; a row keyed by
// the filter's branch itself holds policies booked on it directly),
// "channel", "design", "method", "age" ("60+" and "under60"), "month",
// "type" (problem cases) or "seller" (the agent, or the bank outlet for
// bancassurance). Rows carry a Label where there is a name to show. Every
// dimension but "seller" comes from the stored counts; sellers are counted
// from the rows of the filter's branches.
func (s *Service) StatsBreakdown(ctx context.Context, u *huifang.User, orgCode, period, dim string, f BreakdownFilter) (*huifang.Org, []indicator.Row, error) {
	if err := require(u, huifang.PermViewStats); err != nil {
		return nil, nil, err
	}
	p, err := indicator.ParsePeriod(period)
	if err != nil {
		return nil, nil, err
	}
	org, err := s.statsOrg(ctx, u, orgCode)
	if err != nil {
		return nil, nil, err
	}
	if org.Kind != huifang.KindInsurer {
		return nil, nil, huifang.Errorf(huifang.EINVALID, "err.breakdown.insurer_required")
	}
	branches, err := s.db.ListBranches(ctx, org.ID)
	if err != nil {
		return nil, nil, err
	}
	tree, names := branchTree{}, map[string]string{}
	for _, br := range branches {
		tree[br.Code], names[br.Code] = br.ParentCode, br.Name
	}
	if f.Branch != "" && !tree.Exists(f.Branch) {
		return nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.breakdown.no_branch", org.Code, f.Branch)
	}
	g, ok := breakdownDims[dim]
	if dim == "branch" {
		g, ok = tree.children(f.Branch), true
	}
	if !ok {
		return nil, nil, huifang.Errorf(huifang.EINVALID, "err.breakdown.unknown_dim", dim)
	}
	b := indicator.NewBuilder(p, s.today(), g)
	b.Keep = func(branch string, ch huifang.Channel, d huifang.DesignType) bool {
		return (f.Branch == "" || tree.under(branch, f.Branch)) && (f.Channel == "" || string(ch) == f.Channel) && (f.Design == "" || string(d) == f.Design)
	}
	if dim == "seller" {
		scope := tree.subtree(f.Branch)
		err = s.db.ForEachFactIn(ctx, org.ID, p.First(), p.Last(), scope,
			func(x indicator.CallbackFact) error { b.AddCallback(x); return nil },
			func(x indicator.CaseFact) error { b.AddCase(x); return nil })
	} else {
		err = s.tally(ctx, org.ID, p, b)
	}
	if err != nil {
		return nil, nil, err
	}
	rows := b.Table().Extra[0]
	for i := range rows {
		r := &rows[i]
		switch dim {
		case "branch":
			r.Label = names[r.Key]
		case "seller":
			if r.Label, err = s.db.RefName(ctx, org.ID, "agent", r.Key); err == nil && r.Label == "" {
				r.Label, err = s.db.RefName(ctx, org.ID, "outlet", r.Key)
			}
			if err != nil {
				return nil, nil, err
			}
		}
	}
	if dim == "seller" {
		if err := s.misconductBySeller(ctx, org.ID, rows); err != nil {
			return nil, nil, err
		}
	}
	return org, rows, nil
}

// under reports whether code is top or beneath it.
func (t branchTree) under(code, top string) bool { return code == top || t.Below(code, top) }

// subtree lists top and every branch beneath it, by code; all for "".
func (t branchTree) subtree(top string) []string {
	var out []string
	for c := range t {
		if top == "" || t.under(c, top) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// children groups branches by the child of parent they are under (parent
// "": the children of the head office, or the head offices when there are
// several); a branch outside the tree is its own row.
func (t branchTree) children(parent string) indicator.Group {
	kids := func(p string) []string {
		var out []string
		for c, pc := range t {
			if pc == p {
				out = append(out, c)
			}
		}
		slices.Sort(out)
		return out
	}
	if roots := kids(""); parent == "" && len(roots) == 1 {
		parent = roots[0]
	}
	level := func(code string) string {
		for seen := 0; seen < 64 && t.Exists(code) && code != parent && t[code] != parent; seen++ {
			code = t[code]
		}
		return code
	}
	return indicator.Group{
		Callback: func(k indicator.CallbackKey) (string, bool) { return level(k.Branch), true },
		Case:     func(k indicator.CaseKey) (string, bool) { return level(k.Branch), true },
		Order:    append([]string{parent}, kids(parent)...),
	}
}
