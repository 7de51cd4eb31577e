package store_test

import (
	"errors"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// An insurer's pre-underwriting setting changes after it was created, and
// only its own.
func TestConformSetPreUnderwriting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		pre := func(id int64) bool {
			o, err := db.FindOrgByID(ctx, id)
			must(t, err)
			return o.PreUnderwritingCallback
		}
		if pre(bd.a.ID) || pre(bd.b.ID) {
			t.Fatal("pre-underwriting on from the start")
		}
		must(t, db.SetPreUnderwriting(ctx, bd.a.ID, true))
		if !pre(bd.a.ID) || pre(bd.b.ID) {
			t.Fatalf("after on: A %v, B %v", pre(bd.a.ID), pre(bd.b.ID))
		}
		must(t, db.SetPreUnderwriting(ctx, bd.a.ID, false))
		if pre(bd.a.ID) {
			t.Fatal("still on after off")
		}
		if err := db.SetPreUnderwriting(ctx, 999999, true); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("no such org: %v", err)
		}
	})
}
