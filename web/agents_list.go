package web

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// agentsPage is the data of /agents: an insurer's agents with their status,
// policies and departure.
type agentsPage struct {
	Rows      []app.AgentRow
	Status    string // the filter: "", active, leaving, left
	Statuses  []huifang.AgentStatus
	CanManage bool
	Leaving   int
}

func (s *server) agentList(w http.ResponseWriter, r *http.Request, rq *request) error {
	rows, err := s.svc.Agents(r.Context(), rq.User, "")
	if err != nil {
		return err
	}
	p := agentsPage{Status: r.URL.Query().Get("status"), CanManage: rq.User.Can(huifang.PermManageAgents),
		Statuses: []huifang.AgentStatus{huifang.AgentActive, huifang.AgentLeaving, huifang.AgentLeft}}
	for _, row := range rows {
		if row.Status == huifang.AgentLeaving {
			p.Leaving++
		}
		if p.Status == "" || string(row.Status) == p.Status {
			p.Rows = append(p.Rows, row)
		}
	}
	s.render(w, r, rq, http.StatusOK, "agents", rq.T.T("agents.title"), "agents", p)
	return nil
}
