package demo

import (
	"math/rand/v2"
	"slices"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
)

// risks plants the signs of false phone numbers that falsePhones does not
// (docs/false-phones.md), so that the list of flagged policies has
// believable rows of every sign:
//
//   - a few policies of each insurer carry the mobile number of an agent of
//     another insurer under the same regulator (an agent who moved, or a
//     relative working for a competitor);
//   - a few policies reach the system first with one number, and the batch
//     that brings their receipt a few days later carries another: the
//     number was changed shortly before the callback.
func (w *world) risks() {
	for i, ins := range w.insurers {
		r := rand.New(rand.NewPCG(w.seed, uint64(1000+i)))
		other := w.insurers[(i+1)%len(w.insurers)]
		if other == ins {
			continue
		}
		cands := ins.riskCandidates(w.today)
		r.Shuffle(len(cands), func(a, b int) { cands[a], cands[b] = cands[b], cands[a] })
		for k := 0; k < 2 && len(cands) > 0; k++ {
			p := cands[0]
			cands = cands[1:]
			p.HolderPhone = other.agents[r.IntN(len(other.agents))].Phone
			p.story = story{kind: storyInvalid, note: "经核实该号码为另一家保险公司业务员的手机号，非投保人电话"}
		}
		for k := 0; k < 3 && len(cands) > 0; k++ {
			p := cands[0]
			cands = cands[1:]
			ins.changePhone(p, ins.people.mobile())
			if k == 0 {
				p.story = story{kind: storyWrongPerson, note: "接听人称号码是投保人近日新换的，但说不清投保人的情况"}
			}
		}
	}
}

// riskCandidates are the insurer's agency policies in scope, with a story
// that leaves the number alone, whose receipt comes in a later batch than
// the policy within the last 25 days.
func (ins *insurer) riskCandidates(today huifang.Date) []*policy {
	days := make([]huifang.Date, 0, len(ins.loads))
	for d := range ins.loads {
		days = append(days, d)
	}
	slices.SortFunc(days, func(a, b huifang.Date) int {
		if a.Before(b) {
			return -1
		}
		if b.Before(a) {
			return 1
		}
		return 0
	})
	first := map[*policy]huifang.Date{}
	var out []*policy
	for _, d := range days {
		for _, l := range ins.loads[d] {
			if !l.withReceipt {
				first[l.p] = d
				continue
			}
			p := l.p
			fd, ok := first[p]
			if !ok || fd == d || today.DaysUntil(d) < -25 || p.Channel != agency || p.AgentCode == "" {
				continue
			}
			if p.story.note != "" || p.story.kind != storySuccess && p.story.kind != storyRetry {
				continue
			}
			if !callback.DefaultScope.InScope(p.Policy, ins.products[p.ProductCode]) {
				continue
			}
			out = append(out, p)
		}
	}
	return out
}

// changePhone gives a policy a new number from its receipt's batch on: the
// batch that first carried it keeps the old number.
func (ins *insurer) changePhone(p *policy, phone string) {
	for d, ls := range ins.loads {
		for i, l := range ls {
			if l.p == p && !l.withReceipt {
				old := *p
				ins.loads[d][i].p = &old
			}
		}
	}
	p.HolderPhone = phone
}
