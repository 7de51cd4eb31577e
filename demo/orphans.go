package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// orphans shows agents' departures (DOMAIN.md §6) through the real use
// cases: one agent whose departure completed after every orphan policy was
// called back, and one still leaving, the gate held by orphan callbacks
// not yet made and one that found a problem.
func (s *sim) orphans(ctx context.Context, users map[huifang.Role][]*huifang.User) error {
	if len(users[huifang.RoleInsurerAdmin]) == 0 || len(s.ops) == 0 {
		return nil
	}
	admin, op := users[huifang.RoleInsurerAdmin][0], s.ops[len(s.ops)-1]
	agents, err := s.db.ListAgents(ctx, s.org.ID)
	if err != nil {
		return err
	}
	counts, err := s.db.AgentPolicyCounts(ctx, s.org.ID)
	if err != nil {
		return err
	}
	var active []huifang.AgentRecord
	for _, a := range agents {
		if a.Status == huifang.AgentActive && counts[a.Code] >= 2 {
			active = append(active, a)
		}
	}
	if len(active) < 3 {
		return nil
	}
	// The agents with the most policies and fewer than a dozen leave: a
	// page of orphan policies each.
	sort.SliceStable(active, func(i, j int) bool {
		ci, cj := min(counts[active[i].Code], 12), min(counts[active[j].Code], 12)
		if ci != cj {
			return ci > cj
		}
		return active[i].Code < active[j].Code
	})
	today := huifang.DateOf(s.now)
	done, leaving, successor := active[0], active[1], active[2]
	if err := s.depart(ctx, admin, op, done.Code, successor.Code, s.workdaysBefore(today, 6), 1.0); err != nil {
		return err
	}
	return s.depart(ctx, admin, op, leaving.Code, successor.Code, s.workdaysBefore(today, 2), 0.5)
}

// depart starts an agent's departure on day and, the next working day, has
// the operator call back share of the orphan policies (one of those with a
// problem while some are left); when all succeeded the administrator
// completes the departure.
func (s *sim) depart(ctx context.Context, admin, op *huifang.User, agent, successor string, day huifang.Date, share float64) error {
	s.clk.t = at(day, 9*time.Hour+15*time.Minute)
	v, err := s.svc.StartDeparture(ctx, admin, "", app.LeaveInput{AgentCode: agent, On: day, SuccessorCode: successor})
	if err != nil {
		return fmt.Errorf("departure of %s: %w", agent, err)
	}
	next := s.workdaysAfter(day, 1)
	n := int(float64(len(v.Items))*share + 0.5)
	problem := share < 1
	for i, it := range v.Items[:n] {
		t := at(next, 10*time.Hour+time.Duration(i*7)*time.Minute)
		if t.After(s.now) {
			break
		}
		s.clk.t = t
		w, err := s.svc.Take(ctx, op, it.CallbackID)
		if c := huifang.ErrorCode(err); c == huifang.ECONFLICT || c == huifang.EINVALID {
			continue // it waits in the pool
		} else if err != nil {
			return err
		}
		in := app.FinishInput{Answers: w.Script.Script.Passing(), Script: w.Script.Ref()}
		if problem && w.Script.Script.Step("service") != nil {
			in.Answers["service"] = "no" // the customer does not know who services the policy now
			problem = false
		}
		s.clk.t = t.Add(4 * time.Minute)
		if _, err := s.svc.Finish(ctx, op, it.CallbackID, in); err != nil {
			return fmt.Errorf("orphan callback %d: %w", it.CallbackID, err)
		}
	}
	if share < 1 {
		s.clk.t = s.now
		return nil
	}
	s.clk.t = at(next, 17*time.Hour)
	if s.clk.t.After(s.now) {
		s.clk.t = s.now
	}
	if _, err := s.svc.CompleteDeparture(ctx, admin, "", agent); err != nil && huifang.ErrorCode(err) != huifang.ECONFLICT {
		return err
	}
	s.clk.t = s.now
	return nil
}

// workdaysBefore is the working day n working days before d.
func (s *sim) workdaysBefore(d huifang.Date, n int) huifang.Date {
	for n > 0 {
		d = d.AddDays(-1)
		if s.working(d) {
			n--
		}
	}
	return d
}

// workdaysAfter is the working day n working days after d.
func (s *sim) workdaysAfter(d huifang.Date, n int) huifang.Date {
	for n > 0 {
		d = d.AddDays(1)
		if s.working(d) {
			n--
		}
	}
	return d
}

// working tells working days by the calendar; in a year it lacks, Monday
// to Friday.
func (s *sim) working(d huifang.Date) bool {
	ok, err := s.svc.Calendar().IsWorkingDay(d)
	if err != nil {
		return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
	}
	return ok
}
