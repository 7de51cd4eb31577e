package bench

import (
	"context"
	"os"
	"testing"

	"github.com/huifang/huifang/store"
)

// TestInspection runs the inspection benchmark on a small year (the
// million stays out of CI), on SQLite and, when HUIFANG_TEST_POSTGRES names
// a server, on PostgreSQL: the seeding works on both engines and the
// package holds every callback, attempt and recording seeded (and the
// audit entries of the finishes that fell in 2026: a few fell before or after).
func TestInspection(t *testing.T) {
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
			f, err := Inspection(context.Background(), Env{Engine: eng, Postgres: pg, Dir: t.TempDir()}, 3000)
			if err != nil {
				t.Fatal(err)
			}
			c := f.Counts
			if c.Callbacks != 3000 || c.Policies != 3000 || c.Attempts != 2910 || c.Recordings != f.Recordings || f.Recordings == 0 ||
				c.Answers != 8*2910 || c.Cases == 0 || c.Audit < 2800 || c.Audit > 2910 || f.Bytes == 0 || f.PeakLiveMiB <= 0 {
				t.Fatalf("figures %+v", f)
			}
		})
	}
}
