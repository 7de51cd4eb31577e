package callback

import (
	"fmt"
	"slices"
	"time"

	"github.com/huifang/huifang"
)

// Reasons a callback was not completed, stored in huifang.Callback.Reason.
const (
	ReasonNotPolicyholder = "not-policyholder" // someone else answered
	ReasonCannotContact   = "cannot-contact"   // the attempt policy is exhausted
	ReasonInvalidNumber   = "invalid-number"   // the number is void or wrong
	ReasonRefused         = "refused"          // the customer refused the callback
)

// Problem is one problem case a callback reveals.
type Problem struct {
	Type   huifang.ProblemType
	Detail string // Chinese: which items failed, or what happened
}

// Decision is what a phone attempt means for its callback.
type Decision struct {
	Finish   bool // the callback is done, with Result, Reason and Problems
	Result   huifang.CallbackResult
	Reason   string
	Problems []Problem
}

// AfterAttempt decides what an attempt at time at means. failedSoFar are the
// times of the earlier failed attempts (no answer, busy, switched off, wrong
// person), not counting this one.
//
//   - A failed attempt finishes the callback as not completed, reason
//     ReasonCannotContact with a ProblemCannotContact, once the attempt policy
//     is exhausted counting this attempt; before that it does not finish, and
//     the caller offers the callback again at AttemptPolicy.NextTry.
//   - An invalid number finishes it at once (ReasonInvalidNumber,
//     ProblemFalsePhone): calling again cannot help, the number must be
//     corrected, and it is often the mark of a false number.
//   - A refusal finishes it at once (ReasonRefused, ProblemCannotContact).
//   - Answered and reschedule do not finish it: the caller evaluates the
//     answers, or schedules the requested time. So does an unknown outcome,
//     so that nothing is closed by mistake.
func AfterAttempt(outcome huifang.AttemptOutcome, failedSoFar []time.Time, at time.Time, p AttemptPolicy) Decision {
	switch outcome {
	case huifang.AttemptNoAnswer, huifang.AttemptBusy, huifang.AttemptSwitchedOff, huifang.AttemptWrongPerson:
		all := append(slices.Clip(failedSoFar), at)
		if !p.Exhausted(all) {
			return Decision{}
		}
		days, slots := spread(all)
		return notCompleted(ReasonCannotContact, huifang.ProblemCannotContact,
			fmt.Sprintf("已拨打%d次，分布在%d天的%d个时段，均未能联系到投保人本人", len(all), days, slots))
	case huifang.AttemptInvalid:
		return notCompleted(ReasonInvalidNumber, huifang.ProblemFalsePhone, "投保人电话为空号或号码错误")
	case huifang.AttemptRefused:
		return notCompleted(ReasonRefused, huifang.ProblemCannotContact, "客户拒绝接受回访")
	}
	return Decision{}
}

func notCompleted(reason string, t huifang.ProblemType, detail string) Decision {
	return Decision{
		Finish: true, Result: huifang.ResultNotCompleted, Reason: reason,
		Problems: []Problem{{Type: t, Detail: detail}},
	}
}
