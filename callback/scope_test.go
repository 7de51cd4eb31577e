package callback

import (
	"testing"

	"github.com/huifang/huifang"
)

func TestInScope(t *testing.T) {
	years := func(n int) huifang.Term { return huifang.Term{Years: n} }
	whole := huifang.Term{WholeLife: true}
	tests := []struct {
		name  string
		ch    huifang.Channel
		prod  huifang.Product
		term  huifang.Term // the policy's own term
		scope Scope
		want  bool
	}{
		{"traditional 20 years agency", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignTraditional, Term: years(20)}, huifang.Term{}, DefaultScope, true},
		{"whole life bancassurance", huifang.ChannelBank, huifang.Product{Design: huifang.DesignParticipating, Term: whole}, huifang.Term{}, DefaultScope, true},
		{"universal internet", huifang.ChannelInternet, huifang.Product{Design: huifang.DesignUniversal, Term: years(10)}, huifang.Term{}, DefaultScope, true},
		{"investment-linked telesales", huifang.ChannelTelesales, huifang.Product{Design: huifang.DesignInvestment, Term: whole}, huifang.Term{}, DefaultScope, true},
		{"broker two years", huifang.ChannelBroker, huifang.Product{Design: huifang.DesignTraditional, Term: years(2)}, huifang.Term{}, DefaultScope, true},
		{"one-year traditional", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignTraditional, Term: years(1)}, huifang.Term{}, DefaultScope, false},
		{"unknown term", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignTraditional}, huifang.Term{}, DefaultScope, false},
		{"group whole life", huifang.ChannelGroup, huifang.Product{Design: huifang.DesignTraditional, Term: whole}, huifang.Term{}, DefaultScope, false},
		{"group health renewal", huifang.ChannelGroup, huifang.Product{Design: huifang.DesignHealth, Term: years(1), GuaranteedRenewal: true}, huifang.Term{}, DefaultScope, false},
		{"one-year health guaranteed renewal", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignHealth, Term: years(1), GuaranteedRenewal: true}, huifang.Term{}, DefaultScope, true},
		{"one-year health no renewal", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignHealth, Term: years(1)}, huifang.Term{}, DefaultScope, false},
		{"long-term health", huifang.ChannelInternet, huifang.Product{Design: huifang.DesignHealth, Term: whole}, huifang.Term{}, DefaultScope, true},
		{"one-year accident", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignAccident, Term: years(1)}, huifang.Term{}, DefaultScope, false},
		{"one-year accident guaranteed renewal", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignAccident, Term: years(1), GuaranteedRenewal: true}, huifang.Term{}, DefaultScope, false},
		{"long-term accident", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignAccident, Term: years(10)}, huifang.Term{}, DefaultScope, true},
		{"non-life wealth, seed scope", huifang.ChannelBank, huifang.Product{Design: huifang.DesignNonLifeWealth, Term: years(3)}, huifang.Term{}, Scope{NonLifeWealth: true}, true},
		{"non-life wealth one year, seed scope", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignNonLifeWealth, Term: years(1)}, huifang.Term{}, Scope{NonLifeWealth: true}, true},
		{"non-life wealth, national scope", huifang.ChannelBank, huifang.Product{Design: huifang.DesignNonLifeWealth, Term: years(3)}, huifang.Term{}, Scope{}, false},
		{"non-life wealth group", huifang.ChannelGroup, huifang.Product{Design: huifang.DesignNonLifeWealth, Term: years(3)}, huifang.Term{}, Scope{NonLifeWealth: true}, false},
		{"policy term shortens", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignTraditional, Term: years(20)}, years(1), DefaultScope, false},
		{"policy term lengthens", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignTraditional, Term: years(1)}, years(5), DefaultScope, true},
		{"policy whole life", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignTraditional, Term: years(1)}, whole, DefaultScope, true},
		{"policy accident term lengthens", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignAccident, Term: years(1)}, years(3), DefaultScope, true},
		{"policy term shortens health, renewal keeps it", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignHealth, Term: years(5), GuaranteedRenewal: true}, years(1), DefaultScope, true},
		{"national scope leaves life alone", huifang.ChannelAgency, huifang.Product{Design: huifang.DesignTraditional, Term: years(20)}, huifang.Term{}, Scope{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := huifang.Policy{Channel: tt.ch, Term: tt.term}
			if got := tt.scope.InScope(p, tt.prod); got != tt.want {
				t.Errorf("InScope = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestInScopeUsesDefaultScope(t *testing.T) {
	p := huifang.Policy{Channel: huifang.ChannelBank}
	prod := huifang.Product{Design: huifang.DesignNonLifeWealth, Term: huifang.Term{Years: 3}}
	if !InScope(p, prod) {
		t.Error("InScope: non-life wealth should be in the seed's default scope")
	}
}

func TestEffectiveTerm(t *testing.T) {
	prod := huifang.Product{Term: huifang.Term{Years: 20}}
	tests := []struct {
		policy, want huifang.Term
	}{
		{huifang.Term{}, huifang.Term{Years: 20}},
		{huifang.Term{Years: 10}, huifang.Term{Years: 10}},
		{huifang.Term{WholeLife: true}, huifang.Term{WholeLife: true}},
	}
	for _, tt := range tests {
		if got := EffectiveTerm(huifang.Policy{Term: tt.policy}, prod); got != tt.want {
			t.Errorf("EffectiveTerm(%v) = %v, want %v", tt.policy, got, tt.want)
		}
	}
}
