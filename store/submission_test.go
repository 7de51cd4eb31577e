package store_test

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestSubmissions: versions of a period's table, their review, the scopes
// of a company and its regulator, and the audit trail.
func TestSubmissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		sub := func(org *huifang.Org, period, reason string, prev int) (*huifang.Submission, error) {
			s := &huifang.Submission{OrgID: org.ID, Period: period, Kind: "month", Source: "generated", Content: `{"total":{}}`, Hash: "abc",
				Reason: reason, DueOn: huifang.NewDate(2026, 4, 10), Late: prev == 0, SubmittedAt: t0, SubmittedBy: "mgr"}
			return s, db.AddSubmission(ctx, s, prev)
		}
		v1, err := sub(bd.a, "2026-03", "", 0)
		must(t, err)
		if v1.Version != 1 || v1.Status != huifang.SubmissionSubmitted {
			t.Fatalf("v1 %+v", v1)
		}
		// A second "first" version is a conflict.
		if _, err := sub(bd.a, "2026-03", "", 0); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("second v1: %v", err)
		}
		_, err = sub(bd.b, "2026-03", "", 0)
		must(t, err)

		reg := huifang.SubmissionScope{Oversight: huifang.Oversight{RegulatorID: bd.reg.ID}}
		ownA := huifang.SubmissionScope{OrgID: bd.a.ID}
		ownB := huifang.SubmissionScope{OrgID: bd.b.ID}
		got, err := db.FindSubmission(ctx, ownA, v1.ID)
		must(t, err)
		if got.Content != `{"total":{}}` || got.Hash != "abc" || !got.Late || got.DueOn != huifang.NewDate(2026, 4, 10) || !got.SubmittedAt.Equal(t0) {
			t.Fatalf("found %+v", got)
		}
		if _, err := db.FindSubmission(ctx, ownB, v1.ID); err != huifang.ErrNotFound {
			t.Fatalf("B finds A's: %v", err)
		}
		if _, err := db.FindSubmission(ctx, reg, v1.ID); err != nil {
			t.Fatalf("the regulator: %v", err)
		}
		if _, err := db.FindSubmission(ctx, huifang.SubmissionScope{Oversight: huifang.Oversight{RegulatorID: bd.a.ID}}, v1.ID); err != huifang.ErrNotFound {
			t.Fatalf("another regulator: %v", err)
		}

		later := t0.Add(time.Hour)
		rev := huifang.Actor{UserID: 9, Name: "sup"}
		must(t, db.ReviewSubmission(ctx, reg, v1.ID, huifang.SubmissionReturned, "渠道合计不符", rev, later))
		if err := db.ReviewSubmission(ctx, reg, v1.ID, huifang.SubmissionAccepted, "", rev, later); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("review twice: %v", err)
		}
		v2, err := sub(bd.a, "2026-03", "更正渠道", 1)
		must(t, err)
		if v2.Version != 2 {
			t.Fatalf("v2 %+v", v2)
		}
		must(t, db.ReviewSubmission(ctx, reg, v2.ID, huifang.SubmissionAccepted, "", rev, later))

		list, err := db.ListSubmissions(ctx, huifang.SubmissionFilter{SubmissionScope: reg, OrgID: bd.a.ID})
		must(t, err)
		if len(list) != 2 || list[0].Version != 2 || list[0].Status != "accepted" || list[1].Status != "returned" ||
			list[1].Comment != "渠道合计不符" || list[1].ReviewedBy != "sup" || !list[1].ReviewedAt.Equal(later) || list[0].Content != "" {
			t.Fatalf("history %+v", list)
		}
		if all, _ := db.ListSubmissions(ctx, huifang.SubmissionFilter{SubmissionScope: reg}); len(all) != 3 {
			t.Fatalf("the regulator lists %d", len(all))
		}
		if own, _ := db.ListSubmissions(ctx, huifang.SubmissionFilter{SubmissionScope: ownB, Period: "2026-03"}); len(own) != 1 {
			t.Fatalf("B lists %d", len(own))
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "submission"})
		must(t, err)
		if len(audit) != 4 || audit[0].Action != "accept" || audit[3].Action != "submit" || audit[1].Key != "2026-03 v2" {
			t.Fatalf("audit %+v", audit)
		}
	})
}
