package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/mail"
	"github.com/huifang/huifang/problem"
)

// notify stores notifications (once per dedupe key) and mails those that
// were new to users with an address. Mail failures are logged, not fatal:
// the notification is in the app either way.
func (s *Service) notify(ctx context.Context, ns []huifang.Notification, users map[int64]huifang.User) (int, error) {
	added, err := s.db.AddNotifications(ctx, ns)
	if err != nil {
		return 0, err
	}
	for _, n := range added {
		u := users[n.UserID]
		if s.Mail == nil || u.Email == "" {
			continue
		}
		if err := s.Mail.Send(ctx, mail.Message{To: []string{u.Email}, Subject: n.Subject, Text: n.Body}); err != nil {
			s.Log.Warn("mail notification", "user", u.Login, "err", err)
		}
	}
	return len(added), nil
}

func byID(us []huifang.User) map[int64]huifang.User {
	m := make(map[int64]huifang.User, len(us))
	for _, u := range us {
		m[u.ID] = u
	}
	return m
}

// Escalate escalates every overdue case not yet escalated: once, to the
// branch above the holder and to the insurer's managers. Two processes
// running it at once escalate each case once.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	now, today := s.now(), s.today()
	cases, err := s.db.OverdueCases(ctx, today, 1000)
	if err != nil {
		return 0, err
	}
	trees := map[int64]branchTree{}
	users := map[int64][]huifang.User{}
	n := 0
	for i := range cases {
		c := &cases[i]
		if trees[c.OrgID] == nil {
			if trees[c.OrgID], err = s.tree(ctx, c.OrgID); err != nil {
				return n, err
			}
			if users[c.OrgID], err = s.db.ListUsers(ctx, c.OrgID); err != nil {
				return n, err
			}
		}
		esc, ok := problem.Escalate(c, trees[c.OrgID], today, now)
		if !ok {
			continue
		}
		done, err := s.db.MarkEscalated(ctx, c, huifang.CaseEvent{Kind: esc.Event.Kind, Detail: esc.Event.Detail, At: now, Actor: "system"}, now)
		if err != nil || !done {
			if err != nil {
				return n, err
			}
			continue
		}
		n++
		subject := i18n.T(i18n.ZH, "mail.escalation.subject", c.ID, i18n.T(i18n.ZH, c.Type.Key()), c.DueOn)
		body := i18n.T(i18n.ZH, "mail.escalation.body", c.PolicyNo, i18n.T(i18n.ZH, c.Type.Key()), c.DueOn, orCentre(c.HolderBranch), c.Detail)
		var ns []huifang.Notification
		for _, u := range users[c.OrgID] {
			managers := u.Role == huifang.RoleManager || u.Role == huifang.RoleInsurerAdmin
			above := esc.ToBranch != "" && u.Role == huifang.RoleHandler && u.BranchCode == esc.ToBranch
			if managers || above {
				ns = append(ns, huifang.Notification{OrgID: c.OrgID, UserID: u.ID, At: now, Kind: "escalation", Subject: subject, Body: body, Dedupe: fmt.Sprintf("escalation:%d", c.ID), CaseID: c.ID})
			}
		}
		if _, err := s.notify(ctx, ns, byID(users[c.OrgID])); err != nil {
			return n, err
		}
	}
	return n, nil
}

func orCentre(b string) string {
	if b == "" {
		return i18n.T(i18n.ZH, "holder.centre")
	}
	return b
}

// Digest sends each handler and manager today's list of their cases due soon
// and overdue, in the app and by mail; once per user and day.
func (s *Service) Digest(ctx context.Context) (int, error) {
	orgs, err := s.db.ListOrgs(ctx, 0)
	if err != nil {
		return 0, err
	}
	today := s.today()
	sent := 0
	for _, org := range orgs {
		if org.Kind != huifang.KindInsurer {
			continue
		}
		users, err := s.db.ListUsers(ctx, org.ID)
		if err != nil {
			return sent, err
		}
		var ns []huifang.Notification
		for i := range users {
			u := &users[i]
			if u.Disabled || (u.Role != huifang.RoleHandler && u.Role != huifang.RoleManager) {
				continue
			}
			views, err := s.Board(ctx, u, BoardFilter{Scope: "mine"})
			if err != nil {
				return sent, err
			}
			var soon, late []string
			for _, v := range views {
				line := i18n.T(i18n.ZH, "mail.digest.line", v.Case.ID, i18n.T(i18n.ZH, v.Case.Type.Key()), v.Case.PolicyNo, v.Case.DueOn, i18n.T(i18n.ZH, v.Case.Status.Key()))
				switch {
				case v.Overdue:
					late = append(late, line)
				case v.DueSoon:
					soon = append(soon, line)
				}
			}
			if len(soon)+len(late) == 0 {
				continue
			}
			var b strings.Builder
			b.WriteString(i18n.T(i18n.ZH, "mail.digest.greeting", u.Login, today))
			if len(late) > 0 {
				b.WriteString(i18n.T(i18n.ZH, "mail.digest.late", len(late), strings.Join(late, "\n")))
			}
			if len(soon) > 0 {
				b.WriteString(i18n.T(i18n.ZH, "mail.digest.soon", len(soon), strings.Join(soon, "\n")))
			}
			subject := i18n.T(i18n.ZH, "mail.digest.subject", today, len(late), len(soon))
			ns = append(ns, huifang.Notification{OrgID: org.ID, UserID: u.ID, At: s.now(), Kind: "digest", Subject: subject, Body: b.String(), Dedupe: "digest:" + today.String()})
		}
		n, err := s.notify(ctx, ns, byID(users))
		if err != nil {
			return sent, err
		}
		sent += n
	}
	return sent, nil
}

// digests sends the insurers' digest, then the regulator's (regdigest.go).
func (s *Service) digests(ctx context.Context) error {
	if _, err := s.Digest(ctx); err != nil {
		return err
	}
	_, err := s.RegulatorDigest(ctx)
	return err
}

// Job is a background job: its name and when it runs next after a run.
type Job struct {
	Name string
	Run  func(ctx context.Context) error
	Next func(now time.Time) time.Time
}

// Jobs are huifang's background jobs.
func (s *Service) Jobs() []Job {
	every := func(d time.Duration) func(time.Time) time.Time {
		return func(now time.Time) time.Time { return now.Add(d) }
	}
	return []Job{
		{Name: "escalate", Run: func(ctx context.Context) error { _, err := s.Escalate(ctx); return err }, Next: every(10 * time.Minute)},
		{Name: "orphan-escalate", Run: func(ctx context.Context) error { _, err := s.EscalateOrphans(ctx); return err }, Next: every(10 * time.Minute)},
		{Name: "digest", Run: s.digests, Next: s.nextDigest},
		{Name: "leases", Run: func(ctx context.Context) error { _, err := s.db.ReleaseExpiredLeases(ctx, s.now()); return err }, Next: every(5 * time.Minute)},
		{Name: "sessions", Run: func(ctx context.Context) error { _, err := s.db.DeleteExpiredSessions(ctx, s.now()); return err }, Next: every(time.Hour)},
		{Name: "electronic-issue", Run: func(ctx context.Context) error { _, err := s.IssueElectronicLinks(ctx); return err }, Next: every(10 * time.Minute)},
		{Name: "electronic-fallback", Run: func(ctx context.Context) error { _, err := s.ElectronicFallback(ctx); return err }, Next: every(30 * time.Minute)},
		{Name: "phone-tails", Run: func(ctx context.Context) error { _, err := s.FillPhoneTails(ctx); return err }, Next: every(time.Minute)},
		{Name: "script-recheck", Run: func(ctx context.Context) error { _, err := s.RecheckBlocked(ctx); return err }, Next: every(5 * time.Minute)},
		{Name: "qa-draw", Run: func(ctx context.Context) error { _, err := s.DrawQAWeeks(ctx); return err }, Next: nextQADraw},
	}
}

// DigestHour is when (Beijing time) the daily digest goes out: before the
// working day starts.
const DigestHour = 8

// nextDigest is the next digest hour after now.
func (s *Service) nextDigest(now time.Time) time.Time {
	t := now.In(huifang.Shanghai)
	next := time.Date(t.Year(), t.Month(), t.Day(), DigestHour, 0, 0, 0, huifang.Shanghai)
	if !next.After(t) {
		next = next.AddDate(0, 0, 1)
	}
	return next.UTC()
}

// nextQADraw is the next Monday 01:00 Beijing time after now: the weekly QA
// draw of the week just ended.
func nextQADraw(now time.Time) time.Time {
	t := now.In(huifang.Shanghai)
	days := (8 - int(t.Weekday())) % 7
	next := time.Date(t.Year(), t.Month(), t.Day()+days, 1, 0, 0, 0, huifang.Shanghai)
	if !next.After(t) {
		next = next.AddDate(0, 0, 7)
	}
	return next.UTC()
}

// RunJobs runs every due job whose lock this process takes; owner names the
// process. It returns the names of the jobs it ran.
func (s *Service) RunJobs(ctx context.Context, owner string) ([]string, error) {
	var ran []string
	for _, j := range s.Jobs() {
		now := s.now()
		ok, err := s.db.ClaimJob(ctx, j.Name, owner, now, 10*time.Minute)
		if err != nil {
			return ran, err
		}
		if !ok {
			continue
		}
		runErr := j.Run(ctx)
		if runErr != nil {
			s.Log.Error("background job", "job", j.Name, "err", runErr)
		}
		if err := s.db.FinishJob(ctx, j.Name, owner, s.now(), j.Next(s.now()), runErr); err != nil {
			return ran, err
		}
		ran = append(ran, j.Name)
	}
	return ran, nil
}
