package script

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

func mustLookup(t *testing.T, code string) *Script {
	t.Helper()
	s := Lookup(code)
	if s == nil {
		t.Fatalf("no shipped script %q", code)
	}
	return s
}

// withVideo adds a video-recording question to a sale script.
func withVideo(s *Script) *Script {
	s.VideoRecorded = true
	at := slices.IndexFunc(s.Steps, func(st Step) bool { return st.ID == "misleading" })
	s.Steps = slices.Insert(s.Steps, at, Step{
		ID: "video", Kind: KindQuestion, Title: "双录确认",
		Text:   "您投保时，销售人员对销售过程进行了录音录像，您在录音录像中所作的回答都是真实的吗？",
		Answer: AnswerYesNo, Covers: []Item{ItemVideo},
		Rules: []Rule{{When: []string{No}, Problem: huifang.ProblemMisleading}, {When: []string{Unclear}, Problem: huifang.ProblemUnclearRights}},
	})
	return s
}

// uncover removes the item from every step's Covers.
func uncover(s *Script, it Item) {
	for i := range s.Steps {
		s.Steps[i].Covers = slices.DeleteFunc(s.Steps[i].Covers, func(x Item) bool { return x == it })
	}
}

// TestMissingItemBlocksActivation: one subtest per mandatory item; a script
// that requires it and covers it activates, and without it does not, naming it.
func TestMissingItemBlocksActivation(t *testing.T) {
	base := map[Item]func(t *testing.T) *Script{
		ItemParticipating: func(t *testing.T) *Script { return mustLookup(t, "participating-agency") },
		ItemUniversal:     func(t *testing.T) *Script { return mustLookup(t, "universal-agency") },
		ItemInvestment:    func(t *testing.T) *Script { return mustLookup(t, "investment-linked-agency") },
		ItemHealth:        func(t *testing.T) *Script { return mustLookup(t, "health-agency") },
		ItemVideo:         func(t *testing.T) *Script { return withVideo(mustLookup(t, "life-traditional-agency")) },
		ItemOrphanService: func(t *testing.T) *Script { return mustLookup(t, "orphan") },
	}
	for _, it := range Items {
		t.Run(string(it), func(t *testing.T) {
			mk := base[it]
			if mk == nil {
				mk = func(t *testing.T) *Script { return mustLookup(t, "life-traditional-bank") }
			}
			s := mk(t)
			if !slices.Contains(s.Required(), it) {
				t.Fatalf("%s does not require %s: %v", s.Code, it, s.Required())
			}
			if err := s.CanActivate(); err != nil {
				t.Fatalf("before removing: %v", err)
			}
			uncover(s, it)
			if got := s.Missing(); !reflect.DeepEqual(got, []Item{it}) {
				t.Errorf("Missing = %v, want [%s]", got, it)
			}
			err := s.CanActivate()
			if huifang.ErrorCode(err) != huifang.EINVALID {
				t.Fatalf("CanActivate = %v, want EINVALID", err)
			}
			if msg := huifang.ErrorMessage(err); !strings.Contains(msg, it.ZH()) || !strings.Contains(msg, "缺少必备确认事项") {
				t.Errorf("message does not name %s: %s", it.ZH(), msg)
			}
			if n := it.National(); n > 0 && !strings.Contains(huifang.ErrorMessage(err), "第"+string(rune('0'+n))+"项") {
				t.Errorf("message does not give the national number %d: %s", n, huifang.ErrorMessage(err))
			}
		})
	}
}

func TestRequired(t *testing.T) {
	tests := []struct {
		design   huifang.DesignType
		channels []huifang.Channel
		video    bool
		extra    []Item
	}{
		{huifang.DesignTraditional, []huifang.Channel{huifang.ChannelAgency}, false, nil},
		{huifang.DesignAccident, []huifang.Channel{huifang.ChannelTelesales}, false, nil},
		{huifang.DesignTraditional, []huifang.Channel{huifang.ChannelAgency, huifang.ChannelBank}, false, []Item{ItemNotDeposit}},
		{huifang.DesignParticipating, []huifang.Channel{huifang.ChannelAgency}, false, []Item{ItemParticipating}},
		{huifang.DesignUniversal, []huifang.Channel{huifang.ChannelBank}, false, []Item{ItemNotDeposit, ItemUniversal}},
		{huifang.DesignInvestment, []huifang.Channel{huifang.ChannelAgency}, true, []Item{ItemInvestment, ItemVideo}},
		{huifang.DesignHealth, []huifang.Channel{huifang.ChannelAgency}, false, []Item{ItemHealth}},
		{huifang.DesignNonLifeWealth, nil, false, []Item{ItemNotDeposit}},
		// Any design, any channel: everything a sale can require.
		{"", nil, false, []Item{ItemNotDeposit, ItemParticipating, ItemUniversal, ItemInvestment, ItemHealth}},
	}
	for _, tt := range tests {
		want := append(slices.Clone(National), tt.extra...)
		if got := Required(tt.design, tt.channels, tt.video); !reflect.DeepEqual(got, want) {
			t.Errorf("Required(%q, %v, %v) = %v, want %v", tt.design, tt.channels, tt.video, got, want)
		}
	}
	if got := RequiredOrphan(false); !reflect.DeepEqual(got, []Item{ItemIdentity, ItemOrphanService}) {
		t.Errorf("RequiredOrphan = %v", got)
	}
	for _, it := range Items {
		if !it.Valid() || it.ZH() == "" {
			t.Errorf("item %s has no Chinese name", it)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *Script)
		want   string
	}{
		{"bad code", func(s *Script) { s.Code = "Life Traditional" }, "代码"},
		{"no name", func(s *Script) { s.Name = " " }, "缺少名称"},
		{"version 0", func(s *Script) { s.Version = 0 }, "版本号"},
		{"bad purpose", func(s *Script) { s.Purpose = "sales" }, "用途"},
		{"bad design", func(s *Script) { s.Design = "investment" }, "产品类型"},
		{"bad channel", func(s *Script) { s.Channels = []huifang.Channel{"bank"} }, "销售渠道"},
		{"no steps", func(s *Script) { s.Steps = nil }, "没有任何步骤"},
		{"duplicate id", func(s *Script) { s.Steps[4].ID = s.Steps[3].ID }, "重复"},
		{"bad id", func(s *Script) { s.Steps[3].ID = "签名" }, "id“签名”无效"},
		{"bad kind", func(s *Script) { s.Steps[0].Kind = "note" }, "类型（kind）"},
		{"statement with rules", func(s *Script) { s.Steps[0].Rules = []Rule{{When: []string{Yes}}} }, "陈述"},
		{"no text", func(s *Script) { s.Steps[5].Text = "" }, "缺少话术文字"},
		{"no title", func(s *Script) { s.Steps[5].Title = "" }, "缺少标题"},
		{"bad answer type", func(s *Script) { s.Steps[5].Answer = "bool" }, "答案类型"},
		{"choice without choices", func(s *Script) { s.Steps[2].Choices = []string{"方便"} }, "至少要有两个选项"},
		{"choices on yes-no", func(s *Script) { s.Steps[5].Choices = []string{"a", "b"} }, "只有选择题"},
		{"duplicate choice", func(s *Script) { s.Steps[2].Choices = []string{"方便", "方便"} }, "选项“方便”重复"},
		{"unknown variable", func(s *Script) { s.Steps[5].Text += "{{premium_yuan}}" }, "未知的变量 {{premium_yuan}}"},
		{"unbalanced braces", func(s *Script) { s.Steps[5].Text += "{{premium" }, "不成对"},
		{"goto missing", func(s *Script) { s.Steps[5].Rules[0].Goto = "nowhere" }, "不存在"},
		{"goto backwards", func(s *Script) { s.Steps[5].Rules = []Rule{{When: []string{Yes}, Goto: "purchase"}} }, "只能跳到后面"},
		{"goto itself", func(s *Script) { s.Steps[5].Rules = []Rule{{When: []string{Yes}, Goto: s.Steps[5].ID}} }, "只能跳到后面"},
		{"bad when", func(s *Script) { s.Steps[5].Rules[0].When = []string{"maybe"} }, "不是这个问题可能的回答"},
		{"when twice", func(s *Script) {
			s.Steps[5].Rules = append(s.Steps[5].Rules, Rule{When: []string{No}, Problem: huifang.ProblemComplaint})
		}, "已由第 1 条规则处理"},
		{"other not last", func(s *Script) {
			s.Steps[5].Rules = []Rule{{When: []string{Other}, Problem: huifang.ProblemPolicyInfo}, {When: []string{Yes}}}
		}, "必须单独写在最后"},
		{"no when", func(s *Script) { s.Steps[5].Rules[0].When = nil }, "缺少 when"},
		{"bad problem", func(s *Script) { s.Steps[5].Rules[0].Problem = "fraud" }, "问题件类型“fraud”无效"},
		{"bad end", func(s *Script) { s.Steps[1].Rules[0].End = "hang-up" }, "end“hang-up”无效"},
		{"end with problem", func(s *Script) { s.Steps[1].Rules[0].Problem = huifang.ProblemComplaint }, "不能同时有 goto 或 problem"},
		{"unknown item", func(s *Script) { s.Steps[6].Covers = append(s.Steps[6].Covers, "smile") }, "未知的必备确认事项“smile”"},
		{"cover without problem", func(s *Script) { s.Steps[6].Rules = nil }, "没有任何回答会产生问题件"},
		{"identity without end", func(s *Script) { s.Steps[1].Rules = nil }, "not-policyholder"},
		{"question before identity", func(s *Script) { s.Steps[0], s.Steps[2] = s.Steps[2], s.Steps[0] }, "第一个问题必须是投保人本人确认"},
		{"policy before identity", func(s *Script) { s.Steps[0].Text += "关于您的《{{product_name}}》" }, "确认本人之前不能提及保单信息（变量 {{product_name}}）"},
		{"policy before identity, electronic", func(s *Script) { s.Steps[0].Texts[huifang.MethodElectronic] += "{{premium}}" }, "确认本人之前不能提及保单信息（变量 {{premium}}）"},
		{"wording for the phone", func(s *Script) { s.Steps[5].Texts[huifang.MethodPhone] = "请问" }, "texts 中的回访方式 phone 不对"},
		{"wording for no method", func(s *Script) { s.Steps[5].Texts["fax"] = "请确认" }, "texts 中的回访方式 fax 不对"},
		{"blank wording", func(s *Script) { s.Steps[5].Texts[huifang.MethodLetter] = " " }, "的话术（texts）是空的"},
		{"unknown variable in a wording", func(s *Script) { s.Steps[5].Texts[huifang.MethodLetter] += "{{fee}}" }, "未知的变量 {{fee}}"},
		{"bad method", func(s *Script) { s.Steps[2].Methods = []huifang.CallbackMethod{"fax"} }, "未知的回访方式 fax"},
		{"method twice", func(s *Script) { s.Steps[2].Methods = append(s.Steps[2].Methods, huifang.MethodPhone) }, "回访方式 phone 写了两次"},
		{"item confirmed by the phone only", func(s *Script) { s.Steps[6].Methods = []huifang.CallbackMethod{huifang.MethodPhone} }, "不能只用于部分回访方式"},
		{"goto a step the method skips", func(s *Script) {
			s.Steps[3].Methods = []huifang.CallbackMethod{huifang.MethodPhone}
			s.Steps[1].Rules = append(s.Steps[1].Rules, Rule{When: []string{Yes}, Goto: s.Steps[3].ID})
		}, "在电子化回访中不使用"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustLookup(t, "life-traditional-agency")
			if s.Steps[1].ID != "identity" || s.Steps[2].ID != "convenient" || s.Steps[5].ID != "policy-info" || s.Steps[6].ID != "brochure" {
				t.Fatal("the shipped script changed shape: update this test")
			}
			tt.change(s)
			err := s.Validate()
			if huifang.ErrorCode(err) != huifang.EINVALID {
				t.Fatalf("Validate = %v, want EINVALID", err)
			}
			if !strings.Contains(huifang.ErrorMessage(err), tt.want) {
				t.Errorf("message %q does not contain %q", huifang.ErrorMessage(err), tt.want)
			}
			if huifang.ErrorCode(s.CanActivate()) != huifang.EINVALID {
				t.Error("CanActivate accepted an invalid script")
			}
		})
	}
}

func TestRender(t *testing.T) {
	s := mustLookup(t, "life-traditional-agency")
	p := huifang.Policy{
		No: "P1", ProductCode: "TL01", Channel: huifang.ChannelAgency, HolderName: "王芳", InsuredName: "李小明",
		AppliedOn: huifang.NewDate(2025, 3, 1), ReceiptOn: huifang.NewDate(2025, 3, 2),
		PremiumFen: 1200050, PayMode: huifang.PayAnnual, PayYears: 10, Term: huifang.Term{Years: 20},
	}
	prod := huifang.Product{Code: "TL01", Name: "福寿安康终身寿险", Design: huifang.DesignTraditional, Term: huifang.Term{WholeLife: true}, CoolingOffDays: 15}
	v := FromPolicy(p, prod)
	want := Vars{
		"holder_name": "王芳", "insured_name": "李小明", "product_name": "福寿安康终身寿险", "applied_on": "2025年3月1日",
		"receipt_on": "2025年3月2日", "pay_mode": "年交", "premium": "12000.50元", "pay_years": "10年", "term": "20年", "cooling_off_days": "15",
	}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("FromPolicy = %v\nwant %v", v, want)
	}
	if got := s.Render("payment", v); got != "您这份保单的交费方式是年交，交费期间为10年，每期保费12000.50元。如需交纳续期保费，请您按时交纳，以免影响保单效力。请问您清楚吗？" {
		t.Errorf("payment = %s", got)
	}
	// The cooling-off end comes from the callback rules, not the policy: missing here.
	got := s.Render("cooling-off", v)
	if !strings.Contains(got, "犹豫期到【未知：犹豫期截止日期】结束") || !strings.Contains(got, "有15天犹豫期") {
		t.Errorf("cooling-off = %s", got)
	}
	if got := s.Render("identity", Vars{"holder_name": "  "}); got != "请问您是【未知：投保人姓名】先生/女士本人吗？" {
		t.Errorf("blank value: %s", got)
	}
	if s.Render("nowhere", v) != "" {
		t.Error("an unknown step rendered")
	}
	// Single premium, product term, no insured name.
	p.PayMode, p.PayYears, p.Term, p.InsuredName = huifang.PaySingle, 0, huifang.Term{}, ""
	v = FromPolicy(p, prod)
	if v["pay_years"] != "一次性交清" || v["term"] != "终身" || v["insured_name"] != "王芳" || v["pay_mode"] != "趸交" {
		t.Errorf("single premium vars: %v", v)
	}
	if Placeholder("premium") != "【未知：每期保费】" {
		t.Errorf("placeholder: %s", Placeholder("premium"))
	}
}

// fullVars fills every variable, so that shipped texts render with no placeholder.
func fullVars() Vars {
	v := Vars{}
	for _, x := range Variables {
		v[x.Name] = "〈" + x.Name + "〉"
	}
	return v
}

// happy answers every question of s the way that raises nothing and goes on.
func happy(s *Script) map[string]string {
	a := map[string]string{}
	for _, st := range s.Steps {
		if !st.Question() {
			continue
		}
		switch st.Answer {
		case AnswerChoice:
			a[st.ID] = st.Choices[0]
		case AnswerYesNo:
			a[st.ID] = Yes
			if st.ID == "misleading" || st.ID == "complaint" || st.ID == "surrender-advice" {
				a[st.ID] = No
			}
		}
	}
	return a
}

func ids(s *Script) []string {
	var out []string
	for _, st := range s.Steps {
		out = append(out, st.ID)
	}
	return out
}

func TestEvaluateBranching(t *testing.T) {
	s := mustLookup(t, "life-traditional-agency")
	res, err := s.Evaluate(happy(s))
	if err != nil || res.Outcome != OutcomeSuccessful || len(res.Problems) != 0 || !reflect.DeepEqual(res.Asked, ids(s)) {
		t.Fatalf("happy path: %+v %v", res, err)
	}

	// Not the policyholder: the call ends at once; later answers, even
	// invalid ones, are off the path and ignored.
	a := happy(s)
	a["identity"], a["brochure"], a["cooling-off"] = No, Unclear, "whatever"
	res, err = s.Evaluate(a)
	if err != nil || res.Outcome != OutcomeNotPolicyholder || len(res.Problems) != 0 || !reflect.DeepEqual(res.Asked, []string{"greeting", "identity"}) {
		t.Fatalf("not the policyholder: %+v %v", res, err)
	}
	if res.Outcome.Completed() {
		t.Error("not-policyholder counted as completed")
	}
	// Only the answers on the path are needed.
	res, err = s.Evaluate(map[string]string{"identity": Unclear})
	if err != nil || res.Outcome != OutcomeNotPolicyholder {
		t.Fatalf("identity alone: %+v %v", res, err)
	}

	// Busy now: reschedule, nothing raised.
	res, err = s.Evaluate(map[string]string{"identity": Yes, "convenient": "现在不方便，另约时间"})
	if err != nil || res.Outcome != OutcomeReschedule || !reflect.DeepEqual(res.Asked, []string{"greeting", "identity", "convenient"}) {
		t.Fatalf("busy: %+v %v", res, err)
	}

	// Goto skips: the orphan callback skips the servicer's contact details
	// when the servicer has already called.
	o := mustLookup(t, "orphan")
	a = happy(o)
	res, err = o.Evaluate(a)
	if err != nil || res.Outcome != OutcomeSuccessful || slices.Contains(res.Asked, "servicer-contact") || !slices.Contains(res.Asked, "policy-info") {
		t.Fatalf("orphan, contacted: %+v %v", res, err)
	}
	a["contacted"] = No
	res, err = o.Evaluate(a)
	if err != nil || res.Outcome != OutcomeSuccessful || !reflect.DeepEqual(res.Asked, ids(o)) {
		t.Fatalf("orphan, not contacted: %+v %v", res, err)
	}
}

func TestEvaluateProblems(t *testing.T) {
	s := mustLookup(t, "participating-bank")
	a := happy(s)
	a["signed"] = No
	a["brochure"] = Unclear
	a["participating-risk"] = No
	a["not-deposit"] = No // believes it is a deposit: unclear about rights
	a["policy-info"] = No
	a["misleading"] = Yes
	a["complaint"] = Yes
	res, err := s.Evaluate(a)
	if err != nil || res.Outcome != OutcomeProblems {
		t.Fatalf("%+v %v", res, err)
	}
	var types []huifang.ProblemType
	for _, p := range res.Problems {
		types = append(types, p.Type)
	}
	want := []huifang.ProblemType{huifang.ProblemUnclearRights, huifang.ProblemUnsigned, huifang.ProblemPolicyInfo, huifang.ProblemComplaint, huifang.ProblemMisleading}
	if !reflect.DeepEqual(types, want) {
		t.Fatalf("types = %v, want %v (one per type, in ProblemTypes order)", types, want)
	}
	d := res.Problems[0].Detail
	for _, part := range []string{"“阅读产品说明书和投保提示”（回答：不清楚）", "“保险而非存款”（回答：否）", "“分红不确定”（回答：否）"} {
		if !strings.Contains(d, part) {
			t.Errorf("unclear-rights detail %q lacks %q", d, part)
		}
	}
	if strings.Index(d, "阅读产品说明书") > strings.Index(d, "分红不确定") {
		t.Errorf("detail not in calling order: %s", d)
	}
	if !strings.Contains(res.Problems[1].Detail, "亲笔签名确认") {
		t.Errorf("unsigned detail: %s", res.Problems[1].Detail)
	}

	// "Unclear" to the complaint question raises nothing; to the misleading
	// question it raises a misleading sale.
	a = happy(s)
	a["complaint"], a["misleading"] = Unclear, Unclear
	res, err = s.Evaluate(a)
	if err != nil || len(res.Problems) != 1 || res.Problems[0].Type != huifang.ProblemMisleading {
		t.Fatalf("unclear: %+v %v", res, err)
	}
}

func TestEvaluateAnswers(t *testing.T) {
	s := &Script{Code: "t", Name: "测试", Version: 1, Purpose: PurposeRecallback, Design: huifang.DesignAccident, Steps: []Step{
		{ID: "identity", Kind: KindQuestion, Title: "本人", Text: "请问是{{holder_name}}吗？", Answer: AnswerYesNo, Covers: []Item{ItemIdentity},
			Rules: []Rule{{When: []string{No, Unclear}, End: EndNotPolicyholder}}},
		{ID: "when", Kind: KindQuestion, Title: "签收日期", Text: "您哪天签收的回执？", Answer: AnswerDate},
		{ID: "amount", Kind: KindQuestion, Title: "保费", Text: "您每年交多少保费？", Answer: AnswerNumber,
			Rules: []Rule{{When: []string{Other}, Problem: huifang.ProblemPolicyInfo}}},
		{ID: "note", Kind: KindQuestion, Title: "意见", Text: "您还有什么意见？", Answer: AnswerText},
		{ID: "pick", Kind: KindQuestion, Title: "方式", Text: "您希望怎样联系？", Answer: AnswerChoice, Choices: []string{"电话", "短信", "上门"},
			Rules: []Rule{{When: []string{"上门"}, Goto: "end"}, {When: []string{Other}}}},
		{ID: "sms", Kind: KindStatement, Title: "说明", Text: "好的。"},
		{ID: "end", Kind: KindStatement, Title: "结束", Text: "再见。"},
	}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	good := map[string]string{"identity": Yes, "when": "2025-03-02", "amount": "-12000.50", "note": "没有", "pick": "上门"}
	res, err := s.Evaluate(good)
	if err != nil || res.Outcome != OutcomeProblems || res.Problems[0].Type != huifang.ProblemPolicyInfo ||
		!strings.Contains(res.Problems[0].Detail, "（回答：-12000.50）") || slices.Contains(res.Asked, "sms") {
		t.Fatalf("good: %+v %v", res, err)
	}
	bad := []struct {
		step, answer, want string
	}{
		{"identity", "是", "应为 yes、no 或 unclear"},
		{"when", "2025-02-30", "YYYY-MM-DD"},
		{"when", "2025-3-2", "YYYY-MM-DD"},
		{"amount", "1e5", "应为数字"},
		{"amount", "12,000", "应为数字"},
		{"amount", "12.", "应为数字"},
		{"note", "  ", "尚未回答"},
		{"pick", "邮件", "电话、短信、上门"},
	}
	for _, b := range bad {
		a := maps(good)
		a[b.step] = b.answer
		_, err := s.Evaluate(a)
		if huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), b.want) {
			t.Errorf("%s=%q: %v, want %q", b.step, b.answer, err, b.want)
		}
	}
	// Every unanswered question the path surely reaches is listed; beyond a
	// branching question without an answer nothing can be known.
	a := maps(good)
	delete(a, "when")
	delete(a, "note")
	delete(a, "pick")
	_, err = s.Evaluate(a)
	msg := huifang.ErrorMessage(err)
	if !strings.Contains(msg, "“签收日期”尚未回答") || !strings.Contains(msg, "“意见”尚未回答") || !strings.Contains(msg, "“方式”尚未回答") {
		t.Errorf("missing answers: %v", err)
	}
	_, err = s.Evaluate(map[string]string{})
	if msg := huifang.ErrorMessage(err); !strings.Contains(msg, "“本人”尚未回答") || strings.Contains(msg, "签收日期") {
		t.Errorf("no answers: %v (only the identity question is certain)", err)
	}
	a = maps(good)
	a["nowhere"] = Yes
	if _, err := s.Evaluate(a); !strings.Contains(huifang.ErrorMessage(err), "“nowhere”不是这份话术的步骤") {
		t.Errorf("unknown step: %v", err)
	}
}

func maps(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func TestLibrary(t *testing.T) {
	lib := Library()
	want := []string{
		"health-agency", "health-bank", "health-internet", "health-telesales", "investment-linked-agency", "investment-linked-bank",
		"life-traditional-agency", "life-traditional-bank", "life-traditional-internet", "life-traditional-telesales", "nonlife-wealth", "orphan",
		"participating-agency", "participating-bank", "participating-telesales", "universal-agency", "universal-bank",
	}
	var codes []string
	for _, s := range lib {
		codes = append(codes, s.Code)
	}
	if !reflect.DeepEqual(codes, want) {
		t.Fatalf("codes = %v", codes)
	}
	// The counts docs/scripts.md gives.
	items := map[string]int{"life-traditional-agency": 7, "orphan": 2, "nonlife-wealth": 8, "health-bank": 9, "universal-agency": 8,
		"life-traditional-telesales": 7, "participating-telesales": 8, "health-telesales": 8, "life-traditional-internet": 7, "health-internet": 8}
	for _, s := range lib {
		if n, ok := items[s.Code]; ok && len(s.Required()) != n {
			t.Errorf("%s requires %d items, docs say %d", s.Code, len(s.Required()), n)
		}
	}
	bad := mustLookup(t, "orphan")
	bad.Steps[4].Rules[0].Goto = "nowhere"
	if _, err := bad.Evaluate(happy(bad)); huifang.ErrorCode(err) != huifang.EINVALID {
		t.Errorf("Evaluate of an invalid script: %v", err)
	}
	vars := fullVars()
	for _, s := range lib {
		t.Run(s.Code, func(t *testing.T) {
			if err := s.CanActivate(); err != nil {
				t.Fatal(err)
			}
			// Round trip: the stored file is exactly what Format writes, and
			// parsing it back gives the same script.
			stored, err := libraryFile(s.Code)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := s.Format(&b); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), stored) {
				t.Errorf("Format differs from the stored file:\n%s", b.String())
			}
			back, err := Parse(bytes.NewReader(b.Bytes()))
			if err != nil || !reflect.DeepEqual(back, s) {
				t.Errorf("round trip: %v\n%+v\n%+v", err, back, s)
			}
			if bytes.Contains(stored, []byte(`\u`)) {
				t.Error("Chinese is \\u-escaped")
			}
			// Identity first, busy → reschedule, someone else → end, and no
			// placeholder left when every variable has a value.
			var ends []End
			for _, st := range s.Steps {
				for _, r := range st.Rules {
					if r.End != "" {
						ends = append(ends, r.End)
					}
				}
				if got := st.Render(vars); strings.Contains(got, "【未知") || strings.Contains(got, "{{") {
					t.Errorf("%s renders %s", st.ID, got)
				}
			}
			if !reflect.DeepEqual(ends, []End{EndNotPolicyholder, EndReschedule}) {
				t.Errorf("ends = %v", ends)
			}
			if res, err := s.Evaluate(happy(s)); err != nil || res.Outcome != OutcomeSuccessful {
				t.Errorf("happy path: %+v %v", res, err)
			}
		})
	}
	// Library hands out copies.
	lib[0].Steps[0].Text = "changed"
	if Library()[0].Steps[0].Text == "changed" {
		t.Error("Library shares its scripts")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"empty", "  \n", "是空的"},
		{"syntax", "{\n  \"code\": \"x\",\n  \"name\": \"测试\"\n  \"version\": 1\n}\n", "第 4 行第 3 列"},
		{"unknown field", `{"code": "x", "titel": "测试"}`, `未知的字段 "titel"`},
		{"wrong type", "{\n\"code\": \"x\",\n\"version\": \"1\"}", "第 3 行"},
		{"wrong type in step", `{"steps": [{"id": "a", "choices": "是"}]}`, "列表"},
		{"two objects", `{"code": "x"} {"code": "y"}`, "只能有一份话术"},
		{"truncated", `{"code": "x", "steps": [`, "不完整"},
		{"not utf-8", "{\"name\": \"\xff\"}", "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.file))
			if huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), tt.want) {
				t.Errorf("Parse = %v, want %q", err, tt.want)
			}
		})
	}
	// A byte-order mark and explicit empty lists are accepted.
	s, err := Parse(strings.NewReader("\uFEFF{\"code\": \"x\", \"channels\": [], \"steps\": [{\"id\": \"a\", \"covers\": []}]}"))
	if err != nil || s.Channels != nil || s.Steps[0].Covers != nil {
		t.Fatalf("%+v %v", s, err)
	}
}

func TestPassingAndRaising(t *testing.T) {
	for _, sc := range Library() {
		res, err := sc.Evaluate(sc.Passing())
		if err != nil || res.Outcome != OutcomeSuccessful {
			t.Errorf("%s: passing answers give %v, %v", sc.Code, res.Outcome, err)
		}
		raised := 0
		for _, pt := range huifang.ProblemTypes {
			ans, step, ok := sc.Raising(pt)
			if !ok {
				continue
			}
			raised++
			res, err := sc.Evaluate(ans)
			if err != nil || res.Outcome != OutcomeProblems || len(res.Problems) != 1 || res.Problems[0].Type != pt {
				t.Errorf("%s: raising %s at %s gives %+v, %v", sc.Code, pt, step, res, err)
			}
		}
		if raised == 0 {
			t.Errorf("%s: no answer raises any problem", sc.Code)
		}
	}
	// DOMAIN.md §5: a customer who thinks it was a deposit is unclear about rights.
	bank := Lookup("universal-bank")
	ans := bank.Passing()
	ans["not-deposit"] = No
	res, err := bank.Evaluate(ans)
	if err != nil || len(res.Problems) != 1 || res.Problems[0].Type != huifang.ProblemUnclearRights {
		t.Errorf("universal-bank, deposit: %+v, %v", res, err)
	}
}

// TestFor: each method gets its own steps and wording; answers to the steps
// a method leaves out are ignored.
func TestFor(t *testing.T) {
	s := mustLookup(t, "life-traditional-agency")
	phone, el, visit := s.For(huifang.MethodPhone), s.For(huifang.MethodElectronic), s.For(huifang.MethodVisit)
	if phone.Step("convenient") == nil || el.Step("convenient") != nil || visit.Step("convenient") != nil {
		t.Fatal("convenient: phone only")
	}
	if len(phone.Steps) != len(s.Steps) || len(el.Steps) != len(s.Steps)-1 {
		t.Fatalf("steps: %d %d of %d", len(phone.Steps), len(el.Steps), len(s.Steps))
	}
	if !strings.Contains(phone.Steps[0].Text, "全程录音") || strings.Contains(el.Steps[0].Text, "录音") || !strings.Contains(visit.Steps[0].Text, "签名") {
		t.Errorf("greeting: %q / %q / %q", phone.Steps[0].Text, el.Steps[0].Text, visit.Steps[0].Text)
	}
	if got := el.Step("identity").Text; !strings.HasPrefix(got, "请确认") || el.Step("identity").Texts != nil {
		t.Errorf("identity, electronic: %q", got)
	}
	if err := el.CanActivate(); err != nil {
		t.Fatal(err)
	}
	a := s.Passing()
	res, err := el.Evaluate(a)
	if err != nil || res.Outcome != OutcomeSuccessful || slices.Contains(res.Asked, "convenient") {
		t.Fatalf("electronic: %+v %v", res, err)
	}
	a["nowhere"] = Yes
	if _, err := el.Evaluate(a); !strings.Contains(huifang.ErrorMessage(err), "nowhere") {
		t.Errorf("unknown step: %v", err)
	}
	var b bytes.Buffer
	if err := s.Format(&b); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(&b)
	if err != nil || !reflect.DeepEqual(back, s) {
		t.Errorf("round trip: %v", err)
	}
}
