package store_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformPolicyCallbacks: the set-based lookup of a block of policies
// (an import of callback records) finds exactly what the one-by-one lookups
// find: the policy, its callback of the kind and that callback's cases;
// numbers named twice are found once, unknown numbers and another insurer's
// policies not at all.
func TestConformPolicyCallbacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		const n = 9
		importN(t, db, bd.a.ID, n)
		importN(t, db, bd.b.ID, 12)
		// Half the callbacks finished, with cases (some resolved).
		rs := reported(t, db, bd.a.ID, n)
		_, err := db.ImportCallbacks(ctx, bd.a.ID, cli, t0, "cb.csv", records(rs[:6]))
		must(t, err)
		// Two orphan callbacks.
		for _, no := range []string{"P000002", "P000007"} {
			_, err := db.PlanOrphanCallback(ctx, bd.a.ID, no, huifang.NewDate(2026, 4, 1), t0)
			must(t, err)
		}
		var nos []string
		for i := 1; i <= n; i++ {
			nos = append(nos, fmt.Sprintf("P%06d", i))
		}
		nos = append(nos, "P000003", "NOPE", "P000011") // twice, unknown, another insurer's
		for _, kind := range []huifang.CallbackKind{huifang.KindNewBusiness, huifang.KindOrphan} {
			got, err := db.PolicyCallbacks(ctx, bd.a.ID, kind, nos)
			must(t, err)
			if len(got) != n {
				t.Fatalf("%s: found %d policies, want %d", kind, len(got), n)
			}
			for _, no := range nos {
				find := db.NewBusinessCallback
				if kind == huifang.KindOrphan {
					find = db.OrphanCallback
				}
				p, c, cases, err := find(ctx, bd.a.ID, no)
				sc, ok := got[no]
				if huifang.ErrorCode(err) == huifang.ENOTFOUND {
					if ok {
						t.Fatalf("%s %s: found %+v, one by one not", kind, no, sc)
					}
					continue
				}
				must(t, err)
				if !ok || sc.ReceiptOn != p.ReceiptOn || sc.AgentCode != p.AgentCode || !reflect.DeepEqual(sc.Callback, c) ||
					len(sc.Cases) != len(cases) || (len(cases) > 0 && !reflect.DeepEqual(sc.Cases, cases)) {
					t.Fatalf("%s %s:\nset-based %+v\none by one %+v %+v %+v", kind, no, sc, p, c, cases)
				}
			}
		}
		if got, err := db.PolicyCallbacks(ctx, bd.a.ID, huifang.KindNewBusiness, nil); err != nil || len(got) != 0 {
			t.Fatalf("no numbers: %v %v", got, err)
		}
	})
}
