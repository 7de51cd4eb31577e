package bench

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/pii"
)

// StatsFigures are one engine's statistics-table measurements.
type StatsFigures struct {
	Policies     int
	SeedSeconds  float64 // generating the rows inside the database
	BuildSeconds float64 // building the counts from them once (RebuildStats)
	Bare, Ours   []float64
	Due          int64 // callbacks due in the year, as both counted them
	// Drill is the drill-down by seller (agent or bank outlet) for the
	// year, as the dashboard asks for it; Sellers the rows it gave.
	Drill   []float64
	Sellers int
	// DrillScan is the same drill-down counted from the rows of the year
	// (app.Service.StatsBreakdownRecount: how it was computed before the
	// seller counts were kept).
	DrillScan []float64
	// RunningDrill and RunningTable: see RunningDrillMedian.
	RunningDrill, RunningTable []float64
}

// DrillScanMedian is the median of the row-scan drill-down's rounds.
func (f StatsFigures) DrillScanMedian() float64 { return median(f.DrillScan) }

// RunningDrillMedian and RunningTableMedian are the medians of the
// drill-down by seller and of the table for the year as of its 30
// December (RunningDrill, RunningTable: a period still running, whose
// current month's callbacks due so far are read from their rows).
func (f StatsFigures) RunningDrillMedian() float64 { return median(f.RunningDrill) }
func (f StatsFigures) RunningTableMedian() float64 { return median(f.RunningTable) }

// DrillMedian is the median of the drill-down's rounds, in seconds.
func (f StatsFigures) DrillMedian() float64 { return median(f.Drill) }

// BareMedian and OursMedian are the medians of the rounds, in seconds.
func (f StatsFigures) BareMedian() float64 { return median(f.Bare) }
func (f StatsFigures) OursMedian() float64 { return median(f.Ours) }

// Ratio is how many times faster the table is than the bare scan.
func (f StatsFigures) Ratio() float64 { return f.BareMedian() / f.OursMedian() }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// statsYear is the year the statistics benchmark seeds: one that has ended,
// so that the table reads its kept counts only (a running period's current
// month is counted from its rows, up to today).
const statsYear = 2025

// Stats seeds a year of n policies with their callbacks and problem cases,
// builds the counts once, then alternates rounds of the bare aggregate scan
// of the year's callbacks joined to their policies and huifang's statistics
// table for the year (app.Service.StatsTable, as the page and the API ask
// for it), and checks both counted the same callbacks; each round then
// times the drill-down by seller for the year from the kept counts and
// from the rows, and checks they agree.
func Stats(ctx context.Context, e Env, n, rounds int) (StatsFigures, error) {
	fig := StatsFigures{Policies: n}
	key, _ := pii.ParseKey(pii.NewKey())
	svc, db, org, _, cleanup, err := e.setup(ctx, "stats", key)
	if err != nil {
		return fig, err
	}
	defer cleanup()
	e.logf("%s: seeding a year of %d policies", e.Engine, n)
	start := time.Now()
	if err := db.Bench().SeedYear(ctx, org.ID, n, statsYear, svc.Box.Seal("13900000000")); err != nil {
		return fig, err
	}
	fig.SeedSeconds = time.Since(start).Seconds()
	e.logf("%s: seeded in %.0fs; building the counts", e.Engine, fig.SeedSeconds)
	start = time.Now()
	if err := db.RebuildStats(ctx, org.ID); err != nil {
		return fig, err
	}
	fig.BuildSeconds = time.Since(start).Seconds()
	from, to := huifang.NewDate(statsYear, 1, 1), huifang.NewDate(statsYear, 12, 31)
	for round := 0; round < rounds; round++ {
		start = time.Now()
		due, err := db.Bench().BareStatsScan(ctx, org.ID, from, to)
		if err != nil {
			return fig, err
		}
		bare := time.Since(start).Seconds()
		start = time.Now()
		_, t, err := svc.StatsTable(ctx, app.CLI(), "BENCH", strconv.Itoa(statsYear))
		if err != nil {
			return fig, err
		}
		ours := time.Since(start).Seconds()
		if t.Total.Callbacks.Due != due {
			return fig, fmt.Errorf("the table counts %d due callbacks, the bare scan %d", t.Total.Callbacks.Due, due)
		}
		fig.Due = due
		start = time.Now()
		_, rows, err := svc.StatsBreakdown(ctx, app.CLI(), "BENCH", strconv.Itoa(statsYear), "seller", app.BreakdownFilter{})
		if err != nil {
			return fig, err
		}
		drill := time.Since(start).Seconds()
		var sellerDue int64
		for _, r := range rows {
			sellerDue += r.Callbacks.Due
		}
		if sellerDue != due {
			return fig, fmt.Errorf("the drill-down by seller counts %d due callbacks, the bare scan %d", sellerDue, due)
		}
		fig.Sellers = len(rows)
		start = time.Now()
		_, slow, err := svc.StatsBreakdownRecount(ctx, app.CLI(), "BENCH", strconv.Itoa(statsYear), "seller", app.BreakdownFilter{})
		if err != nil {
			return fig, err
		}
		scan := time.Since(start).Seconds()
		if !reflect.DeepEqual(rows, slow) {
			return fig, fmt.Errorf("the drill-down by seller from the kept counts differs from the one counted from the rows")
		}
		// The same year seen as still running, on its 30 December.
		running := svc.WithClock(fixedClock{time.Date(statsYear, 12, 30, 12, 0, 0, 0, time.UTC)})
		start = time.Now()
		if _, _, err := running.StatsBreakdown(ctx, app.CLI(), "BENCH", strconv.Itoa(statsYear), "seller", app.BreakdownFilter{}); err != nil {
			return fig, err
		}
		runDrill := time.Since(start).Seconds()
		start = time.Now()
		if _, _, err := running.StatsTable(ctx, app.CLI(), "BENCH", strconv.Itoa(statsYear)); err != nil {
			return fig, err
		}
		runTable := time.Since(start).Seconds()
		fig.RunningDrill, fig.RunningTable = append(fig.RunningDrill, runDrill), append(fig.RunningTable, runTable)
		e.logf("  round %d: bare scan %.3fs, table %.4fs, by seller %.4fs (%d rows), by seller from the rows %.3fs; as of 12-30: by seller %.3fs, table %.3fs",
			round+1, bare, ours, drill, len(rows), scan, runDrill, runTable)
		fig.Bare, fig.Ours, fig.Drill, fig.DrillScan = append(fig.Bare, bare), append(fig.Ours, ours), append(fig.Drill, drill), append(fig.DrillScan, scan)
	}
	return fig, nil
}
