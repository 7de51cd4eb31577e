package callback

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
)

func TestAfterAttempt(t *testing.T) {
	twoDays := []time.Time{at(t, "2026-03-03 10:00:00"), at(t, "2026-03-04 14:00:00")}
	sameSlot := []time.Time{at(t, "2026-03-03 10:00:00"), at(t, "2026-03-04 10:00:00")}
	third := at(t, "2026-03-05 10:00:00")
	cannot := []huifang.ProblemType{huifang.ProblemCannotContact}
	tests := []struct {
		name     string
		outcome  huifang.AttemptOutcome
		failed   []time.Time
		finish   bool
		reason   string
		problems []huifang.ProblemType
		detail   string
	}{
		{"first no answer", huifang.AttemptNoAnswer, nil, false, "", nil, ""},
		{"no answer exhausts", huifang.AttemptNoAnswer, twoDays, true, ReasonCannotContact, cannot, "已拨打3次，分布在3天的2个时段"},
		{"busy exhausts", huifang.AttemptBusy, twoDays, true, ReasonCannotContact, cannot, ""},
		{"switched off exhausts", huifang.AttemptSwitchedOff, twoDays, true, ReasonCannotContact, cannot, ""},
		{"wrong person exhausts", huifang.AttemptWrongPerson, twoDays, true, ReasonCannotContact, cannot, ""},
		{"one slot only", huifang.AttemptNoAnswer, sameSlot, false, "", nil, ""},
		{"wrong person, not yet", huifang.AttemptWrongPerson, twoDays[:1], false, "", nil, ""},
		{"invalid number", huifang.AttemptInvalid, nil, true, ReasonInvalidNumber, []huifang.ProblemType{huifang.ProblemFalsePhone}, "空号"},
		{"refused", huifang.AttemptRefused, nil, true, ReasonRefused, cannot, "拒绝"},
		{"reschedule", huifang.AttemptReschedule, twoDays, false, "", nil, ""},
		{"answered", huifang.AttemptAnswered, twoDays, false, "", nil, ""},
		{"unknown outcome", huifang.AttemptOutcome("fax"), twoDays, false, "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AfterAttempt(tt.outcome, tt.failed, third, DefaultAttempts)
			if got.Finish != tt.finish || got.Reason != tt.reason {
				t.Errorf("finish %v reason %q, want %v %q", got.Finish, got.Reason, tt.finish, tt.reason)
			}
			wantResult := huifang.ResultNone
			if tt.finish {
				wantResult = huifang.ResultNotCompleted
			}
			if got.Result != wantResult {
				t.Errorf("result %q, want %q", got.Result, wantResult)
			}
			var types []huifang.ProblemType
			for _, p := range got.Problems {
				types = append(types, p.Type)
			}
			if !reflect.DeepEqual(types, tt.problems) {
				t.Errorf("problems %v, want %v", types, tt.problems)
			}
			if tt.detail != "" && !strings.Contains(got.Problems[0].Detail, tt.detail) {
				t.Errorf("detail %q lacks %q", got.Problems[0].Detail, tt.detail)
			}
		})
	}
}

func TestAfterAttemptLeavesCallerSliceAlone(t *testing.T) {
	backing := make([]time.Time, 2, 3)
	backing[0], backing[1] = at(t, "2026-03-03 10:00:00"), at(t, "2026-03-04 14:00:00")
	spare := backing[:3]
	spare[2] = at(t, "2000-01-01 00:00:00")
	AfterAttempt(huifang.AttemptNoAnswer, backing, at(t, "2026-03-05 10:00:00"), DefaultAttempts)
	if !spare[2].Equal(at(t, "2000-01-01 00:00:00")) {
		t.Error("AfterAttempt wrote into the caller's backing array")
	}
}
