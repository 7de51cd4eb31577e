package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/sheet"
)

// StatsTable computes a company's statistics table for a period ("2026-03",
// "2026-Q1", "2026") from the stored counts, overdue cases counted as of
// today. An insurer's staff see their own company (orgCode "" or their
// own); a regulator's user the companies they oversee, and the
// regulator's own code gives its table: a row per company, the totals over
// them.
func (s *Service) StatsTable(ctx context.Context, u *huifang.User, orgCode, period string) (*huifang.Org, indicator.Table, error) {
	return s.statsTable(ctx, u, orgCode, period, s.tally)
}

// StatsRecount is StatsTable computed by scanning every callback and
// problem case of the period instead: slow, and what the stored counts
// must always equal (`huifang report stats --recount`).
func (s *Service) StatsRecount(ctx context.Context, u *huifang.User, orgCode, period string) (*huifang.Org, indicator.Table, error) {
	return s.statsTable(ctx, u, orgCode, period, s.recount)
}

type tallyFunc func(ctx context.Context, orgID int64, p indicator.Period, bs ...*indicator.Builder) error

func (s *Service) statsTable(ctx context.Context, u *huifang.User, orgCode, period string, tally tallyFunc) (*huifang.Org, indicator.Table, error) {
	p, err := indicator.ParsePeriod(period)
	if err != nil {
		return nil, indicator.Table{}, err
	}
	org, ts, err := s.statsTables(ctx, u, orgCode, []indicator.Period{p}, tally)
	if err != nil {
		return nil, indicator.Table{}, err
	}
	return org, ts[0], nil
}

// StatsTables is StatsTable for several periods of one year at once (a
// dashboard's trend): each company's counts are read once for the year.
func (s *Service) StatsTables(ctx context.Context, u *huifang.User, orgCode string, periods []indicator.Period) (*huifang.Org, []indicator.Table, error) {
	return s.statsTables(ctx, u, orgCode, periods, s.tally)
}

func (s *Service) statsTables(ctx context.Context, u *huifang.User, orgCode string, periods []indicator.Period, tally tallyFunc) (*huifang.Org, []indicator.Table, error) {
	if err := require(u, huifang.PermViewStats); err != nil {
		return nil, nil, err
	}
	if len(periods) == 0 {
		return nil, nil, huifang.Errorf(huifang.EINVALID, "err.stats.period_required")
	}
	span := indicator.Period{Kind: indicator.Year, Year: periods[0].Year}
	for _, p := range periods {
		if p.Year != span.Year {
			return nil, nil, huifang.Errorf(huifang.EINVALID, "err.stats.one_year")
		}
	}
	if len(periods) == 1 {
		span = periods[0]
	}
	org, err := s.statsOrg(ctx, u, orgCode)
	if err != nil {
		return nil, nil, err
	}
	totals := make([]*indicator.Builder, len(periods))
	for i, p := range periods {
		totals[i] = indicator.NewBuilder(p, s.today())
	}
	if org.Kind == huifang.KindInsurer {
		if err := tally(ctx, org.ID, span, totals...); err != nil {
			return nil, nil, err
		}
		return org, tables(totals), nil
	}
	// A regulator: each company the user oversees (the system
	// administrator: every one), and the totals over them.
	var orgs []huifang.Org
	if u.Regulatory() {
		orgs, err = s.Overseen(ctx, u)
	} else {
		orgs, err = s.db.ListOrgs(ctx, org.ID)
	}
	if err != nil {
		return nil, nil, err
	}
	rows := make([][]indicator.Row, len(periods))
	for _, o := range orgs {
		if o.Kind != huifang.KindInsurer {
			continue
		}
		ones := make([]*indicator.Builder, len(periods))
		for i, p := range periods {
			ones[i] = indicator.NewBuilder(p, s.today())
		}
		if err := tally(ctx, o.ID, span, append(ones, totals...)...); err != nil {
			return nil, nil, err
		}
		for i, one := range ones {
			r := one.Table().Total
			r.Key, r.Label = o.Code, o.Name
			rows[i] = append(rows[i], r)
		}
	}
	ts := tables(totals)
	for i := range ts {
		ts[i].ByCompany = rows[i]
	}
	return org, ts, nil
}

func tables(bs []*indicator.Builder) []indicator.Table {
	out := make([]indicator.Table, len(bs))
	for i, b := range bs {
		out[i] = b.Table()
	}
	return out
}

// tally feeds an insurer's stored counts for the period into the builders.
func (s *Service) tally(ctx context.Context, orgID int64, p indicator.Period, bs ...*indicator.Builder) error {
	var needs indicator.Needs
	for _, b := range bs {
		needs = needs.Or(b.Needs())
	}
	c, err := s.db.ReadStats(ctx, orgID, p, s.today(), needs)
	if err != nil {
		return err
	}
	for _, b := range bs {
		b.AddCounts(c)
	}
	// A period still running counts the callbacks of its running month
	// whose deadline has come by today, which the monthly counts cannot
	// tell apart: the counts kept by day of deadline tell them.
	var read [2]huifang.Date
	var days map[indicator.CallbackKey]indicator.CallbackCounts
	for _, b := range bs {
		from, to, ok := b.PartialMonth()
		if !ok {
			continue
		}
		if days == nil || read != [2]huifang.Date{from, to} {
			var err error
			if days, err = s.db.ReadDayStats(ctx, orgID, from, to); err != nil {
				return err
			}
			read = [2]huifang.Date{from, to}
		}
		for k, n := range days {
			b.AddCallbackCountsSoFar(k, n)
		}
	}
	return nil
}

// recount feeds an insurer's facts for the period into the builders.
func (s *Service) recount(ctx context.Context, orgID int64, p indicator.Period, bs ...*indicator.Builder) error {
	if err := s.db.ForEachCallbackFact(ctx, orgID, p.First(), p.Last(), func(f indicator.CallbackFact) error {
		for _, b := range bs {
			b.AddCallback(f)
		}
		return nil
	}); err != nil {
		return err
	}
	return s.db.ForEachCaseFact(ctx, orgID, p.First(), p.Last(), func(f indicator.CaseFact) error {
		for _, b := range bs {
			b.AddCase(f)
		}
		return nil
	})
}

// statsOrg is the insurer whose figures the user asks for, if the user may
// see them.
func (s *Service) statsOrg(ctx context.Context, u *huifang.User, code string) (*huifang.Org, error) {
	if code == "" {
		if u.Role == huifang.RoleAdmin {
			return nil, huifang.Errorf(huifang.EINVALID, "err.stats.org_required")
		}
		o, err := s.db.FindOrgByID(ctx, u.OrgID)
		if err != nil {
			return nil, err
		}
		code = o.Code
	}
	o, err := s.db.FindOrgByCode(ctx, code)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_found_q", code)
	} else if err != nil {
		return nil, err
	}
	var allowed bool
	switch {
	case u.Role == huifang.RoleAdmin:
		allowed = true
	case u.Regulatory():
		allowed = o.ID == u.OrgID || (o.Kind == huifang.KindInsurer && s.overseesID(ctx, u, o.ID))
	default:
		allowed = o.Kind == huifang.KindInsurer && o.ID == u.OrgID
	}
	if !allowed {
		// Same answer as a missing code: never tell what exists elsewhere.
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_found_q", code)
	}
	return o, nil
}

// WriteStats writes a company's statistics table as json, csv or xlsx.
func (s *Service) WriteStats(ctx context.Context, u *huifang.User, orgCode, period, format string, w io.Writer) error {
	return s.writeStats(ctx, u, orgCode, period, format, w, s.tally)
}

// WriteRecount is WriteStats from a full recount of the rows.
func (s *Service) WriteRecount(ctx context.Context, u *huifang.User, orgCode, period, format string, w io.Writer) error {
	return s.writeStats(ctx, u, orgCode, period, format, w, s.recount)
}

func (s *Service) writeStats(ctx context.Context, u *huifang.User, orgCode, period, format string, w io.Writer, tally tallyFunc) error {
	if format != "json" && format != "csv" && format != "xlsx" {
		return huifang.Errorf(huifang.EINVALID, "err.stats.bad_format")
	}
	org, t, err := s.statsTable(ctx, u, orgCode, period, tally)
	if err != nil {
		return err
	}
	return RenderStats(w, org, t, format)
}

// RebuildStats recounts an insurer's stored counts from its rows
// (administrators: after restoring a backup or repairing data by hand).
func (s *Service) RebuildStats(ctx context.Context, u *huifang.User, orgCode string) error {
	if err := require(u, huifang.PermManageOrgs); err != nil {
		return err
	}
	o, err := s.db.FindOrgByCode(ctx, orgCode)
	if errors.Is(err, huifang.ErrNotFound) || (err == nil && o.Kind != huifang.KindInsurer) {
		return huifang.Errorf(huifang.ENOTFOUND, "err.stats.no_insurer", orgCode)
	} else if err != nil {
		return err
	}
	if err := s.db.RebuildStats(ctx, o.ID); err != nil {
		return err
	}
	return s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: o.ID, At: s.now(), UserID: u.ID, Actor: u.Login, Entity: "stats", Key: o.Code, Action: "rebuild"})
}

// RenderStats writes a computed table as json, csv or xlsx.
func RenderStats(w io.Writer, org *huifang.Org, t indicator.Table, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(StatsJSON(org, t))
	case "csv":
		return sheet.WriteCSV(w, indicator.Columns, slices.Values(t.Lines()))
	}
	// The subtitle states the rules the figures follow (DOMAIN.md §7), and
	// for a period still running the day its callbacks are counted to.
	sub := i18n.T(i18n.ZH, "stats.report.subtitle", t.Period.First().String(), t.Period.Last().String(), t.AsOf.String())
	if !t.DueBy.IsZero() {
		sub = i18n.T(i18n.ZH, "stats.report.subtitle.sofar", t.Period.First().String(), t.Period.Last().String(), t.DueBy.String(), t.Total.DueFull)
	}
	r := sheet.Report{Sheet: t.Period.String(), Title: indicator.Title(org.Name, t.Period),
		Subtitle: sub, Header: indicator.Columns, Rows: t.Lines()}
	for _, g := range indicator.ColumnGroups {
		r.Bands = append(r.Bands, sheet.Band{Title: g.Title, Cols: g.Cols})
	}
	return sheet.WriteReport(w, r)
}

// rateJSON is a rate with its parts.
type rateJSON struct {
	Num     int64   `json:"num"`
	Den     int64   `json:"den"`
	Value   float64 `json:"value"`
	Percent string  `json:"percent"`
}

func rateOf(r indicator.Rate) rateJSON {
	return rateJSON{Num: r.Num, Den: r.Den, Value: r.Value(), Percent: r.Percent()}
}

// StatsJSON is the table as the API and `report stats --format json` give it.
func StatsJSON(org *huifang.Org, t indicator.Table) map[string]any {
	row := func(r indicator.Row) map[string]any {
		c, k := r.Callbacks, r.Cases
		return map[string]any{
			"key": r.Key, "label": r.Label, "callbacks": c, "cases": k, "orphans": r.Orphans, "overdue": r.Overdue, "due_full": r.DueFull,
			"rates": map[string]rateJSON{
				indicator.SuccessRate.ID: rateOf(c.SuccessRate()), indicator.InPeriodSuccessRate.ID: rateOf(c.InPeriodSuccessRate()),
				indicator.CompletionRate.ID: rateOf(c.CompletionRate()), indicator.ProblemRate.ID: rateOf(c.ProblemRate()),
				indicator.ResolutionRate.ID: rateOf(k.ResolutionRate()), indicator.ClosureRate.ID: rateOf(k.ClosureRate()),
				indicator.OnTimeRate.ID: rateOf(k.OnTimeRate()), indicator.OrphanRate.ID: rateOf(r.OrphanRate()),
			},
		}
	}
	rows := func(rs []indicator.Row) []map[string]any {
		out := make([]map[string]any, 0, len(rs))
		for _, r := range rs {
			out = append(out, row(r))
		}
		return out
	}
	defs := make([]map[string]string, 0, len(indicator.Indicators))
	for _, d := range indicator.Indicators {
		defs = append(defs, map[string]string{"id": d.ID, "name": i18n.T(i18n.ZH, d.NameKey()), "name_en": i18n.T(i18n.EN, d.NameKey()),
			"formula": i18n.T(i18n.ZH, d.FormulaKey()), "formula_en": i18n.T(i18n.EN, d.FormulaKey())})
	}
	out := map[string]any{"org": org.Code, "org_name": org.Name, "period": t.Period.String(), "as_of": t.AsOf,
		"indicators": defs, "total": row(t.Total), "by_channel": rows(t.ByChannel), "by_design": rows(t.ByDesign), "by_problem_type": rows(t.ByType),
		"by_company": rows(t.ByCompany)}
	if !t.DueBy.IsZero() {
		// A period still running: the callback counts take the deadlines
		// up to due_by; each row's due_full is the full period's.
		out["due_by"] = t.DueBy
	}
	return out
}
