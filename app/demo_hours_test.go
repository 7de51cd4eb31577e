package app_test

import (
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/testworld"
)

// TestDemoProfileCallsAtAnyHour: at 22:30 Beijing time on a weekday and on a
// Sunday morning, the operator of an insurer under the demo profile gets a
// callback, while the operator of an insurer under a real profile (the seed
// bureau's) is refused; a real regulator cannot switch calling hours off.
func TestDemoProfileCallsAtAnyHour(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw) // REG follows the seed bureau's profile
		cli := app.CLI()
		mustDo(t, func() error {
			_, err := w.svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindRegulator, Code: "DEMO", Name: "演示监管局", Profile: profile.Demo})
			return err
		})
		mustDo(t, func() error {
			_, err := w.svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindInsurer, Code: "D", Name: "演示人寿", RegulatorCode: "DEMO", ServicePhone: "95519"})
			return err
		})
		w.importFile(t, "D", importer.KindBranches, branchesCSV)
		w.importFile(t, "D", importer.KindProducts, productsCSV)
		w.importFile(t, "D", importer.KindAgents, agentsCSV)
		opD, err := w.svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "D", Login: "opd", Role: huifang.RoleOperator, Password: "secret-password"})
		mustDo(t, func() error { return err })
		lines := policyLine("N1", "L20", "个险", "2026-03-02", "13800000001", 1) + policyLine("N2", "L20", "个险", "2026-03-03", "13800000002", 2)
		w.importFile(t, "A", importer.KindPolicies, policyHead+lines)
		w.importFile(t, "D", importer.KindPolicies, policyHead+lines)

		for _, tc := range []struct {
			name string
			day  int
			h, m int
		}{
			{"Thursday 22:30", 5, 22, 30},
			{"Sunday 10:00", 8, 10, 0},
			{"Sunday 03:15", 8, 3, 15},
		} {
			w.clk.t = at(tc.day, tc.h, tc.m)
			work, err := w.svc.Next(ctx, opD)
			if err != nil {
				t.Fatalf("%s: the demo's operator got no callback: %v", tc.name, err)
			}
			mustDo(t, func() error { return w.svc.Release(ctx, opD, work.Callback.ID) })
			if _, err := w.svc.Next(ctx, w.op); huifang.ErrorCode(err) != huifang.EINVALID {
				t.Fatalf("%s: a real profile's operator was not refused: %v", tc.name, err)
			}
			if !w.svc.CallsAnyTime(ctx, opD) || w.svc.CallsAnyTime(ctx, w.op) {
				t.Fatalf("%s: CallsAnyTime demo %v, real %v", tc.name, w.svc.CallsAnyTime(ctx, opD), w.svc.CallsAnyTime(ctx, w.op))
			}
		}

		// A real regulator's supervisor cannot make calls allowed at any hour.
		sup, err := w.svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "REG", Login: "sup", Role: huifang.RoleSupervisor, Password: "secret-password", Companies: followAll(t, w.svc, "REG")})
		mustDo(t, func() error { return err })
		vs, err := w.svc.Profiles(ctx, sup)
		mustDo(t, func() error { return err })
		rules := vs[len(vs)-1].Rules
		rules.CallAnyTime = true
		if _, err := w.svc.ChangeProfile(ctx, sup, app.ProfileInput{From: huifang.NewDate(2026, 4, 1), Rules: rules}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("a real profile took calls at any hour: %v", err)
		}
	})
}
