// Package profile holds rule profiles (DOMAIN.md §9): the settings a
// regulator owns and every insurer it supervises follows — problem-case time
// limits, calling hours, the attempt policy, the orphan-policy mode. A profile
// has versions; each applies from a date, and a deadline once set is never
// moved by a later version.
package profile

import (
	"encoding/json"
	"slices"
	"sort"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/qa"
	"github.com/huifang/huifang/spotcheck"
)

// Limit is the time a problem case of one type has to be resolved.
type Limit struct {
	Days int `json:"days"`
	// Working counts working days of the official calendar; otherwise
	// calendar days.
	Working bool `json:"working"`
	// CustomerMustAct marks types where the customer has to do something
	// (sign again, correct details): the seed bureau gives them longer.
	CustomerMustAct bool `json:"customer_must_act,omitempty"`
}

// Orphan modes (DOMAIN.md §6).
const (
	OrphanGate   = "gate"   // resignation only once every orphan policy was called back successfully
	OrphanNotify = "notify" // the customer is notified within N days after the departure
)

// Rules are one version of a profile's settings.
type Rules struct {
	Limits map[huifang.ProblemType]Limit `json:"limits"`
	// DueSoonWorkdays flags a case due within this many working days.
	DueSoonWorkdays int `json:"due_soon_workdays"`
	// Calling hours, Beijing time, as "09:00" and "20:00"; RestDays allows
	// calls on rest days.
	CallStart string `json:"call_start"`
	CallEnd   string `json:"call_end"`
	RestDays  bool   `json:"call_on_rest_days"`
	// CallAnyTime allows calls at any hour and on rest days. Only the demo
	// profile sets it, so that the demo can be tried in the evening, at a
	// weekend or from another time zone; a real profile keeps customers'
	// evenings and rest days free of calls.
	CallAnyTime bool `json:"call_any_time,omitempty"`
	// The attempt policy for "cannot contact".
	MinAttempts int `json:"min_attempts"`
	MinDays     int `json:"min_days"`
	MinSlots    int `json:"min_slots"`
	// Orphan policies.
	OrphanMode       string `json:"orphan_mode"`
	OrphanNotifyDays int    `json:"orphan_notify_days,omitempty"`
	// OrphanGateWorkdays: in gate mode, an orphan callback is due this many
	// working days after its agent's departure started; 0 means
	// DefaultOrphanGateWorkdays.
	OrphanGateWorkdays int `json:"orphan_gate_workdays,omitempty"`
	// CoolingOffRunsOn: a cooling-off period ending on a rest day runs on
	// to the next working day (DOMAIN.md §3; off unless the profile says so).
	CoolingOffRunsOn bool `json:"cooling_off_runs_on,omitempty"`
	// False phone numbers (DOMAIN.md §6): a phone shared by at least
	// SharedPhoneHolders unrelated policyholders, or changed within
	// PhoneChangedDays days before the callback, flags the policy; 0 means
	// DefaultSharedPhoneHolders and DefaultPhoneChangedDays.
	SharedPhoneHolders int `json:"shared_phone_holders,omitempty"`
	PhoneChangedDays   int `json:"phone_changed_days,omitempty"`
	// NonLifeWealthInScope brings P&C wealth-management products into scope.
	NonLifeWealthInScope bool `json:"nonlife_wealth_in_scope"`
	// ElectronicFirst lists the product design types whose new-business
	// callbacks start as electronic callbacks for customers under 60 who did
	// not choose a method; empty (the shipped setting): phone first. A
	// customer's own choice wins either way.
	ElectronicFirst []huifang.DesignType `json:"electronic_first,omitempty"`
	// ElectronicFallbackDays: an electronic callback not finished this many
	// days before the deadline goes back to the phone; 0 means
	// callback.DefaultFallbackDays (3).
	ElectronicFallbackDays int `json:"electronic_fallback_days,omitempty"`
	// Statistics tables are due this many calendar days after the end of
	// their month, quarter or year (DOMAIN.md §8); 0 means the default:
	// 10 for a month, 30 for a quarter or a year.
	SubmitDaysMonth   int `json:"submit_days_month,omitempty"`
	SubmitDaysQuarter int `json:"submit_days_quarter,omitempty"`
	SubmitDaysYear    int `json:"submit_days_year,omitempty"`
	// Targets the regulator's dashboard highlights companies below, in
	// basis points (10000 = 100%); 0 means the "double 100%" standard.
	TargetSuccessBP    int `json:"target_success_bp,omitempty"`
	TargetResolutionBP int `json:"target_resolution_bp,omitempty"`
	// DisclosureIndicators are the indicators (package indicator IDs) the
	// quarterly public disclosure shows, in order, after the two it always
	// shows (DefaultDisclosureIndicators).
	DisclosureIndicators []string `json:"disclosure_indicators,omitempty"`
	// Spot checks (DOMAIN.md §8): the share of a period's due callbacks a
	// sample takes, in basis points, and its minimum size; 0 means the
	// Shanghai method's 0.5% and 1,200 (package spotcheck).
	SampleRateBP int `json:"sample_rate_bp,omitempty"`
	SampleMin    int `json:"sample_min,omitempty"`
	// QA scoring (docs/qa.md): the share of each operator's calls of a week
	// drawn for evaluation, in basis points, and the least number per
	// operator who made calls; 0 means 2% and 1 (package qa).
	QARateBP int `json:"qa_rate_bp,omitempty"`
	QAMin    int `json:"qa_min,omitempty"`
	// AppointmentHoldMinutes: an appointment (a time the customer agreed
	// with an operator) stays with that operator this many minutes after
	// its time before any operator may take it; 0 means
	// DefaultAppointmentHoldMinutes.
	AppointmentHoldMinutes int `json:"appointment_hold_minutes,omitempty"`
}

// Defaults of the settings whose zero value means "the default".
const (
	DefaultOrphanGateWorkdays = 10
	DefaultSharedPhoneHolders = 3
	DefaultPhoneChangedDays   = 30
	// DefaultAppointmentHoldMinutes is how long a due appointment waits
	// for the operator who agreed it.
	DefaultAppointmentHoldMinutes = 30
)

// DefaultDisclosureIndicators are what the public table shows per company
// and quarter (DOMAIN.md §7): the callback success rate and the
// problem-case resolution rate.
var DefaultDisclosureIndicators = []string{indicator.SuccessRate.ID, indicator.ResolutionRate.ID}

// Disclosed lists the indicators a disclosure shows: the two of the
// "double 100%" standard, then the profile's others.
func (r Rules) Disclosed() []string {
	out := slices.Clone(DefaultDisclosureIndicators)
	for _, id := range r.DisclosureIndicators {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// OrphanGateDays is how many working days after the start of a departure an
// orphan callback is due in gate mode.
func (r Rules) OrphanGateDays() int {
	if r.OrphanGateWorkdays > 0 {
		return r.OrphanGateWorkdays
	}
	return DefaultOrphanGateWorkdays
}

// SharedPhoneMin is how many unrelated policyholders sharing one phone flag it.
func (r Rules) SharedPhoneMin() int {
	if r.SharedPhoneHolders > 0 {
		return r.SharedPhoneHolders
	}
	return DefaultSharedPhoneHolders
}

// PhoneChangedWithin is how many days before a callback a phone change flags it.
func (r Rules) PhoneChangedWithin() int {
	if r.PhoneChangedDays > 0 {
		return r.PhoneChangedDays
	}
	return DefaultPhoneChangedDays
}

// AppointmentHold is how long a due appointment waits for the operator who
// agreed it before it falls back to the pool.
func (r Rules) AppointmentHold() time.Duration {
	m := r.AppointmentHoldMinutes
	if m <= 0 {
		m = DefaultAppointmentHoldMinutes
	}
	return time.Duration(m) * time.Minute
}

// SampleRate is the spot-check sampling rate in basis points.
func (r Rules) SampleRate() int {
	if r.SampleRateBP > 0 {
		return r.SampleRateBP
	}
	return spotcheck.DefaultRateBP
}

// SampleMinimum is the spot-check sample's minimum size.
func (r Rules) SampleMinimum() int {
	if r.SampleMin > 0 {
		return r.SampleMin
	}
	return spotcheck.DefaultMin
}

// QARate is the share of an operator's calls the weekly QA draw takes, in
// basis points.
func (r Rules) QARate() int {
	if r.QARateBP > 0 {
		return r.QARateBP
	}
	return qa.DefaultRateBP
}

// QAMinimum is the least number of calls the QA draw takes per operator.
func (r Rules) QAMinimum() int {
	if r.QAMin > 0 {
		return r.QAMin
	}
	return qa.DefaultMin
}

// SubmitDays is how many calendar days after the end of a period of the
// kind ("month", "quarter" or "year") its statistics table is due.
func (r Rules) SubmitDays(kind string) int {
	pick := func(v, def int) int {
		if v > 0 {
			return v
		}
		return def
	}
	switch kind {
	case "month":
		return pick(r.SubmitDaysMonth, 10)
	case "quarter":
		return pick(r.SubmitDaysQuarter, 30)
	}
	return pick(r.SubmitDaysYear, 30)
}

// Targets are the success and resolution rates, in basis points, below
// which a company is highlighted (default 10000 each: "double 100%").
func (r Rules) Targets() (successBP, resolutionBP int) {
	successBP, resolutionBP = r.TargetSuccessBP, r.TargetResolutionBP
	if successBP <= 0 {
		successBP = 10000
	}
	if resolutionBP <= 0 {
		resolutionBP = 10000
	}
	return
}

// Version is one dated version of a regulator's profile.
type Version struct {
	ID          int64        `json:"id"`
	RegulatorID int64        `json:"regulator_id"`
	Name        string       `json:"name"`
	Base        string       `json:"base"` // the shipped profile it started from
	From        huifang.Date `json:"effective_from"`
	Rules       Rules        `json:"rules"`
	Note        string       `json:"note"`
	CreatedAt   time.Time    `json:"created_at"`
	CreatedBy   string       `json:"created_by"`
}

// Shipped profile codes.
const (
	SeedBureau       = "seed-bureau"
	NationalBaseline = "national-baseline"
	// Demo is the seed bureau's rules with calls allowed at any hour and on
	// rest days: for the demonstration database only.
	Demo = "demo"
)

func common() Rules {
	return Rules{DueSoonWorkdays: 2, CallStart: "09:00", CallEnd: "20:00", MinAttempts: 3, MinDays: 3, MinSlots: 2}
}

// Shipped returns a shipped profile's rules by code.
func Shipped(code string) (Rules, string, bool) {
	switch code {
	case SeedBureau:
		r := common()
		r.Limits = map[huifang.ProblemType]Limit{}
		for _, t := range huifang.ProblemTypes {
			r.Limits[t] = Limit{Days: 10, Working: true}
		}
		// The seed: 20 working days where the customer must act, 10 otherwise.
		for _, t := range []huifang.ProblemType{huifang.ProblemUnsigned, huifang.ProblemPolicyInfo} {
			r.Limits[t] = Limit{Days: 20, Working: true, CustomerMustAct: true}
		}
		r.OrphanMode = OrphanGate
		r.NonLifeWealthInScope = true
		return r, "某保监局（种子规则）", true
	case NationalBaseline:
		r := common()
		r.Limits = map[huifang.ProblemType]Limit{}
		for _, t := range huifang.ProblemTypes {
			r.Limits[t] = Limit{Days: 15, Working: true}
		}
		r.OrphanMode, r.OrphanNotifyDays = OrphanNotify, 30
		return r, "全国基准规则", true
	case Demo:
		r, _, _ := Shipped(SeedBureau)
		r.CallAnyTime, r.RestDays = true, true
		return r, "演示规则（任何时间均可回访）", true
	}
	return Rules{}, "", false
}

// ShippedCodes lists the shipped profiles a real regulator starts from;
// Demo is left out on purpose.
var ShippedCodes = []string{SeedBureau, NationalBaseline}

// Validate checks the rules and says what is wrong, field by field.
func (r Rules) Validate() error {
	var fields []huifang.FieldError
	bad := func(f, key string, args ...any) { fields = append(fields, huifang.Field(f, key, args...)) }
	for _, t := range huifang.ProblemTypes {
		l, ok := r.Limits[t]
		if !ok {
			bad("limits."+string(t), "err.rules.limit_missing", t.ZH())
		} else if l.Days < 1 || l.Days > 120 {
			bad("limits."+string(t), "err.rules.limit_range", t.ZH())
		}
	}
	for t := range r.Limits {
		if t.ZH() == "" {
			bad("limits."+string(t), "err.rules.unknown_type", string(t))
		}
	}
	start, err1 := ClockTime(r.CallStart)
	end, err2 := ClockTime(r.CallEnd)
	if err1 != nil {
		bad("call_start", "err.rules.bad_call_start")
	}
	if err2 != nil {
		bad("call_end", "err.rules.bad_call_end")
	}
	if err1 == nil && err2 == nil && start >= end {
		bad("call_end", "err.rules.call_end_before_start")
	}
	if r.DueSoonWorkdays < 0 || r.DueSoonWorkdays > 10 {
		bad("due_soon_workdays", "err.rules.due_soon")
	}
	if r.MinAttempts < 1 || r.MinDays < 1 || r.MinSlots < 1 || r.MinDays > r.MinAttempts || r.MinSlots > 3 {
		bad("min_attempts", "err.rules.attempts")
	}
	switch r.OrphanMode {
	case OrphanGate:
	case OrphanNotify:
		if r.OrphanNotifyDays < 1 || r.OrphanNotifyDays > 365 {
			bad("orphan_notify_days", "err.rules.orphan_notify_days")
		}
	default:
		bad("orphan_mode", "err.rules.orphan_mode")
	}
	if r.OrphanGateWorkdays < 0 || r.OrphanGateWorkdays > 60 {
		bad("orphan_gate_workdays", "err.rules.orphan_gate_workdays")
	}
	if r.SharedPhoneHolders < 0 || r.SharedPhoneHolders == 1 || r.SharedPhoneHolders > 100 {
		bad("shared_phone_holders", "err.rules.shared_phone_holders")
	}
	if r.PhoneChangedDays < 0 || r.PhoneChangedDays > 365 {
		bad("phone_changed_days", "err.rules.phone_changed_days")
	}
	seen := map[huifang.DesignType]bool{}
	for _, d := range r.ElectronicFirst {
		if d.ZH() == "" || seen[d] {
			bad("electronic_first", "err.rules.electronic_first", string(d))
			break
		}
		seen[d] = true
	}
	if r.ElectronicFallbackDays < 0 || r.ElectronicFallbackDays > 10 {
		bad("electronic_fallback_days", "err.rules.electronic_fallback")
	}
	for f, v := range map[string]int{"submit_days_month": r.SubmitDaysMonth, "submit_days_quarter": r.SubmitDaysQuarter, "submit_days_year": r.SubmitDaysYear} {
		if v < 0 || v > 90 {
			bad(f, "err.rules.submission_days")
		}
	}
	for f, v := range map[string]int{"target_success_bp": r.TargetSuccessBP, "target_resolution_bp": r.TargetResolutionBP} {
		if v < 0 || v > 10000 {
			bad(f, "err.rules.target")
		}
	}
	for _, id := range r.DisclosureIndicators {
		if _, ok := indicator.ByID(id); !ok {
			bad("disclosure_indicators", "err.rules.disclosure_indicator", id)
			break
		}
	}
	if r.SampleRateBP < 0 || r.SampleRateBP > 10000 {
		bad("sample_rate_bp", "err.spotcheck.rate")
	}
	if r.SampleMin < 0 || r.SampleMin > 100000 {
		bad("sample_min", "err.spotcheck.min")
	}
	if r.QARateBP < 0 || r.QARateBP > 10000 {
		bad("qa_rate_bp", "err.qa.rate")
	}
	if r.QAMin < 0 || r.QAMin > 100 {
		bad("qa_min", "err.qa.min")
	}
	if r.AppointmentHoldMinutes < 0 || r.AppointmentHoldMinutes > 24*60 {
		bad("appointment_hold_minutes", "err.rules.appointment_hold")
	}
	if len(fields) > 0 {
		sort.Slice(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
		return &huifang.Error{Code: huifang.EINVALID, Key: fields[0].Key, Args: fields[0].Args, Fields: fields}
	}
	return nil
}

// ClockTime parses "HH:MM" into the time since midnight.
func ClockTime(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// InForce returns the version in force on a date: the latest whose
// effective date is on or before it. versions need not be sorted.
func InForce(versions []Version, on huifang.Date) (Version, bool) {
	var best Version
	found := false
	for _, v := range versions {
		if v.From.After(on) {
			continue
		}
		if !found || v.From.After(best.From) || (v.From == best.From && v.ID > best.ID) {
			best, found = v, true
		}
	}
	return best, found
}

// MarshalRules renders rules as stored.
func MarshalRules(r Rules) (string, error) {
	b, err := json.Marshal(r)
	return string(b), err
}

// UnmarshalRules reads stored rules.
func UnmarshalRules(s string) (Rules, error) {
	var r Rules
	err := json.Unmarshal([]byte(s), &r)
	return r, err
}
