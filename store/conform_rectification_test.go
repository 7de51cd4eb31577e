package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/rectification"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformRectification: a notice sent to a company is found by the
// company and by the regulator's scope that includes it, by nobody else;
// its steps apply only from the state they started from; the timeline and
// the audit trail hold each step; overdue open notices are listed by day.
func TestConformRectification(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		sup := huifang.Actor{UserID: 99, Name: "sup"}
		r := &huifang.Rectification{RegulatorID: bd.reg.ID, OrgID: bd.a.ID, Subject: "回访成功率偏低", Body: "请说明原因并整改",
			DueOn: huifang.NewDate(2026, 3, 20), SentAt: tNano, SentBy: "sup", SentByID: 99}
		must(t, db.CreateRectification(ctx, r, sup))
		rb := &huifang.Rectification{RegulatorID: bd.reg.ID, OrgID: bd.b.ID, Subject: "问题件超期", Body: "限期办结",
			DueOn: huifang.NewDate(2026, 3, 10), SentAt: tNano, SentBy: "sup", SentByID: 99}
		must(t, db.CreateRectification(ctx, rb, sup))

		got, err := db.FindRectification(ctx, huifang.RectificationScope{OrgID: bd.a.ID}, r.ID)
		must(t, err)
		if got.Status != huifang.RectificationOpen || got.OrgCode != "A" || got.Subject != r.Subject || got.Body != r.Body ||
			got.DueOn != r.DueOn || got.SentBy != "sup" || got.SentByID != 99 {
			t.Fatalf("found %+v", got)
		}
		sameMS(t, "sent", got.SentAt, tNano)
		// Another company, a regulator's scope without the company, an empty scope: not found.
		for _, sc := range []huifang.RectificationScope{{OrgID: bd.b.ID}, {RegulatorID: bd.reg.ID, OrgIDs: []int64{bd.b.ID}}, {RegulatorID: bd.reg.ID}, {}} {
			if _, err := db.FindRectification(ctx, sc, r.ID); !errors.Is(err, huifang.ErrNotFound) {
				t.Fatalf("scope %+v: %v", sc, err)
			}
		}
		regScope := huifang.RectificationScope{RegulatorID: bd.reg.ID, OrgIDs: []int64{bd.a.ID, bd.b.ID}}
		if _, err := db.FindRectification(ctx, regScope, r.ID); err != nil {
			t.Fatal(err)
		}
		list, err := db.ListRectifications(ctx, huifang.RectificationFilter{RectificationScope: regScope})
		must(t, err)
		if len(list) != 2 || list[0].ID != rb.ID || list[1].ID != r.ID {
			t.Fatalf("regulator's list %+v", list)
		}
		if list, _ := db.ListRectifications(ctx, huifang.RectificationFilter{RectificationScope: huifang.RectificationScope{OrgID: bd.a.ID}}); len(list) != 1 || list[0].ID != r.ID {
			t.Fatalf("A's list %+v", list)
		}
		if list, _ := db.ListRectifications(ctx, huifang.RectificationFilter{RectificationScope: regScope, DueBefore: huifang.NewDate(2026, 3, 11)}); len(list) != 1 || list[0].ID != rb.ID {
			t.Fatalf("overdue on 11 March %+v", list)
		}

		// Answer, then the same answer again from a stale copy: a conflict, nothing written.
		at := tNano.Add(time.Hour)
		stale := *got
		ev, err := rectification.Answer(got, "已整改", "adm", at)
		must(t, err)
		must(t, db.StepRectification(ctx, got, huifang.RectificationOpen, ev, huifang.Actor{Name: "adm"}))
		ev2, err := rectification.Answer(&stale, "再答一次", "adm", at)
		must(t, err)
		if err := db.StepRectification(ctx, &stale, huifang.RectificationOpen, ev2, huifang.Actor{Name: "adm"}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("stale answer: %v", err)
		}
		// Returned, answered again, closed.
		ev, err = rectification.Return(got, "材料不全", "sup", at.Add(time.Hour))
		must(t, err)
		must(t, db.StepRectification(ctx, got, huifang.RectificationAnswered, ev, sup))
		ev, err = rectification.Answer(got, "补充材料", "adm", at.Add(2*time.Hour))
		must(t, err)
		must(t, db.StepRectification(ctx, got, huifang.RectificationOpen, ev, huifang.Actor{Name: "adm"}))
		ev, err = rectification.Close(got, "", "sup", at.Add(3*time.Hour))
		must(t, err)
		must(t, db.StepRectification(ctx, got, huifang.RectificationAnswered, ev, sup))

		back, err := db.FindRectification(ctx, regScope, r.ID)
		must(t, err)
		if back.Status != huifang.RectificationClosed || back.Answer != "补充材料" || back.Returns != 1 || back.ClosedBy != "sup" || back.AnsweredBy != "adm" {
			t.Fatalf("closed %+v", back)
		}
		sameMS(t, "closed", back.ClosedAt, at.Add(3*time.Hour))
		evs, err := db.ListRectificationEvents(ctx, r.ID)
		must(t, err)
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		if !equal(kinds, []string{"sent", "answered", "returned", "answered", "closed"}) || evs[2].Text != "材料不全" {
			t.Fatalf("timeline %v %+v", kinds, evs)
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "rectification"})
		must(t, err)
		if len(audit) != 5 {
			t.Fatalf("audit %+v", audit)
		}
	})
}
