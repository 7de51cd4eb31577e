package huifang

import "time"

// SpotCheck is a regulator's sample of the due callbacks of a period (抽查,
// DOMAIN.md §8, docs/spot-checks.md). It records everything the draw used,
// so that drawing again with its parameters gives the same items.
type SpotCheck struct {
	ID          int64
	RegulatorID int64
	Period      string   // as the statistics write it: 2026-03, 2026-Q1, 2026
	Companies   []string // the insurers' codes, sorted
	RateBP      int      // the sampling rate in basis points (50 = 0.5%)
	Min         int      // the minimum size
	Seed        uint64   // the random start's seed
	Population  int      // the due callbacks the sample was drawn from
	Size        int
	DrawnBy     string
	DrawnByID   int64
	DrawnAt     time.Time
	// Progress, filled by finds and lists: items with a verdict.
	Decided int
}

// SpotCheckItem is one sampled callback and the verdict on it.
type SpotCheckItem struct {
	ID          int64
	SpotCheckID int64
	CallbackID  int64
	OrgID       int64  // the insurer
	OrgCode     string // filled by reads
	PolicyNo    string
	Channel     ChannelClass
	Product     ProductClass
	HadProblem  bool // the callback opened a problem case before the draw
	Result      CallbackResult
	AssigneeID  int64 // the supervisor who is to check it; 0: whoever drew it
	Assignee    string
	Verdict     Verdict // "" while unchecked
	Note        string
	VerdictBy   string
	VerdictByID int64
	VerdictAt   time.Time
	CaseID      int64 // the problem case the verdict opened at the company
}

// ChannelClass is the sales-channel class a sample is stratified by.
type ChannelClass string

// Channel classes.
const (
	ClassAgency       ChannelClass = "agency"        // 个险
	ClassBank         ChannelClass = "bancassurance" // 银保
	ClassOtherChannel ChannelClass = "other"         // 其他渠道
)

// ChannelClasses lists the channel classes.
var ChannelClasses = []ChannelClass{ClassAgency, ClassBank, ClassOtherChannel}

// ChannelClassOf is the class of a sales channel.
func ChannelClassOf(c Channel) ChannelClass {
	switch c {
	case ChannelAgency:
		return ClassAgency
	case ChannelBank:
		return ClassBank
	}
	return ClassOtherChannel
}

var channelClassZH = map[ChannelClass]string{ClassAgency: "个险", ClassBank: "银保", ClassOtherChannel: "其他"}

// ZH is the Chinese name written in exports.
func (c ChannelClass) ZH() string { return channelClassZH[c] }

// Key is the catalog key of the class's name (package i18n).
func (c ChannelClass) Key() string { return "chclass." + string(c) }

// ProductClass is the product class a sample is stratified by.
type ProductClass string

// Product classes.
const (
	ClassParticipating ProductClass = "participating"     // 分红
	ClassUniversal     ProductClass = "universal"         // 万能
	ClassInvestment    ProductClass = "investment-linked" // 投连
	ClassOtherProduct  ProductClass = "other"             // 其他
)

// ProductClasses lists the product classes.
var ProductClasses = []ProductClass{ClassParticipating, ClassUniversal, ClassInvestment, ClassOtherProduct}

// ProductClassOf is the class of a product design type.
func ProductClassOf(d DesignType) ProductClass {
	switch d {
	case DesignParticipating:
		return ClassParticipating
	case DesignUniversal:
		return ClassUniversal
	case DesignInvestment:
		return ClassInvestment
	}
	return ClassOtherProduct
}

var productClassZH = map[ProductClass]string{ClassParticipating: "分红", ClassUniversal: "万能", ClassInvestment: "投连", ClassOtherProduct: "其他"}

// ZH is the Chinese name written in exports.
func (c ProductClass) ZH() string { return productClassZH[c] }

// Key is the catalog key of the class's name (package i18n).
func (c ProductClass) Key() string { return "prclass." + string(c) }

// Verdict is a supervisor's finding on a sampled callback.
type Verdict string

// Verdicts (DOMAIN.md §8).
const (
	VerdictConsistent        Verdict = "consistent"          // 一致
	VerdictInconsistent      Verdict = "inconsistent"        // 不一致
	VerdictNotPolicyholder   Verdict = "not-policyholder"    // 非投保人本人
	VerdictScriptNotFollowed Verdict = "script-not-followed" // 未按话术回访
)

// Verdicts lists the verdicts.
var Verdicts = []Verdict{VerdictConsistent, VerdictInconsistent, VerdictNotPolicyholder, VerdictScriptNotFollowed}

var verdictZH = map[Verdict]string{VerdictConsistent: "一致", VerdictInconsistent: "不一致", VerdictNotPolicyholder: "非投保人本人",
	VerdictScriptNotFollowed: "未按话术回访"}

// ParseVerdict accepts a verdict's English name; ok is false otherwise.
func ParseVerdict(s string) (Verdict, bool) {
	if verdictZH[Verdict(s)] != "" {
		return Verdict(s), true
	}
	return "", false
}

// ZH is the Chinese name written in exports.
func (v Verdict) ZH() string { return verdictZH[v] }

// Key is the catalog key of the verdict's name (package i18n).
func (v Verdict) Key() string { return "verdict." + string(v) }

// Finding reports whether the verdict finds the callback wrong: the company
// is notified and a problem case is opened there.
func (v Verdict) Finding() bool { return v != "" && v != VerdictConsistent }

// CaseType is the problem-case type a finding opens at the company
// (docs/spot-checks.md): the answers do not match what the customer says →
// misleading sale; someone else answered → a false phone number; the script
// was not followed → the customer does not know their rights.
func (v Verdict) CaseType() ProblemType {
	switch v {
	case VerdictInconsistent:
		return ProblemMisleading
	case VerdictNotPolicyholder:
		return ProblemFalsePhone
	case VerdictScriptNotFollowed:
		return ProblemUnclearRights
	}
	return ""
}

// SpotCheckItemFilter selects items of one sample.
type SpotCheckItemFilter struct {
	RegulatorID int64
	SpotCheckID int64
	OrgIDs      []int64 // the companies the reader oversees; required
	OrgID       int64   // one company
	Verdict     Verdict // "none": not yet checked
	AssigneeID  int64
	Limit       int
	Offset      int
}

// VerdictNone is the filter value for items still without a verdict.
const VerdictNone Verdict = "none"

// SpotCheckProgress counts a sample's items by verdict.
type SpotCheckProgress struct {
	Size    int
	Decided int
	By      map[Verdict]int
}

// Consistency is one company's verdicts over a regulator's samples.
type Consistency struct {
	OrgID      int64
	OrgCode    string
	Verdicts   int
	Consistent int
}

// RateBP is consistent ÷ verdicts in basis points; -1 without verdicts.
func (c Consistency) RateBP() int {
	if c.Verdicts == 0 {
		return -1
	}
	return c.Consistent * 10000 / c.Verdicts
}
