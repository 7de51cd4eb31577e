package store_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// sellerTable is the drill-down by seller of an insurer's period, as of a
// day, narrowed to some branches, a channel and a design type: from the
// kept seller counts (with the running month's callbacks due so far from
// their rows, as the app adds them), or recounted from every fact.
func sellerTable(t *testing.T, db *store.DB, orgID int64, p indicator.Period, asOf huifang.Date, branches []string, channel, design string, kept bool) []indicator.Row {
	t.Helper()
	b := indicator.NewBuilder(p, asOf, indicator.BySeller)
	keep := func(_ string, ch huifang.Channel, d huifang.DesignType) bool {
		return (channel == "" || string(ch) == channel) && (design == "" || string(d) == design)
	}
	if !kept {
		b.Keep = keep
		must(t, db.ForEachFactIn(ctx, orgID, p.First(), p.Last(), branches,
			func(f indicator.CallbackFact) error { b.AddCallback(f); return nil },
			func(f indicator.CaseFact) error { b.AddCase(f); return nil }))
		return b.Table().Extra[0]
	}
	c, err := db.ReadSellerStats(ctx, orgID, p, asOf, branches, channel, design)
	must(t, err)
	b.AddCounts(c)
	if from, to, ok := b.PartialMonth(); ok {
		// Narrowed in the database, as ReadSellerStats is: no keep here.
		must(t, db.ForEachCallbackFactIn(ctx, orgID, from, to, branches, channel, design, func(f indicator.CallbackFact) error {
			b.AddCallbackSoFar(f)
			return nil
		}))
	}
	return b.Table().Extra[0]
}

// TestConformSellerStats: the counts kept by seller (the agent, or the
// bank outlet) equal a recount from the rows after every kind of change:
// an import, finishing callbacks with and without problem cases, a case
// closed, a re-import moving policies to another agent or to an outlet,
// an orphan-policy callback, a product's design type corrected; for months,
// the quarter, narrowed by channel and design type, as of days inside and
// after the period; and a rebuild gives the same counts, on both engines.
func TestConformSellerStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		_, err := db.SaveProducts(ctx, bd.a.ID, []huifang.Product{{Code: "P2", Name: "两全", Design: huifang.DesignUniversal, Term: huifang.Term{Years: 10}, CoolingOffDays: 15}}, cli, t0)
		must(t, err)
		d := huifang.NewDate(2026, 3, 1)
		pol := func(no string, receipt huifang.Date, agent, outlet string) *huifang.PolicyRecord {
			p := policy(no, receipt, "h-"+no+agent+outlet)
			p.AgentCode, p.OutletCode = agent, outlet
			if outlet != "" {
				p.Channel = huifang.ChannelBank
			}
			if no[len(no)-1]%2 == 0 {
				p.ProductCode, p.Term = "P2", huifang.Term{Years: 10}
			}
			return p
		}
		var all []*huifang.PolicyRecord
		for i := range 12 {
			agent, outlet := fmt.Sprintf("AG%d", 1+i%3), ""
			if i%4 == 3 {
				agent, outlet = "", "OT1"
			}
			all = append(all, pol(fmt.Sprintf("S%02d", i), d.AddDays(i*3), agent, outlet))
		}
		all = append(all, pol("S99", d.AddDays(5), "", "")) // no seller at all
		importPolicies(t, db, bd.a.ID, all...)
		importPolicies(t, db, bd.b.ID, pol("S01", d, "AG1", "")) // another insurer's
		ps := []indicator.Period{{Kind: indicator.Month, Year: 2026, N: 3}, {Kind: indicator.Month, Year: 2026, N: 4},
			{Kind: indicator.Quarter, Year: 2026, N: 1}, {Kind: indicator.Quarter, Year: 2026, N: 2}, {Kind: indicator.Year, Year: 2026}}
		days := []huifang.Date{huifang.NewDate(2026, 3, 20), huifang.NewDate(2026, 4, 1), huifang.NewDate(2026, 4, 18), huifang.NewDate(2026, 8, 1)}
		check := func(when string) {
			t.Helper()
			for _, p := range ps {
				for _, asOf := range days {
					for _, nar := range [][2]string{{"", ""}, {string(huifang.ChannelBank), ""}, {"", string(huifang.DesignUniversal)}} {
						branches := []string{"0", "01"}
						kept := sellerTable(t, db, bd.a.ID, p, asOf, branches, nar[0], nar[1], true)
						slow := sellerTable(t, db, bd.a.ID, p, asOf, branches, nar[0], nar[1], false)
						if !reflect.DeepEqual(kept, slow) {
							t.Fatalf("%s, %s as of %v %v: kept seller counts differ from a recount\nkept %+v\nslow %+v", when, p, asOf, nar, kept, slow)
						}
					}
				}
			}
		}
		check("after the import")
		finish := func(no string, res huifang.CallbackResult, at time.Time, problems ...huifang.ProblemCase) {
			t.Helper()
			c := callbackOf(t, db, bd.a.ID, no)
			_, err := db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c.ID, UserID: bd.userA.ID, Now: at, NoLease: true,
				Status: huifang.StatusDone, Result: res, Late: huifang.DateOf(at).After(c.DueOn), Method: huifang.MethodPhone, Problems: problems,
				Audit: huifang.AuditEntry{Action: "finish"}})
			must(t, err)
		}
		finish("S00", huifang.ResultSuccessful, time.Date(2026, 3, 10, 10, 0, 0, 0, shanghai))
		finish("S01", huifang.ResultSuccessful, time.Date(2026, 4, 30, 10, 0, 0, 0, shanghai)) // late
		finish("S03", huifang.ResultProblems, time.Date(2026, 3, 12, 10, 0, 0, 0, shanghai), huifang.ProblemCase{Type: huifang.ProblemUnsigned,
			OpenedOn: huifang.NewDate(2026, 3, 12), DueOn: huifang.NewDate(2026, 4, 10), LimitDays: 20})
		finish("S05", huifang.ResultProblems, time.Date(2026, 3, 28, 10, 0, 0, 0, shanghai), huifang.ProblemCase{Type: huifang.ProblemComplaint,
			OpenedOn: huifang.NewDate(2026, 3, 28), DueOn: huifang.NewDate(2026, 4, 12), LimitDays: 10})
		finish("S07", huifang.ResultNotCompleted, time.Date(2026, 4, 2, 10, 0, 0, 0, shanghai))
		check("after finishing")
		// A case closed.
		cs, err := db.ListProblemCases(ctx, bd.a.ID, huifang.ProblemFilter{})
		must(t, err)
		var closed bool
		for i := range cs {
			if cs[i].PolicyNo == "S03" {
				closeCase(t, db, &cs[i], time.Date(2026, 4, 5, 10, 0, 0, 0, shanghai), nil)
				closed = true
			}
		}
		if !closed {
			t.Fatal("no case of S03")
		}
		check("after a case closed")
		// A re-import: S00 to another agent, S01 to an outlet (bancassurance),
		// S03 (with its case) from an outlet to an agent.
		moved := []*huifang.PolicyRecord{pol("S00", d, "AG2", ""), pol("S01", d.AddDays(3), "", "OT2"), pol("S03", d.AddDays(9), "AG3", "")}
		importPolicies(t, db, bd.a.ID, moved...)
		check("after a re-import moving sellers")
		// An orphan-policy callback of S00, now AG2's, finished (AG2: three
		// new-business callbacks and this one).
		o, err := db.PlanOrphanCallback(ctx, bd.a.ID, "S00", huifang.NewDate(2026, 4, 15), t0.AddDate(0, 0, 3))
		must(t, err)
		_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: o.ID, UserID: bd.userA.ID, Now: time.Date(2026, 4, 8, 10, 0, 0, 0, shanghai), NoLease: true,
			Status: huifang.StatusDone, Result: huifang.ResultSuccessful, Method: huifang.MethodPhone, Audit: huifang.AuditEntry{Action: "finish"}})
		must(t, err)
		check("after an orphan-policy callback")
		// A product's design type corrected: its policies' seller counts move.
		_, err = db.SaveProducts(ctx, bd.a.ID, []huifang.Product{{Code: "P2", Name: "两全", Design: huifang.DesignParticipating, Term: huifang.Term{Years: 10}, CoolingOffDays: 15}}, cli, t0)
		must(t, err)
		check("after a design type corrected")
		// The kept counts equal those rebuilt from the rows.
		year := indicator.Period{Kind: indicator.Year, Year: 2026}
		asOf := huifang.NewDate(2026, 8, 1)
		before, err := db.ReadSellerStats(ctx, bd.a.ID, year, asOf, nil, "", "")
		must(t, err)
		must(t, db.RebuildStats(ctx, bd.a.ID))
		after, err := db.ReadSellerStats(ctx, bd.a.ID, year, asOf, nil, "", "")
		must(t, err)
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("kept seller counts differ from rebuilt ones\nkept %+v\nrebuilt %+v", before, after)
		}
		sellers := map[string]int64{}
		for k, n := range after.Callbacks {
			sellers[k.Seller] += n.Due
		}
		if want := map[string]int64{"AG1": 2, "AG2": 4, "AG3": 4, "OT1": 2, "OT2": 1, "": 1}; !reflect.DeepEqual(sellers, want) {
			t.Fatalf("due by seller %v, want %v", sellers, want)
		}
		// Another insurer's counts are its own; no branch, no counts.
		b, err := db.ReadSellerStats(ctx, bd.b.ID, year, asOf, nil, "", "")
		must(t, err)
		if len(b.Callbacks) != 1 || len(b.Cases) != 0 {
			t.Fatalf("B's seller counts %+v", b)
		}
		none, err := db.ReadSellerStats(ctx, bd.a.ID, year, asOf, []string{}, "", "")
		must(t, err)
		if len(none.Callbacks) != 0 {
			t.Fatalf("seller counts of no branch: %+v", none.Callbacks)
		}
	})
}

// TestSellerCountsBuiltOnMigrate: data that existed before the seller
// counts did (schema 22) gets them when schema 23 is applied: the
// migration marks every insurer and Migrate builds their counts.
func TestSellerCountsBuiltOnMigrate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importPolicies(t, db, bd.a.ID, policy("P1", huifang.NewDate(2026, 3, 1), "h1"), policy("P2", huifang.NewDate(2026, 3, 2), "h2"))
		march := indicator.Period{Kind: indicator.Month, Year: 2026, N: 3}
		due := func() int64 {
			c, err := db.ReadSellerStats(ctx, bd.a.ID, march, huifang.NewDate(2026, 4, 1), nil, "", "")
			must(t, err)
			var n int64
			for k, x := range c.Callbacks {
				if k.Seller != "AG1" {
					t.Fatalf("seller %q", k.Seller)
				}
				n += x.Due
			}
			return n
		}
		if n := due(); n != 2 {
			t.Fatalf("kept seller counts: %d due", n)
		}
		// As before schema 23: no seller counts, and the migration run again.
		must(t, db.ExecForTest(ctx, `DELETE FROM stat_seller_callbacks`))
		must(t, db.ExecForTest(ctx, `DELETE FROM schema_migrations WHERE version = 23`))
		must(t, db.ExecForTest(ctx, `DROP TABLE stat_seller_callbacks`))
		must(t, db.ExecForTest(ctx, `DROP TABLE stat_seller_cases`))
		_, err := db.Migrate(ctx)
		must(t, err)
		if n := due(); n != 2 {
			t.Fatalf("after migrating: %d due", n)
		}
		_, err = db.Migrate(ctx)
		must(t, err)
		if n := due(); n != 2 {
			t.Fatalf("after migrating again: %d due", n)
		}
	})
}

// TestSellerCountsMany: thousands of sellers are kept, read and named
// correctly (the names in one query, however many codes).
func TestSellerCountsMany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		const agents, outlets = 2500, 400
		var as []huifang.AgentRecord
		for i := range agents {
			as = append(as, huifang.AgentRecord{Agent: huifang.Agent{Code: fmt.Sprintf("A%05d", i), Name: fmt.Sprintf("业务员%d", i), BranchCode: "01", Status: huifang.AgentActive},
				PhoneEnc: "enc", PhoneHash: fmt.Sprintf("ph%d", i)})
		}
		_, err := db.SaveAgents(ctx, bd.a.ID, as, cli, t0)
		must(t, err)
		var os []huifang.Outlet
		for i := range outlets {
			os = append(os, huifang.Outlet{Code: fmt.Sprintf("B%04d", i), Name: fmt.Sprintf("网点%d", i), BranchCode: "01"})
		}
		_, err = db.SaveOutlets(ctx, bd.a.ID, os, cli, t0)
		must(t, err)
		var rs []*huifang.PolicyRecord
		for i := range 2 * (agents + outlets) {
			p := policy(fmt.Sprintf("M%05d", i), huifang.NewDate(2026, 3, 1+i%28), fmt.Sprint("h", i))
			if s := i % (agents + outlets); s < agents {
				p.AgentCode = fmt.Sprintf("A%05d", s)
			} else {
				p.AgentCode, p.OutletCode, p.Channel = "", fmt.Sprintf("B%04d", s-agents), huifang.ChannelBank
			}
			rs = append(rs, p)
		}
		importPolicies(t, db, bd.a.ID, rs...)
		q1 := indicator.Period{Kind: indicator.Quarter, Year: 2026, N: 1}
		q2 := indicator.Period{Kind: indicator.Quarter, Year: 2026, N: 2}
		asOf := huifang.NewDate(2026, 7, 1)
		kept := append(sellerTable(t, db, bd.a.ID, q1, asOf, []string{"0", "01"}, "", "", true), sellerTable(t, db, bd.a.ID, q2, asOf, []string{"0", "01"}, "", "", true)...)
		slow := append(sellerTable(t, db, bd.a.ID, q1, asOf, []string{"0", "01"}, "", "", false), sellerTable(t, db, bd.a.ID, q2, asOf, []string{"0", "01"}, "", "", false)...)
		if !reflect.DeepEqual(kept, slow) {
			t.Fatal("kept seller counts of many sellers differ from a recount")
		}
		due := map[string]int64{}
		for _, r := range kept {
			due[r.Key] += r.Callbacks.Due
		}
		if len(due) != agents+outlets {
			t.Fatalf("%d sellers, want %d", len(due), agents+outlets)
		}
		codes := make([]string, 0, len(due))
		for code, n := range due {
			if n != 2 {
				t.Fatalf("seller %s: %d due, want 2", code, n)
			}
			codes = append(codes, code)
		}
		names, err := db.RefNames(ctx, bd.a.ID, "seller", append(codes, "NOBODY"))
		must(t, err)
		if len(names) != agents+outlets || names["A00007"] != "业务员7" || names["B0399"] != "网点399" {
			t.Fatalf("%d names; A00007 %q, B0399 %q", len(names), names["A00007"], names["B0399"])
		}
		for _, kind := range []string{"agent", "outlet"} {
			names, err := db.RefNames(ctx, bd.a.ID, kind, codes)
			must(t, err)
			if want := map[string]int{"agent": agents, "outlet": outlets}[kind]; len(names) != want {
				t.Fatalf("%d %s names, want %d", len(names), kind, want)
			}
		}
		// Another insurer's names are not these.
		other, err := db.RefNames(ctx, bd.b.ID, "seller", codes)
		must(t, err)
		if len(other) != 0 {
			t.Fatalf("B sees %d of A's seller names", len(other))
		}
	})
}
