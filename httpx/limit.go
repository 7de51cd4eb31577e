package httpx

import (
	"context"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/huifang/huifang"
)

// Weight is how much a route costs the server: Light routes (an operator's
// next and finish, the workbench, the customers' pages, login) run at once;
// Heavy ones (dashboards, drill-downs, filtered lists, exports, downloads)
// take one of a Limiter's slots first, so that they never crowd the light
// ones out.
type Weight int

// The two weights.
const (
	Light Weight = iota + 1
	Heavy
)

// BusyRetryAfter is what a 503 from a full Limiter asks the client to wait.
const BusyRetryAfter = 5 * time.Second

// ErrBusy is a heavy request refused because every slot stayed taken (its
// queue was full or its wait ran out) or because its user already holds
// every place a user may. It maps to 503 with Retry-After: 5.
var ErrBusy = &huifang.Error{Code: huifang.EUNAVAILABLE, Key: "err.busy.retry", RetryAfter: BusyRetryAfter}

// Limits are a Limiter's sizes.
type Limits struct {
	Slots   int           // heavy requests running at once
	Queue   int           // heavy requests waiting for a slot; more are refused at once
	Wait    time.Duration // the longest a request waits for a slot
	PerUser int           // places (running or waiting) one user may hold at once; more are refused at once
}

// DefaultPerUser is how many places one user may hold: a manager opening a
// dashboard beside a list is served, a script firing heavy requests without
// pause cannot fill the queue that every other manager waits in.
const DefaultPerUser = 2

// DefaultLimits: half the CPUs Go uses (at least 1, at most 16) slots; a
// queue of 64; a wait of 10 s; two places per user.
func DefaultLimits() Limits {
	return Limits{Slots: DefaultHeavySlots(), Queue: 64, Wait: 10 * time.Second, PerUser: DefaultPerUser}
}

// DefaultHeavySlots is half of GOMAXPROCS, at least 1, at most 16: heavy
// reads may take half the CPUs, the operators always have the other half
// (on 2 cores and SQLite, 100 operators' p99 under a flood of dashboards
// was 2.0 s with 2 slots, 0.83 s with 1).
func DefaultHeavySlots() int {
	return min(max(1, runtime.GOMAXPROCS(0)/2), 16)
}

// Limiter bounds how many heavy requests run at once, with a bounded queue
// and a bounded wait, and how many places (running or waiting) each user
// holds, so that one user's flood is refused at once instead of queueing
// every other user out. The zero of a *Limiter (nil) limits nothing.
type Limiter struct {
	slots   chan struct{} // a token per running request
	queue   chan struct{} // a token per running or waiting request
	wait    time.Duration
	perUser int

	mu   sync.Mutex
	held map[int64]int // places held by user; a user holding none has no entry
}

// NewLimiter returns a limiter of l's sizes; a size of 0 or less takes the default.
func NewLimiter(l Limits) *Limiter {
	d := DefaultLimits()
	if l.Slots <= 0 {
		l.Slots = d.Slots
	}
	if l.Queue < 0 {
		l.Queue = 0
	}
	if l.Wait <= 0 {
		l.Wait = d.Wait
	}
	if l.PerUser <= 0 {
		l.PerUser = d.PerUser
	}
	return &Limiter{
		slots:   make(chan struct{}, l.Slots),
		queue:   make(chan struct{}, l.Slots+l.Queue),
		wait:    l.Wait,
		perUser: l.PerUser,
		held:    map[int64]int{},
	}
}

// Acquire takes a slot for no user in particular: it counts against the
// slots and the queue but no user's places (the limiter's own tests, a
// handler wrapped by Limit). Requests of a signed-in user take AcquireFor.
func (l *Limiter) Acquire(ctx context.Context) (release func(), err error) {
	if l == nil {
		return func() {}, nil
	}
	return l.acquire(ctx)
}

// AcquireFor takes a slot for the user user, waiting at most the limiter's
// wait. A user already holding PerUser places (running or waiting) is
// refused at once with ErrBusy, without taking a queue place. User 0 is
// anyone not signed in: such requests share one user's places, so that
// together they can crowd no one out (web and api authenticate before a
// heavy route, so none reach it today). The errors and the release are
// Acquire's.
func (l *Limiter) AcquireFor(ctx context.Context, user int64) (release func(), err error) {
	if l == nil {
		return func() {}, nil
	}
	l.mu.Lock()
	if l.held[user] >= l.perUser {
		l.mu.Unlock()
		return nil, ErrBusy
	}
	l.held[user]++
	l.mu.Unlock()
	free, err := l.acquire(ctx)
	if err != nil {
		l.leave(user)
		return nil, err
	}
	return func() { free(); l.leave(user) }, nil
}

// leave gives back one of user's places, forgetting a user who holds none
// so that the map holds only the users with a heavy request in flight.
func (l *Limiter) leave(user int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[user]--; l.held[user] <= 0 {
		delete(l.held, user)
	}
}

// acquire takes a queue place and then a slot. It returns ErrBusy when the
// queue is full or the wait runs out, and the context's error when the
// request goes away first; else a release to call once done.
func (l *Limiter) acquire(ctx context.Context) (release func(), err error) {
	select {
	case l.queue <- struct{}{}:
	default:
		return nil, ErrBusy
	}
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots; <-l.queue }, nil
	default:
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots; <-l.queue }, nil
	case <-t.C:
		<-l.queue
		return nil, ErrBusy
	case <-ctx.Done():
		<-l.queue
		return nil, ctx.Err()
	}
}

// Running is how many heavy requests hold a slot now.
func (l *Limiter) Running() int {
	if l == nil {
		return 0
	}
	return len(l.slots)
}

// Limit runs h under a slot when w is Heavy; busy answers a refusal (the
// request's own error, ErrBusy or the context's). Light handlers run at once.
func (l *Limiter) Limit(w Weight, h http.Handler, busy func(http.ResponseWriter, *http.Request, error)) http.Handler {
	if l == nil || w != Heavy {
		return h
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		release, err := l.Acquire(r.Context())
		if err != nil {
			busy(rw, r, err)
			return
		}
		defer release()
		h.ServeHTTP(rw, r)
	})
}
