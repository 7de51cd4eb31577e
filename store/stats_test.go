package store_test

import (
	"fmt"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestCountsBuiltOnMigrate: data that existed before the counts did (schema
// 4) gets its counts when schema 5 is applied: the migration marks every
// insurer, and Migrate builds their counts from the rows.
func TestCountsBuiltOnMigrate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		_, err := db.ImportPolicies(ctx, bd.a.ID, cli, t0, "test", source(
			policy("P1", huifang.NewDate(2026, 3, 1), "h1"), policy("P2", huifang.NewDate(2026, 3, 2), "h2")))
		must(t, err)
		march := indicator.Period{Kind: indicator.Month, Year: 2026, N: 3}
		due := func() int64 {
			c, err := db.ReadStats(ctx, bd.a.ID, march, huifang.NewDate(2026, 4, 1), indicator.All)
			must(t, err)
			var n int64
			for _, x := range c.Callbacks {
				n += x.Due
			}
			return n
		}
		if n := due(); n != 2 {
			t.Fatalf("kept counts: %d due", n)
		}
		// As before schema 5: no counts, the insurer marked by the migration.
		must(t, db.ExecForTest(ctx, `DELETE FROM stat_callbacks`))
		must(t, db.ExecForTest(ctx, fmt.Sprintf(`INSERT INTO stat_rebuild (org_id) VALUES (%d)`, bd.a.ID)))
		if n := due(); n != 0 {
			t.Fatalf("after the delete: %d due", n)
		}
		_, err = db.Migrate(ctx)
		must(t, err)
		if n := due(); n != 2 {
			t.Fatalf("after migrating: %d due", n)
		}
		// Built once: the mark is gone, and a second build changes nothing.
		_, err = db.Migrate(ctx)
		must(t, err)
		if n := due(); n != 2 {
			t.Fatalf("after migrating again: %d due", n)
		}
	})
}
