package store_test

import (
	"sync"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformSubmissionRace: two first versions of one period submitted at
// once: one is stored, the other refused as a conflict, on both engines.
func TestConformSubmissionRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		var wg sync.WaitGroup
		var mu sync.Mutex
		stored := 0
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := &huifang.Submission{OrgID: bd.a.ID, Period: "2026-Q1", Kind: "quarter", Source: "generated", Content: "{}", Hash: "h",
					DueOn: huifang.NewDate(2026, 4, 20), SubmittedAt: tNano, SubmittedBy: "mgr"}
				err := db.AddSubmission(ctx, s, 0)
				if err != nil {
					if code := huifang.ErrorCode(err); code != huifang.ECONFLICT && code != huifang.EUNAVAILABLE {
						t.Errorf("parallel first version: %v", err)
					}
					return
				}
				mu.Lock()
				stored++
				mu.Unlock()
			}()
		}
		wg.Wait()
		list, err := db.ListSubmissions(ctx, huifang.SubmissionFilter{SubmissionScope: huifang.SubmissionScope{OrgID: bd.a.ID}})
		must(t, err)
		if stored != 1 || len(list) != 1 || list[0].Version != 1 {
			t.Fatalf("%d stored, listed %+v", stored, list)
		}
		sameMS(t, "submitted", list[0].SubmittedAt, tNano)
		// A superseded version can no longer be reviewed.
		v2 := &huifang.Submission{OrgID: bd.a.ID, Period: "2026-Q1", Kind: "quarter", Source: "upload", Content: "{}", Hash: "h2", Reason: "更正", DueOn: huifang.NewDate(2026, 4, 20), SubmittedAt: t0, SubmittedBy: "mgr"}
		must(t, db.AddSubmission(ctx, v2, 1))
		reg := huifang.SubmissionScope{Oversight: huifang.Oversight{RegulatorID: bd.reg.ID}}
		if err := db.ReviewSubmission(ctx, reg, list[0].ID, huifang.SubmissionAccepted, "", cli, t0); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("review of a superseded version: %v", err)
		}
		if err := db.ReviewSubmission(ctx, reg, v2.ID, "submitted", "", cli, t0); err == nil {
			t.Fatal("review to a bad status accepted")
		}
		if err := db.ReviewSubmission(ctx, huifang.SubmissionScope{OrgID: bd.b.ID}, v2.ID, huifang.SubmissionAccepted, "", cli, t0); err != huifang.ErrNotFound {
			t.Fatalf("B reviews A's: %v", err)
		}
		must(t, db.ReviewSubmission(ctx, reg, v2.ID, huifang.SubmissionAccepted, "", cli, tNano))
		got, err := db.FindSubmission(ctx, reg, v2.ID)
		must(t, err)
		sameMS(t, "reviewed", got.ReviewedAt, tNano)
		if got.DueOn != huifang.NewDate(2026, 4, 20) || got.Status != huifang.SubmissionAccepted || got.Reason != "更正" || got.Source != "upload" {
			t.Fatalf("v2 %+v", got)
		}
	})
}
