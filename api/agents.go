package api

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
)

// Agents and their departures (docs/agents.md).
func (a *API) routeAgents() {
	a.route("GET /api/v1/agents", huifang.PermViewCallbacks, a.listAgents)
	a.route("GET /api/v1/agents/{code}", huifang.PermViewCallbacks, a.getAgent)
	a.route("POST /api/v1/agents/{code}/leave", huifang.PermManageAgents, a.leaveAgent)
	a.route("POST /api/v1/agents/{code}/complete", huifang.PermManageAgents, a.completeDeparture)
}

// listAgents is GET /api/v1/agents[?org=CODE]: the insurer's agents with
// their status, policies and departure.
func (a *API) listAgents(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	rows, err := a.svc.Agents(r.Context(), u, r.URL.Query().Get("org"))
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []app.AgentRow{}
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"agents": rows})
	return nil
}

// getAgent is GET /api/v1/agents/{code}[?org=CODE]: the agent, the
// policies the agent sold, and the departure with its gate.
func (a *API) getAgent(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	det, err := a.svc.Agent(r.Context(), u, r.URL.Query().Get("org"), r.PathValue("code"))
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, det)
	return nil
}

// leaveAgent is POST /api/v1/agents/{code}/leave {"org","on","successor"}:
// it starts the departure (201); its status says whether it waits for the
// gate (leaving) or completed at once.
func (a *API) leaveAgent(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var in struct {
		Org       string       `json:"org"`
		On        huifang.Date `json:"on"`
		Successor string       `json:"successor"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	v, err := a.svc.StartDeparture(r.Context(), u, in.Org, app.LeaveInput{AgentCode: r.PathValue("code"), On: in.On, SuccessorCode: in.Successor})
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, v)
	return nil
}

// completeDeparture is POST /api/v1/agents/{code}/complete[?org=CODE]:
// it completes the departure once every orphan callback succeeded; before
// that, 409 with the count of those that block (GET the agent for which).
func (a *API) completeDeparture(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	v, err := a.svc.CompleteDeparture(r.Context(), u, r.URL.Query().Get("org"), r.PathValue("code"))
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, v)
	return nil
}
