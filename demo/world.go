package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/store"
)

// world is everything the demo writes, made in memory first from the seed
// and the clock, so that the same seed and day give the same data.
type world struct {
	db       *store.DB // the seeder writes some things directly, as the core system would
	seed     uint64
	today    huifang.Date
	start    huifang.Date // the first day something is loaded
	insurers []*insurer
}

// insurer is one company's reference data, policies and their story.
type insurer struct {
	spec     *company
	head     string // branch codes
	province string
	branches []huifang.Branch
	products map[string]huifang.Product
	specs    map[string]*productSpec
	agents   []huifang.Agent
	outlets  []huifang.Outlet
	policies []*policy
	// loads holds what the core system sends each day.
	loads map[huifang.Date][]load
	// planned counts the new-business callbacks the rules will plan.
	planned int
	people  *people
	byNo    map[string]*policy
}

// policy is a policy with when it reaches the system and how its callback goes.
type policy struct {
	huifang.Policy
	story story
}

// load is a policy as one day's batch carries it: without its receipt date
// when the receipt is not back yet.
type load struct {
	p           *policy
	withReceipt bool
}

// world's time window: receipts are signed over the last receiptDays days.
const receiptDays = 40

func newWorld(seed uint64, now time.Time, total int) *world {
	w := &world{seed: seed, today: huifang.DateOf(now)}
	w.start = w.today
	shares := 0
	for _, c := range companies {
		shares += c.share
	}
	left := total
	for i := range companies {
		c := &companies[i]
		n := total * c.share / shares
		if i == len(companies)-1 {
			n = left
		}
		left -= n
		r := rand.New(rand.NewPCG(seed, uint64(i+1)))
		ins := newInsurer(c, r)
		ins.makePolicies(r, w.today, n)
		for d := range ins.loads {
			if d.Before(w.start) {
				w.start = d
			}
		}
		w.insurers = append(w.insurers, ins)
	}
	w.risks()
	w.shareAgent()
	return w
}

func newInsurer(c *company, r *rand.Rand) *insurer {
	ins := &insurer{spec: c, head: "86", province: "8601", products: map[string]huifang.Product{}, specs: map[string]*productSpec{},
		loads: map[huifang.Date][]load{}, people: newPeople(r)}
	ins.branches = []huifang.Branch{
		{Code: ins.head, Name: c.name, Level: 0},
		{Code: ins.province, Name: "江苏分公司", ParentCode: ins.head, Level: 1},
	}
	for ci, cy := range c.cities {
		cc := fmt.Sprintf("%s%02d", ins.province, ci+1)
		ins.branches = append(ins.branches, huifang.Branch{Code: cc, Name: cy.name + "中心支公司", ParentCode: ins.province, Level: 2})
		for ui, u := range cy.units {
			uc := fmt.Sprintf("%s%02d", cc, ui+1)
			ins.branches = append(ins.branches, huifang.Branch{Code: uc, Name: u.name, ParentCode: cc, Level: 3})
			// Agents of the sales unit.
			for k := range 5 + r.IntN(4) {
				ins.agents = append(ins.agents, ins.agent(r, fmt.Sprintf("%s%03d", uc, k+1), uc, u.area))
			}
		}
		// Channel managers look after brokers and group clients (8xx);
		// bancassurance specialists (银保专员) serve the bank outlets (9xx).
		for k := range 2 {
			ins.agents = append(ins.agents, ins.agent(r, fmt.Sprintf("%s8%02d", cc, k+1), cc, cy.units[0].area))
		}
		for k := range 2 {
			ins.agents = append(ins.agents, ins.agent(r, fmt.Sprintf("%s9%02d", cc, k+1), cc, cy.units[0].area))
		}
		used := map[string]bool{}
		for k := range 3 + r.IntN(2) {
			b := pick(r, banks)
			u := cy.units[k%len(cy.units)]
			district := strings.TrimSuffix(strings.TrimSuffix(u.name, "营销服务部"), "支公司")
			name := b + cy.name + district + "支行"
			if used[name] {
				continue
			}
			used[name] = true
			ins.outlets = append(ins.outlets, huifang.Outlet{Code: fmt.Sprintf("YH%s%02d", cc, k+1), Name: name, Bank: b, BranchCode: cc})
		}
	}
	for i := range c.products {
		s := &c.products[i]
		ins.specs[s.code] = s
		ins.products[s.code] = huifang.Product{Code: s.code, Name: s.name, Design: s.design, Term: s.term,
			GuaranteedRenewal: s.renewal, CoolingOffDays: s.coolingOff}
	}
	return ins
}

func (ins *insurer) agent(r *rand.Rand, code, branch, area string) huifang.Agent {
	a := huifang.Agent{Code: code, Name: ins.people.name(r.IntN(2) == 0, ""), Phone: ins.people.mobile(), BranchCode: branch,
		RegNo: fmt.Sprintf("0200%s%d%06d", area[:4], 2012+r.IntN(13), r.IntN(1_000_000)), Status: huifang.AgentActive}
	if r.IntN(100) < 6 {
		a.Status = huifang.AgentLeft
	}
	return a
}

// productList gives the products in code order, for saving.
func (ins *insurer) productList() []huifang.Product {
	out := make([]huifang.Product, 0, len(ins.products))
	for _, p := range ins.products {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// weighted picks a key by weight, in a stable order.
func weighted[K cmp.Ordered](r *rand.Rand, m map[K]int) K {
	keys := make([]K, 0, len(m))
	sum := 0
	for k, w := range m {
		keys = append(keys, k)
		sum += w
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	n := r.IntN(sum)
	for _, k := range keys {
		if n < m[k] {
			return k
		}
		n -= m[k]
	}
	return keys[len(keys)-1]
}

func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// makePolicies makes n policies sold over the last weeks, with the days the
// core system sends them, their phone-number irregularities and their stories.
func (ins *insurer) makePolicies(r *rand.Rand, today huifang.Date, n int) {
	c := ins.spec
	var holders []person
	for range n {
		chn := weighted(r, c.channels)
		weights := map[string]int{}
		for code, s := range ins.specs {
			if w := s.channels[chn]; w > 0 {
				weights[code] = w
			}
		}
		spec := ins.specs[weighted(r, weights)]
		ci := r.IntN(len(c.cities))
		cy := c.cities[ci]
		ui := r.IntN(len(cy.units))
		cityCode := fmt.Sprintf("%s%02d", ins.province, ci+1)
		unitCode := fmt.Sprintf("%s%02d", cityCode, ui+1)
		area := cy.units[ui].area
		if r.IntN(100) < 12 {
			area = pick(r, migrantAreas)
		}
		var h person
		if len(holders) > 0 && r.IntN(100) < 3 && chn != group {
			h = holders[r.IntN(len(holders))] // a customer buying again
		} else {
			h = ins.people.person(today, spec.minAge, spec.maxAge, area)
			holders = append(holders, h)
		}
		p := &policy{Policy: huifang.Policy{ProductCode: spec.code, Channel: chn, HolderName: h.Name, HolderID: h.ID,
			HolderBirth: h.Birth, HolderPhone: h.Phone, InsuredName: h.Name}}
		switch chn {
		case agency:
			p.BranchCode = unitCode
			p.AgentCode = ins.agentIn(r, unitCode, unitCode)
		case bank:
			p.BranchCode = cityCode
			p.AgentCode = ins.agentIn(r, cityCode, cityCode+"9")
			p.OutletCode = ins.outletIn(r, cityCode)
		case broker, group:
			p.BranchCode = cityCode
			p.AgentCode = ins.agentIn(r, cityCode, cityCode+"8")
		default: // telesales and internet are run by the provincial branch
			p.BranchCode = ins.province
		}
		if chn == group {
			p.HolderName = pick(r, groupClients) // the employer; its contact person's ID and phone
			p.InsuredName = fmt.Sprintf("在职员工%d人", between(r, 12, 480))
		} else if r.IntN(100) < 30 {
			switch spec.design {
			case huifang.DesignHealth, huifang.DesignAccident, huifang.DesignParticipating, huifang.DesignTraditional:
				if r.IntN(2) == 0 {
					p.InsuredName = ins.people.name(r.IntN(2) == 0, string([]rune(h.Name)[:1])) // a child
				} else {
					p.InsuredName = ins.people.name(!h.Male, "") // the spouse
				}
			}
		}
		ins.terms(r, p, spec)
		ins.dates(r, p, today)
		ins.policies = append(ins.policies, p)
	}
	// Policy numbers follow the issue date, as a core system hands them out.
	sort.SliceStable(ins.policies, func(i, j int) bool { return ins.policies[i].IssuedOn.Before(ins.policies[j].IssuedOn) })
	seq := 10_000 + r.IntN(50_000)
	for _, p := range ins.policies {
		seq += 1 + r.IntN(40) // other provinces take numbers in between
		p.No = fmt.Sprintf("%s%d%08d", c.policyPrefix, p.IssuedOn.Year(), seq)
	}
	ins.falsePhones(r)
	for _, p := range ins.policies {
		if p.story.kind == storyUnset {
			p.story = newStory(r, p, ins.products[p.ProductCode])
		}
		if plans := callback.Plan(p.Policy, ins.products[p.ProductCode], huifang.Org{}, callback.DefaultScope); len(plans) > 0 {
			ins.planned++
		}
	}
	ins.schedule(r, today)
}

// agentIn picks an agent of a branch whose code starts with prefix; now and
// then it is one who has since left (whose policies become orphan policies).
func (ins *insurer) agentIn(r *rand.Rand, branch, prefix string) string {
	var codes []string
	for _, a := range ins.agents {
		if a.BranchCode == branch && strings.HasPrefix(a.Code, prefix) {
			codes = append(codes, a.Code)
		}
	}
	if len(codes) == 0 {
		return ""
	}
	return pick(r, codes)
}

func (ins *insurer) outletIn(r *rand.Rand, branch string) string {
	var codes []string
	for _, o := range ins.outlets {
		if o.BranchCode == branch {
			codes = append(codes, o.Code)
		}
	}
	if len(codes) == 0 {
		return ""
	}
	return pick(r, codes)
}

// terms sets the term, the payment mode and years, and the premium.
func (ins *insurer) terms(r *rand.Rand, p *policy, spec *productSpec) {
	p.Term = spec.term
	if len(spec.terms) > 0 {
		p.Term = pick(r, spec.terms)
	}
	o := spec.pay[pickWeighted(r, spec.pay)]
	p.PayMode = o.mode
	p.PayYears = pick(r, o.years)
	if !p.Term.WholeLife && p.PayYears > p.Term.Years {
		p.PayYears = p.Term.Years
	}
	yuan := o.min + r.IntN(o.max-o.min+1)
	switch {
	case o.max >= 100_000:
		yuan = yuan / 1000 * 1000
	case o.max >= 10_000:
		yuan = yuan / 100 * 100
	case o.max >= 1000:
		yuan = yuan / 10 * 10
	}
	p.PremiumFen = int64(yuan) * 100
	if o.max < 1000 {
		p.PremiumFen += int64(pick(r, []int{0, 0, 0, 50, 80, 20, 60}))
	}
}

func pickWeighted(r *rand.Rand, opts []payOption) int {
	sum := 0
	for _, o := range opts {
		sum += o.weight
	}
	n := r.IntN(sum)
	for i, o := range opts {
		if n < o.weight {
			return i
		}
		n -= o.weight
	}
	return len(opts) - 1
}

// eReceipt channels have the customer sign the receipt electronically, on
// the day the policy is issued.
func eReceipt(c huifang.Channel) bool { return c == internet || c == telesales }

// dates sets the application, issue and receipt dates; a few receipts are
// not back yet.
func (ins *insurer) dates(r *rand.Rand, p *policy, today huifang.Date) {
	paper := p.Channel == agency || p.Channel == bank || p.Channel == broker
	if paper && r.IntN(100) < 4 {
		p.IssuedOn = today.AddDays(-between(r, 1, 9))
		p.AppliedOn = p.IssuedOn.AddDays(-between(r, 1, 5))
		return
	}
	p.ReceiptOn = today.AddDays(-r.IntN(receiptDays + 1))
	if eReceipt(p.Channel) {
		p.IssuedOn = p.ReceiptOn.AddDays(-r.IntN(2))
		p.AppliedOn = p.IssuedOn.AddDays(-r.IntN(3))
	} else {
		p.IssuedOn = p.ReceiptOn.AddDays(-between(r, 2, 7))
		p.AppliedOn = p.IssuedOn.AddDays(-between(r, 1, 7))
	}
}

// schedule decides which day's batch carries each policy: the day after it is
// issued, and again when its receipt is entered, one to four days after the
// customer signs it (some branches send receipts back weeks late).
func (ins *insurer) schedule(r *rand.Rand, today huifang.Date) {
	minDay := func(d huifang.Date) huifang.Date {
		if d.After(today) {
			return today
		}
		return d
	}
	for _, p := range ins.policies {
		issueLoad := minDay(p.IssuedOn.AddDays(1))
		if p.ReceiptOn.IsZero() {
			ins.loads[issueLoad] = append(ins.loads[issueLoad], load{p: p})
			continue
		}
		delay := between(r, 1, 4)
		if eReceipt(p.Channel) {
			delay = r.IntN(2)
		}
		if p.story.lateReceipt {
			delay = between(r, 16, 19)
		}
		receiptLoad := minDay(p.ReceiptOn.AddDays(delay))
		if !receiptLoad.After(issueLoad) {
			ins.loads[issueLoad] = append(ins.loads[issueLoad], load{p: p, withReceipt: true})
			continue
		}
		ins.loads[issueLoad] = append(ins.loads[issueLoad], load{p: p})
		ins.loads[receiptLoad] = append(ins.loads[receiptLoad], load{p: p, withReceipt: true})
	}
}

// falsePhones plants the signs of false phone numbers (DOMAIN.md §6): a few
// policies carry their own agent's mobile number, and one number is shared by
// several unrelated policyholders.
func (ins *insurer) falsePhones(r *rand.Rand) {
	var cands []*policy
	for _, p := range ins.policies {
		if p.Channel == agency && p.AgentCode != "" && !p.ReceiptOn.IsZero() && callback.DefaultScope.InScope(p.Policy, ins.products[p.ProductCode]) {
			cands = append(cands, p)
		}
	}
	r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	phones := map[string]string{}
	for _, a := range ins.agents {
		phones[a.Code] = a.Phone
	}
	take := func() *policy {
		if len(cands) == 0 {
			return nil
		}
		p := cands[0]
		cands = cands[1:]
		return p
	}
	for i := range 3 {
		p := take()
		if p == nil {
			return
		}
		p.HolderPhone = phones[p.AgentCode]
		p.story = story{kind: storyInvalid, note: "经核实该号码为业务员本人手机号，非投保人电话"}
		if i == 2 {
			p.story = story{kind: storyWrongPerson, note: "接听人自称是投保人的朋友，无法提供投保人联系方式"}
		}
	}
	shared := ins.people.mobile()
	seen := map[string]bool{}
	for i := 0; i < 4; {
		p := take()
		if p == nil {
			return
		}
		if seen[p.HolderID] {
			continue
		}
		seen[p.HolderID] = true
		p.HolderPhone = shared
		switch i {
		case 0:
			p.story = story{kind: storySuccess} // the number's real owner
		case 1:
			p.story = story{kind: storyInvalid, note: "接听人表示不认识投保人，号码登记有误"}
		default:
			p.story = story{kind: storyWrongPerson, note: "接听人不是投保人本人"}
		}
		i++
	}
}
