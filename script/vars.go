package script

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
)

// Vars are the values filled into a script's {{variables}}, by name.
type Vars map[string]string

// Variable is a name a script may use between {{ and }}.
type Variable struct {
	Name string
	ZH   string // what the value is, in Chinese; shown as 【未知：保费】 when missing
	// Safe variables may be said before the policyholder's identity is
	// confirmed: they reveal nothing about a policy.
	Safe bool
}

// Variables lists the variables a script may use. FromPolicy fills those it
// can from the policy and its product; the caller fills the rest.
var Variables = []Variable{
	{"holder_name", "投保人姓名", true},
	{"insurer_name", "保险公司名称", true},
	{"service_phone", "客服电话", true},
	{"insured_name", "被保险人姓名", false},
	{"product_name", "产品名称", false},
	{"premium", "每期保费", false},
	{"pay_mode", "交费方式", false},
	{"pay_years", "交费期间", false},
	{"term", "保险期间", false},
	{"applied_on", "投保日期", false},
	{"receipt_on", "回执签收日期", false},
	{"cooling_off_days", "犹豫期天数", false},
	{"cooling_off_end", "犹豫期截止日期", false},
	{"agent_name", "营销员姓名", false},
	{"outlet_name", "销售网点名称", false},
	{"servicer_name", "现服务人员姓名", false},
}

func variable(name string) (Variable, bool) {
	for _, v := range Variables {
		if v.Name == name {
			return v, true
		}
	}
	return Variable{}, false
}

// FromPolicy fills the variables the policy and its product give, as an
// operator says them: premium "12000元", pay_mode "年交", pay_years "10年"
// (or "一次性交清"), term "20年" or "终身", dates "2025年3月2日". The caller
// adds insurer_name, service_phone, agent_name, outlet_name, servicer_name,
// and the cooling-off figures (cooling_off_days, cooling_off_end), which come
// from the rule profile and the callback rules.
func FromPolicy(p huifang.Policy, prod huifang.Product) Vars {
	v := Vars{
		"holder_name":  p.HolderName,
		"insured_name": p.InsuredName,
		"product_name": prod.Name,
		"applied_on":   DateZH(p.AppliedOn),
		"receipt_on":   DateZH(p.ReceiptOn),
		"pay_mode":     p.PayMode.ZH(),
	}
	if v["insured_name"] == "" {
		v["insured_name"] = p.HolderName
	}
	if v["product_name"] == "" {
		v["product_name"] = p.ProductCode
	}
	if p.PremiumFen > 0 {
		v["premium"] = yuan(p.PremiumFen)
	}
	switch {
	case p.PayMode == huifang.PaySingle:
		v["pay_years"] = "一次性交清"
	case p.PayYears > 0:
		v["pay_years"] = strconv.Itoa(p.PayYears) + "年"
	}
	term := p.Term
	if !term.WholeLife && term.Years == 0 {
		term = prod.Term
	}
	if term.WholeLife || term.Years > 0 {
		v["term"] = term.String()
	}
	if prod.CoolingOffDays > 0 {
		v["cooling_off_days"] = strconv.Itoa(prod.CoolingOffDays)
	}
	for k, s := range v {
		if s == "" {
			delete(v, k)
		}
	}
	return v
}

// DateZH writes a date as script variables carry it, "2025年3月2日"; empty
// for no date.
func DateZH(d huifang.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day())
}

func yuan(fen int64) string {
	if fen%100 == 0 {
		return strconv.FormatInt(fen/100, 10) + "元"
	}
	return fmt.Sprintf("%d.%02d元", fen/100, fen%100)
}

// VariableZH is what a variable's value is, in Chinese: "营销员姓名"; the name
// itself for an unknown variable.
func VariableZH(name string) string {
	if v, ok := variable(name); ok {
		return v.ZH
	}
	return name
}

// Uses lists the variables the script's steps use, each once, in the order
// they first appear.
func (s *Script) Uses() []string {
	var out []string
	seen := map[string]bool{}
	for _, st := range s.Steps {
		for _, text := range st.texts() {
			names, _ := varsIn(text)
			for _, n := range names {
				if !seen[n] {
					seen[n] = true
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// Unfilled lists the variables the script uses that vars leaves without a
// value (or blank), in the order of Uses: the script cannot be read to a
// customer until they are filled, or Render would show a Placeholder.
func (s *Script) Unfilled(vars Vars) []string {
	var out []string
	for _, n := range s.Uses() {
		if strings.TrimSpace(vars[n]) == "" {
			out = append(out, n)
		}
	}
	return out
}

// Placeholder is what Render shows for a variable without a value, so that
// the operator sees at once what is missing: 【未知：保费】.
func Placeholder(name string) string {
	return "【未知：" + VariableZH(name) + "】"
}

// Render returns the text of the step with the id, variables filled in; ""
// if there is no such step.
func (s *Script) Render(stepID string, vars Vars) string {
	st := s.Step(stepID)
	if st == nil {
		return ""
	}
	return st.Render(vars)
}

// Render returns the step's text with its variables filled in. A variable
// with no value (or a blank one) shows as Placeholder(name).
func (st *Step) Render(vars Vars) string {
	var b strings.Builder
	text := st.Text
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			break // Validate refuses this
		}
		b.WriteString(text[:i])
		name := strings.TrimSpace(text[i+2 : i+j])
		if val := strings.TrimSpace(vars[name]); val != "" {
			b.WriteString(val)
		} else {
			b.WriteString(Placeholder(name))
		}
		text = text[i+j+2:]
	}
	b.WriteString(text)
	return b.String()
}

// varsIn lists the variable names in text, in order, and whether its braces
// are balanced.
func varsIn(text string) (names []string, ok bool) {
	for {
		i := strings.Index(text, "{{")
		k := strings.Index(text, "}}")
		if i < 0 {
			return names, k < 0
		}
		if k >= 0 && k < i {
			return names, false
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			return names, false
		}
		inner := text[i+2 : i+j]
		if strings.Contains(inner, "{") {
			return names, false
		}
		names = append(names, strings.TrimSpace(inner))
		text = text[i+j+2:]
	}
}

// texts lists the step's wordings: Text, then Texts in the order of the
// methods.
func (st *Step) texts() []string {
	out := []string{st.Text}
	for _, m := range huifang.CallbackMethods {
		if t, ok := st.Texts[m]; ok {
			out = append(out, t)
		}
	}
	return out
}
