package store_test

import (
	"fmt"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformRecordings: a recording's record reads back whole, per insurer
// and callback, oldest first, audited.
func TestConformRecordings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importPolicies(t, db, bd.a.ID, policy("R1", huifang.NewDate(2026, 3, 2), "h1"))
		c := callbackOf(t, db, bd.a.ID, "R1")
		r := &huifang.Recording{OrgID: bd.a.ID, CallbackID: c.ID, AttemptID: 3, Key: "rec/a/1.wav", Format: "wav", ContentType: "audio/wav",
			Size: 1 << 33, SHA256: "ff00", RetainUntil: huifang.NewDate(2046, 3, 2), UploadedAt: tNano, UploadedBy: bd.userA.ID, Source: "api"}
		must(t, db.AddRecording(ctx, r, huifang.Actor{UserID: bd.userA.ID, Name: "op-a"}))
		must(t, db.AddRecording(ctx, &huifang.Recording{OrgID: bd.a.ID, CallbackID: c.ID, Key: "rec/a/2.mp3", Format: "mp3", UploadedAt: t0, Source: "upload"}, cli))
		got, err := db.FindRecording(ctx, bd.a.ID, r.ID)
		must(t, err)
		sameMS(t, "uploaded", got.UploadedAt, tNano)
		want := *r
		want.UploadedAt = got.UploadedAt
		if *got != want {
			t.Fatalf("recording\n got %+v\nwant %+v", *got, want)
		}
		if _, err := db.FindRecording(ctx, bd.b.ID, r.ID); err != huifang.ErrNotFound {
			t.Fatalf("A's recording through B: %v", err)
		}
		list, err := db.ListRecordings(ctx, bd.a.ID, c.ID)
		must(t, err)
		if len(list) != 2 || list[0].ID != r.ID || list[1].Format != "mp3" || !list[1].RetainUntil.IsZero() || list[1].AttemptID != 0 {
			t.Fatalf("recordings %+v", list)
		}
		if list, _ := db.ListRecordings(ctx, bd.b.ID, c.ID); len(list) != 0 {
			t.Fatalf("B lists A's recordings")
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "recording", Key: fmt.Sprint(r.ID)})
		must(t, err)
		if len(audit) != 1 || audit[0].UserID != bd.userA.ID {
			t.Fatalf("audit %+v", audit)
		}
	})
}
