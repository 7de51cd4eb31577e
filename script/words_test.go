package script

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

// zhWords is the Chinese catalog's phrasing of the keys Words uses; a key
// it lacks shows as ⟦key⟧, as the web translator does.
type zhWords map[string]string

func (m zhWords) T(key string, args ...any) string {
	s, ok := m[key]
	if !ok {
		return "⟦" + key + "⟧"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

var zh = zhWords{
	"answer.yes": "是", "answer.no": "否", "answer.unclear": "不清楚",
	"scripts.answer.yes-no-unclear": "回答：是 / 否 / 不清楚", "scripts.answer.choice": "回答：单选",
	"scripts.answer.date": "回答：日期", "scripts.answer.text": "回答：文字",
	"scripts.rule.quote": "“%s”", "scripts.rule.when": "回答%s", "scripts.rule.or": "或", "scripts.rule.sep": "、",
	"scripts.rule.any": "任何回答", "scripts.rule.other": "其他回答", "scripts.rule.problem": "问题件：%s",
	"scripts.rule.goto": "跳到第 %d 步", "scripts.rule.next": "继续下一步",
	"scripts.rule.end.not-policyholder": "结束通话：非投保人本人", "scripts.rule.end.reschedule": "结束通话：客户另约时间",
	"problem.unsigned": "投保材料未签名或代签名", "problem.unclear-rights": "客户不清楚保险权益",
	"problem.policy-info": "保单信息错误", "problem.cannot-contact": "无法联系客户", "problem.false-phone": "提供不真实电话",
	"problem.complaint": "客户抱怨及投诉", "problem.misleading-sale": "销售误导", "scripts.answer.number": "回答：数字",
}

// TestWords pins the words of every kind of rule: answers named and joined,
// the answers no rule matches last, Other, typed answers, gotos and ends.
func TestWords(t *testing.T) {
	sc := &Script{Steps: []Step{
		{ID: "hello", Kind: KindStatement, Title: "问候", Text: "您好，{{ holder_name }}，我是{{insurer_name}}的回访专员。"},
		{ID: "identity", Kind: KindQuestion, Title: "身份", Text: "请问是{{holder_name}}本人吗？", Answer: AnswerYesNo,
			Rules: []Rule{{When: []string{No, Unclear}, End: EndNotPolicyholder}}},
		{ID: "signed", Kind: KindQuestion, Title: "签名", Text: "投保单是您亲笔签名的吗？", Answer: AnswerYesNo, Covers: []Item{ItemSigned},
			Rules: []Rule{{When: []string{No}, Problem: huifang.ProblemUnsigned, Goto: "bye"}, {When: []string{Other}, Problem: huifang.ProblemUnclearRights}}},
		{ID: "time", Kind: KindQuestion, Title: "方便", Text: "现在方便吗？", Answer: AnswerChoice, Choices: []string{"方便", "不方便", "稍后"},
			Rules: []Rule{{When: []string{"不方便"}, End: EndReschedule}}},
		{ID: "when", Kind: KindQuestion, Title: "日期", Text: "您哪天签收的回执？", Answer: AnswerDate,
			Rules: []Rule{{When: []string{Other}, Problem: huifang.ProblemPolicyInfo}}},
		{ID: "note", Kind: KindQuestion, Title: "意见", Text: "还有什么意见？", Answer: AnswerText,
			Rules: []Rule{{When: nil}}},
		{ID: "free", Kind: KindQuestion, Title: "补充", Text: "{{unknown_var}}", Answer: AnswerText},
		{ID: "bye", Kind: KindStatement, Title: "结束", Text: "感谢您的接听。"},
	}}
	next := Effect{Kind: "next", Text: "继续下一步"}
	want := []StepWords{
		{N: 1, ID: "hello", Anchor: "step-hello", Title: "问候", Text: []TextPart{
			{Text: "您好，"}, {Var: "holder_name", Label: "投保人姓名"}, {Text: "，我是"}, {Var: "insurer_name", Label: "保险公司名称"}, {Text: "的回访专员。"}}},
		{N: 2, ID: "identity", Anchor: "step-identity", Title: "身份", Question: true,
			Text:   []TextPart{{Text: "请问是"}, {Var: "holder_name", Label: "投保人姓名"}, {Text: "本人吗？"}},
			Answer: "回答：是 / 否 / 不清楚",
			Rules: []RuleWords{
				{When: "回答“否”或“不清楚”", Effects: []Effect{{Kind: "end", Text: "结束通话：非投保人本人"}}},
				{When: "回答“是”", Effects: []Effect{next}, Rest: true},
			}},
		{N: 3, ID: "signed", Anchor: "step-signed", Title: "签名", Question: true, Text: []TextPart{{Text: "投保单是您亲笔签名的吗？"}},
			Answer: "回答：是 / 否 / 不清楚", Covers: []Item{ItemSigned},
			Rules: []RuleWords{
				{When: "回答“否”", Effects: []Effect{{Kind: "problem", Text: "问题件：投保材料未签名或代签名"}, {Kind: "goto", Text: "跳到第 8 步", Href: "#step-bye"}}},
				{When: "其他回答", Effects: []Effect{{Kind: "problem", Text: "问题件：客户不清楚保险权益"}}},
			}},
		{N: 4, ID: "time", Anchor: "step-time", Title: "方便", Question: true, Text: []TextPart{{Text: "现在方便吗？"}},
			Answer: "回答：单选", Choices: []string{"方便", "不方便", "稍后"},
			Rules: []RuleWords{
				{When: "回答“不方便”", Effects: []Effect{{Kind: "end", Text: "结束通话：客户另约时间"}}},
				{When: "回答“方便”或“稍后”", Effects: []Effect{next}, Rest: true},
			}},
		{N: 5, ID: "when", Anchor: "step-when", Title: "日期", Question: true, Text: []TextPart{{Text: "您哪天签收的回执？"}},
			Answer: "回答：日期",
			Rules:  []RuleWords{{When: "任何回答", Effects: []Effect{{Kind: "problem", Text: "问题件：保单信息错误"}}}}},
		{N: 6, ID: "note", Anchor: "step-note", Title: "意见", Question: true, Text: []TextPart{{Text: "还有什么意见？"}},
			Answer: "回答：文字",
			Rules: []RuleWords{
				{When: "任何回答", Effects: []Effect{next}},
				{When: "其他回答", Effects: []Effect{next}, Rest: true},
			}},
		{N: 7, ID: "free", Anchor: "step-free", Title: "补充", Question: true, Text: []TextPart{{Var: "unknown_var", Label: "unknown_var"}},
			Answer: "回答：文字",
			Rules:  []RuleWords{{When: "任何回答", Effects: []Effect{next}, Rest: true}}},
		{N: 8, ID: "bye", Anchor: "step-bye", Title: "结束", Text: []TextPart{{Text: "感谢您的接听。"}}},
	}
	got, questions := Words(zh, sc)
	if questions != 6 {
		t.Errorf("questions = %d, want 6", questions)
	}
	if len(got) != len(want) {
		t.Fatalf("%d steps, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("step %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
		}
	}
}

// TestWordsOfLibrary: every shipped script reads without a missing key, and
// a goto names the number of the step it links to.
func TestWordsOfLibrary(t *testing.T) {
	for _, sc := range Library() {
		steps, _ := Words(zh, sc)
		n := map[string]int{}
		for _, st := range steps {
			n["#"+st.Anchor] = st.N
		}
		for _, st := range steps {
			if strings.Contains(st.Answer, "⟦") {
				t.Errorf("%s %s: answer %q", sc.Code, st.ID, st.Answer)
			}
			for _, r := range st.Rules {
				if strings.Contains(r.When, "⟦") {
					t.Errorf("%s %s: when %q", sc.Code, st.ID, r.When)
				}
				for _, e := range r.Effects {
					if strings.Contains(e.Text, "⟦") {
						t.Errorf("%s %s: effect %q", sc.Code, st.ID, e.Text)
					}
					if e.Kind == "goto" && e.Text != fmt.Sprintf("跳到第 %d 步", n[e.Href]) {
						t.Errorf("%s %s: %q links to %s", sc.Code, st.ID, e.Text, e.Href)
					}
				}
			}
		}
	}
}

// TestTextPartsUnclosed: a text whose {{ is not closed stays words.
func TestTextPartsUnclosed(t *testing.T) {
	got := TextParts("保费{{premium 元")
	if want := []TextPart{{Text: "保费{{premium 元"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if got := TextParts(""); got != nil {
		t.Fatalf("empty text: %+v", got)
	}
}
