// Package script holds callback scripts (回访话术) as versioned data: the
// statements and questions an operator reads, the policy figures filled into
// them, the branches a call may take, and the rules that turn answers into
// problem cases (DOMAIN.md §4–5).
//
// A script is checked in three layers:
//
//   - Validate: its structure (ids, branches, answer types, variables);
//   - Missing: the mandatory items (Item) its product line must confirm and
//     that no step covers;
//   - CanActivate: both, as one error an administrator can act on.
//
// Evaluate walks a script with a call's answers and says what they mean.
// Parse and Format read and write the file format (docs/scripts.md), and
// Library returns the shipped standard scripts.
package script

import (
	"slices"

	"github.com/huifang/huifang"
)

// Purpose says which kind of callback a script is for.
type Purpose string

// Purposes.
const (
	PurposeNewBusiness Purpose = "new-business" // 新单回访
	PurposeOrphan      Purpose = "orphan"       // 孤儿保单回访 (DOMAIN.md §6)
	PurposeRecallback  Purpose = "re-callback"  // 问题件整改后的回访确认
)

// Purposes lists the purposes.
var Purposes = []Purpose{PurposeNewBusiness, PurposeOrphan, PurposeRecallback}

// Kind tells a statement the operator reads from a question the customer answers.
type Kind string

// Step kinds.
const (
	KindStatement Kind = "statement" // read out, no answer
	KindQuestion  Kind = "question"  // the customer answers
)

// AnswerType is what a question accepts.
type AnswerType string

// Answer types and the answers they accept (see Evaluate).
const (
	AnswerYesNo  AnswerType = "yes-no-unclear" // "yes", "no" or "unclear"
	AnswerChoice AnswerType = "choice"         // one of the step's Choices, exactly
	AnswerDate   AnswerType = "date"           // YYYY-MM-DD
	AnswerNumber AnswerType = "number"         // decimal: -12, 3.50
	AnswerText   AnswerType = "text"           // any non-blank text
)

// AnswerTypes lists the answer types.
var AnswerTypes = []AnswerType{AnswerYesNo, AnswerChoice, AnswerDate, AnswerNumber, AnswerText}

// The answers of a yes-no-unclear question.
const (
	Yes     = "yes"
	No      = "no"
	Unclear = "unclear"
)

// Other in a rule's When matches any answer no earlier rule of the step matched.
const Other = "other"

// End is how a rule ends the call.
type End string

// Ends.
const (
	// EndNotPolicyholder: someone else answered. The operator ends the call
	// without revealing that a policy exists; the callback is not completed.
	EndNotPolicyholder End = "not-policyholder"
	// EndReschedule: the customer is busy; the operator agrees another time.
	EndReschedule End = "reschedule"
)

// Script is one version of a callback script.
type Script struct {
	Code    string  `json:"code"`    // stable identifier, lower case: "life-traditional-agency"
	Name    string  `json:"name"`    // Chinese title shown to administrators
	Version int     `json:"version"` // 1, 2, ...: a changed script is a new version
	Purpose Purpose `json:"purpose"`
	// Design is the product design type the script is for; "" for any, in
	// which case the script must cover what every design requires.
	Design huifang.DesignType `json:"design,omitempty"`
	// Channels are the sales channels the script is for; empty for any, in
	// which case it must cover what every channel requires.
	Channels []huifang.Channel `json:"channels,omitempty"`
	// VideoRecorded: for sales recorded on audio and video (双录).
	VideoRecorded bool   `json:"video_recorded,omitempty"`
	Steps         []Step `json:"steps"`
	// skipped are the ids of the steps For left out: answers to them are
	// ignored, as answers to steps off the path are.
	skipped []string
}

// Step is a statement or a question, in calling order.
type Step struct {
	ID    string `json:"id"` // unique in the script, lower case: "cooling-off"
	Kind  Kind   `json:"kind"`
	Title string `json:"title"` // short Chinese name, for problem details and errors
	Text  string `json:"text"`  // what the operator reads on the phone, with {{variables}} (see Vars)
	// Texts is the step's wording for the methods other than the phone, by
	// method: the electronic page and the letter form ask the customer to
	// confirm ("请确认…") what the operator asks on the phone ("请问…").
	// A method without its own wording uses TextFor's fallback.
	Texts map[huifang.CallbackMethod]string `json:"texts,omitempty"`
	// Methods are the callback methods the step is used in; empty for all.
	// A step only a call needs (the recording notice, "are you free now?")
	// says ["phone"]; a step that confirms a mandatory item is used in all.
	Methods []huifang.CallbackMethod `json:"methods,omitempty"`
	// Questions only.
	Answer  AnswerType `json:"answer,omitempty"`
	Choices []string   `json:"choices,omitempty"` // choice questions: the answers, in the order offered
	Covers  []Item     `json:"covers,omitempty"`  // the mandatory items this question confirms
	Rules   []Rule     `json:"rules,omitempty"`   // what answers do; the first matching rule applies
}

// Rule is what one answer (or several) to a question does. The first rule
// whose When matches the answer applies; an answer no rule matches raises
// nothing and the call goes on to the next step.
type Rule struct {
	// When lists the answers the rule matches: for yes-no-unclear questions
	// "yes", "no", "unclear"; for choice questions the choices; Other
	// (alone, in the last rule) for anything else.
	When []string `json:"when"`
	// Problem is the problem-case type the answer raises ("" for none).
	Problem huifang.ProblemType `json:"problem,omitempty"`
	// Goto skips ahead to the step with this id ("" to go on to the next).
	Goto string `json:"goto,omitempty"`
	// End ends the call ("" to go on). A rule that ends raises no problem
	// and has no Goto.
	End End `json:"end,omitempty"`
}

// Question reports whether the step takes an answer.
func (st *Step) Question() bool { return st.Kind == KindQuestion }

// Step returns the step with the id, or nil.
func (s *Script) Step(id string) *Step {
	for i := range s.Steps {
		if s.Steps[i].ID == id {
			return &s.Steps[i]
		}
	}
	return nil
}

// Clone returns a deep copy of s.
func (s *Script) Clone() *Script {
	c := *s
	c.Channels = slices.Clone(s.Channels)
	c.skipped = slices.Clone(s.skipped)
	c.Steps = make([]Step, len(s.Steps))
	for i, st := range s.Steps {
		st.Choices = slices.Clone(st.Choices)
		st.Methods = slices.Clone(st.Methods)
		if st.Texts != nil {
			texts := make(map[huifang.CallbackMethod]string, len(st.Texts))
			for m, t := range st.Texts {
				texts[m] = t
			}
			st.Texts = texts
		}
		st.Covers = slices.Clone(st.Covers)
		rules := make([]Rule, len(st.Rules))
		for j, r := range st.Rules {
			r.When = slices.Clone(r.When)
			rules[j] = r
		}
		if st.Rules == nil {
			rules = nil
		}
		st.Rules = rules
		c.Steps[i] = st
	}
	if s.Steps == nil {
		c.Steps = nil
	}
	return &c
}

// For reports whether the step is used in callbacks of the method.
func (st *Step) For(m huifang.CallbackMethod) bool {
	return len(st.Methods) == 0 || slices.Contains(st.Methods, m)
}

// TextFor is the step's wording for the method: its own in Texts; for a
// visit (a form the customer signs, like a letter's) the letter's; else
// Text, the phone's.
func (st *Step) TextFor(m huifang.CallbackMethod) string {
	if t := st.Texts[m]; t != "" {
		return t
	}
	if t := st.Texts[huifang.MethodLetter]; m == huifang.MethodVisit && t != "" {
		return t
	}
	return st.Text
}

// For returns the script as a callback of the method runs it: only the
// steps used in the method (Step.For), each with the method's wording as its
// Text. Validate makes sure a branch never leads to a step the method skips.
func (s *Script) For(m huifang.CallbackMethod) *Script {
	c := s.Clone()
	c.Steps = c.Steps[:0]
	for _, st := range s.Clone().Steps {
		if !st.For(m) {
			c.skipped = append(c.skipped, st.ID)
			continue
		}
		st.Text, st.Texts, st.Methods = st.TextFor(m), nil, nil
		c.Steps = append(c.Steps, st)
	}
	if len(c.Steps) == 0 {
		c.Steps = nil
	}
	return c
}
