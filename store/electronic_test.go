package store_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// callbackOf returns the callback of a policy.
func callbackOf(t *testing.T, db *store.DB, orgID int64, no string) *huifang.Callback {
	t.Helper()
	var out *huifang.Callback
	must(t, db.ForEachCallback(ctx, orgID, huifang.CallbackFilter{PolicyNo: no}, func(r *huifang.CallbackRow) error {
		c := r.Callback
		out = &c
		return nil
	}))
	if out == nil {
		t.Fatalf("no callback for %s", no)
	}
	return out
}

func TestPolicyCallbackMethod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		receipt := huifang.NewDate(2026, 3, 2)
		e := policy("E1", receipt, "h1")
		e.CallbackMethod = huifang.MethodElectronic
		_, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "f.csv", source(e, policy("N1", receipt, "h2")))
		must(t, err)
		for no, want := range map[string]huifang.CallbackMethod{"E1": huifang.MethodElectronic, "N1": ""} {
			p, err := db.FindPolicy(ctx, bd.a.ID, no)
			must(t, err)
			if p.CallbackMethod != want {
				t.Fatalf("%s: method %q, want %q", no, p.CallbackMethod, want)
			}
		}
		// The customer changes their mind: the update is audited.
		e = policy("E1", receipt, "h1b")
		e.CallbackMethod = huifang.MethodPhone
		res, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "g.csv", source(e))
		must(t, err)
		if res.Updated != 1 {
			t.Fatalf("import %+v", res)
		}
		p, err := db.FindPolicy(ctx, bd.a.ID, "E1")
		must(t, err)
		if p.CallbackMethod != huifang.MethodPhone {
			t.Fatalf("method after update %q", p.CallbackMethod)
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "policy", Key: "E1"})
		must(t, err)
		if len(audit) != 1 || !strings.Contains(audit[0].Detail, "callback_method") {
			t.Fatalf("audit %+v", audit)
		}
	})
}

func TestElectronicLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		receipt := huifang.NewDate(2026, 3, 2) // due 03-17
		chose := policy("E1", receipt, "h1")
		chose.CallbackMethod = huifang.MethodElectronic
		phone := policy("P1", receipt, "h2")
		phone.CallbackMethod = huifang.MethodPhone
		old := policy("O1", receipt, "h3")
		old.HolderBirth = huifang.NewDate(1950, 1, 1)
		soon := policy("S1", huifang.NewDate(2026, 2, 14), "h4") // due 03-01
		soon.CallbackMethod = huifang.MethodElectronic
		_, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "f.csv", source(chose, phone, old, soon, policy("N1", receipt, "h5")))
		must(t, err)
		bChose := policy("E1", receipt, "h1")
		bChose.CallbackMethod = huifang.MethodElectronic
		_, err = db.ImportPolicies(ctx, bd.b.ID, cli, t0, "f.csv", source(bChose))
		must(t, err)

		nos := func(cs []huifang.ElectronicCandidate) string {
			var out []string
			for _, c := range cs {
				out = append(out, c.PolicyNo)
			}
			return strings.Join(out, " ")
		}
		today := huifang.NewDate(2026, 3, 2)
		// Only customers who chose it, unless the profile makes it a default.
		cs, err := db.ElectronicCandidates(ctx, bd.a.ID, huifang.CandidateFilter{DueAfter: today.AddDays(3), Now: t0})
		must(t, err)
		if nos(cs) != "E1" || cs[0].Method != huifang.MethodElectronic || cs[0].Design != huifang.DesignTraditional {
			t.Fatalf("candidates %+v", cs)
		}
		cs, err = db.ElectronicCandidates(ctx, bd.a.ID, huifang.CandidateFilter{DueAfter: today.AddDays(3), Now: t0,
			Designs: []huifang.DesignType{huifang.DesignTraditional}, BornAfter: huifang.NewDate(1966, 3, 2)})
		must(t, err)
		if got := nos(cs); got != "E1 N1" {
			t.Fatalf("candidates with the default: %s", got)
		}
		cs, err = db.ElectronicCandidates(ctx, bd.a.ID, huifang.CandidateFilter{DueAfter: today.AddDays(3), Now: t0,
			Designs: []huifang.DesignType{huifang.DesignHealth}, BornAfter: huifang.NewDate(1966, 3, 2)})
		must(t, err)
		if got := nos(cs); got != "E1" {
			t.Fatalf("candidates with another design's default: %s", got)
		}

		c := callbackOf(t, db, bd.a.ID, "E1")
		issued := t0.Add(time.Hour)
		l := &huifang.ElectronicLink{OrgID: bd.a.ID, CallbackID: c.ID, TokenHash: "hash-1", IssuedAt: issued, IssuedBy: "system",
			ExpiresAt: c.DueOn.End(), RetainUntil: huifang.NewDate(2046, 2, 25)}
		got, err := db.IssueLink(ctx, l, 0, huifang.AuditEntry{Actor: "system", Action: "electronic-issue"})
		must(t, err)
		if got.Status != huifang.StatusElectronic || l.ID == 0 {
			t.Fatalf("issued: callback %+v, link %+v", got, l)
		}
		// Out of the phone pool, out of the candidates, counted apart.
		for i := range 5 {
			if cl, err := db.ClaimCallback(ctx, bd.a.ID, 1000+int64(i), t0.Add(2*time.Hour), time.Hour); err == nil && cl.ID == c.ID {
				t.Fatal("an electronic callback was handed to an operator")
			}
		}
		cs, err = db.ElectronicCandidates(ctx, bd.a.ID, huifang.CandidateFilter{DueAfter: today.AddDays(3), Now: t0})
		must(t, err)
		if len(cs) != 0 {
			t.Fatalf("candidates after issuing %+v", cs)
		}
		tally, err := db.TallyCallbacks(ctx, bd.a.ID, today)
		must(t, err)
		if tally.Electronic != 1 || tally.NotCompleted != 0 {
			t.Fatalf("tally %+v", tally)
		}
		if n, _ := db.CountCallbacks(ctx, bd.a.ID, huifang.CallbackFilter{Status: huifang.StatusElectronic}); n != 1 {
			t.Fatalf("%d electronic callbacks listed", n)
		}

		// Found by its token's hash alone.
		found, err := db.FindLinkByToken(ctx, "hash-1")
		must(t, err)
		if found.ID != l.ID || found.Status != huifang.LinkActive || !found.ExpiresAt.Equal(c.DueOn.End().Truncate(time.Millisecond)) ||
			found.RetainUntil != l.RetainUntil || found.IssuedBy != "system" {
			t.Fatalf("found %+v", found)
		}
		if _, err := db.FindLinkByToken(ctx, "nope"); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}

		// Checks are counted before they are made, up to the limit.
		for i := 1; i <= 3; i++ {
			n, ok, err := db.ReserveLinkCheck(ctx, bd.a.ID, l.ID, 3)
			must(t, err)
			if !ok || n != i {
				t.Fatalf("check %d: %d %v", i, n, ok)
			}
		}
		if _, ok, err := db.ReserveLinkCheck(ctx, bd.a.ID, l.ID, 3); err != nil || ok {
			t.Fatalf("fourth check allowed: %v", err)
		}
		must(t, db.ReturnLinkCheck(ctx, bd.a.ID, l.ID))
		if _, ok, _ := db.ReserveLinkCheck(ctx, bd.b.ID, l.ID, 3); ok {
			t.Fatal("B counted a check on A's link")
		}

		// Progress is saved with its audit entry.
		found.OpenedAt, found.IdentityAt, found.CookieHash, found.CookieUntil = issued, issued.Add(time.Minute), "cookie", issued.Add(time.Hour)
		found.CodeHash, found.CodeUntil, found.CodeSentAt, found.CodesSent = "code", issued.Add(10*time.Minute), issued.Add(time.Minute), 1
		must(t, db.SaveLinkProgress(ctx, found, huifang.AuditEntry{At: issued, Actor: "customer", Action: "electronic-identity"}))
		again, err := db.FindLinkByToken(ctx, "hash-1")
		must(t, err)
		if again.CookieHash != "cookie" || again.CodesSent != 1 || !again.IdentityAt.Equal(issued.Add(time.Minute)) || again.Checks != 2 {
			t.Fatalf("saved %+v", again)
		}

		// A new link replaces the active one.
		l2 := &huifang.ElectronicLink{OrgID: bd.a.ID, CallbackID: c.ID, TokenHash: "hash-2", IssuedAt: issued.Add(time.Hour), IssuedBy: "op-a", ExpiresAt: c.DueOn.End()}
		_, err = db.IssueLink(ctx, l2, bd.userA.ID, huifang.AuditEntry{Actor: "op-a", UserID: bd.userA.ID, Action: "electronic-issue"})
		must(t, err)
		links, err := db.ListLinks(ctx, bd.a.ID, c.ID)
		must(t, err)
		if len(links) != 2 || links[0].Status != huifang.LinkRevoked || links[1].Status != huifang.LinkActive {
			t.Fatalf("links %+v", links)
		}
		if err := db.SaveLinkProgress(ctx, &links[0], huifang.AuditEntry{Actor: "customer"}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("progress on a revoked link: %v", err)
		}

		// The deadline nears: the link falls back, the callback goes back to the pool.
		due, err := db.LinksDueBack(ctx, bd.a.ID, today.AddDays(14), t0, 0)
		must(t, err)
		if len(due) != 0 {
			t.Fatalf("links due back early: %+v", due)
		}
		due, err = db.LinksDueBack(ctx, bd.a.ID, today.AddDays(15), t0, 0)
		must(t, err)
		if len(due) != 1 || due[0].ID != l2.ID {
			t.Fatalf("links due back %+v", due)
		}
		back := huifang.CallbackChange{OrgID: bd.a.ID, ID: c.ID, Now: t0.Add(3 * time.Hour), NoLease: true, Status: huifang.StatusOpen, NextAt: t0.Add(3 * time.Hour),
			Link: &huifang.LinkClose{ID: l2.ID, Status: huifang.LinkFallback}, Audit: huifang.AuditEntry{Actor: "system", Action: "electronic-fallback"}}
		cb, err := db.ChangeCallback(ctx, back)
		must(t, err)
		if cb.Status != huifang.StatusOpen {
			t.Fatalf("after fallback %+v", cb)
		}
		// Closing it twice fails and changes nothing.
		back.Status = huifang.StatusDone
		if _, err := db.ChangeCallback(ctx, back); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("second close: %v", err)
		}
		if cb, _ := db.FindCallback(ctx, bd.a.ID, c.ID); cb.Status != huifang.StatusOpen {
			t.Fatalf("a refused change went through: %+v", cb)
		}
		// A callback an operator holds cannot be sent a link by someone else.
		held, err := db.ClaimCallback(ctx, bd.a.ID, bd.userA.ID, t0.Add(4*time.Hour), time.Hour)
		must(t, err)
		l3 := &huifang.ElectronicLink{OrgID: bd.a.ID, CallbackID: held.ID, TokenHash: "hash-3", IssuedAt: t0.Add(4 * time.Hour), IssuedBy: "system", ExpiresAt: held.DueOn.End()}
		if _, err := db.IssueLink(ctx, l3, 0, huifang.AuditEntry{Actor: "system"}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("issued on a held callback: %v", err)
		}
		if _, err := db.IssueLink(ctx, l3, bd.userA.ID, huifang.AuditEntry{Actor: "op-a"}); err != nil {
			t.Fatalf("the holder issues: %v", err)
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "callback", Key: itoa(c.ID)})
		must(t, err)
		var actions []string
		for _, e := range audit {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, " "); got != "electronic-fallback electronic-issue electronic-identity electronic-issue" {
			t.Fatalf("audit: %s", got)
		}
	})
}

func TestOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		for i, org := range []int64{bd.a.ID, bd.a.ID, bd.b.ID} {
			must(t, db.AddOutbox(ctx, &huifang.OutboxMessage{OrgID: org, At: t0.Add(time.Duration(i) * time.Minute), PhoneMasked: "138****0001", Kind: "link", Body: "body " + itoa(int64(i))}))
		}
		ms, err := db.ListOutbox(ctx, bd.a.ID, 0)
		must(t, err)
		if len(ms) != 2 || ms[0].Body != "body 1" || ms[1].Body != "body 0" || !ms[0].At.Equal(t0.Add(time.Minute)) {
			t.Fatalf("A's outbox %+v", ms)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
