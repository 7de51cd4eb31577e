package callback

import (
	"reflect"
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

func TestItemsKeys(t *testing.T) {
	years := func(n int) huifang.Term { return huifang.Term{Years: n} }
	whole := huifang.Term{WholeLife: true}
	const (
		ph, sg, pi, br, cv = KeyPolicyholder, KeySigned, KeyPolicyInfo, KeyBrochure, KeyCover
		hw, hr, su, co, pm = KeyHealthWaiting, KeyHealthRenewal, KeySurrender, KeyCoolingOff, KeyPayment
		nd, pr, un, iv     = KeyNotDeposit, KeyParticipating, KeyUniversal, KeyInvestment
		ml, cp             = KeyMisleading, KeyComplaint
	)
	tests := []struct {
		name   string
		ch     huifang.Channel
		design huifang.DesignType
		term   huifang.Term
		renew  bool
		pay    huifang.PayMode
		want   []string
	}{
		{"agency traditional annual", huifang.ChannelAgency, huifang.DesignTraditional, years(20), false, huifang.PayAnnual,
			[]string{ph, sg, pi, br, cv, su, co, pm, ml, cp}},
		{"agency traditional single", huifang.ChannelAgency, huifang.DesignTraditional, years(20), false, huifang.PaySingle,
			[]string{ph, sg, pi, br, cv, su, co, ml, cp}},
		{"bank traditional single", huifang.ChannelBank, huifang.DesignTraditional, years(5), false, huifang.PaySingle,
			[]string{ph, sg, pi, br, cv, su, co, nd, ml, cp}},
		{"bank universal single", huifang.ChannelBank, huifang.DesignUniversal, whole, false, huifang.PaySingle,
			[]string{ph, sg, pi, br, cv, su, co, nd, un, ml, cp}},
		{"bank universal annual", huifang.ChannelBank, huifang.DesignUniversal, whole, false, huifang.PayAnnual,
			[]string{ph, sg, pi, br, cv, su, co, pm, nd, un, ml, cp}},
		{"bank participating monthly", huifang.ChannelBank, huifang.DesignParticipating, years(10), false, huifang.PayMonthly,
			[]string{ph, sg, pi, br, cv, su, co, pm, nd, pr, ml, cp}},
		{"agency participating annual", huifang.ChannelAgency, huifang.DesignParticipating, whole, false, huifang.PayAnnual,
			[]string{ph, sg, pi, br, cv, su, co, pm, pr, ml, cp}},
		{"bank investment-linked single", huifang.ChannelBank, huifang.DesignInvestment, years(10), false, huifang.PaySingle,
			[]string{ph, sg, pi, br, cv, su, co, nd, iv, ml, cp}},
		{"broker investment-linked quarterly", huifang.ChannelBroker, huifang.DesignInvestment, years(10), false, huifang.PayQuarterly,
			[]string{ph, sg, pi, br, cv, su, co, pm, iv, ml, cp}},
		{"internet health one year guaranteed renewal", huifang.ChannelInternet, huifang.DesignHealth, years(1), true, huifang.PaySingle,
			[]string{ph, sg, pi, br, cv, hw, hr, su, co, ml, cp}},
		{"agency health 20 years", huifang.ChannelAgency, huifang.DesignHealth, years(20), false, huifang.PayAnnual,
			[]string{ph, sg, pi, br, cv, hw, hr, su, co, pm, ml, cp}},
		{"telesales health whole life", huifang.ChannelTelesales, huifang.DesignHealth, whole, false, huifang.PayAnnual,
			[]string{ph, sg, pi, br, cv, hw, su, co, pm, ml, cp}},
		{"bank health semi-annual", huifang.ChannelBank, huifang.DesignHealth, years(10), true, huifang.PaySemiAnnual,
			[]string{ph, sg, pi, br, cv, hw, hr, su, co, pm, nd, ml, cp}},
		{"bank non-life wealth single", huifang.ChannelBank, huifang.DesignNonLifeWealth, years(3), false, huifang.PaySingle,
			[]string{ph, sg, pi, br, cv, su, co, nd, ml, cp}},
		{"agency accident annual", huifang.ChannelAgency, huifang.DesignAccident, years(10), false, huifang.PayAnnual,
			[]string{ph, sg, pi, br, cv, su, co, pm, ml, cp}},
		{"unknown pay mode counts as single", huifang.ChannelAgency, huifang.DesignTraditional, years(20), false, "",
			[]string{ph, sg, pi, br, cv, su, co, ml, cp}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := huifang.Policy{Channel: tt.ch, PayMode: tt.pay, PayYears: 10, HolderName: "张三", PremiumFen: 1200000}
			prod := huifang.Product{Name: "福寿安康", Design: tt.design, Term: tt.term, GuaranteedRenewal: tt.renew}
			items := Items(p, prod)
			var keys []string
			for _, it := range items {
				keys = append(keys, it.Key)
			}
			if !reflect.DeepEqual(keys, tt.want) {
				t.Errorf("keys = %v\nwant   %v", keys, tt.want)
			}
			checkItems(t, items)
		})
	}
}

// checkItems checks what must hold for every list.
func checkItems(t *testing.T, items []Item) {
	t.Helper()
	seen := map[string]bool{}
	national := 0
	for _, it := range items {
		if seen[it.Key] {
			t.Errorf("duplicate key %s", it.Key)
		}
		seen[it.Key] = true
		if it.Name == "" || it.TextZH == "" || it.TextEN == "" {
			t.Errorf("%s: empty name or text", it.Key)
		}
		if it.National > 0 {
			if it.National <= national {
				t.Errorf("%s: national item %d after %d", it.Key, it.National, national)
			}
			national = it.National
		}
		if it.Expect != huifang.AnswerYes && it.Expect != huifang.AnswerNo {
			t.Errorf("%s: expect %q", it.Key, it.Expect)
		}
	}
	if items[0].Key != KeyPolicyholder || items[0].National != 1 {
		t.Errorf("first item is %s, want the policyholder", items[0].Key)
	}
	// Identity comes before anything that reveals the policy.
	if strings.Contains(items[0].TextZH, "《") || strings.Contains(items[0].TextZH, "保单") {
		t.Errorf("item 1 reveals the policy: %s", items[0].TextZH)
	}
}

func TestItemsProblemTypes(t *testing.T) {
	want := map[string]struct {
		national int
		expect   huifang.Answer
		problem  huifang.ProblemType
	}{
		KeySigned:        {2, huifang.AnswerYes, huifang.ProblemUnsigned},
		KeyPolicyInfo:    {0, huifang.AnswerYes, huifang.ProblemPolicyInfo},
		KeyBrochure:      {3, huifang.AnswerYes, huifang.ProblemUnclearRights},
		KeyCover:         {4, huifang.AnswerYes, huifang.ProblemUnclearRights},
		KeySurrender:     {5, huifang.AnswerYes, huifang.ProblemUnclearRights},
		KeyCoolingOff:    {6, huifang.AnswerYes, huifang.ProblemUnclearRights},
		KeyPayment:       {7, huifang.AnswerYes, huifang.ProblemUnclearRights},
		KeyNotDeposit:    {0, huifang.AnswerYes, huifang.ProblemUnclearRights},
		KeyUniversal:     {0, huifang.AnswerYes, huifang.ProblemUnclearRights},
		KeyHealthWaiting: {0, huifang.AnswerYes, huifang.ProblemUnclearRights},
		KeyHealthRenewal: {0, huifang.AnswerYes, huifang.ProblemUnclearRights},
		KeyMisleading:    {0, huifang.AnswerNo, huifang.ProblemMisleading},
		KeyComplaint:     {0, huifang.AnswerNo, huifang.ProblemComplaint},
	}
	p := huifang.Policy{Channel: huifang.ChannelBank, PayMode: huifang.PayAnnual}
	var items []Item
	items = append(items, Items(p, huifang.Product{Design: huifang.DesignUniversal, Term: huifang.Term{Years: 10}})...)
	items = append(items, Items(p, huifang.Product{Design: huifang.DesignHealth, Term: huifang.Term{Years: 1}})...)
	items = append(items, Items(p, huifang.Product{Design: huifang.DesignParticipating, Term: huifang.Term{Years: 10}})...)
	items = append(items, Items(p, huifang.Product{Design: huifang.DesignInvestment, Term: huifang.Term{Years: 10}})...)
	for _, k := range []string{KeyParticipating, KeyInvestment} {
		want[k] = want[KeyUniversal]
	}
	got := map[string]bool{}
	for _, it := range items {
		w, ok := want[it.Key]
		if !ok {
			continue
		}
		got[it.Key] = true
		if it.National != w.national || it.Expect != w.expect || it.Problem != w.problem {
			t.Errorf("%s: national %d expect %s problem %s; want %d %s %s", it.Key, it.National, it.Expect, it.Problem, w.national, w.expect, w.problem)
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("item %s never listed", k)
		}
	}
}

func TestItemsText(t *testing.T) {
	p := huifang.Policy{
		Channel: huifang.ChannelBank, HolderName: "王芳", InsuredName: "李明",
		AppliedOn: day(t, "2026-03-01"), PremiumFen: 1234550, PayMode: huifang.PayAnnual, PayYears: 10,
		Term: huifang.Term{Years: 20},
	}
	prod := huifang.Product{Name: "鑫利两全保险（分红型）", Design: huifang.DesignParticipating, Term: huifang.Term{WholeLife: true}, CoolingOffDays: 20}
	text := map[string]string{}
	for _, it := range Items(p, prod) {
		text[it.Key] = it.TextZH + "\n" + it.TextEN
	}
	tests := []struct {
		key  string
		want []string
	}{
		{KeyPolicyholder, []string{"王芳本人"}},
		{KeySigned, []string{"2026年3月1日", "《鑫利两全保险（分红型）》", "被保险人李明", "亲笔抄录", "2026-03-01"}},
		{KeyPolicyInfo, []string{"每年交12345.50元", "连续交10年", "保险期间为20年", "12345.50 yuan every year for 10 years", "20 years"}},
		{KeyCover, []string{"保险期间为20年"}},
		{KeyCoolingOff, []string{"20天犹豫期", "次日", "10元", "20 days"}},
		{KeyPayment, []string{"每年交费", "连续交10年", "12345.50元"}},
		{KeyNotDeposit, []string{"不是银行存款", "《鑫利两全保险（分红型）》"}},
		{KeyParticipating, []string{"红利", "不确定"}},
	}
	for _, tt := range tests {
		for _, w := range tt.want {
			if !strings.Contains(text[tt.key], w) {
				t.Errorf("%s: %q lacks %q", tt.key, text[tt.key], w)
			}
		}
	}

	// Single premium, holder insures themself, term from the product, a
	// traditional product (no copied risk sentence).
	p = huifang.Policy{Channel: huifang.ChannelAgency, HolderName: "王芳", InsuredName: "王芳", PremiumFen: 10000000, PayMode: huifang.PaySingle}
	prod = huifang.Product{Name: "安康终身寿险", Design: huifang.DesignTraditional, Term: huifang.Term{WholeLife: true}}
	text = map[string]string{}
	for _, it := range Items(p, prod) {
		text[it.Key] = it.TextZH
	}
	for key, want := range map[string]string{
		KeySigned:     "您投保了《安康终身寿险》，投保单、风险提示书和保单回执都是您本人亲笔签名，是吗？",
		KeyPolicyInfo: "跟您核对一下保单信息：保费一次性交清（趸交），共100000元，保险期间为终身，和您投保时了解的一致吗？",
		KeyCoolingOff: "您的保单有15天犹豫期，从您签收保单回执的次日开始计算。在犹豫期内解除合同，保险公司扣除不超过10元的工本费后，会退还您交纳的全部保费。您清楚吗？",
	} {
		if text[key] != want {
			t.Errorf("%s:\n got %s\nwant %s", key, text[key], want)
		}
	}
}

func TestItemsHealthRenewalText(t *testing.T) {
	p := huifang.Policy{Channel: huifang.ChannelInternet}
	find := func(prod huifang.Product) string {
		for _, it := range Items(p, prod) {
			if it.Key == KeyHealthRenewal {
				return it.TextZH
			}
		}
		return ""
	}
	if s := find(huifang.Product{Design: huifang.DesignHealth, Term: huifang.Term{Years: 1}, GuaranteedRenewal: true}); !strings.Contains(s, "保证续保") || strings.Contains(s, "不保证") {
		t.Errorf("guaranteed renewal text: %s", s)
	}
	if s := find(huifang.Product{Design: huifang.DesignHealth, Term: huifang.Term{Years: 1}}); !strings.Contains(s, "不保证续保") {
		t.Errorf("no guaranteed renewal text: %s", s)
	}
}

func TestYuan(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{0, "0"}, {1, "0.01"}, {99, "0.99"}, {100, "1"}, {1234550, "12345.50"}, {1200000, "12000"}, {-150, "-1.50"},
	}
	for _, tt := range tests {
		if got := yuan(tt.fen); got != tt.want {
			t.Errorf("yuan(%d) = %s, want %s", tt.fen, got, tt.want)
		}
	}
}
