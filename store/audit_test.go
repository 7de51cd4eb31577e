package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestAppendAuditCapped: a user's entries of one action are capped over a
// window, counted per user and organisation from the audit trail, also when
// many ask at once; older entries fall out of the window.
func TestAppendAuditCapped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		entry := func(u *huifang.User, at time.Time) huifang.AuditEntry {
			return huifang.AuditEntry{OrgID: u.OrgID, At: at, UserID: u.ID, Actor: u.Login, Entity: "policy", Key: "P1", Action: "view-pii"}
		}
		// Two entries an hour and a half ago do not count.
		for i := 0; i < 2; i++ {
			if ok, err := db.AppendAuditCapped(ctx, entry(bd.userA, t0.Add(-90*time.Minute)), t0.Add(-2*time.Hour), 5); err != nil || !ok {
				t.Fatalf("old entry: %v %v", ok, err)
			}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		added := 0
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := db.AppendAuditCapped(ctx, entry(bd.userA, t0), t0.Add(-time.Hour), 5)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					added++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if added != 5 {
			t.Fatalf("added %d of 12 under a cap of 5", added)
		}
		// Another user's count is their own.
		if ok, err := db.AppendAuditCapped(ctx, entry(bd.userB, t0), t0.Add(-time.Hour), 5); err != nil || !ok {
			t.Fatalf("another user: %v %v", ok, err)
		}
		if got, _ := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Action: "view-pii"}); len(got) != 7 {
			t.Fatalf("entries of A: %d", len(got))
		}
	})
}
