package script

import (
	"fmt"
	"slices"
	"strings"

	"github.com/huifang/huifang"
)

// problem is one thing wrong with a script: field names where ("code",
// "steps[3]"), msg says what in Chinese.
type problem struct{ field, msg string }

type checker struct{ probs []problem }

func (c *checker) add(field, format string, args ...any) {
	c.probs = append(c.probs, problem{field, fmt.Sprintf(format, args...)})
}

func (c *checker) error(title string) error {
	if len(c.probs) == 0 {
		return nil
	}
	e := &huifang.Error{Code: huifang.EINVALID}
	msgs := make([]string, len(c.probs))
	for i, p := range c.probs {
		msgs[i] = p.msg
		e.Fields = append(e.Fields, huifang.FieldError{Field: p.field, Key: p.msg})
	}
	e.Key = fmt.Sprintf("%s（%d 处）：%s", title, len(msgs), strings.Join(msgs, "；"))
	return e
}

// Problems lists what Validate finds, one Chinese sentence each; none when the
// script is well formed.
func (s *Script) Problems() []string {
	var c checker
	s.check(&c)
	out := make([]string, len(c.probs))
	for i, p := range c.probs {
		out[i] = p.msg
	}
	return out
}

// Validate checks the script's structure and returns a huifang.Error with
// code EINVALID listing every problem, or nil:
//
//   - code (lower-case letters, digits, '-'), name, version ≥ 1, a known
//     purpose, design and channels;
//   - steps: unique ids (lower-case letters, digits, '-', '_'), a known kind,
//     a title and a text; statements take no answer, choices, covers or
//     rules; questions have a known answer type, choice questions at least
//     two distinct choices and the others none;
//   - variables: {{name}} balanced and known (see Variables);
//   - rules: When values valid for the answer type, each matched by one rule
//     only, Other alone and last; known problem types; a Goto names a later
//     step (branches only skip ahead, so a call can never loop); an End is
//     known and comes without Problem or Goto;
//   - covers: known items, not repeated in a step; a covering question has
//     a rule raising a problem (identity: a rule ending the call as
//     not-policyholder), or the item would be asked but never enforced;
//   - identity first: the first question is the identity question, and it
//     and the steps before it use only the safe variables (nothing about a
//     policy may be said before the policyholder is confirmed).
func (s *Script) Validate() error {
	var c checker
	s.check(&c)
	return c.error(fmt.Sprintf("回访话术“%s”的结构有错", s.Code))
}

func (s *Script) check(c *checker) {
	if !validCode(s.Code, false) {
		c.add("code", "代码“%s”无效：只能用小写字母、数字和 -，例如 life-traditional-agency", s.Code)
	}
	if strings.TrimSpace(s.Name) == "" {
		c.add("name", "缺少名称（name）")
	}
	if s.Version < 1 {
		c.add("version", "版本号（version）必须是从 1 开始的整数，而不是 %d", s.Version)
	}
	if !slices.Contains(Purposes, s.Purpose) {
		c.add("purpose", "用途（purpose）“%s”无效：应为 new-business、orphan 或 re-callback", s.Purpose)
	}
	if s.Design != "" && !slices.Contains(huifang.DesignTypes, s.Design) {
		c.add("design", "产品类型（design）“%s”无效：应为 %s，或不填表示适用所有类型", s.Design, joinAny(huifang.DesignTypes))
	}
	seenCh := map[huifang.Channel]bool{}
	for _, ch := range s.Channels {
		if !slices.Contains(huifang.Channels, ch) {
			c.add("channels", "销售渠道（channels）“%s”无效：应为 %s", ch, joinAny(huifang.Channels))
		} else if seenCh[ch] {
			c.add("channels", "销售渠道“%s”重复", ch)
		}
		seenCh[ch] = true
	}
	if len(s.Steps) == 0 {
		c.add("steps", "没有任何步骤（steps）")
		return
	}
	index := map[string]int{}
	for i, st := range s.Steps {
		if _, dup := index[st.ID]; dup && st.ID != "" {
			c.add(stepField(i), "%s：步骤 id“%s”重复", stepName(i, st), st.ID)
			continue
		}
		index[st.ID] = i
	}
	for i := range s.Steps {
		s.checkStep(c, i, index)
	}
	s.checkIdentityFirst(c)
}

func (s *Script) checkStep(c *checker, i int, index map[string]int) {
	st := &s.Steps[i]
	f, name := stepField(i), stepName(i, *st)
	if !validCode(st.ID, true) {
		c.add(f, "%s：id“%s”无效：只能用小写字母、数字、- 和 _", name, st.ID)
	}
	if strings.TrimSpace(st.Title) == "" {
		c.add(f, "%s：缺少标题（title）", name)
	}
	if strings.TrimSpace(st.Text) == "" {
		c.add(f, "%s：缺少话术文字（text）", name)
	}
	names, ok := varsIn(st.Text)
	if !ok {
		c.add(f, "%s：变量的 {{ 与 }} 不成对", name)
	}
	for _, n := range names {
		if _, known := variable(n); !known {
			c.add(f, "%s：未知的变量 {{%s}}（可用的变量见 docs/scripts.md）", name, n)
		}
	}
	switch st.Kind {
	case KindStatement:
		if st.Answer != "" || len(st.Choices) > 0 || len(st.Covers) > 0 || len(st.Rules) > 0 {
			c.add(f, "%s：陈述（statement）不接受回答，不能有 answer、choices、covers 或 rules；需要客户确认的内容请改为提问（question）", name)
		}
		return
	case KindQuestion:
	default:
		c.add(f, "%s：类型（kind）“%s”无效：应为 statement 或 question", name, st.Kind)
		return
	}
	if !slices.Contains(AnswerTypes, st.Answer) {
		c.add(f, "%s：答案类型（answer）“%s”无效：应为 %s", name, st.Answer, joinAny(AnswerTypes))
		return
	}
	if st.Answer == AnswerChoice {
		if len(st.Choices) < 2 {
			c.add(f, "%s：选择题至少要有两个选项（choices）", name)
		}
		seen := map[string]bool{}
		for _, ch := range st.Choices {
			switch {
			case strings.TrimSpace(ch) == "" || ch != strings.TrimSpace(ch):
				c.add(f, "%s：选项“%s”为空或首尾有空白", name, ch)
			case ch == Other:
				c.add(f, "%s：选项不能叫“%s”（它在规则里表示其他回答）", name, Other)
			case seen[ch]:
				c.add(f, "%s：选项“%s”重复", name, ch)
			}
			seen[ch] = true
		}
	} else if len(st.Choices) > 0 {
		c.add(f, "%s：只有选择题（choice）才有选项（choices）", name)
	}
	seenItem := map[Item]bool{}
	for _, it := range st.Covers {
		if !it.Valid() {
			c.add(f, "%s：未知的必备确认事项“%s”", name, it)
		} else if seenItem[it] {
			c.add(f, "%s：必备确认事项“%s”重复", name, it)
		}
		seenItem[it] = true
	}
	s.checkRules(c, i, index)
	raises, endsNP := false, false
	for _, r := range st.Rules {
		raises = raises || r.Problem != ""
		endsNP = endsNP || r.End == EndNotPolicyholder
	}
	for _, it := range st.Covers {
		if it == ItemIdentity {
			if !endsNP {
				c.add(f, "%s：本人确认的问题必须有一条规则在“非本人”时结束通话（end: not-policyholder）", name)
			}
		} else if it.Valid() && !raises {
			c.add(f, "%s：确认了%s，但没有任何回答会产生问题件（规则缺少 problem）", name, it.Label())
		}
	}
}

func (s *Script) checkRules(c *checker, i int, index map[string]int) {
	st := &s.Steps[i]
	f, name := stepField(i), stepName(i, *st)
	matched := map[string]int{}
	for j, r := range st.Rules {
		rn := fmt.Sprintf("%s的第 %d 条规则", name, j+1)
		if len(r.When) == 0 {
			c.add(f, "%s：缺少 when（它匹配哪些回答）", rn)
		}
		for _, w := range r.When {
			switch {
			case w == Other:
				if len(r.When) != 1 || j != len(st.Rules)-1 {
					c.add(f, "%s：“%s”必须单独写在最后一条规则里", rn, Other)
				}
			case !validWhen(st, w):
				c.add(f, "%s：when 的“%s”不是这个问题可能的回答（%s）", rn, w, possible(st))
			case matched[w] > 0:
				c.add(f, "%s：回答“%s”已由第 %d 条规则处理", rn, w, matched[w])
			}
			if matched[w] == 0 {
				matched[w] = j + 1
			}
		}
		if r.Problem != "" && !slices.Contains(huifang.ProblemTypes, r.Problem) {
			c.add(f, "%s：问题件类型“%s”无效：应为 %s", rn, r.Problem, joinAny(huifang.ProblemTypes))
		}
		if r.Goto != "" {
			if k, ok := index[r.Goto]; !ok {
				c.add(f, "%s：goto 的步骤“%s”不存在", rn, r.Goto)
			} else if k <= i {
				c.add(f, "%s：goto“%s”只能跳到后面的步骤（不能回跳，以免通话绕圈）", rn, r.Goto)
			}
		}
		switch r.End {
		case "":
		case EndNotPolicyholder, EndReschedule:
			if r.Goto != "" || r.Problem != "" {
				c.add(f, "%s：结束通话（end）的规则不能同时有 goto 或 problem", rn)
			}
		default:
			c.add(f, "%s：end“%s”无效：应为 not-policyholder 或 reschedule", rn, r.End)
		}
	}
}

// checkIdentityFirst: the first question confirms identity, and nothing
// before it or in it says anything about a policy.
func (s *Script) checkIdentityFirst(c *checker) {
	first := -1
	for i, st := range s.Steps {
		if slices.Contains(st.Covers, ItemIdentity) {
			first = i
			break
		}
	}
	if first < 0 {
		return // Missing reports it
	}
	for i := 0; i <= first; i++ {
		st := s.Steps[i]
		if i < first && st.Question() {
			c.add(stepField(i), "%s：第一个问题必须是投保人本人确认（%s）", stepName(i, st), ItemIdentity)
		}
		names, _ := varsIn(st.Text)
		for _, n := range names {
			if v, ok := variable(n); ok && !v.Safe {
				c.add(stepField(i), "%s：确认本人之前不能提及保单信息（变量 {{%s}}）", stepName(i, st), n)
			}
		}
	}
}

func validWhen(st *Step, w string) bool {
	switch st.Answer {
	case AnswerYesNo:
		return w == Yes || w == No || w == Unclear
	case AnswerChoice:
		return slices.Contains(st.Choices, w)
	}
	return false // date, number, text: only Other
}

func possible(st *Step) string {
	switch st.Answer {
	case AnswerYesNo:
		return "yes、no、unclear 或 other"
	case AnswerChoice:
		return "选项之一或 other"
	}
	return string(st.Answer) + " 类型的问题只能写 other"
}

// Missing lists the required items (Script.Required) no question covers,
// in the order of Items.
func (s *Script) Missing() []Item {
	covered := map[Item]bool{}
	for _, st := range s.Steps {
		if st.Question() {
			for _, it := range st.Covers {
				covered[it] = true
			}
		}
	}
	var out []Item
	for _, it := range s.Required() {
		if !covered[it] {
			out = append(out, it)
		}
	}
	return out
}

// Fits reports whether the script confirms every item a policy of the design
// type sold through the channel requires (Required), whatever the script was
// written for: a script for traditional products fits an accident policy of
// the same channel, not a universal one.
func (s *Script) Fits(design huifang.DesignType, channel huifang.Channel) bool {
	covered := map[Item]bool{}
	for _, st := range s.Steps {
		if st.Question() {
			for _, it := range st.Covers {
				covered[it] = true
			}
		}
	}
	for _, it := range Required(design, []huifang.Channel{channel}, s.VideoRecorded) {
		if !covered[it] {
			return false
		}
	}
	return true
}

// CanActivate reports whether the script may be put into use: it must
// validate and cover every required item. The huifang.Error (EINVALID) lists
// the structural problems and the missing items by their Chinese names.
func (s *Script) CanActivate() error {
	var c checker
	s.check(&c)
	for _, it := range s.Missing() {
		c.add("covers", "缺少必备确认事项%s（%s）", it.Label(), it)
	}
	return c.error(fmt.Sprintf("回访话术“%s”第 %d 版不能启用", s.Code, s.Version))
}

func validCode(s string, underscore bool) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || underscore && r == '_') {
			return false
		}
	}
	return true
}

func stepField(i int) string { return fmt.Sprintf("steps[%d]", i) }

func stepName(i int, st Step) string {
	if st.ID == "" {
		return fmt.Sprintf("第 %d 步", i+1)
	}
	return fmt.Sprintf("第 %d 步（%s）", i+1, st.ID)
}

func joinAny[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, "、")
}
