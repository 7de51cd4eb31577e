package store_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformPolicyRoundTrip: every stored field of a policy reads back as
// written, on both engines' import paths (importSQLite, importPostgres).
func TestConformPolicyRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		in := policy("R1", huifang.NewDate(2026, 3, 2), "h1")
		in.OutletCode, in.AgentCode, in.Channel = "OUT1", "", huifang.ChannelBank
		in.Term = huifang.Term{Years: 20}
		in.PayMode, in.PayYears = huifang.PayMonthly, 20
		in.CallbackMethod = huifang.MethodElectronic
		res, err := db.ImportPolicies(ctx, bd.a.ID, cli, tNano, "r.csv", source(in))
		must(t, err)
		if res.Created != 1 || res.Callbacks != 1 {
			t.Fatalf("import %+v", res)
		}
		got, err := db.FindPolicy(ctx, bd.a.ID, "R1")
		must(t, err)
		sameMS(t, "updated", got.UpdatedAt, tNano)
		want := *in
		want.OrgID = bd.a.ID
		want.UpdatedAt = got.UpdatedAt
		want.Plans = nil // plans become callbacks, not policy columns
		if !reflect.DeepEqual(got.Policy, want.Policy) {
			t.Fatalf("policy read back\n got %+v\nwant %+v", got.Policy, want.Policy)
		}
		if got.HolderIDEnc != in.HolderIDEnc || got.HolderIDHash != in.HolderIDHash || got.HolderPhoneEnc != in.HolderPhoneEnc ||
			got.HolderPhoneHash != in.HolderPhoneHash || got.RowHash != in.RowHash {
			t.Fatalf("sealed fields %+v", got)
		}
		// A policy without a receipt: null dates read back as zero dates.
		bare := policy("R2", huifang.Date{}, "h2")
		bare.HolderBirth, bare.IssuedOn = huifang.Date{}, huifang.Date{}
		_, err = db.ImportPolicies(ctx, bd.a.ID, cli, t0, "r.csv", source(bare))
		must(t, err)
		got, err = db.FindPolicy(ctx, bd.a.ID, "R2")
		must(t, err)
		if !got.ReceiptOn.IsZero() || !got.HolderBirth.IsZero() || !got.IssuedOn.IsZero() || got.AppliedOn != bare.AppliedOn {
			t.Fatalf("dates of R2 %v %v %v %v", got.ReceiptOn, got.HolderBirth, got.IssuedOn, got.AppliedOn)
		}
		if n, err := db.CountPolicies(ctx, bd.a.ID); err != nil || n != 2 {
			t.Fatalf("A counts %d policies (%v)", n, err)
		}
		if n, _ := db.CountPolicies(ctx, bd.b.ID); n != 0 {
			t.Fatalf("B counts %d policies", n)
		}
		if _, err := db.FindPolicy(ctx, bd.a.ID, "NONE"); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("unknown policy: %v", err)
		}
	})
}

// TestConformPolicyUpdateAudit: a changed policy's audit entry holds the
// same changed columns and old values on both engines (SQLite renders it in
// Go, PostgreSQL in SQL).
func TestConformPolicyUpdateAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		receipt := huifang.NewDate(2026, 3, 2)
		_, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "f.csv", source(policy("U1", receipt, "h1")))
		must(t, err)
		next := policy("U1", receipt.AddDays(1), "h2")
		next.PremiumFen = 2000000
		next.HolderPhoneEnc, next.HolderPhoneHash = "enc-phone2", "hp-new"
		next.Term = huifang.Term{Years: 10}
		next.Plans = []huifang.Plan{{Kind: huifang.KindNewBusiness, DueOn: receipt.AddDays(16)}}
		res, err := db.ImportPolicies(ctx, bd.a.ID, huifang.Actor{UserID: bd.userA.ID, Name: "op-a"}, t0.Add(time.Hour), "g.csv", source(next))
		must(t, err)
		if res.Updated != 1 || res.Callbacks != 1 {
			t.Fatalf("update %+v", res)
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "policy", Key: "U1"})
		must(t, err)
		if len(audit) != 1 || audit[0].Action != "update" || audit[0].UserID != bd.userA.ID || audit[0].Actor != "op-a" {
			t.Fatalf("audit %+v", audit)
		}
		sameMS(t, "audit at", audit[0].At, t0.Add(time.Hour))
		var detail struct {
			Changed string
			Old     map[string]any
		}
		if err := json.Unmarshal([]byte(audit[0].Detail), &detail); err != nil {
			t.Fatalf("detail %s: %v", audit[0].Detail, err)
		}
		if want := "holder_phone receipt_on premium_fen term_years whole_life"; detail.Changed != want {
			t.Errorf("changed %q, want %q", detail.Changed, want)
		}
		want := map[string]any{"product_code": "P1", "channel": "agency", "branch_code": "01", "agent_code": "AG1", "outlet_code": "",
			"holder_name": "张三", "holder_birth": "1980-01-01", "insured_name": "张三", "applied_on": "2026-02-20", "issued_on": "2026-02-25",
			"receipt_on": "2026-03-02", "premium_fen": 1000000.0, "pay_mode": "annual", "pay_years": 10.0, "term_years": 0.0, "whole_life": true,
			"callback_method": "", "policy_status": "in-force"}
		if !reflect.DeepEqual(detail.Old, want) {
			t.Errorf("old values\n got %v\nwant %v\n(detail %s)", detail.Old, want, audit[0].Detail)
		}
		// A date that was unknown is null in the old values on both engines.
		_, err = db.ImportPolicies(ctx, bd.a.ID, cli, t0, "f.csv", source(policy("U2", huifang.Date{}, "h1")))
		must(t, err)
		_, err = db.ImportPolicies(ctx, bd.a.ID, cli, t0, "g.csv", source(policy("U2", receipt, "h2")))
		must(t, err)
		audit, err = db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "policy", Key: "U2"})
		must(t, err)
		detail.Old = nil
		if len(audit) != 1 {
			t.Fatalf("U2 audit %+v", audit)
		}
		if err := json.Unmarshal([]byte(audit[0].Detail), &detail); err != nil {
			t.Fatalf("detail %s: %v", audit[0].Detail, err)
		}
		if v, ok := detail.Old["receipt_on"]; !ok || v != nil || detail.Changed != "receipt_on" {
			t.Errorf("unknown receipt date audited as %#v (changed %q); want null", v, detail.Changed)
		}
		// The open callback follows the corrected receipt date.
		var due huifang.Date
		must(t, db.ForEachCallback(ctx, bd.a.ID, huifang.CallbackFilter{PolicyNo: "U1"}, func(r *huifang.CallbackRow) error {
			due = r.DueOn
			return nil
		}))
		if due != receipt.AddDays(16) {
			t.Fatalf("due %v", due)
		}
	})
}

// TestConformPhoneHolders counts the holders of a phone number by distinct
// ID, and the agents using it, within one insurer.
func TestConformPhoneHolders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		same := func(no, id string) *huifang.PolicyRecord {
			p := policy(no, huifang.Date{}, "h"+no)
			p.HolderPhoneHash, p.HolderIDHash = "shared", id
			return p
		}
		_, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "f.csv", source(same("S1", "id1"), same("S2", "id1"), same("S3", "id2")))
		must(t, err)
		_, err = db.ImportPolicies(ctx, bd.b.ID, cli, t0, "f.csv", source(same("S4", "id3")))
		must(t, err)
		_, err = db.SaveAgents(ctx, bd.a.ID, []huifang.AgentRecord{{Agent: huifang.Agent{Code: "AG1", Name: "李四", BranchCode: "01", Status: huifang.AgentActive}, PhoneEnc: "e", PhoneHash: "shared"}}, cli, t0)
		must(t, err)
		holders, agents, err := db.CountPhoneHolders(ctx, bd.a.ID, "shared")
		must(t, err)
		if holders != 2 || agents != 1 {
			t.Fatalf("A: %d holders, %d agents", holders, agents)
		}
		holders, agents, err = db.CountPhoneHolders(ctx, bd.b.ID, "shared")
		must(t, err)
		if holders != 1 || agents != 0 {
			t.Fatalf("B: %d holders, %d agents", holders, agents)
		}
		holders, agents, err = db.CountPhoneHolders(ctx, bd.a.ID, "unknown")
		must(t, err)
		if holders != 0 || agents != 0 {
			t.Fatalf("unknown phone: %d holders, %d agents", holders, agents)
		}
	})
}

// TestConformPolicyReplan: a changed policy moves its open callback only
// when the deadline, channel or branch change, never a finished one; a
// policy twice in one file is refused whole.
func TestConformPolicyReplan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		receipt := huifang.NewDate(2026, 3, 2)
		importPolicies(t, db, bd.a.ID, policy("M1", receipt, "h1"), policy("M2", receipt, "h1"))
		before := callbackOf(t, db, bd.a.ID, "M1")
		later := t0.Add(time.Hour)
		premium := policy("M1", receipt, "h2")
		premium.PremiumFen = 5
		res, err := db.ImportPolicies(ctx, bd.a.ID, cli, later, "f.csv", source(premium))
		must(t, err)
		if res.Updated != 1 || res.Callbacks != 0 {
			t.Fatalf("premium only %+v", res)
		}
		if c := callbackOf(t, db, bd.a.ID, "M1"); !c.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("callback touched by a premium change: %v → %v", before.UpdatedAt, c.UpdatedAt)
		}
		branch := policy("M1", receipt, "h3")
		branch.BranchCode = "0"
		res, err = db.ImportPolicies(ctx, bd.a.ID, cli, later, "f.csv", source(branch))
		must(t, err)
		if c := callbackOf(t, db, bd.a.ID, "M1"); res.Callbacks != 1 || c.BranchCode != "0" || c.DueOn != before.DueOn {
			t.Fatalf("branch change %+v: callback %+v", res, c)
		}
		sameMS(t, "callback updated", callbackOf(t, db, bd.a.ID, "M1").UpdatedAt, later)
		// A finished callback keeps its deadline.
		m2 := callbackOf(t, db, bd.a.ID, "M2")
		_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: m2.ID, Now: t0, NoLease: true, Status: huifang.StatusDone,
			Result: huifang.ResultSuccessful, Audit: huifang.AuditEntry{Action: "finish"}})
		must(t, err)
		res, err = db.ImportPolicies(ctx, bd.a.ID, cli, later, "f.csv", source(policy("M2", receipt.AddDays(3), "h4")))
		must(t, err)
		if c := callbackOf(t, db, bd.a.ID, "M2"); res.Updated != 1 || res.Callbacks != 0 || c.DueOn != m2.DueOn {
			t.Fatalf("finished callback replanned: %+v, due %v", res, c.DueOn)
		}
		// The same policy twice in one file.
		_, err = db.ImportPolicies(ctx, bd.a.ID, cli, later, "g.csv", source(policy("M3", receipt, "a"), policy("M3", receipt, "b")))
		if err == nil {
			t.Fatal("a policy twice in one file was accepted")
		}
		if _, err := db.FindPolicy(ctx, bd.a.ID, "M3"); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("a refused file left M3: %v", err)
		}
	})
}
