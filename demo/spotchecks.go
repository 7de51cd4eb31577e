package demo

import (
	"context"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
)

// spotCheckSeed is the demo sample's recorded seed: drawing again with it
// (huifang spotcheck draw --seed) gives the same sample.
const spotCheckSeed = 20110701

// spotChecks plays the regulator's spot check (docs/spot-checks.md): the
// supervisor draws a sample of the latest month with due callbacks, checks
// a handful of the finished ones — most consistent, one inconsistent (which
// opens a misleading-sale case at its company and tells its managers), one
// not the policyholder — and leaves the rest to do. A supervisor who
// follows no company draws nothing.
func (w *world) spotChecks(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, now time.Time) error {
	sups := users[RegulatorCode][huifang.RoleSupervisor]
	if len(sups) == 0 {
		return nil
	}
	sup := sups[0]
	s := svc.WithClock(fixedClock(now.Add(-2 * time.Hour)))
	var sc *huifang.SpotCheck
	for m := indicator.MonthOf(huifang.DateOf(now)); !m.Last().Before(w.start); m = m.Prev() {
		var err error
		sc, err = s.DrawSpotCheck(ctx, sup, app.DrawInput{Period: m.String(), Seed: spotCheckSeed})
		if err == nil {
			break
		}
		if huifang.ErrorCode(err) != huifang.EINVALID {
			return err
		}
		sc = nil
	}
	if sc == nil {
		return nil
	}
	v, err := s.SpotCheck(ctx, sup, sc.ID, app.ItemQuery{Limit: 200})
	if err != nil {
		return err
	}
	notes := []app.VerdictInput{
		{Verdict: huifang.VerdictConsistent},
		{Verdict: huifang.VerdictInconsistent, Note: "电话复核：客户称业务员介绍为“存款”，回访时客户回答“清楚”系业务员事先交代"},
		{Verdict: huifang.VerdictConsistent},
		{Verdict: huifang.VerdictConsistent, Note: "录音与回访记录一致"},
		{Verdict: huifang.VerdictNotPolicyholder, Note: "录音中接听人自称投保人之子，回访员未核实身份"},
		{Verdict: huifang.VerdictConsistent},
		{Verdict: huifang.VerdictConsistent},
	}
	done := 0
	for _, it := range v.Items {
		if done == len(notes) {
			break
		}
		if it.Result == "" || it.Result == huifang.ResultNotCompleted {
			continue
		}
		step := s.WithClock(fixedClock(now.Add(-2*time.Hour + time.Duration(done+1)*7*time.Minute)))
		if _, err := step.RecordVerdict(ctx, sup, sc.ID, it.ID, notes[done]); err != nil {
			return err
		}
		done++
	}
	return nil
}
