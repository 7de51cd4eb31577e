package store_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformReference: branches, products, agents and outlets are saved
// (created, updated, left alone) and listed by code, per insurer, with the
// same counts and audit details on both engines.
func TestConformReference(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		// Branches: setup saved 0 and 01; a third, and 01 renamed.
		c, err := db.SaveBranches(ctx, bd.a.ID, []huifang.Branch{{Code: "01", Name: "某省分公司", ParentCode: "0", Level: 1},
			{Code: "0101", Name: "某市中支", ParentCode: "01", Level: 2}, {Code: "0", Name: "总公司"}}, cli, t0)
		must(t, err)
		if c != (huifang.Counts{Created: 1, Updated: 1, Unchanged: 1}) {
			t.Fatalf("branches %+v", c)
		}
		bs, err := db.ListBranches(ctx, bd.a.ID)
		must(t, err)
		want := []huifang.Branch{{OrgID: bd.a.ID, Code: "0", Name: "总公司"}, {OrgID: bd.a.ID, Code: "01", Name: "某省分公司", ParentCode: "0", Level: 1},
			{OrgID: bd.a.ID, Code: "0101", Name: "某市中支", ParentCode: "01", Level: 2}}
		if !reflect.DeepEqual(bs, want) {
			t.Fatalf("branches\n got %+v\nwant %+v", bs, want)
		}
		bBranches, err := db.ListBranches(ctx, bd.b.ID)
		must(t, err)
		if len(bBranches) != 2 || bBranches[1].Name != "省分" {
			t.Fatalf("B's branches changed with A's: %+v", bBranches)
		}

		// Products: booleans and numbers compare alike on both engines, so a
		// resave is unchanged and a change audits old and new values as text.
		p2 := huifang.Product{Code: "P2", Name: "定期寿", Design: huifang.DesignTraditional, Term: huifang.Term{Years: 20}, GuaranteedRenewal: true, CoolingOffDays: 20, PreUnderwritingCallback: true}
		c, err = db.SaveProducts(ctx, bd.a.ID, []huifang.Product{p2}, cli, t0)
		must(t, err)
		if c.Created != 1 {
			t.Fatalf("new product %+v", c)
		}
		c, err = db.SaveProducts(ctx, bd.a.ID, []huifang.Product{p2}, cli, t0)
		must(t, err)
		if c != (huifang.Counts{Unchanged: 1}) {
			t.Fatalf("same product again %+v", c)
		}
		p2.GuaranteedRenewal, p2.Term.Years, p2.Name = false, 30, "定期寿（2026）"
		c, err = db.SaveProducts(ctx, bd.a.ID, []huifang.Product{p2}, huifang.Actor{UserID: bd.userA.ID, Name: "op-a"}, t0)
		must(t, err)
		if c != (huifang.Counts{Updated: 1}) {
			t.Fatalf("changed product %+v", c)
		}
		got, err := db.FindProduct(ctx, bd.a.ID, "P2")
		must(t, err)
		p2.OrgID = bd.a.ID
		if got != p2 {
			t.Fatalf("product\n got %+v\nwant %+v", got, p2)
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "product", Key: "P2"})
		must(t, err)
		if len(audit) != 1 || audit[0].UserID != bd.userA.ID {
			t.Fatalf("product audit %+v", audit)
		}
		var changed map[string][]string
		must(t, json.Unmarshal([]byte(audit[0].Detail), &changed))
		wantChanged := map[string][]string{"name": {"定期寿", "定期寿（2026）"}, "term_years": {"20", "30"}, "guaranteed_renewal": {"1", "0"}}
		if !reflect.DeepEqual(changed, wantChanged) {
			t.Fatalf("product change %v, want %v", changed, wantChanged)
		}
		ps, err := db.ListProducts(ctx, bd.a.ID)
		must(t, err)
		if len(ps) != 2 || ps[0].Code != "P1" || ps[1].Code != "P2" {
			t.Fatalf("products %+v", ps)
		}
		if _, err := db.FindProduct(ctx, bd.b.ID, "P2"); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("A's product through B: %v", err)
		}

		// Agents and outlets, and their names by code.
		_, err = db.SaveAgents(ctx, bd.a.ID, []huifang.AgentRecord{
			{Agent: huifang.Agent{Code: "AG2", Name: "赵六", BranchCode: "0101", RegNo: "R2", Status: huifang.AgentActive}, PhoneEnc: "e2", PhoneHash: "h2"},
			{Agent: huifang.Agent{Code: "AG1", Name: "李四", BranchCode: "01", Status: huifang.AgentLeft}, PhoneEnc: "e1", PhoneHash: "h1"}}, cli, t0)
		must(t, err)
		as, err := db.ListAgents(ctx, bd.a.ID)
		must(t, err)
		if len(as) != 2 || as[0].Code != "AG1" || as[0].Status != huifang.AgentLeft || as[1].RegNo != "R2" || as[1].PhoneEnc != "e2" ||
			as[1].PhoneHash != "h2" || as[1].OrgID != bd.a.ID || as[1].Phone != "" {
			t.Fatalf("agents %+v", as)
		}
		_, err = db.SaveOutlets(ctx, bd.a.ID, []huifang.Outlet{{Code: "O1", Name: "工行某支行", Bank: "工商银行", BranchCode: "01"}}, cli, t0)
		must(t, err)
		os, err := db.ListOutlets(ctx, bd.a.ID)
		must(t, err)
		if len(os) != 1 || os[0] != (huifang.Outlet{OrgID: bd.a.ID, Code: "O1", Name: "工行某支行", Bank: "工商银行", BranchCode: "01"}) {
			t.Fatalf("outlets %+v", os)
		}
		for _, tc := range []struct {
			org        int64
			kind, code string
			want       string
		}{
			{bd.a.ID, "agent", "AG2", "赵六"}, {bd.a.ID, "outlet", "O1", "工行某支行"},
			{bd.b.ID, "agent", "AG2", ""}, {bd.a.ID, "agent", "NONE", ""}, {bd.a.ID, "agent", "", ""}, {bd.a.ID, "branch", "01", ""},
		} {
			name, err := db.RefName(ctx, tc.org, tc.kind, tc.code)
			if err != nil || name != tc.want {
				t.Errorf("RefName(%d, %s, %q) = %q, %v; want %q", tc.org, tc.kind, tc.code, name, err, tc.want)
			}
		}
		// Each save leaves one summary in the audit trail.
		saves, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "import", Action: "save"})
		must(t, err)
		if len(saves) != 8 || saves[0].Key != "outlets" || saves[len(saves)-1].Key != "branches" {
			t.Fatalf("%d save entries: %+v", len(saves), saves)
		}
		// Nothing to save is no error and counts nothing.
		c, err = db.SaveOutlets(ctx, bd.a.ID, nil, cli, t0)
		must(t, err)
		if c != (huifang.Counts{}) {
			t.Fatalf("empty save %+v", c)
		}
	})
}
