package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
)

// submissions plays the statistics tables of the months that ended since
// the demo began: most companies submit a few days after the month and the
// regulator accepts; one has its table returned, corrects it and has it
// accepted; one submits after the deadline; the last submits nothing, so
// the regulator's board shows every state.
func (w *world) submissions(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, now time.Time) error {
	sup := users[RegulatorCode][huifang.RoleSupervisor]
	if len(sup) == 0 {
		return nil
	}
	today := huifang.DateOf(now)
	var months []indicator.Period
	for m := indicator.MonthOf(w.start); m.Last().Before(today); m = m.Next() {
		months = append(months, m)
	}
	for i, ins := range w.insurers {
		mgrs := users[ins.spec.code][huifang.RoleManager]
		if len(mgrs) == 0 || i == len(w.insurers)-1 {
			continue // the last company submits nothing
		}
		mgr := mgrs[0]
		for _, m := range months {
			// A few days after the month ends; the fourth company after
			// its deadline (10 days, the default).
			day := m.Last().AddDays(3 + i)
			if i == 3 {
				day = m.Last().AddDays(12)
			}
			step := func(d huifang.Date, hour time.Duration) (*app.Service, bool) {
				t := at(d, hour)
				return svc.WithClock(fixedClock(t)), !t.After(now)
			}
			s, ok := step(day, 10*time.Hour)
			if !ok {
				continue
			}
			sub, err := s.SubmitStats(ctx, mgr, app.SubmitInput{Period: m.String()})
			if err != nil {
				return fmt.Errorf("submit %s %s: %w", ins.spec.code, m, err)
			}
			s, ok = step(day.AddDays(1), 15*time.Hour)
			if !ok {
				continue
			}
			if i != 1 {
				if _, err := s.ReviewSubmission(ctx, sup[0], sub.ID, app.ReviewInput{Accept: true}); err != nil {
					return fmt.Errorf("accept %s %s: %w", ins.spec.code, m, err)
				}
				continue
			}
			// The second company's table goes back with a comment, and the
			// correction is accepted.
			if _, err := s.ReviewSubmission(ctx, sup[0], sub.ID, app.ReviewInput{Comment: "银保渠道应回访件数与核心系统月报不一致，请核对后更正"}); err != nil {
				return fmt.Errorf("return %s %s: %w", ins.spec.code, m, err)
			}
			if s, ok = step(day.AddDays(2), 11*time.Hour); !ok {
				continue
			}
			fixed, err := s.SubmitStats(ctx, mgr, app.SubmitInput{Period: m.String(), Reason: "已与核心系统核对，补录银保渠道回访结果后重新报送"})
			if err != nil {
				return fmt.Errorf("correct %s %s: %w", ins.spec.code, m, err)
			}
			if s, ok = step(day.AddDays(3), 16*time.Hour); !ok {
				continue
			}
			if _, err := s.ReviewSubmission(ctx, sup[0], fixed.ID, app.ReviewInput{Accept: true}); err != nil {
				return fmt.Errorf("accept %s %s: %w", ins.spec.code, m, err)
			}
		}
	}
	return nil
}
