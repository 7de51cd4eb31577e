package httpx

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang"
)

// TestLimiter: slots run at once, the queue waits at most its time, a full
// queue is refused at once, a cancelled request leaves, and a release
// hands the slot on.
func TestLimiter(t *testing.T) {
	l := NewLimiter(Limits{Slots: 2, Queue: 1, Wait: 100 * time.Millisecond})
	ctx := context.Background()
	r1, err := l.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := l.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := l.Acquire(ctx); !errors.Is(err, ErrBusy) || time.Since(start) < 100*time.Millisecond {
		t.Fatalf("wait ran out: %v after %v", err, time.Since(start))
	}
	// One waits; a second waiter finds the queue full at once.
	got := make(chan error, 1)
	go func() {
		r, err := l.Acquire(ctx)
		if err == nil {
			r()
		}
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	start = time.Now()
	if _, err := l.Acquire(ctx); !errors.Is(err, ErrBusy) || time.Since(start) > 50*time.Millisecond {
		t.Fatalf("full queue: %v after %v", err, time.Since(start))
	}
	r1()
	if err := <-got; err != nil {
		t.Fatalf("a waiter after a release: %v", err)
	}
	r3, err := l.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	if _, err := l.Acquire(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	r2()
	r3()
	if l.Running() != 0 || len(l.queue) != 0 {
		t.Fatalf("left %d running, %d queued", l.Running(), len(l.queue))
	}
	if Status(ErrBusy) != 503 || huifang.RetryAfter(ErrBusy) == 0 {
		t.Fatal("ErrBusy is not a 503 with Retry-After")
	}
}
