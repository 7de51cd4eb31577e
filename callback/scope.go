package callback

import "github.com/huifang/huifang"

// Scope is the part of a rule profile that widens which policies get a
// callback beyond the national rule (DOMAIN.md §3, §9).
type Scope struct {
	// NonLifeWealth brings non-life wealth-management products sold by P&C
	// companies into scope, as the seed's bureau does.
	NonLifeWealth bool
}

// DefaultScope is the seed bureau's scope; the national baseline is Scope{}.
var DefaultScope = Scope{NonLifeWealth: true}

// InScope reports whether the policy needs a new-business callback under
// DefaultScope.
func InScope(p huifang.Policy, prod huifang.Product) bool { return DefaultScope.InScope(p, prod) }

// InScope reports whether the policy needs a new-business callback: personal
// (non-group) life and health business longer than one year, one-year health
// with guaranteed renewal, and non-life wealth management when s allows it.
func (s Scope) InScope(p huifang.Policy, prod huifang.Product) bool {
	// Group business is bought by an employer, not the insured people, so
	// there is no individual purchase decision to confirm.
	if p.Channel == huifang.ChannelGroup {
		return false
	}
	term := EffectiveTerm(p, prod)
	switch prod.Design {
	case huifang.DesignNonLifeWealth:
		// A profile brings these in because they are sold as savings, where
		// the risk of a customer mistaking them for a deposit does not depend
		// on the term; so the term does not matter once they are in.
		return s.NonLifeWealth
	case huifang.DesignHealth:
		// Guaranteed renewal makes a one-year health policy a long-term
		// commitment in practice (DOMAIN.md §3).
		return term.LongerThanOneYear() || prod.GuaranteedRenewal
	default:
		// Short-term accident business is bought like P&C cover; longer
		// personal business is what the callback rules were written for.
		return term.LongerThanOneYear()
	}
}

// EffectiveTerm is the policy's own term when it is set, else the product's:
// the same product is often sold with several terms, and the policy says
// which one this customer bought.
func EffectiveTerm(p huifang.Policy, prod huifang.Product) huifang.Term {
	if p.Term.WholeLife || p.Term.Years > 0 {
		return p.Term
	}
	return prod.Term
}
