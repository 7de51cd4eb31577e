package huifang

import "time"

// PayMode is how often premiums are paid.
type PayMode string

// Payment modes.
const (
	PaySingle     PayMode = "single"      // 趸交
	PayAnnual     PayMode = "annual"      // 年交
	PaySemiAnnual PayMode = "semi-annual" // 半年交
	PayQuarterly  PayMode = "quarterly"   // 季交
	PayMonthly    PayMode = "monthly"     // 月交
)

// PayModes lists the payment modes.
var PayModes = []PayMode{PaySingle, PayAnnual, PaySemiAnnual, PayQuarterly, PayMonthly}

var payZH = map[PayMode]string{PaySingle: "趸交", PayAnnual: "年交", PaySemiAnnual: "半年交", PayQuarterly: "季交", PayMonthly: "月交"}

// ZH is the Chinese name used in files; pages show Key through the catalog.
func (p PayMode) ZH() string { return payZH[p] }

// Key is the catalog key of the pay mode's name (package i18n).
func (p PayMode) Key() string { return "pay." + string(p) }

// Regular reports whether premiums recur (DOMAIN.md §4 item 7).
func (p PayMode) Regular() bool { return p != PaySingle && p != "" }

// ParsePayMode accepts the Chinese or English name.
func ParsePayMode(s string) (PayMode, bool) {
	for _, p := range PayModes {
		if s == string(p) || s == payZH[p] {
			return p, true
		}
	}
	return "", false
}

// Policy is a new policy loaded by an insurer. Phone and ID numbers are plain in
// memory and encrypted at rest (see package pii).
type Policy struct {
	OrgID       int64
	No          string
	ProductCode string
	Channel     Channel
	BranchCode  string
	AgentCode   string
	OutletCode  string
	HolderName  string
	HolderID    string
	HolderBirth Date
	HolderPhone string
	InsuredName string
	AppliedOn   Date
	IssuedOn    Date
	ReceiptOn   Date // zero while the receipt is not signed
	PremiumFen  int64
	PayMode     PayMode
	PayYears    int
	Term        Term
	// CallbackMethod is how the customer asked to be called back:
	// MethodPhone, MethodElectronic, or "" when they did not say.
	CallbackMethod CallbackMethod
	// Status is whether the policy is in force; "" reads as in force.
	Status    PolicyStatus
	UpdatedAt time.Time
}

// PolicyStatus tells an in-force policy from one that ended before its term:
// only in-force policies become orphan policies when their agent leaves.
type PolicyStatus string

// Policy statuses.
const (
	PolicyInForce   PolicyStatus = "in-force"  // 有效
	PolicyCancelled PolicyStatus = "cancelled" // 退保、撤单、解约、终止
)

// ParsePolicyStatus accepts the Chinese names a policy file uses, or the
// English ones; "" is in force.
func ParsePolicyStatus(s string) (PolicyStatus, bool) {
	switch s {
	case "", "有效", "生效", "正常", "承保", "in-force":
		return PolicyInForce, true
	case "退保", "撤单", "犹豫期撤单", "犹豫期退保", "解约", "终止", "失效", "cancelled":
		return PolicyCancelled, true
	}
	return "", false
}

// InForce reports whether the status is in force.
func (s PolicyStatus) InForce() bool { return s != PolicyCancelled }

// Key is the catalog key of the status's name (package i18n).
func (s PolicyStatus) Key() string {
	if s == PolicyCancelled {
		return "policystatus.cancelled"
	}
	return "policystatus.in-force"
}

// PolicyRecord is a policy as stored: phone and ID numbers encrypted with their
// keyed hashes beside them, a hash of the whole row to tell a changed row from
// an unchanged one, and the callbacks the rules planned for it.
type PolicyRecord struct {
	Policy          // HolderID and HolderPhone are not stored from here
	HolderIDEnc     string
	HolderIDHash    string
	HolderPhoneEnc  string
	HolderPhoneHash string
	RowHash         string
	Plans           []Plan
	// HolderPhoneTailHash is the keyed hash of the phone's last digits
	// (PhoneTail), "" when not computed yet: a background job fills it.
	HolderPhoneTailHash string
	// PhoneChangedAt is when an import last changed the phone number;
	// zero if never (read only: the import keeps it).
	PhoneChangedAt time.Time
}

// PhoneTail is a policy's sealed phone and the keyed hash of its last
// digits, by which staff search callbacks (the digits are never stored).
type PhoneTail struct {
	OrgID    int64
	PolicyNo string
	PhoneEnc string
	TailHash string
}

// Plan is a callback the rules say a policy needs.
type Plan struct {
	Kind  CallbackKind
	DueOn Date
}
