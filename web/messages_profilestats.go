package web

// Strings of the statistics section of the rule profile.
func init() {
	zh := map[string]string{
		"profile.stats":            "统计报表",
		"profile.stats.value":      "月报期末后 %d 天内、季报 %d 天内、年报 %d 天内报送；目标：回访成功率 %s，问题件处理成功率 %s",
		"profile.stats.hint":       "报送期限按期末后的自然日计算；低于目标的保险公司在监管看板上以红色标出（“双百”标准为 100%）。",
		"profile.stats.month":      "月报报送期限（期末后天数）",
		"profile.stats.quarter":    "季报报送期限（期末后天数）",
		"profile.stats.year":       "年报报送期限（期末后天数）",
		"profile.stats.success":    "回访成功率目标（%）",
		"profile.stats.resolution": "问题件处理成功率目标（%）",
		"profile.stats.target.bad": "请填写 0 以上、不超过 100 的百分数，如 100 或 98.5",
	}
	en := map[string]string{
		"profile.stats":            "Statistics tables",
		"profile.stats.value":      "monthly tables due %d days after the month, quarterly %d days, annual %d days; targets: callback success rate %s, problem-case resolution rate %s",
		"profile.stats.hint":       "Deadlines count calendar days after the period ends; companies below a target are marked red on the regulator's dashboard (the “double 100%” standard is 100%).",
		"profile.stats.month":      "Monthly table due (days after the month)",
		"profile.stats.quarter":    "Quarterly table due (days after the quarter)",
		"profile.stats.year":       "Annual table due (days after the year)",
		"profile.stats.success":    "Callback success rate target (%)",
		"profile.stats.resolution": "Problem-case resolution rate target (%)",
		"profile.stats.target.bad": "Give a percentage above 0 and at most 100, such as 100 or 98.5",
	}
	addMessages(zh, en)
}
