package web

// Strings of the list of policy imports (written in chunks, as stored jobs)
// on the import page.
func init() {
	zh := map[string]string{
		"import.jobs":              "最近的保单导入",
		"import.jobs.hint":         "大文件校验无误后分块写入，每块单独提交，写入期间回访员可照常工作。导入中断（服务停止或进程退出）后，重新导入同一文件即可从中断处继续，已写入的保单不会重复。",
		"import.jobs.started":      "开始时间",
		"import.jobs.source":       "文件",
		"import.jobs.state":        "状态",
		"import.jobs.written":      "已写入",
		"import.jobs.chunks":       "块数",
		"import.jobs.by":           "操作人",
		"import.jobs.note":         "说明",
		"import.jobs.resume":       "重新导入同一文件即可继续",
		"import.state.running":     "写入中",
		"import.state.done":        "已完成",
		"import.state.interrupted": "已中断",
		"import.state.failed":      "失败",
	}
	en := map[string]string{
		"import.jobs":              "Latest policy imports",
		"import.jobs.hint":         "A large file, once checked, is written in chunks that commit separately, so operators keep working during the import. An interrupted import (the server stopped, the process died) resumes where it stopped when the same file is imported again; no policy is written twice.",
		"import.jobs.started":      "Started",
		"import.jobs.source":       "File",
		"import.jobs.state":        "State",
		"import.jobs.written":      "Written",
		"import.jobs.chunks":       "Chunks",
		"import.jobs.by":           "By",
		"import.jobs.note":         "Note",
		"import.jobs.resume":       "import the same file again to continue",
		"import.state.running":     "Writing",
		"import.state.done":        "Done",
		"import.state.interrupted": "Interrupted",
		"import.state.failed":      "Failed",
	}
	addMessages(zh, en)
}
