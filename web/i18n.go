package web

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
)

// lang is a language of the user interface.
type lang string

// Languages: Simplified Chinese is the default.
const (
	langZH lang = "zh"
	langEN lang = "en"
)

var langs = []lang{langZH, langEN}

// htmlLang is the value of <html lang>.
func (l lang) htmlLang() string {
	if l == langEN {
		return "en"
	}
	return "zh-CN"
}

const langCookie = "lang"

// langOf picks the language of a request: ?lang= wins (and is remembered in
// a cookie by the caller), then the cookie, then Chinese.
func langOf(r *http.Request) (l lang, fromQuery bool) {
	if q := lang(r.URL.Query().Get("lang")); q == langZH || q == langEN {
		return q, true
	}
	if c, err := r.Cookie(langCookie); err == nil && (lang(c.Value) == langZH || lang(c.Value) == langEN) {
		return lang(c.Value), false
	}
	return langZH, false
}

// messages holds every UI string per language, by key. The Chinese labels of
// domain values (channels, statuses, outcomes, ...) come from the domain
// types' ZH methods, added by init; only their English labels are here.
var messages = map[lang]map[string]string{
	langZH: {
		"app.name":                "回访",
		"app.title":               "保险客户回访系统",
		"nav.overview":            "概览",
		"nav.work":                "工作台",
		"nav.callbacks":           "回访列表",
		"nav.problems":            "问题件",
		"nav.import":              "数据导入",
		"nav.logout":              "退出",
		"nav.lang":                "语言",
		"nav.skip":                "跳到正文",
		"login.title":             "登录",
		"login.login":             "用户名",
		"login.password":          "密码",
		"login.submit":            "登录",
		"login.required":          "请输入用户名和密码",
		"login.failed":            "用户名或密码错误",
		"login.expired":           "登录已过期，请重新登录",
		"error.title":             "出错了",
		"error.internal":          "内部错误，请稍后再试；问题已记录。",
		"error.notfound":          "页面不存在",
		"error.crossorigin":       "请求被拒绝：来自其他网站的提交不被接受。请从本系统页面重新操作。",
		"error.back":              "返回概览",
		"overview.title":          "概览",
		"overview.tally":          "本机构回访统计",
		"overview.open":           "待回访",
		"overview.scheduled":      "已预约",
		"overview.successful":     "回访成功",
		"overview.problems":       "完成但有问题",
		"overview.notcomplete":    "未完成",
		"overview.late":           "逾期完成",
		"overview.overdue":        "已超期未完成",
		"overview.hint":           "点击数字查看对应回访。",
		"overview.welcome":        "欢迎，%s",
		"overview.actions":        "常用操作",
		"overview.gowork":         "进入工作台，领取回访",
		"overview.goimport":       "导入机构、产品、业务员、网点或保单",
		"overview.golist":         "查询和导出回访",
		"overview.goproblems":     "查看问题件",
		"work.title":              "工作台",
		"work.next":               "领取下一个回访",
		"work.next.hint":          "系统按截止日期由近到远分配；客户预约的回访到时优先。",
		"work.nowork":             "目前没有可以拨打的回访。",
		"work.requeued":           "已记录拨打结果（%s）。保单 %s 已放回待拨池，最早于 %s 再次分配。",
		"work.requeued.done":      "保单 %s 的回访已结束：%s。",
		"work.released":           "回访已放回待拨池。",
		"work.callback":           "回访 #%d",
		"work.policy":             "保单信息",
		"work.release":            "放回",
		"work.release.hint":       "暂不处理，放回待拨池",
		"work.leaselost":          "此回访已不在您名下（租约已过期或已被他人领取），不能再记录。请重新领取。",
		"work.phone":              "投保人电话",
		"work.reveal":             "显示号码",
		"work.reveal.hint":        "查看完整号码会记录在审计日志中",
		"work.revealed":           "完整号码（已记录查看）",
		"work.warnings":           "虚假电话风险",
		"work.attempts":           "拨打记录",
		"work.attempts.none":      "尚无拨打记录。",
		"work.attempt":            "记录拨打结果",
		"work.outcome":            "拨打结果",
		"work.schedule":           "约定回访时间（北京时间）",
		"work.schedule.hint":      "仅在选择“客户另约时间”时填写",
		"work.note":               "备注",
		"work.attempt.submit":     "记录",
		"work.items":              "确认事项",
		"work.items.hint":         "逐项宣读并记录客户的回答。快捷键：聚焦某一项后按 1 是 · 2 否 · 3 不清楚，自动跳到下一项。",
		"work.items.answered":     "电话已接通（本人），请逐项确认。",
		"work.finish":             "完成回访",
		"work.result":             "回访结果",
		"work.result.problems":    "已开立的问题件",
		"work.takenext":           "领取下一个回访",
		"work.due.today":          "今天截止",
		"work.due.over":           "已超期 %d 天",
		"work.due.left":           "还剩 %d 天",
		"work.pick":               "请选择拨打结果",
		"work.badtime":            "时间格式不正确",
		"answer.yes":              "是",
		"answer.no":               "否",
		"answer.unclear":          "不清楚",
		"field.policy_no":         "保单号",
		"field.product":           "产品",
		"field.design":            "产品类型",
		"field.channel":           "销售渠道",
		"field.branch":            "机构",
		"field.agent":             "业务员",
		"field.outlet":            "银行网点",
		"field.holder":            "投保人",
		"field.holder_id":         "证件号码",
		"field.insured":           "被保险人",
		"field.applied_on":        "投保日期",
		"field.issued_on":         "承保日期",
		"field.receipt_on":        "回执签收日期",
		"field.due_on":            "回访截止日期",
		"field.premium":           "保费",
		"field.pay":               "交费方式",
		"field.pay_years":         "交费年期",
		"field.years":             "%d年",
		"field.term":              "保险期间",
		"field.status":            "回访状态",
		"field.pstatus":           "处理状态",
		"field.result":            "回访结果",
		"field.reason":            "未完成原因",
		"field.attempts":          "拨打次数",
		"field.late":              "逾期",
		"field.at":                "时间",
		"field.type":              "类型",
		"field.detail":            "说明",
		"field.opened_at":         "开立时间",
		"field.kind":              "回访类型",
		"field.finished_at":       "完成时间",
		"list.title":              "回访列表",
		"list.filter":             "筛选",
		"list.reset":              "清除",
		"list.all":                "全部",
		"list.due_from":           "截止日期从",
		"list.due_to":             "至",
		"list.late":               "仅逾期完成",
		"list.overdue":            "仅已超期未完成",
		"list.empty":              "没有符合条件的回访。",
		"list.total":              "共 %d 条，第 %d / %d 页",
		"list.prev":               "上一页",
		"list.next":               "下一页",
		"list.export":             "导出",
		"list.baddate":            "日期格式应为 YYYY-MM-DD",
		"detail.title":            "回访详情",
		"detail.back":             "返回列表",
		"detail.problems":         "问题件",
		"problems.title":          "问题件",
		"problems.empty":          "没有符合条件的问题件。",
		"problems.count":          "共 %d 件",
		"import.title":            "数据导入",
		"import.kind":             "数据类型",
		"import.file":             "文件（CSV 或 XLSX，最大 200 MB）",
		"import.submit":           "上传并导入",
		"import.hint":             "先导入机构，再导入产品、业务员和银行网点，最后导入保单。文件整体校验通过后才会写入；有错误时一行也不写入。",
		"import.nofile":           "请选择要上传的文件",
		"import.badkind":          "请选择数据类型",
		"import.badext":           "只接受 .csv 或 .xlsx 文件",
		"import.toolarge":         "文件超过 200 MB",
		"import.interrupted":      "上传中断，请重试",
		"import.reselect":         "请重新选择文件。",
		"import.job":              "导入进度",
		"import.source":           "文件",
		"import.phase":            "阶段",
		"import.progress":         "已处理 %v / %v 行",
		"import.checked":          "已检查 %v 行",
		"import.failed":           "导入失败，未写入任何数据。",
		"import.report":           "错误报告：共 %d 行数据，%d 行有错误",
		"import.report.first":     "下表列出前 %d 个错误。",
		"import.report.all":       "下表列出全部 %d 个错误。",
		"import.report.trunc":     "错误过多，报告已截断。",
		"import.report.csv":       "下载完整错误报告（CSV）",
		"import.again":            "修改文件后重新导入",
		"import.done":             "导入完成",
		"import.another":          "导入其他文件",
		"import.rows":             "数据行",
		"import.created":          "新增",
		"import.updated":          "更新",
		"import.unchanged":        "未变化",
		"import.callbacks":        "生成或调整的回访",
		"import.refresh":          "刷新",
		"import.row":              "行号",
		"import.column":           "列",
		"import.value":            "值",
		"import.reason":           "原因",
		"phase.queued":            "等待开始",
		"phase.checking":          "正在检查",
		"phase.writing":           "正在写入",
		"phase.done":              "完成",
		"phase.failed":            "失败",
		"result.":                 "—",
		"pstatus.open":            "待处理",
		"pstatus.resolved":        "已解决",
		"pstatus.closed":          "已关闭",
		"reason.not-policyholder": "非投保人本人",
		"reason.cannot-contact":   "无法联系客户",
		"reason.invalid-number":   "空号或号码错误",
		"reason.refused":          "客户拒绝回访",
		"role.admin":              "系统管理员",
		"role.supervisor":         "监管员",
		"role.insurer-admin":      "公司管理员",
		"role.manager":            "管理人员",
		"role.operator":           "回访员",
		"role.handler":            "问题件处理人",
		"yes":                     "是",
		"no":                      "否",
	},
	langEN: {
		"app.name":                      "Huifang",
		"app.title":                     "Insurance customer callbacks",
		"nav.overview":                  "Overview",
		"nav.work":                      "Workbench",
		"nav.callbacks":                 "Callbacks",
		"nav.problems":                  "Problem cases",
		"nav.import":                    "Import",
		"nav.logout":                    "Log out",
		"nav.lang":                      "Language",
		"nav.skip":                      "Skip to content",
		"login.title":                   "Log in",
		"login.login":                   "Login",
		"login.password":                "Password",
		"login.submit":                  "Log in",
		"login.required":                "Enter your login and password",
		"login.failed":                  "Wrong login or password",
		"login.expired":                 "Your session has expired; please log in again",
		"error.title":                   "Something went wrong",
		"error.internal":                "Internal error; please try again later. The problem was logged.",
		"error.notfound":                "Page not found",
		"error.crossorigin":             "Request refused: submissions from other sites are not accepted. Please start again from a page of this system.",
		"error.back":                    "Back to the overview",
		"overview.title":                "Overview",
		"overview.tally":                "Callbacks of your organisation",
		"overview.open":                 "Open",
		"overview.scheduled":            "Scheduled",
		"overview.successful":           "Successful",
		"overview.problems":             "With problems",
		"overview.notcomplete":          "Not completed",
		"overview.late":                 "Finished late",
		"overview.overdue":              "Overdue",
		"overview.hint":                 "Click a figure to see its callbacks.",
		"overview.welcome":              "Welcome, %s",
		"overview.actions":              "Shortcuts",
		"overview.gowork":               "Open the workbench and take callbacks",
		"overview.goimport":             "Import branches, products, agents, outlets or policies",
		"overview.golist":               "Search and export callbacks",
		"overview.goproblems":           "See the problem cases",
		"work.title":                    "Workbench",
		"work.next":                     "Next callback",
		"work.next.hint":                "Callbacks come earliest deadline first; callbacks scheduled by the customer come first when their time has come.",
		"work.nowork":                   "There is no callback that may be called now.",
		"work.requeued":                 "Attempt recorded (%s). Policy %s went back to the pool; it will be offered again from %s.",
		"work.requeued.done":            "The callback of policy %s has ended: %s.",
		"work.released":                 "The callback went back to the pool.",
		"work.callback":                 "Callback #%d",
		"work.policy":                   "Policy",
		"work.release":                  "Release",
		"work.release.hint":             "Put it back in the pool for now",
		"work.leaselost":                "This callback is no longer yours (the lease expired or someone else took it); nothing more can be recorded. Please take a callback again.",
		"work.phone":                    "Policyholder's phone",
		"work.reveal":                   "Show number",
		"work.reveal.hint":              "Showing the full number is recorded in the audit trail",
		"work.revealed":                 "Full number (view recorded)",
		"work.warnings":                 "False phone number risk",
		"work.attempts":                 "Attempts",
		"work.attempts.none":            "No attempts yet.",
		"work.attempt":                  "Record an attempt",
		"work.outcome":                  "Outcome",
		"work.schedule":                 "Agreed time (Beijing time)",
		"work.schedule.hint":            "Only for “Customer asked for another time”",
		"work.note":                     "Note",
		"work.attempt.submit":           "Record",
		"work.items":                    "Confirmation items",
		"work.items.hint":               "Read each item and record the customer's answer. Keys: on a focused item press 1 yes · 2 no · 3 unclear; focus moves to the next item.",
		"work.items.answered":           "The policyholder answered: confirm the items one by one.",
		"work.finish":                   "Finish callback",
		"work.result":                   "Result",
		"work.result.problems":          "Problem cases opened",
		"work.takenext":                 "Take the next callback",
		"work.due.today":                "due today",
		"work.due.over":                 "%d days overdue",
		"work.due.left":                 "%d days left",
		"work.pick":                     "Choose an outcome",
		"work.badtime":                  "Not a valid time",
		"answer.yes":                    "Yes",
		"answer.no":                     "No",
		"answer.unclear":                "Unclear",
		"field.policy_no":               "Policy no.",
		"field.product":                 "Product",
		"field.design":                  "Design type",
		"field.channel":                 "Channel",
		"field.branch":                  "Branch",
		"field.agent":                   "Agent",
		"field.outlet":                  "Bank outlet",
		"field.holder":                  "Policyholder",
		"field.holder_id":               "ID number",
		"field.insured":                 "Insured",
		"field.applied_on":              "Applied on",
		"field.issued_on":               "Issued on",
		"field.receipt_on":              "Receipt date",
		"field.due_on":                  "Deadline",
		"field.premium":                 "Premium",
		"field.pay":                     "Payment",
		"field.pay_years":               "Payment years",
		"field.years":                   "%d years",
		"field.term":                    "Term",
		"field.status":                  "Status",
		"field.pstatus":                 "Status",
		"field.result":                  "Result",
		"field.reason":                  "Reason",
		"field.attempts":                "Attempts",
		"field.late":                    "Late",
		"field.at":                      "Time",
		"field.type":                    "Type",
		"field.detail":                  "Detail",
		"field.opened_at":               "Opened at",
		"field.kind":                    "Kind",
		"field.finished_at":             "Finished at",
		"list.title":                    "Callbacks",
		"list.filter":                   "Filter",
		"list.reset":                    "Clear",
		"list.all":                      "All",
		"list.due_from":                 "Deadline from",
		"list.due_to":                   "to",
		"list.late":                     "Late only",
		"list.overdue":                  "Overdue only",
		"list.empty":                    "No callback matches.",
		"list.total":                    "%d callbacks, page %d of %d",
		"list.prev":                     "Previous",
		"list.next":                     "Next",
		"list.export":                   "Export",
		"list.baddate":                  "Use the form YYYY-MM-DD",
		"detail.title":                  "Callback",
		"detail.back":                   "Back to the list",
		"detail.problems":               "Problem cases",
		"problems.title":                "Problem cases",
		"problems.empty":                "No problem case matches.",
		"problems.count":                "%d cases",
		"import.title":                  "Import",
		"import.kind":                   "Kind of data",
		"import.file":                   "File (CSV or XLSX, at most 200 MB)",
		"import.submit":                 "Upload and import",
		"import.hint":                   "Import branches first, then products, agents and bank outlets, and policies last. A file is written only when all of it is valid; with any error nothing is written.",
		"import.nofile":                 "Choose a file to upload",
		"import.badkind":                "Choose the kind of data",
		"import.badext":                 "Only .csv and .xlsx files are accepted",
		"import.toolarge":               "The file is larger than 200 MB",
		"import.interrupted":            "The upload was interrupted; please try again",
		"import.reselect":               "Please choose the file again.",
		"import.job":                    "Import progress",
		"import.source":                 "File",
		"import.phase":                  "Phase",
		"import.progress":               "%v of %v rows processed",
		"import.checked":                "%v rows checked",
		"import.failed":                 "The import failed; nothing was written.",
		"import.report":                 "Error report: %d data rows, %d with errors",
		"import.report.first":           "The table lists the first %d errors.",
		"import.report.all":             "The table lists all %d errors.",
		"import.report.trunc":           "Too many errors: the report was truncated.",
		"import.report.csv":             "Download the full error report (CSV)",
		"import.again":                  "Fix the file and import again",
		"import.done":                   "Import finished",
		"import.another":                "Import another file",
		"import.rows":                   "Data rows",
		"import.created":                "Created",
		"import.updated":                "Updated",
		"import.unchanged":              "Unchanged",
		"import.callbacks":              "Callbacks created or moved",
		"import.refresh":                "Refresh",
		"import.row":                    "Row",
		"import.column":                 "Column",
		"import.value":                  "Value",
		"import.reason":                 "Reason",
		"phase.queued":                  "Waiting",
		"phase.checking":                "Checking",
		"phase.writing":                 "Writing",
		"phase.done":                    "Done",
		"phase.failed":                  "Failed",
		"kind.branches":                 "Branches",
		"kind.products":                 "Products",
		"kind.agents":                   "Agents",
		"kind.outlets":                  "Bank outlets",
		"kind.policies":                 "Policies",
		"status.open":                   "Open",
		"status.scheduled":              "Scheduled",
		"status.done":                   "Done",
		"result.":                       "—",
		"result.successful":             "Successful",
		"result.problems":               "With problems",
		"result.not-completed":          "Not completed",
		"pstatus.open":                  "Open",
		"pstatus.resolved":              "Resolved",
		"pstatus.closed":                "Closed",
		"outcome.answered":              "Answered (policyholder)",
		"outcome.no-answer":             "No answer",
		"outcome.busy":                  "Busy",
		"outcome.switched-off":          "Switched off",
		"outcome.invalid":               "Void or wrong number",
		"outcome.wrong-person":          "Someone else answered",
		"outcome.reschedule":            "Customer asked for another time",
		"outcome.refused":               "Refused the callback",
		"reason.not-policyholder":       "Not the policyholder",
		"reason.cannot-contact":         "Cannot contact the customer",
		"reason.invalid-number":         "Void or wrong number",
		"reason.refused":                "The customer refused",
		"callbackkind.new-business":     "New business",
		"callbackkind.pre-underwriting": "Before underwriting",
		"role.admin":                    "Administrator",
		"role.supervisor":               "Supervisor",
		"role.insurer-admin":            "Company administrator",
		"role.manager":                  "Manager",
		"role.operator":                 "Operator",
		"role.handler":                  "Problem-case handler",
		"yes":                           "Yes",
		"no":                            "No",
	},
}

// English names of domain values whose Chinese names the domain package owns.
var (
	channelEN = map[huifang.Channel]string{
		huifang.ChannelAgency: "Agency", huifang.ChannelBank: "Bancassurance", huifang.ChannelBroker: "Broker",
		huifang.ChannelTelesales: "Telesales", huifang.ChannelInternet: "Internet", huifang.ChannelGroup: "Group",
	}
	problemEN = map[huifang.ProblemType]string{
		huifang.ProblemCannotContact: "Cannot contact", huifang.ProblemFalsePhone: "False phone number",
		huifang.ProblemUnclearRights: "Customer unclear about rights", huifang.ProblemUnsigned: "Unsigned or signed by another",
		huifang.ProblemPolicyInfo: "Policy information error", huifang.ProblemComplaint: "Grievance or complaint",
		huifang.ProblemMisleading: "Misleading sale",
	}
	designEN = map[huifang.DesignType]string{
		huifang.DesignTraditional: "Traditional", huifang.DesignParticipating: "Participating", huifang.DesignUniversal: "Universal",
		huifang.DesignInvestment: "Investment-linked", huifang.DesignHealth: "Health", huifang.DesignAccident: "Accident",
		huifang.DesignNonLifeWealth: "Non-life wealth",
	}
	payEN = map[huifang.PayMode]string{
		huifang.PaySingle: "Single premium", huifang.PayAnnual: "Annual", huifang.PaySemiAnnual: "Semi-annual",
		huifang.PayQuarterly: "Quarterly", huifang.PayMonthly: "Monthly",
	}
)

func init() {
	zh, en := messages[langZH], messages[langEN]
	for _, c := range huifang.Channels {
		zh["channel."+string(c)], en["channel."+string(c)] = c.ZH(), channelEN[c]
	}
	for _, p := range huifang.ProblemTypes {
		zh["problem."+string(p)], en["problem."+string(p)] = p.ZH(), problemEN[p]
	}
	for _, d := range huifang.DesignTypes {
		zh["design."+string(d)], en["design."+string(d)] = d.ZH(), designEN[d]
	}
	for _, p := range huifang.PayModes {
		zh["pay."+string(p)], en["pay."+string(p)] = p.ZH(), payEN[p]
	}
	for _, st := range []huifang.CallbackStatus{huifang.StatusOpen, huifang.StatusScheduled, huifang.StatusDone} {
		zh["status."+string(st)] = st.ZH()
	}
	for _, r := range []huifang.CallbackResult{huifang.ResultSuccessful, huifang.ResultProblems, huifang.ResultNotCompleted} {
		zh["result."+string(r)] = r.ZH()
	}
	for _, o := range huifang.AttemptOutcomes {
		zh["outcome."+string(o)] = o.ZH()
	}
	for _, k := range []huifang.CallbackKind{huifang.KindNewBusiness, huifang.KindPreUnderwriting} {
		zh["callbackkind."+string(k)] = k.ZH()
	}
	for _, k := range importer.Kinds {
		zh["kind."+string(k)] = k.ZH()
	}
}

// checkMessages makes sure every language has every key, and no value is empty.
func checkMessages() error {
	base := messages[langZH]
	for _, l := range langs {
		m := messages[l]
		var missing []string
		for k := range base {
			if m[k] == "" {
				missing = append(missing, k)
			}
		}
		for k := range m {
			if _, ok := base[k]; !ok {
				missing = append(missing, k+" (only in "+string(l)+")")
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return fmt.Errorf("web: messages of %s: missing or empty: %v", l, missing)
		}
	}
	return nil
}

// translator renders the strings of one language.
type translator struct{ m map[string]string }

// T gives the string for key, formatted with args when there are any. A
// missing key shows as ⟦key⟧, which tests look for.
func (t translator) T(key string, args ...any) string {
	s, ok := t.m[key]
	if !ok {
		return "⟦" + key + "⟧"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

func tr(l lang) translator { return translator{messages[l]} }
