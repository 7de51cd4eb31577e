package api

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
)

// desk is the operator's desk (GET /api/v1/desk): today's count, their
// appointments (holder names masked), their recent callbacks, and whether
// they may call now, else when calling opens again.
func (a *API) desk(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	d, err := a.svc.Desk(r.Context(), u)
	if err != nil {
		return err
	}
	rows := func(rs []huifang.CallbackRow) []map[string]any {
		out := make([]map[string]any, len(rs))
		for i, c := range rs {
			out[i] = callbackJSON(&c.Callback)
			out[i]["holder_name"] = c.HolderName
		}
		return out
	}
	out := map[string]any{"finished_today": d.Today, "appointments": rows(d.Appointments), "appointments_due": d.Due,
		"recent": rows(d.Recent), "can_call": d.CanCall, "call_start": d.Start, "call_end": d.End,
		"appointment_hold_minutes": int(d.Hold.Minutes()), "next_open": timeOrNil(d.NextOpen, d.NextOpen)}
	if d.Held != nil {
		out["held_id"] = d.Held.ID
	}
	httpx.JSON(w, http.StatusOK, out)
	return nil
}
