package callback

import (
	"fmt"

	"github.com/huifang/huifang"
)

// Item is one thing the operator must confirm with the policyholder.
type Item struct {
	Key    string // stable identifier, the key of the answers map
	Name   string // short Chinese name, for problem details and errors
	TextZH string // what the operator reads, variables filled in
	TextEN string
	// Expect is the answer that is fine: yes for statements the customer
	// must confirm, no for questions about irregularities.
	Expect huifang.Answer
	// Problem is the problem-case type an answer other than Expect raises.
	Problem  huifang.ProblemType
	National int // 1..7 for the seven national items, 0 for additions
}

// Item keys. They are stored with the answers, so they never change.
const (
	KeyPolicyholder  = "policyholder"
	KeySigned        = "signed"
	KeyPolicyInfo    = "policy-info"
	KeyBrochure      = "brochure"
	KeyCover         = "cover"
	KeyHealthWaiting = "health-waiting"
	KeyHealthRenewal = "health-renewal"
	KeySurrender     = "surrender"
	KeyCoolingOff    = "cooling-off"
	KeyPayment       = "payment"
	KeyNotDeposit    = "not-deposit"
	KeyParticipating = "participating-risk"
	KeyUniversal     = "universal-risk"
	KeyInvestment    = "investment-risk"
	KeyMisleading    = "misleading"
	KeyComplaint     = "complaint"
)

// Items lists what the operator must confirm for the policy, in calling
// order: identity first (nothing about the policy may be said before it),
// then the purchase and its figures, the national items with the product's
// and channel's additions next to the topic they belong to, and the open
// questions about misleading and complaints last, when the customer has
// heard everything. Item 7 is asked only for regular premiums.
func Items(p huifang.Policy, prod huifang.Product) []Item {
	v := newVars(p, prod)
	items := []Item{
		{
			Key: KeyPolicyholder, Name: "投保人本人确认", National: 1,
			TextZH:  fmt.Sprintf("您好！请问您是%s本人吗？", v.holder),
			TextEN:  fmt.Sprintf("Hello! Am I speaking with %s in person?", v.holder),
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnclearRights, // never raised: a "no" ends the call (see Evaluate)
		},
		{
			Key: KeySigned, Name: "本人投保并亲笔签名", National: 2,
			TextZH:  fmt.Sprintf("您%s投保了《%s》，投保单、风险提示书和保单回执%s，是吗？", v.appliedZH, v.product, v.signersZH),
			TextEN:  fmt.Sprintf("You applied for %s%s; the application, the risk notice and the policy receipt %s, is that right?", v.product, v.appliedEN, v.signersEN),
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnsigned,
		},
		{
			Key: KeyPolicyInfo, Name: "保费、交费方式及保险期间无误",
			TextZH:  fmt.Sprintf("跟您核对一下保单信息：%s%s，和您投保时了解的一致吗？", v.premiumZH, v.termZH),
			TextEN:  fmt.Sprintf("Let me check the policy details with you: %s%s. Is that what you understood when you applied?", v.premiumEN, v.termEN),
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemPolicyInfo,
		},
		{
			Key: KeyBrochure, Name: "阅读并理解产品说明书和投保提示", National: 3,
			TextZH:  "您是否已经阅读并理解了产品说明书（或保险条款）和投保提示书？",
			TextEN:  "Have you read and understood the product brochure (or the policy terms) and the application warning?",
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnclearRights,
		},
		{
			Key: KeyCover, Name: "清楚保险责任、责任免除和保险期间", National: 4,
			TextZH:  fmt.Sprintf("您是否清楚这份保险的保障内容、责任免除条款，以及保险期间%s？", v.termShortZH),
			TextEN:  fmt.Sprintf("Do you know what this policy covers, what it excludes, and that its term is %s?", v.termShortEN),
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnclearRights,
		},
	}
	if prod.Design == huifang.DesignHealth {
		items = append(items, Item{
			Key: KeyHealthWaiting, Name: "清楚健康险等待期",
			TextZH:  "这份健康保险设有等待期，等待期内发生的疾病，保险公司可能不承担保险责任，具体以条款为准。您清楚吗？",
			TextEN:  "This health policy has a waiting period: illness arising during it may not be covered; the policy terms give the details. Do you understand this?",
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnclearRights,
		})
		// A whole-life health policy is never renewed, so asking about
		// renewal would only confuse the customer.
		if !EffectiveTerm(p, prod).WholeLife {
			it := Item{
				Key: KeyHealthRenewal, Name: "清楚续保条件",
				Expect: huifang.AnswerYes, Problem: huifang.ProblemUnclearRights,
			}
			if prod.GuaranteedRenewal {
				it.TextZH = "这份保险可以保证续保，但续保时的保险费率可能按条款约定调整，并且需要按时交纳续保保费。您清楚吗？"
				it.TextEN = "This policy's renewal is guaranteed, but the premium rate may be adjusted on renewal as the terms allow, and renewal premiums must be paid on time. Do you understand this?"
			} else {
				it.TextZH = "这份保险不保证续保，保险期满后能否续保需要保险公司重新审核，续保费率也可能调整。您清楚吗？"
				it.TextEN = "Renewal of this policy is not guaranteed: at the end of the term the insurer reviews it again, and the rate may change. Do you understand this?"
			}
			items = append(items, it)
		}
	}
	items = append(items,
		Item{
			Key: KeySurrender, Name: "清楚退保损失", National: 5,
			TextZH:  "犹豫期过后如果解除合同（退保），只能退还保单的现金价值，可能会有一定的损失。您清楚吗？",
			TextEN:  "If you cancel the policy after the cooling-off period, you receive only its cash value and may lose money. Do you understand this?",
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnclearRights,
		},
		Item{
			Key: KeyCoolingOff, Name: "清楚犹豫期及其权利", National: 6,
			TextZH: fmt.Sprintf("您的保单有%d天犹豫期，从您签收保单回执的次日开始计算。在犹豫期内解除合同，保险公司扣除不超过10元的工本费后，会退还您交纳的全部保费。您清楚吗？",
				v.coolingOff),
			TextEN: fmt.Sprintf("Your policy has a cooling-off period of %d days, counted from the day after you signed the policy receipt. If you cancel within it, you get back all premiums paid less a fee of at most 10 yuan. Do you understand this?",
				v.coolingOff),
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnclearRights,
		},
	)
	if p.PayMode.Regular() {
		items = append(items, Item{
			Key: KeyPayment, Name: "清楚交费期间和交费频率", National: 7,
			TextZH:  fmt.Sprintf("这份保单需要%s交费%s，每期保费%s，请您按时交纳。您清楚吗？", v.everyZH, v.payYearsZH, v.premium),
			TextEN:  fmt.Sprintf("This policy's premium of %s is due %s%s; please pay it on time. Do you understand this?", v.premiumYuanEN, v.everyEN, v.payYearsEN),
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnclearRights,
		})
	}
	if p.Channel == huifang.ChannelBank {
		items = append(items, Item{
			Key: KeyNotDeposit, Name: "清楚是保险而非银行存款或礼品",
			TextZH:  fmt.Sprintf("《%s》是保险产品，不是银行存款、理财产品，也不是银行赠送的礼品。您清楚吗？", v.product),
			TextEN:  fmt.Sprintf("%s is an insurance product: it is not a bank deposit, nor a bank wealth product, nor a gift from the bank. Do you understand this?", v.product),
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnclearRights,
		})
	}
	switch prod.Design {
	case huifang.DesignParticipating:
		items = append(items, Item{
			Key: KeyParticipating, Name: "清楚分红不确定",
			TextZH:  "这是分红型保险，红利分配是不确定的，不保证每年都有，也可能为零。您清楚吗？",
			TextEN:  "This is a participating policy: dividends are not guaranteed; some years they may be nil. Do you understand this?",
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnclearRights,
		})
	case huifang.DesignUniversal:
		items = append(items, Item{
			Key: KeyUniversal, Name: "清楚万能险仅保证最低利率及各项费用",
			TextZH:  "这是万能型保险，只有合同约定的最低保证利率是保证的，超出部分的结算利率不确定；保单还会收取初始费用、风险保险费、退保费用等。您清楚吗？",
			TextEN:  "This is a universal life policy: only the minimum guaranteed rate is guaranteed, any crediting rate above it is uncertain; the policy also deducts charges such as the initial charge, the cost of cover and surrender charges. Do you understand this?",
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnclearRights,
		})
	case huifang.DesignInvestment:
		items = append(items, Item{
			Key: KeyInvestment, Name: "清楚投连险收益不确定、风险自担",
			TextZH:  "这是投资连结保险，投资收益不确定，可能为负，投资风险由您本人承担。您清楚吗？",
			TextEN:  "This is an investment-linked policy: investment returns are uncertain and may be negative, and you bear the investment risk yourself. Do you understand this?",
			Expect:  huifang.AnswerYes,
			Problem: huifang.ProblemUnclearRights,
		})
	}
	return append(items,
		Item{
			Key: KeyMisleading, Name: "销售人员承诺收益或称是存款",
			TextZH:  "销售人员有没有向您承诺固定收益，或者说这是存款、储蓄？",
			TextEN:  "Did the salesperson promise you a fixed return, or tell you this was a deposit or savings?",
			Expect:  huifang.AnswerNo,
			Problem: huifang.ProblemMisleading,
		},
		Item{
			Key: KeyComplaint, Name: "对销售过程有抱怨或投诉",
			TextZH:  "您对这次投保的过程有没有不满意、需要投诉的地方？",
			TextEN:  "Is there anything about how this policy was sold that you are unhappy with or want to complain about?",
			Expect:  huifang.AnswerNo,
			Problem: huifang.ProblemComplaint,
		},
	)
}

// vars are the policy's figures as the operator says them.
type vars struct {
	holder, product          string
	appliedZH, appliedEN     string
	signersZH, signersEN     string
	premium, premiumYuanEN   string
	premiumZH, premiumEN     string
	termZH, termEN           string
	termShortZH, termShortEN string
	everyZH, everyEN         string
	payYearsZH, payYearsEN   string
	coolingOff               int
}

func newVars(p huifang.Policy, prod huifang.Product) vars {
	v := vars{
		holder:        p.HolderName,
		product:       prod.Name,
		premium:       yuanZH(p.PremiumFen),
		premiumYuanEN: yuanEN(p.PremiumFen),
		coolingOff:    CoolingOffDays(p, prod),
	}
	if v.holder == "" {
		v.holder = "投保人"
	}
	if v.product == "" {
		v.product = p.ProductCode
	}
	if d := p.AppliedOn; !d.IsZero() {
		v.appliedZH = fmt.Sprintf("于%d年%d月%d日", d.Year(), d.Month(), d.Day())
		v.appliedEN = " on " + d.String()
	}
	// The copied risk sentence (抄录) is required only for new-type products.
	copyZH, copyEN := "", ""
	if prod.Design.NewType() {
		copyZH, copyEN = "，风险提示语句也是您亲笔抄录的", ", and you copied out the risk statement in your own hand"
	}
	if p.InsuredName == "" || p.InsuredName == p.HolderName {
		v.signersZH = "都是您本人亲笔签名" + copyZH
		v.signersEN = "were all signed by you personally" + copyEN
	} else {
		v.signersZH = fmt.Sprintf("都是您和被保险人%s本人亲笔签名%s", p.InsuredName, copyZH)
		v.signersEN = fmt.Sprintf("were signed personally by you and by the insured, %s%s", p.InsuredName, copyEN)
	}
	if p.PayMode.Regular() {
		v.everyZH, v.everyEN = everyZH[p.PayMode], everyEN[p.PayMode]
		if p.PayYears > 0 {
			v.payYearsZH = fmt.Sprintf("，连续交%d年", p.PayYears)
			v.payYearsEN = fmt.Sprintf(" for %d years", p.PayYears)
		}
		v.premiumZH = fmt.Sprintf("保费%s交%s%s", v.everyZH, v.premium, v.payYearsZH)
		v.premiumEN = fmt.Sprintf("a premium of %s %s%s", v.premiumYuanEN, v.everyEN, v.payYearsEN)
	} else {
		v.premiumZH = fmt.Sprintf("保费一次性交清（趸交），共%s", v.premium)
		v.premiumEN = fmt.Sprintf("a single premium of %s", v.premiumYuanEN)
	}
	term := EffectiveTerm(p, prod)
	switch {
	case term.WholeLife:
		v.termShortZH, v.termShortEN = "为终身", "whole life"
	case term.Years > 0:
		v.termShortZH, v.termShortEN = fmt.Sprintf("为%d年", term.Years), fmt.Sprintf("%d years", term.Years)
	default:
		v.termShortZH, v.termShortEN = "", "as stated in the policy"
	}
	if v.termShortZH != "" {
		v.termZH = "，保险期间" + v.termShortZH
		v.termEN = ", and a term of " + v.termShortEN
	}
	return v
}

var everyZH = map[huifang.PayMode]string{
	huifang.PayAnnual: "每年", huifang.PaySemiAnnual: "每半年", huifang.PayQuarterly: "每季度", huifang.PayMonthly: "每月",
}

var everyEN = map[huifang.PayMode]string{
	huifang.PayAnnual: "every year", huifang.PaySemiAnnual: "every six months", huifang.PayQuarterly: "every quarter", huifang.PayMonthly: "every month",
}

// yuanZH says an amount in fen as an operator reads it: "12000元", "99.50元".
func yuanZH(fen int64) string { return yuan(fen) + "元" }

// yuanEN is the English form: "12000 yuan".
func yuanEN(fen int64) string { return yuan(fen) + " yuan" }

func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	if fen%100 == 0 {
		return fmt.Sprintf("%s%d", sign, fen/100)
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
