package app_test

import (
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/testworld"
)

func codesOf(os []huifang.Org) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.Code)
	}
	return out
}

// TestAssignCompanies: the regulator's administrator assigns a supervisor
// companies; the supervisor then sees those only (Overseen, VisibleOrgs,
// the regulator's table, another company's figures not found); what may
// not be assigned is refused with a reason.
func TestAssignCompanies(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		cli := app.CLI()
		radm, err := w.svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "REG", Login: "radm", Role: huifang.RoleRegAdmin, Password: "secret-password"})
		mustDo(t, func() error { return err })
		sup, err := w.svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "REG", Login: "sup", Role: huifang.RoleSupervisor, Password: "secret-password", Companies: []string{"A"}})
		mustDo(t, func() error { return err })

		see := func(u *huifang.User) []string {
			t.Helper()
			cos, err := w.svc.Overseen(ctx, u)
			mustDo(t, func() error { return err })
			return codesOf(cos)
		}
		if got := see(sup); len(got) != 1 || got[0] != "A" {
			t.Fatalf("sup follows %v", got)
		}
		if got := see(radm); len(got) != 2 {
			t.Fatalf("the administrator sees %v", got)
		}
		if _, _, err := w.svc.StatsTable(ctx, sup, "B", "2026-03"); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("B's figures as sup: %v", err)
		}
		if _, tb, err := w.svc.StatsTable(ctx, sup, "REG", "2026-03"); err != nil || len(tb.ByCompany) != 1 || tb.ByCompany[0].Key != "A" {
			t.Fatalf("the regulator's table as sup: %+v %v", tb.ByCompany, err)
		}
		vis, err := w.svc.VisibleOrgs(ctx, sup)
		mustDo(t, func() error { return err })
		if got := codesOf(vis); len(got) != 2 || got[0] != "REG" || got[1] != "A" {
			t.Fatalf("sup's visible organisations %v", got)
		}

		// The administrator moves sup to B.
		cos, err := w.svc.AssignCompanies(ctx, radm, "", "sup", []string{"B", " B", ""})
		mustDo(t, func() error { return err })
		if got := codesOf(cos); len(got) != 1 || got[0] != "B" {
			t.Fatalf("assigned %v", got)
		}
		if got := see(sup); len(got) != 1 || got[0] != "B" {
			t.Fatalf("sup now follows %v", got)
		}
		if _, _, err := w.svc.StatsTable(ctx, sup, "A", "2026-03"); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("A's figures after the move: %v", err)
		}
		// None at all: sees nothing.
		_, err = w.svc.AssignCompanies(ctx, radm, "", "sup", nil)
		mustDo(t, func() error { return err })
		if got := see(sup); len(got) != 0 {
			t.Fatalf("sup follows %v after emptying", got)
		}

		_, err = w.svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindRegulator, Code: "REG2", Name: "另一监管局"})
		mustDo(t, func() error { return err })
		_, err = w.svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindInsurer, Code: "C", Name: "丙人寿", RegulatorCode: "REG2"})
		mustDo(t, func() error { return err })
		for _, c := range []struct {
			name string
			err  error
			code string
		}{
			{"another regulator's company", func() error { _, err := w.svc.AssignCompanies(ctx, radm, "", "sup", []string{"C"}); return err }(), huifang.EINVALID},
			{"an unknown company", func() error { _, err := w.svc.AssignCompanies(ctx, radm, "", "sup", []string{"Z"}); return err }(), huifang.EINVALID},
			{"the regulator itself", func() error { _, err := w.svc.AssignCompanies(ctx, radm, "", "sup", []string{"REG"}); return err }(), huifang.EINVALID},
			{"not a supervisor", func() error { _, err := w.svc.AssignCompanies(ctx, radm, "", "radm", []string{"A"}); return err }(), huifang.EINVALID},
			{"an unknown login", func() error { _, err := w.svc.AssignCompanies(ctx, radm, "", "nobody", []string{"A"}); return err }(), huifang.ENOTFOUND},
			{"by a supervisor", func() error { _, err := w.svc.AssignCompanies(ctx, sup, "", "sup", []string{"A"}); return err }(), huifang.EFORBIDDEN},
			{"by an insurer's administrator", func() error { _, err := w.svc.AssignCompanies(ctx, w.admin, "REG", "sup", []string{"A"}); return err }(), huifang.EFORBIDDEN},
			{"another regulator's supervisor", func() error { _, err := w.svc.AssignCompanies(ctx, radm, "REG2", "sup", []string{"A"}); return err }(), huifang.EFORBIDDEN},
			{"companies for an operator", func() error {
				_, err := w.svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "A", Login: "op9", Role: huifang.RoleOperator, Password: "secret-password", Companies: []string{"A"}})
				return err
			}(), huifang.EINVALID},
			{"a supervisor of an unknown company", func() error {
				_, err := w.svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "REG", Login: "sup9", Role: huifang.RoleSupervisor, Password: "secret-password", Companies: []string{"C"}})
				return err
			}(), huifang.EINVALID},
			{"a regulator's administrator at an insurer", func() error {
				_, err := w.svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "A", Login: "radm9", Role: huifang.RoleRegAdmin, Password: "secret-password"})
				return err
			}(), huifang.EINVALID},
		} {
			if huifang.ErrorCode(c.err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, c.err, c.code)
			}
		}
		// The refused new user was not half made.
		if _, err := w.db.FindUserByLogin(ctx, "sup9"); err != huifang.ErrNotFound {
			t.Fatalf("sup9 exists: %v", err)
		}
		sups, all, err := w.svc.Supervisors(ctx, radm, "")
		mustDo(t, func() error { return err })
		if len(sups) != 1 || sups[0].User.Login != "sup" || len(sups[0].Companies) != 0 || len(all) != 2 {
			t.Fatalf("supervisors %+v of %v", sups, codesOf(all))
		}
	})
}
