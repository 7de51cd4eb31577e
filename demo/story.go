package demo

import (
	"math/rand/v2"

	"github.com/huifang/huifang"
)

// storyKind is how a policyholder behaves when the callback centre calls.
type storyKind uint8

const (
	storyUnset       storyKind = iota
	storySuccess               // answers and confirms everything
	storyRetry                 // misses one or two calls, then confirms everything
	storyProblem               // answers, but something is wrong
	storyUnreachable           // never answers: cannot contact
	storyWrongPerson           // someone else always answers
	storyInvalid               // the number is void, or not the customer's
	storyRefused               // refuses the callback
	storyReschedule            // asks to be called at another time
	storyTrip                  // away until after the deadline: a late callback
)

// story is what will happen on the phone for one policy.
type story struct {
	kind        storyKind
	retries     int                 // storyRetry: calls missed first
	problem     huifang.ProblemType // storyProblem
	note        string              // what the operator writes down
	lateReceipt bool                // the receipt reaches the system after the cooling-off period
}

// newStory draws a policyholder's behaviour. Most confirm at the first or
// second call; problems are likelier in telesales and bancassurance, where
// misleading sales are a known risk, and among older customers.
func newStory(r *rand.Rand, p *policy, prod huifang.Product) story {
	w := map[storyKind]int{
		storySuccess: 620, storyRetry: 120, storyProblem: 95, storyUnreachable: 50, storyWrongPerson: 8,
		storyInvalid: 15, storyRefused: 15, storyReschedule: 45, storyTrip: 15,
	}
	switch p.Channel {
	case telesales, bank:
		w[storyProblem] = 150
	case internet:
		w[storyUnreachable] = 80
	}
	if age(p.HolderBirth, p.ReceiptOn) >= 60 {
		w[storyProblem] += 50
	}
	s := story{kind: weighted(r, w)}
	// Receipts of paper channels now and then reach the system late.
	if (p.Channel == agency || p.Channel == broker) && r.IntN(100) < 3 {
		s.lateReceipt = true
	}
	switch s.kind {
	case storyRetry:
		s.retries = 1 + r.IntN(2)
	case storyProblem:
		pw := map[huifang.ProblemType]int{
			huifang.ProblemUnclearRights: 40, huifang.ProblemMisleading: 16, huifang.ProblemComplaint: 12,
			huifang.ProblemUnsigned: 14, huifang.ProblemPolicyInfo: 12,
		}
		switch p.Channel {
		case bank:
			pw[huifang.ProblemMisleading] = 35
		case telesales:
			pw[huifang.ProblemComplaint] = 30
		}
		if prod.Design.NewType() || prod.Design == huifang.DesignNonLifeWealth {
			pw[huifang.ProblemMisleading] += 10
		}
		s.problem = weighted(r, pw)
	}
	return s
}

// age is how old someone born on birth is on day d (or today's receipt).
func age(birth, d huifang.Date) int {
	if birth.IsZero() || d.IsZero() {
		return 0
	}
	a := d.Year() - birth.Year()
	if d.Month() < birth.Month() || (d.Month() == birth.Month() && d.Day() < birth.Day()) {
		a--
	}
	return a
}
