package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// workflow moves the insurer's problem cases along, through the real use
// cases, so that the demo shows every state: most are handed to the city
// branch's handler; of those, some wait for acknowledgement, some are being
// worked, some wait for their re-callback, a few were closed unresolved.
func (s *sim) workflow(ctx context.Context, users map[huifang.Role][]*huifang.User) error {
	if len(users[huifang.RoleManager]) == 0 || len(users[huifang.RoleHandler]) == 0 {
		return nil
	}
	mgr, handler := users[huifang.RoleManager][0], users[huifang.RoleHandler][0]
	cases, err := s.db.ListProblemCases(ctx, s.org.ID, huifang.ProblemFilter{Status: huifang.ProblemOpen, Limit: 5000})
	if err != nil {
		return err
	}
	// The manager works through the open cases the morning after they opened.
	for i := range cases {
		c := &cases[i]
		day := huifang.DateOf(c.OpenedAt).AddDays(1)
		for k := 0; k < 7; k++ {
			if ok, err := s.svc.Calendar().IsWorkingDay(day); err == nil && ok {
				break
			}
			day = day.AddDays(1)
		}
		t := at(day, 9*time.Hour+30*time.Minute+time.Duration(i%60)*time.Minute)
		if t.After(s.now) {
			continue // opened today: still with the callback centre
		}
		u := s.unitFor(c.PolicyNo + string(c.Type)) // not the id: insurers run side by side
		s.clk.t = t
		if u < 0.15 {
			continue // not transferred yet
		}
		if _, err := s.svc.Transfer(ctx, mgr, c.ID, app.TransferInput{Branch: handler.BranchCode}); err != nil {
			return fmt.Errorf("transfer case %d: %w", c.ID, err)
		}
		if u < 0.35 {
			continue // waiting for the branch to acknowledge
		}
		s.clk.t = t.Add(2 * time.Hour)
		if u < 0.42 {
			if _, err := s.svc.ReturnTransfer(ctx, handler, c.ID, "保单不属于本机构，请核实后转办"); err != nil {
				return fmt.Errorf("return case %d: %w", c.ID, err)
			}
			continue
		}
		if _, err := s.svc.Acknowledge(ctx, handler, c.ID); err != nil {
			return fmt.Errorf("acknowledge case %d: %w", c.ID, err)
		}
		if u < 0.6 {
			continue // acknowledged, being worked
		}
		s.clk.t = t.Add(26 * time.Hour)
		if s.clk.t.After(s.now) {
			s.clk.t = s.now
		}
		in := app.ActionInput{Kind: "explained", Note: "已电话联系客户，解释保险责任、犹豫期权利及退保损失"}
		if c.Type == huifang.ProblemUnsigned || c.Type == huifang.ProblemPolicyInfo {
			in = app.ActionInput{Kind: "re-signed", Note: "客户本人到柜面重新签署投保材料",
				Evidence: &app.Upload{Name: "重新签署回执.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4\n% demo receipt\n")}}
		}
		if _, err := s.svc.Act(ctx, handler, c.ID, in); err != nil {
			return fmt.Errorf("act on case %d: %w", c.ID, err)
		}
		if u < 0.9 {
			rc, err := s.svc.RequestRecallback(ctx, handler, c.ID)
			if err != nil {
				return fmt.Errorf("re-callback for case %d: %w", c.ID, err)
			}
			if u < 0.8 && len(users[huifang.RoleOperator]) > 0 {
				// Most re-callbacks were made a working day or two later
				// and confirmed the fix: the case is resolved.
				if err := s.recallback(ctx, users[huifang.RoleOperator][0], rc.RecallbackID, s.clk.t, u); err != nil {
					return fmt.Errorf("make the re-callback of case %d: %w", c.ID, err)
				}
			}
			continue
		}
		if _, err := s.svc.CloseCaseFor(ctx, handler, c.ID, huifang.CloseCoolingOff, "客户已在犹豫期内办理退保"); err != nil {
			return fmt.Errorf("close case %d: %w", c.ID, err)
		}
	}
	s.clk.t = s.now
	return nil
}

// recallback makes a case's re-callback on a working day after asked, if
// that day has come: the operator takes it from the pool and the customer
// confirms the fix.
func (s *sim) recallback(ctx context.Context, op *huifang.User, id int64, asked time.Time, u float64) error {
	day := huifang.DateOf(asked).AddDays(1 + int(u*10)%2)
	for k := 0; k < 15; k++ { // the National Day week is 8 days off
		if ok, err := s.svc.Calendar().IsWorkingDay(day); err == nil && ok {
			break
		}
		day = day.AddDays(1)
	}
	t := at(day, 10*time.Hour+time.Duration(int(u*1000)%90)*time.Minute)
	if t.After(s.now) {
		return nil // not yet: it waits in the pool
	}
	s.clk.t = t
	w, err := s.svc.Take(ctx, op, id)
	if c := huifang.ErrorCode(err); c == huifang.ECONFLICT || c == huifang.EINVALID {
		return nil // the operator is busy with another, or no calling day was found: it waits in the pool
	} else if err != nil {
		return err
	}
	s.clk.t = t.Add(5 * time.Minute)
	_, err = s.svc.Finish(ctx, op, id, app.FinishInput{Answers: w.Script.Script.Passing(), Script: w.Script.Ref()})
	return err
}

// unitFor is a stable pseudo-random number in [0, 1) for a key.
func (s *sim) unitFor(key string) float64 {
	h := uint64(14695981039346656037) ^ s.seed
	for _, c := range []byte(key + s.org.Code) {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return float64(h>>11) / float64(1<<53)
}
