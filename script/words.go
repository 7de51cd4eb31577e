package script

import (
	"strings"

	"github.com/huifang/huifang"
)

// Translator gives the words of one language for a message key, formatted
// with args. The script pages pass the caller's; the phrasing of a rule
// ("回答“否”或“不清楚”", "跳到第 3 步") is looked up by the keys below.
type Translator interface {
	T(key string, args ...any) string
}

// TextPart is a piece of a step's text: words, or a {{variable}} with what
// it stands for.
type TextPart struct {
	Text, Var, Label string
}

// Effect is what a rule does: Kind "problem", "end", "goto" or "next";
// Href links a "goto" to the anchor of its step.
type Effect struct {
	Kind, Text, Href string
}

// RuleWords is a rule in words: the answers it matches and what they do.
type RuleWords struct {
	When    string
	Effects []Effect
	Rest    bool // the answers no rule matches: the call goes on
}

// StepWords is a step as the operator and the administrator read it:
// numbered, its text split at its variables, its rules in words.
type StepWords struct {
	N        int
	ID       string
	Anchor   string
	Title    string
	Question bool
	Text     []TextPart
	Answer   string
	Choices  []string
	Covers   []Item
	Rules    []RuleWords
	// Wordings are the step's own wordings for other methods than the
	// phone; Methods the methods it is limited to (none: all).
	Wordings []Wording
	Methods  []huifang.CallbackMethod
}

// Wording is a step's text for one method, split at its variables.
type Wording struct {
	Method huifang.CallbackMethod
	Text   []TextPart
}

// Words numbers the steps of sc and puts their rules in words, and counts
// its questions.
func Words(t Translator, sc *Script) ([]StepWords, int) {
	num := map[string]int{}
	for i, st := range sc.Steps {
		num[st.ID] = i + 1
	}
	var out []StepWords
	questions := 0
	for i := range sc.Steps {
		st := &sc.Steps[i]
		v := StepWords{N: i + 1, ID: st.ID, Anchor: "step-" + st.ID, Title: st.Title, Question: st.Question(),
			Text: TextParts(st.Text), Covers: st.Covers, Methods: st.Methods}
		for _, m := range huifang.CallbackMethods {
			if t, ok := st.Texts[m]; ok {
				v.Wordings = append(v.Wordings, Wording{Method: m, Text: TextParts(t)})
			}
		}
		if v.Question {
			questions++
			v.Answer = t.T("scripts.answer." + string(st.Answer))
			v.Choices = st.Choices
			v.Rules = rulesInWords(t, st, num)
		}
		out = append(out, v)
	}
	return out, questions
}

// TextParts splits a text at its {{variables}}, each named in Chinese.
func TextParts(text string) []TextPart {
	var out []TextPart
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			break
		}
		if i > 0 {
			out = append(out, TextPart{Text: text[:i]})
		}
		name := strings.TrimSpace(text[i+2 : i+j])
		label := name
		if v, ok := variable(name); ok {
			label = v.ZH
		}
		out = append(out, TextPart{Var: name, Label: label})
		text = text[i+j+2:]
	}
	if text != "" {
		out = append(out, TextPart{Text: text})
	}
	return out
}

// offered lists the answers a question offers; nil for typed answers.
func offered(st *Step) []string {
	switch st.Answer {
	case AnswerYesNo:
		return []string{Yes, No, Unclear}
	case AnswerChoice:
		return st.Choices
	}
	return nil
}

// rulesInWords says what each answer does: 回答“否”或“不清楚” → 问题件：…,
// and, last, the answers no rule matches (the call goes on).
func rulesInWords(t Translator, st *Step, num map[string]int) []RuleWords {
	quote := func(a string) string {
		if st.Answer == AnswerYesNo {
			a = t.T("answer." + a)
		}
		return t.T("scripts.rule.quote", a)
	}
	offers := offered(st)
	matched := map[string]bool{}
	other := false
	var out []RuleWords
	for _, r := range st.Rules {
		var when []string
		for _, w := range r.When {
			if w == Other {
				other = true
				continue
			}
			matched[w] = true
			when = append(when, quote(w))
		}
		rw := RuleWords{}
		switch {
		case len(when) > 0:
			rw.When = t.T("scripts.rule.when", joinOr(t, when))
		case offers == nil:
			rw.When = t.T("scripts.rule.any")
		default:
			rw.When = t.T("scripts.rule.other")
		}
		if r.Problem != "" {
			rw.Effects = append(rw.Effects, Effect{Kind: "problem", Text: t.T("scripts.rule.problem", t.T("problem."+string(r.Problem)))})
		}
		if r.Goto != "" {
			rw.Effects = append(rw.Effects, Effect{Kind: "goto", Text: t.T("scripts.rule.goto", num[r.Goto]), Href: "#step-" + r.Goto})
		}
		if r.End != "" {
			rw.Effects = append(rw.Effects, Effect{Kind: "end", Text: t.T("scripts.rule.end." + string(r.End))})
		}
		if len(rw.Effects) == 0 {
			rw.Effects = append(rw.Effects, Effect{Kind: "next", Text: t.T("scripts.rule.next")})
		}
		out = append(out, rw)
	}
	if other {
		return out
	}
	next := []Effect{{Kind: "next", Text: t.T("scripts.rule.next")}}
	if offers == nil {
		when := t.T("scripts.rule.any")
		if len(out) > 0 {
			when = t.T("scripts.rule.other")
		}
		return append(out, RuleWords{When: when, Effects: next, Rest: true})
	}
	var rest []string
	for _, a := range offers {
		if !matched[a] {
			rest = append(rest, quote(a))
		}
	}
	if len(rest) > 0 {
		out = append(out, RuleWords{When: t.T("scripts.rule.when", joinOr(t, rest)), Effects: next, Rest: true})
	}
	return out
}

// joinOr joins alternatives: “是”、“否”或“不清楚”.
func joinOr(t Translator, xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], t.T("scripts.rule.sep")) + t.T("scripts.rule.or") + xs[len(xs)-1]
}
