package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/indicator"
)

// The regulator's daily digest (docs/rectification.md): each supervisor and
// regulator's administrator gets, once a day and only when there is
// something to say, per company it oversees (Overseen, so assignments
// apply): the overdue problem cases, the statistics tables late or
// missing, the rectification notices left unanswered past their due date,
// and the spot-check verdicts found inconsistent and still open. The
// companies are told, once per notice, of their own overdue notices.

// digestLines is how many lines of each kind a company's part lists; the
// count says how many there are.
const digestLines = 5

// companyTrouble is what a company's part of the digest says.
type companyTrouble struct {
	org      huifang.Org
	cases    int
	caseText []string
	tables   []string
	notices  []huifang.Rectification
	verdicts []string
}

func (c *companyTrouble) empty() bool {
	return c.cases == 0 && len(c.tables) == 0 && len(c.notices) == 0 && len(c.verdicts) == 0
}

// text is the company's part of the digest, in Chinese like the insurer digest.
func (c *companyTrouble) text() string {
	var b strings.Builder
	b.WriteString(i18n.T(i18n.ZH, "mail.regdigest.company", c.org.Name, c.org.Code))
	if c.cases > 0 {
		lines := c.caseText
		if more := c.cases - len(lines); more > 0 {
			lines = append(lines, i18n.T(i18n.ZH, "mail.regdigest.more", more))
		}
		b.WriteString(i18n.T(i18n.ZH, "mail.regdigest.cases", c.cases, strings.Join(lines, "\n")))
	}
	if len(c.tables) > 0 {
		b.WriteString(i18n.T(i18n.ZH, "mail.regdigest.tables", len(c.tables), strings.Join(c.tables, "\n")))
	}
	if len(c.notices) > 0 {
		var lines []string
		for i, r := range c.notices {
			if i == digestLines {
				lines = append(lines, i18n.T(i18n.ZH, "mail.regdigest.more", len(c.notices)-i))
				break
			}
			lines = append(lines, i18n.T(i18n.ZH, "mail.regdigest.notice_line", r.ID, r.Subject, r.DueOn))
		}
		b.WriteString(i18n.T(i18n.ZH, "mail.regdigest.notices", len(c.notices), strings.Join(lines, "\n")))
	}
	if len(c.verdicts) > 0 {
		b.WriteString(i18n.T(i18n.ZH, "mail.regdigest.verdicts", len(c.verdicts), strings.Join(c.verdicts, "\n")))
	}
	return b.String()
}

// RegulatorDigest sends the regulator's daily digest; the digest job runs
// it after the insurers'. It returns how many digests it sent.
func (s *Service) RegulatorDigest(ctx context.Context) (int, error) {
	orgs, err := s.db.ListOrgs(ctx, 0)
	if err != nil {
		return 0, err
	}
	today := s.today()
	troubles := map[int64]*companyTrouble{} // each company's, worked out once
	sent := 0
	for _, reg := range orgs {
		if reg.Kind != huifang.KindRegulator {
			continue
		}
		users, err := s.db.ListUsers(ctx, reg.ID)
		if err != nil {
			return sent, err
		}
		var ns []huifang.Notification
		for i := range users {
			u := &users[i]
			if u.Disabled || !u.Regulatory() {
				continue
			}
			companies, err := s.Overseen(ctx, u)
			if err != nil {
				return sent, err
			}
			var parts []string
			for _, c := range companies {
				tr, ok := troubles[c.ID]
				if !ok {
					if tr, err = s.companyTrouble(ctx, c, today); err != nil {
						return sent, err
					}
					troubles[c.ID] = tr
				}
				if !tr.empty() {
					parts = append(parts, tr.text())
				}
			}
			if len(parts) == 0 {
				continue
			}
			body := i18n.T(i18n.ZH, "mail.regdigest.greeting", u.Login, today) + strings.Join(parts, "")
			ns = append(ns, huifang.Notification{OrgID: reg.ID, UserID: u.ID, At: s.now(), Kind: "regdigest",
				Subject: i18n.T(i18n.ZH, "mail.regdigest.subject", today, len(parts)), Body: body, Dedupe: "regdigest:" + today.String()})
		}
		n, err := s.notify(ctx, ns, byID(users))
		if err != nil {
			return sent, err
		}
		sent += n
	}
	// Every company with an overdue notice hears of it, whether or not a
	// regulator's user follows it today.
	for _, org := range orgs {
		if org.Kind != huifang.KindInsurer {
			continue
		}
		var late []huifang.Rectification
		if tr, ok := troubles[org.ID]; ok {
			late = tr.notices
		} else if late, err = s.db.ListRectifications(ctx, huifang.RectificationFilter{
			RectificationScope: huifang.RectificationScope{OrgID: org.ID}, DueBefore: today}); err != nil {
			return sent, err
		}
		if err := s.tellOverdueNotices(ctx, late); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// companyTrouble works out a company's part of the digest on a day.
func (s *Service) companyTrouble(ctx context.Context, org huifang.Org, today huifang.Date) (*companyTrouble, error) {
	tr := &companyTrouble{org: org}
	overdue := huifang.ProblemFilter{DueBy: today.AddDays(-1)}
	n, err := s.db.CountProblemCases(ctx, org.ID, overdue)
	if err != nil {
		return nil, err
	}
	tr.cases = n
	if n > 0 {
		overdue.Limit = digestLines
		cs, err := s.db.ListProblemCases(ctx, org.ID, overdue)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			tr.caseText = append(tr.caseText, i18n.T(i18n.ZH, "mail.regdigest.case_line", c.ID, i18n.T(i18n.ZH, c.Type.Key()), c.PolicyNo, c.DueOn))
		}
	}
	if tr.tables, err = s.lateTables(ctx, org, today); err != nil {
		return nil, err
	}
	if tr.notices, err = s.db.ListRectifications(ctx, huifang.RectificationFilter{RectificationScope: huifang.RectificationScope{OrgID: org.ID}, DueBefore: today}); err != nil {
		return nil, err
	}
	if tr.verdicts, err = s.openInconsistentVerdicts(ctx, org); err != nil {
		return nil, err
	}
	return tr, nil
}

// lateTables lists a company's statistics tables of the recent periods
// (RecentPeriods) whose due date has passed without a version waiting for
// review or accepted: none submitted, or the current one returned and not
// submitted again. Periods that ended before the company joined are not
// asked of it.
func (s *Service) lateTables(ctx context.Context, org huifang.Org, today huifang.Date) ([]string, error) {
	subs, err := s.db.ListSubmissions(ctx, huifang.SubmissionFilter{SubmissionScope: huifang.SubmissionScope{OrgID: org.ID}})
	if err != nil {
		return nil, err
	}
	current := map[string]huifang.Submission{}
	for _, sub := range subs {
		if c, ok := current[sub.Period]; !ok || sub.Version > c.Version {
			current[sub.Period] = sub
		}
	}
	joined := huifang.DateOf(org.CreatedAt)
	var out []string
	for _, p := range RecentPeriods(today) {
		if p.Last().Before(joined) {
			continue
		}
		due, err := s.SubmissionDue(ctx, org.ID, p)
		if err != nil {
			return nil, err
		}
		if !today.After(due) {
			continue
		}
		switch c, ok := current[p.String()]; {
		case !ok:
			out = append(out, i18n.T(i18n.ZH, "mail.regdigest.table_missing", periodZH(p), due))
		case c.Status == huifang.SubmissionReturned:
			out = append(out, i18n.T(i18n.ZH, "mail.regdigest.table_returned", periodZH(p), c.Version, due))
		}
	}
	return out, nil
}

func periodZH(p indicator.Period) string { return p.ZH() }

// openInconsistentVerdicts lists a company's spot-check findings (any
// verdict other than consistent) whose problem case is not yet resolved or
// closed, one line each, in the order they were found.
func (s *Service) openInconsistentVerdicts(ctx context.Context, org huifang.Org) ([]string, error) {
	var lines []string
	for _, v := range huifang.Verdicts {
		if v.CaseType() == "" {
			continue
		}
		items, err := s.db.ListSpotCheckItems(ctx, huifang.SpotCheckItemFilter{RegulatorID: org.RegulatorID, OrgIDs: []int64{org.ID}, Verdict: v})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if it.CaseID == 0 {
				continue
			}
			c, err := s.db.FindProblemCase(ctx, org.ID, it.CaseID)
			if err != nil {
				return nil, err
			}
			if c.Status.Final() {
				continue
			}
			lines = append(lines, i18n.T(i18n.ZH, "mail.regdigest.verdict_line", it.SpotCheckID, it.PolicyNo, i18n.T(i18n.ZH, v.Key()), c.ID, i18n.T(i18n.ZH, c.Status.Key())))
		}
	}
	return lines, nil
}

// tellOverdueNotices tells a company's administrators and managers, once
// per notice, that a notice is past its due date without an answer.
func (s *Service) tellOverdueNotices(ctx context.Context, notices []huifang.Rectification) error {
	for i := range notices {
		r := &notices[i]
		subject := i18n.T(i18n.ZH, "mail.rectification.overdue.subject", r.ID, r.Subject)
		body := i18n.T(i18n.ZH, "mail.rectification.overdue.body", r.Subject, r.DueOn, r.ID)
		if err := s.notifyCompany(ctx, r, fmt.Sprintf("overdue:%s", r.DueOn), subject, body); err != nil {
			return err
		}
	}
	return nil
}
