package httpx

import (
	"net/url"
	"testing"

	"github.com/huifang/huifang"
)

func TestCallbackFilter(t *testing.T) {
	f, err := CallbackFilter(url.Values{"overdue": {"1"}, "status": {"open"}, "channel": {"bancassurance"}, "due_from": {"2026-03-01"}, "limit": {"20"}})
	if err != nil || !f.Overdue || f.Status != huifang.StatusOpen || f.Channel != huifang.ChannelBank || f.DueFrom != huifang.NewDate(2026, 3, 1) || f.Limit != 20 {
		t.Fatalf("parse: %v %+v", err, f)
	}
	if f, err := CallbackFilter(url.Values{"kind": {"orphan"}, "outcome": {"successful"}}); err != nil || f.Kind != huifang.KindOrphan || f.Outcome != huifang.OutcomeSuccessful {
		t.Fatalf("kind: %v %+v", err, f)
	}
	if f, err := CallbackFilter(url.Values{"risk": {"1"}}); err != nil || !f.Risk {
		t.Fatalf("risk=1: %v %+v", err, f)
	}
	for _, q := range []url.Values{
		{"overdue": {"maybe"}},
		{"status": {"nonsense"}},
		{"channel": {"mail"}},
		{"due_to": {"2026/03/01"}},
		{"outcome": {"everything"}},
		{"kind": {"orphaned"}},
		{"risk": {"some"}},
	} {
		_, err := CallbackFilter(q)
		if huifang.ErrorCode(err) != huifang.EINVALID {
			t.Errorf("%v: %v, want invalid", q, err)
		}
	}
}
