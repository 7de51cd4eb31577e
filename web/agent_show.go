package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// agentPage is the data of /agents/{code}: the agent, the departure and its
// gate, the start form.
type agentPage struct {
	*app.AgentDetail
	CanManage     bool
	Today         string
	On, Successor string // the start form's values
	Notice, Error string
	Errors        map[string]string
}

func agentURL(code string) string { return "/agents/" + url.PathEscape(code) }

func (s *server) agentShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := agentPage{Errors: map[string]string{}}
	if done := s.takeFlash(w, r); done != "" {
		p.Notice = rq.T.T("agent.flash." + done)
	}
	return s.renderAgent(w, r, rq, http.StatusOK, r.PathValue("code"), p)
}

func (s *server) renderAgent(w http.ResponseWriter, r *http.Request, rq *request, status int, code string, p agentPage) error {
	det, err := s.svc.Agent(r.Context(), rq.User, "", code)
	if err != nil {
		return err
	}
	p.AgentDetail, p.CanManage, p.Today = det, rq.User.Can(huifang.PermManageAgents), s.today().String()
	if p.On == "" {
		p.On = p.Today
	}
	s.render(w, r, rq, status, "agent", rq.T.T("agent.title", det.Agent.Code, det.Agent.Name), "agents", p)
	return nil
}

// agentLeave starts a departure from the agent page's form.
func (s *server) agentLeave(w http.ResponseWriter, r *http.Request, rq *request) error {
	code := r.PathValue("code")
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	p := agentPage{On: strings.TrimSpace(r.PostFormValue("on")), Successor: strings.TrimSpace(r.PostFormValue("successor")), Errors: map[string]string{}}
	in := app.LeaveInput{AgentCode: code, SuccessorCode: p.Successor}
	if p.On != "" {
		d, err := huifang.ParseISODate(p.On)
		if err != nil {
			p.Errors["on"] = rq.T.T("err.departure.bad_date", p.On)
			return s.renderAgent(w, r, rq, http.StatusBadRequest, code, p)
		}
		in.On = d
	}
	v, err := s.svc.StartDeparture(r.Context(), rq.User, "", in)
	if err != nil {
		switch huifang.ErrorCode(err) {
		case huifang.EINVALID, huifang.ECONFLICT, huifang.ENOTFOUND:
			p.Error = rq.errText(err)
			return s.renderAgent(w, r, rq, http.StatusBadRequest, code, p)
		}
		return err
	}
	done := "started"
	if !v.Leaving() {
		done = "completed"
	}
	s.flashTo(w, r, agentURL(code), done)
	return nil
}

// agentComplete completes a departure whose gate is open.
func (s *server) agentComplete(w http.ResponseWriter, r *http.Request, rq *request) error {
	code := r.PathValue("code")
	_, err := s.svc.CompleteDeparture(r.Context(), rq.User, "", code)
	if err != nil {
		if huifang.ErrorCode(err) == huifang.ECONFLICT {
			return s.renderAgent(w, r, rq, http.StatusConflict, code, agentPage{Error: rq.errText(err), Errors: map[string]string{}})
		}
		return err
	}
	s.flashTo(w, r, agentURL(code), "completed")
	return nil
}
