package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// Callback scripts (docs/scripts.md): the insurer's versions with their
// lifecycle, and the shipped standard library. What a user sees is what
// app.Scripts gives: an insurer's staff their own versions, a regulator's
// supervisor the filed and active ones of the companies it supervises. Only
// an insurer's administrator (PermImport) imports and moves them.

// scriptStatuses are the stored statuses, in lifecycle order.
var scriptStatuses = []string{"draft", "filed", "active", "retired"}

// seesScripts mirrors who app.Scripts lets list scripts.
func seesScripts(u *huifang.User) bool {
	return u.Regulatory() || u.Can(huifang.PermViewCallbacks)
}

func scriptURL(id int64) string { return "/scripts/" + strconv.FormatInt(id, 10) }

// scriptNamer names the companies, products and users the pages show.
type scriptNamer struct {
	ctx      context.Context
	svc      *app.Service
	viewer   *huifang.User
	org      map[int64]string
	products map[int64][]huifang.Product // by insurer, read when first needed
	users    map[string]huifang.User     // the user's own organisation's
}

func (s *server) scriptNames(ctx context.Context, u *huifang.User) (*scriptNamer, error) {
	n := &scriptNamer{ctx: ctx, svc: s.svc, viewer: u, org: map[int64]string{}, products: map[int64][]huifang.Product{}, users: map[string]huifang.User{}}
	if u.Regulatory() {
		orgs, err := s.svc.VisibleOrgs(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			n.org[o.ID] = o.Name
		}
		return n, nil
	}
	us, err := s.svc.Staff(ctx, u, u.OrgID)
	if err != nil {
		return nil, err
	}
	for _, x := range us {
		n.users[x.Login] = x
	}
	return n, nil
}

// productsOf lists an insurer's products.
func (n *scriptNamer) productsOf(orgID int64) ([]huifang.Product, error) {
	if ps, ok := n.products[orgID]; ok {
		return ps, nil
	}
	ps, err := n.svc.Products(n.ctx, n.viewer, orgID)
	if err != nil {
		return nil, err
	}
	n.products[orgID] = ps
	return ps, nil
}

// product shows a script's product code with the product's name.
func (n *scriptNamer) product(r *huifang.ScriptRecord) (string, error) {
	if r.ProductCode == "" {
		return "", nil
	}
	ps, err := n.productsOf(r.OrgID)
	if err != nil {
		return "", err
	}
	for _, p := range ps {
		if p.Code == r.ProductCode && p.Name != "" {
			return p.Code + " " + p.Name, nil
		}
	}
	return r.ProductCode, nil
}

// user shows a login with the user's name, when known.
func (n *scriptNamer) user(login string) string {
	if x, ok := n.users[login]; ok && x.Name != "" {
		return x.Name + " (" + login + ")"
	}
	return login
}

// fieldReasons lists an application error's per-field reasons, in order.
func fieldReasons(rq *request, err error) []string {
	var ae *huifang.Error
	if !errors.As(err, &ae) {
		return nil
	}
	var out []string
	for _, fe := range ae.Fields {
		out = append(out, fe.Text(rq.uiLang()))
	}
	return out
}

// scriptDone sends the browser to a script's page with a notice of what was
// done, once (see redirectDone).
func (s *server) scriptDone(w http.ResponseWriter, r *http.Request, id int64, done string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: done, Path: scriptURL(id), MaxAge: 120, HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, scriptURL(id), http.StatusSeeOther)
}

// findScript returns the version with the id among those the user may see;
// any other is not found, whoever has it.
func (s *server) findScript(ctx context.Context, u *huifang.User, id int64) (*huifang.ScriptRecord, error) {
	if !seesScripts(u) {
		return nil, huifang.Errorf(huifang.EFORBIDDEN, "err.script.view_forbidden", u.Role)
	}
	recs, err := s.svc.Scripts(ctx, u)
	if err != nil {
		return nil, err
	}
	for i := range recs {
		if recs[i].ID == id {
			return &recs[i], nil
		}
	}
	return nil, huifang.Errorf(huifang.ENOTFOUND, "err.script.not_found", id)
}
