package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/orphan"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/script"
)

// DepartureView is an agent's departure with its gate: how many of the
// orphan callbacks succeeded and which still block it.
type DepartureView struct {
	huifang.Departure
	AgentName     string             `json:"agent_name"`
	SuccessorName string             `json:"successor_name,omitempty"`
	Done          int                `json:"done"`
	Items         []huifang.GateItem `json:"items"`
	Blocking      []huifang.GateItem `json:"blocking"`
}

// Open reports whether the gate lets the departure complete.
func (v *DepartureView) Open() bool { return v.Done == len(v.Items) }

// Leaving reports whether the agent is still waiting for the gate.
func (v *DepartureView) Leaving() bool { return v.Status == huifang.DepartureLeaving }

// LeaveInput starts an agent's departure.
type LeaveInput struct {
	AgentCode     string       `json:"agent"`
	On            huifang.Date `json:"on"` // the departure date; today when zero
	SuccessorCode string       `json:"successor"`
}

// errGateClosed is the refusal to complete a departure whose orphan
// callbacks have not all succeeded.
func errGateClosed(v *DepartureView) error {
	return huifang.Errorf(huifang.ECONFLICT, "err.departure.gate_closed", v.AgentCode, len(v.Blocking), len(v.Items), v.DueOn)
}

// insurerFor finds an insurer the user may manage agents of.
func (s *Service) insurerFor(ctx context.Context, u *huifang.User, orgCode string, p huifang.Permission) (*huifang.Org, error) {
	if err := require(u, p); err != nil {
		return nil, err
	}
	var org *huifang.Org
	var err error
	if orgCode == "" {
		// The pages: the user's own insurer.
		org, err = s.db.FindOrgByID(ctx, u.OrgID)
	} else {
		org, err = s.Org(ctx, u, orgCode)
	}
	if err != nil {
		return nil, err
	}
	if org.Kind != huifang.KindInsurer {
		return nil, huifang.Errorf(huifang.EINVALID, "err.departure.not_insurer", org.Code)
	}
	return org, nil
}

// findAgent gives nil for an unknown agent code.
func (s *Service) findAgent(ctx context.Context, orgID int64, code string) (*huifang.Agent, error) {
	a, err := s.db.FindAgent(ctx, orgID, code)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &a.Agent, nil
}

// StartDeparture starts an agent's departure (DOMAIN.md §6): every in-force
// policy in scope that the agent sold gets an orphan callback. In gate mode
// the agent is leaving until all of them succeed (CompleteDeparture); in
// notice mode, or when there is no orphan policy, the departure completes
// at once.
func (s *Service) StartDeparture(ctx context.Context, u *huifang.User, orgCode string, in LeaveInput) (*DepartureView, error) {
	org, err := s.insurerFor(ctx, u, orgCode, huifang.PermManageAgents)
	if err != nil {
		return nil, err
	}
	return s.startDeparture(ctx, u, org, in)
}

func (s *Service) startDeparture(ctx context.Context, u *huifang.User, org *huifang.Org, in LeaveInput) (*DepartureView, error) {
	today := s.today()
	if in.On.IsZero() {
		in.On = today
	}
	if in.On.After(today) {
		return nil, huifang.Errorf(huifang.EINVALID, "err.departure.future", in.On)
	}
	agent, err := s.findAgent(ctx, org.ID, in.AgentCode)
	if err != nil {
		return nil, err
	}
	existing, err := s.db.FindDeparture(ctx, org.ID, in.AgentCode)
	if errors.Is(err, huifang.ErrNotFound) {
		existing = nil
	} else if err != nil {
		return nil, err
	}
	var successor *huifang.Agent
	if in.SuccessorCode != "" {
		if successor, err = s.findAgent(ctx, org.ID, in.SuccessorCode); err != nil {
			return nil, err
		}
	}
	if err := orphan.Start(in.AgentCode, agent, existing, in.SuccessorCode, successor); err != nil {
		return nil, err
	}
	v, err := s.ProfileFor(ctx, org.ID, in.On)
	if err != nil {
		return nil, err
	}
	due, err := orphan.Due(v.Rules, in.On, s.Calendar())
	if err != nil {
		return nil, err
	}
	plans, err := s.orphanPlans(ctx, org.ID, in.AgentCode, v.Rules)
	if err != nil {
		return nil, err
	}
	now := s.now()
	d := &huifang.Departure{OrgID: org.ID, AgentCode: in.AgentCode, SuccessorCode: in.SuccessorCode, Mode: orphan.Mode(v.Rules),
		StartedOn: in.On, DueOn: due, Status: huifang.DepartureLeaving, CreatedAt: now, CreatedBy: u.Login}
	if d.Mode == profile.OrphanNotify || len(plans) == 0 {
		d.Status, d.CompletedAt = huifang.DepartureCompleted, now
	}
	if err := s.db.StartDeparture(ctx, d, plans, actor(u)); err != nil {
		return nil, err
	}
	s.Log.Info("departure", "org", org.Code, "agent", d.AgentCode, "mode", d.Mode, "orphans", len(plans), "status", d.Status)
	return s.departureView(ctx, d)
}

// orphanPlans lists the policies whose orphan callback an agent's departure needs.
func (s *Service) orphanPlans(ctx context.Context, orgID int64, agentCode string, r profile.Rules) ([]string, error) {
	policies, err := s.db.AgentPolicies(ctx, orgID, agentCode)
	if err != nil {
		return nil, err
	}
	prods, err := s.db.ListProducts(ctx, orgID)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]huifang.Product, len(prods))
	for _, p := range prods {
		byCode[p.Code] = p
	}
	var plans []string
	for _, p := range policies {
		if orphan.Eligible(p.Policy, byCode[p.ProductCode], r) {
			plans = append(plans, p.No)
		}
	}
	return plans, nil
}

// CompleteDeparture completes a leaving agent's departure once every orphan
// callback succeeded; until then it refuses, and the view it gives with the
// refusal lists what blocks. A completed departure is returned as it is.
func (s *Service) CompleteDeparture(ctx context.Context, u *huifang.User, orgCode, agentCode string) (*DepartureView, error) {
	org, err := s.insurerFor(ctx, u, orgCode, huifang.PermManageAgents)
	if err != nil {
		return nil, err
	}
	d, err := s.findDeparture(ctx, org.ID, agentCode)
	if err != nil {
		return nil, err
	}
	v, err := s.departureView(ctx, d)
	if err != nil || !v.Leaving() {
		return v, err
	}
	if !v.Open() {
		return v, errGateClosed(v)
	}
	if err := s.db.CompleteDeparture(ctx, org.ID, d.ID, actor(u), s.now()); err != nil {
		return nil, err
	}
	s.Log.Info("departure completed", "org", org.Code, "agent", agentCode)
	if d, err = s.findDeparture(ctx, org.ID, agentCode); err != nil {
		return nil, err
	}
	return s.departureView(ctx, d)
}

// Leave is `agent leave`: it starts the agent's departure, or, when it has
// started, completes it if the gate is open. While the gate is closed it
// gives the view and the refusal.
func (s *Service) Leave(ctx context.Context, u *huifang.User, orgCode string, in LeaveInput) (*DepartureView, error) {
	org, err := s.insurerFor(ctx, u, orgCode, huifang.PermManageAgents)
	if err != nil {
		return nil, err
	}
	d, err := s.db.FindDeparture(ctx, org.ID, in.AgentCode)
	if errors.Is(err, huifang.ErrNotFound) {
		v, err := s.startDeparture(ctx, u, org, in)
		if err == nil && v.Leaving() {
			err = errGateClosed(v)
		}
		return v, err
	}
	if err != nil {
		return nil, err
	}
	if d.Status == huifang.DepartureCompleted {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.departure.already_left", d.AgentCode, d.StartedOn)
	}
	return s.CompleteDeparture(ctx, u, orgCode, in.AgentCode)
}

func (s *Service) findDeparture(ctx context.Context, orgID int64, agentCode string) (*huifang.Departure, error) {
	d, err := s.db.FindDeparture(ctx, orgID, agentCode)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.departure.none", agentCode)
	}
	return d, err
}

// Departure gives an agent's departure and its gate.
func (s *Service) Departure(ctx context.Context, u *huifang.User, orgCode, agentCode string) (*DepartureView, error) {
	org, err := s.insurerFor(ctx, u, orgCode, huifang.PermViewCallbacks)
	if err != nil {
		return nil, err
	}
	d, err := s.findDeparture(ctx, org.ID, agentCode)
	if err != nil {
		return nil, err
	}
	return s.departureView(ctx, d)
}

func (s *Service) departureView(ctx context.Context, d *huifang.Departure) (*DepartureView, error) {
	items, err := s.db.DepartureGate(ctx, d.OrgID, d.ID)
	if err != nil {
		return nil, err
	}
	g := orphan.Gate(items)
	v := &DepartureView{Departure: *d, Done: g.Done, Items: items, Blocking: g.Blocking}
	if v.Items == nil {
		v.Items = []huifang.GateItem{}
	}
	if v.Blocking == nil {
		v.Blocking = []huifang.GateItem{}
	}
	if v.AgentName, err = s.db.RefName(ctx, d.OrgID, "agent", d.AgentCode); err != nil {
		return nil, err
	}
	if d.SuccessorCode != "" {
		if v.SuccessorName, err = s.db.RefName(ctx, d.OrgID, "agent", d.SuccessorCode); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// AgentRow is an agent in the agents list: status, policies, departure.
type AgentRow struct {
	Code       string              `json:"code"`
	Name       string              `json:"name"`
	BranchCode string              `json:"branch_code"`
	RegNo      string              `json:"reg_no"`
	Status     huifang.AgentStatus `json:"status"`
	Policies   int                 `json:"policies"`
	// Departure, when the agent has one: its status and gate figures.
	Departure *huifang.Departure `json:"departure,omitempty"`
	Done      int                `json:"done"`
}

// Agents lists an insurer's agents with their status, how many policies
// each sold and where their departure stands.
func (s *Service) Agents(ctx context.Context, u *huifang.User, orgCode string) ([]AgentRow, error) {
	org, err := s.insurerFor(ctx, u, orgCode, huifang.PermViewCallbacks)
	if err != nil {
		return nil, err
	}
	return s.agentRows(ctx, org.ID, true)
}

// agentRows lists an insurer's agents; gates counts the successful orphan
// callbacks of each departure.
func (s *Service) agentRows(ctx context.Context, orgID int64, gates bool) ([]AgentRow, error) {
	agents, err := s.db.ListAgents(ctx, orgID)
	if err != nil {
		return nil, err
	}
	counts, err := s.db.AgentPolicyCounts(ctx, orgID)
	if err != nil {
		return nil, err
	}
	deps, err := s.db.ListDepartures(ctx, orgID, "")
	if err != nil {
		return nil, err
	}
	byAgent := map[string]*huifang.Departure{}
	for i := range deps {
		byAgent[deps[i].AgentCode] = &deps[i]
	}
	rows := make([]AgentRow, len(agents))
	for i, a := range agents {
		r := AgentRow{Code: a.Code, Name: a.Name, BranchCode: a.BranchCode, RegNo: a.RegNo, Status: a.Status, Policies: counts[a.Code]}
		if d := byAgent[a.Code]; d != nil {
			r.Departure = d
			if !gates {
				rows[i] = r
				continue
			}
			items, err := s.db.DepartureGate(ctx, orgID, d.ID)
			if err != nil {
				return nil, err
			}
			r.Done = orphan.Gate(items).Done
		}
		rows[i] = r
	}
	return rows, nil
}

// Departures lists an insurer's departures, the latest first; status ""
// lists all.
func (s *Service) Departures(ctx context.Context, u *huifang.User, orgCode string, status huifang.DepartureStatus) ([]huifang.Departure, error) {
	org, err := s.insurerFor(ctx, u, orgCode, huifang.PermViewCallbacks)
	if err != nil {
		return nil, err
	}
	return s.db.ListDepartures(ctx, org.ID, status)
}

// EscalateOrphans tells an insurer's managers and administrators, once per
// callback, of each orphan callback of a leaving agent that is past its
// deadline: the gate waits on it (DOMAIN.md §6).
func (s *Service) EscalateOrphans(ctx context.Context) (int, error) {
	late, err := s.db.OverdueOrphans(ctx, s.today(), 1000)
	if err != nil {
		return 0, err
	}
	users := map[int64][]huifang.User{}
	var ns []huifang.Notification
	all := map[int64]huifang.User{}
	now := s.now()
	for _, c := range late {
		if users[c.OrgID] == nil {
			if users[c.OrgID], err = s.db.ListUsers(ctx, c.OrgID); err != nil {
				return 0, err
			}
			for _, u := range users[c.OrgID] {
				all[u.ID] = u
			}
		}
		d, err := s.db.DepartureOf(ctx, c.OrgID, c.ID)
		if err != nil {
			return 0, err
		}
		subject := i18n.T(i18n.ZH, "mail.orphan_overdue.subject", c.PolicyNo, d.AgentCode)
		body := i18n.T(i18n.ZH, "mail.orphan_overdue.body", c.PolicyNo, d.AgentCode, c.DueOn, d.StartedOn)
		for _, u := range users[c.OrgID] {
			if u.Role == huifang.RoleManager || u.Role == huifang.RoleInsurerAdmin {
				ns = append(ns, huifang.Notification{OrgID: c.OrgID, UserID: u.ID, At: now, Kind: "orphan-overdue", Subject: subject, Body: body,
					Dedupe: fmt.Sprintf("orphan-overdue:%d", c.ID)})
			}
		}
	}
	if len(ns) == 0 {
		return 0, nil
	}
	return s.notify(ctx, ns, all)
}

// orphanScript is the script of orphan callbacks: the insurer's active
// orphan script in force on the day, else the shipped one.
func (s *Service) orphanScript(ctx context.Context, orgID int64, on huifang.Date) (*script.Script, *huifang.ScriptRecord, error) {
	active, err := s.db.ListScripts(ctx, huifang.ScriptFilter{OrgID: orgID, Status: "active"})
	if err != nil {
		return nil, nil, err
	}
	var best *huifang.ScriptRecord
	for i := range active {
		r := &active[i]
		if r.Purpose != string(script.PurposeOrphan) || r.ActiveFrom.After(on) {
			continue
		}
		if best == nil || r.ActiveFrom.After(best.ActiveFrom) || (r.ActiveFrom == best.ActiveFrom && r.Version > best.Version) {
			best = r
		}
	}
	if best != nil {
		sc, err := parseRecord(best)
		return sc, best, err
	}
	return script.Lookup(orphanScriptCode), nil, nil
}

// orphanScriptCode is the shipped orphan script's code.
const orphanScriptCode = "orphan"

// orphanServicer names who services an orphan policy now: the departure's
// successor, else the insurer's service centre.
func (s *Service) orphanServicer(ctx context.Context, c *huifang.Callback) (string, error) {
	d, err := s.db.DepartureOf(ctx, c.OrgID, c.ID)
	if errors.Is(err, huifang.ErrNotFound) || (err == nil && d.SuccessorCode == "") {
		// An orphan callback imported from the insurer's own system, or a
		// departure without a successor: the service centre takes over.
		return i18n.T(i18n.ZH, "orphan.servicer.centre"), nil
	}
	if err != nil {
		return "", err
	}
	return s.db.RefName(ctx, c.OrgID, "agent", d.SuccessorCode)
}

// keepLeaving keeps an agent file from releasing a leaving agent: an agent
// marked 离职 whose departure waits for its gate stays leaving.
func (s *Service) keepLeaving(ctx context.Context, orgID int64, items []any) error {
	leaving, err := s.db.ListDepartures(ctx, orgID, huifang.DepartureLeaving)
	if err != nil || len(leaving) == 0 {
		return err
	}
	waits := map[string]bool{}
	for _, d := range leaving {
		waits[d.AgentCode] = true
	}
	for i, it := range items {
		if a := it.(huifang.Agent); a.Status == huifang.AgentLeft && waits[a.Code] {
			a.Status = huifang.AgentLeaving
			items[i] = a
		}
	}
	return nil
}

// departLeft starts the departure of each agent an agent file marks 离职
// who has none yet, as `agent leave` does, dated the day of the import.
func (s *Service) departLeft(ctx context.Context, u *huifang.User, org *huifang.Org, items []any) ([]*DepartureView, error) {
	var out []*DepartureView
	for _, it := range items {
		a := it.(huifang.Agent)
		if a.Status != huifang.AgentLeft {
			continue
		}
		if _, err := s.db.FindDeparture(ctx, org.ID, a.Code); err == nil {
			continue
		} else if !errors.Is(err, huifang.ErrNotFound) {
			return out, err
		}
		v, err := s.startDeparture(ctx, u, org, LeaveInput{AgentCode: a.Code})
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// AgentPolicy is one of an agent's policies as the agent page lists it:
// nothing personal.
type AgentPolicy struct {
	No          string               `json:"policy_no"`
	ProductCode string               `json:"product_code"`
	Channel     huifang.Channel      `json:"channel"`
	BranchCode  string               `json:"branch_code"`
	IssuedOn    huifang.Date         `json:"issued_on"`
	Status      huifang.PolicyStatus `json:"status"`
}

// AgentDetail is an agent's page: the agent, the policies the agent sold,
// the departure with its gate when there is one, and who may succeed.
type AgentDetail struct {
	Agent      AgentRow       `json:"agent"`
	Policies   []AgentPolicy  `json:"policies"`
	Departure  *DepartureView `json:"departure,omitempty"`
	Successors []AgentRow     `json:"-"`
}

// Agent gives an agent's page.
func (s *Service) Agent(ctx context.Context, u *huifang.User, orgCode, code string) (*AgentDetail, error) {
	org, err := s.insurerFor(ctx, u, orgCode, huifang.PermViewCallbacks)
	if err != nil {
		return nil, err
	}
	rows, err := s.agentRows(ctx, org.ID, false) // the agent's gate is read once, below
	if err != nil {
		return nil, err
	}
	det := &AgentDetail{Policies: []AgentPolicy{}}
	found := false
	for _, r := range rows {
		switch {
		case r.Code == code:
			det.Agent, found = r, true
		case r.Status == huifang.AgentActive || r.Status == "":
			det.Successors = append(det.Successors, r)
		}
	}
	if !found {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.departure.unknown_agent", code)
	}
	ps, err := s.db.AgentPolicies(ctx, org.ID, code)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		det.Policies = append(det.Policies, AgentPolicy{No: p.No, ProductCode: p.ProductCode, Channel: p.Channel, BranchCode: p.BranchCode, IssuedOn: p.IssuedOn, Status: p.Status})
	}
	if det.Agent.Departure != nil {
		if det.Departure, err = s.departureView(ctx, det.Agent.Departure); err != nil {
			return nil, err
		}
		det.Agent.Done = det.Departure.Done
	}
	return det, nil
}
