package script

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

// Outcome is what a call's answers mean.
type Outcome string

// Outcomes.
const (
	OutcomeSuccessful      Outcome = "successful"       // every question passed; completed, no problem
	OutcomeProblems        Outcome = "problems"         // completed; Result.Problems lists the problem cases
	OutcomeNotPolicyholder Outcome = "not-policyholder" // someone else answered; not completed, nothing revealed
	OutcomeReschedule      Outcome = "reschedule"       // the customer asked for another time; not completed
)

// Completed reports whether the call counts as a completed callback.
func (o Outcome) Completed() bool { return o == OutcomeSuccessful || o == OutcomeProblems }

// Problem is one problem case the answers raise.
type Problem struct {
	Type   huifang.ProblemType
	Detail string // Chinese: the steps that raised it, with their answers
}

// Result is the outcome of a call and the path it took.
type Result struct {
	Outcome  Outcome
	Problems []Problem // one per type, in the order of huifang.ProblemTypes
	Asked    []string  // the ids of the steps on the path, statements included, in order
}

// Evaluate walks the script from its first step with a call's answers (step
// id → answer) and says what they mean.
//
// Statements are passed through. At each question the answer is checked
// against its type (see AnswerType) and the first rule of the step whose
// When matches it applies: its Problem is noted, its End ends the call, its
// Goto skips ahead; with no matching rule, or none of those, the call goes on
// to the next step. The walk ends after the last step or at an End.
//
// A call ended as not-policyholder or reschedule has no problems, whatever
// was answered before: it is not a completed callback, and the questions are
// asked again next time. Otherwise the outcome is problems when any rule
// raised one, with one Problem per type whose Detail lists its steps and
// answers in calling order, and successful when none did.
//
// Answers to steps not on the path, or left out for the method (For), are
// ignored. An answer to an id that is
// not a step of the script, an invalid answer on the path, or a question on
// the path left unanswered (or blank) is a huifang.Error with code EINVALID
// listing them; the walk reports every such question it can reach without
// guessing a branch. An invalid script is refused with Validate's error.
func (s *Script) Evaluate(answers map[string]string) (Result, error) {
	if err := s.Validate(); err != nil {
		return Result{}, err // a broken script could loop or mislead
	}
	var c checker
	for _, id := range sortedKeys(answers) {
		if s.Step(id) == nil && !slices.Contains(s.skipped, id) {
			c.add(id, "err.script.not_a_step", id)
		}
	}
	if err := c.error(huifang.M("err.script.answers_wrong")); err != nil {
		return Result{}, err
	}
	index := map[string]int{}
	for i, st := range s.Steps {
		index[st.ID] = i
	}
	var res Result
	failed := map[huifang.ProblemType][]string{}
	blocked := false           // an earlier question has no usable answer: only branch-free steps are still certain
	number := map[string]int{} // questions are numbered as operators see them
	for _, st := range s.Steps {
		if st.Question() {
			number[st.ID] = len(number) + 1
		}
	}
	for i := 0; i < len(s.Steps); {
		st := &s.Steps[i]
		res.Asked = append(res.Asked, st.ID)
		if !st.Question() {
			i++
			continue
		}
		a, ok := answers[st.ID]
		name := huifang.M("err.script.question", number[st.ID], st.Title)
		switch {
		case !ok || strings.TrimSpace(a) == "":
			c.add(st.ID, "err.script.unanswered", name)
			blocked = true
		case !validAnswer(st, a):
			c.add(st.ID, "err.script.bad_answer_value", name, a, expected(st))
			blocked = true
		}
		if blocked {
			if branches(st) {
				break // the path beyond depends on this answer
			}
			i++
			continue
		}
		r := match(st, a)
		if r == nil {
			i++
			continue
		}
		if r.Problem != "" {
			failed[r.Problem] = append(failed[r.Problem], fmt.Sprintf("%s（回答：%s）", name, answerZH(a)))
		}
		if r.End != "" {
			res.Outcome = Outcome(r.End)
			break
		}
		if r.Goto != "" {
			i = index[r.Goto]
			continue
		}
		i++
	}
	if err := c.error(huifang.M("err.script.answers_incomplete")); err != nil {
		return Result{}, err
	}
	if res.Outcome != "" {
		return res, nil // not completed: nothing is raised
	}
	for _, t := range huifang.ProblemTypes {
		if steps := failed[t]; len(steps) > 0 {
			res.Problems = append(res.Problems, Problem{Type: t, Detail: "未通过的确认：" + strings.Join(steps, "；")})
		}
	}
	res.Outcome = OutcomeSuccessful
	if len(res.Problems) > 0 {
		res.Outcome = OutcomeProblems
	}
	return res, nil
}

// match returns the first rule of st matching the answer, or nil.
func match(st *Step, a string) *Rule {
	for i := range st.Rules {
		r := &st.Rules[i]
		for _, w := range r.When {
			if w == a || w == Other {
				return r
			}
		}
	}
	return nil
}

// branches reports whether the step's answer can change the path.
func branches(st *Step) bool {
	for _, r := range st.Rules {
		if r.Goto != "" || r.End != "" {
			return true
		}
	}
	return false
}

func validAnswer(st *Step, a string) bool {
	switch st.Answer {
	case AnswerYesNo:
		return a == Yes || a == No || a == Unclear
	case AnswerChoice:
		return slices.Contains(st.Choices, a)
	case AnswerDate:
		_, err := time.Parse("2006-01-02", a)
		return err == nil && len(a) == 10
	case AnswerNumber:
		return isNumber(a)
	case AnswerText:
		return strings.TrimSpace(a) != ""
	}
	return false
}

// isNumber accepts an optional minus sign, digits, and optionally a decimal
// point followed by digits: what an operator types, no exponents.
func isNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	digits := func(x string) bool {
		if x == "" {
			return false
		}
		for _, r := range x {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	return digits(whole) && (!dot || digits(frac))
}

func expected(st *Step) huifang.Msg {
	switch st.Answer {
	case AnswerYesNo:
		return huifang.M("err.script.expected.yesno")
	case AnswerChoice:
		return huifang.M("err.script.expected.choice", strings.Join(st.Choices, "、"))
	case AnswerDate:
		return huifang.M("err.script.expected.date")
	case AnswerNumber:
		return huifang.M("err.script.expected.number")
	}
	return huifang.M("err.script.expected.text")
}

func answerZH(a string) string {
	switch a {
	case Yes:
		return "是"
	case No:
		return "否"
	case Unclear:
		return "不清楚"
	}
	return a
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
