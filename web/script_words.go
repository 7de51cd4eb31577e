package web

import (
	"strings"

	"github.com/huifang/huifang/script"
)

// scriptStepsOf numbers the steps and puts their rules in words.
func scriptStepsOf(t translator, sc *script.Script) ([]scriptStepView, int) {
	num := map[string]int{}
	for i, st := range sc.Steps {
		num[st.ID] = i + 1
	}
	var out []scriptStepView
	questions := 0
	for i := range sc.Steps {
		st := &sc.Steps[i]
		v := scriptStepView{N: i + 1, ID: st.ID, Anchor: "step-" + st.ID, Title: st.Title, Question: st.Question(),
			Text: textParts(st.Text), Covers: st.Covers}
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

// textParts splits a text at its {{variables}}, each named in Chinese.
func textParts(text string) []textPart {
	var out []textPart
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
			out = append(out, textPart{Text: text[:i]})
		}
		name := strings.TrimSpace(text[i+2 : i+j])
		label := name
		for _, v := range script.Variables {
			if v.Name == name {
				label = v.ZH
			}
		}
		out = append(out, textPart{Var: name, Label: label})
		text = text[i+j+2:]
	}
	if text != "" {
		out = append(out, textPart{Text: text})
	}
	return out
}

// answers lists the answers a question offers; nil for typed answers.
func answers(st *script.Step) []string {
	switch st.Answer {
	case script.AnswerYesNo:
		return []string{script.Yes, script.No, script.Unclear}
	case script.AnswerChoice:
		return st.Choices
	}
	return nil
}

// rulesInWords says what each answer does: 回答“否”或“不清楚” → 问题件：…,
// and, last, the answers no rule matches (the call goes on).
func rulesInWords(t translator, st *script.Step, num map[string]int) []ruleView {
	quote := func(a string) string {
		if st.Answer == script.AnswerYesNo {
			a = t.T("answer." + a)
		}
		return t.T("scripts.rule.quote", a)
	}
	offered := answers(st)
	matched := map[string]bool{}
	other := false
	var out []ruleView
	for _, r := range st.Rules {
		var when []string
		for _, w := range r.When {
			if w == script.Other {
				other = true
				continue
			}
			matched[w] = true
			when = append(when, quote(w))
		}
		rv := ruleView{}
		switch {
		case len(when) > 0:
			rv.When = t.T("scripts.rule.when", joinOr(t, when))
		case offered == nil:
			rv.When = t.T("scripts.rule.any")
		default:
			rv.When = t.T("scripts.rule.other")
		}
		if r.Problem != "" {
			rv.Effects = append(rv.Effects, effectView{Kind: "problem", Text: t.T("scripts.rule.problem", t.T("problem."+string(r.Problem)))})
		}
		if r.Goto != "" {
			rv.Effects = append(rv.Effects, effectView{Kind: "goto", Text: t.T("scripts.rule.goto", num[r.Goto]), Href: "#step-" + r.Goto})
		}
		if r.End != "" {
			rv.Effects = append(rv.Effects, effectView{Kind: "end", Text: t.T("scripts.rule.end." + string(r.End))})
		}
		if len(rv.Effects) == 0 {
			rv.Effects = append(rv.Effects, effectView{Kind: "next", Text: t.T("scripts.rule.next")})
		}
		out = append(out, rv)
	}
	if other {
		return out
	}
	next := []effectView{{Kind: "next", Text: t.T("scripts.rule.next")}}
	if offered == nil {
		when := t.T("scripts.rule.any")
		if len(out) > 0 {
			when = t.T("scripts.rule.other")
		}
		return append(out, ruleView{When: when, Effects: next, Rest: true})
	}
	var rest []string
	for _, a := range offered {
		if !matched[a] {
			rest = append(rest, quote(a))
		}
	}
	if len(rest) > 0 {
		out = append(out, ruleView{When: t.T("scripts.rule.when", joinOr(t, rest)), Effects: next, Rest: true})
	}
	return out
}

// joinOr joins alternatives: “是”、“否”或“不清楚”.
func joinOr(t translator, xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], t.T("scripts.rule.sep")) + t.T("scripts.rule.or") + xs[len(xs)-1]
}
