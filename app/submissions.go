package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
)

// Statistics tables submitted to the regulator (DOMAIN.md §8,
// docs/submissions.md): a company's manager generates a period's table (or
// uploads it in the published template), reviews it and submits it; the
// submitted version is frozen — its content and SHA-256 hash never change —
// and the regulator accepts it or returns it with a comment. A correction is
// the next version, with its reason; the highest version is the current one.

// Submission states as SubmissionStatus reports them: the stored statuses,
// and for a period with no submission "missing" once it is due, "not-due"
// before, and "no-business" when the company had no business in it (no
// callback owed, no problem case): nothing to chase.
const (
	StateMissing    = "missing"
	StateNotDue     = "not-due"
	StateNoBusiness = "no-business"
)

// Submission sources.
const (
	SourceGenerated = "generated"
	SourceUpload    = "upload"
)

// SubmitInput is a submission: which period and, for a correction, why.
type SubmitInput struct {
	OrgCode string // "" for the user's own company
	Period  string
	Reason  string
}

// SubmitStats generates the company's table for a period that has ended and
// submits it: version 1, or a correction of a returned or accepted version
// (a reason is then required).
func (s *Service) SubmitStats(ctx context.Context, u *huifang.User, in SubmitInput) (*huifang.Submission, error) {
	org, p, prev, err := s.submitCheck(ctx, u, in)
	if err != nil {
		return nil, err
	}
	_, t, err := s.StatsTable(ctx, u, org.Code, p.String())
	if err != nil {
		return nil, err
	}
	return s.storeSubmission(ctx, u, org, t, SourceGenerated, in.Reason, prev)
}

// submitCheck checks who submits what, and returns the company, the
// period and the current version (0 for none).
func (s *Service) submitCheck(ctx context.Context, u *huifang.User, in SubmitInput) (*huifang.Org, indicator.Period, int, error) {
	if err := require(u, huifang.PermSubmitStats); err != nil {
		return nil, indicator.Period{}, 0, err
	}
	p, err := indicator.ParsePeriod(in.Period)
	if err != nil {
		return nil, p, 0, err
	}
	org, err := s.statsOrg(ctx, u, in.OrgCode)
	if err != nil {
		return nil, p, 0, err
	}
	if org.Kind != huifang.KindInsurer || org.ID != u.OrgID {
		return nil, p, 0, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_found_q", in.OrgCode)
	}
	if !s.today().After(p.Last()) {
		return nil, p, 0, huifang.Errorf(huifang.EINVALID, "err.submission.period_open", p.ZH())
	}
	list, err := s.db.ListSubmissions(ctx, huifang.SubmissionFilter{SubmissionScope: huifang.SubmissionScope{OrgID: org.ID}, Period: p.String()})
	if err != nil {
		return nil, p, 0, err
	}
	if len(list) == 0 {
		return org, p, 0, nil
	}
	cur := list[0]
	if cur.Status == huifang.SubmissionSubmitted {
		return nil, p, 0, huifang.Errorf(huifang.ECONFLICT, "err.submission.pending", p.ZH(), cur.Version)
	}
	if strings.TrimSpace(in.Reason) == "" {
		e := huifang.Errorf(huifang.EINVALID, "err.submission.reason_required")
		e.Fields = []huifang.FieldError{{Field: "reason", Key: "err.submission.reason_field"}}
		return nil, p, 0, e
	}
	return org, p, cur.Version, nil
}

// storeSubmission freezes a table as the next version.
func (s *Service) storeSubmission(ctx context.Context, u *huifang.User, org *huifang.Org, t indicator.Table, source, reason string, prev int) (*huifang.Submission, error) {
	content, err := json.Marshal(StatsJSON(org, t))
	if err != nil {
		return nil, err
	}
	due, err := s.SubmissionDue(ctx, org.ID, t.Period)
	if err != nil {
		return nil, err
	}
	sub := &huifang.Submission{OrgID: org.ID, Period: t.Period.String(), Kind: string(t.Period.Kind), Source: source,
		Content: string(content), Hash: hashOf(content), Reason: strings.TrimSpace(reason), DueOn: due,
		Late: prev == 0 && s.today().After(due), SubmittedAt: s.now(), SubmittedBy: u.Login}
	if err := s.db.AddSubmission(ctx, sub, prev); err != nil {
		return nil, err
	}
	return sub, nil
}

func hashOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// SubmissionDue is the day a company's table for a period is due: the
// period's last day plus the calendar days its regulator's rule profile in
// force on that day gives the kind of period (default 10 after a month, 30
// after a quarter or a year).
func (s *Service) SubmissionDue(ctx context.Context, orgID int64, p indicator.Period) (huifang.Date, error) {
	v, err := s.ProfileFor(ctx, orgID, p.Last())
	if err != nil {
		return huifang.Date{}, err
	}
	return p.Last().AddDays(v.Rules.SubmitDays(string(p.Kind))), nil
}

// submissionScope is what the user may see of submissions: an insurer's
// staff their company's, a regulator's supervisor its companies'.
func submissionScope(u *huifang.User) (huifang.SubmissionScope, error) {
	if err := require(u, huifang.PermViewStats); err != nil {
		return huifang.SubmissionScope{}, err
	}
	switch {
	case u.Regulatory():
		return huifang.SubmissionScope{Oversight: oversight(u)}, nil
	case u.Role == huifang.RoleAdmin:
		return huifang.SubmissionScope{}, huifang.Errorf(huifang.EFORBIDDEN, "err.submission.admin_cli")
	}
	return huifang.SubmissionScope{OrgID: u.OrgID}, nil
}

// Submission finds a submitted version the user may see, with its content.
func (s *Service) Submission(ctx context.Context, u *huifang.User, id int64) (*huifang.Submission, error) {
	sc, err := submissionScope(u)
	if err != nil {
		return nil, err
	}
	sub, err := s.db.FindSubmission(ctx, sc, id)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.submission.not_found", id)
	}
	return sub, err
}

// Submissions lists the submitted versions of a company (orgCode; "" for the
// user's own), or of every company of a regulator (its code), optionally
// of one period; the company is returned too.
func (s *Service) Submissions(ctx context.Context, u *huifang.User, orgCode, period string) (*huifang.Org, []huifang.Submission, error) {
	sc, err := submissionScope(u)
	if err != nil {
		return nil, nil, err
	}
	if period != "" {
		p, err := indicator.ParsePeriod(period)
		if err != nil {
			return nil, nil, err
		}
		period = p.String()
	}
	org, err := s.statsOrg(ctx, u, orgCode)
	if err != nil {
		return nil, nil, err
	}
	f := huifang.SubmissionFilter{SubmissionScope: sc, Period: period}
	if org.Kind == huifang.KindInsurer {
		f.OrgID = org.ID
	}
	list, err := s.db.ListSubmissions(ctx, f)
	return org, list, err
}

// ReviewInput is the regulator's decision on a submitted version.
type ReviewInput struct {
	Accept  bool
	Comment string // required to return it
}

// ReviewSubmission accepts or returns the current version of a company's
// table, only while it waits for review.
func (s *Service) ReviewSubmission(ctx context.Context, u *huifang.User, id int64, in ReviewInput) (*huifang.Submission, error) {
	if err := require(u, huifang.PermReviewStats); err != nil {
		return nil, err
	}
	sub, err := s.Submission(ctx, u, id)
	if err != nil {
		return nil, err
	}
	comment := strings.TrimSpace(in.Comment)
	to := huifang.SubmissionAccepted
	if !in.Accept {
		to = huifang.SubmissionReturned
		if comment == "" {
			e := huifang.Errorf(huifang.EINVALID, "err.submission.comment_required")
			e.Fields = []huifang.FieldError{{Field: "comment", Key: "err.submission.comment_field"}}
			return nil, e
		}
	}
	if sub.Status != huifang.SubmissionSubmitted {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.submission.not_submitted", sub.Period, sub.Version, huifang.M("err.submission.done."+sub.Status))
	}
	sc, _ := submissionScope(u)
	if err := s.db.ReviewSubmission(ctx, sc, id, to, comment, actor(u), s.now()); err != nil {
		return nil, err
	}
	return s.Submission(ctx, u, id)
}

// Frozen is a submitted table read back from its frozen content, after its
// hash was checked: what the regulator sees and downloads, never recomputed.
type Frozen struct {
	Org   *huifang.Org // code and name as frozen
	Table indicator.Table
}

// frozenRow is a row of StatsJSON, read back.
type frozenRow struct {
	Key       string                   `json:"key"`
	Label     string                   `json:"label"`
	Callbacks indicator.CallbackCounts `json:"callbacks"`
	Cases     indicator.CaseCounts     `json:"cases"`
	Orphans   indicator.CallbackCounts `json:"orphans"`
	Overdue   int64                    `json:"overdue"`
}

type frozenTable struct {
	Org       string       `json:"org"`
	OrgName   string       `json:"org_name"`
	Period    string       `json:"period"`
	AsOf      huifang.Date `json:"as_of"`
	Total     frozenRow    `json:"total"`
	ByChannel []frozenRow  `json:"by_channel"`
	ByDesign  []frozenRow  `json:"by_design"`
	ByType    []frozenRow  `json:"by_problem_type"`
	ByCompany []frozenRow  `json:"by_company"`
}

// VerifySubmission checks that a submission's content still has its hash.
func VerifySubmission(sub *huifang.Submission) error {
	if hashOf([]byte(sub.Content)) != sub.Hash {
		return fmt.Errorf("submission %d: content does not match its hash", sub.ID)
	}
	return nil
}

// FrozenTable reads a submission's frozen table.
func FrozenTable(sub *huifang.Submission) (*Frozen, error) {
	if err := VerifySubmission(sub); err != nil {
		return nil, err
	}
	var ft frozenTable
	if err := json.Unmarshal([]byte(sub.Content), &ft); err != nil {
		return nil, fmt.Errorf("submission %d: %w", sub.ID, err)
	}
	p, err := indicator.ParsePeriod(ft.Period)
	if err != nil {
		return nil, fmt.Errorf("submission %d: %w", sub.ID, err)
	}
	row := func(r frozenRow) indicator.Row {
		// A submitted period has ended: every callback due in it counts.
		return indicator.Row{Key: r.Key, Label: r.Label, Callbacks: r.Callbacks, Cases: r.Cases, Orphans: r.Orphans, Overdue: r.Overdue, DueFull: r.Callbacks.Due}
	}
	rows := func(rs []frozenRow) []indicator.Row {
		var out []indicator.Row
		for _, r := range rs {
			out = append(out, row(r))
		}
		return out
	}
	t := indicator.Table{Period: p, AsOf: ft.AsOf, Total: row(ft.Total), ByChannel: rows(ft.ByChannel), ByDesign: rows(ft.ByDesign),
		ByType: rows(ft.ByType), ByCompany: rows(ft.ByCompany)}
	return &Frozen{Org: &huifang.Org{Code: ft.Org, Name: ft.OrgName}, Table: t}, nil
}

// RenderSubmission writes a submission's frozen table as json (the frozen
// content itself, byte for byte), csv or xlsx (rendered from it).
func RenderSubmission(w io.Writer, sub *huifang.Submission, format string) error {
	fr, err := FrozenTable(sub)
	if err != nil {
		return err
	}
	if format == "json" {
		_, err := io.Copy(w, bytes.NewReader([]byte(sub.Content)))
		return err
	}
	if format != "csv" && format != "xlsx" {
		return huifang.Errorf(huifang.EINVALID, "err.stats.bad_format")
	}
	return RenderStats(w, fr.Org, fr.Table, format)
}

// SubmissionState is where a company's table for a period stands.
type SubmissionState struct {
	OrgCode      string
	OrgName      string
	Period       indicator.Period
	Due          huifang.Date
	Status       string // missing, not-due, submitted, returned, accepted
	Version      int    // the current version; 0 when none
	SubmissionID int64  // the current version's
	SubmittedAt  time.Time
	Late         bool // the first version came after the due date
}

// SubmissionStatus lists, for a regulator (its code; "" for the user's
// own), each company it supervises and each period: the current version's
// status, the due date, and whether it came late or is missing.
func (s *Service) SubmissionStatus(ctx context.Context, u *huifang.User, regulatorCode string, periods []indicator.Period) ([]SubmissionState, error) {
	if err := require(u, huifang.PermReviewStats); err != nil {
		return nil, err
	}
	reg, err := s.statsOrg(ctx, u, regulatorCode)
	if err != nil {
		return nil, err
	}
	if reg.Kind != huifang.KindRegulator || reg.ID != u.OrgID {
		return nil, huifang.Errorf(huifang.ENOTFOUND, "err.org.not_found_q", regulatorCode)
	}
	orgs, err := s.Overseen(ctx, u)
	if err != nil {
		return nil, err
	}
	subs, err := s.db.ListSubmissions(ctx, huifang.SubmissionFilter{SubmissionScope: huifang.SubmissionScope{Oversight: oversight(u)}})
	if err != nil {
		return nil, err
	}
	type key struct {
		org    int64
		period string
	}
	current, first := map[key]huifang.Submission{}, map[key]huifang.Submission{}
	for _, sub := range subs {
		k := key{sub.OrgID, sub.Period}
		if c, ok := current[k]; !ok || sub.Version > c.Version {
			current[k] = sub
		}
		if sub.Version == 1 {
			first[k] = sub
		}
	}
	today := s.today()
	var out []SubmissionState
	for _, o := range orgs {
		if o.Kind != huifang.KindInsurer {
			continue
		}
		active, err := s.businessMonths(ctx, o.ID, periods)
		if err != nil {
			return nil, err
		}
		for _, p := range periods {
			due, err := s.SubmissionDue(ctx, o.ID, p)
			if err != nil {
				return nil, err
			}
			st := SubmissionState{OrgCode: o.Code, OrgName: o.Name, Period: p, Due: due}
			k := key{o.ID, p.String()}
			if c, ok := current[k]; ok {
				st.Status, st.Version, st.SubmissionID, st.SubmittedAt = c.Status, c.Version, c.ID, c.SubmittedAt
				st.Late = first[k].Late
			} else if !hadBusiness(active, p) {
				st.Status = StateNoBusiness
			} else if today.After(due) {
				st.Status = StateMissing
			} else {
				st.Status = StateNotDue
			}
			out = append(out, st)
		}
	}
	return out, nil
}

// businessMonths lists the months of the periods' years in which the
// company had business: a callback owed (new business or orphan policy)
// or a problem case falling in the month, by the stored counts.
func (s *Service) businessMonths(ctx context.Context, orgID int64, periods []indicator.Period) (map[indicator.Period]bool, error) {
	out := map[indicator.Period]bool{}
	years := map[int]bool{}
	for _, p := range periods {
		if years[p.Year] {
			continue
		}
		years[p.Year] = true
		c, err := s.db.ReadStats(ctx, orgID, indicator.Period{Kind: indicator.Year, Year: p.Year}, s.today(), indicator.Needs{})
		if err != nil {
			return nil, err
		}
		for k, n := range c.Callbacks {
			if n.Due > 0 {
				out[k.Month] = true
			}
		}
		for k, n := range c.Cases {
			if n.Opened > 0 || n.Due > 0 {
				out[k.Month] = true
			}
		}
	}
	return out, nil
}

// hadBusiness reports whether any month of the period had business.
func hadBusiness(active map[indicator.Period]bool, p indicator.Period) bool {
	for _, m := range p.Months() {
		if active[m] {
			return true
		}
	}
	return false
}

// RecentPeriods are the periods a regulator follows on a day: the last
// three months, the last two quarters and the last year that have ended,
// the latest first within each kind.
func RecentPeriods(today huifang.Date) []indicator.Period {
	var out []indicator.Period
	m := indicator.MonthOf(today)
	for range 3 {
		m = m.Prev()
		out = append(out, m)
	}
	q := indicator.QuarterOf(today)
	for range 2 {
		q = q.Prev()
		out = append(out, q)
	}
	return append(out, indicator.Period{Kind: indicator.Year, Year: today.Year() - 1})
}
