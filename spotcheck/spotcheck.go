// Package spotcheck draws a regulator's spot-check sample (抽查) by the
// Shanghai 2011 method (DOMAIN.md §8, docs/spot-checks.md). It is plain Go:
// the population in, the sample out, the same sample for the same seed on
// every machine.
//
// The method:
//
//   - Size: max(⌈rate × N⌉, min), all N callbacks when N ≤ min.
//   - Strata: channel class (个险 / 银保 / other) × product class (分红 / 万能 /
//     投连 / other) × whether the callback opened a problem case. Every
//     stratum present gets at least one item, so every channel × product
//     class is represented and, within each, the callbacks that opened
//     problem cases are. The rest of the size is shared in proportion to the
//     strata's callbacks beyond that first one (largest remainders; ties to
//     the earlier stratum); when
//     the strata outnumber the size, the size grows to their number.
//   - Within a stratum, sorted by policy number (then callback id), items
//     are picked at an equal interval k = ⌊n ÷ a⌋ from a random start in
//     [0, k): positions start, start + k, start + 2k, ...
//   - The random starts come from math/rand/v2's PCG seeded with the
//     sample's recorded seed, strata taken in a fixed order.
package spotcheck

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
)

// Defaults of the Shanghai method, also the rule profiles' (package profile).
const (
	DefaultRateBP = 50 // 0.5%
	DefaultMin    = 1200
)

// Callback is one member of the population: a due callback of the period.
type Callback struct {
	ID         int64
	OrgID      int64
	PolicyNo   string
	Channel    huifang.ChannelClass
	Product    huifang.ProductClass
	HadProblem bool
}

// Params are what a draw depends on besides the population.
type Params struct {
	RateBP int // basis points of the population: 50 is 0.5%
	Min    int
	Seed   uint64
}

// Stratum is one stratum of a drawn sample.
type Stratum struct {
	Channel    huifang.ChannelClass
	Product    huifang.ProductClass
	HadProblem bool
	N          int // its callbacks in the population
	Picked     int
	Interval   int
	Start      int // the 0-based position of the first pick
}

// Sample is a drawn sample: the picked callbacks, stratum by stratum, each
// stratum's in policy-number order.
type Sample struct {
	Items  []Callback
	Strata []Stratum
}

// Size is the sample size for a population of n: max(⌈rate × n⌉, min),
// n itself when n ≤ min.
func Size(n, rateBP, min int) int {
	if n <= min {
		return n
	}
	return max((rateBP*n+9999)/10000, min)
}

// Validate checks the parameters.
func (p Params) Validate() error {
	if p.RateBP < 1 || p.RateBP > 10000 {
		return huifang.Errorf(huifang.EINVALID, "err.spotcheck.rate")
	}
	if p.Min < 1 || p.Min > 100000 {
		return huifang.Errorf(huifang.EINVALID, "err.spotcheck.min")
	}
	return nil
}

// strata is how many strata there can be: channel × product × problem.
var strata = len(huifang.ChannelClasses) * len(huifang.ProductClasses) * 2

// stratum numbers a callback's stratum in the fixed order of the method:
// channel class, then product class, then without before with a problem case.
func stratum(c *Callback) int {
	n := (slices.Index(huifang.ChannelClasses, c.Channel)*len(huifang.ProductClasses) + slices.Index(huifang.ProductClasses, c.Product)) * 2
	if c.HadProblem {
		n++
	}
	return n
}

// Draw draws the sample of a population by the method above. pop is not
// changed; its order does not matter.
func Draw(pop []Callback, p Params) Sample {
	if len(pop) == 0 {
		return Sample{}
	}
	// Positions into pop, by stratum: sorting int32s moves less than
	// sorting the callbacks (a million due callbacks is a big region's year).
	groups := make([][]int32, strata)
	for i := range pop {
		k := stratum(&pop[i])
		groups[k] = append(groups[k], int32(i))
	}
	var ks []int
	var ns []int
	for k, g := range groups {
		if len(g) == 0 {
			continue
		}
		slices.SortFunc(g, func(a, b int32) int {
			if c := strings.Compare(pop[a].PolicyNo, pop[b].PolicyNo); c != 0 {
				return c
			}
			return int(pop[a].ID - pop[b].ID)
		})
		ks, ns = append(ks, k), append(ns, len(g))
	}
	alloc := Allocate(ns, Size(len(pop), p.RateBP, p.Min))
	rng := rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))
	s := Sample{Items: make([]Callback, 0, Size(len(pop), p.RateBP, p.Min))}
	for i, k := range ks {
		g, a := groups[k], alloc[i]
		first := &pop[g[0]]
		st := Stratum{Channel: first.Channel, Product: first.Product, HadProblem: first.HadProblem, N: len(g), Picked: a}
		st.Interval = len(g) / a
		// Every stratum draws its start, even when its interval is 1, so
		// that one stratum's size never shifts another's start.
		st.Start = int(rng.Uint64N(uint64(st.Interval)))
		for j := 0; j < a; j++ {
			s.Items = append(s.Items, pop[g[st.Start+j*st.Interval]])
		}
		s.Strata = append(s.Strata, st)
	}
	return s
}

// Allocate shares size among strata of the given sizes: at least one each,
// the rest in proportion to their sizes by largest remainders, never more
// than a stratum has. The total is max(size, len(ns)), at most the sum.
func Allocate(ns []int, size int) []int {
	total := 0
	for _, n := range ns {
		total += n
	}
	size = min(max(size, len(ns)), total)
	out := make([]int, len(ns))
	if len(ns) == 0 {
		return out
	}
	// Each stratum gets one; the rest, size - len(ns), goes by the quota
	// of the stratum's callbacks beyond that one.
	rest, spare := size-len(ns), total-len(ns)
	type rem struct{ i, num int }
	var rems []rem
	given := 0
	for i, n := range ns {
		out[i] = 1
		if spare == 0 {
			continue
		}
		q := rest * (n - 1)
		out[i] += q / spare
		given += q / spare
		rems = append(rems, rem{i, q % spare})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return b.num - a.num })
	for j := 0; given < rest && j < len(rems); j++ {
		if out[rems[j].i] < ns[rems[j].i] {
			out[rems[j].i]++
			given++
		}
	}
	return out
}

// ParseRate reads a sampling rate: a percentage ("0.5%") or a fraction
// ("0.005"), in whole basis points.
func ParseRate(s string) (int, error) {
	s = strings.TrimSpace(s)
	bad := huifang.Errorf(huifang.EINVALID, "err.spotcheck.rate")
	scale := 10000.0
	if t, ok := strings.CutSuffix(s, "%"); ok {
		s, scale = strings.TrimSpace(t), 100
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, bad
	}
	bp := f * scale
	r := int(bp + 0.5)
	if d := bp - float64(r); d > 1e-6 || d < -1e-6 || r < 1 || r > 10000 {
		return 0, bad
	}
	return r, nil
}

// FormatRate writes basis points as a percentage: 50 → "0.5%".
func FormatRate(bp int) string {
	return strconv.FormatFloat(float64(bp)/100, 'f', -1, 64) + "%"
}
