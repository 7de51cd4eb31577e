package httpx

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
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

// placesOf is what the limiter holds: places by user, queue places and
// running slots.
func placesOf(l *Limiter) (held map[int64]int, queued, running int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	held = map[int64]int{}
	for u, n := range l.held {
		held[u] = n
	}
	return held, len(l.queue), len(l.slots)
}

// assertEmpty fails unless the limiter holds nothing: no slot, no queue
// place, no user in its map.
func assertEmpty(t *testing.T, l *Limiter) {
	t.Helper()
	if held, queued, running := placesOf(l); len(held) != 0 || queued != 0 || running != 0 {
		t.Fatalf("left held %v, %d queued, %d running", held, queued, running)
	}
}

// untilQueued waits, without sleeping, until n queue places are taken.
func untilQueued(l *Limiter, n int) {
	for len(l.queue) < n {
		runtime.Gosched()
	}
}

// TestLimiterPerUser: a user holding PerUser places is refused at once,
// with a slot free and without taking a queue place, while another user
// still gets a slot; a waiting request counts as a place; a release gives
// the place back.
func TestLimiterPerUser(t *testing.T) {
	ctx := context.Background()
	l := NewLimiter(Limits{Slots: 3, Queue: 1, Wait: time.Hour, PerUser: 2})
	a1, err := l.AcquireFor(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := l.AcquireFor(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	// A wait of an hour: a refusal that waited would hang the test.
	if _, err := l.AcquireFor(ctx, 1); !errors.Is(err, ErrBusy) {
		t.Fatalf("user 1's third place: %v", err)
	}
	if held, queued, running := placesOf(l); held[1] != 2 || queued != 2 || running != 2 {
		t.Fatalf("after the refusal: held %v, %d queued, %d running", held, queued, running)
	}
	b1, err := l.AcquireFor(ctx, 2)
	if err != nil {
		t.Fatalf("user 2 beside a user at the cap: %v", err)
	}
	a2()
	a3, err := l.AcquireFor(ctx, 1)
	if err != nil {
		t.Fatalf("user 1 after a release: %v", err)
	}
	a1()
	a3()
	b1()
	assertEmpty(t, l)

	// One running and one waiting are two places.
	l = NewLimiter(Limits{Slots: 1, Queue: 4, Wait: time.Hour, PerUser: 2})
	run, err := l.AcquireFor(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		r, err := l.AcquireFor(ctx, 1)
		if err == nil {
			r()
		}
		got <- err
	}()
	untilQueued(l, 2)
	if _, err := l.AcquireFor(ctx, 1); !errors.Is(err, ErrBusy) {
		t.Fatalf("a third place beside one running and one waiting: %v", err)
	}
	run()
	if err := <-got; err != nil {
		t.Fatalf("the waiter after the release: %v", err)
	}
	assertEmpty(t, l)

	var none *Limiter
	r, err := none.AcquireFor(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	r()
}

// TestLimiterPerUserGivesBack: a place is given back on every path that
// took one: a full queue, a wait run out, a context cancelled before or
// during the wait.
func TestLimiterPerUserGivesBack(t *testing.T) {
	ctx := context.Background()
	l := NewLimiter(Limits{Slots: 1, Queue: 1, Wait: time.Millisecond, PerUser: 2})
	hold, err := l.AcquireFor(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	// The wait runs out.
	if _, err := l.AcquireFor(ctx, 2); !errors.Is(err, ErrBusy) {
		t.Fatalf("wait run out: %v", err)
	}
	if held, _, _ := placesOf(l); len(held) != 1 || held[1] != 1 {
		t.Fatalf("after a timeout: held %v", held)
	}
	// The context is gone before the wait.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.AcquireFor(cctx, 2); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before: %v", err)
	}
	hold()
	assertEmpty(t, l)

	// The context goes during the wait; meanwhile the queue is full.
	l = NewLimiter(Limits{Slots: 1, Queue: 1, Wait: time.Hour, PerUser: 2})
	hold, err = l.AcquireFor(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel = context.WithCancel(ctx)
	got := make(chan error, 1)
	go func() {
		_, err := l.AcquireFor(cctx, 2)
		got <- err
	}()
	untilQueued(l, 2)
	if _, err := l.AcquireFor(ctx, 3); !errors.Is(err, ErrBusy) {
		t.Fatalf("full queue: %v", err)
	}
	if held, _, _ := placesOf(l); held[3] != 0 || len(held) != 2 {
		t.Fatalf("after a full queue: held %v", held)
	}
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled during the wait: %v", err)
	}
	hold()
	assertEmpty(t, l)
}

// TestLimiterPerUserRace: many users' goroutines acquire, hold and release,
// some cancelled, some timing out; no user ever holds more than PerUser
// places, no more than Slots run, and nothing is left once all are done.
// Run it with -race.
func TestLimiterPerUserRace(t *testing.T) {
	const users, each, rounds, slots, perUser = 12, 5, 40, 3, 2
	l := NewLimiter(Limits{Slots: slots, Queue: 8, Wait: time.Millisecond, PerUser: perUser})
	var inside [users]atomic.Int32
	var running atomic.Int32
	var served, busy, cancelled atomic.Int64
	var wg sync.WaitGroup
	for u := range users {
		for g := range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range rounds {
					ctx, cancel := context.WithCancel(context.Background())
					if (g+i)%7 == 0 {
						cancel()
					}
					release, err := l.AcquireFor(ctx, int64(u))
					switch {
					case errors.Is(err, ErrBusy):
						busy.Add(1)
					case errors.Is(err, context.Canceled):
						cancelled.Add(1)
					case err != nil:
						t.Errorf("user %d: %v", u, err)
					default:
						served.Add(1)
						if n := inside[u].Add(1); n > perUser {
							t.Errorf("user %d holds %d places", u, n)
						}
						if n := running.Add(1); n > slots {
							t.Errorf("%d running", n)
						}
						runtime.Gosched()
						running.Add(-1)
						inside[u].Add(-1)
						release()
					}
					cancel()
				}
			}()
		}
	}
	wg.Wait()
	if served.Load() == 0 {
		t.Fatal("no request served")
	}
	t.Logf("served %d, busy %d, cancelled %d", served.Load(), busy.Load(), cancelled.Load())
	assertEmpty(t, l)
}
