package api

import (
	"fmt"
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// stats serves a company's statistics table: GET /api/v1/stats?org=CODE&period=2026-Q1[&format=json|csv|xlsx].
func (a *API) stats(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "json"
	}
	types := map[string]string{"json": "application/json; charset=utf-8", "csv": "text/csv; charset=utf-8",
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
	if types[format] == "" {
		return huifang.Errorf(huifang.EINVALID, "err.api.unknown_format", format)
	}
	org, t, err := a.svc.StatsTable(r.Context(), u, q.Get("org"), q.Get("period"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", types[format])
	if format != "json" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="stats-%s-%s.%s"`, org.Code, t.Period, format))
	}
	if err := app.RenderStats(w, org, t, format); err != nil {
		a.log.Error("stats failed mid-stream", "err", err)
	}
	return nil
}
