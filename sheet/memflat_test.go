package sheet

import (
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/huifang/huifang"
)

// peakWriter counts bytes and samples the heap now and then, keeping the
// largest seen: what a large export holds while it goes out.
type peakWriter struct {
	n, calls int64
	first    time.Duration
	start    time.Time
	peak     uint64
}

// sample collects first, so that the peak is what is live, not garbage.
func (p *peakWriter) sample() {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.peak = max(p.peak, m.HeapAlloc)
}

func (p *peakWriter) Write(b []byte) (int, error) {
	if p.n == 0 && len(b) > 0 {
		p.first = time.Since(p.start)
	}
	p.n += int64(len(b))
	if p.calls++; p.calls%512 == 0 || len(b) > 1<<20 {
		p.sample()
	}
	return len(b), nil
}

// exportLike writes rows rows shaped like the callback export's through an
// XLSXWriter and returns the heap's peak above the start, and the bytes out.
func exportLike(t *testing.T, rows int) (uint64, *peakWriter) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc
	p := &peakWriter{start: time.Now()}
	x, err := NewXLSXWriter(p, "回访", []string{"保单号", "类型", "渠道", "机构", "险种", "投保人", "回执日", "应访日", "状态", "结果", "原因", "次数", "超期", "完成时间", "风险"})
	if err != nil {
		t.Fatal(err)
	}
	day := huifang.NewDate(2026, 3, 2)
	at := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	for i := range rows {
		if err := x.Write([]any{fmt.Sprintf("P%012d", i), "新契约", "个险", "86010101", "L20", "张*", day, day.AddDays(15), "已完成", "成功", "", 2, "否", at, ""}); err != nil {
			t.Fatal(err)
		}
		if i%5000 == 0 {
			p.sample()
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	p.sample()
	return p.peak - min(p.peak, base), p
}

// TestXLSXWriterMemoryFlat: the workbook goes to the writer row by row as
// it is zipped, never whole in memory, and no table of strings builds up:
// the heap's peak for 200,000 rows is not much above that for 20,000 (both
// under a megabyte above the start since the sheet is written by hand;
// excelize's stream writer peaked at some 21 MB, and before its zip went
// straight to the writer the 200,000 rows' live peak was 17 MB higher: the
// zipped file).
func TestXLSXWriterMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 220,000 rows")
	}
	small, ps := exportLike(t, 20_000)
	large, pl := exportLike(t, 200_000)
	t.Logf("20k rows: peak +%.1f MB, %.1f MB out; 200k rows: peak +%.1f MB, %.1f MB out, the first byte after %v", float64(small)/1e6, float64(ps.n)/1e6, float64(large)/1e6, float64(pl.n)/1e6, pl.first)
	if large > small+4<<20 {
		t.Fatalf("heap peak grew from %d MB (20k rows) to %d MB (200k rows)", small>>20, large>>20)
	}
}

var _ io.Writer = (*peakWriter)(nil)
