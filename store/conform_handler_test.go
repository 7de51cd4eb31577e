package store_test

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformHandlerCase: a closed case keeps its fixed reason and note;
// the board pages; notifications link to their case, page by id, and are
// marked read one at a time or by case, never another user's.
func TestConformHandlerCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importPolicies(t, db, bd.a.ID, policy("H1", huifang.NewDate(2026, 3, 2), "h1"), policy("H2", huifang.NewDate(2026, 3, 2), "h2"),
			policy("H3", huifang.NewDate(2026, 3, 2), "h3"))
		c1 := openCase(t, db, bd.a.ID, bd.userA.ID, "H1", huifang.ProblemUnsigned, t0, huifang.NewDate(2026, 3, 10))
		openCase(t, db, bd.a.ID, bd.userA.ID, "H2", huifang.ProblemUnsigned, t0, huifang.NewDate(2026, 3, 11))
		openCase(t, db, bd.a.ID, bd.userA.ID, "H3", huifang.ProblemUnsigned, t0, huifang.NewDate(2026, 3, 12))

		c, err := db.FindProblemCase(ctx, bd.a.ID, c1.ID)
		must(t, err)
		was, upd := c.Status, c.UpdatedAt
		c.Status, c.ClosedAt, c.CloseCode, c.CloseReason = huifang.ProblemClosed, t0.Add(time.Hour), huifang.CloseDuplicate, "与 H2 重复"
		must(t, db.ApplyCaseStep(ctx, huifang.CaseStep{Case: c, Was: was, WasUpdated: upd, Now: t0.Add(time.Hour), Actor: huifang.Actor{UserID: bd.userA.ID, Name: "a"},
			Events: []huifang.CaseEvent{{Kind: "closed", Detail: "关闭", At: t0.Add(time.Hour)}}}))
		got, err := db.FindProblemCase(ctx, bd.a.ID, c1.ID)
		must(t, err)
		if got.CloseCode != huifang.CloseDuplicate || got.CloseReason != "与 H2 重复" {
			t.Fatalf("closed case: %q %q", got.CloseCode, got.CloseReason)
		}

		branch := ""
		f := huifang.ProblemFilter{HolderBranch: &branch, Limit: 1}
		p1, err := db.ListProblemCases(ctx, bd.a.ID, f)
		must(t, err)
		f.Offset = 1
		p2, err := db.ListProblemCases(ctx, bd.a.ID, f)
		must(t, err)
		f.Offset = 5
		p3, err := db.ListProblemCases(ctx, bd.a.ID, f)
		must(t, err)
		if len(p1) != 1 || len(p2) != 1 || p1[0].ID == p2[0].ID || len(p3) != 0 {
			t.Fatalf("pages: %d %d %d", len(p1), len(p2), len(p3))
		}

		var ns []huifang.Notification
		for i := 0; i < 5; i++ {
			n := huifang.Notification{OrgID: bd.a.ID, UserID: bd.userA.ID, At: t0, Kind: "transfer", Subject: "转办", Body: "请签收", Dedupe: "t" + itoa(int64(i))}
			if i%2 == 0 {
				n.CaseID = c1.ID
			}
			ns = append(ns, n)
		}
		_, err = db.AddNotifications(ctx, ns)
		must(t, err)
		page, err := db.PageNotifications(ctx, bd.a.ID, bd.userA.ID, huifang.NotificationPage{Limit: 2})
		must(t, err)
		if len(page) != 2 || page[0].ID < page[1].ID || page[0].CaseID != c1.ID {
			t.Fatalf("first page %+v", page)
		}
		next, err := db.PageNotifications(ctx, bd.a.ID, bd.userA.ID, huifang.NotificationPage{Limit: 10, Before: page[1].ID})
		must(t, err)
		if len(next) != 3 || next[0].ID >= page[1].ID {
			t.Fatalf("next page %+v", next)
		}
		if ok, err := db.MarkNotificationRead(ctx, bd.b.ID, bd.userB.ID, page[0].ID, t0); ok || err != nil {
			t.Fatalf("another user marked A's notification: %v %v", ok, err)
		}
		if ok, err := db.MarkNotificationRead(ctx, bd.a.ID, bd.userA.ID, page[1].ID, t0); !ok || err != nil {
			t.Fatalf("mark one: %v %v", ok, err)
		}
		if n, _ := db.CountUnread(ctx, bd.a.ID, bd.userA.ID); n != 4 {
			t.Fatalf("%d unread after marking one", n)
		}
		must(t, db.MarkCaseNotificationsRead(ctx, bd.a.ID, bd.userA.ID, c1.ID, t0))
		unread, err := db.PageNotifications(ctx, bd.a.ID, bd.userA.ID, huifang.NotificationPage{Unread: true})
		must(t, err)
		if len(unread) != 1 || unread[0].CaseID != 0 {
			t.Fatalf("unread after reading the case: %+v", unread)
		}
	})
}
