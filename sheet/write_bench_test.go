package sheet

import (
	"fmt"
	"testing"
	"time"

	"github.com/huifang/huifang"
)

// firstByteWriter discards what it is given and notes when the first byte came.
type firstByteWriter struct {
	start time.Time
	first time.Duration
	n     int64
}

func (f *firstByteWriter) Write(b []byte) (int, error) {
	if f.n == 0 && len(b) > 0 {
		f.first = time.Since(f.start)
	}
	f.n += int64(len(b))
	return len(b), nil
}

// BenchmarkXLSXWriter writes a 100,000-row export of 20 mixed cells a row
// and reports the time to the first byte beside the total:
//
//	go test ./sheet -run '^$' -bench XLSXWriter -benchtime 3x
func BenchmarkXLSXWriter(b *testing.B) {
	const rows = 100_000
	header := make([]string, 20)
	for i := range header {
		header[i] = fmt.Sprintf("列%d", i+1)
	}
	day := huifang.NewDate(2026, 3, 2)
	at := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	row := make([]any, 20)
	var first, total time.Duration
	var size int64
	for b.Loop() {
		w := &firstByteWriter{start: time.Now()}
		x, err := NewXLSXWriter(w, "回访", header)
		if err != nil {
			b.Fatal(err)
		}
		for i := range rows {
			row = append(row[:0], fmt.Sprintf("P%012d", i), "新契约", "个险", "86010101", "L20", "张*",
				day, day.AddDays(15), "已完成", "成功", "", i%7, "否", at, "", 1234.56, int64(i)*31,
				"110101199003071234", true, nil)
			if err := x.Write(row); err != nil {
				b.Fatal(err)
			}
		}
		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
		first += w.first
		total += time.Since(w.start)
		size = w.n
	}
	b.ReportMetric(first.Seconds()*1000/float64(b.N), "first-byte-ms")
	b.ReportMetric(total.Seconds()*1000/float64(b.N), "total-ms")
	b.ReportMetric(float64(size)/1e6, "MB")
}
