package api

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/importer"
)

// importBatch takes a JSON batch from a core insurance system:
//
//	POST /api/v1/import/policies?org=CODE
//	{"source": "core-2026-03-02", "rows": [{"保单号": "...", "产品代码": "...", ...}, ...]}
//
// Keys are the file headers of docs/import.md, Chinese or English aliases.
// A bad batch writes nothing and the reply lists every bad row.
func (a *API) importBatch(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	kind, ok := importer.ParseKind(r.PathValue("kind"))
	if !ok {
		return huifang.Errorf(huifang.EINVALID, "err.api.import.unknown_kind", r.PathValue("kind"))
	}
	var body struct {
		Source string              `json:"source"`
		Rows   []map[string]string `json:"rows"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &body); err != nil {
		return err
	}
	org := r.URL.Query().Get("org")
	if org == "" {
		o, err := a.svc.OwnOrg(r.Context(), u)
		if err != nil {
			return err
		}
		org = o.Code
	}
	if body.Source == "" {
		body.Source = "api"
	}
	res, err := a.svc.ImportRecords(r.Context(), u, org, kind, body.Source, body.Rows)
	if err != nil {
		if res != nil && res.Report != nil {
			l := httpx.Lang(r)
			b := httpx.BodyIn(l, err)
			httpx.JSON(w, http.StatusUnprocessableEntity, map[string]any{"error": b.Error, "code": b.Code, "key": b.Key, "report": res.Report.In(l)})
			return nil
		}
		return err
	}
	httpx.JSON(w, http.StatusOK, res)
	return nil
}
