// Package demo fills an empty database with a believable demonstration: a
// regulator, five fictional insurers with their branches, products, agents
// and bank outlets, a few thousand policies loaded day by day as a core
// system would send them, and weeks of callback work done through the real
// use cases, so that every status, result and problem type appears.
//
// Everything is drawn from a seeded generator and placed relative to the
// service's clock: the same seed on the same day gives the same data.
package demo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/store"
)

// Options shape the demo.
type Options struct {
	Policies int    // how many policies; 0 means 3000
	Password string // every demo user's password; "" means DefaultPassword
	Seed     uint64 // 0 means 1
}

// DefaultPassword is the demo users' password unless Options say otherwise.
const DefaultPassword = "huifang-demo"

func (o Options) withDefaults() Options {
	if o.Policies <= 0 {
		o.Policies = 3000
	}
	if o.Password == "" {
		o.Password = DefaultPassword
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Login is a demo user, for printing.
type Login struct {
	OrgCode  string
	OrgName  string
	Login    string
	Name     string
	Role     huifang.Role
	Password string
}

// Logins lists the demo users, regulator first, then each insurer.
type Logins struct {
	Users []Login
}

// Fill writes the demo into svc's database, which must be migrated and
// empty. It uses svc's clock for "now"; the callback work happens in the
// weeks before it, on private copies of the service with a stepping clock,
// one per insurer, so svc itself is left as it was.
func Fill(ctx context.Context, db *store.DB, svc *app.Service, opts Options) (*Logins, error) {
	opts = opts.withDefaults()
	// bcrypt is slow by design, and every demo user has the same printed
	// password: one hash serves them all.
	hash, err := app.HashPassword(opts.Password)
	if err != nil {
		return nil, err
	}
	orgs, err := db.ListOrgs(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if len(orgs) > 0 {
		return nil, huifang.Errorf(huifang.ECONFLICT, "the database already holds %d organisations: the demo needs an empty database", len(orgs))
	}
	now := demoNow(svc)
	w := newWorld(opts.Seed, now, opts.Policies)
	w.db = db

	// Organisations, users and reference data exist a week before the first policy.
	setupAt := at(w.start.AddDays(-7), 10*time.Hour)
	setup := svc.WithClock(fixedClock(setupAt))
	logins, users, err := w.createOrgsAndUsers(ctx, setup, opts.Password, hash)
	if err != nil {
		return nil, err
	}
	sims := make([]*sim, len(w.insurers))
	for i, ins := range w.insurers {
		s, err := newSim(ctx, svc, w, ins, users[ins.spec.code], now, opts.Seed)
		if err != nil {
			return nil, err
		}
		if err := s.saveReferenceData(ctx, setupAt); err != nil {
			return nil, err
		}
		sims[i] = s
	}

	// Insurers share nothing, so their weeks run side by side.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(sims))
	var wg sync.WaitGroup
	for i, s := range sims {
		wg.Go(func() {
			if errs[i] = s.run(ctx, w); errs[i] == nil {
				errs[i] = s.workflow(ctx, users[s.ins.spec.code])
			}
			if errs[i] == nil {
				errs[i] = s.orphans(ctx, users[s.ins.spec.code])
			}
			if errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	// One insurer's failure cancels the others: report the failure, not
	// their cancellations.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	// Then, as of now, overdue cases escalate and the morning digest goes out.
	end := svc.WithClock(fixedClock(now))
	if _, err := end.Escalate(ctx); err != nil {
		return nil, fmt.Errorf("demo: escalate: %w", err)
	}
	if _, err := end.Digest(ctx); err != nil {
		return nil, fmt.Errorf("demo: digest: %w", err)
	}
	if err := w.recordings(ctx, svc, users, now); err != nil {
		return nil, fmt.Errorf("demo: recordings: %w", err)
	}
	if err := w.scripts(ctx, svc, users, now); err != nil {
		return nil, fmt.Errorf("demo: scripts: %w", err)
	}
	if err := w.submissions(ctx, svc, users, now); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := w.misconduct(ctx, svc, users, now); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := w.rectifications(ctx, svc, users, now); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := w.disclosures(ctx, svc, users, now); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := w.spotChecks(ctx, svc, users, now); err != nil {
		return nil, fmt.Errorf("demo: spot checks: %w", err)
	}
	if err := w.inspection(ctx, svc, users, now); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := w.handlerDesk(ctx, svc, users, logins, opts.Password, now); err != nil {
		return nil, fmt.Errorf("demo: handler: %w", err)
	}
	if err := w.qa(ctx, svc, users, now); err != nil {
		return nil, fmt.Errorf("demo: qa: %w", err)
	}
	if err := w.desk(ctx, svc, users, now); err != nil {
		return nil, fmt.Errorf("demo: desk: %w", err)
	}
	if err := w.scriptDraft(ctx, svc, users, now); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return logins, nil
}

// at is a moment of day d in Asia/Shanghai, as UTC.
func at(d huifang.Date, sinceMidnight time.Duration) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, huifang.Shanghai).Add(sinceMidnight).UTC()
}

// fixedClock always tells the same time.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// stepClock is set by the simulation before each step; it belongs to one
// insurer's simulation and is never shared between goroutines.
type stepClock struct{ t time.Time }

func (c *stepClock) Now() time.Time { return c.t }

// demoUser is a user to create.
type demoUser struct {
	org    *huifang.Org
	login  string
	name   string
	role   huifang.Role
	branch string
}

// createOrgsAndUsers creates the regulator, the insurers and every user.
func (w *world) createOrgsAndUsers(ctx context.Context, svc *app.Service, password, hash string) (*Logins, map[string]map[huifang.Role][]*huifang.User, error) {
	cli := app.CLI()
	reg, err := svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindRegulator, Code: RegulatorCode, Name: regulatorName})
	if err != nil {
		return nil, nil, err
	}
	// From today the demo's profile lets operators call at any hour and on
	// rest days, so that the demo works in the evening, at a weekend and
	// from any time zone. The simulated weeks before keep the seed bureau's
	// calling hours, so their history reads as a real centre's.
	rules, name, _ := profile.Shipped(profile.Demo)
	if err := w.db.AddProfileVersion(ctx, &profile.Version{RegulatorID: reg.ID, Name: name, Base: profile.Demo, From: w.today,
		Rules: rules, Note: "演示：任何时间均可回访", CreatedAt: svc.Clock.Now(), CreatedBy: "demo"}); err != nil {
		return nil, nil, err
	}
	staff := newPeople(newRand(w.seed, 0))
	todo := []demoUser{
		{org: reg, login: "admin", name: "系统管理员", role: huifang.RoleAdmin},
		{org: reg, login: "supervisor", name: staff.name(true, "周"), role: huifang.RoleSupervisor},
	}
	var orgs []*huifang.Org
	for _, ins := range w.insurers {
		c := ins.spec
		org, err := svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindInsurer, Code: c.code, Name: c.name, RegulatorCode: RegulatorCode,
			ServicePhone: fmt.Sprintf("400-810-%04d", 1001+len(todo))})
		if err != nil {
			return nil, nil, err
		}
		orgs = append(orgs, org)
		todo = append(todo,
			demoUser{org: org, login: c.login + "-admin", name: staff.name(false, ""), role: huifang.RoleInsurerAdmin},
			demoUser{org: org, login: c.login + "-manager", name: staff.name(true, ""), role: huifang.RoleManager},
			demoUser{org: org, login: c.login + "-op1", name: staff.name(false, ""), role: huifang.RoleOperator},
			demoUser{org: org, login: c.login + "-op2", name: staff.name(true, ""), role: huifang.RoleOperator},
			demoUser{org: org, login: c.login + "-handler", name: staff.name(false, ""), role: huifang.RoleHandler, branch: ins.province + "01"},
			demoUser{org: org, login: c.login + "-qa", name: staff.name(true, ""), role: huifang.RoleQA},
		)
	}
	// Compliance officers come after the rest so that adding them did not
	// change the names drawn for the others.
	for i, ins := range w.insurers {
		todo = append(todo, demoUser{org: orgs[i], login: ins.spec.login + "-compliance", name: staff.name(false, ""), role: huifang.RoleCompliance})
	}
	// The regulator's administrator and a second supervisor, who follows
	// the first two companies only (the first follows every one).
	todo = append(todo, demoUser{org: reg, login: "reg-admin", name: staff.name(true, "郑"), role: huifang.RoleRegAdmin},
		demoUser{org: reg, login: "supervisor2", name: staff.name(false, "冯"), role: huifang.RoleSupervisor})
	// A second QA evaluator per insurer, for calibration (demo/qa.go).
	for i, ins := range w.insurers {
		todo = append(todo, demoUser{org: orgs[i], login: ins.spec.login + "-qa2", name: staff.name(false, ""), role: huifang.RoleQA})
	}
	logins := &Logins{}
	users := map[string]map[huifang.Role][]*huifang.User{}
	for _, d := range todo {
		u := &huifang.User{OrgID: d.org.ID, Login: d.login, Name: d.name, Role: d.role, BranchCode: d.branch,
			PasswordHash: hash, CreatedAt: svc.Clock.Now()}
		if err := w.db.CreateUser(ctx, u, huifang.Actor{Name: "cli"}); err != nil {
			return nil, nil, err
		}
		if users[d.org.Code] == nil {
			users[d.org.Code] = map[huifang.Role][]*huifang.User{}
		}
		users[d.org.Code][d.role] = append(users[d.org.Code][d.role], u)
		logins.Users = append(logins.Users, Login{OrgCode: d.org.Code, OrgName: d.org.Name, Login: d.login, Name: d.name, Role: d.role, Password: password})
	}
	for i, sup := range users[reg.Code][huifang.RoleSupervisor] {
		follow := orgs
		if i > 0 && len(orgs) > 2 {
			follow = orgs[:2]
		}
		ids, codes := make([]int64, len(follow)), make([]string, len(follow))
		for j, o := range follow {
			ids[j], codes[j] = o.ID, o.Code
		}
		if err := w.db.SetSupervisorCompanies(ctx, sup, ids, codes, huifang.Actor{Name: "cli"}, svc.Clock.Now()); err != nil {
			return nil, nil, err
		}
	}
	return logins, users, nil
}

// saveReferenceData writes branches, products, agents and outlets the way
// an import does, as the insurer's administrator.
func (s *sim) saveReferenceData(ctx context.Context, when time.Time) error {
	db, id, a := s.db, s.org.ID, s.admin
	if _, err := db.SaveBranches(ctx, id, s.ins.branches, a, when); err != nil {
		return err
	}
	if _, err := db.SaveProducts(ctx, id, s.ins.productList(), a, when); err != nil {
		return err
	}
	recs := make([]huifang.AgentRecord, len(s.ins.agents))
	for i, ag := range s.ins.agents {
		recs[i] = huifang.AgentRecord{Agent: ag, PhoneEnc: s.svc.Box.Seal(ag.Phone), PhoneHash: s.svc.Box.Hash(ag.Phone)}
		recs[i].Phone = ""
	}
	if _, err := db.SaveAgents(ctx, id, recs, a, when); err != nil {
		return err
	}
	_, err := db.SaveOutlets(ctx, id, s.ins.outlets, a, when)
	return err
}

// demoNow is the moment the demo's story ends: now, unless problem cases
// opened now could fall due in a year the working-day calendar lacks (from
// about December while next year's calendar is not loaded); then the story
// ends two months before the last day the calendar knows, so that every
// deadline can be computed, as the rules require.
func demoNow(svc *app.Service) time.Time {
	now := svc.Clock.Now().UTC()
	years := svc.Calendar().Years()
	if len(years) == 0 {
		return now
	}
	last := huifang.NewDate(years[len(years)-1], time.December, 31)
	if limit := last.AddDays(-60); huifang.DateOf(now).After(limit) {
		return time.Date(limit.Year(), limit.Month(), limit.Day(), 20, 30, 0, 0, huifang.Shanghai).UTC()
	}
	return now
}
