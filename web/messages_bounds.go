package web

// Strings of the documents on a problem case's timeline.
func init() {
	zh := map[string]string{
		"case.evidence.open":  "预览 PDF",
		"case.act.file.types": "PDF、JPEG 或 PNG，按文件内容判断，不看文件名",
	}
	en := map[string]string{
		"case.evidence.open":  "Preview the PDF",
		"case.act.file.types": "PDF, JPEG or PNG, told by the file's content, not its name",
	}
	addMessages(zh, en)
}
