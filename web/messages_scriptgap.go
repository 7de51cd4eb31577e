package web

// Strings of callbacks whose script cannot be completed (a variable without a
// value, no script for the policy).
func init() {
	zh := map[string]string{
		"gap.title":        "话术不完整，不能回访",
		"gap.done":         "这条回访已完成，但它的话术现在无法完整显示：",
		"overview.blocked": "话术不完整，暂停回访",
		"gap.hint":         "这条回访不会分配给坐席，也不会发送电子化回访链接或用于信函回访，直到上述问题解决（例如导入缺少的营销员、更正保单、设置客服电话或启用适用的话术）。问题解决后系统会在几分钟内自动恢复回访。",
	}
	en := map[string]string{
		"gap.title":        "The script is incomplete: no callback can be made",
		"gap.done":         "This callback is done, but its script can no longer be shown in full:",
		"gap.hint":         "This callback is handed to no operator, sent as no electronic link and used for no letter until the problem above is fixed (import the missing agent, correct the policy, set the service phone or activate a script that applies). Once it is fixed, the callback returns to the pool within minutes.",
		"status.blocked":   "Script incomplete, on hold",
		"overview.blocked": "Script incomplete, on hold",
	}
	addMessages(zh, en)
}
