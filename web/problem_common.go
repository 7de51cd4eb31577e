package web

import (
	"context"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// Board scopes: a handler sees their own cases or their branch's; everyone
// else sees all of the insurer's.
const (
	scopeMine   = "mine"
	scopeBranch = "branch"
	scopeAll    = "all"
)

func scopesFor(u *huifang.User) []string {
	if u.Role == huifang.RoleHandler {
		return []string{scopeMine, scopeBranch}
	}
	return []string{scopeAll}
}

// manages reports whether the user supervises all of the insurer's cases.
func manages(u *huifang.User) bool {
	return u.Role == huifang.RoleManager || u.Role == huifang.RoleInsurerAdmin
}

// mayOpenCase mirrors who the app lets open a case by hand.
func mayOpenCase(u *huifang.User) bool {
	return manages(u) || u.Role == huifang.RoleOperator
}

// directory names the insurer's branches and users on the pages.
type directory struct {
	branches []huifang.Branch
	branch   map[string]huifang.Branch
	users    map[int64]huifang.User
	logins   map[string]huifang.User
}

func (s *server) directory(ctx context.Context, u *huifang.User, orgID int64) (*directory, error) {
	bs, err := s.svc.Branches(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	us, err := s.svc.Staff(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	d := &directory{branches: bs, branch: map[string]huifang.Branch{}, users: map[int64]huifang.User{}, logins: map[string]huifang.User{}}
	for _, b := range bs {
		d.branch[b.Code] = b
	}
	for _, u := range us {
		d.users[u.ID], d.logins[u.Login] = u, u
	}
	return d, nil
}

// branchName shows a branch as "86010101 营业部"; "" is the callback centre.
func (d *directory) branchName(t translator, code string) string {
	if code == "" {
		return t.T("holder.centre")
	}
	if b, ok := d.branch[code]; ok && b.Name != "" {
		return code + " " + b.Name
	}
	return code
}

// userName shows a user by name, or login.
func (d *directory) userName(id int64) string {
	if id == 0 {
		return ""
	}
	if u, ok := d.users[id]; ok {
		if u.Name != "" {
			return u.Name + " (" + u.Login + ")"
		}
		return u.Login
	}
	return "#" + strconv.FormatInt(id, 10)
}

// below reports whether branch lies strictly below ancestor ("" is the top).
func (d *directory) below(branch, ancestor string) bool {
	b, ok := d.branch[branch]
	if !ok {
		return false
	}
	seen := map[string]bool{}
	for p := b.ParentCode; !seen[p]; p = d.branch[p].ParentCode {
		if p == ancestor {
			return true
		}
		if p == "" {
			return false
		}
		seen[p] = true
	}
	return false
}

// dueView is a deadline with its badge.
type dueView struct {
	On    huifang.Date
	Class string // "due-overdue", "due-soon" or ""
	Badge string
	Left  string // working days left, when neither overdue nor due soon
}

func dueOf(t translator, v *app.CaseView) dueView {
	d := dueView{On: v.Case.DueOn}
	switch {
	case v.Case.Status.Final():
	case v.Overdue:
		d.Class, d.Badge = "due-overdue", t.T("due.overdue")
		if v.Workdays < 0 {
			d.Badge = t.T("due.overdue.n", -v.Workdays)
		}
	case v.DueSoon:
		d.Class, d.Badge = "due-soon", t.T("due.soon")+" · "+t.T("due.left", v.Workdays)
		if v.Workdays == 0 {
			d.Badge = t.T("due.soon") + " · " + t.T("due.today")
		}
	case v.Workdays > 0:
		d.Left = t.T("due.left", v.Workdays)
	}
	return d
}
