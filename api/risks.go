package api

import (
	"net/http"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
)

// Policies flagged with a sign of a false phone number, and the operator's
// confirmation (docs/false-phones.md).
func (a *API) routeRisks() {
	a.route("GET /api/v1/risks", huifang.PermViewRisks, a.listRisks)
	a.route("POST /api/v1/callbacks/{id}/false-phone", huifang.PermWorkCallbacks, a.confirmFalsePhone)
}

// listRisks is GET /api/v1/risks?sign=S&open=1&limit=N&offset=N: the
// insurer's flagged policies by policy number, with the total.
func (a *API) listRisks(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	q := r.URL.Query()
	in := app.RiskQuery{Sign: huifang.RiskSign(q.Get("sign"))}
	var fields []huifang.FieldError
	switch q.Get("open") {
	case "", "0", "false":
	case "1", "true":
		in.OpenOnly = true
	default:
		fields = append(fields, huifang.FieldError{Field: "open", Key: "err.filter.bad_bool"})
	}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"limit", &in.Limit}, {"offset", &in.Offset}} {
		if v := q.Get(n.name); v != "" {
			x, err := strconv.Atoi(v)
			if err != nil || x < 0 {
				fields = append(fields, huifang.FieldError{Field: n.name, Key: "err.filter.bad_count"})
			}
			*n.dst = x
		}
	}
	if len(fields) > 0 {
		return &huifang.Error{Code: huifang.EINVALID, Key: "err.field", Args: []any{fields[0].Field, fields[0]}, Fields: fields}
	}
	rows, total, err := a.svc.Risks(r.Context(), u, in)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []app.RiskView{}
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"total": total, "risks": rows})
	return nil
}

// confirmFalsePhone is POST /api/v1/callbacks/{id}/false-phone {"note"}:
// the number of the callback the operator holds is false; the callback
// finishes and a false-phone problem case opens.
func (a *API) confirmFalsePhone(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b struct {
		Note string `json:"note"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &b); err != nil {
		return err
	}
	c, err := a.svc.ConfirmFalsePhone(r.Context(), u, id, b.Note)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, callbackJSON(c))
	return nil
}
