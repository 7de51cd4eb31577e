package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformElectronicLink: every time of a link reads back to the
// millisecond, in UTC; closing clears its secrets; links stay within their
// insurer; an expired link goes back to the phone.
func TestConformElectronicLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importPolicies(t, db, bd.a.ID, policy("L1", huifang.NewDate(2026, 3, 2), "h1"), policy("L2", huifang.NewDate(2026, 3, 2), "h2"))
		importPolicies(t, db, bd.b.ID, policy("L1", huifang.NewDate(2026, 3, 2), "h1"))
		c := callbackOf(t, db, bd.a.ID, "L1")
		cb := callbackOf(t, db, bd.b.ID, "L1")
		expires := tNano.Add(72 * time.Hour)
		l := &huifang.ElectronicLink{OrgID: bd.a.ID, CallbackID: c.ID, TokenHash: "tok-1", IssuedAt: tNano, IssuedBy: "op-a", ExpiresAt: expires}
		got, err := db.IssueLink(ctx, l, 0, huifang.AuditEntry{Actor: "op-a", Action: "electronic-issue"})
		must(t, err)
		if got.Status != huifang.StatusElectronic || !got.NextAt.IsZero() || got.LeaseUserID != 0 {
			t.Fatalf("callback after issuing %+v", got)
		}
		sameMS(t, "callback updated", got.UpdatedAt, tNano)
		// A link on another insurer's callback, and a token used twice, are refused.
		wrong := &huifang.ElectronicLink{OrgID: bd.a.ID, CallbackID: cb.ID, TokenHash: "tok-x", IssuedAt: tNano, IssuedBy: "op-a", ExpiresAt: expires}
		if _, err := db.IssueLink(ctx, wrong, 0, huifang.AuditEntry{Actor: "op-a"}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("link on B's callback through A: %v", err)
		}
		c2 := callbackOf(t, db, bd.a.ID, "L2")
		dup := &huifang.ElectronicLink{OrgID: bd.a.ID, CallbackID: c2.ID, TokenHash: "tok-1", IssuedAt: tNano, IssuedBy: "op-a", ExpiresAt: expires}
		if _, err := db.IssueLink(ctx, dup, 0, huifang.AuditEntry{Actor: "op-a"}); !errors.Is(err, huifang.ErrConflict) {
			t.Fatalf("same token twice: %v", err)
		}
		if still := callbackOf(t, db, bd.a.ID, "L2"); still.Status != huifang.StatusOpen {
			t.Fatalf("refused link changed its callback: %+v", still)
		}

		// Every field of a visit's progress reads back.
		f, err := db.FindLinkByToken(ctx, "tok-1")
		must(t, err)
		at := func(m int) time.Time { return tNano.Add(time.Duration(m) * time.Minute) }
		f.CodesSent, f.CodeHash, f.CodeUntil, f.CodeSentAt = 2, "code", at(15), at(5)
		f.CookieHash, f.CookieUntil, f.OpenedAt, f.IdentityAt, f.VerifiedAt = "cookie", at(60), at(1), at(2), at(6)
		must(t, db.SaveLinkProgress(ctx, f, huifang.AuditEntry{At: at(6), Actor: "customer", Action: "electronic-verified"}))
		r, err := db.FindLinkByToken(ctx, "tok-1")
		must(t, err)
		if r.ID != l.ID || r.OrgID != bd.a.ID || r.CallbackID != c.ID || r.Status != huifang.LinkActive || r.IssuedBy != "op-a" || r.CodesSent != 2 ||
			r.CodeHash != "code" || r.CookieHash != "cookie" || r.Checks != 0 || !r.RetainUntil.IsZero() || !r.ClosedAt.IsZero() {
			t.Fatalf("link %+v", r)
		}
		for _, tc := range []struct {
			name      string
			got, want time.Time
		}{
			{"issued", r.IssuedAt, tNano}, {"expires", r.ExpiresAt, expires}, {"code until", r.CodeUntil, at(15)}, {"code sent", r.CodeSentAt, at(5)},
			{"cookie until", r.CookieUntil, at(60)}, {"opened", r.OpenedAt, at(1)}, {"identity", r.IdentityAt, at(2)}, {"verified", r.VerifiedAt, at(6)},
		} {
			sameMS(t, tc.name, tc.got, tc.want)
		}
		if ls, _ := db.ListLinks(ctx, bd.b.ID, c.ID); len(ls) != 0 {
			t.Fatalf("B lists A's links %+v", ls)
		}
		if _, ok, err := db.ReserveLinkCheck(ctx, bd.a.ID, l.ID, 0); err != nil || ok {
			t.Fatalf("check beyond a limit of 0: %v %v", ok, err)
		}
		must(t, db.ReturnLinkCheck(ctx, bd.a.ID, l.ID)) // never below zero
		if r, _ := db.FindLinkByToken(ctx, "tok-1"); r.Checks != 0 {
			t.Fatalf("checks %d", r.Checks)
		}

		// Expired by time (the due date is far): due back; limit respected.
		if due, _ := db.LinksDueBack(ctx, bd.a.ID, huifang.NewDate(2026, 3, 1), expires, 0); len(due) != 0 {
			t.Fatalf("due back at its expiry millisecond: %+v", due)
		}
		due, err := db.LinksDueBack(ctx, bd.a.ID, huifang.NewDate(2026, 3, 1), expires.Add(time.Millisecond), 0)
		must(t, err)
		if len(due) != 1 || due[0].ID != l.ID {
			t.Fatalf("due back %+v", due)
		}
		if due, _ := db.LinksDueBack(ctx, bd.b.ID, huifang.NewDate(2026, 4, 1), expires.Add(time.Hour), 0); len(due) != 0 {
			t.Fatalf("B's links due back %+v", due)
		}
		// Done: the secrets are cleared and the close time kept.
		closeAt := at(7)
		_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c.ID, Now: closeAt, NoLease: true, Status: huifang.StatusDone,
			Result: huifang.ResultSuccessful, Method: huifang.MethodElectronic, Evidence: `{"ip":"203.0.113.9"}`,
			Link: &huifang.LinkClose{ID: l.ID, Status: huifang.LinkDone}, Audit: huifang.AuditEntry{Actor: "customer", Action: "electronic-done"}})
		must(t, err)
		r, err = db.FindLinkByToken(ctx, "tok-1")
		must(t, err)
		if r.Status != huifang.LinkDone || r.CodeHash != "" || r.CookieHash != "" {
			t.Fatalf("closed link %+v", r)
		}
		sameMS(t, "closed", r.ClosedAt, closeAt)
		if due, _ := db.LinksDueBack(ctx, bd.a.ID, huifang.NewDate(2026, 4, 1), expires.Add(time.Hour), 0); len(due) != 0 {
			t.Fatalf("a done link due back %+v", due)
		}
	})
}

// TestConformOutbox: messages read back whole, newest first, limited.
func TestConformOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		if ms, err := db.ListOutbox(ctx, bd.a.ID, 0); err != nil || len(ms) != 0 {
			t.Fatalf("empty outbox: %v %v", ms, err)
		}
		m := &huifang.OutboxMessage{OrgID: bd.a.ID, At: tNano, PhoneMasked: "138****0001", Kind: "code", Body: "【甲人寿】验证码 123456，10 分钟内有效。"}
		must(t, db.AddOutbox(ctx, m))
		for i := 0; i < 3; i++ {
			must(t, db.AddOutbox(ctx, &huifang.OutboxMessage{OrgID: bd.a.ID, At: t0, Kind: "link", Body: "link"}))
		}
		ms, err := db.ListOutbox(ctx, bd.a.ID, 2)
		must(t, err)
		if len(ms) != 2 || ms[0].ID < ms[1].ID {
			t.Fatalf("limited %+v", ms)
		}
		all, err := db.ListOutbox(ctx, bd.a.ID, 0)
		must(t, err)
		last := all[len(all)-1]
		if len(all) != 4 || last.ID != m.ID || last.Body != m.Body || last.PhoneMasked != "138****0001" || last.Kind != "code" || last.OrgID != bd.a.ID {
			t.Fatalf("outbox %+v", all)
		}
		sameMS(t, "at", last.At, tNano)
		if ms, _ := db.ListOutbox(ctx, bd.b.ID, 0); len(ms) != 0 {
			t.Fatalf("B's outbox %+v", ms)
		}
	})
}
