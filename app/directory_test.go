package app_test

import (
	"context"
	"slices"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/testworld"
)

// TestDirectory: who sees which organisations, and another insurer's
// branches, staff and products are not found.
func TestDirectory(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		ctx := context.Background()
		codes := func(u *huifang.User) []string {
			os, err := w.svc.VisibleOrgs(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range os {
				out = append(out, o.Code)
			}
			slices.Sort(out)
			return out
		}
		if got := codes(app.CLI()); !slices.Equal(got, []string{"A", "B", "REG"}) {
			t.Errorf("the system administrator sees %v", got)
		}
		if got := codes(w.op); !slices.Equal(got, []string{"A"}) {
			t.Errorf("an operator sees %v", got)
		}
		own, err := w.svc.OwnOrg(ctx, w.op)
		if err != nil || own.Code != "A" {
			t.Fatalf("own org %+v %v", own, err)
		}
		if bs, err := w.svc.Branches(ctx, w.op, own.ID); err != nil || len(bs) == 0 {
			t.Fatalf("own branches %d %v", len(bs), err)
		}
		other, err := w.svc.OwnOrg(ctx, w.opB)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Branches(ctx, w.op, other.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Errorf("another insurer's branches: %v", err)
		}
		if _, err := w.svc.Staff(ctx, w.op, other.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Errorf("another insurer's staff: %v", err)
		}
		if _, err := w.svc.Products(ctx, w.op, other.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Errorf("another insurer's products: %v", err)
		}
		if _, err := w.svc.VisibleOrgs(ctx, nil); huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
			t.Errorf("nobody: %v", err)
		}
	})
}
