package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// caseRow is a line of the board.
type caseRow struct {
	C         *huifang.ProblemCase
	Due       dueView
	Holder    string
	Handler   string
	PendingTo string // a pending transfer's receiver
}

// boardForm is the board's filter as typed.
type boardForm struct {
	Scope, Type, Status, Channel string
	DueSoon, Overdue             bool
	// After is the cursor the page shown starts after ("" on the first
	// page): the board pages by key, as the callback list does.
	After string
}

// values is the board's filter for a scope, for links.
func (f boardForm) values(scope string) url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"scope": scope, "type": f.Type, "status": f.Status, "channel": f.Channel} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.DueSoon {
		q.Set("due_soon", "1")
	}
	if f.Overdue {
		q.Set("overdue", "1")
	}
	return q
}

// query is the board's first page for a scope, the filter kept.
func (f boardForm) query(scope string) string { return listURL("/problems", f.values(scope), "") }

// pageQuery is the board's page shown: its scope, filter and cursor.
func (f boardForm) pageQuery() string { return listURL("/problems", f.values(f.Scope), f.After) }

// scopeTab is a tab of the board.
type scopeTab struct {
	Key, Href string
	Active    bool
}

// openForm is the form that opens a case by hand.
type openForm struct {
	PolicyNo, Type, Reason string
	Error                  string
	Errors                 map[string]string
}

type boardPage struct {
	Form     boardForm
	Tabs     []scopeTab
	Rows     []caseRow
	Types    []huifang.ProblemType
	Statuses []huifang.ProblemStatus
	Channels []huifang.Channel
	CanOpen  bool
	Open     openForm
	// FirstURL opens the board's first page (shown past it); NextURL the
	// page after this one, by cursor.
	FirstURL string
	NextURL  string
	Bulk     *bulkForm // the bulk assign/transfer form, for who may work cases
}

func checked(q url.Values, k string) bool { return q.Get(k) != "" && q.Get(k) != "0" }

// parseBoard reads the board's filter; unknown values are ignored.
func parseBoard(u *huifang.User, q url.Values) (app.BoardFilter, boardForm) {
	scopes := scopesFor(u)
	f := boardForm{Scope: scopes[0], DueSoon: checked(q, "due_soon"), Overdue: checked(q, "overdue")}
	for _, sc := range scopes {
		if q.Get("scope") == sc {
			f.Scope = sc
		}
	}
	// Pages go on by cursor (after=); an old page=N link opens the first page.
	f.After = afterParam(q)
	bf := app.BoardFilter{Scope: f.Scope, DueSoon: f.DueSoon, Overdue: f.Overdue, Limit: app.BoardPageSize, After: f.After}
	for _, t := range huifang.ProblemTypes {
		if q.Get("type") == string(t) {
			bf.Type, f.Type = t, string(t)
		}
	}
	for _, st := range huifang.ProblemStatuses {
		if q.Get("status") == string(st) {
			bf.Status, f.Status = st, string(st)
		}
	}
	for _, c := range huifang.Channels {
		if q.Get("channel") == string(c) {
			bf.Channel, f.Channel = c, string(c)
		}
	}
	return bf, f
}

func (s *server) problemBoard(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderBoard(w, r, rq, http.StatusOK, r.URL.Query(), openForm{}, nil)
}

// renderBoard renders the board with the filter q, the open-case form and
// the bulk form (with what a bulk step did, if one ran).
func (s *server) renderBoard(w http.ResponseWriter, r *http.Request, rq *request, status int, q url.Values, open openForm, bulk *bulkForm) error {
	u := rq.User
	bf, f := parseBoard(u, q)
	views, next, err := s.svc.BoardPage(r.Context(), u, bf)
	if err != nil {
		return err
	}
	dir, err := s.directory(r.Context(), u, u.OrgID)
	if err != nil {
		return err
	}
	p := boardPage{Form: f, Types: huifang.ProblemTypes, Statuses: huifang.ProblemStatuses, Channels: huifang.Channels,
		CanOpen: mayOpenCase(u), Open: open}
	p.FirstURL, p.NextURL = cursorLinks("/problems", f.values(f.Scope), f.After, next)
	if scopes := scopesFor(u); len(scopes) > 1 {
		for _, sc := range scopes {
			p.Tabs = append(p.Tabs, scopeTab{Key: sc, Href: f.query(sc), Active: sc == f.Scope})
		}
	}
	for i := range views {
		v := &views[i]
		c := v.Case
		row := caseRow{C: c, Due: dueOf(rq.T, v), Holder: dir.branchName(rq.T, c.HolderBranch), Handler: dir.userName(c.HandlerID)}
		if t := c.Pending; t != nil {
			row.PendingTo = dir.branchName(rq.T, t.ToBranch)
			if t.ToUserID != 0 {
				row.PendingTo += " / " + dir.userName(t.ToUserID)
			}
		}
		p.Rows = append(p.Rows, row)
	}
	if u.Can(huifang.PermWorkCases) {
		if bulk == nil {
			bulk = &bulkForm{}
		}
		bulk.choices(u, dir)
		bulk.Back = f.pageQuery()
		p.Bulk = bulk
	}
	s.render(w, r, rq, status, "problems", rq.T.T("problems.title"), "problems", p)
	return nil
}

// problemOpen opens a case by hand.
func (s *server) problemOpen(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	f := openForm{PolicyNo: strings.TrimSpace(r.PostFormValue("policy_no")), Type: r.PostFormValue("type"),
		Reason: strings.TrimSpace(r.PostFormValue("reason")), Errors: map[string]string{}}
	if f.PolicyNo == "" {
		f.Errors["policy_no"] = rq.T.T("open.required.policy")
	}
	if huifang.ProblemType(f.Type).ZH() == "" {
		f.Errors["type"] = rq.T.T("open.pick.type")
	}
	if f.Reason == "" {
		f.Errors["reason"] = rq.T.T("case.reason.required")
	}
	status := http.StatusBadRequest
	if len(f.Errors) == 0 {
		c, err := s.svc.OpenCase(r.Context(), rq.User, f.PolicyNo, huifang.ProblemType(f.Type), f.Reason)
		if err == nil {
			s.redirectDone(w, r, c.ID, "opened")
			return nil
		}
		if huifang.ErrorCode(err) == huifang.EFORBIDDEN {
			return err
		}
		if f.Error, status, err = formError(rq, err); err != nil {
			return err
		}
	}
	return s.renderBoard(w, r, rq, status, url.Values{}, f, nil)
}
