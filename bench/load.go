package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
)

// LoadFigures are operators' figures while a large policy file is imported.
type LoadFigures struct {
	Engine        store.Engine
	Rows          int
	Operators     int
	Single        bool // the import wrote in one transaction ("before")
	Apart         bool // the import ran on its own connections, as another process
	ImportSeconds float64
	Chunks        int
	Next, Finish  Latencies
	Errors        int // operators' failed requests
	Busy          int // of which: the database was busy (503 "请稍后重试")
	// Interleaved counts the operators' finishes committed while the import
	// was writing (after its file was checked): none when one transaction
	// holds SQLite's lock throughout.
	Interleaved int
	FirstError  string
}

// Latencies summarise one kind of request.
type Latencies struct {
	N             int
	P50, P99, Max time.Duration
}

func latencies(ds []time.Duration) Latencies {
	if len(ds) == 0 {
		return Latencies{}
	}
	slices.Sort(ds)
	return Latencies{N: len(ds), P50: ds[len(ds)/2], P99: ds[int(math.Ceil(float64(len(ds))*0.99))-1], Max: ds[len(ds)-1]}
}

// ImportLoad imports n synthetic policies while ops operators work: each
// asks for the next callback and finishes it with its script's passing
// answers (svc.Next and svc.Finish, what the workbench calls), pausing on
// average pace between calls. The import runs in the operators' server, as
// an upload on the import page or an API batch does, or, apart, as
// `huifang import` beside a server: its own service on its own connection
// pool (on SQLite, its own writer connection, as another process has).
// single writes the file in one transaction, as huifang did before imports
// were chunked.
func ImportLoad(ctx context.Context, e Env, n, ops int, pace time.Duration, single, apart bool) (LoadFigures, error) {
	fig := LoadFigures{Engine: e.Engine, Rows: n, Operators: ops, Single: single, Apart: apart}
	// Inside calling hours on a working day, whatever the time the benchmark runs.
	now := time.Date(2026, 3, 5, 10, 0, 0, 0, huifang.Shanghai)
	today := huifang.DateOf(now)
	csvPath := filepath.Join(e.Dir, fmt.Sprintf("load-policies-%d.csv", n))
	if _, err := os.Stat(csvPath); err != nil {
		e.logf("writing %d policies to %s", n, csvPath)
		if err := WritePolicies(csvPath, n, today); err != nil {
			return fig, err
		}
	}
	key, _ := pii.ParseKey(pii.NewKey())
	svc, db, org, dbURL, cleanup, err := e.setup(ctx, "load", key)
	if err != nil {
		return fig, err
	}
	defer cleanup()
	svc.Clock = fixedClock{now}
	seed := max(20000, ops*200)
	if err := db.Bench().SeedOpenCallbacks(ctx, org.ID, seed, today, "L20", svc.Box.Seal("13900000000"), svc.Box.Hash("13900000000")); err != nil {
		return fig, err
	}
	isvc := svc.WithClock(svc.Clock)
	if apart {
		idb, err := store.Open(ctx, dbURL)
		if err != nil {
			return fig, err
		}
		defer idb.Close()
		isvc = app.New(idb, svc.Box, slog.New(slog.DiscardHandler))
		isvc.Clock = svc.Clock
		if err := isvc.LoadCalendars(ctx); err != nil {
			return fig, err
		}
	}
	isvc.SingleTransactionImport = single
	var mu sync.Mutex
	var next, finish []time.Duration
	var writing time.Time // when the import began to write
	record := func(list *[]time.Duration, d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		*list = append(*list, d)
		if err != nil {
			fig.Errors++
			if huifang.ErrorCode(err) == huifang.EUNAVAILABLE {
				fig.Busy++
			}
			if fig.FirstError == "" {
				fig.FirstError = err.Error()
			}
		}
	}
	stop := make(chan struct{})
	done := false
	var wg sync.WaitGroup
	for op := 1; op <= ops; op++ {
		u, err := svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: org.Code, Login: fmt.Sprint("op", op), Role: huifang.RoleOperator, Password: "bench-password"})
		if err != nil {
			return fig, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := mrand.New(mrand.NewPCG(uint64(op), 2))
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Duration(r.ExpFloat64() * float64(pace))):
				}
				start := time.Now()
				w, err := svc.Next(ctx, u)
				record(&next, time.Since(start), err)
				if err != nil {
					continue
				}
				select {
				case <-stop:
					return
				case <-time.After(time.Duration(r.ExpFloat64() * float64(pace))):
				}
				in := app.FinishInput{}
				if w.Script != nil {
					in = app.FinishInput{Answers: w.Script.Script.Passing(), Script: w.Script.Ref()}
				}
				start = time.Now()
				_, err = svc.Finish(ctx, u, w.Callback.ID, in)
				record(&finish, time.Since(start), err)
				mu.Lock()
				if err == nil && !writing.IsZero() && start.After(writing) && !done {
					fig.Interleaved++
				}
				mu.Unlock()
			}
		}()
	}
	e.logf("%s: importing %d policies (single transaction: %v) while %d operators work", e.Engine, n, single, ops)
	time.Sleep(pace) // the operators are at work before the import starts
	start := time.Now()
	res, err := isvc.ImportFile(ctx, app.CLI(), org.Code, importer.KindPolicies, csvPath, filepath.Base(csvPath), func(phase string, _, _ int) {
		mu.Lock()
		if phase == "writing" && writing.IsZero() {
			writing = time.Now()
		}
		mu.Unlock()
	})
	fig.ImportSeconds = time.Since(start).Seconds()
	mu.Lock()
	done = true
	mu.Unlock()
	close(stop)
	wg.Wait()
	if err != nil {
		return fig, fmt.Errorf("import: %w", err)
	}
	if res.Counts.Created != n {
		return fig, fmt.Errorf("import created %d policies, want %d", res.Counts.Created, n)
	}
	if res.Job != nil {
		fig.Chunks = res.Job.Chunks
	}
	fig.Next, fig.Finish = latencies(next), latencies(finish)
	if fig.Next.N == 0 || fig.Finish.N == 0 {
		return fig, errors.New("the operators made no requests")
	}
	return fig, nil
}
