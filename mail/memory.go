package mail

import (
	"context"
	"slices"
	"sync"
)

var (
	_ Sender = Discard{}
	_ Sender = (*Recorder)(nil)
)

// Discard is the Sender used when mail is switched off: it sends nothing.
type Discard struct{}

// Send does nothing.
func (Discard) Send(context.Context, Message) error { return nil }

// Recorder is a Sender for tests that keeps valid messages in memory.
// The zero value is ready to use and safe for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	msgs []Message
}

// Send records m after the checks a real sender makes.
func (r *Recorder) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	m.To = slices.Clone(m.To)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	return nil
}

// Messages returns a copy of the messages sent so far, oldest first.
func (r *Recorder) Messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Message, len(r.msgs))
	for i, m := range r.msgs {
		m.To = slices.Clone(m.To)
		out[i] = m
	}
	return out
}
