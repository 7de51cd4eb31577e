package importer

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
)

var today = huifang.NewDate(2026, time.March, 1)

// testRefs is what the system already holds: a head office, a province and
// a city branch, three products, an agent and a bank outlet.
func testRefs() *MemoryRefs {
	return &MemoryRefs{
		Branches: map[string]huifang.Branch{
			"0001":   {Code: "0001", Name: "总公司"},
			"0101":   {Code: "0101", Name: "北京分公司", ParentCode: "0001", Level: 1},
			"010101": {Code: "010101", Name: "朝阳支公司", ParentCode: "0101", Level: 2},
		},
		Products: map[string]huifang.Product{
			"P20": {Code: "P20", Name: "金福两全", Design: huifang.DesignParticipating, Term: huifang.Term{Years: 20}, CoolingOffDays: 15},
			"PWL": {Code: "PWL", Name: "终身寿", Design: huifang.DesignTraditional, Term: huifang.Term{WholeLife: true}, CoolingOffDays: 15},
			"H1":  {Code: "H1", Name: "医疗险", Design: huifang.DesignHealth, Term: huifang.Term{Years: 1}, GuaranteedRenewal: true, CoolingOffDays: 15},
		},
		Agents:  map[string]huifang.Agent{"A001": {Code: "A001", Name: "王业务", BranchCode: "010101"}},
		Outlets: map[string]huifang.Outlet{"O001": {Code: "O001", Name: "工行朝阳支行", BranchCode: "010101"}},
	}
}

var (
	holderBirth = huifang.NewDate(1990, time.March, 7)
	holderID    = ValidIDNumber("110101", holderBirth, 123)

	policyHeader = []string{"保单号", "产品代码", "销售渠道", "机构代码", "业务员代码", "银行网点代码", "投保人姓名", "投保人证件号码",
		"投保人出生日期", "投保人手机号", "被保险人姓名", "投保日期", "承保日期", "回执签收日期", "保费", "缴费方式", "缴费年期", "保险期间"}
	policyBase = map[string]string{
		"保单号": "P001", "产品代码": "P20", "销售渠道": "个险", "机构代码": "010101", "业务员代码": "A001", "银行网点代码": "",
		"投保人姓名": "张三", "投保人证件号码": holderID, "投保人出生日期": "1990-03-07", "投保人手机号": "138 0013 8000",
		"被保险人姓名": "张小三", "投保日期": "2026-01-05", "承保日期": "2026-01-06", "回执签收日期": "2026-01-08",
		"保费": "1,234.50", "缴费方式": "年交", "缴费年期": "10", "保险期间": "",
	}
	basePolicy = huifang.Policy{
		No: "P001", ProductCode: "P20", Channel: huifang.ChannelAgency, BranchCode: "010101", AgentCode: "A001",
		HolderName: "张三", HolderID: holderID, HolderBirth: holderBirth, HolderPhone: "13800138000", InsuredName: "张小三",
		AppliedOn: huifang.NewDate(2026, 1, 5), IssuedOn: huifang.NewDate(2026, 1, 6), ReceiptOn: huifang.NewDate(2026, 1, 8),
		PremiumFen: 123450, PayMode: huifang.PayAnnual, PayYears: 10, Term: huifang.Term{Years: 20},
	}
)

// record makes a row of header from base with some cells changed.
func record(header []string, base, changes map[string]string) []string {
	rec := make([]string, len(header))
	for i, h := range header {
		rec[i] = base[h]
		if v, ok := changes[h]; ok {
			rec[i] = v
		}
	}
	return rec
}

func newChecker(t *testing.T, kind Kind, header []string) *Checker {
	t.Helper()
	c, err := NewChecker(kind, header, testRefs(), today)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPolicyRows(t *testing.T) {
	type change = map[string]string
	ok := func(edit func(p *huifang.Policy)) *huifang.Policy {
		p := basePolicy
		if edit != nil {
			edit(&p)
		}
		return &p
	}
	tests := []struct {
		name    string
		changes change
		want    *huifang.Policy // when the row is good
		column  string          // else the one problem
		value   string
		reason  string
	}{
		{name: "good", want: ok(nil)},
		{name: "dates with slashes", changes: change{"投保日期": "2026/1/5", "承保日期": "20260106", "回执签收日期": "2026年1月8日", "投保人出生日期": "1990.3.7"}, want: ok(nil)},
		{name: "ID with lower-case x", changes: change{"投保人证件号码": "11010519491231002x", "投保人出生日期": ""}, want: ok(func(p *huifang.Policy) {
			p.HolderID, p.HolderBirth = "11010519491231002X", huifang.NewDate(1949, 12, 31)
		})},
		{name: "birth date from the ID", changes: change{"投保人出生日期": ""}, want: ok(nil)},
		{name: "phone with +86", changes: change{"投保人手机号": "+86-138-0013-8000"}, want: ok(nil)},
		{name: "not underwritten yet", changes: change{"承保日期": "", "回执签收日期": ""}, want: ok(func(p *huifang.Policy) { p.IssuedOn, p.ReceiptOn = huifang.Date{}, huifang.Date{} })},
		{name: "receipt not signed yet", changes: change{"回执签收日期": ""}, want: ok(func(p *huifang.Policy) { p.ReceiptOn = huifang.Date{} })},
		{name: "receipt signed today", changes: change{"回执签收日期": "2026-03-01"}, want: ok(func(p *huifang.Policy) { p.ReceiptOn = today })},
		{name: "internet without agent", changes: change{"销售渠道": "网销", "业务员代码": ""}, want: ok(func(p *huifang.Policy) { p.Channel, p.AgentCode = huifang.ChannelInternet, "" })},
		{name: "telesales in English", changes: change{"销售渠道": "Telesales", "业务员代码": ""}, want: ok(func(p *huifang.Policy) { p.Channel, p.AgentCode = huifang.ChannelTelesales, "" })},
		{name: "bancassurance with an outlet", changes: change{"销售渠道": "银保", "业务员代码": "", "银行网点代码": "O001"}, want: ok(func(p *huifang.Policy) {
			p.Channel, p.AgentCode, p.OutletCode = huifang.ChannelBank, "", "O001"
		})},
		{name: "broker with an outlet and no agent", changes: change{"销售渠道": "经代", "业务员代码": "", "银行网点代码": "O001"}, want: ok(func(p *huifang.Policy) {
			p.Channel, p.AgentCode, p.OutletCode = huifang.ChannelBroker, "", "O001"
		})},
		{name: "single premium without pay years", changes: change{"缴费方式": "趸缴", "缴费年期": ""}, want: ok(func(p *huifang.Policy) { p.PayMode, p.PayYears = huifang.PaySingle, 1 })},
		{name: "policy's own term", changes: change{"保险期间": "终身"}, want: ok(func(p *huifang.Policy) { p.Term = huifang.Term{WholeLife: true} })},
		{name: "product's whole-life term", changes: change{"产品代码": "PWL", "缴费年期": "20年"}, want: ok(func(p *huifang.Policy) {
			p.ProductCode, p.Term, p.PayYears = "PWL", huifang.Term{WholeLife: true}, 20
		})},
		{name: "premium with yuan sign", changes: change{"保费": "¥88"}, want: ok(func(p *huifang.Policy) { p.PremiumFen = 8800 })},

		{name: "missing policy number", changes: change{"保单号": ""}, column: "保单号", reason: "必填"},
		{name: "policy number with a space", changes: change{"保单号": "P 001"}, column: "保单号", value: "P 001", reason: "不能有空格"},
		{name: "missing holder name", changes: change{"投保人姓名": ""}, column: "投保人姓名", reason: "必填"},
		{name: "missing insured name", changes: change{"被保险人姓名": ""}, column: "被保险人姓名", reason: "必填"},
		{name: "impossible date", changes: change{"承保日期": "2026-02-30"}, column: "承保日期", value: "2026-02-30", reason: "2026年2月只有28天"},
		{name: "bad date", changes: change{"投保日期": "5/1/2026"}, column: "投保日期", value: "5/1/2026", reason: "日期格式不对"},
		{name: "missing issue date with a signed receipt", changes: change{"承保日期": ""}, column: "承保日期", reason: "必填"},
		{name: "receipt before issue", changes: change{"回执签收日期": "2026-01-05"}, column: "回执签收日期", value: "2026-01-05", reason: "回执签收日期早于承保日期（2026-01-06）"},
		{name: "receipt in the future", changes: change{"回执签收日期": "2026-03-02"}, column: "回执签收日期", value: "2026-03-02", reason: "晚于今天"},
		{name: "issued before applied", changes: change{"承保日期": "2026-01-04", "回执签收日期": ""}, column: "承保日期", value: "2026-01-04", reason: "承保日期早于投保日期"},
		{name: "applied in the future", changes: change{"投保日期": "2026-03-02", "承保日期": "2026-03-02", "回执签收日期": ""}, column: "投保日期", value: "2026-03-02", reason: "投保日期晚于今天"},
		{name: "born after applying", changes: change{"投保人证件号码": ValidIDNumber("110101", huifang.NewDate(2026, 1, 6), 1), "投保人出生日期": ""}, column: "投保人证件号码", value: shown(ValidIDNumber("110101", huifang.NewDate(2026, 1, 6), 1), idMask), reason: "出生日期应早于投保日期"},
		{name: "birth date differs from the ID", changes: change{"投保人出生日期": "1990-03-08"}, column: "投保人出生日期", value: "1990-03-08", reason: "与证件号码中的出生日期（1990-03-07）不一致"},
		{name: "ID with a wrong checksum", changes: change{"投保人证件号码": holderID[:17] + "0"}, column: "投保人证件号码", value: holderID[:4] + "**********" + holderID[14:17] + "0", reason: "校验位不对"},
		{name: "old 15-digit ID", changes: change{"投保人证件号码": "110101900307123"}, column: "投保人证件号码", value: "1101*******7123", reason: "15位"},
		{name: "bad phone", changes: change{"投保人手机号": "12800138000"}, column: "投保人手机号", value: "128****8000", reason: "手机号不对"},
		{name: "missing phone", changes: change{"投保人手机号": ""}, column: "投保人手机号", reason: "必填"},
		{name: "unknown product", changes: change{"产品代码": "NOPE"}, column: "产品代码", value: "NOPE", reason: "产品代码在系统中不存在"},
		{name: "unknown branch", changes: change{"机构代码": "9999"}, column: "机构代码", value: "9999", reason: "机构代码在系统中不存在"},
		{name: "unknown agent", changes: change{"业务员代码": "A999"}, column: "业务员代码", value: "A999", reason: "业务员代码在系统中不存在"},
		{name: "unknown outlet", changes: change{"银行网点代码": "O999"}, column: "银行网点代码", value: "O999", reason: "银行网点代码在系统中不存在"},
		{name: "bancassurance without an outlet", changes: change{"销售渠道": "银保"}, column: "银行网点代码", reason: "银保渠道的保单必须填写银行网点代码"},
		{name: "agency without an agent", changes: change{"业务员代码": ""}, column: "业务员代码", reason: "个险渠道的保单必须填写业务员代码"},
		{name: "unknown channel", changes: change{"销售渠道": "柜面"}, column: "销售渠道", value: "柜面", reason: "销售渠道应为"},
		{name: "premium with three decimals", changes: change{"保费": "12.345"}, column: "保费", value: "12.345", reason: "两位小数"},
		{name: "zero premium", changes: change{"保费": "0.00"}, column: "保费", value: "0.00", reason: "保费应大于0"},
		{name: "unknown pay mode", changes: change{"缴费方式": "周交"}, column: "缴费方式", value: "周交", reason: "缴费方式应为"},
		{name: "zero pay years", changes: change{"缴费年期": "0"}, column: "缴费年期", value: "0", reason: "1 到 100"},
		{name: "missing pay years", changes: change{"缴费年期": ""}, column: "缴费年期", reason: "趸交可不填"},
		{name: "single premium over five years", changes: change{"缴费方式": "趸交", "缴费年期": "5"}, column: "缴费年期", value: "5", reason: "趸交的缴费年期应为 1"},
		{name: "paying longer than the cover", changes: change{"缴费年期": "30"}, column: "缴费年期", value: "30", reason: "缴费年期长于保险期间（20年）"},
		{name: "term to an age", changes: change{"保险期间": "至70岁"}, column: "保险期间", value: "至70岁", reason: "保至某岁"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecker(t, KindPolicies, policyHeader)
			item, good := c.Row(2, record(policyHeader, policyBase, tt.changes))
			rep := c.Report()
			if tt.want != nil {
				if !good || len(rep.Errors) > 0 {
					t.Fatalf("bad row: %v", rep.Errors)
				}
				if !reflect.DeepEqual(item, *tt.want) {
					t.Errorf("got  %+v\nwant %+v", item, *tt.want)
				}
				return
			}
			if good || item != nil || rep.Bad != 1 {
				t.Fatalf("good row %v, want a problem", item)
			}
			if len(rep.Errors) != 1 {
				t.Fatalf("%d problems, want 1: %v", len(rep.Errors), rep.Errors)
			}
			e := rep.Errors[0]
			if e.Row != 2 || e.Column != tt.column || e.Value != tt.value || !strings.Contains(e.Reason, tt.reason) {
				t.Errorf("got %+v, want column %q, value %q, reason containing %q", e, tt.column, tt.value, tt.reason)
			}
		})
	}
}

// No report ever holds a whole phone or ID number.
func TestPolicyMasks(t *testing.T) {
	c := newChecker(t, KindPolicies, policyHeader)
	c.Row(2, record(policyHeader, policyBase, map[string]string{"投保人出生日期": "2000-01-01", "投保人手机号": "1380013800", "保单号": ""}))
	c.Row(3, record(policyHeader, policyBase, map[string]string{"投保人证件号码": holderID[:17] + "0", "投保人手机号": "23800138000"}))
	s := c.Report().String()
	for _, secret := range []string{holderID, holderID[:17], "1380013800", "23800138000"} {
		if strings.Contains(s, secret) {
			t.Errorf("report shows %q:\n%s", secret, s)
		}
	}
}

func TestDuplicates(t *testing.T) {
	c := newChecker(t, KindPolicies, policyHeader)
	rows := []struct {
		line int
		no   string
		bad  map[string]string
	}{
		{2, "P001", nil},
		{3, "P001", nil},
		{4, "P002", nil},
		{6, "P001", nil},
		{7, "P003", map[string]string{"保费": "x"}}, // bad before its duplicate
		{8, "P003", nil},
	}
	for _, r := range rows {
		changes := map[string]string{"保单号": r.no}
		for k, v := range r.bad {
			changes[k] = v
		}
		c.Row(r.line, record(policyHeader, policyBase, changes))
	}
	rep := c.Report()
	var got []string
	for _, e := range rep.Errors {
		got = append(got, fmt.Sprintf("%d %s %s", e.Row, e.Value, e.Reason))
	}
	want := []string{
		"2 P001 与第3行重复",
		"2 P001 与第6行重复",
		"3 P001 与第2行重复",
		"6 P001 与第2行重复",
		"7 x 金额应为数字，单位元，如 1234.50",
		"7 P003 与第8行重复",
		"8 P003 与第7行重复",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep.Rows != 6 || rep.Bad != 5 || rep.ErrorCount != 7 {
		t.Errorf("rows %d, bad %d, problems %d; want 6, 5, 7", rep.Rows, rep.Bad, rep.ErrorCount)
	}
}

func TestHeader(t *testing.T) {
	t.Run("English, any case, spaces and underscores", func(t *testing.T) {
		header := []string{"Policy No", "PRODUCT_CODE", "channel", "Branch Code", "agent_code", "holder_name", "Holder_ID",
			"holder phone", "insured_name", "APPLIED_ON", "issued_on", "receipt_on", "Premium", "pay_mode", "pay_years"}
		en := map[string]string{}
		for i, h := range header {
			zh := []string{"保单号", "产品代码", "销售渠道", "机构代码", "业务员代码", "投保人姓名", "投保人证件号码",
				"投保人手机号", "被保险人姓名", "投保日期", "承保日期", "回执签收日期", "保费", "缴费方式", "缴费年期"}[i]
			en[h] = policyBase[zh]
		}
		c := newChecker(t, KindPolicies, header)
		item, ok := c.Row(2, record(header, en, nil))
		if !ok {
			t.Fatal(c.Report().Errors)
		}
		if want := basePolicy; !reflect.DeepEqual(item, want) {
			t.Errorf("got %+v, want %+v", item, want)
		}
	})
	t.Run("template marks and full-width brackets", func(t *testing.T) {
		header := slices.Clone(policyHeader)
		header[0], header[14] = "*保单号", "保费（元）"
		c := newChecker(t, KindPolicies, header)
		if _, ok := c.Row(2, record(policyHeader, policyBase, nil)); !ok {
			t.Fatal(c.Report().Errors)
		}
		rep := c.Report()
		if len(rep.Warnings) != 0 {
			t.Errorf("warnings %q", rep.Warnings)
		}
	})
	t.Run("unknown columns are a warning", func(t *testing.T) {
		header := append(slices.Clone(policyHeader), "备注", "", "险种大类")
		c := newChecker(t, KindPolicies, header)
		if _, ok := c.Row(2, record(header, policyBase, nil)); !ok {
			t.Fatal(c.Report().Errors)
		}
		if w := c.Report().Warnings; len(w) != 1 || w[0] != "忽略了无法识别的列：备注、险种大类" {
			t.Errorf("warnings %q", w)
		}
	})
	tests := []struct {
		name   string
		kind   Kind
		header []string
		msg    []string
		fields []fieldReason
	}{
		{
			name:   "missing columns",
			kind:   KindPolicies,
			header: slices.DeleteFunc(slices.Clone(policyHeader), func(h string) bool { return h == "保单号" || h == "回执签收日期" }),
			msg:    []string{"缺少必填列：保单号、回执签收日期", "保单文件应有这些列：保单号（policy_no）", "可选的列：业务员代码（agent_code）"},
			fields: []fieldReason{{Field: "保单号", Reason: "缺少必填列"}, {Field: "回执签收日期", Reason: "缺少必填列"}},
		},
		{
			name:   "a column twice",
			kind:   KindPolicies,
			header: append(slices.Clone(policyHeader), "policy_no"),
			msg:    []string{"「保单号」列重复（第1列和第19列）"},
			fields: []fieldReason{{Field: "policy_no", Reason: "列重复：与第1列都是「保单号」"}},
		},
		{
			name:   "data instead of a header",
			kind:   KindBranches,
			header: []string{"0001", "总公司", ""},
			msg:    []string{"缺少必填列：机构代码、机构名称、上级机构代码", "机构文件应有这些列"},
		},
		{
			name:   "products",
			kind:   KindProducts,
			header: []string{"产品代码", "产品名称"},
			msg:    []string{"缺少必填列：设计类型、保险期间", "可选的列：保证续保（guaranteed_renewal）、犹豫期天数（cooling_off_days）、承保前回访（pre_underwriting_callback）"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewChecker(tt.kind, tt.header, testRefs(), today)
			var e *huifang.Error
			if !errors.As(err, &e) || e.Code != huifang.EINVALID {
				t.Fatalf("error %v, want a *huifang.Error", err)
			}
			for _, m := range tt.msg {
				if msg := e.Text(i18n.ZH); !strings.Contains(msg, m) {
					t.Errorf("message %q lacks %q", msg, m)
				}
			}
			if got := fieldReasons(e.Fields); tt.fields != nil && !reflect.DeepEqual(got, tt.fields) {
				t.Errorf("fields %+v, want %+v", got, tt.fields)
			}
		})
	}
	if _, err := NewChecker("claims", policyHeader, testRefs(), today); huifang.ErrorCode(err) != huifang.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := NewChecker(KindPolicies, policyHeader, testRefs(), huifang.Date{}); err == nil {
		t.Error("no error without today")
	}
}

// Within a kind, no header may name two columns.
func TestAliasesAreUnique(t *testing.T) {
	for kind, cols := range columns {
		seen := map[string]string{}
		for _, col := range cols {
			for _, a := range append([]string{col.zh, col.en}, col.aliases...) {
				n := normHeader(a)
				if other, ok := seen[n]; ok && other != col.zh {
					t.Errorf("%s: %q names both %s and %s", kind, a, other, col.zh)
				}
				seen[n] = col.zh
			}
		}
	}
}

func TestProductRows(t *testing.T) {
	header := []string{"产品代码", "产品名称", "设计类型", "保险期间", "保证续保", "犹豫期天数", "承保前回访"}
	base := map[string]string{"产品代码": "P30", "产品名称": "鑫享人生", "设计类型": "分红", "保险期间": "30年"}
	want := huifang.Product{Code: "P30", Name: "鑫享人生", Design: huifang.DesignParticipating, Term: huifang.Term{Years: 30}, CoolingOffDays: 15}
	tests := []struct {
		name    string
		changes map[string]string
		want    func(p *huifang.Product) // nil: the row is bad
		column  string
		reason  string
	}{
		{name: "defaults", want: func(p *huifang.Product) {}},
		{name: "everything", changes: map[string]string{"设计类型": "Health", "保险期间": "1", "保证续保": "Y", "犹豫期天数": "20天", "承保前回访": "是"}, want: func(p *huifang.Product) {
			p.Design, p.Term, p.GuaranteedRenewal, p.CoolingOffDays, p.PreUnderwritingCallback = huifang.DesignHealth, huifang.Term{Years: 1}, true, 20, true
		}},
		{name: "whole life, design with a suffix", changes: map[string]string{"设计类型": "万能型", "保险期间": "终身", "保证续保": "false"}, want: func(p *huifang.Product) {
			p.Design, p.Term = huifang.DesignUniversal, huifang.Term{WholeLife: true}
		}},
		{name: "non-life wealth", changes: map[string]string{"设计类型": "非寿险理财", "保证续保": "0"}, want: func(p *huifang.Product) { p.Design = huifang.DesignNonLifeWealth }},
		{name: "unknown design", changes: map[string]string{"设计类型": "年金"}, column: "设计类型", reason: "设计类型应为"},
		{name: "missing term", changes: map[string]string{"保险期间": ""}, column: "保险期间", reason: "必填"},
		{name: "bad renewal", changes: map[string]string{"保证续保": "也许"}, column: "保证续保", reason: "应填 是 或 否"},
		{name: "cooling-off too long", changes: map[string]string{"犹豫期天数": "61"}, column: "犹豫期天数", reason: "1 到 60"},
		{name: "cooling-off zero", changes: map[string]string{"犹豫期天数": "0"}, column: "犹豫期天数", reason: "1 到 60"},
		{name: "missing name", changes: map[string]string{"产品名称": ""}, column: "产品名称", reason: "必填"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecker(t, KindProducts, header)
			item, ok := c.Row(2, record(header, base, tt.changes))
			checkItem(t, c, item, ok, tt.want != nil, tt.column, tt.reason)
			if tt.want != nil {
				w := want
				tt.want(&w)
				if !reflect.DeepEqual(item, w) {
					t.Errorf("got %+v, want %+v", item, w)
				}
			}
		})
	}
}

// checkItem checks a row came out good, or bad with one problem in column.
func checkItem(t *testing.T, c *Checker, item any, ok, good bool, column, reason string) {
	t.Helper()
	rep := c.Report()
	if good {
		if !ok || item == nil {
			t.Fatalf("bad row: %v", rep.Errors)
		}
		return
	}
	if ok || len(rep.Errors) != 1 {
		t.Fatalf("ok %v, problems %v; want one problem", ok, rep.Errors)
	}
	if e := rep.Errors[0]; e.Column != column || !strings.Contains(e.Reason, reason) {
		t.Errorf("got %+v, want column %q and reason %q", e, column, reason)
	}
}

func TestAgentRows(t *testing.T) {
	header := []string{"业务员代码", "姓名", "手机号", "机构代码", "执业证号", "状态"}
	base := map[string]string{"业务员代码": "A100", "姓名": "赵六", "手机号": "13900139000", "机构代码": "010101"}
	tests := []struct {
		name    string
		changes map[string]string
		want    *huifang.Agent
		column  string
		reason  string
	}{
		{name: "defaults", want: &huifang.Agent{Code: "A100", Name: "赵六", Phone: "13900139000", BranchCode: "010101", Status: huifang.AgentActive}},
		{name: "left", changes: map[string]string{"状态": "离职", "执业证号": "02000111000080020160800000", "手机号": "139-0013-9000"}, want: &huifang.Agent{
			Code: "A100", Name: "赵六", Phone: "13900139000", BranchCode: "010101", RegNo: "02000111000080020160800000", Status: huifang.AgentLeft,
		}},
		{name: "status in English", changes: map[string]string{"状态": "Left"}, want: &huifang.Agent{Code: "A100", Name: "赵六", Phone: "13900139000", BranchCode: "010101", Status: huifang.AgentLeft}},
		{name: "unknown branch", changes: map[string]string{"机构代码": "0202"}, column: "机构代码", reason: "机构代码在系统中不存在"},
		{name: "bad phone", changes: map[string]string{"手机号": "010-88886666"}, column: "手机号", reason: "手机号不对"},
		{name: "bad status", changes: map[string]string{"状态": "休假"}, column: "状态", reason: "在职 或 离职"},
		{name: "missing code", changes: map[string]string{"业务员代码": ""}, column: "业务员代码", reason: "必填"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecker(t, KindAgents, header)
			item, ok := c.Row(2, record(header, base, tt.changes))
			checkItem(t, c, item, ok, tt.want != nil, tt.column, tt.reason)
			if tt.want != nil && !reflect.DeepEqual(item, *tt.want) {
				t.Errorf("got %+v, want %+v", item, *tt.want)
			}
		})
	}
}

func TestOutletRows(t *testing.T) {
	header := []string{"网点代码", "网点名称", "所属银行", "机构代码"}
	base := map[string]string{"网点代码": "O100", "网点名称": "建行国贸支行", "所属银行": "建设银行", "机构代码": "0101"}
	tests := []struct {
		name    string
		changes map[string]string
		want    *huifang.Outlet
		column  string
		reason  string
	}{
		{name: "good", want: &huifang.Outlet{Code: "O100", Name: "建行国贸支行", Bank: "建设银行", BranchCode: "0101"}},
		{name: "no bank", changes: map[string]string{"所属银行": ""}, want: &huifang.Outlet{Code: "O100", Name: "建行国贸支行", BranchCode: "0101"}},
		{name: "unknown branch", changes: map[string]string{"机构代码": "X"}, column: "机构代码", reason: "不存在"},
		{name: "missing name", changes: map[string]string{"网点名称": ""}, column: "网点名称", reason: "必填"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecker(t, KindOutlets, header)
			item, ok := c.Row(2, record(header, base, tt.changes))
			checkItem(t, c, item, ok, tt.want != nil, tt.column, tt.reason)
			if tt.want != nil && !reflect.DeepEqual(item, *tt.want) {
				t.Errorf("got %+v, want %+v", item, *tt.want)
			}
		})
	}
}

func TestBranches(t *testing.T) {
	header := []string{"机构代码", "机构名称", "上级机构代码"}
	type line = [3]string
	tests := []struct {
		name   string
		rows   []line
		levels map[string]int // the good branches, in the order End returns them
		order  []string
		errors []string // "row reason"
	}{
		{
			name: "children before parents, parents in the system",
			rows: []line{
				{"01010101", "朝阳营业部", "010101"}, // its parent is in the system
				{"020101", "浦东支公司", "0201"},     // its parent comes later
				{"0201", "上海分公司", "0001"},
				{"NEW", "新总公司", ""},
			},
			order:  []string{"NEW", "0201", "020101", "01010101"},
			levels: map[string]int{"NEW": 0, "0201": 1, "020101": 2, "01010101": 3},
		},
		{
			name: "a file that moves a branch under another",
			rows: []line{
				{"0101", "北京分公司", "0201"},
				{"0201", "上海分公司", "0001"},
			},
			order:  []string{"0201", "0101"},
			levels: map[string]int{"0201": 1, "0101": 2},
		},
		{
			name: "unknown parent, and a child of it",
			rows: []line{
				{"0301", "广东分公司", "9999"},
				{"030101", "广州支公司", "0301"},
				{"0401", "江苏分公司", "0001"},
			},
			order:  []string{"0401"},
			levels: map[string]int{"0401": 1},
			errors: []string{
				"2 上级机构代码在文件和系统中都不存在",
				"3 上级机构「0301」的上级「9999」在文件和系统中都不存在",
			},
		},
		{
			name: "a cycle",
			rows: []line{
				{"A", "甲", "B"},
				{"B", "乙", "C"},
				{"C", "丙", "A"},
				{"D", "丁", "A"},
			},
			errors: []string{
				"2 上级机构形成了循环：A → B → C → A",
				"3 上级机构形成了循环：B → C → A → B",
				"4 上级机构形成了循环：C → A → B → C",
				"5 上级机构形成了循环：A → B → C → A",
			},
		},
		{
			name: "a cycle through the system",
			rows: []line{{"0001", "总公司", "010101"}},
			errors: []string{
				"2 上级机构形成了循环：0001 → 010101 → 0101 → 0001",
			},
		},
		{
			name:   "its own parent",
			rows:   []line{{"X", "自己", "X"}},
			errors: []string{"2 上级机构不能是机构自己"},
		},
		{
			name: "a duplicate makes both bad, children still placed",
			rows: []line{
				{"0501", "浙江分公司", "0001"},
				{"0501", "浙江分公司", "0001"},
				{"050101", "杭州支公司", "0501"},
			},
			order:  []string{"050101"},
			levels: map[string]int{"050101": 2},
			errors: []string{"2 与第3行重复", "3 与第2行重复"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecker(t, KindBranches, header)
			for i, r := range tt.rows {
				if item, _ := c.Row(i+2, r[:]); item != nil {
					t.Fatalf("Row returned %v for a branch", item)
				}
			}
			var order []string
			levels := map[string]int{}
			for _, item := range c.End() {
				b := item.(huifang.Branch)
				order = append(order, b.Code)
				levels[b.Code] = b.Level
			}
			if c.End() != nil {
				t.Error("End returned items twice")
			}
			if !slices.Equal(order, tt.order) {
				t.Errorf("order %q, want %q", order, tt.order)
			}
			if len(tt.levels) > 0 && !reflect.DeepEqual(levels, tt.levels) {
				t.Errorf("levels %v, want %v", levels, tt.levels)
			}
			rep := c.Report()
			var got []string
			for _, e := range rep.Errors {
				got = append(got, fmt.Sprintf("%d %s", e.Row, e.Reason))
			}
			if !slices.Equal(got, tt.errors) {
				t.Errorf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.errors, "\n"))
			}
			if rep.Bad != len(tt.rows)-len(tt.order) {
				t.Errorf("bad %d, want %d", rep.Bad, len(tt.rows)-len(tt.order))
			}
		})
	}
}

func TestErrorCap(t *testing.T) {
	c := newChecker(t, KindPolicies, policyHeader)
	for i := range 1500 {
		c.Row(i+2, record(policyHeader, policyBase, map[string]string{"保单号": fmt.Sprint("P", i), "保费": "-1"}))
	}
	rep := c.Report()
	if len(rep.Errors) != MaxErrors || !rep.Truncated || rep.ErrorCount != 1500 || rep.Bad != 1500 || rep.Rows != 1500 {
		t.Errorf("kept %d, truncated %v, counted %d, bad %d, rows %d", len(rep.Errors), rep.Truncated, rep.ErrorCount, rep.Bad, rep.Rows)
	}
	if !strings.Contains(rep.String(), "另有500处问题未列出") {
		t.Error("String does not say problems were left out")
	}
}

// countingRefs counts the questions asked.
type countingRefs struct {
	Refs
	asked int
}

func (c *countingRefs) Product(code string) (huifang.Product, bool) {
	c.asked++
	return c.Refs.Product(code)
}

func TestRefsAreCached(t *testing.T) {
	refs := &countingRefs{Refs: testRefs()}
	c, err := NewChecker(KindPolicies, policyHeader, refs, today)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		c.Row(i+2, record(policyHeader, policyBase, map[string]string{"保单号": fmt.Sprint("P", i), "产品代码": []string{"P20", "NOPE"}[i%2]}))
	}
	if refs.asked != 2 {
		t.Errorf("asked %d times, want 2", refs.asked)
	}
}

// The customer's chosen callback method is an optional column; a file
// without it loads as before.
func TestPolicyCallbackMethod(t *testing.T) {
	header := append(slices.Clone(policyHeader), "回访方式")
	tests := []struct {
		cell string
		want huifang.CallbackMethod
		bad  bool
	}{
		{"", "", false},
		{"电子", huifang.MethodElectronic, false},
		{"电子化回访", huifang.MethodElectronic, false},
		{"electronic", huifang.MethodElectronic, false},
		{"电话", huifang.MethodPhone, false},
		{"phone", huifang.MethodPhone, false},
		{"信函", "", true},
		{"短信", "", true},
	}
	for _, tt := range tests {
		c := newChecker(t, KindPolicies, header)
		base := maps.Clone(policyBase)
		base["回访方式"] = tt.cell
		item, good := c.Row(2, record(header, base, nil))
		if tt.bad {
			rep := c.Report()
			if good || len(rep.Errors) != 1 || rep.Errors[0].Column != "回访方式" || !strings.Contains(rep.Errors[0].Reason, "电话 或 电子") {
				t.Errorf("%q: good %v, report %v", tt.cell, good, rep.Errors)
			}
			continue
		}
		if !good {
			t.Errorf("%q: bad row %v", tt.cell, c.Report().Errors)
			continue
		}
		if got := item.(huifang.Policy).CallbackMethod; got != tt.want {
			t.Errorf("%q: method %q, want %q", tt.cell, got, tt.want)
		}
	}
	c := newChecker(t, KindPolicies, append(slices.Clone(policyHeader), "callback_method"))
	if _, good := c.Row(2, append(record(policyHeader, policyBase, nil), "electronic")); !good {
		t.Errorf("English header: %v", c.Report().Errors)
	}
}

// fieldReason is a field error as a reader sees it, in Chinese.
type fieldReason struct{ Field, Reason string }

func fieldReasons(fs []huifang.FieldError) []fieldReason {
	out := make([]fieldReason, len(fs))
	for i, f := range fs {
		out[i] = fieldReason{f.Field, f.Text(i18n.ZH)}
	}
	return out
}
