package api

import (
	"io"
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
)

func (a *API) routeScripts() {
	a.route("GET /api/v1/scripts", anyone, a.listScripts)
	a.route("POST /api/v1/scripts", huifang.PermImport, a.importScript)
	a.route("POST /api/v1/scripts/{id}/{verb}", huifang.PermImport, a.moveScript)
}

func scriptJSON(r *huifang.ScriptRecord) map[string]any {
	return map[string]any{"id": r.ID, "org_id": r.OrgID, "code": r.Code, "version": r.Version, "name": r.Name, "purpose": r.Purpose,
		"design": r.Design, "channels": r.Channels, "product_code": r.ProductCode, "status": r.Status, "active_from": r.ActiveFrom,
		"created_at": r.CreatedAt, "created_by": r.CreatedBy}
}

func (a *API) listScripts(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	rs, err := a.svc.Scripts(r.Context(), u)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(rs))
	for i := range rs {
		out[i] = scriptJSON(&rs[i])
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"scripts": out})
	return nil
}

// importScript takes a script file (docs/scripts.md) as the body;
// ?product=CODE makes it that product's own script.
func (a *API) importScript(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.api.script.unreadable")
	}
	rec, err := a.svc.ImportScript(r.Context(), u, string(body), r.URL.Query().Get("product"))
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, scriptJSON(rec))
	return nil
}

// moveScript is POST /api/v1/scripts/{id}/file, /activate?from=YYYY-MM-DD or /retire.
func (a *API) moveScript(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	switch r.PathValue("verb") {
	case "file":
		err = a.svc.FileScript(r.Context(), u, id)
	case "activate":
		from, perr := huifang.ParseISODate(r.URL.Query().Get("from"))
		if perr != nil {
			return huifang.Errorf(huifang.EINVALID, "err.api.script.from_required")
		}
		err = a.svc.ActivateScript(r.Context(), u, id, from)
	case "retire":
		err = a.svc.RetireScript(r.Context(), u, id)
	default:
		return huifang.Errorf(huifang.ENOTFOUND, "err.api.no_such_verb", r.PathValue("verb"))
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
