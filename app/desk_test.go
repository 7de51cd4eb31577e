package app_test

import (
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/testworld"
)

// TestDeskAppointments: a customer's asked-for time is an appointment with
// the operator who agreed it: due, it goes to them first and to another
// operator only after the hold; the desk lists it, reminds, counts the
// finished callbacks of the day, and says when calling opens again.
func TestDeskAppointments(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.clk.t = at(5, 10, 0)
		w.loadPolicies(t,
			policyLine("D1", "L20", "个险", "2026-03-02", "13800001234", 1),
			policyLine("D2", "L20", "个险", "2026-03-03", "13800005678", 2),
			policyLine("D3", "L20", "个险", "2026-03-04", "13911112222", 3))
		work, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if work.Callback.PolicyNo != "D1" {
			t.Fatalf("took %s", work.Callback.PolicyNo)
		}
		id := work.Callback.ID
		_, err = w.svc.RecordAttempt(ctx, w.op, id, app.AttemptInput{Outcome: huifang.AttemptReschedule, ScheduleAt: at(5, 15, 0)})
		mustDo(t, func() error { return err })
		d, err := w.svc.Desk(ctx, w.op)
		mustDo(t, func() error { return err })
		if len(d.Appointments) != 1 || d.Appointments[0].ID != id || d.Due != 0 || !d.CanCall || d.Today != 0 {
			t.Fatalf("desk at 10:00: %+v", d)
		}
		if d.Appointments[0].HolderName == "" || d.Appointments[0].HolderName == work.Policy.HolderName {
			t.Fatalf("holder name not masked: %q", d.Appointments[0].HolderName)
		}
		if other, _ := w.svc.Desk(ctx, w.op2); len(other.Appointments) != 0 {
			t.Fatalf("another operator's desk lists %+v", other.Appointments)
		}
		// 15:05: another operator gets D2, not the appointment.
		w.clk.t = at(5, 15, 5)
		if d, _ = w.svc.Desk(ctx, w.op); d.Due != 1 {
			t.Fatalf("due appointments: %d", d.Due)
		}
		got, err := w.svc.Next(ctx, w.op2)
		mustDo(t, func() error { return err })
		if got.Callback.PolicyNo != "D2" {
			t.Fatalf("within the hold another operator got %s", got.Callback.PolicyNo)
		}
		mustDo(t, func() error { return w.svc.Release(ctx, w.op2, got.Callback.ID) })
		// 15:31, past the 30-minute hold: it falls back to the pool.
		w.clk.t = at(5, 15, 31)
		got, err = w.svc.Next(ctx, w.op2)
		mustDo(t, func() error { return err })
		if got.Callback.ID != id {
			t.Fatalf("after the hold another operator got %s", got.Callback.PolicyNo)
		}
		mustDo(t, func() error { return w.svc.Release(ctx, w.op2, id) })
		// Its operator gets it, before the more urgent D2.
		got, err = w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if got.Callback.ID != id {
			t.Fatalf("the appointment's operator got %s", got.Callback.PolicyNo)
		}
		if _, err := w.svc.Finish(ctx, w.op, id, passing(got)); err != nil {
			t.Fatal(err)
		}
		d, err = w.svc.Desk(ctx, w.op)
		mustDo(t, func() error { return err })
		if d.Today != 1 || len(d.Recent) != 1 || d.Recent[0].ID != id || len(d.Appointments) != 0 {
			t.Fatalf("desk after finishing: %+v", d)
		}
		// The next day the count starts again; after hours "next" waits.
		w.clk.t = at(5, 20, 30)
		d, err = w.svc.Desk(ctx, w.op)
		mustDo(t, func() error { return err })
		if d.CanCall || !d.NextOpen.Equal(at(6, 9, 0)) || d.Start != "09:00" || d.End != "20:00" {
			t.Fatalf("after hours: can call %v, opens %v", d.CanCall, d.NextOpen)
		}
		w.clk.t = at(6, 9, 30)
		if d, _ = w.svc.Desk(ctx, w.op); d.Today != 0 || !d.CanCall {
			t.Fatalf("next morning: %+v", d)
		}
		if _, err := w.svc.Desk(ctx, w.admin); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an administrator's desk: %v", err)
		}
	})
}

// TestSearchCallbacks: the list finds callbacks by policy-number or name
// prefix, or the last digits of the phone through their keyed hash, in the
// caller's insurer only.
func TestSearchCallbacks(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.loadPolicies(t,
			policyLine("Q1", "L20", "个险", "2026-03-02", "13800001234", 1),
			policyLine("Q2", "L20", "个险", "2026-03-03", "13800005678", 2))
		search := func(u *huifang.User, q string) (out []string) {
			t.Helper()
			rows, _, err := w.svc.ListCallbacks(ctx, u, huifang.CallbackFilter{Search: q})
			mustDo(t, func() error { return err })
			for _, r := range rows {
				out = append(out, r.PolicyNo)
			}
			return out
		}
		for q, want := range map[string]string{"1234": "Q1", "05678": "Q2", "8001234": "", "Q2": "Q2", "q2": "Q2", "X": "", "5678 ": "Q2"} {
			got := search(w.admin, q)
			if want == "" && len(got) != 0 || want != "" && (len(got) != 1 || got[0] != want) {
				t.Errorf("search %q: %v, want %s", q, got, want)
			}
		}
		if got := search(w.admin, "q"); len(got) != 2 { // any case
			t.Errorf("search q: %v", got)
		}
		if got := search(w.opB, "1234"); len(got) != 0 {
			t.Fatalf("another insurer found %v", got)
		}
		if _, _, err := w.svc.ListCallbacks(ctx, w.admin, huifang.CallbackFilter{Search: string(make([]byte, 41))}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("a long search: %v", err)
		}
	})
}
