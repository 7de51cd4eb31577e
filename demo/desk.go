package demo

import (
	"context"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// desk gives the first operator of the first insurer appointments on their
// desk (docs/desk.md): customers who asked to be called back at another time,
// one whose time came ten minutes before the story ends (the desk reminds),
// one later today and one tomorrow. The demo's rules allow calls at any hour,
// so the appointments are agreed at any hour too.
func (w *world) desk(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, now time.Time) error {
	if len(w.insurers) == 0 {
		return nil
	}
	ops := users[w.insurers[0].spec.code][huifang.RoleOperator]
	if len(ops) == 0 {
		return nil
	}
	op := ops[0]
	notes := []string{"客户在开会，约定稍后回电", "客户正在开车，约定下午回电", "客户出差，约定明天上午回电"}
	for i, d := range []struct{ agreed, at time.Duration }{
		{-40 * time.Minute, -10 * time.Minute},
		{-20 * time.Minute, 3 * time.Hour},
		{-15 * time.Minute, 24 * time.Hour},
	} {
		s := svc.WithClock(fixedClock(now.Add(d.agreed)))
		work, err := s.Next(ctx, op)
		if huifang.ErrorCode(err) == huifang.ENOTFOUND {
			return nil // nothing left to call
		} else if err != nil {
			return err
		}
		if _, err := s.RecordAttempt(ctx, op, work.Callback.ID, app.AttemptInput{Outcome: huifang.AttemptReschedule,
			Note: notes[i], ScheduleAt: now.Add(d.at)}); err != nil {
			return err
		}
	}
	return nil
}
