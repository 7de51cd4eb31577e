package demo

import (
	"context"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestDemoCallsAtAnyHour: in the demo an operator gets a callback at 22:30
// Beijing time and on a Sunday morning, while the simulated weeks before
// today kept to a real centre's calling hours on working days.
func TestDemoCallsAtAnyHour(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	svc := newService(t, db)
	if _, err := Fill(ctx, db, svc, Options{Policies: 200}); err != nil {
		t.Fatal(err)
	}
	op, err := db.FindUserByLogin(ctx, "hta-op1")
	if err != nil {
		t.Fatal(err)
	}
	// The operator's desk holds appointments, one of them due (demo/desk.go).
	desk, err := svc.Desk(ctx, op)
	if err != nil {
		t.Fatal(err)
	}
	if len(desk.Appointments) != 3 || desk.Due != 1 || !desk.CanCall {
		t.Fatalf("the demo operator's desk: %d appointments, %d due, can call %v", len(desk.Appointments), desk.Due, desk.CanCall)
	}
	for _, when := range []time.Time{
		time.Date(2026, 3, 12, 22, 30, 0, 0, huifang.Shanghai), // the demo's Thursday evening
		time.Date(2026, 3, 15, 10, 0, 0, 0, huifang.Shanghai),  // Sunday
	} {
		later := svc.WithClock(fixedClock(when))
		work, err := later.Next(ctx, op)
		if err != nil {
			t.Fatalf("%v: the demo's operator got no callback: %v", when, err)
		}
		if err := later.Release(ctx, op, work.Callback.ID); err != nil {
			t.Fatal(err)
		}
		if !later.CallsAnyTime(ctx, op) {
			t.Fatalf("%v: the demo does not say it calls at any time", when)
		}
	}

	// The history is a real centre's: every attempt before today was made on
	// a working day between 09:00 and 20:00.
	office := callback.Hours{Start: callback.DefaultStart, End: callback.DefaultEnd}
	cal := svc.Calendar()
	rest := func(d huifang.Date) (bool, error) {
		ok, err := cal.IsWorkingDay(d)
		return !ok, err
	}
	orgs, err := db.ListOrgs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, o := range orgs {
		if o.Kind != huifang.KindInsurer {
			continue
		}
		err := db.ForEachCallback(ctx, o.ID, huifang.CallbackFilter{}, func(r *huifang.CallbackRow) error {
			if r.Attempts == 0 {
				return nil
			}
			as, err := db.ListAttempts(ctx, o.ID, r.ID)
			if err != nil {
				return err
			}
			for _, a := range as {
				if ok, err := office.Allowed(a.At, rest); err != nil || !ok {
					t.Errorf("%s: callback %d attempted at %v, outside office hours", o.Code, r.ID, a.At.In(huifang.Shanghai))
				}
				checked++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked == 0 {
		t.Fatal("no attempts in the demo")
	}

	// Every callback still to make has its script complete: telesales and
	// internet policies read their own scripts, none is set aside.
	for _, o := range orgs {
		if o.Kind != huifang.KindInsurer {
			continue
		}
		admin, err := db.FindUserByLogin(ctx, map[string]string{"HTAK": "hta", "GMRS": "gm", "ZHRS": "zh", "PRRS": "pr", "DFJF": "df"}[o.Code]+"-admin")
		if err != nil {
			t.Fatal(err)
		}
		var open []int64
		err = db.ForEachCallback(ctx, o.ID, huifang.CallbackFilter{}, func(r *huifang.CallbackRow) error {
			if r.Status == huifang.StatusBlocked {
				t.Errorf("%s: callback %d (%s) set aside: %s", o.Code, r.ID, r.PolicyNo, r.Reason)
			}
			if r.Open() {
				open = append(open, r.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range open {
			wk, err := svc.Callback(ctx, admin, id)
			if err != nil {
				t.Fatal(err)
			}
			if wk.Script.Gap != "" {
				t.Errorf("%s: callback %d (%s, %s): %s", o.Code, id, wk.Policy.No, wk.Policy.Channel, wk.Script.Gap)
			}
		}
	}
}
