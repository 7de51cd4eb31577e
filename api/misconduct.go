package api

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/misconduct"
)

// Agents' misconduct records (docs/misconduct.md).
func (a *API) routeMisconduct() {
	a.route("GET /api/v1/misconduct", anyone, a.listMisconduct) // compliance, or who sees the risks: the service decides
	a.route("GET /api/v1/misconduct/search", huifang.PermSupervise, a.searchMisconduct)
	a.route("GET /api/v1/misconduct/{id}", anyone, a.getMisconduct)
	a.route("POST /api/v1/misconduct/{id}/{verb}", huifang.PermMisconduct, a.decideMisconduct)
}

func misconductJSON(r *huifang.MisconductRecord) map[string]any {
	out := map[string]any{"id": r.ID, "agent_code": r.AgentCode, "agent_name": r.AgentName, "reg_no": r.RegNo, "policy_no": r.PolicyNo,
		"case_id": r.CaseID, "case_type": r.CaseType, "category": r.Category, "status": r.Status, "reason": r.Reason, "facts": r.Facts,
		"proposed_at": r.ProposedAt, "decided_at": timeOrNil(r.DecidedAt, r.DecidedAt), "decided_by": r.DecidedBy, "keep_until": r.KeepUntil}
	if r.OrgCode != "" {
		out["org"], out["org_name"] = r.OrgCode, r.OrgName
	}
	return out
}

func misconductList(rs []huifang.MisconductRecord) []map[string]any {
	out := make([]map[string]any, len(rs))
	for i := range rs {
		out[i] = misconductJSON(&rs[i])
	}
	return out
}

// listMisconduct is GET /api/v1/misconduct?status=S&reg_no=NO&agent=CODE:
// the records of the caller's insurer, the latest first.
func (a *API) listMisconduct(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	q := r.URL.Query()
	recs, err := a.svc.MisconductRecords(r.Context(), u, huifang.MisconductFilter{Status: huifang.MisconductStatus(q.Get("status")),
		RegNo: q.Get("reg_no"), AgentCode: q.Get("agent")})
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"records": misconductList(recs)})
	return nil
}

// getMisconduct is GET /api/v1/misconduct/{id}.
func (a *API) getMisconduct(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := app.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	rec, err := a.svc.MisconductRecord(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, misconductJSON(rec))
	return nil
}

// decideMisconduct is POST /api/v1/misconduct/{id}/confirm {"category",
// "reason"} and POST /api/v1/misconduct/{id}/reject {"reason"}.
func (a *API) decideMisconduct(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	verb := r.PathValue("verb")
	if verb != "confirm" && verb != "reject" {
		return huifang.Errorf(huifang.ENOTFOUND, "err.api.no_such_endpoint", r.Method+" "+r.URL.Path)
	}
	id, err := app.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	var in struct {
		Category string `json:"category"`
		Reason   string `json:"reason"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	rec, err := a.svc.DecideMisconduct(r.Context(), u, id, misconduct.Decision{Confirm: verb == "confirm", Category: in.Category, Reason: in.Reason})
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, misconductJSON(rec))
	return nil
}

// searchMisconduct is GET /api/v1/misconduct/search?name=N&reg_no=NO: a
// supervisor's search of confirmed records across its companies.
func (a *API) searchMisconduct(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	q := r.URL.Query()
	recs, err := a.svc.SearchMisconduct(r.Context(), u, q.Get("name"), q.Get("reg_no"))
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"records": misconductList(recs)})
	return nil
}
