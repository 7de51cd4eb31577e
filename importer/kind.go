// Package importer turns the rows of an uploaded file into domain values —
// branches, products, agents, outlets or policies — and says, row by row and in
// Chinese, what is wrong with the rest. It knows no database: what it must look
// up (is this product known?) it asks a Refs, which the caller implements.
//
// An import reads the file twice: a first pass validates every row, and only
// when no row is bad does a second pass hand the items to the caller to write.
// Nothing is written when any row is bad.
package importer

import "strings"

// Kind is what a file holds.
type Kind string

// Kinds of files.
const (
	KindBranches Kind = "branches"
	KindProducts Kind = "products"
	KindAgents   Kind = "agents"
	KindOutlets  Kind = "outlets"
	KindPolicies Kind = "policies"
	// KindCallbacks: callbacks an insurer made in its own system, reported
	// to huifang (see callbacks.go).
	KindCallbacks Kind = "callbacks"
)

// Kinds lists the kinds in the order they are usually imported: a file may
// refer only to what an earlier kind has loaded.
var Kinds = []Kind{KindBranches, KindProducts, KindAgents, KindOutlets, KindPolicies, KindCallbacks}

var kindZH = map[Kind]string{
	KindBranches: "机构", KindProducts: "产品", KindAgents: "业务员", KindOutlets: "银行网点", KindPolicies: "保单",
	KindCallbacks: "回访记录",
}

// ZH is the Chinese name.
func (k Kind) ZH() string { return kindZH[k] }

// Key is the catalog key of the kind's name (package i18n).
func (k Kind) Key() string { return "kind." + string(k) }

// ParseKind accepts the English name (singular or plural) or the Chinese one.
func ParseKind(s string) (Kind, bool) {
	k, ok := kindNames[strings.ToLower(strings.TrimSpace(s))]
	return k, ok
}

var kindNames = map[string]Kind{
	"branches": KindBranches, "branch": KindBranches, "机构": KindBranches,
	"products": KindProducts, "product": KindProducts, "产品": KindProducts,
	"agents": KindAgents, "agent": KindAgents, "业务员": KindAgents, "营销员": KindAgents,
	"outlets": KindOutlets, "outlet": KindOutlets, "银行网点": KindOutlets, "网点": KindOutlets,
	"policies": KindPolicies, "policy": KindPolicies, "保单": KindPolicies,
	"callbacks": KindCallbacks, "callback": KindCallbacks, "回访记录": KindCallbacks, "回访": KindCallbacks,
}

// masking says how a column's values are shown in a report.
type masking uint8

const (
	noMask masking = iota
	phoneMask
	idMask
)

// column is one column a file of some kind may have.
type column struct {
	zh       string   // the Chinese header, as in the template
	en       string   // the English alias
	aliases  []string // other accepted headers
	required bool     // the header must have it (its cells may still be optional)
	mask     masking
}

// Column positions, per kind.
const (
	bCode = iota
	bName
	bParent
)

const (
	prCode = iota
	prName
	prDesign
	prTerm
	prRenewal
	prCoolingOff
	prPreUnderwriting
)

const (
	aCode = iota
	aName
	aPhone
	aBranch
	aRegNo
	aStatus
)

const (
	oCode = iota
	oName
	oBank
	oBranch
)

const (
	pNo = iota
	pProduct
	pChannel
	pBranch
	pAgent
	pOutlet
	pHolderName
	pHolderID
	pHolderBirth
	pHolderPhone
	pInsuredName
	pApplied
	pIssued
	pReceipt
	pPremium
	pPayMode
	pPayYears
	pTerm
	pCallbackMethod
	pStatus
)

var columns = map[Kind][]column{
	KindBranches: {
		bCode:   {zh: "机构代码", en: "code", aliases: []string{"branch_code"}, required: true},
		bName:   {zh: "机构名称", en: "name", aliases: []string{"branch_name"}, required: true},
		bParent: {zh: "上级机构代码", en: "parent_code", aliases: []string{"parent"}, required: true},
	},
	KindProducts: {
		prCode:            {zh: "产品代码", en: "product_code", aliases: []string{"code"}, required: true},
		prName:            {zh: "产品名称", en: "product_name", aliases: []string{"name"}, required: true},
		prDesign:          {zh: "设计类型", en: "design_type", aliases: []string{"design", "产品类型"}, required: true},
		prTerm:            {zh: "保险期间", en: "term", aliases: []string{"保险期限"}, required: true},
		prRenewal:         {zh: "保证续保", en: "guaranteed_renewal", aliases: []string{"renewal"}},
		prCoolingOff:      {zh: "犹豫期天数", en: "cooling_off_days", aliases: []string{"犹豫期", "犹豫期(天)"}},
		prPreUnderwriting: {zh: "承保前回访", en: "pre_underwriting_callback", aliases: []string{"pre_underwriting"}},
	},
	KindAgents: {
		aCode:   {zh: "业务员代码", en: "agent_code", aliases: []string{"code", "营销员代码", "工号"}, required: true},
		aName:   {zh: "姓名", en: "name", aliases: []string{"业务员姓名", "营销员姓名", "agent_name"}, required: true},
		aPhone:  {zh: "手机号", en: "phone", aliases: []string{"手机号码", "mobile"}, required: true, mask: phoneMask},
		aBranch: {zh: "机构代码", en: "branch_code", aliases: []string{"所属机构代码"}, required: true},
		aRegNo:  {zh: "执业证号", en: "reg_no", aliases: []string{"执业证编号", "license_no"}},
		aStatus: {zh: "状态", en: "status", aliases: []string{"在职状态"}},
	},
	KindOutlets: {
		oCode:   {zh: "网点代码", en: "outlet_code", aliases: []string{"code", "银行网点代码"}, required: true},
		oName:   {zh: "网点名称", en: "outlet_name", aliases: []string{"name", "银行网点名称"}, required: true},
		oBank:   {zh: "所属银行", en: "bank", aliases: []string{"银行"}},
		oBranch: {zh: "机构代码", en: "branch_code", aliases: []string{"所属机构代码"}, required: true},
	},
	KindPolicies: {
		pNo:             {zh: "保单号", en: "policy_no", aliases: []string{"保单号码", "policy_number"}, required: true},
		pProduct:        {zh: "产品代码", en: "product_code", required: true},
		pChannel:        {zh: "销售渠道", en: "channel", aliases: []string{"渠道"}, required: true},
		pBranch:         {zh: "机构代码", en: "branch_code", aliases: []string{"管理机构代码"}, required: true},
		pAgent:          {zh: "业务员代码", en: "agent_code", aliases: []string{"营销员代码"}},
		pOutlet:         {zh: "银行网点代码", en: "outlet_code", aliases: []string{"网点代码"}},
		pHolderName:     {zh: "投保人姓名", en: "holder_name", required: true},
		pHolderID:       {zh: "投保人证件号码", en: "holder_id", aliases: []string{"投保人身份证号", "投保人身份证号码", "holder_id_no"}, required: true, mask: idMask},
		pHolderBirth:    {zh: "投保人出生日期", en: "holder_birth", aliases: []string{"holder_birth_date"}},
		pHolderPhone:    {zh: "投保人手机号", en: "holder_phone", aliases: []string{"投保人手机号码", "holder_mobile"}, required: true, mask: phoneMask},
		pInsuredName:    {zh: "被保险人姓名", en: "insured_name", required: true},
		pApplied:        {zh: "投保日期", en: "applied_on", aliases: []string{"apply_date", "application_date"}, required: true},
		pIssued:         {zh: "承保日期", en: "issued_on", aliases: []string{"issue_date"}, required: true},
		pReceipt:        {zh: "回执签收日期", en: "receipt_on", aliases: []string{"回执签收日", "回执日期", "receipt_date"}, required: true},
		pPremium:        {zh: "保费", en: "premium", aliases: []string{"保费(元)", "保险费", "premium_yuan"}, required: true},
		pPayMode:        {zh: "缴费方式", en: "pay_mode", aliases: []string{"交费方式"}, required: true},
		pPayYears:       {zh: "缴费年期", en: "pay_years", aliases: []string{"交费年期", "缴费期限", "交费期限"}, required: true},
		pTerm:           {zh: "保险期间", en: "term", aliases: []string{"保险期限"}},
		pCallbackMethod: {zh: "回访方式", en: "callback_method", aliases: []string{"客户选择的回访方式"}},
		pStatus:         {zh: "保单状态", en: "policy_status"},
	},
}

// keyColumn is the column whose value must be unique in a file.
var keyColumn = map[Kind]int{KindBranches: bCode, KindProducts: prCode, KindAgents: aCode, KindOutlets: oCode, KindPolicies: pNo}
