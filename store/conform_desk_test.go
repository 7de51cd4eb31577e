package store_test

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformAppointments: a due appointment goes to the operator who agreed
// it first, to anyone else only after the hold; the desk's filters find an
// operator's appointments and finished callbacks.
func TestConformAppointments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		d := huifang.NewDate(2026, 3, 1)
		importPolicies(t, db, bd.a.ID, policy("AP1", d.AddDays(5), "h1"), policy("AP2", d, "h2"))
		ap1 := callbackOf(t, db, bd.a.ID, "AP1")
		other := int64(4242)
		// The operator holds AP1 and agrees 10:30 with the customer.
		held, err := db.ClaimCallbackHeld(ctx, bd.a.ID, bd.userA.ID, t0, time.Minute*10, 30*time.Minute)
		must(t, err)
		if held.PolicyNo != "AP2" { // earliest deadline first
			t.Fatalf("claimed %s first", held.PolicyNo)
		}
		_, err = db.ReleaseCallback(ctx, bd.a.ID, bd.userA.ID, held.ID, t0)
		must(t, err)
		at := t0.Add(30 * time.Minute)
		_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: ap1.ID, UserID: bd.userA.ID, Now: t0, NoLease: true,
			Status: huifang.StatusScheduled, NextAt: at, AppointedBy: bd.userA.ID, Attempt: &huifang.Attempt{At: t0, Outcome: huifang.AttemptReschedule, ScheduleAt: at},
			Audit: huifang.AuditEntry{Action: "attempt"}})
		must(t, err)
		var mine []string
		must(t, db.ForEachCallback(ctx, bd.a.ID, huifang.CallbackFilter{AppointedBy: bd.userA.ID, Sort: huifang.SortNext}, func(r *huifang.CallbackRow) error {
			mine = append(mine, r.PolicyNo)
			return nil
		}))
		if !equal(mine, []string{"AP1"}) {
			t.Fatalf("appointments %v", mine)
		}
		// Its time has come: another operator gets the open AP2, not AP1.
		c, err := db.ClaimCallbackHeld(ctx, bd.a.ID, other, at.Add(time.Minute), 10*time.Minute, 30*time.Minute)
		must(t, err)
		if c.PolicyNo != "AP2" {
			t.Fatalf("another operator got %s within the hold", c.PolicyNo)
		}
		// The operator who agreed it gets it, before anything else.
		c, err = db.ClaimCallbackHeld(ctx, bd.a.ID, bd.userA.ID, at.Add(time.Minute), 10*time.Minute, 30*time.Minute)
		must(t, err)
		if c.ID != ap1.ID || c.AppointedBy != bd.userA.ID {
			t.Fatalf("the appointment's operator got %+v", c)
		}
		_, err = db.ReleaseCallback(ctx, bd.a.ID, bd.userA.ID, c.ID, at.Add(time.Minute))
		must(t, err)
		// After the hold it falls back to the pool: a third operator gets it.
		c, err = db.ClaimCallbackHeld(ctx, bd.a.ID, other+1, at.Add(31*time.Minute), 10*time.Minute, 30*time.Minute)
		must(t, err)
		if c.ID != ap1.ID {
			t.Fatalf("after the hold another operator got %s", c.PolicyNo)
		}
		// Finished by the third operator: the desk counts it for them, the
		// list names them as its operator.
		_, err = db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: bd.a.ID, ID: ap1.ID, UserID: bd.userA.ID, Now: at.Add(32 * time.Minute), NoLease: true,
			Status: huifang.StatusDone, Result: huifang.ResultSuccessful, Audit: huifang.AuditEntry{Action: "finish"}})
		must(t, err)
		n, err := db.CountCallbacks(ctx, bd.a.ID, huifang.CallbackFilter{FinishedBy: bd.userA.ID, FinishedFrom: at})
		must(t, err)
		if n != 1 {
			t.Fatalf("finished from %v: %d", at, n)
		}
		n, err = db.CountCallbacks(ctx, bd.a.ID, huifang.CallbackFilter{FinishedBy: bd.userA.ID, FinishedFrom: at.Add(time.Hour)})
		must(t, err)
		if n != 0 {
			t.Fatalf("finished later: %d", n)
		}
		var ops []string
		must(t, db.ForEachCallback(ctx, bd.a.ID, huifang.CallbackFilter{FinishedBy: bd.userA.ID, Sort: huifang.SortFinished}, func(r *huifang.CallbackRow) error {
			ops = append(ops, r.Operator)
			return nil
		}))
		if !equal(ops, []string{"op-a"}) {
			t.Fatalf("operators %v", ops)
		}
		// Another insurer's operator never sees them.
		n, err = db.CountCallbacks(ctx, bd.b.ID, huifang.CallbackFilter{FinishedBy: bd.userA.ID})
		must(t, err)
		if n != 0 {
			t.Fatalf("other insurer: %d", n)
		}
	})
}

// TestConformCallbackSearch: a search finds callbacks by policy-number or
// holder-name prefix, or by the keyed hash of the phone's last digits, within
// the insurer; sorts are total.
func TestConformCallbackSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		d := huifang.NewDate(2026, 3, 1)
		mk := func(no, holder string, days int) *huifang.PolicyRecord {
			p := policy(no, d.AddDays(days), "h"+no)
			p.HolderName = holder
			p.HolderPhoneEnc = "enc-" + no
			return p
		}
		importPolicies(t, db, bd.a.ID, mk("S100", "王五", 3), mk("S200", "王小明", 1), mk("T100", "李四", 2), mk("S1_0", "赵六", 4))
		importPolicies(t, db, bd.b.ID, mk("S300", "王五", 1))
		todo, err := db.PhoneTailsToFill(ctx, 100)
		must(t, err)
		if len(todo) != 5 {
			t.Fatalf("to fill: %d", len(todo))
		}
		for i := range todo {
			todo[i].TailHash = "tail-" + todo[i].PolicyNo
			if todo[i].PolicyNo == "T100" {
				todo[i].TailHash = "tail-shared"
			}
			if todo[i].PolicyNo == "S100" {
				todo[i].PhoneEnc = "changed meanwhile"
			}
		}
		must(t, db.SetPhoneTails(ctx, todo))
		todo, err = db.PhoneTailsToFill(ctx, 100)
		must(t, err)
		if len(todo) != 1 || todo[0].PolicyNo != "S100" {
			t.Fatalf("left to fill: %+v", todo)
		}
		list := func(f huifang.CallbackFilter) (out []string) {
			t.Helper()
			must(t, db.ForEachCallback(ctx, bd.a.ID, f, func(r *huifang.CallbackRow) error {
				out = append(out, r.PolicyNo)
				return nil
			}))
			n, err := db.CountCallbacks(ctx, bd.a.ID, f)
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
			{"policy prefix", huifang.CallbackFilter{Search: "S1"}, []string{"S100", "S1_0"}},
			{"underscore is no wildcard", huifang.CallbackFilter{Search: "S1_"}, []string{"S1_0"}},
			{"holder name", huifang.CallbackFilter{Search: "王"}, []string{"S200", "S100"}},
			{"holder full name", huifang.CallbackFilter{Search: "王五"}, []string{"S100"}},
			{"phone tail", huifang.CallbackFilter{PhoneTailHash: "tail-shared"}, []string{"T100"}},
			{"digits or tail", huifang.CallbackFilter{Search: "S2", PhoneTailHash: "tail-shared"}, []string{"S200", "T100"}},
			{"none", huifang.CallbackFilter{Search: "X"}, nil},
			{"sort policy", huifang.CallbackFilter{Sort: huifang.SortPolicy}, []string{"S100", "S1_0", "S200", "T100"}},
			{"sort policy page", huifang.CallbackFilter{Sort: huifang.SortPolicy, Limit: 2, Offset: 2}, []string{"S200", "T100"}},
			{"sort due", huifang.CallbackFilter{Sort: huifang.SortDue}, []string{"S200", "T100", "S100", "S1_0"}},
			{"sort status", huifang.CallbackFilter{Sort: huifang.SortStatus}, []string{"S200", "T100", "S100", "S1_0"}},
			{"sort operator", huifang.CallbackFilter{Sort: huifang.SortOperator}, []string{"S200", "T100", "S100", "S1_0"}},
		} {
			if got := list(tc.f); !equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
	})
}
