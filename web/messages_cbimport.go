package web

// Strings of the callback-record import (回访记录) on the import pages.
func init() {
	zh := map[string]string{
		"import.hint.callbacks": "自行回访的保险公司在保单导入之后上传回访记录：每行完成一张保单的新单回访，并按所列问题类型开立问题件。",
		"import.cases":          "开立的问题件",
	}
	en := map[string]string{
		"kind.callbacks":        "Callback records",
		"import.hint.callbacks": "Insurers that make callbacks in their own systems upload their callback records after the policies: each row finishes a policy's new-business callback and opens a problem case per listed problem type.",
		"import.cases":          "Problem cases opened",
	}
	addMessages(zh, en)
}
