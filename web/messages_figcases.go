package web

// Strings of the list of problem cases behind a figure.
func init() {
	zh := map[string]string{
		"figcases.title":            "指标对应的问题件",
		"figcases.back":             "返回",
		"figcases.scope":            "%s · 处理时限在 %s 至 %s 的问题件",
		"figcases.outcome":          "统计口径",
		"figcases.outcome.due":      "应办结",
		"figcases.outcome.resolved": "处理成功",
		"figcases.outcome.closed":   "已办结",
		"figcases.outcome.on_time":  "按时办结",
		"figcases.opened":           "开立日期",
		"figcases.done":             "办结时间",
		"figcases.more":             "只列出前 500 件；上方计数为全部。",
		"figcases.empty":            "没有符合条件的问题件。",
	}
	en := map[string]string{
		"figcases.title":            "Problem cases behind a figure",
		"figcases.back":             "Back",
		"figcases.scope":            "%s · problem cases due from %s to %s",
		"figcases.outcome":          "Counted as",
		"figcases.outcome.due":      "Due",
		"figcases.outcome.resolved": "Resolved",
		"figcases.outcome.closed":   "Done",
		"figcases.outcome.on_time":  "Done on time",
		"figcases.opened":           "Opened",
		"figcases.done":             "Done at",
		"figcases.more":             "Only the first 500 are listed; the counts above are of all.",
		"figcases.empty":            "No problem case matches.",
	}
	addMessages(zh, en)
}
