package script

import "github.com/huifang/huifang"

// candidates are the answers tried for a question, in order of preference:
// what a customer who understood everything would say first.
func candidates(st *Step) []string {
	switch st.Answer {
	case AnswerYesNo:
		return []string{Yes, No, Unclear}
	case AnswerChoice:
		return st.Choices
	case AnswerDate:
		return []string{"2025-01-02"}
	case AnswerNumber:
		return []string{"1", "0"}
	}
	return []string{"无", "有"}
}

// passes reports whether answering a with st goes on without a problem and
// without ending the call.
func passes(st *Step, a string) bool {
	r := match(st, a)
	return r == nil || (r.Problem == "" && r.End == "")
}

// Passing returns answers, one for every question, under which the call
// completes and raises no problem: what a policyholder who bought knowingly
// says. Demonstrations and tests start from it. A question no answer passes
// gets its first candidate.
func (s *Script) Passing() map[string]string {
	out := map[string]string{}
	for i := range s.Steps {
		st := &s.Steps[i]
		if !st.Question() {
			continue
		}
		cs := candidates(st)
		out[st.ID] = cs[0]
		for _, a := range cs {
			if passes(st, a) {
				out[st.ID] = a
				break
			}
		}
	}
	return out
}

// Change is one question's answer.
type Change struct{ Step, Answer string }

// Raisers lists the single answers that, given instead of Passing's, make
// the call complete with a problem of type t: the ways a call can reveal it.
func (s *Script) Raisers(t huifang.ProblemType) []Change {
	base := s.Passing()
	var out []Change
	for i := range s.Steps {
		st := &s.Steps[i]
		if !st.Question() {
			continue
		}
		for _, a := range candidates(st) {
			if a == base[st.ID] {
				continue
			}
			try := make(map[string]string, len(base))
			for k, v := range base {
				try[k] = v
			}
			try[st.ID] = a
			res, err := s.Evaluate(try)
			if err != nil || !res.Outcome.Completed() {
				continue
			}
			for _, p := range res.Problems {
				if p.Type == t {
					out = append(out, Change{st.ID, a})
					break
				}
			}
		}
	}
	return out
}

// Raising returns Passing changed in one question so that the call completes
// with a problem of type t, and the step changed; ok is false when no single
// answer raises t.
func (s *Script) Raising(t huifang.ProblemType) (answers map[string]string, step string, ok bool) {
	rs := s.Raisers(t)
	if len(rs) == 0 {
		return nil, "", false
	}
	answers = s.Passing()
	answers[rs[0].Step] = rs[0].Answer
	return answers, rs[0].Step, true
}
