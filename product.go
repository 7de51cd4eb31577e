package huifang

import "strconv"

// DesignType is a product design type.
type DesignType string

// Product design types.
const (
	DesignTraditional   DesignType = "traditional"       // 传统
	DesignParticipating DesignType = "participating"     // 分红
	DesignUniversal     DesignType = "universal"         // 万能
	DesignInvestment    DesignType = "investment-linked" // 投连
	DesignHealth        DesignType = "health"            // 健康
	DesignAccident      DesignType = "accident"          // 意外
	DesignNonLifeWealth DesignType = "nonlife-wealth"    // 非寿险理财
)

// DesignTypes lists the design types in display order.
var DesignTypes = []DesignType{DesignTraditional, DesignParticipating, DesignUniversal, DesignInvestment, DesignHealth, DesignAccident, DesignNonLifeWealth}

var designZH = map[DesignType]string{
	DesignTraditional: "传统", DesignParticipating: "分红", DesignUniversal: "万能", DesignInvestment: "投连",
	DesignHealth: "健康", DesignAccident: "意外", DesignNonLifeWealth: "非寿险理财",
}

// ZH is the Chinese name used in files; pages show Key through the catalog.
func (d DesignType) ZH() string { return designZH[d] }

// Key is the catalog key of the design type's name (package i18n).
func (d DesignType) Key() string { return "design." + string(d) }

// NewType reports whether returns are uncertain (分红, 万能, 投连).
func (d DesignType) NewType() bool {
	return d == DesignParticipating || d == DesignUniversal || d == DesignInvestment
}

// ParseDesignType accepts the Chinese or English name.
func ParseDesignType(s string) (DesignType, bool) {
	for _, d := range DesignTypes {
		if s == string(d) || s == designZH[d] {
			return d, true
		}
	}
	return "", false
}

// Term is an insurance period: a number of years, or whole life.
type Term struct {
	Years     int
	WholeLife bool
}

// LongerThanOneYear reports whether the term exceeds one year.
func (t Term) LongerThanOneYear() bool { return t.WholeLife || t.Years > 1 }

// String renders the term as in files: "终身" or the number of years.
func (t Term) String() string {
	if t.WholeLife {
		return "终身"
	}
	return strconv.Itoa(t.Years) + "年"
}

// Product is an insurance product sold by an insurer.
type Product struct {
	OrgID             int64
	Code              string
	Name              string
	Design            DesignType
	Term              Term
	GuaranteedRenewal bool
	CoolingOffDays    int
	// PreUnderwritingCallback asks for a callback before underwriting too.
	PreUnderwritingCallback bool
}
