package app_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// callbackDues lists an insurer's callbacks as "policy kind due", sorted.
func (w *world) callbackDues(t *testing.T, org string) []string {
	t.Helper()
	o, err := w.db.FindOrgByCode(ctx, org)
	mustDo(t, func() error { return err })
	var out []string
	mustDo(t, func() error {
		return w.db.ForEachCallback(ctx, o.ID, huifang.CallbackFilter{}, func(r *huifang.CallbackRow) error {
			out = append(out, r.PolicyNo+" "+string(r.Kind)+" "+r.DueOn.String())
			return nil
		})
	})
	sort.Strings(out)
	return out
}

// record turns a policy line into an API record, header to value.
func record(line string) map[string]string {
	head := strings.Split(strings.TrimSpace(policyHead), ",")
	cells := strings.Split(strings.TrimSpace(line), ",")
	r := map[string]string{}
	for i, h := range head {
		r[h] = cells[i]
	}
	return r
}

// The profile in force on the day of an import decides the scope (non-life
// wealth management is in under the seed bureau, out under the national
// baseline) and whether a cooling-off period ending on a rest day runs on,
// for the file import and the API's records alike.
func TestPlanningFollowsTheProfile(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.importFile(t, "A", importer.KindProducts, "产品代码,产品名称,设计类型,保险期间,保证续保,犹豫期天数\nW3,聚富稳盈投资型家庭财产保险,非寿险理财,10,否,15\n")
		// 5 March, the seed bureau's rules: non-life wealth is in scope, no run-on.
		w.importFile(t, "A", importer.KindPolicies, policyHead+
			policyLine("W1", "W3", "个险", "2026-03-04", "13800000001", 1)+
			policyLine("L1", "L20", "个险", "2026-03-05", "13800000002", 2)) // ends Friday 20 March
		want := []string{"L1 new-business 2026-03-20", "W1 new-business 2026-03-19"}
		if got := w.callbackDues(t, "A"); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("seed bureau: %v, want %v", got, want)
		}
		// From 6 March the regulator follows the national baseline's scope
		// and lets a period ending on a rest day run on.
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		cur, err := w.svc.ProfileFor(ctx, w.op.OrgID, huifang.NewDate(2026, 3, 5))
		mustDo(t, func() error { return err })
		if !cur.Rules.NonLifeWealthInScope || cur.Rules.CoolingOffRunsOn {
			t.Fatalf("seed rules %+v", cur.Rules)
		}
		rules := cur.Rules
		rules.NonLifeWealthInScope, rules.CoolingOffRunsOn = false, true
		_, err = w.svc.ChangeProfile(ctx, sup, app.ProfileInput{From: huifang.NewDate(2026, 3, 6), Rules: rules, Note: "全国基准范围，犹豫期顺延"})
		mustDo(t, func() error { return err })
		// Still 5 March: the new version is not in force yet.
		w.importFile(t, "A", importer.KindPolicies, policyHead+policyLine("W0", "W3", "个险", "2026-03-05", "13800000009", 9))
		w.clk.t = at(6, 10, 0)
		w.importFile(t, "A", importer.KindPolicies, policyHead+
			policyLine("W2", "W3", "个险", "2026-03-06", "13800000003", 3)+ // out of scope now
			policyLine("L2", "L20", "个险", "2026-03-06", "13800000004", 4)) // ends Saturday 21 March: runs on to Monday 23
		res, err := w.svc.ImportRecords(ctx, app.CLI(), "A", importer.KindPolicies, "core-batch", []map[string]string{
			record(policyLine("W4", "W3", "银保", "2026-03-06", "13800000005", 5)),  // out of scope
			record(policyLine("L3", "L20", "个险", "2026-03-06", "13800000006", 6)), // runs on
		})
		mustDo(t, func() error { return err })
		if res.Counts.Created != 2 || res.Callbacks != 1 {
			t.Fatalf("API import %+v", res)
		}
		want = []string{"L1 new-business 2026-03-20", "L2 new-business 2026-03-23", "L3 new-business 2026-03-23",
			"W0 new-business 2026-03-20", "W1 new-business 2026-03-19"}
		if got := w.callbackDues(t, "A"); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("national scope with run-on: %v, want %v", got, want)
		}
		// A decided deadline stays: importing W1 again changes nothing.
		res = w.importFile(t, "A", importer.KindPolicies, policyHead+policyLine("W1", "W3", "个险", "2026-03-04", "13800000001", 1))
		if res.Counts.Unchanged != 1 || res.Callbacks != 0 {
			t.Fatalf("re-import %+v", res)
		}
	})
}

// An insurer's pre-underwriting setting changes after `org add`, audited,
// by the system administrator only; an application not yet underwritten
// then gets a callback before underwriting, a policy already issued only
// its new-business callback.
func TestSetPreUnderwriting(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		for _, u := range []*huifang.User{w.op, w.admin} {
			if _, err := w.svc.SetPreUnderwriting(ctx, u, "A", true); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
				t.Fatalf("%s: %v", u.Login, err)
			}
		}
		if _, err := w.svc.SetPreUnderwriting(ctx, app.CLI(), "REG", true); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("regulator: %v", err)
		}
		if _, err := w.svc.SetPreUnderwriting(ctx, app.CLI(), "NOPE", true); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("unknown org: %v", err)
		}
		o, err := w.svc.SetPreUnderwriting(ctx, app.CLI(), "A", true)
		mustDo(t, func() error { return err })
		if !o.PreUnderwritingCallback {
			t.Fatalf("org %+v", o)
		}
		application := func(no string, seq int) string {
			return strings.Replace(policyLine(no, "L20", "个险", "", fmt.Sprintf("138000000%02d", seq), seq), ",2026-02-25,", ",,", 1)
		}
		w.importFile(t, "A", importer.KindPolicies, policyHead+
			application("P1", 1)+ // not underwritten yet
			policyLine("P2", "L20", "个险", "", "13800000002", 2)+ // issued 25 February
			policyLine("P3", "L20", "个险", "2026-03-02", "13800000003", 3)) // issued and receipted
		want := []string{"P1 pre-underwriting 2026-02-23", "P3 new-business 2026-03-17"}
		if got := w.callbackDues(t, "A"); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("on: %v, want %v", got, want)
		}
		// B is left alone.
		w.importFile(t, "B", importer.KindPolicies, policyHead+application("Q1", 4))
		if got := w.callbackDues(t, "B"); len(got) != 0 {
			t.Fatalf("B: %v", got)
		}
		// P1 is issued and receipted: its new-business callback comes; the
		// pre-underwriting one planned before stays.
		w.importFile(t, "A", importer.KindPolicies, policyHead+policyLine("P1", "L20", "个险", "2026-03-03", "13800000001", 1))
		want = []string{"P1 new-business 2026-03-18", "P1 pre-underwriting 2026-02-23", "P3 new-business 2026-03-17"}
		if got := w.callbackDues(t, "A"); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("after issue: %v, want %v", got, want)
		}
		// Off again: a new application gets none.
		if _, err := w.svc.SetPreUnderwriting(ctx, app.CLI(), "A", false); err != nil {
			t.Fatal(err)
		}
		w.importFile(t, "A", importer.KindPolicies, policyHead+application("P4", 5))
		if got := w.callbackDues(t, "A"); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("off: %v, want %v", got, want)
		}
		audit, err := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Entity: "org", Key: "A"})
		mustDo(t, func() error { return err })
		var actions []string
		for _, a := range audit {
			if a.Action == "pre-underwriting" {
				actions = append(actions, a.Detail)
			}
		}
		if len(actions) != 2 || !strings.Contains(strings.Join(actions, " "), `"new":true`) {
			t.Fatalf("audit %v", actions)
		}
	})
}
