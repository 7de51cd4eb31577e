package store_test

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestKeyState: the first check value stays; a rotation starts once, moves
// only from where it is, walks agents and policies of every insurer in key
// order, and ends by making the new check value the database's and dropping
// one-time codes hashed under the old key.
func TestKeyState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		st, err := db.KeyState(ctx)
		must(t, err)
		if st.Check != "" || st.Rotation != nil {
			t.Fatalf("a new database is keyed: %+v", st)
		}
		if err := db.StartKeyRotation(ctx, "", "c2", t0, huifang.AuditEntry{Actor: "cli"}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("rotation of an unkeyed database: %v", err)
		}
		keyed := huifang.AuditEntry{At: t0, Actor: "cli", Entity: "pii-key", Key: "check", Action: "keyed"}
		st, err = db.SetKeyCheck(ctx, "c1", t0, keyed)
		must(t, err)
		if st.Check != "c1" || !st.KeyedAt.Equal(t0) {
			t.Fatalf("keyed %+v", st)
		}
		// A second process with another key does not replace it.
		if st, err = db.SetKeyCheck(ctx, "cX", t0, keyed); err != nil || st.Check != "c1" {
			t.Fatalf("second keying: %+v %v", st, err)
		}
		if a, _ := db.ListAudit(ctx, 0, huifang.AuditFilter{Entity: "pii-key"}); len(a) != 1 {
			t.Fatalf("keying audited %d times", len(a))
		}

		// Data in two insurers: agents, policies, a link with a pending code.
		for _, o := range []*huifang.Org{bd.b, bd.a} {
			_, err := db.SaveAgents(ctx, o.ID, []huifang.AgentRecord{
				{Agent: huifang.Agent{Code: "AG2", Name: "乙", BranchCode: "01", Status: huifang.AgentActive}, PhoneEnc: "old", PhoneHash: "old"},
				{Agent: huifang.Agent{Code: "AG1", Name: "甲", BranchCode: "01", Status: huifang.AgentActive}, PhoneEnc: "old", PhoneHash: "old"},
			}, cli, t0)
			must(t, err)
		}
		receipt := huifang.NewDate(2026, 3, 2)
		e := policy("E1", receipt, "h1")
		e.CallbackMethod = huifang.MethodElectronic
		_, err = db.ImportPolicies(ctx, bd.a.ID, cli, t0, "f.csv", source(policy("N2", receipt, "h2"), e))
		must(t, err)
		_, err = db.ImportPolicies(ctx, bd.b.ID, cli, t0, "f.csv", source(policy("B1", receipt, "h3")))
		must(t, err)
		c := callbackOf(t, db, bd.a.ID, "E1")
		l := &huifang.ElectronicLink{OrgID: bd.a.ID, CallbackID: c.ID, TokenHash: "tok", IssuedAt: t0, IssuedBy: "system", ExpiresAt: c.DueOn.End()}
		_, err = db.IssueLink(ctx, l, 0, huifang.AuditEntry{Actor: "system", Action: "electronic-issue"})
		must(t, err)
		l.CodeHash, l.CodeUntil, l.CodesSent = "code-under-c1", t0.Add(10*time.Minute), 1
		must(t, db.SaveLinkProgress(ctx, l, huifang.AuditEntry{At: t0, Actor: "customer"}))

		if err := db.StartKeyRotation(ctx, "cX", "c2", t0, keyed); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("rotation from another key: %v", err)
		}
		must(t, db.StartKeyRotation(ctx, "c1", "c2", t0, huifang.AuditEntry{Actor: "cli", Entity: "pii-key", Action: "rotate-start"}))
		if err := db.StartKeyRotation(ctx, "c1", "c3", t0, keyed); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("a second rotation started: %v", err)
		}
		st, _ = db.KeyState(ctx)
		if r := st.Rotation; r == nil || r.Next != "c2" || r.Stage != huifang.KeyStageAgents || r.AfterKey != "" || !r.StartedAt.Equal(t0) {
			t.Fatalf("started %+v", st.Rotation)
		}

		// Agents in key order across insurers, three then one.
		as, err := db.AgentsAfter(ctx, 0, "", 3)
		must(t, err)
		if len(as) != 3 || as[0].OrgID != bd.a.ID || as[0].Code != "AG1" || as[1].Code != "AG2" || as[2].OrgID != bd.b.ID || as[2].Code != "AG1" {
			t.Fatalf("first agents %+v", as)
		}
		for i := range as {
			as[i].PhoneEnc, as[i].PhoneHash = "new", "new"
		}
		chunk := huifang.KeyChunk{Next: "c2", Stage: huifang.KeyStageAgents, ToStage: huifang.KeyStageAgents, ToOrg: as[2].OrgID, ToKey: as[2].Code, Agents: as}
		must(t, db.SaveKeyChunk(ctx, chunk))
		if err := db.SaveKeyChunk(ctx, chunk); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("a chunk saved twice: %v", err)
		}
		as, err = db.AgentsAfter(ctx, bd.b.ID, "AG1", 3)
		must(t, err)
		if len(as) != 1 || as[0].Code != "AG2" || as[0].OrgID != bd.b.ID {
			t.Fatalf("last agents %+v", as)
		}
		as[0].PhoneEnc, as[0].PhoneHash = "new", "new"
		must(t, db.SaveKeyChunk(ctx, huifang.KeyChunk{Next: "c2", Stage: huifang.KeyStageAgents, FromOrg: bd.b.ID, FromKey: "AG1", ToStage: huifang.KeyStagePolicies, Agents: as}))
		for _, o := range []*huifang.Org{bd.a, bd.b} {
			list, _ := db.ListAgents(ctx, o.ID)
			for _, a := range list {
				if a.PhoneEnc != "new" || a.PhoneHash != "new" {
					t.Fatalf("agent %d/%s not resealed", o.ID, a.Code)
				}
			}
		}
		if err := db.FinishKeyRotation(ctx, "c2", t0, keyed); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("finished with policies left: %v", err)
		}

		ps, err := db.PoliciesAfter(ctx, 0, "", 10)
		must(t, err)
		if len(ps) != 3 || ps[0].No != "E1" || ps[1].No != "N2" || ps[2].No != "B1" {
			t.Fatalf("policies %d", len(ps))
		}
		for _, p := range ps {
			p.HolderIDEnc, p.HolderIDHash, p.HolderPhoneEnc, p.HolderPhoneHash, p.RowHash = "id2", "idh2-"+p.No, "ph2", "phh2-"+p.No, "row2"
		}
		st, _ = db.KeyState(ctx)
		must(t, db.SaveKeyChunk(ctx, huifang.KeyChunk{Next: "c2", Stage: huifang.KeyStagePolicies, ToStage: "", Policies: ps}))
		st, _ = db.KeyState(ctx)
		if st.Rotation == nil || st.Rotation.Rows != 7 || st.Check != "c1" {
			t.Fatalf("before the end %+v %+v", st, st.Rotation)
		}
		must(t, db.FinishKeyRotation(ctx, "c2", t0.Add(time.Hour), huifang.AuditEntry{Actor: "cli", Entity: "pii-key", Action: "rotated"}))
		st, _ = db.KeyState(ctx)
		if st.Check != "c2" || st.Rotation != nil || !st.KeyedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("after the end %+v", st)
		}
		p, err := db.FindPolicy(ctx, bd.a.ID, "N2")
		must(t, err)
		if p.HolderIDEnc != "id2" || p.HolderPhoneHash != "phh2-N2" || p.RowHash != "row2" || !p.UpdatedAt.Equal(t0) {
			t.Fatalf("resealed policy %+v", p)
		}
		if holders, _, _ := db.CountPhoneHolders(ctx, bd.a.ID, "phh2-N2"); holders != 1 {
			t.Fatal("the new look-up hash finds nothing")
		}
		link, err := db.FindLinkByToken(ctx, "tok")
		must(t, err)
		if link.CodeHash != "" || !link.CodeUntil.IsZero() || link.CodesSent != 1 {
			t.Fatalf("pending code kept across the rotation: %+v", link)
		}
		if a, _ := db.ListAudit(ctx, 0, huifang.AuditFilter{Entity: "pii-key"}); len(a) != 3 {
			t.Fatalf("key audit %+v", a)
		}
	})
}
