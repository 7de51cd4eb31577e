package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformAudit: entries read back as written (time to the millisecond,
// in UTC), newest first, filtered, limited, per organisation; a batch is
// written whole or not at all.
func TestConformAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		before, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{})
		must(t, err)
		e := huifang.AuditEntry{OrgID: bd.a.ID, At: tNano, UserID: bd.userA.ID, Actor: "op-a", Entity: "policy", Key: "N1",
			Action: "view-pii", Detail: `{"field":"phone","why":"客户来电"}`}
		must(t, db.AppendAudit(ctx, e, huifang.AuditEntry{OrgID: bd.b.ID, At: t0, Actor: "cli", Entity: "policy", Key: "N1", Action: "view-pii"}))
		got, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "policy", Key: "N1", Action: "view-pii"})
		must(t, err)
		if len(got) != 1 {
			t.Fatalf("A's entries %+v", got)
		}
		sameMS(t, "at", got[0].At, tNano)
		e.ID, e.At = got[0].ID, got[0].At
		if got[0] != e {
			t.Fatalf("entry\n got %+v\nwant %+v", got[0], e)
		}
		// Newest first, by id, whatever the times say.
		for i := 0; i < 5; i++ {
			must(t, db.AppendAudit(ctx, huifang.AuditEntry{OrgID: bd.a.ID, At: t0.Add(-time.Duration(i) * time.Hour), Actor: "cli", Entity: "x", Key: fmt.Sprint(i), Action: "a"}))
		}
		xs, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "x", Limit: 3})
		must(t, err)
		if len(xs) != 3 || xs[0].Key != "4" || xs[2].Key != "2" {
			t.Fatalf("latest 3 %+v", xs)
		}
		for _, f := range []huifang.AuditFilter{{Entity: "x", Key: "9"}, {Entity: "nothing"}, {Action: "other"}} {
			if xs, err := db.ListAudit(ctx, bd.a.ID, f); err != nil || len(xs) != 0 {
				t.Fatalf("%+v: %d entries, %v", f, len(xs), err)
			}
		}
		all, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Limit: -1})
		must(t, err)
		if len(all) != len(before)+6 {
			t.Fatalf("A has %d entries, want %d", len(all), len(before)+6)
		}
		// An entry of no organisation (the calendar is global) is listed under 0.
		must(t, db.AppendAudit(ctx, huifang.AuditEntry{At: t0, Actor: "cli", Entity: "calendar", Key: "2026", Action: "load"}))
		global, err := db.ListAudit(ctx, 0, huifang.AuditFilter{Entity: "calendar"})
		must(t, err)
		if len(global) != 1 || global[0].OrgID != 0 {
			t.Fatalf("global entries %+v", global)
		}
		// Nothing to append is no error.
		must(t, db.AppendAudit(ctx))
	})
}
