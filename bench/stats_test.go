package bench

import (
	"context"
	"os"
	"testing"

	"github.com/huifang/huifang/store"
)

// TestStats runs the statistics benchmark on a small year, on SQLite and,
// when HUIFANG_TEST_POSTGRES names a server, on PostgreSQL: the seeding
// statements work on both engines and the table counts what the bare scan
// counts.
func TestStats(t *testing.T) {
	engines := []store.Engine{store.SQLite}
	pg := os.Getenv("HUIFANG_TEST_POSTGRES")
	if pg != "" {
		engines = append(engines, store.Postgres)
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI: HUIFANG_TEST_POSTGRES is not set")
	} else {
		t.Log("PostgreSQL half skipped: set HUIFANG_TEST_POSTGRES=postgres://... to run it")
	}
	for _, eng := range engines {
		t.Run(string(eng), func(t *testing.T) {
			f, err := Stats(context.Background(), Env{Engine: eng, Postgres: pg, Dir: t.TempDir()}, 3000, 2)
			if err != nil {
				t.Fatal(err)
			}
			if f.Due != 3000 || len(f.Bare) != 2 || f.Ratio() <= 0 || len(f.Drill) != 2 || len(f.DrillScan) != 2 || f.Sellers == 0 {
				t.Fatalf("figures %+v", f)
			}
		})
	}
}
