package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
)

// disclosures gives the public disclosure pages two published quarters:
// the last two that have ended. A quarter the demo's weeks of callback
// work overlap is published as the regulator would publish it — every
// company but the last submits its quarterly table, the supervisor accepts
// it, the bureau publishes, and the last company goes out from the live
// table, marked not confirmed by submission. A quarter before the demo's
// weeks has no callbacks here: it is loaded as the bureau's archive of
// what it published then, with believable figures (the last company again
// from the live table). Then an erratum corrects one figure of the latest.
func (w *world) disclosures(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, now time.Time) error {
	today := huifang.DateOf(now)
	latest := indicator.QuarterOf(today).Prev()
	reg, err := w.db.FindOrgByCode(ctx, RegulatorCode)
	if err != nil {
		return err
	}
	var published *huifang.Disclosure
	for _, q := range []indicator.Period{latest.Prev(), latest} {
		var d *huifang.Disclosure
		if q.Last().Before(w.start) {
			d, err = w.archive(ctx, reg, q)
		} else {
			d, err = w.publishQuarter(ctx, svc, users, q, now)
		}
		if err != nil {
			return fmt.Errorf("disclose %s: %w", q, err)
		}
		if d != nil {
			published = d
		}
	}
	if published == nil || len(w.insurers) < 2 {
		return nil
	}
	// Three days after the publication (or just now), the second company's
	// callback success rate is corrected: a batch of callbacks finished in
	// its own system had been left out of its table.
	when := published.PublishedAt.Add(3 * 24 * time.Hour)
	if when.After(now) {
		when = now
	}
	row := published.Rows[1]
	f, _ := row.Figure(indicator.SuccessRate.ID)
	fixed := min(f.Num+max(f.Den/100, 1), f.Den)
	u, err := svc.RegulatorCLI(ctx, RegulatorCode)
	if err != nil {
		return err
	}
	_, err = svc.WithClock(fixedClock(when)).AddErratum(ctx, u, app.ErratumInput{Period: published.Period, OrgCode: row.OrgCode,
		Indicator: indicator.SuccessRate.ID, Value: fmt.Sprintf("%d/%d", fixed, f.Den),
		Note: "该公司在自有系统完成的一批回访未计入季度报表，经核实更正；原公布数据保留。"})
	return err
}

// publishQuarter plays a quarter the demo's work overlaps: the quarterly
// tables, their acceptance and the publication, each when it is due and
// not after now. It returns nil when the publication would come after now.
func (w *world) publishQuarter(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, q indicator.Period, now time.Time) (*huifang.Disclosure, error) {
	sup := users[RegulatorCode][huifang.RoleSupervisor]
	publishAt := at(q.Last().AddDays(20), 10*time.Hour)
	if publishAt.After(now) {
		publishAt = now
	}
	for i, ins := range w.insurers {
		mgrs := users[ins.spec.code][huifang.RoleManager]
		if len(mgrs) == 0 || len(sup) == 0 || i == len(w.insurers)-1 {
			continue // the last company submits no quarterly table
		}
		submitAt := at(q.Last().AddDays(5+i), 10*time.Hour)
		if !submitAt.Before(publishAt) {
			continue
		}
		sub, err := svc.WithClock(fixedClock(submitAt)).SubmitStats(ctx, mgrs[0], app.SubmitInput{Period: q.String()})
		if err != nil {
			return nil, fmt.Errorf("submit %s: %w", ins.spec.code, err)
		}
		acceptAt := submitAt.Add(24 * time.Hour)
		if !acceptAt.Before(publishAt) {
			continue
		}
		if _, err := svc.WithClock(fixedClock(acceptAt)).ReviewSubmission(ctx, sup[0], sub.ID, app.ReviewInput{Accept: true}); err != nil {
			return nil, fmt.Errorf("accept %s: %w", ins.spec.code, err)
		}
	}
	u, err := svc.RegulatorCLI(ctx, RegulatorCode)
	if err != nil {
		return nil, err
	}
	return svc.WithClock(fixedClock(publishAt)).PublishDisclosure(ctx, u, q.String())
}

// archive loads a quarter before the demo's weeks as the bureau published
// it: figures drawn for each company, the first at the double-100%
// standard, the last from the live table.
func (w *world) archive(ctx context.Context, reg *huifang.Org, q indicator.Period) (*huifang.Disclosure, error) {
	r := newRand(w.seed, 900+uint64(q.Year*10+q.N))
	d := &huifang.Disclosure{RegulatorID: reg.ID, Period: q.String(), Indicators: []string{indicator.SuccessRate.ID, indicator.ResolutionRate.ID},
		PublishedAt: at(q.Last().AddDays(20), 10*time.Hour), PublishedBy: "cli"}
	for i, ins := range w.insurers {
		org, err := w.db.FindOrgByCode(ctx, ins.spec.code)
		if err != nil {
			return nil, err
		}
		due := int64(ins.spec.share*90 + r.IntN(400))
		cases := due/40 + int64(r.IntN(20))
		ok, resolved := due-int64(r.IntN(int(due/25))), cases-int64(r.IntN(4))
		if i == 0 {
			ok, resolved = due, cases
		}
		row := huifang.DisclosureRow{OrgID: org.ID, OrgCode: org.Code, OrgName: org.Name, Source: huifang.FromSubmission, SubmissionVersion: 1,
			Figures:       []huifang.DisclosureFigure{{Indicator: indicator.SuccessRate.ID, Num: ok, Den: due}, {Indicator: indicator.ResolutionRate.ID, Num: resolved, Den: cases}},
			DoubleHundred: indicator.DoubleHundred(indicator.Rate{Num: ok, Den: due}, indicator.Rate{Num: resolved, Den: cases})}
		if i == len(w.insurers)-1 {
			row.Source, row.SubmissionVersion = huifang.FromLive, 0
		}
		d.Rows = append(d.Rows, row)
	}
	return d, w.db.PublishDisclosure(ctx, d)
}
