package store_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/spotcheck"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformSpotCheck: the population of a period (due new-business
// callbacks of the given companies, classes, problem cases); a sample and
// its items stored in one go, found and listed by its regulator only, its
// items by the companies passed; a verdict once, a finding opening its case;
// assignment; progress and consistency per company.
func TestConformSpotCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		_, err := db.SaveProducts(ctx, bd.a.ID, []huifang.Product{{Code: "P2", Name: "分红两全", Design: huifang.DesignParticipating,
			Term: huifang.Term{Years: 10}, CoolingOffDays: 15}}, cli, t0)
		must(t, err)
		q2 := policy("Q2", huifang.NewDate(2026, 3, 3), "h2")
		q2.ProductCode, q2.Channel = "P2", huifang.ChannelBank
		importPolicies(t, db, bd.a.ID, policy("Q1", huifang.NewDate(2026, 3, 2), "h1"), q2,
			policy("Q3", huifang.NewDate(2026, 4, 20), "h3")) // due in May: outside March
		importPolicies(t, db, bd.b.ID, policy("R1", huifang.NewDate(2026, 3, 2), "h1"))
		cbs := map[string]int64{}
		for _, o := range []*huifang.Org{bd.a, bd.b} {
			must(t, db.ForEachCallback(ctx, o.ID, huifang.CallbackFilter{}, func(r *huifang.CallbackRow) error {
				cbs[r.PolicyNo] = r.ID
				return nil
			}))
		}
		pc := &huifang.ProblemCase{OrgID: bd.a.ID, CallbackID: cbs["Q1"], PolicyNo: "Q1", Type: huifang.ProblemUnsigned, BranchCode: "01",
			Channel: huifang.ChannelAgency, OpenedAt: t0, OpenedOn: huifang.NewDate(2026, 3, 2), DueOn: huifang.NewDate(2026, 3, 16)}
		must(t, db.OpenProblemCase(ctx, pc, "op-a"))

		march := [2]huifang.Date{huifang.NewDate(2026, 3, 1), huifang.NewDate(2026, 3, 31)}
		pop, err := db.SpotCheckPopulation(ctx, []int64{bd.a.ID, bd.b.ID}, march[0], march[1])
		must(t, err)
		slices.SortFunc(pop, func(x, y spotCallback) int { return int(x.ID - y.ID) })
		if len(pop) != 3 {
			t.Fatalf("population %+v", pop)
		}
		byNo := map[string]spotCallback{}
		for _, c := range pop {
			byNo[c.PolicyNo] = c
		}
		if c := byNo["Q1"]; c.OrgID != bd.a.ID || c.Channel != huifang.ClassAgency || c.Product != huifang.ClassOtherProduct || !c.HadProblem {
			t.Errorf("Q1 %+v", c)
		}
		if c := byNo["Q2"]; c.Channel != huifang.ClassBank || c.Product != huifang.ClassParticipating || c.HadProblem {
			t.Errorf("Q2 %+v", c)
		}
		if c := byNo["R1"]; c.OrgID != bd.b.ID {
			t.Errorf("R1 %+v", c)
		}
		onlyA, err := db.SpotCheckPopulation(ctx, []int64{bd.a.ID}, march[0], march[1])
		must(t, err)
		if len(onlyA) != 2 {
			t.Errorf("company A's population %+v", onlyA)
		}

		sc := &huifang.SpotCheck{RegulatorID: bd.reg.ID, Period: "2026-03", Companies: []string{"A", "B"}, RateBP: 50, Min: 1200,
			Seed: 18446744073709551615, Population: 3, Size: 3, DrawnBy: "sup", DrawnByID: 9, DrawnAt: tNano}
		var items []huifang.SpotCheckItem
		for _, c := range pop {
			items = append(items, huifang.SpotCheckItem{CallbackID: c.ID, OrgID: c.OrgID, PolicyNo: c.PolicyNo, Channel: c.Channel, Product: c.Product,
				HadProblem: c.HadProblem})
		}
		must(t, db.CreateSpotCheck(ctx, sc, items, huifang.Actor{UserID: 9, Name: "sup"}))
		for _, it := range items {
			if it.ID == 0 || it.SpotCheckID != sc.ID {
				t.Fatalf("item ids not set: %+v", items)
			}
		}
		got, err := db.FindSpotCheck(ctx, bd.reg.ID, sc.ID)
		must(t, err)
		if got.Period != "2026-03" || !slices.Equal(got.Companies, []string{"A", "B"}) || got.RateBP != 50 || got.Min != 1200 ||
			got.Seed != 18446744073709551615 || got.Population != 3 || got.Size != 3 || got.DrawnBy != "sup" || got.DrawnByID != 9 || got.Decided != 0 {
			t.Fatalf("found %+v", got)
		}
		sameMS(t, "drawn", got.DrawnAt, tNano)
		if _, err := db.FindSpotCheck(ctx, bd.a.ID, sc.ID); !errors.Is(err, huifang.ErrNotFound) {
			t.Errorf("another organisation finds the sample: %v", err)
		}
		list, err := db.ListSpotChecks(ctx, bd.reg.ID, 10)
		must(t, err)
		if len(list) != 1 || list[0].ID != sc.ID {
			t.Errorf("list %+v", list)
		}
		if other, _ := db.ListSpotChecks(ctx, bd.a.ID, 10); len(other) != 0 {
			t.Errorf("another organisation lists %+v", other)
		}

		all := huifang.SpotCheckItemFilter{RegulatorID: bd.reg.ID, SpotCheckID: sc.ID, OrgIDs: []int64{bd.a.ID, bd.b.ID}}
		its, err := db.ListSpotCheckItems(ctx, all)
		must(t, err)
		if len(its) != 3 || its[0].OrgCode == "" {
			t.Fatalf("items %+v", its)
		}
		fa := all
		fa.OrgIDs = []int64{bd.a.ID}
		if its, _ := db.ListSpotCheckItems(ctx, fa); len(its) != 2 {
			t.Errorf("items of A %+v", its)
		}
		if n, _ := db.CountSpotCheckItems(ctx, fa); n != 2 {
			t.Errorf("count of A %d", n)
		}
		none := all
		none.OrgIDs = nil
		if its, _ := db.ListSpotCheckItems(ctx, none); len(its) != 0 {
			t.Errorf("no companies lists %+v", its)
		}
		wrongReg := all
		wrongReg.RegulatorID = bd.a.ID
		if its, _ := db.ListSpotCheckItems(ctx, wrongReg); len(its) != 0 {
			t.Errorf("another regulator lists %+v", its)
		}

		var q1, r1 huifang.SpotCheckItem
		for _, it := range its {
			switch it.PolicyNo {
			case "Q1":
				q1 = it
			case "R1":
				r1 = it
			}
		}
		// A finding opens its case at the company, in the same transaction.
		q1.Verdict, q1.Note, q1.VerdictBy, q1.VerdictByID, q1.VerdictAt = huifang.VerdictInconsistent, "客户称不知道犹豫期", "sup", 9, tNano
		c := &huifang.ProblemCase{OrgID: bd.a.ID, CallbackID: q1.CallbackID, PolicyNo: "Q1", Type: huifang.ProblemMisleading, Detail: "监管抽查",
			BranchCode: "01", Channel: huifang.ChannelAgency, OpenedAt: tNano, OpenedOn: huifang.NewDate(2026, 3, 2), DueOn: huifang.NewDate(2026, 3, 16)}
		must(t, db.RecordVerdict(ctx, bd.reg.ID, &q1, c, huifang.Actor{UserID: 9, Name: "sup"}))
		if c.ID == 0 || q1.CaseID != c.ID {
			t.Fatalf("case %d, item's %d", c.ID, q1.CaseID)
		}
		if _, err := db.FindProblemCase(ctx, bd.a.ID, c.ID); err != nil {
			t.Fatalf("the finding's case: %v", err)
		}
		again := q1
		again.Verdict = huifang.VerdictConsistent
		if err := db.RecordVerdict(ctx, bd.reg.ID, &again, nil, huifang.Actor{Name: "sup"}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Errorf("a second verdict: %v", err)
		}
		r1.Verdict, r1.VerdictBy, r1.VerdictAt = huifang.VerdictConsistent, "sup", tNano
		if err := db.RecordVerdict(ctx, bd.a.ID, &r1, nil, huifang.Actor{Name: "sup"}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Errorf("a verdict through another organisation: %v", err)
		}
		must(t, db.RecordVerdict(ctx, bd.reg.ID, &r1, nil, huifang.Actor{Name: "sup"}))
		back, err := db.FindSpotCheckItem(ctx, bd.reg.ID, sc.ID, q1.ID)
		must(t, err)
		if back.Verdict != huifang.VerdictInconsistent || back.Note != "客户称不知道犹豫期" || back.VerdictBy != "sup" || back.VerdictByID != 9 ||
			back.CaseID != c.ID || !back.HadProblem || back.OrgCode != "A" {
			t.Fatalf("item back %+v", back)
		}
		sameMS(t, "verdict", back.VerdictAt, tNano)
		if _, err := db.FindSpotCheckItem(ctx, bd.reg.ID, sc.ID+1, q1.ID); !errors.Is(err, huifang.ErrNotFound) {
			t.Errorf("item under another sample: %v", err)
		}

		// Assignment: only items of the companies passed change.
		n, err := db.AssignSpotCheckItems(ctx, fa, []int64{q1.ID, r1.ID}, 42, huifang.Actor{Name: "sup"}, tNano)
		must(t, err)
		if n != 1 {
			t.Errorf("assigned %d, want 1 (R1 is not of A)", n)
		}
		mine := all
		mine.AssigneeID = 42
		if its, _ := db.ListSpotCheckItems(ctx, mine); len(its) != 1 || its[0].ID != q1.ID {
			t.Errorf("assigned items %+v", its)
		}

		p, err := db.SpotCheckProgress(ctx, all)
		must(t, err)
		if p.Size != 3 || p.Decided != 2 || p.By[huifang.VerdictInconsistent] != 1 || p.By[huifang.VerdictConsistent] != 1 {
			t.Errorf("progress %+v", p)
		}
		open := all
		open.Verdict = huifang.VerdictNone
		if its, _ := db.ListSpotCheckItems(ctx, open); len(its) != 1 || its[0].PolicyNo != "Q2" {
			t.Errorf("unchecked %+v", its)
		}
		if got, _ := db.FindSpotCheck(ctx, bd.reg.ID, sc.ID); got.Decided != 2 {
			t.Errorf("decided %d", got.Decided)
		}
		cons, err := db.SpotCheckConsistency(ctx, bd.reg.ID, []int64{bd.a.ID, bd.b.ID})
		must(t, err)
		if len(cons) != 2 || cons[0].OrgCode != "A" || cons[0].Verdicts != 1 || cons[0].Consistent != 0 || cons[1].Consistent != 1 ||
			cons[1].RateBP() != 10000 || cons[0].RateBP() != 0 {
			t.Errorf("consistency %+v", cons)
		}
		if cons, _ := db.SpotCheckConsistency(ctx, bd.reg.ID, []int64{bd.b.ID}); len(cons) != 1 {
			t.Errorf("consistency of B only %+v", cons)
		}
	})
}

type spotCallback = spotcheck.Callback
