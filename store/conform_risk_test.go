package store_test

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformRisks: the look-ups behind the signs of a false phone number,
// on both engines: an agent's phone of another insurer under the same
// regulator (not another regulator's), the shared-number threshold counting
// distinct policyholders of the insurer only, and the time of a phone
// change kept by a re-import (not by a re-import that leaves the phone).
func TestConformRisks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		reg2 := &huifang.Org{Code: "REG2", Name: "另一保监局", Kind: huifang.KindRegulator, CreatedAt: t0}
		must(t, db.CreateOrg(ctx, reg2))
		c := &huifang.Org{Code: "C", Name: "丙人寿", Kind: huifang.KindInsurer, RegulatorID: reg2.ID, CreatedAt: t0}
		must(t, db.CreateOrg(ctx, c))
		agent := func(org *huifang.Org, code, hash string) {
			_, err := db.SaveAgents(ctx, org.ID, []huifang.AgentRecord{{Agent: huifang.Agent{Code: code, Name: "业务员", BranchCode: "01",
				Status: huifang.AgentActive}, PhoneEnc: "e", PhoneHash: hash}}, cli, t0)
			must(t, err)
		}
		agent(bd.b, "BG1", "ph-agent-b")
		agent(c, "CG1", "ph-agent-c")
		receipt := huifang.NewDate(2026, 3, 2)
		pol := func(no, phone, holder string) *huifang.PolicyRecord {
			p := policy(no, receipt, "h"+no)
			p.HolderPhoneHash, p.HolderIDHash = phone, holder
			return p
		}
		_, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "a.csv", source(
			pol("A1", "ph-agent-b", "id1"),                                                  // another insurer's agent, same regulator
			pol("A2", "ph-agent-c", "id2"),                                                  // another regulator's agent
			pol("A3", "ph-sh", "id3"), pol("A4", "ph-sh", "id3"), pol("A5", "ph-sh", "id4"), // two holders
			pol("A7", "ph-7", "id7"), pol("A8", "ph-8", "id8")))
		must(t, err)
		// B's policy on the shared number does not count for A.
		_, err = db.ImportPolicies(ctx, bd.b.ID, cli, t0, "b.csv", source(pol("B1", "ph-sh", "id9")))
		must(t, err)

		bounds := func(at time.Time) huifang.RiskBounds {
			return huifang.RiskBounds{RegulatorID: bd.reg.ID, SharedMin: 3, ChangedSince: at.AddDate(0, 0, -30), At: at}
		}
		facts := func(org *huifang.Org, no string) huifang.PhoneFacts {
			t.Helper()
			f, err := db.PhoneFacts(ctx, org.ID, org.RegulatorID, no)
			must(t, err)
			return f
		}
		flagged := func(org *huifang.Org, b huifang.RiskBounds, sign huifang.RiskSign) []string {
			t.Helper()
			var out []string
			must(t, db.ForEachRisk(ctx, org.ID, huifang.RiskFilter{Bounds: b, Sign: sign}, func(r *huifang.RiskRow) error {
				out = append(out, r.PolicyNo)
				return nil
			}))
			n, err := db.CountRisks(ctx, org.ID, huifang.RiskFilter{Bounds: b, Sign: sign})
			must(t, err)
			if n != len(out) {
				t.Errorf("count %d, listed %v", n, out)
			}
			return out
		}
		now := t0.Add(time.Hour)
		if f := facts(bd.a, "A1"); f.AgentPhones != 1 || f.Holders != 1 || !f.ChangedAt.IsZero() {
			t.Errorf("A1 %+v", f)
		}
		if f := facts(bd.a, "A2"); f.AgentPhones != 0 {
			t.Errorf("A2: another regulator's agent counted: %+v", f)
		}
		if f := facts(bd.a, "A3"); f.Holders != 2 {
			t.Errorf("A3 %+v", f)
		}
		if _, err := db.PhoneFacts(ctx, bd.b.ID, bd.reg.ID, "A1"); err != huifang.ErrNotFound {
			t.Errorf("A's policy from B: %v", err)
		}
		if got := flagged(bd.a, bounds(now), ""); len(got) != 1 || got[0] != "A1" {
			t.Errorf("flagged %v, want A1", got)
		}
		// A third distinct holder on the number flags all its policies.
		_, err = db.ImportPolicies(ctx, bd.a.ID, cli, t0, "a2.csv", source(pol("A6", "ph-sh", "id5")))
		must(t, err)
		if got := flagged(bd.a, bounds(now), huifang.RiskShared); len(got) != 4 || got[0] != "A3" || got[3] != "A6" {
			t.Errorf("shared %v", got)
		}
		if got := flagged(bd.a, bounds(now), huifang.RiskAgentPhone); len(got) != 1 || got[0] != "A1" {
			t.Errorf("agent %v", got)
		}
		if got := flagged(bd.b, bounds(now), ""); len(got) != 0 {
			t.Errorf("B flagged %v", got)
		}

		// A re-import a day later changes A7's number and only A8's premium.
		day1 := t0.Add(24 * time.Hour)
		a7 := pol("A7", "ph-7new", "id7")
		a7.RowHash = "h7b"
		a8 := pol("A8", "ph-8", "id8")
		a8.RowHash, a8.PremiumFen = "h8b", 2000000
		res, err := db.ImportPolicies(ctx, bd.a.ID, cli, day1, "a3.csv", source(a7, a8))
		must(t, err)
		if res.Updated != 2 {
			t.Fatalf("re-import %+v", res)
		}
		if f := facts(bd.a, "A7"); !f.ChangedAt.Equal(day1) {
			t.Errorf("A7 changed at %v, want %v", f.ChangedAt, day1)
		}
		if f := facts(bd.a, "A8"); !f.ChangedAt.IsZero() {
			t.Errorf("A8 changed at %v", f.ChangedAt)
		}
		if got := flagged(bd.a, bounds(t0.Add(10*24*time.Hour)), huifang.RiskChanged); len(got) != 1 || got[0] != "A7" {
			t.Errorf("changed within 30 days: %v", got)
		}
		if got := flagged(bd.a, bounds(t0.Add(40*24*time.Hour)), huifang.RiskChanged); len(got) != 0 {
			t.Errorf("changed 39 days before: %v", got)
		}
		// A later re-import that keeps the number keeps the time of the change.
		a7.RowHash, a7.PremiumFen = "h7c", 3000000
		_, err = db.ImportPolicies(ctx, bd.a.ID, cli, day1.Add(24*time.Hour), "a4.csv", source(a7))
		must(t, err)
		if f := facts(bd.a, "A7"); !f.ChangedAt.Equal(day1) {
			t.Errorf("A7 changed at %v after a re-import keeping it, want %v", f.ChangedAt, day1)
		}
		rec, err := db.FindPolicy(ctx, bd.a.ID, "A7")
		must(t, err)
		if !rec.PhoneChangedAt.Equal(day1) {
			t.Errorf("FindPolicy: changed at %v", rec.PhoneChangedAt)
		}

		// The callback list's filter keeps the flagged policies' callbacks.
		at := t0.Add(10 * 24 * time.Hour)
		var rows []string
		must(t, db.ForEachCallback(ctx, bd.a.ID, huifang.CallbackFilter{Risk: true, RiskBounds: bounds(at)}, func(r *huifang.CallbackRow) error {
			rows = append(rows, r.PolicyNo)
			return nil
		}))
		if len(rows) != 6 { // A1, A3–A6, A7
			t.Errorf("flagged callbacks %v", rows)
		}
		if n, err := db.CountCallbacks(ctx, bd.a.ID, huifang.CallbackFilter{Risk: true, RiskBounds: bounds(at)}); err != nil || n != 6 {
			t.Errorf("count flagged callbacks %d (%v)", n, err)
		}
		if n, _ := db.CountCallbacks(ctx, bd.b.ID, huifang.CallbackFilter{Risk: true, RiskBounds: bounds(at)}); n != 0 {
			t.Errorf("B: %d flagged callbacks", n)
		}
		// Open only: a policy whose callbacks are all done is left out.
		var open []string
		must(t, db.ForEachRisk(ctx, bd.a.ID, huifang.RiskFilter{Bounds: bounds(at), OpenOnly: true, Limit: 2}, func(r *huifang.RiskRow) error {
			if r.CallbackID == 0 || r.CallbackStatus != huifang.StatusOpen || r.HolderPhoneEnc == "" {
				t.Errorf("row %+v", r)
			}
			open = append(open, r.PolicyNo)
			return nil
		}))
		if len(open) != 2 || open[0] != "A1" || open[1] != "A3" {
			t.Errorf("open, first two: %v", open)
		}
	})
}
