package script

import (
	"fmt"
	"slices"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
)

// problem is one thing wrong with a script: field names where ("code",
// "steps[3]"), msg says what.
type problem struct {
	field string
	msg   huifang.Msg
}

type checker struct{ probs []problem }

func (c *checker) add(field, key string, args ...any) {
	c.probs = append(c.probs, problem{field, huifang.M(key, args...)})
}

func (c *checker) error(title huifang.Msg) error {
	if len(c.probs) == 0 {
		return nil
	}
	e := &huifang.Error{Code: huifang.EINVALID}
	msgs := make(huifang.MsgList, len(c.probs))
	for i, p := range c.probs {
		msgs[i] = p.msg
		e.Fields = append(e.Fields, huifang.Field(p.field, p.msg.Key, p.msg.Args...))
	}
	e.Key, e.Args = "err.script.problems", []any{title, len(msgs), msgs}
	return e
}

// Problems lists what Validate finds, one Chinese sentence each; none when the
// script is well formed.
func (s *Script) Problems() []string {
	var c checker
	s.check(&c)
	out := make([]string, len(c.probs))
	for i, p := range c.probs {
		out[i] = p.msg.Text(i18n.ZH)
	}
	return out
}

// Validate checks the script's structure and returns a huifang.Error with
// code EINVALID listing every problem, or nil:
//
//   - code (lower-case letters, digits, '-'), name, version ≥ 1, a known
//     purpose, design and channels;
//   - steps: unique ids (lower-case letters, digits, '-', '_'), a known kind,
//     a title and a text; statements take no answer, choices, covers or
//     rules; questions have a known answer type, choice questions at least
//     two distinct choices and the others none;
//   - variables: {{name}} balanced and known (see Variables);
//   - rules: When values valid for the answer type, each matched by one rule
//     only, Other alone and last; known problem types; a Goto names a later
//     step (branches only skip ahead, so a call can never loop); an End is
//     known and comes without Problem or Goto;
//   - covers: known items, not repeated in a step; a covering question has
//     a rule raising a problem (identity: a rule ending the call as
//     not-policyholder), or the item would be asked but never enforced;
//   - identity first: the first question is the identity question, and it
//     and the steps before it use only the safe variables (nothing about a
//     policy may be said before the policyholder is confirmed).
func (s *Script) Validate() error {
	var c checker
	s.check(&c)
	return c.error(huifang.M("err.script.invalid", s.Code))
}

func (s *Script) check(c *checker) {
	if !validCode(s.Code, false) {
		c.add("code", "err.script.bad_code", s.Code)
	}
	if strings.TrimSpace(s.Name) == "" {
		c.add("name", "err.script.name_missing")
	}
	if s.Version < 1 {
		c.add("version", "err.script.bad_version", s.Version)
	}
	if !slices.Contains(Purposes, s.Purpose) {
		c.add("purpose", "err.script.bad_purpose", s.Purpose)
	}
	if s.Design != "" && !slices.Contains(huifang.DesignTypes, s.Design) {
		c.add("design", "err.script.bad_design", s.Design, joinAny(huifang.DesignTypes))
	}
	seenCh := map[huifang.Channel]bool{}
	for _, ch := range s.Channels {
		if !slices.Contains(huifang.Channels, ch) {
			c.add("channels", "err.script.bad_channel", ch, joinAny(huifang.Channels))
		} else if seenCh[ch] {
			c.add("channels", "err.script.channel_twice", ch)
		}
		seenCh[ch] = true
	}
	if len(s.Steps) == 0 {
		c.add("steps", "err.script.no_steps")
		return
	}
	index := map[string]int{}
	for i, st := range s.Steps {
		if _, dup := index[st.ID]; dup && st.ID != "" {
			c.add(stepField(i), "err.script.step_id_twice", stepName(i, st), st.ID)
			continue
		}
		index[st.ID] = i
	}
	for i := range s.Steps {
		s.checkStep(c, i, index)
	}
	s.checkIdentityFirst(c)
}

func (s *Script) checkStep(c *checker, i int, index map[string]int) {
	st := &s.Steps[i]
	f, name := stepField(i), stepName(i, *st)
	if !validCode(st.ID, true) {
		c.add(f, "err.script.bad_step_id", name, st.ID)
	}
	if strings.TrimSpace(st.Title) == "" {
		c.add(f, "err.script.no_title", name)
	}
	if strings.TrimSpace(st.Text) == "" {
		c.add(f, "err.script.no_text", name)
	}
	for _, text := range st.texts() {
		names, ok := varsIn(text)
		if !ok {
			c.add(f, "err.script.unbalanced_braces", name)
		}
		for _, n := range names {
			if _, known := variable(n); !known {
				c.add(f, "err.script.unknown_variable", name, n)
			}
		}
	}
	s.checkMethods(c, i, index)
	switch st.Kind {
	case KindStatement:
		if st.Answer != "" || len(st.Choices) > 0 || len(st.Covers) > 0 || len(st.Rules) > 0 {
			c.add(f, "err.script.statement_answer", name)
		}
		return
	case KindQuestion:
	default:
		c.add(f, "err.script.bad_kind", name, st.Kind)
		return
	}
	if !slices.Contains(AnswerTypes, st.Answer) {
		c.add(f, "err.script.bad_answer", name, st.Answer, joinAny(AnswerTypes))
		return
	}
	if st.Answer == AnswerChoice {
		if len(st.Choices) < 2 {
			c.add(f, "err.script.few_choices", name)
		}
		seen := map[string]bool{}
		for _, ch := range st.Choices {
			switch {
			case strings.TrimSpace(ch) == "" || ch != strings.TrimSpace(ch):
				c.add(f, "err.script.blank_choice", name, ch)
			case ch == Other:
				c.add(f, "err.script.choice_other", name, Other)
			case seen[ch]:
				c.add(f, "err.script.choice_twice", name, ch)
			}
			seen[ch] = true
		}
	} else if len(st.Choices) > 0 {
		c.add(f, "err.script.choices_not_choice", name)
	}
	seenItem := map[Item]bool{}
	for _, it := range st.Covers {
		if !it.Valid() {
			c.add(f, "err.script.unknown_item", name, it)
		} else if seenItem[it] {
			c.add(f, "err.script.item_twice", name, it)
		}
		seenItem[it] = true
	}
	s.checkRules(c, i, index)
	raises, endsNP := false, false
	for _, r := range st.Rules {
		raises = raises || r.Problem != ""
		endsNP = endsNP || r.End == EndNotPolicyholder
	}
	for _, it := range st.Covers {
		if it == ItemIdentity {
			if !endsNP {
				c.add(f, "err.script.identity_end", name)
			}
		} else if it.Valid() && !raises {
			c.add(f, "err.script.item_no_problem", name, it.Label())
		}
	}
}

// checkMethods: the wordings are for known methods other than the phone
// (whose wording is Text) and not blank; a step limited to some methods
// names known ones, once each, confirms no mandatory item (every method must
// confirm them all), and no branch of a step leads to a step skipped in a
// method the step is used in.
func (s *Script) checkMethods(c *checker, i int, index map[string]int) {
	st := &s.Steps[i]
	f, name := stepField(i), stepName(i, *st)
	for _, m := range sortedMethods(st.Texts) {
		switch {
		case !m.Valid() || m == huifang.MethodPhone:
			c.add(f, "err.script.bad_text_method", name, m, joinAny(writtenMethods()))
		case strings.TrimSpace(st.Texts[m]) == "":
			c.add(f, "err.script.blank_text_method", name, m)
		}
	}
	seen := map[huifang.CallbackMethod]bool{}
	for _, m := range st.Methods {
		if !m.Valid() {
			c.add(f, "err.script.bad_method", name, m, joinAny(huifang.CallbackMethods))
		} else if seen[m] {
			c.add(f, "err.script.method_twice", name, m)
		}
		seen[m] = true
	}
	if len(st.Methods) > 0 && len(st.Covers) > 0 {
		c.add(f, "err.script.covers_limited", name)
	}
	for j, r := range st.Rules {
		k, ok := index[r.Goto]
		if r.Goto == "" || !ok {
			continue
		}
		for _, m := range huifang.CallbackMethods {
			if st.For(m) && !s.Steps[k].For(m) {
				c.add(f, "err.script.goto_skipped", huifang.M("err.script.rule", name, j+1), r.Goto, huifang.M(m.Key()))
				break
			}
		}
	}
}

// writtenMethods are the methods a step may have its own wording for.
func writtenMethods() []huifang.CallbackMethod {
	var out []huifang.CallbackMethod
	for _, m := range huifang.CallbackMethods {
		if m != huifang.MethodPhone {
			out = append(out, m)
		}
	}
	return out
}

func sortedMethods(m map[huifang.CallbackMethod]string) []huifang.CallbackMethod {
	out := make([]huifang.CallbackMethod, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (s *Script) checkRules(c *checker, i int, index map[string]int) {
	st := &s.Steps[i]
	f, name := stepField(i), stepName(i, *st)
	matched := map[string]int{}
	for j, r := range st.Rules {
		rn := huifang.M("err.script.rule", name, j+1)
		if len(r.When) == 0 {
			c.add(f, "err.script.rule_no_when", rn)
		}
		for _, w := range r.When {
			switch {
			case w == Other:
				if len(r.When) != 1 || j != len(st.Rules)-1 {
					c.add(f, "err.script.other_last", rn, Other)
				}
			case !validWhen(st, w):
				c.add(f, "err.script.bad_when", rn, w, possible(st))
			case matched[w] > 0:
				c.add(f, "err.script.when_twice", rn, w, matched[w])
			}
			if matched[w] == 0 {
				matched[w] = j + 1
			}
		}
		if r.Problem != "" && !slices.Contains(huifang.ProblemTypes, r.Problem) {
			c.add(f, "err.script.bad_problem", rn, r.Problem, joinAny(huifang.ProblemTypes))
		}
		if r.Goto != "" {
			if k, ok := index[r.Goto]; !ok {
				c.add(f, "err.script.goto_missing", rn, r.Goto)
			} else if k <= i {
				c.add(f, "err.script.goto_back", rn, r.Goto)
			}
		}
		switch r.End {
		case "":
		case EndNotPolicyholder, EndReschedule:
			if r.Goto != "" || r.Problem != "" {
				c.add(f, "err.script.end_with_goto", rn)
			}
		default:
			c.add(f, "err.script.bad_end", rn, r.End)
		}
	}
}

// checkIdentityFirst: the first question confirms identity, and nothing
// before it or in it says anything about a policy.
func (s *Script) checkIdentityFirst(c *checker) {
	first := -1
	for i, st := range s.Steps {
		if slices.Contains(st.Covers, ItemIdentity) {
			first = i
			break
		}
	}
	if first < 0 {
		return // Missing reports it
	}
	for i := 0; i <= first; i++ {
		st := s.Steps[i]
		if i < first && st.Question() {
			c.add(stepField(i), "err.script.identity_first", stepName(i, st), ItemIdentity)
		}
		for _, text := range st.texts() {
			names, _ := varsIn(text)
			for _, n := range names {
				if v, ok := variable(n); ok && !v.Safe {
					c.add(stepField(i), "err.script.policy_before_identity", stepName(i, st), n)
				}
			}
		}
	}
}

func validWhen(st *Step, w string) bool {
	switch st.Answer {
	case AnswerYesNo:
		return w == Yes || w == No || w == Unclear
	case AnswerChoice:
		return slices.Contains(st.Choices, w)
	}
	return false // date, number, text: only Other
}

func possible(st *Step) huifang.Msg {
	switch st.Answer {
	case AnswerYesNo:
		return huifang.M("err.script.possible.yesno")
	case AnswerChoice:
		return huifang.M("err.script.possible.choice")
	}
	return huifang.M("err.script.possible.other", string(st.Answer))
}

// Missing lists the required items (Script.Required) no question covers,
// in the order of Items.
func (s *Script) Missing() []Item {
	covered := map[Item]bool{}
	for _, st := range s.Steps {
		if st.Question() {
			for _, it := range st.Covers {
				covered[it] = true
			}
		}
	}
	var out []Item
	for _, it := range s.Required() {
		if !covered[it] {
			out = append(out, it)
		}
	}
	return out
}

// Fits reports whether the script confirms every item a policy of the design
// type sold through the channel requires (Required), whatever the script was
// written for: a script for traditional products fits an accident policy of
// the same channel, not a universal one.
func (s *Script) Fits(design huifang.DesignType, channel huifang.Channel) bool {
	covered := map[Item]bool{}
	for _, st := range s.Steps {
		if st.Question() {
			for _, it := range st.Covers {
				covered[it] = true
			}
		}
	}
	for _, it := range Required(design, []huifang.Channel{channel}, s.VideoRecorded) {
		if !covered[it] {
			return false
		}
	}
	return true
}

// CanActivate reports whether the script may be put into use: it must
// validate and cover every required item. The huifang.Error (EINVALID) lists
// the structural problems and the missing items by their Chinese names.
func (s *Script) CanActivate() error {
	var c checker
	s.check(&c)
	for _, it := range s.Missing() {
		c.add("covers", "err.script.item_missing", it.Label(), it)
	}
	return c.error(huifang.M("err.script.cannot_activate", s.Code, s.Version))
}

func validCode(s string, underscore bool) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || underscore && r == '_') {
			return false
		}
	}
	return true
}

func stepField(i int) string { return fmt.Sprintf("steps[%d]", i) }

func stepName(i int, st Step) huifang.Msg {
	if st.ID == "" {
		return huifang.M("err.script.step", i+1)
	}
	return huifang.M("err.script.step_id", i+1, st.ID)
}

func joinAny[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, "、")
}
