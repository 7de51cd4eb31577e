package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// closeCase closes a case unresolved, proposing a misconduct record in the same step.
func closeCase(t *testing.T, db *store.DB, p *huifang.ProblemCase, at time.Time, r *huifang.MisconductRecord) {
	t.Helper()
	got, err := db.FindProblemCase(ctx, p.OrgID, p.ID)
	must(t, err)
	c := *got
	c.Status, c.ClosedAt, c.CloseReason = huifang.ProblemClosed, at, "客户退保"
	must(t, db.ApplyCaseStep(ctx, huifang.CaseStep{Case: &c, Was: got.Status, WasUpdated: got.UpdatedAt, Now: at, Actor: huifang.Actor{Name: "mgr"},
		Events: []huifang.CaseEvent{{Kind: "closed", Detail: "客户退保", At: at, Actor: "mgr"}}, Misconduct: r}))
}

func proposal(p *huifang.ProblemCase, at time.Time) *huifang.MisconductRecord {
	return &huifang.MisconductRecord{OrgID: p.OrgID, AgentCode: p.AgentCode, PolicyNo: p.PolicyNo, CaseID: p.ID, CaseType: p.Type, Facts: "时间线",
		Category: huifang.MisconductBeyondAuthority, ProposedAt: at, KeepUntil: huifang.DateOf(at).AddDays(5 * 366)}
}

// TestConformMisconduct: a record proposed in the step that closes its case
// (once per case), found and listed only by its insurer, decided once;
// confirmed records counted at the other insurers of the regulator, found
// by a regulator's search, counted per agent; never deleted before their day.
func TestConformMisconduct(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		for _, o := range []*huifang.Org{bd.a, bd.b} {
			_, err := db.SaveAgents(ctx, o.ID, []huifang.AgentRecord{
				{Agent: huifang.Agent{Code: "AG1", Name: "王五", BranchCode: "01", RegNo: "REG-0001", Status: huifang.AgentActive}, PhoneEnc: "e", PhoneHash: "h1"},
				{Agent: huifang.Agent{Code: "AG2", Name: "赵六", BranchCode: "01", RegNo: "REG-0002", Status: huifang.AgentActive}, PhoneEnc: "e", PhoneHash: "h2"},
			}, cli, t0)
			must(t, err)
		}
		importPolicies(t, db, bd.a.ID, policy("Q1", huifang.NewDate(2026, 3, 2), "h1"), policy("Q2", huifang.NewDate(2026, 3, 2), "h2"))
		importPolicies(t, db, bd.b.ID, policy("R1", huifang.NewDate(2026, 3, 2), "h1"))
		due := huifang.NewDate(2026, 3, 16)
		pa := openCase(t, db, bd.a.ID, bd.userA.ID, "Q1", huifang.ProblemUnsigned, tNano, due)
		closeCase(t, db, pa, tNano.Add(time.Hour), proposal(pa, tNano.Add(time.Hour)))
		list, err := db.ListMisconduct(ctx, huifang.MisconductFilter{OrgID: bd.a.ID})
		must(t, err)
		if len(list) != 1 {
			t.Fatalf("records %+v", list)
		}
		r := list[0]
		if r.Status != huifang.MisconductProposed || r.AgentName != "王五" || r.RegNo != "REG-0001" || r.CaseID != pa.ID || r.PolicyNo != "Q1" ||
			r.CaseType != huifang.ProblemUnsigned || r.Facts != "时间线" || r.Category != huifang.MisconductBeyondAuthority || r.KeepUntil.IsZero() {
			t.Fatalf("proposed %+v", r)
		}
		sameMS(t, "proposed", r.ProposedAt, tNano.Add(time.Hour))
		// Once per case: a second proposal for it is skipped.
		again := proposal(pa, tNano.Add(2*time.Hour))
		added, err := db.ProposeMisconduct(ctx, again)
		must(t, err)
		if added {
			t.Fatal("a second record for one case")
		}
		// Scoped: B neither finds nor decides A's record.
		if _, err := db.FindMisconduct(ctx, bd.b.ID, r.ID); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("A's record through B: %v", err)
		}
		other := r
		other.OrgID, other.Status, other.Reason, other.DecidedAt, other.DecidedBy = bd.b.ID, huifang.MisconductConfirmed, "x", t0, "b"
		if err := db.DecideMisconduct(ctx, &other, cli); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("B decides A's record: %v", err)
		}
		// Decided once.
		dec := r
		dec.Status, dec.Category, dec.Reason, dec.DecidedAt, dec.DecidedBy = huifang.MisconductConfirmed, huifang.MisconductImproperSelling, "属实", tNano.Add(3*time.Hour), "a-compliance"
		must(t, db.DecideMisconduct(ctx, &dec, huifang.Actor{Name: "a-compliance"}))
		if err := db.DecideMisconduct(ctx, &dec, huifang.Actor{Name: "a-compliance"}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("decided twice: %v", err)
		}
		got, err := db.FindMisconduct(ctx, bd.a.ID, r.ID)
		must(t, err)
		if got.Status != huifang.MisconductConfirmed || got.Category != huifang.MisconductImproperSelling || got.Reason != "属实" || got.DecidedBy != "a-compliance" {
			t.Fatalf("decided %+v", got)
		}
		sameMS(t, "decided", got.DecidedAt, tNano.Add(3*time.Hour))

		// A proposed record of AG2 at A, and one of AG1 at B, rejected.
		pa2 := openCase(t, db, bd.a.ID, bd.userA.ID, "Q2", huifang.ProblemMisleading, tNano, due)
		pa2r := proposal(pa2, tNano)
		pa2r.AgentCode = "AG2"
		_, err = db.ProposeMisconduct(ctx, pa2r)
		must(t, err)
		pb := openCase(t, db, bd.b.ID, bd.userB.ID, "R1", huifang.ProblemFalsePhone, tNano, due)
		pbr := proposal(pb, tNano)
		_, err = db.ProposeMisconduct(ctx, pbr)
		must(t, err)

		for _, tc := range []struct {
			f    huifang.MisconductFilter
			want int
		}{
			{huifang.MisconductFilter{OrgID: bd.a.ID}, 2},
			{huifang.MisconductFilter{OrgID: bd.a.ID, Status: huifang.MisconductProposed}, 1},
			{huifang.MisconductFilter{OrgID: bd.a.ID, Status: huifang.MisconductConfirmed}, 1},
			{huifang.MisconductFilter{OrgID: bd.a.ID, RegNo: "REG-0002"}, 1},
			{huifang.MisconductFilter{OrgID: bd.a.ID, AgentCode: "AG1"}, 1},
			{huifang.MisconductFilter{OrgID: bd.a.ID, Limit: 1}, 1},
			{huifang.MisconductFilter{OrgID: bd.b.ID}, 1},
		} {
			l, err := db.ListMisconduct(ctx, tc.f)
			must(t, err)
			if len(l) != tc.want {
				t.Errorf("%+v: %d records, want %d", tc.f, len(l), tc.want)
			}
		}

		// Elsewhere: B learns of A's confirmed record of REG-0001; A of none (B's is not confirmed).
		n, err := db.CountMisconductElsewhere(ctx, bd.b.ID, []string{"REG-0001", "REG-0002", "", "REG-0001"})
		must(t, err)
		if len(n) != 1 || n["REG-0001"] != 1 {
			t.Fatalf("elsewhere for B %v", n)
		}
		n, err = db.CountMisconductElsewhere(ctx, bd.a.ID, []string{"REG-0001"})
		must(t, err)
		if len(n) != 0 {
			t.Fatalf("elsewhere for A %v", n)
		}
		// B confirms its own: now the regulator finds both companies' records.
		pbr.Status, pbr.Reason, pbr.DecidedAt, pbr.DecidedBy = huifang.MisconductConfirmed, "本人号码", tNano.Add(4*time.Hour), "b-compliance"
		must(t, db.DecideMisconduct(ctx, pbr, cli))
		for _, tc := range []struct {
			s    huifang.MisconductSearch
			want int
		}{
			{huifang.MisconductSearch{Oversight: huifang.Oversight{RegulatorID: bd.reg.ID}, RegNo: "REG-0001"}, 2},
			{huifang.MisconductSearch{Oversight: huifang.Oversight{RegulatorID: bd.reg.ID}, Name: "王"}, 2},
			{huifang.MisconductSearch{Oversight: huifang.Oversight{RegulatorID: bd.reg.ID}, Name: "赵六"}, 0}, // proposed only
			{huifang.MisconductSearch{Oversight: huifang.Oversight{RegulatorID: bd.reg.ID}, Name: "%"}, 0},
			{huifang.MisconductSearch{Oversight: huifang.Oversight{RegulatorID: bd.reg.ID}}, 0},
			{huifang.MisconductSearch{Oversight: huifang.Oversight{RegulatorID: bd.a.ID}, RegNo: "REG-0001"}, 0}, // not a regulator of theirs
		} {
			l, err := db.SearchMisconduct(ctx, tc.s)
			must(t, err)
			if len(l) != tc.want {
				t.Errorf("%+v: %d records, want %d", tc.s, len(l), tc.want)
			}
			for _, x := range l {
				if x.OrgCode == "" || x.OrgName == "" || x.Status != huifang.MisconductConfirmed {
					t.Errorf("found %+v", x)
				}
			}
		}
		byAgent, err := db.CountMisconductByAgent(ctx, bd.a.ID)
		must(t, err)
		if len(byAgent) != 1 || byAgent["AG1"] != 1 {
			t.Fatalf("by agent %v", byAgent)
		}
		// Never deleted before its day.
		if err := db.ExecForTest(ctx, fmt.Sprintf(`DELETE FROM misconduct_records WHERE id = %d`, r.ID)); err == nil {
			t.Fatal("a record was deleted before its keep-until day")
		}
		if _, err := db.FindMisconduct(ctx, bd.a.ID, r.ID); err != nil {
			t.Fatalf("after a refused deletion: %v", err)
		}
	})
}
