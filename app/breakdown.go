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
// dimension comes from the kept counts ("seller" from its own, narrowed
// to the filter's branches, channel and design type in the database);
// only the callbacks of a running period's current month due so far are
// read from their rows, as StatsTable does.
func (s *Service) StatsBreakdown(ctx context.Context, u *huifang.User, orgCode, period, dim string, f BreakdownFilter) (*huifang.Org, []indicator.Row, error) {
	return s.statsBreakdown(ctx, u, orgCode, period, dim, f, false)
}

// StatsBreakdownRecount is StatsBreakdown computed from every callback and
// problem case of the period instead: slow, and what the kept counts must
// always equal (the tests compare them).
func (s *Service) StatsBreakdownRecount(ctx context.Context, u *huifang.User, orgCode, period, dim string, f BreakdownFilter) (*huifang.Org, []indicator.Row, error) {
	return s.statsBreakdown(ctx, u, orgCode, period, dim, f, true)
}

func (s *Service) statsBreakdown(ctx context.Context, u *huifang.User, orgCode, period, dim string, f BreakdownFilter, recount bool) (*huifang.Org, []indicator.Row, error) {
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
	b := indicator.NewBreakdown(p, s.today(), g)
	b.Keep = func(branch string, ch huifang.Channel, d huifang.DesignType) bool {
		return (f.Branch == "" || tree.under(branch, f.Branch)) && (f.Channel == "" || string(ch) == f.Channel) && (f.Design == "" || string(d) == f.Design)
	}
	switch {
	case dim == "seller" && recount:
		err = s.db.ForEachFactIn(ctx, org.ID, p.First(), p.Last(), tree.subtree(f.Branch),
			func(x indicator.CallbackFact) error { b.AddCallback(x); return nil },
			func(x indicator.CaseFact) error { b.AddCase(x); return nil })
	case dim == "seller":
		b.Keep = nil // the kept seller counts and the running month's rows come narrowed already
		err = s.tallySellers(ctx, org.ID, p, tree.subtree(f.Branch), f, b)
	case recount:
		err = s.recount(ctx, org.ID, p, b)
	default:
		err = s.tally(ctx, org.ID, p, b)
	}
	if err != nil {
		return nil, nil, err
	}
	rows := b.Table().Extra[0]
	switch dim {
	case "branch":
		for i := range rows {
			rows[i].Label = names[rows[i].Key]
		}
	case "seller":
		// Every seller's name in one query, and every agent's misconduct
		// records in another.
		codes := make([]string, 0, len(rows))
		for _, r := range rows {
			if r.Key != "" {
				codes = append(codes, r.Key)
			}
		}
		labels, err := s.db.RefNames(ctx, org.ID, "seller", codes)
		if err != nil {
			return nil, nil, err
		}
		for i := range rows {
			rows[i].Label = labels[rows[i].Key]
		}
		if err := s.misconductBySeller(ctx, org.ID, rows); err != nil {
			return nil, nil, err
		}
	}
	return org, rows, nil
}

// tallySellers feeds an insurer's kept counts by seller for the period,
// of the branches in scope and the filter's channel and design type, into
// the builder; a period still running adds the callbacks of its running
// month due by today from their rows (as tally does), narrowed the same
// way in the database.
func (s *Service) tallySellers(ctx context.Context, orgID int64, p indicator.Period, scope []string, f BreakdownFilter, b *indicator.Builder) error {
	if len(scope) == 0 {
		return nil // no branch, nothing booked on one
	}
	c, err := s.db.ReadSellerStats(ctx, orgID, p, s.today(), scope, f.Channel, f.Design)
	if err != nil {
		return err
	}
	b.AddCounts(c)
	from, to, ok := b.PartialMonth()
	if !ok {
		return nil
	}
	return s.db.ForEachCallbackFactIn(ctx, orgID, from, to, scope, f.Channel, f.Design, func(x indicator.CallbackFact) error {
		b.AddCallbackSoFar(x)
		return nil
	})
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
		Branch:   true,
	}
}
