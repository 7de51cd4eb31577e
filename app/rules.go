package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/workday"
)

// calendars holds the working-day calendar in force: the shipped years and
// those administrators loaded. It is replaced whole when a year is loaded.
type calendars struct {
	p atomic.Pointer[workday.Calendar]
}

// Calendar returns the working-day calendar in force.
func (s *Service) Calendar() *workday.Calendar {
	if s.cal != nil {
		if c := s.cal.p.Load(); c != nil {
			return c
		}
	}
	return workday.Shipped()
}

// LoadCalendars builds the calendar from the shipped years and the years
// loaded into the database; call it at start-up.
func (s *Service) LoadCalendars(ctx context.Context) error {
	cal := workday.Shipped()
	years, err := s.db.ListCalendarYears(ctx)
	if err != nil {
		return err
	}
	for _, y := range years {
		parsed, err := workday.ParseYear(strings.NewReader(y.Body))
		if err != nil {
			return fmt.Errorf("calendar %d in the database: %w", y.Year, err)
		}
		cal = cal.With(parsed)
	}
	s.calendars().p.Store(cal)
	return nil
}

func (s *Service) calendars() *calendars {
	if s.cal == nil {
		s.cal = &calendars{}
	}
	return s.cal
}

// LoadCalendarYear checks a year's calendar file (docs/calendar.md) and puts it
// in force, replacing a shipped or earlier one. System administrators only.
func (s *Service) LoadCalendarYear(ctx context.Context, u *huifang.User, body string) (*workday.Year, error) {
	if u == nil || !u.Can(huifang.PermLoadCalendar) {
		return nil, huifang.Errorf(huifang.EFORBIDDEN, "err.calendar.admin_only")
	}
	y, err := workday.ParseYear(strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	if err := s.db.SaveCalendarYear(ctx, huifang.CalendarYear{Year: y.Year, Body: body, LoadedAt: s.now(), LoadedBy: u.Login}); err != nil {
		return nil, err
	}
	s.calendars().p.Store(s.Calendar().With(y))
	return y, nil
}

// CalendarWarning is the warning administrators see from 1 October while next
// year's calendar is missing, or "".
func (s *Service) CalendarWarning() string {
	if year, missing := s.Calendar().MissingNext(s.today()); missing {
		return i18n.T(i18n.ZH, "calendar.warning", year, year)
	}
	return ""
}

// restDay tells rest days from the calendar, refusing unknown years.
func (s *Service) restDay(d huifang.Date) (bool, error) {
	ok, err := s.Calendar().IsWorkingDay(d)
	return !ok, err
}

// profileCache keeps what every callback step asks: which regulator an
// organisation follows (never changes) and its profile versions (kept a
// minute: a new version takes effect from a later day, and the version in
// force is chosen by date on every call).
type profileCache struct {
	mu       sync.Mutex
	reg      map[int64]int64
	versions map[int64]cachedVersions
}

type cachedVersions struct {
	at time.Time
	vs []profile.Version
}

const profileTTL = time.Minute

func (s *Service) profiles() *profileCache {
	if s.pc == nil {
		s.pc = &profileCache{reg: map[int64]int64{}, versions: map[int64]cachedVersions{}}
	}
	return s.pc
}

// regulatorOf returns the regulator whose profile an organisation follows.
func (s *Service) regulatorOf(ctx context.Context, orgID int64) (int64, error) {
	pc := s.profiles()
	pc.mu.Lock()
	reg, ok := pc.reg[orgID]
	pc.mu.Unlock()
	if ok {
		return reg, nil
	}
	org, err := s.db.FindOrgByID(ctx, orgID)
	if err != nil {
		return 0, err
	}
	reg = org.RegulatorID
	if org.Kind == huifang.KindRegulator {
		reg = org.ID
	}
	pc.mu.Lock()
	pc.reg[orgID] = reg
	pc.mu.Unlock()
	return reg, nil
}

// versionsOf returns a regulator's profile versions, cached for a minute.
func (s *Service) versionsOf(ctx context.Context, reg int64) ([]profile.Version, error) {
	pc := s.profiles()
	now := time.Now()
	pc.mu.Lock()
	c, ok := pc.versions[reg]
	pc.mu.Unlock()
	if ok && now.Sub(c.at) < profileTTL {
		return c.vs, nil
	}
	vs, err := s.db.ListProfileVersions(ctx, reg)
	if err != nil {
		return nil, err
	}
	pc.mu.Lock()
	pc.versions[reg] = cachedVersions{at: now, vs: vs}
	pc.mu.Unlock()
	return vs, nil
}

// forgetVersions drops a regulator's cached versions after a change here.
func (s *Service) forgetVersions(reg int64) {
	pc := s.profiles()
	pc.mu.Lock()
	delete(pc.versions, reg)
	pc.mu.Unlock()
}

// ProfileFor returns the profile version in force for an organisation on a
// date: its regulator's; the national baseline when it has none.
func (s *Service) ProfileFor(ctx context.Context, orgID int64, on huifang.Date) (profile.Version, error) {
	reg, err := s.regulatorOf(ctx, orgID)
	if err != nil {
		return profile.Version{}, err
	}
	if reg != 0 {
		vs, err := s.versionsOf(ctx, reg)
		if err != nil {
			return profile.Version{}, err
		}
		if v, ok := profile.InForce(vs, on); ok {
			return v, nil
		}
	}
	r, name, _ := profile.Shipped(profile.NationalBaseline)
	return profile.Version{Name: name, Base: profile.NationalBaseline, Rules: r}, nil
}

// callingRules turns a profile's settings into the callback rules.
func callingRules(r profile.Rules) (callback.Hours, callback.AttemptPolicy) {
	start, _ := profile.ClockTime(r.CallStart)
	end, _ := profile.ClockTime(r.CallEnd)
	return callback.Hours{Start: start, End: end, RestDays: r.RestDays, AnyTime: r.CallAnyTime},
		callback.AttemptPolicy{MinAttempts: r.MinAttempts, MinDays: r.MinDays, MinSlots: r.MinSlots}
}

// callRules returns the calling hours, attempt policy and rest-day test in
// force for an insurer now. Rules fixed on the service (tests, benchmarks)
// win over the profile.
func (s *Service) callRules(ctx context.Context, orgID int64) (callback.Hours, callback.AttemptPolicy, callback.RestDayFunc, error) {
	if s.Rules.Fixed {
		return s.Rules.Hours, s.Rules.Attempts, s.Rules.RestDay, nil
	}
	v, err := s.ProfileFor(ctx, orgID, s.today())
	if err != nil {
		return callback.Hours{}, callback.AttemptPolicy{}, nil, err
	}
	h, a := callingRules(v.Rules)
	return h, a, s.restDay, nil
}

// appointmentHold is how long a due appointment of the insurer waits for the
// operator who agreed it before any operator may take it.
func (s *Service) appointmentHold(ctx context.Context, orgID int64) (time.Duration, error) {
	if s.Rules.Fixed {
		if s.Rules.AppointmentHold > 0 {
			return s.Rules.AppointmentHold, nil
		}
		return profile.Rules{}.AppointmentHold(), nil
	}
	v, err := s.ProfileFor(ctx, orgID, s.today())
	if err != nil {
		return 0, err
	}
	return v.Rules.AppointmentHold(), nil
}

// CallsAnyTime reports whether the rules in force let the user's insurer
// call at any hour and on rest days: the demo's profile does, so that pages
// can say so; a real profile never.
func (s *Service) CallsAnyTime(ctx context.Context, u *huifang.User) bool {
	if u == nil {
		return false
	}
	hours, _, _, err := s.callRules(ctx, u.OrgID)
	return err == nil && hours.AnyTime
}

// deadline computes a problem case's deadline from the limit of its type in
// the profile in force on the day it opens. It refuses a year with no
// calendar rather than guess.
func (s *Service) deadline(ctx context.Context, orgID int64, t huifang.ProblemType, opened huifang.Date) (huifang.Date, profile.Limit, int64, error) {
	v, err := s.ProfileFor(ctx, orgID, opened)
	if err != nil {
		return huifang.Date{}, profile.Limit{}, 0, err
	}
	l, ok := v.Rules.Limits[t]
	if !ok {
		return huifang.Date{}, l, 0, huifang.Errorf(huifang.EINVALID, "err.rules.no_limit", t.ZH())
	}
	if !l.Working {
		return opened.AddDays(l.Days), l, v.ID, nil
	}
	due, err := s.Calendar().AddWorkdays(opened, l.Days)
	if err != nil {
		var ae *huifang.Error
		if errors.As(err, &ae) {
			return huifang.Date{}, l, 0, ae
		}
		return huifang.Date{}, l, 0, err
	}
	return due, l, v.ID, nil
}

// ProfileInput is a new version of a regulator's profile.
type ProfileInput struct {
	From  huifang.Date
	Rules profile.Rules
	Note  string
}

// Profiles lists the versions of the profile the user's organisation follows.
func (s *Service) Profiles(ctx context.Context, u *huifang.User) ([]profile.Version, error) {
	if u == nil {
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
	}
	reg, err := s.regulatorOf(ctx, u.OrgID)
	if err != nil || reg == 0 {
		return nil, err
	}
	return s.db.ListProfileVersions(ctx, reg)
}

// ChangeProfile adds a version of the regulator's profile, in force from a
// date no earlier than tomorrow: a change never rewrites what was decided,
// and deadlines already set keep their dates. Supervisors of the regulator only.
func (s *Service) ChangeProfile(ctx context.Context, u *huifang.User, in ProfileInput) (*profile.Version, error) {
	if err := require(u, huifang.PermSupervise); err != nil {
		return nil, err
	}
	if in.From.IsZero() || !in.From.After(s.today()) {
		return nil, huifang.Errorf(huifang.EINVALID, "err.rules.retroactive")
	}
	if err := in.Rules.Validate(); err != nil {
		return nil, err
	}
	vs, err := s.db.ListProfileVersions(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	base, name := profile.NationalBaseline, i18n.T(i18n.ZH, "rules.default_name")
	if cur, ok := profile.InForce(vs, s.today()); ok {
		base, name = cur.Base, cur.Name
	}
	if in.Rules.CallAnyTime && base != profile.Demo {
		// Customers' evenings and rest days are not for calls; only the
		// demonstration may ignore calling hours.
		return nil, huifang.Errorf(huifang.EINVALID, "err.rules.anytime_demo")
	}
	v := &profile.Version{RegulatorID: u.OrgID, Name: name, Base: base, From: in.From, Rules: in.Rules, Note: strings.TrimSpace(in.Note), CreatedAt: s.now(), CreatedBy: u.Login}
	defer s.forgetVersions(u.OrgID)
	return v, s.db.AddProfileVersion(ctx, v)
}

// startProfile gives a new regulator its first profile version, from a
// shipped profile, in force from the start.
func (s *Service) startProfile(ctx context.Context, reg *huifang.Org, code string, by string) error {
	if code == "" {
		code = profile.SeedBureau
	}
	r, name, ok := profile.Shipped(code)
	if !ok {
		return huifang.Errorf(huifang.EINVALID, "err.rules.unknown_profile", code, strings.Join(profile.ShippedCodes, ", "))
	}
	return s.db.AddProfileVersion(ctx, &profile.Version{RegulatorID: reg.ID, Name: name, Base: code, From: huifang.NewDate(2000, 1, 1),
		Rules: r, Note: i18n.T(i18n.ZH, "rules.initial_note", name), CreatedAt: s.now(), CreatedBy: by})
}
