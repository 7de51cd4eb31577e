package app

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
)

// The quarterly public disclosure (信息披露, DOMAIN.md §8, docs/disclosure.md):
// the regulator publishes a quarter that has ended, once; each company's
// figures come from its accepted quarterly statistics table, or, without
// one, from the live table of the day (marked not confirmed by
// submission). Published figures are values, frozen: later callbacks and
// submissions never change them. A correction is an erratum beside the
// figure, the original kept. Anyone may read what is published.

// PreviewDisclosure gives a quarter's figures as publishing them now would
// freeze them, without storing anything: which companies have an accepted
// table and which would be published from the live table.
func (s *Service) PreviewDisclosure(ctx context.Context, u *huifang.User, period string) (*huifang.Disclosure, error) {
	p, err := s.disclosurePeriod(ctx, u, period)
	if err != nil {
		return nil, err
	}
	return s.buildDisclosure(ctx, u, p)
}

// PublishDisclosure publishes a quarter that has ended: every company the
// user oversees (the regulator's administrator: all of them), each row's
// figures frozen as values. A quarter is published once.
func (s *Service) PublishDisclosure(ctx context.Context, u *huifang.User, period string) (*huifang.Disclosure, error) {
	p, err := s.disclosurePeriod(ctx, u, period)
	if err != nil {
		return nil, err
	}
	d, err := s.buildDisclosure(ctx, u, p)
	if err != nil {
		return nil, err
	}
	if len(d.Rows) == 0 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.disclosure.no_companies")
	}
	if err := s.db.PublishDisclosure(ctx, d); errors.Is(err, huifang.ErrConflict) {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.disclosure.published", p.ZH())
	} else if err != nil {
		return nil, err
	}
	return d, nil
}

// disclosurePeriod checks who publishes which period: a regulator's user
// with the permission, a quarter that has ended, not yet published.
func (s *Service) disclosurePeriod(ctx context.Context, u *huifang.User, period string) (indicator.Period, error) {
	if err := discloser(u); err != nil {
		return indicator.Period{}, err
	}
	p, err := indicator.ParsePeriod(period)
	if err != nil {
		return p, err
	}
	if p.Kind != indicator.Quarter {
		return p, huifang.Errorf(huifang.EINVALID, "err.disclosure.quarter_only", period)
	}
	if !s.today().After(p.Last()) {
		return p, huifang.Errorf(huifang.EINVALID, "err.disclosure.period_open", p.ZH())
	}
	if _, err := s.db.FindDisclosure(ctx, u.OrgID, p.String()); err == nil {
		return p, huifang.Errorf(huifang.ECONFLICT, "err.disclosure.published", p.ZH())
	} else if !errors.Is(err, huifang.ErrNotFound) {
		return p, err
	}
	return p, nil
}

// discloser checks that the user publishes for a regulator: the
// permission, and a regulator's user (the command line's global
// administrator acts as a regulator through RegulatorCLI).
func discloser(u *huifang.User) error {
	if err := require(u, huifang.PermDisclose); err != nil {
		return err
	}
	if !u.Regulatory() {
		return huifang.Errorf(huifang.EFORBIDDEN, "err.auth.role_forbidden", u.Role)
	}
	return nil
}

// buildDisclosure computes the rows of a quarter for the companies the
// user oversees.
func (s *Service) buildDisclosure(ctx context.Context, u *huifang.User, p indicator.Period) (*huifang.Disclosure, error) {
	orgs, err := s.Overseen(ctx, u)
	if err != nil {
		return nil, err
	}
	v, err := s.ProfileFor(ctx, u.OrgID, p.Last())
	if err != nil {
		return nil, err
	}
	d := &huifang.Disclosure{RegulatorID: u.OrgID, Period: p.String(), Indicators: v.Rules.Disclosed(), PublishedAt: s.now(), PublishedBy: u.Login}
	if reg, err := s.db.FindOrgByID(ctx, u.OrgID); err == nil {
		d.RegulatorCode, d.RegulatorName = reg.Code, reg.Name
	} else {
		return nil, err
	}
	scope := huifang.SubmissionScope{Oversight: oversight(u)}
	subs, err := s.db.ListSubmissions(ctx, huifang.SubmissionFilter{SubmissionScope: scope, Period: p.String()})
	if err != nil {
		return nil, err
	}
	// The latest accepted version of each company (the list is by company,
	// the latest version first).
	accepted := map[int64]huifang.Submission{}
	for _, sub := range subs {
		if _, ok := accepted[sub.OrgID]; !ok && sub.Status == huifang.SubmissionAccepted {
			accepted[sub.OrgID] = sub
		}
	}
	for _, o := range orgs {
		r := huifang.DisclosureRow{OrgID: o.ID, OrgCode: o.Code, OrgName: o.Name, Source: huifang.FromLive}
		var total indicator.Row
		if sub, ok := accepted[o.ID]; ok {
			full, err := s.db.FindSubmission(ctx, scope, sub.ID)
			if err != nil {
				return nil, err
			}
			fr, err := FrozenTable(full)
			if err != nil {
				return nil, err
			}
			total = fr.Table.Total
			r.Source, r.SubmissionID, r.SubmissionVersion = huifang.FromSubmission, sub.ID, sub.Version
		} else {
			b := indicator.NewBuilder(p, s.today())
			if err := s.tally(ctx, o.ID, p, b); err != nil {
				return nil, err
			}
			total = b.Table().Total
		}
		for _, id := range d.Indicators {
			rate, _ := total.Rate(id)
			r.Figures = append(r.Figures, huifang.DisclosureFigure{Indicator: id, Num: rate.Num, Den: rate.Den})
		}
		r.DoubleHundred = indicator.DoubleHundred(total.Callbacks.SuccessRate(), total.Cases.ResolutionRate())
		d.Rows = append(d.Rows, r)
	}
	return d, nil
}

// ErratumInput is a correction of a published quarter: a company's row, the
// figure corrected ("" for a note on the row), the corrected figure (""
// for none: "123/130", or a percentage "96.5%"), and the note.
type ErratumInput struct {
	Period    string
	OrgCode   string
	Indicator string
	Value     string
	Note      string
}

// AddErratum adds an erratum to one of the regulator's published quarters,
// on a company the user oversees. The published figures stay as they were.
func (s *Service) AddErratum(ctx context.Context, u *huifang.User, in ErratumInput) (*huifang.Erratum, error) {
	if err := discloser(u); err != nil {
		return nil, err
	}
	org, err := s.oversees(ctx, u, strings.TrimSpace(in.OrgCode))
	if err != nil {
		return nil, err
	}
	p, err := indicator.ParsePeriod(in.Period)
	if err != nil {
		return nil, err
	}
	d, err := s.db.FindDisclosure(ctx, u.OrgID, p.String())
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.disclosure.not_found", p.String())
	} else if err != nil {
		return nil, err
	}
	var fields []huifang.FieldError
	e := &huifang.Erratum{DisclosureID: d.ID, Indicator: strings.TrimSpace(in.Indicator), Note: strings.TrimSpace(in.Note), At: s.now(), By: u.Login}
	for _, r := range d.Rows {
		if r.OrgID == org.ID {
			e.RowID = r.ID
		}
	}
	if e.RowID == 0 {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.disclosure.no_row", org.Code, p.String())
	}
	if e.Note == "" {
		fields = append(fields, huifang.Field("note", "err.disclosure.note_required"))
	} else if len([]rune(e.Note)) > 1000 {
		fields = append(fields, huifang.Field("note", "err.disclosure.note_long"))
	}
	if e.Indicator != "" && !slices.Contains(d.Indicators, e.Indicator) {
		fields = append(fields, huifang.Field("indicator", "err.disclosure.bad_indicator", e.Indicator))
	}
	if v := strings.TrimSpace(in.Value); v != "" {
		num, den, ok := ParseFigure(v)
		switch {
		case !ok:
			fields = append(fields, huifang.Field("value", "err.disclosure.bad_value", v))
		case e.Indicator == "":
			fields = append(fields, huifang.Field("indicator", "err.disclosure.value_needs_indicator"))
		default:
			e.Corrected, e.Num, e.Den = true, num, den
		}
	}
	if len(fields) > 0 {
		return nil, &huifang.Error{Code: huifang.EINVALID, Key: fields[0].Key, Args: fields[0].Args, Fields: fields}
	}
	if err := s.db.AddErratum(ctx, u.OrgID, e, actor(u)); err != nil {
		return nil, err
	}
	return e, nil
}

// ParseFigure reads a corrected figure: "123/130" (numerator and
// denominator), or a percentage "96.5%" or "96.5" (kept in hundredths of a
// percent: 9650/10000).
func ParseFigure(s string) (num, den int64, ok bool) {
	s = strings.TrimSpace(s)
	if a, b, found := strings.Cut(s, "/"); found {
		n, err1 := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
		d, err2 := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
		if err1 != nil || err2 != nil || d <= 0 || n < 0 || n > d {
			return 0, 0, false
		}
		return n, d, true
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 100 {
		return 0, 0, false
	}
	return int64(math.Round(f * 100)), 10000, true
}

// Disclosures lists the published quarters, the latest first: a
// regulator's (its code), or every regulator's ("").
func (s *Service) Disclosures(ctx context.Context, regulatorCode string) ([]huifang.Disclosure, error) {
	f := huifang.DisclosureFilter{}
	if regulatorCode != "" {
		reg, err := s.publicRegulator(ctx, regulatorCode)
		if err != nil {
			return nil, err
		}
		f.RegulatorID = reg.ID
	}
	return s.db.ListDisclosures(ctx, f)
}

// PublicDisclosure is a published quarter as the public page shows it:
// the rows and errata, and each company's rows of every quarter its
// regulator published (the latest first), by company code.
type PublicDisclosure struct {
	*huifang.Disclosure
	History map[string][]huifang.DisclosureRow
}

// ErrWhichRegulator: several regulators published the quarter asked for
// without a regulator's code.
var ErrWhichRegulator = huifang.Errorf(huifang.ENOTFOUND, "err.disclosure.which_regulator")

// Disclosure reads a published quarter of a regulator (its code; "" when
// only one regulator published that quarter, else ErrWhichRegulator).
func (s *Service) Disclosure(ctx context.Context, regulatorCode, period string) (*PublicDisclosure, error) {
	p, err := indicator.ParsePeriod(period)
	if err != nil || p.Kind != indicator.Quarter {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.disclosure.not_found", period)
	}
	var regID int64
	if regulatorCode != "" {
		reg, err := s.publicRegulator(ctx, regulatorCode)
		if err != nil {
			return nil, err
		}
		regID = reg.ID
	} else {
		list, err := s.db.ListDisclosures(ctx, huifang.DisclosureFilter{Period: p.String()})
		if err != nil {
			return nil, err
		}
		switch len(list) {
		case 0:
			return nil, huifang.Errorf(huifang.ENOTFOUND, "err.disclosure.not_found", p.String())
		case 1:
			regID = list[0].RegulatorID
		default:
			return nil, ErrWhichRegulator
		}
	}
	d, err := s.db.FindDisclosure(ctx, regID, p.String())
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.disclosure.not_found", p.String())
	} else if err != nil {
		return nil, err
	}
	rows, err := s.db.DisclosureHistory(ctx, regID)
	if err != nil {
		return nil, err
	}
	out := &PublicDisclosure{Disclosure: d, History: map[string][]huifang.DisclosureRow{}}
	for _, r := range rows {
		out.History[r.OrgCode] = append(out.History[r.OrgCode], r)
	}
	return out, nil
}

// publicRegulator finds a regulator by code for the public pages; any
// other code is not found.
func (s *Service) publicRegulator(ctx context.Context, code string) (*huifang.Org, error) {
	o, err := s.db.FindOrgByCode(ctx, code)
	if errors.Is(err, huifang.ErrNotFound) || (err == nil && o.Kind != huifang.KindRegulator) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_regulator", code)
	}
	return o, err
}

// PublishedBy lists the quarters the user's regulator published, the
// latest first: the regulator's page of its disclosures.
func (s *Service) PublishedBy(ctx context.Context, u *huifang.User) ([]huifang.Disclosure, error) {
	if err := discloser(u); err != nil {
		return nil, err
	}
	return s.db.ListDisclosures(ctx, huifang.DisclosureFilter{RegulatorID: u.OrgID})
}

// RegulatorDisclosure reads one of the user's regulator's published
// quarters (for the erratum form).
func (s *Service) RegulatorDisclosure(ctx context.Context, u *huifang.User, period string) (*huifang.Disclosure, error) {
	if err := discloser(u); err != nil {
		return nil, err
	}
	d, err := s.db.FindDisclosure(ctx, u.OrgID, period)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.disclosure.not_found", period)
	}
	return d, err
}
