package app_test

import (
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/testworld"
)

// TestTakeCallback: an operator takes one named callback (the customer rang
// back); another operator cannot take it meanwhile, an operator holding one
// cannot take a second, nothing is taken outside calling hours, and a
// finished callback cannot be taken.
func TestTakeCallback(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.loadPolicies(t,
			policyLine("T1", "L20", "个险", "2026-03-02", "13800000001", 1),
			policyLine("T2", "L20", "个险", "2026-03-04", "13800000002", 2))
		cb := func(no string) *huifang.Callback {
			rows, _, err := w.svc.ListCallbacks(ctx, w.admin, huifang.CallbackFilter{PolicyNo: no})
			mustDo(t, func() error { return err })
			if len(rows) != 1 {
				t.Fatalf("%s: %d callbacks", no, len(rows))
			}
			c, err := w.db.FindCallback(ctx, w.admin.OrgID, rows[0].ID)
			mustDo(t, func() error { return err })
			return c
		}
		t2 := cb("T2") // not the most urgent: Next would give T1
		work, err := w.svc.Take(ctx, w.op, t2.ID)
		mustDo(t, func() error { return err })
		if work.Callback.ID != t2.ID || work.Callback.LeaseUserID != w.op.ID {
			t.Fatalf("took %+v", work.Callback)
		}
		if _, err := w.svc.Take(ctx, w.op2, t2.ID); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("another operator took a held callback: %v", err)
		}
		if _, err := w.svc.Take(ctx, w.op, cb("T1").ID); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("took a second callback: %v", err)
		}
		if again, err := w.svc.Take(ctx, w.op, t2.ID); err != nil || again.Callback.ID != t2.ID {
			t.Fatalf("taking one's own again: %v", err)
		}
		if _, err := w.svc.Finish(ctx, w.op, t2.ID, passing(work)); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Take(ctx, w.op2, t2.ID); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("took a finished callback: %v", err)
		}
		if _, err := w.svc.Take(ctx, w.admin, cb("T1").ID); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an administrator took a callback: %v", err)
		}
		if _, err := w.svc.Take(ctx, w.opB, cb("T1").ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("another insurer's operator: %v", err)
		}
		w.clk.t = at(5, 21, 0)
		if _, err := w.svc.Take(ctx, w.op2, cb("T1").ID); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("took a callback after calling hours: %v", err)
		}
	})
}
