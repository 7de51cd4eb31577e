package mail

import (
	"context"
	"testing"
)

func TestDiscardAndRecorder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if err := (Discard{}).Send(ctx, Message{}); err != nil {
		t.Errorf("Discard: %v", err)
	}

	var r Recorder
	done := make(chan struct{})
	for i := range 10 {
		go func() {
			defer func() { done <- struct{}{} }()
			to := []string{"a@example.com"}
			if err := r.Send(ctx, Message{To: to, Subject: "s", Text: string(rune('0' + i))}); err != nil {
				t.Error(err)
			}
			to[0] = "changed@example.com" // the recorder keeps its own copy
		}()
	}
	for range 10 {
		<-done
	}
	msgs := r.Messages()
	if len(msgs) != 10 {
		t.Fatalf("%d messages", len(msgs))
	}
	for _, m := range msgs {
		if m.To[0] != "a@example.com" {
			t.Errorf("recorded recipients %q", m.To)
		}
	}
	msgs[0].To[0] = "x@example.com"
	if r.Messages()[0].To[0] != "a@example.com" {
		t.Error("Messages shares its slices")
	}

	if err := r.Send(ctx, Message{To: []string{"bad"}}); err == nil {
		t.Error("Recorder accepted a bad address")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := r.Send(cancelled, Message{To: []string{"a@example.com"}}); err == nil {
		t.Error("Recorder ignored a cancelled context")
	}
	if n := len(r.Messages()); n != 10 {
		t.Errorf("%d messages after refusals", n)
	}
}
