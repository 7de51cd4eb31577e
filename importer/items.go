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
			r.fail(prDesign, v, "err.import.row.bad_design")
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
			r.fail(prCoolingOff, v, "err.import.row.bad_cooling_off")
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
			r.fail(aStatus, v, "err.import.row.bad_agent_status")
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
		IssuedOn:    r.date(pIssued, false), // empty before underwriting: see below
		ReceiptOn:   r.date(pReceipt, false),
	}

	var product *huifang.Product
	if p.ProductCode != "" && checkCode(p.ProductCode) == nil {
		var ok bool
		if product, ok = c.refs.product(p.ProductCode); !ok {
			r.fail(pProduct, p.ProductCode, "err.import.row.no_product")
		}
	}

	// Who sold it: an agent, except on the internet or by telephone, or
	// for bancassurance, where the bank outlet is what counts.
	if v, ok := r.required(pChannel); ok {
		ch, ok := parseChannel(v)
		if !ok {
			r.fail(pChannel, v, "err.import.row.bad_channel")
		}
		p.Channel = ch
	}
	switch {
	case p.Channel == huifang.ChannelBank && p.OutletCode == "":
		r.fail(pOutlet, "", "err.import.row.outlet_required")
	case p.Channel != "" && p.AgentCode == "" && p.OutletCode == "" &&
		p.Channel != huifang.ChannelInternet && p.Channel != huifang.ChannelTelesales:
		r.fail(pAgent, "", "err.import.row.agent_required", p.Channel.ZH())
	}
	if p.AgentCode != "" && checkCode(p.AgentCode) == nil && !c.refs.hasAgent(p.AgentCode) {
		r.fail(pAgent, p.AgentCode, "err.import.row.no_agent")
	}
	if p.OutletCode != "" && checkCode(p.OutletCode) == nil && !c.refs.hasOutlet(p.OutletCode) {
		r.fail(pOutlet, p.OutletCode, "err.import.row.no_outlet")
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
			r.fail(pHolderBirth, v, "err.import.row.birth_mismatch", idBirth)
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
		r.fail(pApplied, p.AppliedOn.String(), "err.import.row.applied_future", today)
	case !p.HolderBirth.IsZero() && !p.HolderBirth.Before(p.AppliedOn):
		r.fail(birthCol, r.get(birthCol), "err.import.row.birth_after_applied", p.AppliedOn)
	}
	if !p.IssuedOn.IsZero() && !p.AppliedOn.IsZero() && p.IssuedOn.Before(p.AppliedOn) {
		r.fail(pIssued, p.IssuedOn.String(), "err.import.row.issued_before_applied", p.AppliedOn)
	}
	switch {
	case p.ReceiptOn.IsZero():
	case p.IssuedOn.IsZero() && r.get(pIssued) == "":
		// An application not underwritten yet has no issue date (a callback
		// before underwriting is planned for it); a signed receipt means the
		// policy was issued.
		r.fail(pIssued, "", "err.import.row.required")
	case p.ReceiptOn.After(today):
		r.fail(pReceipt, p.ReceiptOn.String(), "err.import.row.receipt_future", today)
	case !p.IssuedOn.IsZero() && p.ReceiptOn.Before(p.IssuedOn):
		r.fail(pReceipt, p.ReceiptOn.String(), "err.import.row.receipt_before_issued", p.IssuedOn)
	}

	// Money and terms.
	if v, ok := r.required(pPremium); ok {
		fen, err := ParseYuan(v)
		switch {
		case err != nil:
			r.failErr(pPremium, v, err)
		case fen == 0:
			r.fail(pPremium, v, "err.import.row.premium_positive")
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
			r.fail(pPayMode, v, "err.import.row.bad_pay_mode")
		}
		p.PayMode = m
	}
	switch v := r.get(pPayYears); {
	case v == "" && p.PayMode == huifang.PaySingle:
		p.PayYears = 1
	case v == "":
		r.fail(pPayYears, "", "err.import.row.pay_years_required")
	default:
		n, ok := count(v, "年")
		switch {
		case !ok || n < 1 || n > 100:
			r.fail(pPayYears, v, "err.import.row.bad_pay_years")
		case p.PayMode == huifang.PaySingle && n != 1:
			r.fail(pPayYears, v, "err.import.row.single_pay_years")
		case !p.Term.WholeLife && p.Term.Years > 0 && n > p.Term.Years:
			r.fail(pPayYears, v, "err.import.row.pay_years_over_term", p.Term)
		}
		p.PayYears = n
	}
	if v := r.get(pCallbackMethod); v != "" {
		m, ok := huifang.ParseChosenMethod(v)
		if !ok {
			r.fail(pCallbackMethod, v, "err.import.row.bad_chosen_method")
		}
		p.CallbackMethod = m
	}
	if v := r.get(pStatus); v != "" {
		st, ok := huifang.ParsePolicyStatus(v)
		if !ok {
			r.fail(pStatus, v, "err.import.row.bad_policy_status")
		}
		p.Status = st
	}
	return p
}
