package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/pii"
)

// InspectionFigures are one engine's measurements of an inspection package.
type InspectionFigures struct {
	Callbacks   int     // callbacks in the company's year
	Recordings  int     // of them with a recording in the package
	SeedSeconds float64 // generating the rows inside the database
	Seconds     float64 // writing the package
	Bytes       int64   // the package's size
	Files       int     // files in it
	Counts      huifang.InspectionCounts
	// Memory while the package was written, sampled every 10 ms from the
	// Go runtime: the heap in use above what it was before (BaseHeapMiB),
	// the most the process held from the system, and all it allocated.
	BaseHeapMiB, PeakHeapMiB, PeakSysMiB, TotalAllocMiB float64
	// PeakLiveMiB is the most the heap held live after a collection
	// (runtime/metrics /gc/heap/live:bytes): what the export kept, without
	// the garbage the collector had not yet reached, which depends on its
	// pacing more than on the export.
	PeakLiveMiB float64
	GCs         uint32 // collections during the export
}

// Inspection seeds a company's year of n callbacks (SeedYear, with an
// attempt, the answers and an audit entry for each finished one, and a
// 32 KiB recording for one in every 1,000), then writes the whole year's
// inspection package to a file as the command line does, sampling the
// heap while it runs: memory that stays flat from 100,000 callbacks to
// 1,000,000 is what the streaming is for.
func Inspection(ctx context.Context, e Env, n int) (InspectionFigures, error) {
	fig := InspectionFigures{Callbacks: n}
	key, _ := pii.ParseKey(pii.NewKey())
	svc, db, org, _, cleanup, err := e.setup(ctx, "inspection", key)
	if err != nil {
		return fig, err
	}
	defer cleanup()
	blobDir := filepath.Join(e.Dir, "inspection-blobs")
	defer os.RemoveAll(blobDir)
	blobs, err := blob.NewLocal(blobDir)
	if err != nil {
		return fig, err
	}
	svc.Blobs = blobs
	e.logf("%s: seeding a year of %d callbacks", e.Engine, n)
	start := time.Now()
	if err := db.Bench().SeedYear(ctx, org.ID, n, 2026, svc.Box.Seal("13912345678")); err != nil {
		return fig, err
	}
	audio := append([]byte("RIFF\x24\x00\x00\x00WAVE"), bytes.Repeat([]byte{1, 2, 3, 4}, 8192)...)
	err = db.Bench().SeedInspectionExtras(ctx, org.ID, 1000, func(id int64) (*huifang.Recording, error) {
		k := fmt.Sprintf("org-%d/callbacks/%d/bench.wav", org.ID, id)
		info, err := blobs.Put(ctx, k, bytes.NewReader(audio), int64(len(audio)), "audio/wav")
		if err != nil {
			return nil, err
		}
		fig.Recordings++
		return &huifang.Recording{Key: k, Format: "wav", ContentType: "audio/wav", Size: info.Size, SHA256: info.SHA256, UploadedAt: time.Now()}, nil
	})
	if err != nil {
		return fig, err
	}
	fig.SeedSeconds = time.Since(start).Seconds()
	e.logf("%s: seeded in %.0fs; writing the package", e.Engine, fig.SeedSeconds)

	out, err := os.Create(filepath.Join(e.Dir, "inspection.zip"))
	if err != nil {
		return fig, err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	cw := &countingWriter{w: out}

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, allocBefore := ms.HeapInuse, ms.TotalAlloc
	var peakHeap, peakSys, peakLive uint64
	gcBefore := ms.NumGC
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peakHeap, peakSys = max(peakHeap, m.HeapInuse), max(peakSys, m.Sys)
			metrics.Read(live)
			if live[0].Value.Kind() == metrics.KindUint64 {
				peakLive = max(peakLive, live[0].Value.Uint64())
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start = time.Now()
	m, err := svc.Inspect(ctx, app.CLI(), app.InspectionRequest{Org: org.Code, From: huifang.NewDate(2026, 1, 1), To: huifang.NewDate(2026, 12, 31)}, cw)
	fig.Seconds = time.Since(start).Seconds()
	close(stop)
	wg.Wait()
	if err != nil {
		return fig, err
	}
	runtime.ReadMemStats(&ms)
	const mib = 1 << 20
	fig.Bytes, fig.Files, fig.Counts = cw.n, m.Files+1, m.Counts
	fig.BaseHeapMiB = float64(base) / mib
	fig.PeakHeapMiB = float64(peakHeap-min(base, peakHeap)) / mib
	fig.PeakSysMiB = float64(peakSys) / mib
	fig.TotalAllocMiB = float64(ms.TotalAlloc-allocBefore) / mib
	fig.PeakLiveMiB, fig.GCs = float64(peakLive)/mib, ms.NumGC-gcBefore
	if m.Counts.Callbacks != n {
		return fig, fmt.Errorf("the package holds %d callbacks of %d", m.Counts.Callbacks, n)
	}
	return fig, nil
}

// countingWriter counts what passes through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
