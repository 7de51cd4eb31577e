package web

import (
	"errors"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/spotcheck"
)

// limitView is one type's time limit.
type limitView struct {
	Type            huifang.ProblemType
	Days            int
	Working         bool
	CustomerMustAct bool
}

// versionView is a version of the rule profile, with its limits in the
// order of the types.
type versionView struct {
	V profile.Version
	// The statistics tables' deadlines and targets, defaults filled in.
	SubmitMonth, SubmitQuarter, SubmitYear int
	TargetSuccess, TargetResolution        string
	State                                  string // "current", "scheduled" or "past"
	Limits                                 []limitView
	// FallbackDays is the electronic callbacks' fallback, its default filled in.
	FallbackDays int
	// The orphan callbacks' limit in gate mode and the false-phone
	// thresholds, their defaults filled in.
	GateDays, SharedMin, ChangedDays int
	// The spot checks' sampling rate and minimum, defaults filled in.
	SampleRate string
	SampleMin  int
	// The QA draw's rate and minimum per operator, defaults filled in.
	QARate string
	QAMin  int
	// How long a due appointment waits for its operator, in minutes.
	AppointmentHold int
}

func viewVersion(v profile.Version, state string) versionView {
	vv := versionView{V: v, State: state, FallbackDays: v.Rules.ElectronicFallbackDays,
		SubmitMonth: v.Rules.SubmitDays("month"), SubmitQuarter: v.Rules.SubmitDays("quarter"), SubmitYear: v.Rules.SubmitDays("year"),
		GateDays: v.Rules.OrphanGateDays(), SharedMin: v.Rules.SharedPhoneMin(), ChangedDays: v.Rules.PhoneChangedWithin(),
		SampleRate: bpPercent(v.Rules.SampleRate()), SampleMin: v.Rules.SampleMinimum(), QARate: bpPercent(v.Rules.QARate()), QAMin: v.Rules.QAMinimum(),
		AppointmentHold: int(v.Rules.AppointmentHold().Minutes())}
	succ, res := v.Rules.Targets()
	vv.TargetSuccess, vv.TargetResolution = bpPercent(succ), bpPercent(res)
	if vv.FallbackDays <= 0 {
		vv.FallbackDays = callback.DefaultFallbackDays
	}
	for _, t := range huifang.ProblemTypes {
		l := v.Rules.Limits[t]
		vv.Limits = append(vv.Limits, limitView{Type: t, Days: l.Days, Working: l.Working, CustomerMustAct: l.CustomerMustAct})
	}
	return vv
}

// limitField is one type's limit as typed in the form.
type limitField struct {
	Type    huifang.ProblemType
	Days    string
	Working bool
	Error   string
}

// profileForm is the form of a new version, as typed.
type profileForm struct {
	From                           string
	Limits                         []limitField
	CallStart, CallEnd             string
	RestDays                       bool
	DueSoon                        string
	MinAttempts, MinDays, MinSlots string
	OrphanMode, NotifyDays         string
	Electronic                     map[huifang.DesignType]bool // electronic first for these design types
	FallbackDays                   string
	// Statistics tables: submission days after a month, a quarter, a
	// year; the targets as percentages ("100", "98.5").
	SubmitMonth, SubmitQuarter, SubmitYear string
	TargetSuccess, TargetResolution        string
	// Scope and deadlines: non-life wealth management in scope, the
	// cooling-off period's run-on past a rest day.
	NonLifeWealth, RunsOn bool
	// GateDays: orphan callbacks' limit in gate mode, in working days.
	GateDays string
	// False phone numbers: the shared-phone threshold and the phone-change
	// window, in days.
	SharedPhone, PhoneChanged string
	Note                      string
	Errors                    map[string]string
	Error                     string

	// Spot checks: the sampling rate (a percentage without its sign) and
	// the minimum size.
	SampleRate, SampleMin string
	// QA: the weekly draw's rate (a percentage without its sign) and the
	// minimum per operator.
	QARate, QAMin string
	// The appointment hold in minutes.
	AppointmentHold string
}

func formOf(r profile.Rules, from huifang.Date) profileForm {
	f := profileForm{From: from.String(), CallStart: r.CallStart, CallEnd: r.CallEnd, RestDays: r.RestDays,
		DueSoon: strconv.Itoa(r.DueSoonWorkdays), MinAttempts: strconv.Itoa(r.MinAttempts), MinDays: strconv.Itoa(r.MinDays),
		MinSlots: strconv.Itoa(r.MinSlots), OrphanMode: r.OrphanMode, NotifyDays: strconv.Itoa(r.OrphanNotifyDays), Errors: map[string]string{}}
	f = withElectronic(f, r)
	f = withStats(f, r)
	f = withSettings(f, r)
	for _, t := range huifang.ProblemTypes {
		l := r.Limits[t]
		f.Limits = append(f.Limits, limitField{Type: t, Days: strconv.Itoa(l.Days), Working: l.Working})
	}
	return f
}

// withElectronic fills the form's electronic-callback section from rules.
func withElectronic(f profileForm, r profile.Rules) profileForm {
	f.Electronic = map[huifang.DesignType]bool{}
	for _, d := range r.ElectronicFirst {
		f.Electronic[d] = true
	}
	days := r.ElectronicFallbackDays
	if days <= 0 {
		days = callback.DefaultFallbackDays
	}
	f.FallbackDays = strconv.Itoa(days)
	return f
}

// withStats fills the form's statistics section from rules, defaults
// filled in.
func withStats(f profileForm, r profile.Rules) profileForm {
	f.SubmitMonth, f.SubmitQuarter, f.SubmitYear = strconv.Itoa(r.SubmitDays("month")), strconv.Itoa(r.SubmitDays("quarter")), strconv.Itoa(r.SubmitDays("year"))
	succ, res := r.Targets()
	f.TargetSuccess, f.TargetResolution = bpPercentNumber(succ), bpPercentNumber(res)
	return f
}

// withSettings fills the form's scope, orphan-limit and false-phone fields
// from rules, defaults filled in.
func withSettings(f profileForm, r profile.Rules) profileForm {
	f.NonLifeWealth, f.RunsOn = r.NonLifeWealthInScope, r.CoolingOffRunsOn
	f.GateDays = strconv.Itoa(r.OrphanGateDays())
	f.SharedPhone, f.PhoneChanged = strconv.Itoa(r.SharedPhoneMin()), strconv.Itoa(r.PhoneChangedWithin())
	f.SampleRate, f.SampleMin = bpPercentNumber(r.SampleRate()), strconv.Itoa(r.SampleMinimum())
	f.QARate, f.QAMin = bpPercentNumber(r.QARate()), strconv.Itoa(r.QAMinimum())
	f.AppointmentHold = strconv.Itoa(int(r.AppointmentHold().Minutes()))
	return f
}

// bpPercentNumber writes basis points as a percentage without its sign.
func bpPercentNumber(bp int) string { return strings.TrimSuffix(bpPercent(bp), "%") }

// percentBP reads a percentage ("98.5", "100") as basis points.
func percentBP(s string) (int, bool) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || v < 0 || v > 100 {
		return 0, false
	}
	return int(math.Round(v * 100)), true
}

type profilePage struct {
	InForce   versionView
	Default   bool // the organisation follows no regulator: the national baseline
	Versions  []versionView
	CanChange bool
	Form      profileForm
	Modes     []string
	Designs   []huifang.DesignType
	Notice    string
}

func (s *server) profileShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	notice := ""
	if from := r.URL.Query().Get("saved"); from != "" {
		if d, err := huifang.ParseISODate(from); err == nil {
			notice = rq.T.T("profile.saved", d.String())
		}
	}
	return s.renderProfile(w, r, rq, http.StatusOK, nil, notice)
}

// renderProfile renders the rules page; form nil means the form prefilled
// with the rules in force.
func (s *server) renderProfile(w http.ResponseWriter, r *http.Request, rq *request, status int, form *profileForm, notice string) error {
	u, today := rq.User, s.today()
	cur, err := s.svc.ProfileFor(r.Context(), u.OrgID, today)
	if err != nil {
		return err
	}
	vs, err := s.svc.Profiles(r.Context(), u)
	if err != nil {
		return err
	}
	p := profilePage{InForce: viewVersion(cur, "current"), Default: len(vs) == 0, CanChange: u.Can(huifang.PermSupervise),
		Modes: []string{profile.OrphanGate, profile.OrphanNotify}, Designs: huifang.DesignTypes, Notice: notice}
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].From != vs[j].From {
			return vs[i].From.After(vs[j].From)
		}
		return vs[i].ID > vs[j].ID
	})
	for _, v := range vs {
		state := "past"
		switch {
		case v.From.After(today):
			state = "scheduled"
		case v.ID == cur.ID:
			state = "current"
		}
		p.Versions = append(p.Versions, viewVersion(v, state))
	}
	if form != nil {
		p.Form = *form
	} else {
		p.Form = formOf(cur.Rules, today.AddDays(1))
	}
	s.render(w, r, rq, status, "profile", rq.T.T("profile.title"), "profile", p)
	return nil
}

// profileChange adds a version of the regulator's profile.
func (s *server) profileChange(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	if !u.Can(huifang.PermSupervise) {
		return huifang.Errorf(huifang.EFORBIDDEN, "err.profile.supervisor_only")
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	cur, err := s.svc.ProfileFor(r.Context(), u.OrgID, s.today())
	if err != nil {
		return err
	}
	pf := r.PostForm
	f := profileForm{From: strings.TrimSpace(pf.Get("from")), CallStart: strings.TrimSpace(pf.Get("call_start")), CallEnd: strings.TrimSpace(pf.Get("call_end")),
		RestDays: pf.Get("rest_days") != "", DueSoon: strings.TrimSpace(pf.Get("due_soon")), MinAttempts: strings.TrimSpace(pf.Get("min_attempts")),
		MinDays: strings.TrimSpace(pf.Get("min_days")), MinSlots: strings.TrimSpace(pf.Get("min_slots")), OrphanMode: pf.Get("orphan_mode"),
		NotifyDays: strings.TrimSpace(pf.Get("notify_days")), Note: strings.TrimSpace(pf.Get("note")), Errors: map[string]string{},
		Electronic: map[huifang.DesignType]bool{}, FallbackDays: strings.TrimSpace(pf.Get("electronic_fallback_days"))}
	// The rules start from those in force: what the form does not show is kept.
	rules := cur.Rules
	rules.Limits = map[huifang.ProblemType]profile.Limit{}
	num := func(field, s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			f.Errors[field] = rq.T.T("form.number")
		}
		return n
	}
	for _, t := range huifang.ProblemTypes {
		lf := limitField{Type: t, Days: strings.TrimSpace(pf.Get("days." + string(t))), Working: pf.Get("working."+string(t)) != ""}
		days, err := strconv.Atoi(lf.Days)
		if err != nil {
			f.Errors["limits."+string(t)] = rq.T.T("form.number")
		}
		f.Limits = append(f.Limits, lf)
		rules.Limits[t] = profile.Limit{Days: days, Working: lf.Working, CustomerMustAct: cur.Rules.Limits[t].CustomerMustAct}
	}
	rules.CallStart, rules.CallEnd, rules.RestDays = f.CallStart, f.CallEnd, f.RestDays
	rules.DueSoonWorkdays = num("due_soon_workdays", f.DueSoon)
	rules.MinAttempts = num("min_attempts", f.MinAttempts)
	rules.MinDays = num("min_attempts", f.MinDays)
	rules.MinSlots = num("min_attempts", f.MinSlots)
	rules.OrphanMode = f.OrphanMode
	if f.OrphanMode == profile.OrphanNotify {
		rules.OrphanNotifyDays = num("orphan_notify_days", f.NotifyDays)
	} else {
		rules.OrphanNotifyDays = 0
	}
	if pf.Get("electronic") != "" { // the form had the section: else the rules in force stay
		rules.ElectronicFirst = nil
		for _, d := range huifang.DesignTypes { // in display order, whatever the form's
			for _, v := range pf["electronic_first"] {
				if v == string(d) && !f.Electronic[d] {
					f.Electronic[d] = true
					rules.ElectronicFirst = append(rules.ElectronicFirst, d)
				}
			}
		}
		rules.ElectronicFallbackDays = num("electronic_fallback_days", f.FallbackDays)
	} else {
		f = withElectronic(f, rules)
	}
	if pf.Get("stats") != "" { // the form had the section: else the rules in force stay
		f.SubmitMonth, f.SubmitQuarter, f.SubmitYear = strings.TrimSpace(pf.Get("submit_days_month")), strings.TrimSpace(pf.Get("submit_days_quarter")), strings.TrimSpace(pf.Get("submit_days_year"))
		f.TargetSuccess, f.TargetResolution = strings.TrimSpace(pf.Get("target_success")), strings.TrimSpace(pf.Get("target_resolution"))
		rules.SubmitDaysMonth = num("submit_days_month", f.SubmitMonth)
		rules.SubmitDaysQuarter = num("submit_days_quarter", f.SubmitQuarter)
		rules.SubmitDaysYear = num("submit_days_year", f.SubmitYear)
		for field, v := range map[string]string{"target_success_bp": f.TargetSuccess, "target_resolution_bp": f.TargetResolution} {
			bp, ok := percentBP(v)
			if !ok || bp == 0 {
				f.Errors[field] = rq.T.T("profile.stats.target.bad")
			}
			if field == "target_success_bp" {
				rules.TargetSuccessBP = bp
			} else {
				rules.TargetResolutionBP = bp
			}
		}
	} else {
		f = withStats(f, rules)
	}
	// The sections below are read when the form had them; else the rules
	// in force stay.
	kept := withSettings(profileForm{}, rules)
	if pf.Get("scope") != "" {
		f.NonLifeWealth, f.RunsOn = pf.Get("nonlife_wealth_in_scope") != "", pf.Get("cooling_off_runs_on") != ""
		rules.NonLifeWealthInScope, rules.CoolingOffRunsOn = f.NonLifeWealth, f.RunsOn
	} else {
		f.NonLifeWealth, f.RunsOn = kept.NonLifeWealth, kept.RunsOn
	}
	if pf.Has("orphan_gate_workdays") {
		f.GateDays = strings.TrimSpace(pf.Get("orphan_gate_workdays"))
		rules.OrphanGateWorkdays = num("orphan_gate_workdays", f.GateDays)
	} else {
		f.GateDays = kept.GateDays
	}
	if pf.Get("phones") != "" {
		f.SharedPhone, f.PhoneChanged = strings.TrimSpace(pf.Get("shared_phone_holders")), strings.TrimSpace(pf.Get("phone_changed_days"))
		rules.SharedPhoneHolders = num("shared_phone_holders", f.SharedPhone)
		rules.PhoneChangedDays = num("phone_changed_days", f.PhoneChanged)
	} else {
		f.SharedPhone, f.PhoneChanged = kept.SharedPhone, kept.PhoneChanged
	}
	if pf.Get("sampling") != "" {
		f.SampleRate, f.SampleMin = strings.TrimSpace(pf.Get("sample_rate")), strings.TrimSpace(pf.Get("sample_min"))
		if bp, err := spotcheck.ParseRate(f.SampleRate + "%"); err != nil {
			f.Errors["sample_rate_bp"] = rq.T.T("err.spotcheck.rate")
		} else {
			rules.SampleRateBP = bp
		}
		rules.SampleMin = num("sample_min", f.SampleMin)
	} else {
		f.SampleRate, f.SampleMin = kept.SampleRate, kept.SampleMin
	}
	if pf.Get("qa") != "" {
		f.QARate, f.QAMin = strings.TrimSpace(pf.Get("qa_rate")), strings.TrimSpace(pf.Get("qa_min"))
		if bp, err := spotcheck.ParseRate(f.QARate + "%"); err != nil {
			f.Errors["qa_rate_bp"] = rq.T.T("err.qa.rate")
		} else {
			rules.QARateBP = bp
		}
		rules.QAMin = num("qa_min", f.QAMin)
	} else {
		f.QARate, f.QAMin = kept.QARate, kept.QAMin
	}
	if pf.Get("appointment") != "" {
		f.AppointmentHold = strings.TrimSpace(pf.Get("appointment_hold_minutes"))
		rules.AppointmentHoldMinutes = num("appointment_hold_minutes", f.AppointmentHold)
	} else {
		f.AppointmentHold = kept.AppointmentHold
	}
	from, err := huifang.ParseISODate(f.From)
	if err != nil {
		f.Errors["from"] = rq.T.T("list.baddate")
	}
	status := http.StatusBadRequest
	if len(f.Errors) > 0 {
		// Say everything at once: what the rules' own check finds too.
		var ae *huifang.Error
		if errors.As(rules.Validate(), &ae) {
			for _, fe := range ae.Fields {
				if f.Errors[fe.Field] == "" {
					f.Errors[fe.Field] = fe.Text(rq.uiLang())
				}
			}
		}
	} else {
		_, err := s.svc.ChangeProfile(r.Context(), u, app.ProfileInput{From: from, Rules: rules, Note: f.Note})
		if err == nil {
			http.Redirect(w, r, "/profile?saved="+from.String(), http.StatusSeeOther)
			return nil
		}
		fields := addFieldErrors(rq, f.Errors, err)
		msg, st, err := formError(rq, err)
		if err != nil {
			return err
		}
		status = st
		if fields == 0 {
			// The app's only check without a field is the effective date.
			f.Errors["from"] = msg
		}
	}
	for i := range f.Limits {
		f.Limits[i].Error = f.Errors["limits."+string(f.Limits[i].Type)]
	}
	if len(f.Errors) > 0 {
		f.Error = rq.T.T("form.fix")
	}
	return s.renderProfile(w, r, rq, status, &f, "")
}
