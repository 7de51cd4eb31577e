package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformCallbackLease: take, hold, renew, release and lose a lease,
// with the expiry millisecond on the holder's side on both engines.
func TestConformCallbackLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importPolicies(t, db, bd.a.ID, policy("L1", huifang.NewDate(2026, 3, 2), "h1"), policy("L2", huifang.NewDate(2026, 3, 3), "h2"))
		c1, c2 := callbackOf(t, db, bd.a.ID, "L1"), callbackOf(t, db, bd.a.ID, "L2")
		if c1.Status != huifang.StatusOpen || c1.DueOn != huifang.NewDate(2026, 3, 17) || c1.Channel != huifang.ChannelAgency || c1.BranchCode != "01" ||
			c1.Kind != huifang.KindNewBusiness || c1.LeaseUserID != 0 || !c1.LeaseUntil.IsZero() || !c1.NextAt.IsZero() || c1.Answers != nil {
			t.Fatalf("new callback %+v", c1)
		}
		sameMS(t, "created", c1.CreatedAt, t0)
		if _, err := db.HeldCallback(ctx, bd.a.ID, bd.userA.ID, t0); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("held before any claim: %v", err)
		}
		// Take the later one by name; the lease ends lease after now.
		now := tNano
		got, err := db.TakeCallback(ctx, bd.a.ID, bd.userA.ID, c2.ID, now, 10*time.Minute)
		must(t, err)
		if got.ID != c2.ID || got.LeaseUserID != bd.userA.ID {
			t.Fatalf("taken %+v", got)
		}
		sameMS(t, "lease until", got.LeaseUntil, now.Add(10*time.Minute))
		sameMS(t, "updated", got.UpdatedAt, now)
		// Holding one, the user can take no other; another user cannot take it;
		// B cannot take A's callback at all.
		if _, err := db.TakeCallback(ctx, bd.a.ID, bd.userA.ID, c1.ID, now, time.Minute); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("second take: %v", err)
		}
		if _, err := db.TakeCallback(ctx, bd.a.ID, 4242, c2.ID, now, time.Minute); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("taken from its holder: %v", err)
		}
		if _, err := db.TakeCallback(ctx, bd.b.ID, bd.userB.ID, c1.ID, now, time.Minute); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("B took A's callback: %v", err)
		}
		// At the expiry millisecond the holder still holds it and nobody else
		// claims it; a millisecond later it is anyone's.
		expiry := got.LeaseUntil
		held, err := db.HeldCallback(ctx, bd.a.ID, bd.userA.ID, expiry)
		must(t, err)
		if held.ID != c2.ID {
			t.Fatalf("held %d", held.ID)
		}
		other, err := db.ClaimCallback(ctx, bd.a.ID, 4242, expiry, time.Minute)
		must(t, err)
		if other.ID != c1.ID {
			t.Fatalf("claimed %d at the expiry of %d", other.ID, c2.ID)
		}
		if _, err := db.HeldCallback(ctx, bd.a.ID, bd.userA.ID, expiry.Add(time.Millisecond)); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("held after expiry: %v", err)
		}
		// Release: only by the holder, and only the organisation's.
		if ok, err := db.ReleaseCallback(ctx, bd.b.ID, 4242, c1.ID, now); err != nil || ok {
			t.Fatalf("released through B: %v %v", ok, err)
		}
		if ok, err := db.ReleaseCallback(ctx, bd.a.ID, bd.userA.ID, c1.ID, now); err != nil || ok {
			t.Fatalf("released by a non-holder: %v %v", ok, err)
		}
		if ok, err := db.ReleaseCallback(ctx, bd.a.ID, 4242, c1.ID, now); err != nil || !ok {
			t.Fatalf("release: %v %v", ok, err)
		}
		back, err := db.FindCallback(ctx, bd.a.ID, c1.ID)
		must(t, err)
		if back.LeaseUserID != 0 || !back.LeaseUntil.IsZero() {
			t.Fatalf("released callback %+v", back)
		}
		// Expired leases are cleared in one sweep; live ones stay.
		_, err = db.TakeCallback(ctx, bd.a.ID, 4242, c1.ID, t0, time.Hour)
		must(t, err)
		n, err := db.ReleaseExpiredLeases(ctx, expiry.Add(time.Millisecond))
		must(t, err)
		if n != 1 {
			t.Fatalf("released %d expired leases", n)
		}
		if _, err := db.FindCallback(ctx, bd.b.ID, c1.ID); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("A's callback through B: %v", err)
		}
	})
}

// TestConformCallbackChange: a change stores what it says (answers, method,
// script, evidence, attempt) and keeps what it does not set.
func TestConformCallbackChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		importPolicies(t, db, bd.a.ID, policy("C1", huifang.NewDate(2026, 3, 2), "h1"))
		c := callbackOf(t, db, bd.a.ID, "C1")
		_, err := db.TakeCallback(ctx, bd.a.ID, bd.userA.ID, c.ID, t0, 10*time.Minute)
		must(t, err)
		// Rescheduled, lease kept, with the script and answers so far.
		next := tNano.Add(2 * time.Hour)
		got, err := db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c.ID, UserID: bd.userA.ID, Now: t0.Add(time.Minute),
			Status: huifang.StatusScheduled, NextAt: next, KeepLease: true,
			Attempt: &huifang.Attempt{At: tNano, Outcome: huifang.AttemptReschedule, Note: "客户开会", ScheduleAt: next},
			Answers: map[string]huifang.Answer{"identity": huifang.AnswerYes, "note": "下午三点后"},
			Method:  huifang.MethodPhone, ScriptID: 0, ScriptCode: "new-business", ScriptVersion: 3, Evidence: `{"line":"8001"}`,
			Audit: huifang.AuditEntry{Actor: "op-a", Action: "attempt"}})
		must(t, err)
		if got.Status != huifang.StatusScheduled || got.Attempts != 1 || got.LeaseUserID != bd.userA.ID || got.Method != huifang.MethodPhone ||
			got.ScriptCode != "new-business" || got.ScriptVersion != 3 || got.Evidence != `{"line":"8001"}` ||
			got.Answers["identity"] != huifang.AnswerYes || got.Answers["note"] != "下午三点后" || !got.FinishedAt.IsZero() {
			t.Fatalf("rescheduled %+v", got)
		}
		sameMS(t, "next at", got.NextAt, next)
		sameMS(t, "lease until", got.LeaseUntil, t0.Add(11*time.Minute))
		// Finished: no answers nor method given, so those stay.
		got, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c.ID, UserID: bd.userA.ID, Now: tNano.Add(3 * time.Hour),
			Status: huifang.StatusDone, Result: huifang.ResultNotCompleted, Reason: "客户拒绝", Late: true,
			Attempt: &huifang.Attempt{At: tNano.Add(3 * time.Hour), Outcome: huifang.AttemptRefused},
			Audit:   huifang.AuditEntry{Actor: "op-a", Action: "finish"}})
		if err == nil {
			t.Fatalf("finished without the lease (it ran out at %v): %+v", t0.Add(11*time.Minute), got)
		}
		_, err = db.TakeCallback(ctx, bd.a.ID, bd.userA.ID, c.ID, tNano.Add(3*time.Hour), 10*time.Minute)
		must(t, err)
		got, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c.ID, UserID: bd.userA.ID, Now: tNano.Add(3 * time.Hour),
			Status: huifang.StatusDone, Result: huifang.ResultNotCompleted, Reason: "客户拒绝", Late: true,
			Attempt: &huifang.Attempt{At: tNano.Add(3 * time.Hour), Outcome: huifang.AttemptRefused},
			Audit:   huifang.AuditEntry{Actor: "op-a", Action: "finish", Detail: `{"result":"not-completed"}`}})
		must(t, err)
		if got.Status != huifang.StatusDone || got.Result != huifang.ResultNotCompleted || got.Reason != "客户拒绝" || !got.Late || got.Attempts != 2 ||
			got.FinishedBy != bd.userA.ID || got.LeaseUserID != 0 || !got.LeaseUntil.IsZero() || got.ScriptVersion != 3 || got.Method != huifang.MethodPhone ||
			got.Answers["identity"] != huifang.AnswerYes || !got.NextAt.IsZero() {
			t.Fatalf("finished %+v", got)
		}
		sameMS(t, "finished", got.FinishedAt, tNano.Add(3*time.Hour))
		again, err := db.FindCallback(ctx, bd.a.ID, c.ID)
		must(t, err)
		if again.FinishedAt != got.FinishedAt || again.Answers["note"] != "下午三点后" {
			t.Fatalf("read back %+v", again)
		}
		// Done is done: no change, even without a lease.
		_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: c.ID, UserID: bd.userA.ID, Now: tNano.Add(4 * time.Hour), NoLease: true, Status: huifang.StatusOpen})
		if huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("change of a done callback: %v", err)
		}
		// Attempts oldest first, times to the millisecond.
		at, err := db.ListAttempts(ctx, bd.a.ID, c.ID)
		must(t, err)
		if len(at) != 2 || at[0].Outcome != huifang.AttemptReschedule || at[0].Note != "客户开会" || at[1].Outcome != huifang.AttemptRefused ||
			at[0].UserID != bd.userA.ID || at[0].CallbackID != c.ID || !at[1].ScheduleAt.IsZero() {
			t.Fatalf("attempts %+v", at)
		}
		sameMS(t, "attempt at", at[0].At, tNano)
		sameMS(t, "schedule at", at[0].ScheduleAt, next)
		if at, _ := db.ListAttempts(ctx, bd.b.ID, c.ID); len(at) != 0 {
			t.Fatalf("B sees A's attempts %+v", at)
		}
		audit, err := db.ListAudit(ctx, bd.a.ID, huifang.AuditFilter{Entity: "callback"})
		must(t, err)
		if len(audit) != 2 || audit[0].Action != "finish" || audit[0].Detail != `{"result":"not-completed"}` || audit[1].Action != "attempt" {
			t.Fatalf("audit %+v", audit)
		}
	})
}

// TestConformCallbackFilters: lists and counts by each filter, earliest
// deadline first, per insurer; the tally by status and result.
func TestConformCallbackFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		_, err := db.SaveBranches(ctx, bd.a.ID, []huifang.Branch{{Code: "0101", Name: "某市中支", ParentCode: "01", Level: 2}, {Code: "02", Name: "另一省", ParentCode: "0", Level: 1}}, cli, t0)
		must(t, err)
		_, err = db.SaveProducts(ctx, bd.a.ID, []huifang.Product{{Code: "H1", Name: "医疗险", Design: huifang.DesignHealth, Term: huifang.Term{Years: 1}, CoolingOffDays: 15}}, cli, t0)
		must(t, err)
		mk := func(no string, receipt huifang.Date, branch, product, agent, outlet string, ch huifang.Channel) *huifang.PolicyRecord {
			p := policy(no, receipt, "h"+no)
			p.BranchCode, p.ProductCode, p.AgentCode, p.OutletCode, p.Channel = branch, product, agent, outlet, ch
			return p
		}
		d := huifang.NewDate(2026, 3, 1)
		importPolicies(t, db, bd.a.ID,
			mk("F3", d.AddDays(2), "01", "P1", "AG1", "", huifang.ChannelAgency),
			mk("F1", d, "0101", "H1", "AG2", "", huifang.ChannelAgency),
			mk("F2", d.AddDays(1), "02", "P1", "AG1", "O1", huifang.ChannelBank),
			mk("F4", d.AddDays(3), "0", "H1", "AG1", "", huifang.ChannelAgency))
		importPolicies(t, db, bd.b.ID, mk("F1", d, "01", "P1", "AG1", "", huifang.ChannelAgency))
		// F2 finished successfully, late.
		f2 := callbackOf(t, db, bd.a.ID, "F2")
		_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: f2.ID, UserID: bd.userA.ID, Now: t0, NoLease: true,
			Status: huifang.StatusDone, Result: huifang.ResultSuccessful, Late: true, Audit: huifang.AuditEntry{Action: "finish"}})
		must(t, err)
		list := func(f huifang.CallbackFilter) (out []string) {
			t.Helper()
			must(t, db.ForEachCallback(ctx, bd.a.ID, f, func(r *huifang.CallbackRow) error {
				out = append(out, r.PolicyNo)
				return nil
			}))
			n, err := db.CountCallbacks(ctx, bd.a.ID, huifang.CallbackFilter(f))
			must(t, err)
			if f.Limit == 0 && n != len(out) {
				t.Errorf("%+v: counted %d, listed %d", f, n, len(out))
			}
			return out
		}
		for _, tc := range []struct {
			name string
			f    huifang.CallbackFilter
			want []string
		}{
			{"all", huifang.CallbackFilter{}, []string{"F1", "F2", "F3", "F4"}},
			{"page", huifang.CallbackFilter{Limit: 2, Offset: 1}, []string{"F2", "F3"}},
			{"status", huifang.CallbackFilter{Status: huifang.StatusOpen}, []string{"F1", "F3", "F4"}},
			{"result", huifang.CallbackFilter{Result: huifang.ResultSuccessful}, []string{"F2"}},
			{"channel", huifang.CallbackFilter{Channel: huifang.ChannelBank}, []string{"F2"}},
			{"due range", huifang.CallbackFilter{DueFrom: d.AddDays(16), DueTo: d.AddDays(17)}, []string{"F2", "F3"}},
			{"late", huifang.CallbackFilter{Late: true}, []string{"F2"}},
			{"overdue", huifang.CallbackFilter{Overdue: true, Today: d.AddDays(17)}, []string{"F1"}}, // F3 is due that day
			{"branch and below", huifang.CallbackFilter{Branch: "01"}, []string{"F1", "F3"}},
			{"branch only", huifang.CallbackFilter{Branch: "01", BranchOnly: true}, []string{"F3"}},
			{"head office and below", huifang.CallbackFilter{Branch: "0"}, []string{"F1", "F2", "F3", "F4"}},
			{"design", huifang.CallbackFilter{Design: huifang.DesignHealth}, []string{"F1", "F4"}},
			{"seller agent", huifang.CallbackFilter{Seller: "AG1"}, []string{"F3", "F4"}},
			{"seller outlet", huifang.CallbackFilter{Seller: "O1"}, []string{"F2"}},
			{"outcome due", huifang.CallbackFilter{Outcome: huifang.OutcomeDue}, []string{"F1", "F2", "F3", "F4"}},
			{"outcome successful", huifang.CallbackFilter{Outcome: huifang.OutcomeSuccessful}, []string{"F2"}},
			{"outcome in period", huifang.CallbackFilter{Outcome: huifang.OutcomeSuccessfulInPeriod}, nil},
			{"outcome completed", huifang.CallbackFilter{Outcome: huifang.OutcomeCompleted}, []string{"F2"}},
			{"policy", huifang.CallbackFilter{PolicyNo: "F4"}, []string{"F4"}},
			{"none", huifang.CallbackFilter{PolicyNo: "NONE"}, nil},
		} {
			if got := list(tc.f); !equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		// Rows carry what a list shows of the policy.
		must(t, db.ForEachCallback(ctx, bd.a.ID, huifang.CallbackFilter{PolicyNo: "F1"}, func(r *huifang.CallbackRow) error {
			if r.HolderName != "张三" || r.ProductCode != "H1" || r.ReceiptOn != d || r.OrgID != bd.a.ID {
				t.Errorf("row %+v", r)
			}
			return nil
		}))
		tally, err := db.TallyCallbacks(ctx, bd.a.ID, d.AddDays(17))
		must(t, err)
		if tally != (huifang.CallbackTally{Open: 3, Successful: 1, Late: 1, Overdue: 1}) {
			t.Fatalf("tally %+v", tally)
		}
		tally, err = db.TallyCallbacks(ctx, bd.b.ID, d.AddDays(17))
		must(t, err)
		if tally != (huifang.CallbackTally{Open: 1, Overdue: 1}) {
			t.Fatalf("B's tally %+v", tally)
		}
	})
}
