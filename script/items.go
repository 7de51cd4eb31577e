package script

import (
	"fmt"
	"slices"

	"github.com/huifang/huifang"
)

// Item is a mandatory confirmation item (DOMAIN.md §4) a step can be tagged
// with. The values are stored in script files, so they never change.
type Item string

// The seven national items, in their national order.
const (
	ItemIdentity   Item = "identity"              // 1. the person answering is the policyholder
	ItemSigned     Item = "signed"                // 2. bought it; policyholder and insured signed personally
	ItemBrochure   Item = "brochure"              // 3. read and understood the brochure and the application warning
	ItemCover      Item = "cover-exclusions-term" // 4. cover, exclusions, policy term
	ItemSurrender  Item = "surrender-loss"        // 5. the loss on surrender
	ItemCoolingOff Item = "cooling-off"           // 6. the cooling-off period and the rights in it
	ItemPayment    Item = "payment"               // 7. payment term and frequency (regular premiums)
)

// Product, channel and sale additions, and the orphan callback's own item.
const (
	ItemNotDeposit    Item = "not-deposit"            // bancassurance: insurance, not a deposit nor a bank gift
	ItemParticipating Item = "participating-risk"     // participating: dividends are not guaranteed
	ItemUniversal     Item = "universal-risk"         // universal: only the minimum rate is guaranteed; charges
	ItemInvestment    Item = "investment-risk"        // investment-linked: returns uncertain, may be negative, own risk
	ItemHealth        Item = "health-waiting-renewal" // health: waiting period and renewal conditions
	ItemVideo         Item = "video-recording"        // sales recorded on video: accepted it, said the truth
	ItemOrphanService Item = "orphan-service"         // orphan policies: who services the policy now, how to get service
)

// Items lists every item in display order.
var Items = []Item{
	ItemIdentity, ItemSigned, ItemBrochure, ItemCover, ItemSurrender, ItemCoolingOff, ItemPayment,
	ItemNotDeposit, ItemParticipating, ItemUniversal, ItemInvestment, ItemHealth, ItemVideo, ItemOrphanService,
}

// National lists the seven national items.
var National = Items[:7]

var itemZH = map[Item]string{
	ItemIdentity:      "投保人本人确认",
	ItemSigned:        "本人投保并亲笔签名",
	ItemBrochure:      "阅读并理解产品说明书和投保提示",
	ItemCover:         "清楚保险责任、责任免除和保险期间",
	ItemSurrender:     "清楚退保损失",
	ItemCoolingOff:    "清楚犹豫期及其权利",
	ItemPayment:       "清楚交费期间和交费频率",
	ItemNotDeposit:    "清楚是保险而非银行存款或礼品",
	ItemParticipating: "清楚分红不确定",
	ItemUniversal:     "清楚万能险仅保证最低利率及各项费用",
	ItemInvestment:    "清楚投连险收益不确定、风险自担",
	ItemHealth:        "清楚健康险等待期和续保条件",
	ItemVideo:         "确认接受双录且所述属实",
	ItemOrphanService: "知悉保单后续服务安排",
}

// Valid reports whether it is a known item.
func (it Item) Valid() bool { return itemZH[it] != "" }

// ZH is the item's Chinese name.
func (it Item) ZH() string { return itemZH[it] }

// Key is the catalog key of the item's name (package i18n).
func (it Item) Key() string { return "scripts.item." + string(it) }

// National returns 1..7 for the national items, 0 for the others.
func (it Item) National() int {
	if i := slices.Index(National, it); i >= 0 {
		return i + 1
	}
	return 0
}

// Label names the item as handlers and the regulator do: national items with
// their number, 第5项“清楚退保损失”; the others “清楚分红不确定”.
func (it Item) Label() string {
	if n := it.National(); n > 0 {
		return fmt.Sprintf("第%d项“%s”", n, it.ZH())
	}
	return "“" + it.ZH() + "”"
}

// Required lists what a new-business script for a product line must cover,
// in the order of Items. An empty design or channel list means the script is
// for any, so it must cover what any of them requires.
//
//   - The seven national items, always. Item 7 (payment term and frequency)
//     is national only for regular premiums, but a script serves a product
//     line, which may be sold with single or regular premiums, so it always
//     has a payment step; its text uses {{pay_mode}} and {{pay_years}}, so a
//     single-premium customer simply confirms the one-off payment.
//   - Bancassurance: not-deposit, because bank customers are the ones told
//     (or led to believe) that a policy is a deposit, a wealth product or a
//     bank gift.
//   - Participating, universal, investment-linked: their risk warning, since
//     their returns are uncertain (the "new-type" products).
//   - Health: the waiting period and the renewal conditions, the two things
//     that most often surprise a claimant of a long-term health policy.
//   - Sales recorded on video (双录): that the customer accepted the recording
//     and what they said in it was true, or the recording proves nothing.
//
// Accident and non-life wealth-management products add nothing beyond the
// national items and their channel's additions.
func Required(design huifang.DesignType, channels []huifang.Channel, videoRecorded bool) []Item {
	need := map[Item]bool{}
	for _, it := range National {
		need[it] = true
	}
	if len(channels) == 0 || slices.Contains(channels, huifang.ChannelBank) {
		need[ItemNotDeposit] = true
	}
	anyDesign := design == ""
	if anyDesign || design == huifang.DesignParticipating {
		need[ItemParticipating] = true
	}
	if anyDesign || design == huifang.DesignUniversal {
		need[ItemUniversal] = true
	}
	if anyDesign || design == huifang.DesignInvestment {
		need[ItemInvestment] = true
	}
	if anyDesign || design == huifang.DesignHealth {
		need[ItemHealth] = true
	}
	if videoRecorded {
		need[ItemVideo] = true
	}
	return inOrder(need)
}

// RequiredOrphan lists what an orphan-policy callback must cover: identity
// (nothing about the policy may be said to anyone else) and the servicing
// arrangements (DOMAIN.md §6). The sale itself was confirmed by the
// new-business callback.
func RequiredOrphan(videoRecorded bool) []Item {
	need := map[Item]bool{ItemIdentity: true, ItemOrphanService: true}
	if videoRecorded {
		// A video-recorded orphan script makes no sense, but if marked so it
		// must confirm the recording like any other.
		need[ItemVideo] = true
	}
	return inOrder(need)
}

// Required lists what the script must cover: RequiredOrphan for orphan
// callbacks, Required for its product line otherwise (a re-callback confirms
// the same items as the new-business callback it repeats).
func (s *Script) Required() []Item {
	if s.Purpose == PurposeOrphan {
		return RequiredOrphan(s.VideoRecorded)
	}
	return Required(s.Design, s.Channels, s.VideoRecorded)
}

func inOrder(need map[Item]bool) []Item {
	var out []Item
	for _, it := range Items {
		if need[it] {
			out = append(out, it)
		}
	}
	return out
}
