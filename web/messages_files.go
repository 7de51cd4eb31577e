package web

// Strings of the import pages about how a file was read.
func init() {
	zh := map[string]string{
		"import.headerrow": "表头在第 %d 行：上面的标题或说明行没有读入。",
	}
	en := map[string]string{
		"import.headerrow": "The header is on row %d: the title or note rows above it were skipped.",
	}
	addMessages(zh, en)
}
