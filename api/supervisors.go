package api

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
)

// Supervisor assignments (docs/regulator.md): the regulator's
// administrator lists its supervisors and sets the companies each follows.
func (a *API) routeSupervisors() {
	a.route("GET /api/v1/supervisors", huifang.PermAssign, a.listSupervisors)
	a.route("PUT /api/v1/supervisors/{login}/companies", huifang.PermAssign, a.assignCompanies)
	a.route("GET /api/v1/companies", huifang.PermSupervise, a.overseenCompanies)
}

func orgCodes(os []huifang.Org) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Code
	}
	return out
}

// listSupervisors is GET /api/v1/supervisors: each supervisor of the
// caller's regulator with the companies they follow.
func (a *API) listSupervisors(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	sups, cos, err := a.svc.Supervisors(r.Context(), u, "")
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(sups))
	for i, v := range sups {
		out[i] = map[string]any{"login": v.User.Login, "name": v.User.Name, "disabled": v.User.Disabled, "companies": orgCodes(v.Companies)}
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"supervisors": out, "companies": orgCodes(cos)})
	return nil
}

// assignCompanies is PUT /api/v1/supervisors/{login}/companies
// {"companies": ["A", "B"]}: the set replaces the one before.
func (a *API) assignCompanies(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var in struct {
		Companies []string `json:"companies"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	cos, err := a.svc.AssignCompanies(r.Context(), u, "", r.PathValue("login"), in.Companies)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"login": r.PathValue("login"), "companies": orgCodes(cos)})
	return nil
}

// overseenCompanies is GET /api/v1/companies: the companies the caller
// (a supervisor or the regulator's administrator) follows.
func (a *API) overseenCompanies(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	cos, err := a.svc.Overseen(r.Context(), u)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(cos))
	for i, o := range cos {
		out[i] = map[string]any{"code": o.Code, "name": o.Name}
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"companies": out})
	return nil
}
