package cli

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/bench"
	"github.com/huifang/huifang/store"
)

func cmdBench(e *env, args []string) error {
	var engines, pg, dir, what string
	var rows, callbacks, ops, humanOps, policies, rounds, loadOps int
	var dur, humanDur, loadPace time.Duration
	var loadWays string
	var loadApart bool
	var keep, serveArgs string
	var reuse, loadImport bool
	var runs int
	var lo bench.LoadOptions
	fs := flags(e, "bench", "bench [--what import,claim,human] [--engines sqlite,postgres] [--postgres URL] [--rows N] ...", nil)
	fs.StringVar(&what, "what", "import,claim,human,stats", "benchmarks to run: import, claim, human, stats, import-load, inspection, callback-import, pages, load")
	fs.StringVar(&engines, "engines", "sqlite,postgres", "engines to run on")
	fs.StringVar(&pg, "postgres", envOr("HUIFANG_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL base URL (each run makes and drops its own schema)")
	fs.StringVar(&dir, "dir", "", "scratch directory (default: a new temporary directory)")
	fs.IntVar(&rows, "rows", 1000000, "policies to import")
	fs.IntVar(&callbacks, "callbacks", 1000000, "open callbacks in the pool")
	fs.IntVar(&policies, "policies", 0, "stats: policies in the year (default 10,000,000); pages, load: policies in the world (default 100,000)")
	fs.StringVar(&serveArgs, "serve-args", "", "pages, load: more arguments for the server, as in --serve-args '--heavy-limit 1 --cpu-profile serve.prof'")
	fs.StringVar(&keep, "keep", "", "pages, load: keep the world in this directory (on PostgreSQL, its schema), to --reuse it later")
	fs.BoolVar(&reuse, "reuse", false, "pages, load: use the world kept in --keep of the same engine and size instead of building one")
	fs.IntVar(&runs, "runs", 3, "pages: runs of each request (the median is reported)")
	fs.IntVar(&lo.Operators, "http-operators", 100, "load: operators doing next + finish through the API")
	fs.IntVar(&lo.Managers, "managers", 50, "load: managers opening dashboards and drill-downs")
	fs.IntVar(&lo.Lists, "lists", 50, "load: sessions paging through callback lists")
	fs.IntVar(&lo.Supervisors, "supervisors", 5, "load: supervisors opening the regulator's dashboards")
	fs.DurationVar(&lo.Think, "think", 0, "load: each session's mean pause between requests")
	fs.BoolVar(&loadImport, "load-import", false, "load: import a policy file of a tenth of the world beside the server during the run")
	fs.BoolVar(&lo.Upload, "load-upload", false, "load: make that import through the server's upload (as the import page does; what SQLite needs while operators work) instead of `huifang import` beside it")
	fs.IntVar(&rounds, "rounds", 5, "rounds of the statistics benchmark")
	var inspection string
	fs.StringVar(&inspection, "inspection-callbacks", "100000,1000000", "inspection: the sizes of the company's year, in callbacks, comma-separated")
	fs.IntVar(&ops, "operators", 200, "operators claiming as fast as they can")
	fs.DurationVar(&dur, "duration", 10*time.Second, "length of each claim loop")
	fs.IntVar(&humanOps, "human-operators", 500, "operators at a human pace")
	fs.DurationVar(&humanDur, "human-duration", 30*time.Second, "length of the human-pace run")
	fs.IntVar(&loadOps, "load-operators", 50, "import-load: operators working during the import")
	fs.DurationVar(&loadPace, "load-pace", time.Second, "import-load: each operator's mean pause before a next and before a finish")
	fs.BoolVar(&loadApart, "load-apart", false, "import-load: import on connections of its own, as `huifang import` beside a server does (default: in the operators' server, as an upload does)")
	fs.StringVar(&loadWays, "load-ways", "single,chunks", "import-load: how the import writes, in order: single (one transaction, as before), chunks")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if reuse && keep == "" {
		return usageError{"--reuse needs --keep DIR"}
	}
	statsPolicies, worldPolicies := policies, policies
	if statsPolicies == 0 {
		statsPolicies = 10000000
	}
	if worldPolicies == 0 {
		worldPolicies = 100000
	}
	lo.Duration, lo.Import = dur, loadImport
	var inspectionSizes []int
	for _, v := range strings.Split(inspection, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 {
			return usageError{"--inspection-callbacks: want sizes like 100000,1000000"}
		}
		inspectionSizes = append(inspectionSizes, n)
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "huifang-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "huifang %s bench on %s/%s, %d CPUs, %s\n\n", Version, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().Format(time.DateOnly))
	for _, eng := range strings.Split(engines, ",") {
		env := bench.Env{Engine: store.Engine(eng), Postgres: pg, Dir: dir, Binary: bin, Serve: strings.Fields(serveArgs), Log: e.stderr}
		if env.Engine != store.SQLite && env.Engine != store.Postgres {
			return usageError{"unknown engine " + eng}
		}
		var world *bench.World // built once per engine for pages and load
		var dropWorld func()
		for _, w := range strings.Split(what, ",") {
			switch w {
			case "import":
				f, err := bench.Import(e.ctx, env, rows)
				if err != nil {
					return fmt.Errorf("%s import: %w", eng, err)
				}
				fmt.Fprintf(e.stdout, "import  %-8s rows=%d bare=%.1fs (%.0f rows/s) huifang=%.1fs (%.0f rows/s) ratio=%.2f peak-rss=%.0fMiB again=%.1fs\n",
					eng, f.Rows, f.BareSeconds, f.BareRate(), f.ImportSeconds, f.ImportRate(), f.Ratio(), f.PeakRSSMiB, f.AgainSeconds)
			case "callback-import":
				f, err := bench.CallbackImport(e.ctx, env, rows)
				if err != nil {
					return fmt.Errorf("%s callback-import: %w", eng, err)
				}
				fmt.Fprintf(e.stdout, "cbimport %-8s rows=%d cases=%d policies=%.1fs (%.0f rows/s) callbacks=%.1fs (%.0f rows/s) ratio=%.2f again=%.1fs\n",
					eng, f.Rows, f.Cases, f.PolicySeconds, f.PolicyRate(), f.CallbackSeconds, f.CallbackRate(), f.Ratio(), f.ReloadSeconds)
			case "claim":
				f, err := bench.Claims(e.ctx, env, callbacks, ops, dur)
				if err != nil {
					return fmt.Errorf("%s claim: %w", eng, err)
				}
				fmt.Fprintf(e.stdout, "claim   %-8s callbacks=%d operators=%d bare=%.0f/s huifang=%.0f/s ratio=%.2f\n",
					eng, f.Callbacks, f.Operators, f.Bare, f.Ours, f.Ratio())
			case "human":
				f, err := bench.Human(e.ctx, env, callbacks, humanOps, humanDur, 2*time.Second)
				if err != nil {
					return fmt.Errorf("%s human: %w", eng, err)
				}
				fmt.Fprintf(e.stdout, "human   %-8s callbacks=%d operators=%d requests=%d p50=%s p99=%s max=%s\n",
					eng, f.Callbacks, f.Operators, f.Requests, f.P50.Round(10*time.Microsecond), f.P99.Round(10*time.Microsecond), f.Max.Round(10*time.Microsecond))
			case "stats":
				f, err := bench.Stats(e.ctx, env, statsPolicies, rounds)
				if err != nil {
					return fmt.Errorf("%s stats: %w", eng, err)
				}
				fmt.Fprintf(e.stdout, "stats   %-8s policies=%d due=%d seed=%.0fs build=%.1fs bare-scan=%.3fs table=%.4fs ratio=%.0f by-seller=%.4fs by-seller-scan=%.3fs sellers=%d running: by-seller=%.3fs table=%.3fs\n",
					eng, f.Policies, f.Due, f.SeedSeconds, f.BuildSeconds, f.BareMedian(), f.OursMedian(), f.Ratio(), f.DrillMedian(), f.DrillScanMedian(), f.Sellers, f.RunningDrillMedian(), f.RunningTableMedian())
			case "inspection":
				for _, n := range inspectionSizes {
					f, err := bench.Inspection(e.ctx, env, n)
					if err != nil {
						return fmt.Errorf("%s inspection: %w", eng, err)
					}
					fmt.Fprintf(e.stdout, "inspect %-8s callbacks=%d recordings=%d seed=%.0fs package=%.1fs (%.0f callbacks/s) size=%.0fMiB files=%d heap-before=%.1fMiB peak-heap-above=%.1fMiB peak-live=%.1fMiB peak-sys=%.0fMiB allocated=%.0fMiB gcs=%d\n",
						eng, f.Callbacks, f.Recordings, f.SeedSeconds, f.Seconds, float64(f.Callbacks)/f.Seconds, float64(f.Bytes)/(1<<20), f.Files,
						f.BaseHeapMiB, f.PeakHeapMiB, f.PeakLiveMiB, f.PeakSysMiB, f.TotalAllocMiB, f.GCs)
				}
			case "import-load":
				for _, way := range strings.Split(loadWays, ",") {
					if way != "single" && way != "chunks" {
						return usageError{"unknown --load-ways " + way}
					}
					f, err := bench.ImportLoad(e.ctx, env, rows, loadOps, loadPace, way == "single", loadApart)
					if err != nil {
						return fmt.Errorf("%s import-load: %w", eng, err)
					}
					r := func(d time.Duration) time.Duration { return d.Round(100 * time.Microsecond) }
					fmt.Fprintf(e.stdout, "load    %-8s rows=%d write=%-7s apart=%-5v import=%.1fs chunks=%d operators=%d errors=%d (busy %d) next n=%d p50=%s p99=%s max=%s finish n=%d p50=%s p99=%s max=%s\n",
						eng, f.Rows, way, loadApart, f.ImportSeconds, f.Chunks, f.Operators, f.Errors, f.Busy,
						f.Next.N, r(f.Next.P50), r(f.Next.P99), r(f.Next.Max), f.Finish.N, r(f.Finish.P50), r(f.Finish.P99), r(f.Finish.Max))
					if f.FirstError != "" {
						fmt.Fprintf(e.stdout, "        first error: %s\n", f.FirstError)
					}
				}
			case "pages", "load":
				if world == nil {
					world, dropWorld, err = bench.BuildWorld(e.ctx, env, bench.WorldOptions{Policies: worldPolicies, Operators: max(lo.Operators, 100), Keep: keep, Reuse: reuse})
					if err != nil {
						return fmt.Errorf("%s world: %w", eng, err)
					}
					defer dropWorld()
				}
				if w == "pages" {
					ts, err := bench.Pages(e.ctx, env, world, runs)
					if err != nil {
						return fmt.Errorf("%s pages: %w", eng, err)
					}
					fmt.Fprintf(e.stdout, "pages   %s, %d policies, median of %d runs\n\n%s\n", eng, world.Policies, runs, bench.PagesTable(world, ts))
				} else {
					r, err := bench.Load(e.ctx, env, world, lo)
					if err != nil {
						return fmt.Errorf("%s load: %w", eng, err)
					}
					fmt.Fprintf(e.stdout, "load    %s\n", bench.LoadTable(world, r))
				}
			default:
				return usageError{"unknown benchmark " + w}
			}
		}
	}
	return nil
}
