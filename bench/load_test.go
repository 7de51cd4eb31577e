package bench

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/huifang/huifang/store"
)

// TestImportLoad imports 20,000 policies in chunks while a few operators
// ask for and finish callbacks beside it — the import in their server, and
// apart, as `huifang import` beside a server — on SQLite and, when
// HUIFANG_TEST_POSTGRES names a server, on PostgreSQL: no operator's request
// fails (before chunks, a long import made them wait past SQLite's busy
// timeout: 500s), and operators' finishes commit while the import writes
// (before, one transaction held SQLite's lock until the end: none did).
// Timings are the benchmark's business, not the test's.
func TestImportLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 20,000 policies per engine")
	}
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
		for _, apart := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/apart=%v", eng, apart), func(t *testing.T) {
				f, err := ImportLoad(context.Background(), Env{Engine: eng, Postgres: pg, Dir: t.TempDir()}, 20000, 4, 50*time.Millisecond, false, apart)
				if err != nil {
					t.Fatal(err)
				}
				if f.Errors != 0 || f.Chunks < 10 || f.Next.N == 0 || f.Finish.N == 0 || f.Interleaved == 0 {
					t.Fatalf("figures %+v", f)
				}
				t.Logf("%s apart=%v: import %.1fs in %d chunks, %d finishes between chunks; next p50 %s p99 %s, finish p50 %s p99 %s", eng, apart, f.ImportSeconds, f.Chunks, f.Interleaved, f.Next.P50, f.Next.P99, f.Finish.P50, f.Finish.P99)
			})
		}
	}
}
