package callback

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
)

// bankUniversal is a bancassurance universal policy with regular premiums:
// it has every kind of item but the health ones.
func bankUniversal() []Item {
	p := huifang.Policy{Channel: huifang.ChannelBank, HolderName: "王芳", PayMode: huifang.PayAnnual, PayYears: 5, PremiumFen: 1000000}
	return Items(p, huifang.Product{Name: "鑫利", Design: huifang.DesignUniversal, Term: huifang.Term{Years: 10}})
}

// fine answers every item as expected, then applies changes.
func fine(items []Item, changes map[string]huifang.Answer) map[string]huifang.Answer {
	a := make(map[string]huifang.Answer, len(items))
	for _, it := range items {
		a[it.Key] = it.Expect
	}
	for k, v := range changes {
		if v == "" {
			delete(a, k)
		} else {
			a[k] = v
		}
	}
	return a
}

func TestEvaluate(t *testing.T) {
	items := bankUniversal()
	const yes, no, unclear = huifang.AnswerYes, huifang.AnswerNo, huifang.AnswerUnclear
	tests := []struct {
		name    string
		answers map[string]huifang.Answer
		result  huifang.CallbackResult
		reason  string
		types   []huifang.ProblemType
		details []string // substrings of each problem's detail
	}{
		{"all fine", fine(items, nil), huifang.ResultSuccessful, "", nil, nil},
		{"not the policyholder", map[string]huifang.Answer{KeyPolicyholder: no}, huifang.ResultNotCompleted, ReasonNotPolicyholder, nil, nil},
		{"identity unclear", map[string]huifang.Answer{KeyPolicyholder: unclear}, huifang.ResultNotCompleted, ReasonNotPolicyholder, nil, nil},
		{"not the policyholder, other answers ignored", fine(items, map[string]huifang.Answer{KeyPolicyholder: no, KeySigned: no}),
			huifang.ResultNotCompleted, ReasonNotPolicyholder, nil, nil},
		{"unsigned", fine(items, map[string]huifang.Answer{KeySigned: no}), huifang.ResultProblems, "",
			[]huifang.ProblemType{huifang.ProblemUnsigned}, []string{"第2项“本人投保并亲笔签名”（否）"}},
		{"unclear answer", fine(items, map[string]huifang.Answer{KeySurrender: unclear}), huifang.ResultProblems, "",
			[]huifang.ProblemType{huifang.ProblemUnclearRights}, []string{"第5项“清楚退保损失”（不清楚）"}},
		{"several of one type make one problem", fine(items, map[string]huifang.Answer{KeyBrochure: no, KeyCoolingOff: unclear, KeyNotDeposit: no, KeyUniversal: unclear}),
			huifang.ResultProblems, "", []huifang.ProblemType{huifang.ProblemUnclearRights},
			[]string{"第3项“阅读并理解产品说明书和投保提示”（否）；第6项“清楚犹豫期及其权利”（不清楚）；“清楚是保险而非银行存款或礼品”（否）；“清楚万能险仅保证最低利率及各项费用”（不清楚）"}},
		{"misleading: yes is the bad answer", fine(items, map[string]huifang.Answer{KeyMisleading: yes}), huifang.ResultProblems, "",
			[]huifang.ProblemType{huifang.ProblemMisleading}, []string{"“销售人员承诺收益或称是存款”（是）"}},
		{"complaint unclear", fine(items, map[string]huifang.Answer{KeyComplaint: unclear}), huifang.ResultProblems, "",
			[]huifang.ProblemType{huifang.ProblemComplaint}, []string{"（不清楚）"}},
		{"problems in the order of huifang.ProblemTypes", fine(items, map[string]huifang.Answer{
			KeyComplaint: yes, KeyMisleading: yes, KeyPolicyInfo: no, KeySigned: no, KeyPayment: no, KeyCover: unclear}),
			huifang.ResultProblems, "",
			[]huifang.ProblemType{huifang.ProblemUnclearRights, huifang.ProblemUnsigned, huifang.ProblemPolicyInfo, huifang.ProblemComplaint, huifang.ProblemMisleading},
			[]string{"第4项“清楚保险责任、责任免除和保险期间”（不清楚）；第7项“清楚交费期间和交费频率”（否）", "第2项", "“保费、交费方式及保险期间无误”（否）", "投诉", "存款"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Evaluate(items, tt.answers)
			if err != nil {
				t.Fatal(err)
			}
			if got.Result != tt.result || got.Reason != tt.reason {
				t.Errorf("result %q reason %q, want %q %q", got.Result, got.Reason, tt.result, tt.reason)
			}
			var types []huifang.ProblemType
			for _, p := range got.Problems {
				types = append(types, p.Type)
			}
			if !reflect.DeepEqual(types, tt.types) {
				t.Fatalf("problem types %v, want %v", types, tt.types)
			}
			for i, d := range tt.details {
				if !strings.Contains(got.Problems[i].Detail, d) {
					t.Errorf("problem %d detail %q lacks %q", i, got.Problems[i].Detail, d)
				}
			}
			if got.WrongPerson() != (tt.reason == ReasonNotPolicyholder) {
				t.Errorf("WrongPerson = %v", got.WrongPerson())
			}
		})
	}
}

func TestEvaluateInvalid(t *testing.T) {
	items := bankUniversal()
	tests := []struct {
		name    string
		answers map[string]huifang.Answer
		message []string // substrings of the message
		fields  []huifang.FieldError
	}{
		{"nothing answered", nil, []string{"尚未回答", "投保人本人确认"}, nil},
		{"two missing", fine(items, map[string]huifang.Answer{KeySurrender: "", KeyComplaint: ""}),
			[]string{"以下确认事项尚未回答：清楚退保损失、对销售过程有抱怨或投诉"},
			[]huifang.FieldError{{Field: KeySurrender, Reason: "未回答"}, {Field: KeyComplaint, Reason: "未回答"}}},
		{"identity confirmed, rest missing", map[string]huifang.Answer{KeyPolicyholder: huifang.AnswerYes}, []string{"尚未回答", "本人投保并亲笔签名"}, nil},
		{"unknown key", fine(items, map[string]huifang.Answer{"health-waiting": huifang.AnswerYes, "zz": huifang.AnswerNo}),
			[]string{"未知的确认事项：health-waiting、zz"},
			[]huifang.FieldError{{Field: "health-waiting", Reason: "未知的确认事项"}, {Field: "zz", Reason: "未知的确认事项"}}},
		{"unknown key with identity denied", map[string]huifang.Answer{KeyPolicyholder: huifang.AnswerNo, "zz": huifang.AnswerNo},
			[]string{"未知的确认事项：zz"}, nil},
		{"invalid answer", fine(items, map[string]huifang.Answer{KeyCover: "maybe"}),
			[]string{"答案无效", "清楚保险责任、责任免除和保险期间"}, []huifang.FieldError{{Field: KeyCover, Reason: "答案无效"}}},
		{"invalid identity answer", map[string]huifang.Answer{KeyPolicyholder: "Yes"}, []string{"答案无效", "投保人本人确认"}, nil},
		{"unknown and invalid together", fine(items, map[string]huifang.Answer{"zz": huifang.AnswerYes, KeyCover: "是"}),
			[]string{"未知的确认事项：zz", "答案无效"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Evaluate(items, tt.answers)
			var e *huifang.Error
			if !errors.As(err, &e) || e.Code != huifang.EINVALID {
				t.Fatalf("error = %v, want an EINVALID *huifang.Error", err)
			}
			for _, m := range tt.message {
				if !strings.Contains(e.Message, m) {
					t.Errorf("message %q lacks %q", e.Message, m)
				}
			}
			if tt.fields != nil && !reflect.DeepEqual(e.Fields, tt.fields) {
				t.Errorf("fields %v, want %v", e.Fields, tt.fields)
			}
		})
	}
}

func TestAfterAttempt(t *testing.T) {
	twoDays := []time.Time{at(t, "2026-03-03 10:00:00"), at(t, "2026-03-04 14:00:00")}
	sameSlot := []time.Time{at(t, "2026-03-03 10:00:00"), at(t, "2026-03-04 10:00:00")}
	third := at(t, "2026-03-05 10:00:00")
	cannot := []huifang.ProblemType{huifang.ProblemCannotContact}
	tests := []struct {
		name     string
		outcome  huifang.AttemptOutcome
		failed   []time.Time
		finish   bool
		reason   string
		problems []huifang.ProblemType
		detail   string
	}{
		{"first no answer", huifang.AttemptNoAnswer, nil, false, "", nil, ""},
		{"no answer exhausts", huifang.AttemptNoAnswer, twoDays, true, ReasonCannotContact, cannot, "已拨打3次，分布在3天的2个时段"},
		{"busy exhausts", huifang.AttemptBusy, twoDays, true, ReasonCannotContact, cannot, ""},
		{"switched off exhausts", huifang.AttemptSwitchedOff, twoDays, true, ReasonCannotContact, cannot, ""},
		{"wrong person exhausts", huifang.AttemptWrongPerson, twoDays, true, ReasonCannotContact, cannot, ""},
		{"one slot only", huifang.AttemptNoAnswer, sameSlot, false, "", nil, ""},
		{"wrong person, not yet", huifang.AttemptWrongPerson, twoDays[:1], false, "", nil, ""},
		{"invalid number", huifang.AttemptInvalid, nil, true, ReasonInvalidNumber, []huifang.ProblemType{huifang.ProblemFalsePhone}, "空号"},
		{"refused", huifang.AttemptRefused, nil, true, ReasonRefused, cannot, "拒绝"},
		{"reschedule", huifang.AttemptReschedule, twoDays, false, "", nil, ""},
		{"answered", huifang.AttemptAnswered, twoDays, false, "", nil, ""},
		{"unknown outcome", huifang.AttemptOutcome("fax"), twoDays, false, "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AfterAttempt(tt.outcome, tt.failed, third, DefaultAttempts)
			if got.Finish != tt.finish || got.Reason != tt.reason {
				t.Errorf("finish %v reason %q, want %v %q", got.Finish, got.Reason, tt.finish, tt.reason)
			}
			wantResult := huifang.ResultNone
			if tt.finish {
				wantResult = huifang.ResultNotCompleted
			}
			if got.Result != wantResult {
				t.Errorf("result %q, want %q", got.Result, wantResult)
			}
			var types []huifang.ProblemType
			for _, p := range got.Problems {
				types = append(types, p.Type)
			}
			if !reflect.DeepEqual(types, tt.problems) {
				t.Errorf("problems %v, want %v", types, tt.problems)
			}
			if tt.detail != "" && !strings.Contains(got.Problems[0].Detail, tt.detail) {
				t.Errorf("detail %q lacks %q", got.Problems[0].Detail, tt.detail)
			}
		})
	}
}

func TestAfterAttemptLeavesCallerSliceAlone(t *testing.T) {
	backing := make([]time.Time, 2, 3)
	backing[0], backing[1] = at(t, "2026-03-03 10:00:00"), at(t, "2026-03-04 14:00:00")
	spare := backing[:3]
	spare[2] = at(t, "2000-01-01 00:00:00")
	AfterAttempt(huifang.AttemptNoAnswer, backing, at(t, "2026-03-05 10:00:00"), DefaultAttempts)
	if !spare[2].Equal(at(t, "2000-01-01 00:00:00")) {
		t.Error("AfterAttempt wrote into the caller's backing array")
	}
}
