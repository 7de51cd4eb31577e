package callback

import (
	"fmt"
	"slices"
	"sort"
	"strings"
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

// Outcome is what a callback's answers mean.
type Outcome struct {
	Result   huifang.CallbackResult
	Reason   string
	Problems []Problem
}

// WrongPerson reports whether the answers showed that someone other than the
// policyholder answered. Such an outcome must not finish the callback: the
// caller records the call as a huifang.AttemptWrongPerson attempt and passes
// it to AfterAttempt, which finishes the callback only once the attempt
// policy is exhausted.
func (o Outcome) WrongPerson() bool {
	return o.Result == huifang.ResultNotCompleted && o.Reason == ReasonNotPolicyholder
}

// Evaluate judges the answers to items.
//
// Identity comes first: if item 1 (the policyholder) is answered anything but
// yes, the result is not completed with reason ReasonNotPolicyholder and no
// problems, whatever else was answered, because the operator had to end the
// call without revealing the policy; see Outcome.WrongPerson. The other items
// may then be left unanswered.
//
// Otherwise every item must be answered: missing answers, unknown keys and
// answers other than yes, no or unclear are a huifang.EINVALID error. When
// every answer is the expected one the callback is successful; else it is
// completed with problems, one Problem per problem type, in the order of
// huifang.ProblemTypes, each listing its failed items in calling order.
func Evaluate(items []Item, answers map[string]huifang.Answer) (Outcome, error) {
	known := make(map[string]bool, len(items))
	for _, it := range items {
		known[it.Key] = true
	}
	var fields []huifang.FieldError
	var unknown, invalid []string
	for k := range answers {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		fields = append(fields, huifang.FieldError{Field: k, Reason: "未知的确认事项"})
	}
	for _, it := range items {
		if a, ok := answers[it.Key]; ok && !validAnswer(a) {
			invalid = append(invalid, it.Name)
			fields = append(fields, huifang.FieldError{Field: it.Key, Reason: "答案无效"})
		}
	}
	if len(fields) > 0 {
		var msg []string
		if len(unknown) > 0 {
			msg = append(msg, "未知的确认事项："+strings.Join(unknown, "、"))
		}
		if len(invalid) > 0 {
			msg = append(msg, "以下确认事项的答案无效（只能是“是”“否”或“不清楚”）："+strings.Join(invalid, "、"))
		}
		return Outcome{}, &huifang.Error{Code: huifang.EINVALID, Message: strings.Join(msg, "；"), Fields: fields}
	}

	for _, it := range items {
		if it.National == 1 {
			if a, ok := answers[it.Key]; ok && a != huifang.AnswerYes {
				// Unclear counts as no: without a confirmed identity the
				// operator may not go on.
				return Outcome{Result: huifang.ResultNotCompleted, Reason: ReasonNotPolicyholder}, nil
			}
		}
	}

	var missing []string
	for _, it := range items {
		if _, ok := answers[it.Key]; !ok {
			missing = append(missing, it.Name)
			fields = append(fields, huifang.FieldError{Field: it.Key, Reason: "未回答"})
		}
	}
	if len(missing) > 0 {
		return Outcome{}, &huifang.Error{Code: huifang.EINVALID, Message: "以下确认事项尚未回答：" + strings.Join(missing, "、"), Fields: fields}
	}

	failed := make(map[huifang.ProblemType][]string)
	var order []huifang.ProblemType
	for _, it := range items {
		a := answers[it.Key]
		if a == it.Expect {
			continue
		}
		if _, seen := failed[it.Problem]; !seen {
			order = append(order, it.Problem)
		}
		failed[it.Problem] = append(failed[it.Problem], fmt.Sprintf("%s（%s）", itemLabel(it), answerZH[a]))
	}
	if len(order) == 0 {
		return Outcome{Result: huifang.ResultSuccessful}, nil
	}
	// A stable order keeps problem cases and their audit lines reproducible;
	// types outside the known list (none today) go last.
	sort.SliceStable(order, func(i, j int) bool { return typeRank(order[i]) < typeRank(order[j]) })
	out := Outcome{Result: huifang.ResultProblems}
	for _, t := range order {
		out.Problems = append(out.Problems, Problem{Type: t, Detail: "未通过的确认事项：" + strings.Join(failed[t], "；")})
	}
	return out, nil
}

func validAnswer(a huifang.Answer) bool {
	return a == huifang.AnswerYes || a == huifang.AnswerNo || a == huifang.AnswerUnclear
}

var answerZH = map[huifang.Answer]string{huifang.AnswerYes: "是", huifang.AnswerNo: "否", huifang.AnswerUnclear: "不清楚"}

// itemLabel names an item in a detail: national items with their number,
// which is how handlers and the regulator refer to them.
func itemLabel(it Item) string {
	if it.National > 0 {
		return fmt.Sprintf("第%d项“%s”", it.National, it.Name)
	}
	return "“" + it.Name + "”"
}

func typeRank(t huifang.ProblemType) int {
	if i := slices.Index(huifang.ProblemTypes, t); i >= 0 {
		return i
	}
	return len(huifang.ProblemTypes)
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
