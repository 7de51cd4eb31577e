// Package qa holds the rules of QA scoring of calls (质检, docs/qa.md): which
// calls are evaluated, the evaluation form, the score, and how far two
// evaluators of the same call agree. Plain Go: no storage, no HTTP.
//
// The weekly draw: for each operator, the calls they finished in the ISO
// week are sorted by callback id and shuffled by math/rand/v2's PCG seeded
// from the organisation and the week (Seed), operators in id order; the
// first ⌈rate × calls⌉ (at least the minimum, at most all of them) are
// drawn. Every call of an operator has the same chance, each operator's
// share is their own rate, and the same week gives the same calls.
//
// The flags put a call in the queue whatever the draw: a "no" answer that
// the script says raises a problem (or a "no" to a mandatory item) on a call
// recorded as successful; a call shorter than the script can be read
// (MinReadSeconds: the characters read ÷ CharsPerSecond); a complaint.
//
// The form: the mandatory items the script version the call used confirms
// (its questions' Covers), then the fixed courtesy and accuracy items.
// Score: yes earns an item's weight, partly half, no nothing; the score is
// the points earned ÷ the points possible × 100, rounded down. A critical
// item answered "no" fails the whole call: score 0.
package qa

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
)

// Defaults, also the rule profiles' (package profile).
const (
	DefaultRateBP = 200 // 2% of each operator's calls
	DefaultMin    = 1   // at least one call per operator who made any
	// CharsPerSecond is the reading speed the minimum call length assumes.
	CharsPerSecond = 4
)

// Weights of the form's items.
const (
	WeightScript   = 10
	WeightCourtesy = 5
	WeightAccuracy = 10
)

// Call is a finished call the draw and the flags look at.
type Call struct {
	CallbackID int64
	OperatorID int64
}

// Week is the ISO week of t in Beijing time, as "2026-W49".
func Week(t time.Time) string {
	y, w := t.In(huifang.Shanghai).ISOWeek()
	return strconv.Itoa(y) + "-W" + twoDigits(w)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// WeekBounds gives the first instant of the ISO week of t (Monday 00:00
// Beijing time) and of the week after, in UTC.
func WeekBounds(t time.Time) (from, to time.Time) {
	l := t.In(huifang.Shanghai)
	wd := (int(l.Weekday()) + 6) % 7 // Monday 0
	d := time.Date(l.Year(), l.Month(), l.Day()-wd, 0, 0, 0, 0, huifang.Shanghai)
	return d.UTC(), d.AddDate(0, 0, 7).UTC()
}

// Seed is the draw's seed for an organisation and a week.
func Seed(orgID int64, week string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(strconv.FormatInt(orgID, 10) + "/" + week))
	return h.Sum64()
}

// Quota is how many of an operator's n calls are drawn: ⌈rate × n⌉, at least
// min, at most n.
func Quota(n, rateBP, minimum int) int {
	if n <= 0 {
		return 0
	}
	q := (rateBP*n + 9999) / 10000
	return min(max(q, minimum), n)
}

// Draw picks the calls of a week to evaluate (see the package comment).
// The result is in operator order, then in draw order. Calls in already
// (drawn by an earlier run for the same week, when the week had fewer
// calls) count towards their operator's quota and are not returned again:
// the run tops the draw up to the quota of the calls the week has now.
func Draw(calls []Call, seed uint64, rateBP, minimum int, already map[int64]bool) []Call {
	by := map[int64][]Call{}
	var ops []int64
	for _, c := range calls {
		if by[c.OperatorID] == nil {
			ops = append(ops, c.OperatorID)
		}
		by[c.OperatorID] = append(by[c.OperatorID], c)
	}
	slices.Sort(ops)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var out []Call
	for _, op := range ops {
		cs := by[op]
		slices.SortFunc(cs, func(a, b Call) int { return cmpInt(a.CallbackID, b.CallbackID) })
		rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
		need := Quota(len(cs), rateBP, minimum)
		for _, c := range cs {
			if already[c.CallbackID] {
				need--
			}
		}
		for _, c := range cs {
			if need <= 0 {
				break
			}
			if !already[c.CallbackID] {
				out = append(out, c)
				need--
			}
		}
	}
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Facts are what the flags look at of one finished call.
type Facts struct {
	Result    huifang.CallbackResult
	Answers   map[string]huifang.Answer
	Script    *script.Script // the version the call used; nil: unknown
	Seconds   int            // how long the call lasted; < 0: unknown
	Complaint bool           // the call opened a complaint case
}

// Flags lists the reasons the rules put a call in the queue, in QAReasons order.
func Flags(f Facts) []huifang.QAReason {
	var out []huifang.QAReason
	if f.Result == huifang.ResultSuccessful && noAnswered(f.Script, f.Answers) {
		out = append(out, huifang.QAFlagNoSuccess)
	}
	if f.Seconds >= 0 && f.Script != nil && f.Seconds < MinReadSeconds(f.Script, f.Answers) {
		out = append(out, huifang.QAFlagShort)
	}
	if f.Complaint {
		out = append(out, huifang.QAFlagComplaint)
	}
	return out
}

// noAnswered reports whether an answer is one the script says raises a
// problem, or a "no" to a question confirming a mandatory item; without a
// script, any "no".
func noAnswered(sc *script.Script, answers map[string]huifang.Answer) bool {
	for id, a := range answers {
		if sc == nil {
			if a == huifang.AnswerNo {
				return true
			}
			continue
		}
		st := sc.Step(id)
		if st == nil {
			continue
		}
		if r := matching(st, string(a)); r != nil {
			if r.Problem != "" {
				return true
			}
			continue
		}
		if a == huifang.AnswerNo && len(st.Covers) > 0 {
			return true
		}
	}
	return false
}

func matching(st *script.Step, a string) *script.Rule {
	for i, r := range st.Rules {
		if slices.Contains(r.When, a) || (len(r.When) == 1 && r.When[0] == script.Other) {
			return &st.Rules[i]
		}
	}
	return nil
}

// MinReadSeconds is the least time a call takes to read the script: the
// characters of its statements and of the questions answered, ÷
// CharsPerSecond, rounded up. Variables count as their placeholder.
func MinReadSeconds(sc *script.Script, answers map[string]huifang.Answer) int {
	n := 0
	for _, st := range sc.Steps {
		if st.Question() {
			if _, ok := answers[st.ID]; !ok {
				continue
			}
		}
		n += utf8.RuneCountInString(st.Text)
	}
	return (n + CharsPerSecond - 1) / CharsPerSecond
}

// Fixed items every form has after the script's.
var (
	Courtesy = []huifang.QAItem{
		{Code: "greeting", Kind: huifang.QAKindCourtesy, Weight: WeightCourtesy}, // introduced self and company, asked for the policyholder
		{Code: "manner", Kind: huifang.QAKindCourtesy, Weight: WeightCourtesy},   // polite, patient, at a pace the customer follows
		{Code: "closing", Kind: huifang.QAKindCourtesy, Weight: WeightCourtesy},  // summed up, told how to reach the company, thanked
	}
	Accuracy = []huifang.QAItem{
		{Code: "answers-recorded", Kind: huifang.QAKindAccuracy, Weight: WeightAccuracy, Critical: true}, // answers recorded as given
		{Code: "no-misleading", Kind: huifang.QAKindAccuracy, Weight: WeightAccuracy, Critical: true},    // nothing promised or misstated
		{Code: "problem-raised", Kind: huifang.QAKindAccuracy, Weight: WeightAccuracy},                   // a doubt was recorded as a problem
	}
)

// criticalItems are the script items whose failure fails the call: someone
// else told of the policy, a signature not confirmed.
var criticalItems = []script.Item{script.ItemIdentity, script.ItemSigned}

// Form is the evaluation form for a call made with the script: its mandatory
// items (in script.Items order), then Courtesy and Accuracy. A nil script
// gives the fixed items only.
func Form(sc *script.Script) []huifang.QAItem {
	covered := map[script.Item]bool{}
	if sc != nil {
		for _, st := range sc.Steps {
			for _, it := range st.Covers {
				covered[it] = true
			}
		}
	}
	var out []huifang.QAItem
	for _, it := range script.Items {
		if covered[it] {
			out = append(out, huifang.QAItem{Code: string(it), Kind: huifang.QAKindScript, Weight: WeightScript, Critical: slices.Contains(criticalItems, it)})
		}
	}
	out = append(out, Courtesy...)
	return append(out, Accuracy...)
}

// Fill answers a form: answers by item code. Every item must have a valid
// answer; the error gives the number of the first that has none.
func Fill(form []huifang.QAItem, answers map[string]string) ([]huifang.QAItem, error) {
	out := slices.Clone(form)
	for i := range out {
		a := huifang.QAAnswer(answers[out[i].Code])
		if !a.Valid() {
			return nil, huifang.Errorf(huifang.EINVALID, "err.qa.answer_missing", i+1)
		}
		out[i].Answer = a
	}
	return out, nil
}

// Score scores an answered form: 0–100, and whether a critical item failed.
func Score(items []huifang.QAItem) (score int, criticalFail bool) {
	got, total := 0, 0
	for _, it := range items {
		total += 2 * it.Weight
		switch it.Answer {
		case huifang.QAYes:
			got += 2 * it.Weight
		case huifang.QAPartly:
			got += it.Weight
		case huifang.QANo:
			if it.Critical {
				criticalFail = true
			}
		}
	}
	if criticalFail || total == 0 {
		return 0, criticalFail
	}
	return got * 100 / total, false
}

// Agreement is how far two evaluations of the same call agree.
type Agreement struct {
	Items     int // items both answered
	Same      int // of those, answered the same
	ScoreDiff int // |score a − score b|
	// BothCritical: both failed or both passed the call on critical items.
	BothCritical bool
}

// AgreeBP is same ÷ items in basis points; -1 without common items.
func (a Agreement) AgreeBP() int {
	if a.Items == 0 {
		return -1
	}
	return a.Same * 10000 / a.Items
}

// Agree compares two evaluations of the same call, item by item (by code).
func Agree(a, b huifang.QAEvaluation) Agreement {
	ans := map[string]huifang.QAAnswer{}
	for _, it := range a.Items {
		ans[it.Code] = it.Answer
	}
	var g Agreement
	for _, it := range b.Items {
		x, ok := ans[it.Code]
		if !ok || x == "" || it.Answer == "" {
			continue
		}
		g.Items++
		if x == it.Answer {
			g.Same++
		}
	}
	g.ScoreDiff = a.Score - b.Score
	if g.ScoreDiff < 0 {
		g.ScoreDiff = -g.ScoreDiff
	}
	g.BothCritical = a.CriticalFail == b.CriticalFail
	return g
}
