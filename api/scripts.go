package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/script"
)

func (a *API) routeScripts() {
	a.route("GET /api/v1/scripts", anyone, a.listScripts)
	a.route("POST /api/v1/scripts", huifang.PermImport, a.importScript)
	a.route("POST /api/v1/scripts/{id}/{verb}", huifang.PermImport, a.moveScript)
	a.route("PUT /api/v1/scripts/{id}", huifang.PermImport, a.saveScriptDraft)
	a.route("POST /api/v1/scripts/check", huifang.PermImport, a.checkScript)
	a.route("GET /api/v1/scripts/{id}/diff", huifang.PermImport, a.scriptDiff)
}

// readScript parses a script file (docs/scripts.md) sent as the body.
func readScript(w http.ResponseWriter, r *http.Request) (*script.Script, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return nil, huifang.Errorf(huifang.EINVALID, "err.api.script.unreadable")
	}
	return script.Parse(bytes.NewReader(body))
}

// saveScriptDraft is PUT /api/v1/scripts/{id} with the edited script file as
// the body: the draft is replaced and stays a draft (the code cannot change;
// a script with problems is refused with them all, in "fields").
func (a *API) saveScriptDraft(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sc, err := readScript(w, r)
	if err != nil {
		return err
	}
	rec, err := a.svc.SaveScriptDraft(r.Context(), u, id, sc)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, scriptJSON(rec))
	return nil
}

// checkScript is POST /api/v1/scripts/check with a script file as the body:
// the checks of `huifang script check`, nothing stored. "ok" says whether it
// could be activated; "problems" lists what is wrong with it ({field,
// message}), "missing" the mandatory items no question covers.
func (a *API) checkScript(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	sc, err := readScript(w, r)
	if err != nil {
		return err
	}
	c, err := a.svc.CheckScript(r.Context(), u, sc)
	if err != nil {
		return err
	}
	lang := httpx.Lang(r)
	problems := []map[string]string{}
	var ae *huifang.Error
	if errors.As(c.Invalid, &ae) {
		for _, f := range ae.Fields {
			problems = append(problems, map[string]string{"field": f.Field, "message": f.Text(lang)})
		}
	}
	missing := []map[string]string{}
	for _, it := range c.Missing {
		missing = append(missing, map[string]string{"item": string(it), "name": i18n.T(lang, it.Key())})
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"ok": c.OK(), "problems": problems, "missing": missing})
	return nil
}

// scriptDiff is GET /api/v1/scripts/{id}/diff: what the version changes from
// the one before it ("base"; "" for a first version), field by field.
func (a *API) scriptDiff(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ch, err := a.svc.ScriptDiff(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"base": ch.Base, "base_library": ch.BaseLibrary, "changed": ch.Diff.Changed(), "fields": ch.Diff.Fields, "steps": ch.Diff.Steps})
	return nil
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
