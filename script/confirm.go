package script

import (
	"strings"

	"github.com/huifang/huifang"
)

// A re-callback confirms the fix of one problem case (DOMAIN.md §5): it asks
// the policyholder about that problem, not the whole new-business script
// again. Its script is built in, one per problem type, with the code
// ConfirmationPrefix + the type ("re-callback-unclear-rights"): the identity
// question, the question about the problem, and the closing words. An
// answer that the problem remains raises the same type again, which sends
// the case back to its handler.

// ConfirmationPrefix begins the code of every confirmation script.
const ConfirmationPrefix = "re-callback-"

// confirmQuestions are, per problem type, the question a re-callback asks
// (phone; the electronic page and the letter say 请确认 instead), and its
// short title.
var confirmQuestions = map[huifang.ProblemType][2]string{
	huifang.ProblemCannotContact: {"联系确认", "此前我们未能联系到您。请问今后通过这个号码可以联系到您本人吗？"},
	huifang.ProblemFalsePhone:    {"联系电话确认", "您保单上的联系电话已更正为本号码。请问这个号码是您本人在用的电话吗？"},
	huifang.ProblemUnclearRights: {"保险权益确认", "针对您上次回访时不清楚的保险权益，我公司已安排人员向您再次说明。请问您现在对犹豫期、保险责任和退保损失等权益清楚了吗？"},
	huifang.ProblemUnsigned:      {"签名确认", "针对投保材料签名的问题，我公司已安排人员与您核实并补正。请问投保材料现在都是您本人亲笔签名吗？"},
	huifang.ProblemPolicyInfo:    {"保单信息确认", "您上次反映的保单信息错误，我公司已经更正。请问您已收到并核对更正后的保单信息，确认无误吗？"},
	huifang.ProblemComplaint:     {"投诉处理确认", "您上次反映的问题，我公司已经处理并与您联系。请问您对处理结果满意吗？"},
	huifang.ProblemMisleading:    {"销售误导处理确认", "针对您上次反映的销售人员说明与合同不一致的问题，我公司已向您重新说明合同内容并作出处理。请问您现在清楚合同的真实内容，并认可处理结果吗？"},
}

// Confirmation returns the re-callback script for a problem type, or nil
// for a type it does not know.
func Confirmation(t huifang.ProblemType) *Script {
	q, ok := confirmQuestions[t]
	if !ok {
		return nil
	}
	confirm := func(s string) string { // the written form asks to confirm
		s = strings.TrimSuffix(s, "吗？")
		if i := strings.LastIndex(s, "。请问"); i >= 0 {
			s = s[:i] + "。请确认" + strings.TrimPrefix(s[i:], "。请问")
		}
		return s + "。"
	}
	written := func(s string) map[huifang.CallbackMethod]string {
		return map[huifang.CallbackMethod]string{huifang.MethodElectronic: s, huifang.MethodLetter: s}
	}
	return &Script{
		Code: ConfirmationPrefix + string(t), Name: "问题件整改回访确认：" + t.ZH(), Version: 1, Purpose: PurposeRecallback,
		Steps: []Step{
			{ID: "greeting", Kind: KindStatement, Title: "开场问候",
				Text:  "您好！这里是{{insurer_name}}客户服务中心。为了保障您的合法权益，本次通话将全程录音。今天是就您此前反映的问题作回访确认。",
				Texts: written("您好！这里是{{insurer_name}}。请您阅读以下内容，就您此前反映的问题如实确认后提交。")},
			{ID: "identity", Kind: KindQuestion, Title: "投保人本人确认", Text: "请问您是{{holder_name}}先生/女士本人吗？",
				Texts: written("请确认：您是{{holder_name}}先生/女士本人吗？"), Answer: AnswerYesNo, Covers: []Item{ItemIdentity},
				Rules: []Rule{{When: []string{No, Unclear}, End: EndNotPolicyholder}}},
			{ID: "fixed", Kind: KindQuestion, Title: q[0], Text: q[1], Texts: written(confirm(q[1])), Answer: AnswerYesNo,
				Rules: []Rule{{When: []string{No, Unclear}, Problem: t}}},
			{ID: "closing", Kind: KindStatement, Title: "结束语",
				Text:  "感谢您的配合，祝您生活愉快，再见！",
				Texts: written("感谢您的确认。")},
		},
	}
}

// confirmationType is the problem type of a confirmation script's code.
func confirmationType(code string) (huifang.ProblemType, bool) {
	t, ok := strings.CutPrefix(code, ConfirmationPrefix)
	if !ok {
		return "", false
	}
	_, known := confirmQuestions[huifang.ProblemType(t)]
	return huifang.ProblemType(t), known
}
