package store_test

import (
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformImportPhoneTail: an import stores the phone's tail hash the
// record brings in the row it writes, so the background filler has nothing
// to do for it and a search by the last digits finds the policy at once; a
// changed phone brings its new tail; a record without one is left for the
// filler. Unchanged rows are left alone.
func TestConformImportPhoneTail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		d := huifang.NewDate(2026, 3, 1)
		mk := func(no, tail, hash string) *huifang.PolicyRecord {
			p := policy(no, d, hash)
			p.HolderPhoneEnc, p.HolderPhoneHash, p.HolderPhoneTailHash = "enc-"+no+tail, "hp-"+no+tail, tail
			return p
		}
		importPolicies(t, db, bd.a.ID, mk("Q1", "tail-1", "h1"), mk("Q2", "tail-2", "h2"), mk("Q3", "", "h3"))
		todo, err := db.PhoneTailsToFill(ctx, 100)
		must(t, err)
		if len(todo) != 1 || todo[0].PolicyNo != "Q3" {
			t.Fatalf("to fill: %+v", todo)
		}
		find := func(tail string) (out []string) {
			t.Helper()
			must(t, db.ForEachCallback(ctx, bd.a.ID, huifang.CallbackFilter{PhoneTailHash: tail}, func(r *huifang.CallbackRow) error {
				out = append(out, r.PolicyNo)
				return nil
			}))
			return out
		}
		if got := find("tail-1"); len(got) != 1 || got[0] != "Q1" {
			t.Fatalf("by tail-1: %v", got)
		}
		// Q2's phone changed, Q1 unchanged: the changed one brings its new tail.
		res, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "p2.csv", source(mk("Q1", "tail-1", "h1"), mk("Q2", "tail-9", "h2b")))
		must(t, err)
		if res.Unchanged != 1 || res.Updated != 1 {
			t.Fatalf("again: %+v", res)
		}
		if got := find("tail-9"); len(got) != 1 || got[0] != "Q2" {
			t.Fatalf("by the new tail: %v", got)
		}
		if got := find("tail-2"); len(got) != 0 {
			t.Fatalf("by the old tail: %v", got)
		}
		if es, _ := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "policy", Key: "Q2"}); len(es) != 1 || es[0].Detail == "" ||
			contains(es[0].Detail, "tail") {
			t.Fatalf("audit of the change names the tail: %+v", es)
		}
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
