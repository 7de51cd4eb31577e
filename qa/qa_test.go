package qa

import (
	"slices"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
)

func calls(op int64, n int, firstID int64) []Call {
	out := make([]Call, n)
	for i := range out {
		out[i] = Call{CallbackID: firstID + int64(i), OperatorID: op}
	}
	return out
}

func TestQuota(t *testing.T) {
	for _, c := range []struct{ n, rate, min, want int }{
		{0, 200, 1, 0}, {1, 200, 1, 1}, {49, 200, 1, 1}, {50, 200, 1, 1}, {51, 200, 1, 2}, {100, 200, 1, 2},
		{101, 200, 1, 3}, {3, 200, 5, 3}, {10, 200, 0, 1}, {10, 10000, 1, 10}, {400, 50, 1, 2},
	} {
		if got := Quota(c.n, c.rate, c.min); got != c.want {
			t.Errorf("Quota(%d, %d, %d) = %d, want %d", c.n, c.rate, c.min, got, c.want)
		}
	}
}

// TestDrawReproducible: the same organisation and week give the same calls,
// whatever order the calls come in; another week gives others.
func TestDrawReproducible(t *testing.T) {
	var cs []Call
	cs = append(cs, calls(7, 120, 1000)...)
	cs = append(cs, calls(3, 80, 5000)...)
	cs = append(cs, calls(9, 3, 9000)...)
	seed := Seed(42, "2026-W49")
	a := Draw(slices.Clone(cs), seed, 200, 1, nil)
	rev := slices.Clone(cs)
	slices.Reverse(rev)
	b := Draw(rev, Seed(42, "2026-W49"), 200, 1, nil)
	if !slices.Equal(a, b) {
		t.Fatalf("same week drew differently:\n%v\n%v", a, b)
	}
	c := Draw(slices.Clone(cs), Seed(42, "2026-W50"), 200, 1, nil)
	if slices.Equal(a, c) {
		t.Errorf("another week drew the same calls: %v", a)
	}
	if Seed(42, "2026-W49") == Seed(43, "2026-W49") {
		t.Error("two organisations share a seed")
	}
}

// TestDrawFair: each operator gets exactly their quota (⌈rate × calls⌉, at
// least one when they made calls): nobody starved, nobody over-drawn; the
// drawn calls are theirs and distinct; and over many weeks every call of an
// operator is drawn about as often as every other.
func TestDrawFair(t *testing.T) {
	ops := map[int64]int{1: 500, 2: 49, 3: 1, 4: 0, 5: 151, 6: 2000}
	var cs []Call
	id := int64(1)
	for op, n := range ops {
		cs = append(cs, calls(op, n, id)...)
		id += int64(n)
	}
	owner := map[int64]int64{}
	for _, c := range cs {
		owner[c.CallbackID] = c.OperatorID
	}
	got := map[int64]int{}
	seen := map[int64]bool{}
	for _, c := range Draw(cs, Seed(1, "2026-W10"), 200, 1, nil) {
		if owner[c.CallbackID] != c.OperatorID {
			t.Fatalf("call %d drawn for operator %d, made by %d", c.CallbackID, c.OperatorID, owner[c.CallbackID])
		}
		if seen[c.CallbackID] {
			t.Fatalf("call %d drawn twice", c.CallbackID)
		}
		seen[c.CallbackID] = true
		got[c.OperatorID]++
	}
	want := map[int64]int{1: 10, 2: 1, 3: 1, 5: 4, 6: 40}
	for op, n := range ops {
		if got[op] != want[op] {
			t.Errorf("operator %d with %d calls: %d drawn, want %d", op, n, got[op], want[op])
		}
		if n > 0 && got[op] == 0 {
			t.Errorf("operator %d starved", op)
		}
		if n > 0 && got[op]*10000 > (200*n+9999)/10000*10000 && got[op] > 1 {
			t.Errorf("operator %d over-drawn: %d of %d", op, got[op], n)
		}
	}
	// Equal chance: 50 calls, 5 drawn a week (10%), 4,000 weeks: each call
	// expects 400 draws; allow ±25%.
	pool := calls(1, 50, 1)
	hits := map[int64]int{}
	for w := range 4000 {
		for _, c := range Draw(slices.Clone(pool), Seed(1, "W"+string(rune('A'+w%26))+time.Duration(w).String()), 1000, 1, nil) {
			hits[c.CallbackID]++
		}
	}
	for _, c := range pool {
		if h := hits[c.CallbackID]; h < 300 || h > 500 {
			t.Errorf("call %d drawn %d times in 4000 weeks, want about 400", c.CallbackID, h)
		}
	}
}

// TestDrawTopUp: a second run over a week with more calls adds only what
// the larger quota needs, never drawing a call twice.
func TestDrawTopUp(t *testing.T) {
	first := Draw(calls(1, 40, 1), 7, 500, 1, nil) // 5% of 40: 2
	already := map[int64]bool{}
	for _, c := range first {
		already[c.CallbackID] = true
	}
	more := Draw(calls(1, 100, 1), 7, 500, 1, already) // 5% of 100: 5, 2 drawn
	if len(first) != 2 || len(more) != 3 {
		t.Fatalf("drew %d then %d", len(first), len(more))
	}
	for _, c := range more {
		if already[c.CallbackID] {
			t.Errorf("call %d drawn twice", c.CallbackID)
		}
	}
	if again := Draw(calls(1, 100, 1), 7, 500, 1, map[int64]bool{1: true, 2: true, 3: true, 4: true, 5: true}); len(again) != 0 {
		t.Errorf("quota met, yet drew %v", again)
	}
}

func TestWeek(t *testing.T) {
	// Sunday 2026-12-06 23:30 Beijing is still week 49; Monday 00:10 is 50.
	sun := time.Date(2026, 12, 6, 15, 30, 0, 0, time.UTC)
	mon := time.Date(2026, 12, 6, 16, 10, 0, 0, time.UTC)
	if Week(sun) != "2026-W49" || Week(mon) != "2026-W50" {
		t.Errorf("weeks %s %s", Week(sun), Week(mon))
	}
	from, to := WeekBounds(sun)
	if !from.Equal(time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC)) || to.Sub(from) != 7*24*time.Hour {
		t.Errorf("bounds %v %v", from, to)
	}
}

func lookup(t *testing.T, code string) *script.Script {
	sc := script.Lookup(code)
	if sc == nil {
		t.Fatalf("no shipped script %s", code)
	}
	return sc
}

func TestFlags(t *testing.T) {
	sc := lookup(t, "life-traditional-bank")
	yes := map[string]huifang.Answer{}
	for _, st := range sc.Steps {
		if st.Question() {
			yes[st.ID] = huifang.AnswerYes
		}
	}
	yes["misleading"], yes["complaint"] = huifang.AnswerNo, huifang.AnswerNo
	with := func(id string, a huifang.Answer) map[string]huifang.Answer {
		m := map[string]huifang.Answer{}
		for k, v := range yes {
			m[k] = v
		}
		m[id] = a
		return m
	}
	long := MinReadSeconds(sc, yes) + 30
	for _, c := range []struct {
		name string
		f    Facts
		want []huifang.QAReason
	}{
		{"clean", Facts{Result: huifang.ResultSuccessful, Answers: yes, Script: sc, Seconds: long}, nil},
		{"unknown length", Facts{Result: huifang.ResultSuccessful, Answers: yes, Script: sc, Seconds: -1}, nil},
		{"no as success", Facts{Result: huifang.ResultSuccessful, Answers: with("surrender", huifang.AnswerNo), Script: sc, Seconds: long}, []huifang.QAReason{huifang.QAFlagNoSuccess}},
		{"misleading yes as success", Facts{Result: huifang.ResultSuccessful, Answers: with("misleading", huifang.AnswerYes), Script: sc, Seconds: long}, []huifang.QAReason{huifang.QAFlagNoSuccess}},
		{"no with problems is right", Facts{Result: huifang.ResultProblems, Answers: with("surrender", huifang.AnswerNo), Script: sc, Seconds: long}, nil},
		{"short", Facts{Result: huifang.ResultSuccessful, Answers: yes, Script: sc, Seconds: 20}, []huifang.QAReason{huifang.QAFlagShort}},
		{"complaint", Facts{Result: huifang.ResultProblems, Answers: yes, Script: sc, Seconds: long, Complaint: true}, []huifang.QAReason{huifang.QAFlagComplaint}},
		{"no script, a no", Facts{Result: huifang.ResultSuccessful, Answers: with("surrender", huifang.AnswerNo), Seconds: 5}, []huifang.QAReason{huifang.QAFlagNoSuccess}},
	} {
		if got := Flags(c.f); !slices.Equal(got, c.want) {
			t.Errorf("%s: flags %v, want %v", c.name, got, c.want)
		}
	}
}

func TestMinReadSeconds(t *testing.T) {
	sc := &script.Script{Steps: []script.Step{
		{ID: "a", Kind: script.KindStatement, Text: "一二三四五六七八"},                          // 8
		{ID: "b", Kind: script.KindQuestion, Text: "一二三四", Answer: script.AnswerYesNo},   // 4, asked
		{ID: "c", Kind: script.KindQuestion, Text: "一二三四五六", Answer: script.AnswerYesNo}, // not asked
	}}
	if got := MinReadSeconds(sc, map[string]huifang.Answer{"b": huifang.AnswerYes}); got != 3 {
		t.Errorf("MinReadSeconds = %d, want 3 (12 chars ÷ 4)", got)
	}
}

func TestForm(t *testing.T) {
	form := Form(lookup(t, "life-traditional-bank"))
	var codes []string
	var critical []string
	for _, it := range form {
		codes = append(codes, it.Code)
		if it.Critical {
			critical = append(critical, it.Code)
		}
	}
	want := []string{"identity", "signed", "brochure", "cover-exclusions-term", "surrender-loss", "cooling-off", "payment", "not-deposit",
		"greeting", "manner", "closing", "answers-recorded", "no-misleading", "problem-raised"}
	if !slices.Equal(codes, want) {
		t.Errorf("form %v\nwant %v", codes, want)
	}
	if !slices.Equal(critical, []string{"identity", "signed", "answers-recorded", "no-misleading"}) {
		t.Errorf("critical %v", critical)
	}
	if n := len(Form(nil)); n != len(Courtesy)+len(Accuracy) {
		t.Errorf("form without a script has %d items", n)
	}
}

func TestScore(t *testing.T) {
	form := Form(lookup(t, "life-traditional-bank"))
	all := func(a huifang.QAAnswer) map[string]string {
		m := map[string]string{}
		for _, it := range form {
			m[it.Code] = string(a)
		}
		return m
	}
	set := func(m map[string]string, code string, a huifang.QAAnswer) map[string]string {
		m[code] = string(a)
		return m
	}
	// Points possible: 8×10 + 3×5 + 3×10 = 125.
	for _, c := range []struct {
		name     string
		answers  map[string]string
		score    int
		critical bool
	}{
		{"all yes", all(huifang.QAYes), 100, false},
		{"all partly", all(huifang.QAPartly), 50, false},
		{"one courtesy no", set(all(huifang.QAYes), "manner", huifang.QANo), 96, false},
		{"one script partly", set(all(huifang.QAYes), "surrender-loss", huifang.QAPartly), 96, false},
		{"critical no", set(all(huifang.QAYes), "identity", huifang.QANo), 0, true},
		{"critical partly is not a failure", set(all(huifang.QAYes), "no-misleading", huifang.QAPartly), 96, false},
	} {
		items, err := Fill(form, c.answers)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		score, crit := Score(items)
		if score != c.score || crit != c.critical {
			t.Errorf("%s: score %d critical %v, want %d %v", c.name, score, crit, c.score, c.critical)
		}
	}
	m := all(huifang.QAYes)
	delete(m, "closing")
	if _, err := Fill(form, m); huifang.ErrorCode(err) != huifang.EINVALID {
		t.Errorf("a missing answer: %v", err)
	}
	m["closing"] = "maybe"
	if _, err := Fill(form, m); huifang.ErrorCode(err) != huifang.EINVALID {
		t.Errorf("a bad answer: %v", err)
	}
}

func TestAgree(t *testing.T) {
	form := Form(nil)
	fill := func(answers ...huifang.QAAnswer) huifang.QAEvaluation {
		m := map[string]string{}
		for i, it := range form {
			m[it.Code] = string(answers[i])
		}
		items, err := Fill(form, m)
		if err != nil {
			t.Fatal(err)
		}
		s, c := Score(items)
		return huifang.QAEvaluation{Items: items, Score: s, CriticalFail: c}
	}
	y, p, n := huifang.QAYes, huifang.QAPartly, huifang.QANo
	a := fill(y, y, y, y, y, y)
	b := fill(y, p, y, y, y, n)
	g := Agree(a, b)
	if g.Items != 6 || g.Same != 4 || g.AgreeBP() != 6666 || g.ScoreDiff != 28 /* 65 of 90 points → 72 */ || !g.BothCritical {
		t.Errorf("agreement %+v", g)
	}
	c := fill(y, y, y, n, y, y)
	if g := Agree(a, c); g.BothCritical || g.ScoreDiff != 100 {
		t.Errorf("critical disagreement %+v", g)
	}
	if (Agreement{}).AgreeBP() != -1 {
		t.Error("no items should give -1")
	}
}
