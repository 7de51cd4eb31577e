// Package orphan holds the rules of orphan policies (DOMAIN.md §6): which
// policies of a departing agent get an orphan callback, when those callbacks
// are due, when a departure may start, and when the resignation gate opens.
//
// A departure's states:
//
//	leaving   — gate mode: started; the orphan callbacks are under way and the
//	            agent is not yet released (离职办理中)
//	completed — every orphan callback succeeded (gate mode), or at once in
//	            notice mode (离职)
//
// leaving → completed only through Gate reporting the gate open.
package orphan

import (
	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/workday"
)

// Eligible reports whether a policy of a departing agent becomes an orphan
// policy: it is in force and in the callback scope of the profile.
func Eligible(p huifang.Policy, prod huifang.Product, r profile.Rules) bool {
	if !p.Status.InForce() {
		return false
	}
	return callback.Scope{NonLifeWealth: r.NonLifeWealthInScope}.InScope(p, prod)
}

// Mode is the profile's orphan mode, gate when the profile does not say.
func Mode(r profile.Rules) string {
	if r.OrphanMode == profile.OrphanNotify {
		return profile.OrphanNotify
	}
	return profile.OrphanGate
}

// Due is when the orphan callbacks of a departure starting on start are due:
// in gate mode the profile's working days after the start; in notice mode
// its calendar days after the departure date (30 by default).
func Due(r profile.Rules, start huifang.Date, cal *workday.Calendar) (huifang.Date, error) {
	if Mode(r) == profile.OrphanNotify {
		days := r.OrphanNotifyDays
		if days <= 0 {
			days = DefaultNotifyDays
		}
		return start.AddDays(days), nil
	}
	return cal.AddWorkdays(start, r.OrphanGateDays())
}

// DefaultNotifyDays is the national baseline's notice period.
const DefaultNotifyDays = 30

// Start checks that a departure may start: the agent is known and has no
// departure yet, and the successor, when one is named, is another agent who
// is still serving. agent is nil when the code is unknown; successor is nil
// when none was named or the code is unknown (succCode tells the two apart).
func Start(agentCode string, agent *huifang.Agent, existing *huifang.Departure, succCode string, successor *huifang.Agent) error {
	switch {
	case agent == nil:
		return huifang.Errorf(huifang.ENOTFOUND, "err.departure.unknown_agent", agentCode)
	case existing != nil && existing.Status == huifang.DepartureCompleted:
		return huifang.Errorf(huifang.ECONFLICT, "err.departure.already_left", agentCode, existing.StartedOn)
	case existing != nil:
		return huifang.Errorf(huifang.ECONFLICT, "err.departure.already_leaving", agentCode, existing.StartedOn)
	case succCode == "":
		return nil
	case succCode == agentCode:
		return huifang.Errorf(huifang.EINVALID, "err.departure.successor_self", agentCode)
	case successor == nil:
		return huifang.Errorf(huifang.ENOTFOUND, "err.departure.unknown_successor", succCode)
	case successor.Status != huifang.AgentActive && successor.Status != "":
		return huifang.Errorf(huifang.EINVALID, "err.departure.successor_left", succCode, successor.Name)
	}
	return nil
}

// GateState is what the gate of a departure says.
type GateState struct {
	Total, Done int
	Blocking    []huifang.GateItem // the orphan policies not yet called back successfully
}

// Open reports whether every orphan policy was called back successfully.
func (g GateState) Open() bool { return g.Done == g.Total }

// Gate counts a departure's orphan callbacks: the gate opens only when every
// one of them succeeded, directly or through its problem case's re-callback.
func Gate(items []huifang.GateItem) GateState {
	g := GateState{Total: len(items)}
	for _, it := range items {
		if it.Successful() {
			g.Done++
		} else {
			g.Blocking = append(g.Blocking, it)
		}
	}
	return g
}
