package web

import "github.com/huifang/huifang"

// Strings of the workbench running a callback script.
func init() {
	zh := map[string]string{
		"work.script":                     "回访话术",
		"work.script.hint":                "按顺序宣读话术并记录客户的回答；客户的回答决定下一步问什么。快捷键：聚焦某一题后按 1、2、3… 选择对应选项，自动跳到下一题。",
		"work.script.read":                "宣读",
		"work.finish.notpolicyholder":     "记录：非投保人接听",
		"work.finish.reschedule":          "预约回访时间",
		"work.script.end.notpolicyholder": "接听人不是投保人本人：请礼貌结束通话，不得透露任何保单信息。提交后记为“非投保人接听”，稍后再拨。",
		"work.script.end.reschedule":      "客户现在不方便：请与客户约定回访时间并填写，提交后按约定时间再拨。",
	}
	en := map[string]string{
		"work.script":                     "Callback script",
		"work.script.hint":                "Read the script in order and record each answer; the answers decide what comes next. Keys: on a focused question press 1, 2, 3… for its answers; focus moves to the next question.",
		"work.script.read":                "Read out",
		"work.finish.notpolicyholder":     "Record: not the policyholder",
		"work.finish.reschedule":          "Schedule the callback",
		"work.script.end.notpolicyholder": "The person is not the policyholder: end the call politely and reveal nothing about any policy. Submitting records a wrong-person attempt; the call is retried later.",
		"work.script.end.reschedule":      "The customer is busy: agree a time and enter it; submitting schedules the callback for then.",
	}
	methodEN := map[huifang.CallbackMethod]string{huifang.MethodPhone: "Phone", huifang.MethodElectronic: "Electronic", huifang.MethodLetter: "Letter", huifang.MethodVisit: "Visit"}
	for _, m := range huifang.CallbackMethods {
		zh["method."+string(m)], en["method."+string(m)] = m.ZH(), methodEN[m]
	}
	addMessages(zh, en)
}
