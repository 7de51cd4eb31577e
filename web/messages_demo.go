package web

// Strings of the demonstration: what its any-hour calling rule says on screen.
func init() {
	zh := map[string]string{
		"demo.anytime": "演示：任何时间均可回访。演示规则允许在任何时间（包括夜间和休息日）拨打；正式的规则只允许在北京时间 09:00–20:00、非休息日拨打客户电话。",
	}
	en := map[string]string{
		"demo.anytime": "Demo: callbacks may be made at any time. The demo's rules allow calls at any hour, rest days included; a real rule profile allows calls to customers only from 09:00 to 20:00 Beijing time, and not on rest days.",
	}
	addMessages(zh, en)
}
