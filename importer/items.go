package importer

import (
	"github.com/huifang/huifang"
)

// DefaultCoolingOffDays is a product's cooling-off period when its file does
// not say (DOMAIN.md §3).
const DefaultCoolingOffDays = 15

func (c *Checker) product(r *rowCtx) huifang.Product {
	p := huifang.Product{
		Code:                    r.code(prCode),
		Name:                    r.name(prName),
		GuaranteedRenewal:       r.optionalBool(prRenewal),
		CoolingOffDays:          DefaultCoolingOffDays,
		PreUnderwritingCallback: r.optionalBool(prPreUnderwriting),
	}
	if v, ok := r.required(prDesign); ok {
		d, ok := parseDesign(v)
		if !ok {
			r.fail(prDesign, v, "设计类型应为 传统、分红、万能、投连、健康、意外 或 非寿险理财")
		}
		p.Design = d
	}
	if v, ok := r.required(prTerm); ok {
		t, err := ParseTerm(v)
		if err != nil {
			r.failErr(prTerm, v, err)
		}
		p.Term = t
	}
	if v := r.get(prCoolingOff); v != "" {
		n, ok := count(v, "天")
		if !ok || n < 1 || n > 60 {
			r.fail(prCoolingOff, v, "犹豫期天数应为 1 到 60 的整数")
		}
		p.CoolingOffDays = n
	}
	return p
}

func (c *Checker) agent(r *rowCtx) huifang.Agent {
	a := huifang.Agent{
		Code:       r.code(aCode),
		Name:       r.name(aName),
		BranchCode: r.knownBranch(aBranch),
		RegNo:      r.optionalCode(aRegNo),
		Status:     huifang.AgentActive,
	}
	if v, ok := r.required(aPhone); ok {
		phone, err := ParseMobile(v)
		if err != nil {
			r.failErr(aPhone, v, err)
		}
		a.Phone = phone
	}
	if v := r.get(aStatus); v != "" {
		s, ok := parseStatus(v)
		if !ok {
			r.fail(aStatus, v, "状态应为 在职 或 离职")
		}
		a.Status = s
	}
	return a
}

func (c *Checker) outlet(r *rowCtx) huifang.Outlet {
	return huifang.Outlet{
		Code:       r.code(oCode),
		Name:       r.name(oName),
		Bank:       r.get(oBank),
		BranchCode: r.knownBranch(oBranch),
	}
}

func (c *Checker) policy(r *rowCtx) huifang.Policy {
	p := huifang.Policy{
		No:          r.code(pNo),
		ProductCode: r.code(pProduct),
		BranchCode:  r.knownBranch(pBranch),
		AgentCode:   r.optionalCode(pAgent),
		OutletCode:  r.optionalCode(pOutlet),
		HolderName:  r.name(pHolderName),
		InsuredName: r.name(pInsuredName),
		AppliedOn:   r.date(pApplied, true),
		IssuedOn:    r.date(pIssued, true),
		ReceiptOn:   r.date(pReceipt, false),
	}

	var product *huifang.Product
	if p.ProductCode != "" && checkCode(p.ProductCode) == nil {
		var ok bool
		if product, ok = c.refs.product(p.ProductCode); !ok {
			r.fail(pProduct, p.ProductCode, "产品代码在系统中不存在：请先导入产品")
		}
	}

	// Who sold it: an agent, except on the internet or by telephone, or
	// for bancassurance, where the bank outlet is what counts.
	if v, ok := r.required(pChannel); ok {
		ch, ok := parseChannel(v)
		if !ok {
			r.fail(pChannel, v, "销售渠道应为 个险、银保、经代、电销、网销 或 团险")
		}
		p.Channel = ch
	}
	switch {
	case p.Channel == huifang.ChannelBank && p.OutletCode == "":
		r.fail(pOutlet, "", "银保渠道的保单必须填写银行网点代码")
	case p.Channel != "" && p.AgentCode == "" && p.OutletCode == "" &&
		p.Channel != huifang.ChannelInternet && p.Channel != huifang.ChannelTelesales:
		r.fail(pAgent, "", "%s渠道的保单必须填写业务员代码", p.Channel.ZH())
	}
	if p.AgentCode != "" && checkCode(p.AgentCode) == nil && !c.refs.hasAgent(p.AgentCode) {
		r.fail(pAgent, p.AgentCode, "业务员代码在系统中不存在：请先导入业务员")
	}
	if p.OutletCode != "" && checkCode(p.OutletCode) == nil && !c.refs.hasOutlet(p.OutletCode) {
		r.fail(pOutlet, p.OutletCode, "银行网点代码在系统中不存在：请先导入银行网点")
	}

	// The policyholder: the birth date is the one in the ID number, which
	// the birth-date column, when given, must agree with.
	var idBirth huifang.Date
	if v, ok := r.required(pHolderID); ok {
		id, birth, err := ParseIDNumber(v)
		if err != nil {
			r.failErr(pHolderID, v, err)
		}
		p.HolderID, idBirth = id, birth
	}
	p.HolderBirth = idBirth
	birthCol := pHolderID
	if v := r.get(pHolderBirth); v != "" {
		d, err := ParseDate(v)
		switch {
		case err != nil:
			r.failErr(pHolderBirth, v, err)
		case !idBirth.IsZero() && d != idBirth:
			r.fail(pHolderBirth, v, "与证件号码中的出生日期（%s）不一致", idBirth)
		default:
			p.HolderBirth, birthCol = d, pHolderBirth
		}
	}
	if v, ok := r.required(pHolderPhone); ok {
		phone, err := ParseMobile(v)
		if err != nil {
			r.failErr(pHolderPhone, v, err)
		}
		p.HolderPhone = phone
	}

	// Dates, in the order things happen.
	today := c.today
	switch {
	case p.AppliedOn.IsZero():
	case p.AppliedOn.After(today):
		r.fail(pApplied, p.AppliedOn.String(), "投保日期晚于今天（%s）", today)
	case !p.HolderBirth.IsZero() && !p.HolderBirth.Before(p.AppliedOn):
		r.fail(birthCol, r.get(birthCol), "投保人出生日期应早于投保日期（%s）", p.AppliedOn)
	}
	if !p.IssuedOn.IsZero() && !p.AppliedOn.IsZero() && p.IssuedOn.Before(p.AppliedOn) {
		r.fail(pIssued, p.IssuedOn.String(), "承保日期早于投保日期（%s）", p.AppliedOn)
	}
	switch {
	case p.ReceiptOn.IsZero():
	case p.ReceiptOn.After(today):
		r.fail(pReceipt, p.ReceiptOn.String(), "回执签收日期晚于今天（%s）", today)
	case !p.IssuedOn.IsZero() && p.ReceiptOn.Before(p.IssuedOn):
		r.fail(pReceipt, p.ReceiptOn.String(), "回执签收日期早于承保日期（%s）", p.IssuedOn)
	}

	// Money and terms.
	if v, ok := r.required(pPremium); ok {
		fen, err := ParseYuan(v)
		switch {
		case err != nil:
			r.failErr(pPremium, v, err)
		case fen == 0:
			r.fail(pPremium, v, "保费应大于0")
		}
		p.PremiumFen = fen
	}
	if v := r.get(pTerm); v != "" {
		t, err := ParseTerm(v)
		if err != nil {
			r.failErr(pTerm, v, err)
		}
		p.Term = t
	} else if product != nil {
		p.Term = product.Term
	}
	if v, ok := r.required(pPayMode); ok {
		m, ok := parsePayMode(v)
		if !ok {
			r.fail(pPayMode, v, "缴费方式应为 趸交、年交、半年交、季交 或 月交")
		}
		p.PayMode = m
	}
	switch v := r.get(pPayYears); {
	case v == "" && p.PayMode == huifang.PaySingle:
		p.PayYears = 1
	case v == "":
		r.fail(pPayYears, "", "必填，不能为空（趸交可不填）")
	default:
		n, ok := count(v, "年")
		switch {
		case !ok || n < 1 || n > 100:
			r.fail(pPayYears, v, "缴费年期应为 1 到 100 的整数年")
		case p.PayMode == huifang.PaySingle && n != 1:
			r.fail(pPayYears, v, "趸交的缴费年期应为 1")
		case !p.Term.WholeLife && p.Term.Years > 0 && n > p.Term.Years:
			r.fail(pPayYears, v, "缴费年期长于保险期间（%s）", p.Term)
		}
		p.PayYears = n
	}
	if v := r.get(pCallbackMethod); v != "" {
		m, ok := huifang.ParseChosenMethod(v)
		if !ok {
			r.fail(pCallbackMethod, v, "回访方式应为 电话 或 电子（也可写 phone、electronic），不填表示客户未选择")
		}
		p.CallbackMethod = m
	}
	return p
}
