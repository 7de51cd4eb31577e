package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/huifang/huifang"
)

// figCasesPage lists the problem cases behind a figure.
type figCasesPage struct {
	OrgName string
	Foreign bool // another company's: the cases are not opened one by one
	From    string
	To      string
	Filters []string // the figure's group, in words
	Counts  []outcomeCount
	Rows    []caseRow
	More    bool // more than the list shows
}

// problemFigure lists the problem cases behind a figure:
// GET /problems/figure?org=&due_from=&due_to=&channel=&design=&type=&branch=&seller=&outcome=.
// The counts of each outcome class above the list are the figure's
// numerator and denominator.
func (s *server) problemFigure(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	var f huifang.ProblemFilter
	var err error
	bad := func(field string) error {
		return &huifang.Error{Code: huifang.EINVALID, Key: rq.T.T("list.baddate"), Fields: []huifang.FieldError{{Field: field, Key: rq.T.T("list.baddate")}}}
	}
	if v := q.Get("due_from"); v != "" {
		if f.DueFrom, err = huifang.ParseISODate(v); err != nil {
			return bad("due_from")
		}
	}
	if v := q.Get("due_to"); v != "" {
		if f.DueTo, err = huifang.ParseISODate(v); err != nil {
			return bad("due_to")
		}
	}
	f.Channel, f.Design, f.Type = huifang.Channel(q.Get("channel")), huifang.DesignType(q.Get("design")), huifang.ProblemType(q.Get("type"))
	f.Branch, f.Seller, f.Outcome = strings.TrimSpace(q.Get("branch")), strings.TrimSpace(q.Get("seller")), q.Get("outcome")
	f.BranchOnly = q.Get("branch_only") != "" && q.Get("branch_only") != "0"
	org, cases, counts, err := s.svc.CompanyCases(r.Context(), rq.User, strings.TrimSpace(q.Get("org")), f)
	if err != nil {
		return err
	}
	p := figCasesPage{OrgName: org.Name, Foreign: org.ID != rq.User.OrgID, From: f.DueFrom.String(), To: f.DueTo.String(), More: len(cases) >= 500}
	if f.Channel != "" {
		p.Filters = append(p.Filters, rq.T.T("channel."+string(f.Channel)))
	}
	if f.Design != "" {
		p.Filters = append(p.Filters, rq.T.T("design."+string(f.Design)))
	}
	if f.Type != "" {
		p.Filters = append(p.Filters, rq.T.T("problem."+string(f.Type)))
	}
	dir, err := s.directory(r.Context(), rq.User, org.ID)
	if err != nil {
		return err
	}
	if f.Branch != "" {
		p.Filters = append(p.Filters, dir.branchName(rq.T, f.Branch))
	}
	if f.Seller != "" {
		p.Filters = append(p.Filters, f.Seller)
	}
	for _, o := range huifang.CaseOutcomes {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("outcome", o)
		p.Counts = append(p.Counts, outcomeCount{Outcome: o, N: counts[o], Href: "/problems/figure?" + v.Encode(), Active: o == f.Outcome})
	}
	for i := range cases {
		c := &cases[i]
		p.Rows = append(p.Rows, caseRow{C: c, Holder: dir.branchName(rq.T, c.HolderBranch)})
	}
	s.render(w, r, rq, http.StatusOK, "problem_figure", rq.T.T("figcases.title"), "problems", p)
	return nil
}
