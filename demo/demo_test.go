package demo

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// testNow is a Thursday, 11:30 in Shanghai.
var testNow = time.Date(2026, 3, 12, 3, 30, 0, 0, time.UTC)

const testPolicies = 400

func newService(t *testing.T, db *store.DB) *app.Service {
	t.Helper()
	key, err := pii.ParseKey(pii.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	box, err := pii.New(key)
	if err != nil {
		t.Fatal(err)
	}
	svc := app.New(db, box, slog.New(slog.DiscardHandler))
	svc.Clock = fixedClock(testNow)
	return svc
}

func TestFill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := newService(t, db)
		start := time.Now()
		logins, err := Fill(ctx, db, svc, Options{Policies: testPolicies})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("filled in %v", time.Since(start).Round(time.Millisecond))
		if got := svc.Clock.Now(); !got.Equal(testNow) {
			t.Errorf("the service's clock now says %v, want it left at %v", got, testNow)
		}
		w := newWorld(1, testNow, testPolicies) // what Fill generated

		// The public disclosure: two quarters, one erratum, a company from the live table.
		quarters, err := svc.Disclosures(ctx, RegulatorCode)
		if err != nil || len(quarters) != 2 {
			t.Fatalf("disclosures %+v %v", quarters, err)
		}
		latest, err := svc.Disclosure(ctx, RegulatorCode, quarters[0].Period)
		if err != nil {
			t.Fatal(err)
		}
		live := 0
		for _, r := range latest.Rows {
			if r.Source == huifang.FromLive && len(latest.History[r.OrgCode]) == 2 {
				live++
			}
		}
		if len(latest.Errata) != 1 || live != 1 {
			t.Fatalf("the latest disclosure %+v", latest.Disclosure)
		}

		// Organisations and reference data.
		orgs, err := db.ListOrgs(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var insurers []huifang.Org
		for _, o := range orgs {
			if o.Kind == huifang.KindInsurer {
				insurers = append(insurers, o)
			}
		}
		if len(insurers) < 5 {
			t.Fatalf("%d insurers, want at least 5", len(insurers))
		}
		// The indicators' counts kept while the demo worked equal a recount.
		var completed int64
		for _, o := range insurers {
			for _, period := range []string{testNow.Format("2006"), testNow.Format("2006-01")} {
				_, fast, err := svc.StatsTable(ctx, app.CLI(), o.Code, period)
				if err != nil {
					t.Fatal(err)
				}
				_, slow, err := svc.StatsRecount(ctx, app.CLI(), o.Code, period)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(fast, slow) {
					t.Fatalf("%s %s: counts %+v differ from a recount %+v", o.Code, period, fast.Total, slow.Total)
				}
				if period == testNow.Format("2006") {
					completed += fast.Total.Callbacks.Completed
				}
			}
		}
		if completed == 0 {
			t.Fatal("no completed callbacks counted")
		}
		// The statistics tables of the months that ended: accepted, one a
		// correction (version 2), one late, one company's missing.
		sup, err := db.FindUserByLogin(ctx, "supervisor")
		if err != nil {
			t.Fatal(err)
		}
		// The supervisors: one follows every company, the other two.
		for login, want := range map[string]int{"supervisor": 5, "supervisor2": 2, "reg-admin": 5} {
			u, err := db.FindUserByLogin(ctx, login)
			if err != nil {
				t.Fatal(err)
			}
			if cos, err := svc.Overseen(ctx, u); err != nil || len(cos) != want {
				t.Fatalf("%s follows %d companies (%v), want %d", login, len(cos), err, want)
			}
		}
		states, err := svc.SubmissionStatus(ctx, sup, RegulatorCode, app.RecentPeriods(huifang.DateOf(testNow)))
		if err != nil {
			t.Fatal(err)
		}
		subs := map[string]int{}
		for _, st := range states {
			subs[st.Status]++
			if st.Version == 2 {
				subs["corrected"]++
			}
			if st.Late {
				subs["late"]++
			}
		}
		for _, k := range []string{"accepted", "missing", "corrected", "late"} {
			if subs[k] == 0 {
				t.Errorf("no %s statistics table in the demo: %v", k, subs)
			}
		}
		// Misconduct records: the supervisor finds the agent who moved
		// between the first two companies at both; records in every state.
		if i := busiest(w.insurers[0], func(x huifang.Agent) bool { return x.Status == huifang.AgentLeft }); i >= 0 {
			found, err := svc.SearchMisconduct(ctx, sup, "", w.insurers[0].agents[i].RegNo)
			if err != nil {
				t.Fatal(err)
			}
			at := map[string]bool{}
			for _, r := range found {
				at[r.OrgCode] = true
			}
			if len(at) != 2 {
				t.Errorf("the shared agent's confirmed records are at %v, want two companies", at)
			}
		} else {
			t.Error("no agent who left the first company")
		}
		mstates := map[huifang.MisconductStatus]int{}
		for _, o := range insurers {
			recs, err := svc.MisconductOf(ctx, o.Code, huifang.MisconductFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				mstates[r.Status]++
			}
		}
		for _, st := range huifang.MisconductStatuses {
			if mstates[st] == 0 {
				t.Errorf("no %s misconduct record in the demo: %v", st, mstates)
			}
		}
		// Rectification notices: one closed, one answered, one open, one overdue; the supervisor's digest names the overdue one.
		notices, err := svc.RectificationsOf(ctx, RegulatorCode, "")
		if err != nil {
			t.Fatal(err)
		}
		rstates := map[string]int{}
		for _, r := range notices {
			rstates[string(r.Status)]++
			if r.Overdue(huifang.DateOf(testNow)) {
				rstates["overdue"]++
			}
		}
		if rstates["closed"] != 1 || rstates["answered"] != 1 || rstates["open"] != 2 || rstates["overdue"] != 1 {
			t.Errorf("rectification notices in the demo: %v", rstates)
		}
		// Spot checks: one sample with verdicts, a finding that opened a case.
		scs, err := svc.SpotChecks(ctx, sup, 0)
		if err != nil || len(scs) != 1 || scs[0].Seed != spotCheckSeed || scs[0].Decided < 5 {
			t.Errorf("the demo's spot checks %+v %v", scs, err)
		} else if v, err := svc.SpotCheck(ctx, sup, scs[0].ID, app.ItemQuery{Verdict: huifang.VerdictInconsistent}); err != nil || len(v.Items) != 1 || v.Items[0].CaseID == 0 {
			t.Errorf("the demo's inconsistent verdict %+v %v", v, err)
		}
		// QA: at the first insurer, scored evaluations, one critical
		// failure under appeal, one calibration pair.
		qaUser, err := db.FindUserByLogin(ctx, w.insurers[0].spec.login+"-qa")
		if err != nil {
			t.Fatal(err)
		}
		evs, err := svc.QAQueue(ctx, qaUser, huifang.QAFilter{})
		if err != nil {
			t.Fatal(err)
		}
		qaStates := map[string]int{}
		for _, e := range evs {
			qaStates[string(e.Status)]++
			if e.CriticalFail {
				qaStates["critical"]++
			}
			if e.PairID != 0 {
				qaStates["calibration"]++
			}
		}
		if qaStates["appealed"] != 1 || qaStates["critical"] != 1 || qaStates["calibration"] != 1 || qaStates["evaluated"] < 3 || qaStates["queued"] == 0 {
			t.Errorf("QA in the demo: %v", qaStates)
		}
		designs := map[huifang.DesignType]bool{}
		for _, o := range insurers {
			ps, err := db.ListProducts(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				designs[p.Design] = true
			}
		}
		for _, d := range huifang.DesignTypes {
			if !designs[d] {
				t.Errorf("no product of design type %s", d)
			}
		}

		// Policies: every channel, and one without a receipt and so without a callback.
		channels := map[huifang.Channel]bool{}
		noReceipt := 0
		for _, ins := range w.insurers {
			org, err := db.FindOrgByCode(ctx, ins.spec.code)
			if err != nil {
				t.Fatal(err)
			}
			n, err := db.CountPolicies(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(ins.policies) {
				t.Errorf("%s: %d policies stored, want %d", org.Code, n, len(ins.policies))
			}
			for _, p := range ins.policies {
				if channels[p.Channel] && (!p.ReceiptOn.IsZero() || noReceipt > 0) {
					continue
				}
				rec, err := db.FindPolicy(ctx, org.ID, p.No)
				if err != nil {
					t.Fatalf("policy %s: %v", p.No, err)
				}
				channels[rec.Channel] = true
				if rec.ReceiptOn.IsZero() {
					c, err := db.CountCallbacks(ctx, org.ID, huifang.CallbackFilter{PolicyNo: p.No})
					if err != nil {
						t.Fatal(err)
					}
					if c != 0 {
						t.Errorf("policy %s has no receipt date but %d callbacks", p.No, c)
					}
					noReceipt++
				}
			}
		}
		for _, c := range huifang.Channels {
			if !channels[c] {
				t.Errorf("no policy sold through channel %s", c)
			}
		}
		if noReceipt == 0 {
			t.Error("no policy without a receipt date")
		}

		// Callbacks in every status and with every result; problem cases of
		// several types; late callbacks.
		count := func(f huifang.CallbackFilter) int {
			n := 0
			for _, o := range insurers {
				c, err := db.CountCallbacks(ctx, o.ID, f)
				if err != nil {
					t.Fatal(err)
				}
				n += c
			}
			return n
		}
		for _, s := range []huifang.CallbackStatus{huifang.StatusOpen, huifang.StatusScheduled, huifang.StatusDone} {
			n := count(huifang.CallbackFilter{Status: s})
			t.Logf("status %s: %d", s, n)
			if n == 0 {
				t.Errorf("no callback in status %s", s)
			}
		}
		for _, r := range []huifang.CallbackResult{huifang.ResultSuccessful, huifang.ResultProblems, huifang.ResultNotCompleted} {
			n := count(huifang.CallbackFilter{Result: r})
			t.Logf("result %s: %d", r, n)
			if n == 0 {
				t.Errorf("no callback with result %s", r)
			}
		}
		late := count(huifang.CallbackFilter{Late: true})
		t.Logf("late: %d", late)
		if late == 0 {
			t.Error("no late callback")
		}
		types := map[huifang.ProblemType]int{}
		statuses := map[huifang.ProblemStatus]int{}
		escalated := 0
		for _, o := range insurers {
			ps, err := db.ListProblemCases(ctx, o.ID, huifang.ProblemFilter{Limit: 5000})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				types[p.Type]++
				statuses[p.Status]++
				if !p.EscalatedAt.IsZero() {
					escalated++
				}
			}
		}
		t.Logf("problem cases: %v %v, %d escalated", types, statuses, escalated)
		if len(types) < 3 {
			t.Errorf("problem cases of %d types, want at least 3: %v", len(types), types)
		}
		for _, st := range []huifang.ProblemStatus{huifang.ProblemOpen, huifang.ProblemTransferring, huifang.ProblemInProgress, huifang.ProblemRecallback, huifang.ProblemResolved} {
			if statuses[st] == 0 {
				t.Errorf("no problem case %s: %v", st, statuses)
			}
		}
		overdue := 0
		for _, o := range insurers {
			tally, err := db.TallyCallbacks(ctx, o.ID, huifang.DateOf(testNow))
			if err != nil {
				t.Fatal(err)
			}
			overdue += tally.Overdue
		}
		t.Logf("overdue: %d", overdue)

		// Every listed login exists with the demo password, in its organisation.
		roles := map[huifang.Role]bool{}
		for _, l := range logins.Users {
			roles[l.Role] = true
			if l.Password != DefaultPassword {
				t.Errorf("%s: password %q, want %q", l.Login, l.Password, DefaultPassword)
			}
			u, err := db.FindUserByLogin(ctx, l.Login)
			if err != nil {
				t.Fatalf("login %s: %v", l.Login, err)
			}
			o, err := db.FindOrgByID(ctx, u.OrgID)
			if err != nil || o.Code != l.OrgCode || u.Role != l.Role {
				t.Errorf("login %s: in %v as %s, listed in %s as %s", l.Login, o, u.Role, l.OrgCode, l.Role)
			}
		}
		for _, r := range huifang.Roles {
			if !roles[r] {
				t.Errorf("no demo user with role %s", r)
			}
		}
		if _, _, err := svc.Login(ctx, "hta-op1", DefaultPassword, "127.0.0.1"); err != nil {
			t.Errorf("log in as hta-op1: %v", err)
		}

		// Each insurer's users see their own callbacks only.
		seen := map[int64]string{}
		for _, login := range []string{"hta-op1", "gm-manager", "df-handler"} {
			u, err := db.FindUserByLogin(ctx, login)
			if err != nil {
				t.Fatal(err)
			}
			rows, total, err := svc.ListCallbacks(ctx, u, huifang.CallbackFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if total == 0 || len(rows) == 0 {
				t.Errorf("%s sees no callbacks", login)
			}
			for _, r := range rows {
				if r.OrgID != u.OrgID {
					t.Errorf("%s sees callback %d of organisation %d", login, r.ID, r.OrgID)
				}
				if other, ok := seen[r.ID]; ok {
					t.Errorf("callback %d seen by both %s and %s", r.ID, other, login)
				}
				seen[r.ID] = login
			}
		}

		// The planted false numbers show their warnings to the operator.
		warned := 0
		for _, ins := range w.insurers[:1] {
			op, err := db.FindUserByLogin(ctx, ins.spec.login+"-op1")
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ins.policies {
				if p.story.note == "" {
					continue
				}
				rows, _, err := svc.ListCallbacks(ctx, op, huifang.CallbackFilter{PolicyNo: p.No})
				if err != nil || len(rows) == 0 { // a re-callback may follow the new-business one
					t.Fatalf("callback of policy %s: %v (%d rows)", p.No, err, len(rows))
				}
				work, err := svc.Callback(ctx, op, rows[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(work.Risk.Signs) > 0 {
					warned++
				}
			}
		}
		if warned < 3 {
			t.Errorf("%d policies with false-number warnings, want at least 3", warned)
		}
		// Every insurer's managers find flagged policies of each sign (risks.go).
		for _, ins := range w.insurers {
			mgr, err := db.FindUserByLogin(ctx, ins.spec.login+"-manager")
			if err != nil {
				t.Fatal(err)
			}
			signs := map[huifang.RiskSign]int{}
			for _, sg := range huifang.RiskSigns {
				_, n, err := svc.Risks(ctx, mgr, app.RiskQuery{Sign: sg})
				if err != nil {
					t.Fatal(err)
				}
				signs[sg] = n
			}
			if signs[huifang.RiskAgentPhone] < 3 || signs[huifang.RiskShared] < 3 || signs[huifang.RiskChanged] < 1 {
				t.Errorf("%s: flagged policies by sign %v", ins.spec.login, signs)
			}
		}

		// A second fill is refused: the database is not empty.
		if _, err := Fill(ctx, db, svc, Options{Policies: 10}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Errorf("second Fill: %v, want a conflict", err)
		}
	})
}

// TestWorldDeterministic: the same seed and day make the same data.
func TestWorldDeterministic(t *testing.T) {
	a, b := newWorld(7, testNow, 300), newWorld(7, testNow, 300)
	for i := range a.insurers {
		pa, pb := a.insurers[i].policies, b.insurers[i].policies
		if len(pa) != len(pb) {
			t.Fatalf("insurer %d: %d and %d policies", i, len(pa), len(pb))
		}
		for j := range pa {
			if !reflect.DeepEqual(pa[j], pb[j]) {
				t.Fatalf("policy %d of insurer %d differs: %+v and %+v", j, i, pa[j], pb[j])
			}
		}
		if !reflect.DeepEqual(a.insurers[i].agents, b.insurers[i].agents) {
			t.Errorf("insurer %d: agents differ", i)
		}
	}
	if c := newWorld(8, testNow, 300); reflect.DeepEqual(c.insurers[0].policies[0].Policy, a.insurers[0].policies[0].Policy) {
		t.Error("another seed made the same first policy")
	}
}

// TestWorldPassesImport: the generated data is what an insurer could import
// as files: the importer finds nothing wrong with it.
func TestWorldPassesImport(t *testing.T) {
	w := newWorld(1, testNow, 3000)
	for _, ins := range w.insurers {
		refs := &importer.MemoryRefs{Branches: map[string]huifang.Branch{}, Products: ins.products,
			Agents: map[string]huifang.Agent{}, Outlets: map[string]huifang.Outlet{}}
		var rows [][]string
		for _, b := range ins.branches {
			refs.Branches[b.Code] = b
			rows = append(rows, []string{b.Code, b.Name, b.ParentCode})
		}
		check(t, ins, importer.KindBranches, []string{"机构代码", "机构名称", "上级机构代码"}, rows, &importer.MemoryRefs{}, w.today)
		rows = nil
		for _, p := range ins.productList() {
			rows = append(rows, []string{p.Code, p.Name, p.Design.ZH(), p.Term.String(), yesNo(p.GuaranteedRenewal), strconv.Itoa(p.CoolingOffDays)})
		}
		check(t, ins, importer.KindProducts, []string{"产品代码", "产品名称", "设计类型", "保险期间", "保证续保", "犹豫期天数"}, rows, refs, w.today)
		rows = nil
		for _, a := range ins.agents {
			refs.Agents[a.Code] = a
			rows = append(rows, []string{a.Code, a.Name, a.Phone, a.BranchCode, a.RegNo, a.Status.ZH()})
		}
		check(t, ins, importer.KindAgents, []string{"业务员代码", "姓名", "手机号", "机构代码", "执业证号", "状态"}, rows, refs, w.today)
		rows = nil
		for _, o := range ins.outlets {
			refs.Outlets[o.Code] = o
			rows = append(rows, []string{o.Code, o.Name, o.Bank, o.BranchCode})
		}
		check(t, ins, importer.KindOutlets, []string{"网点代码", "网点名称", "所属银行", "机构代码"}, rows, refs, w.today)
		rows = nil
		for _, p := range ins.policies {
			rows = append(rows, []string{p.No, p.ProductCode, p.Channel.ZH(), p.BranchCode, p.AgentCode, p.OutletCode,
				p.HolderName, p.HolderID, p.HolderBirth.String(), p.HolderPhone, p.InsuredName,
				p.AppliedOn.String(), p.IssuedOn.String(), p.ReceiptOn.String(),
				fmt.Sprintf("%d.%02d", p.PremiumFen/100, p.PremiumFen%100), p.PayMode.ZH(), strconv.Itoa(p.PayYears), p.Term.String()})
		}
		check(t, ins, importer.KindPolicies, []string{"保单号", "产品代码", "销售渠道", "机构代码", "业务员代码", "银行网点代码",
			"投保人姓名", "投保人证件号码", "投保人出生日期", "投保人手机号", "被保险人姓名", "投保日期", "承保日期", "回执签收日期",
			"保费", "缴费方式", "缴费年期", "保险期间"}, rows, refs, w.today)
	}
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func check(t *testing.T, ins *insurer, kind importer.Kind, header []string, rows [][]string, refs importer.Refs, today huifang.Date) {
	t.Helper()
	c, err := importer.NewChecker(kind, header, refs, today)
	if err != nil {
		t.Fatalf("%s %s: %v", ins.spec.code, kind, err)
	}
	for i, r := range rows {
		c.Row(i+2, r)
	}
	c.End()
	if rep := c.Report(); !rep.OK() {
		t.Errorf("%s %s: the importer rejects the demo data:\n%s", ins.spec.code, kind, rep.String())
	}
}
