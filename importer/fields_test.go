package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
)

func TestParseDate(t *testing.T) {
	jan5 := huifang.NewDate(2026, time.January, 5)
	tests := []struct {
		in   string
		want huifang.Date
		err  string
	}{
		{in: "2026-01-05", want: jan5},
		{in: "2026/1/5", want: jan5},
		{in: "2026-1-5", want: jan5},
		{in: "20260105", want: jan5},
		{in: "2026年1月5日", want: jan5},
		{in: "2026.1.5", want: jan5},
		{in: " 2026/01/05 ", want: jan5},
		{in: "2026-01-05 00:00:00", want: jan5},
		{in: "2026/1/5 0:00", want: jan5},
		{in: "2026-01-05T10:30:00Z", want: jan5},
		{in: "2024-02-29", want: huifang.NewDate(2024, time.February, 29)},
		{in: "", err: "日期为空"},
		{in: "2026-02-30", err: "日期不存在：2026年2月只有28天"},
		{in: "2025-02-29", err: "2025年2月只有28天"},
		{in: "2026-04-31", err: "2026年4月只有30天"},
		{in: "2026-13-01", err: "月份 13 不对"},
		{in: "2026-00-10", err: "月份 0 不对"},
		{in: "2026-01-00", err: "2026年1月只有31天"},
		{in: "1899-12-31", err: "年份 1899 不对"},
		{in: "26-1-5", err: "日期格式不对"},
		{in: "1/5/2026", err: "日期格式不对"},
		{in: "2026-1/5", err: "日期格式不对"},
		{in: "2026年1月", err: "日期格式不对"},
		{in: "2026-01-05 25:00", err: "日期格式不对"},
		{in: "46027", err: "Excel 的日期序号"},
		{in: "明天", err: "日期格式不对"},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(huifang.ErrorMessage(err), tt.err) {
				t.Errorf("ParseDate(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseMobile(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13800138000", "13800138000"},
		{"138 0013 8000", "13800138000"},
		{"138-0013-8000", "13800138000"},
		{"+86 138 0013 8000", "13800138000"},
		{"+8613800138000", "13800138000"},
		{"8613800138000", "13800138000"},
		{"008613800138000", "13800138000"},
		{"19912345678", "19912345678"},
		{"", ""},
		{"12800138000", ""},
		{"1380013800", ""},
		{"138001380000", ""},
		{"010-12345678", ""},
		{"1380013800x", ""},
	}
	for _, tt := range tests {
		got, err := ParseMobile(tt.in)
		if (err == nil) != (tt.want != "") || got != tt.want {
			t.Errorf("ParseMobile(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseYuan(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  string
	}{
		{in: "1234.50", want: 123450},
		{in: "1,234.5", want: 123450},
		{in: "1,234", want: 123400},
		{in: "¥1,000,000.01", want: 100000001},
		{in: "88元", want: 8800},
		{in: "0.05", want: 5},
		{in: "7.", want: 700},
		{in: "", err: "为空"},
		{in: "12.345", err: "最多两位小数"},
		{in: "-5", err: "负数"},
		{in: "1e3", err: "应为数字"},
		{in: "十元", err: "应为数字"},
		{in: "99999999999999", err: "太大"},
	}
	for _, tt := range tests {
		got, err := ParseYuan(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(huifang.ErrorMessage(err), tt.err) {
				t.Errorf("ParseYuan(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseYuan(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseTerm(t *testing.T) {
	tests := []struct {
		in   string
		want huifang.Term
		err  string
	}{
		{in: "20", want: huifang.Term{Years: 20}},
		{in: "20年", want: huifang.Term{Years: 20}},
		{in: "1 年", want: huifang.Term{Years: 1}},
		{in: "终身", want: huifang.Term{WholeLife: true}},
		{in: "Whole Life", want: huifang.Term{WholeLife: true}},
		{in: "", err: "为空"},
		{in: "0", err: "1 到 120"},
		{in: "121", err: "1 到 120"},
		{in: "6个月", err: "1 到 120"},
		{in: "至70岁", err: "保至某岁"},
	}
	for _, tt := range tests {
		got, err := ParseTerm(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(huifang.ErrorMessage(err), tt.err) {
				t.Errorf("ParseTerm(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseTerm(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseIDNumber(t *testing.T) {
	birth := huifang.NewDate(1990, time.March, 7)
	valid := ValidIDNumber("110101", birth, 123)
	wrongCheck := valid[:17] + string("10X98765432"[(strings.IndexByte("10X98765432", valid[17])+1)%11])
	tests := []struct {
		in, want string
		birth    huifang.Date
		err      string
	}{
		// The examples printed in GB 11643-1999.
		{in: "11010519491231002X", want: "11010519491231002X", birth: huifang.NewDate(1949, time.December, 31)},
		{in: "440524188001010014", want: "440524188001010014", birth: huifang.NewDate(1880, time.January, 1)},
		{in: "11010519491231002x", want: "11010519491231002X", birth: huifang.NewDate(1949, time.December, 31)},
		{in: " " + valid + " ", want: valid, birth: birth},
		{in: "", err: "为空"},
		{in: wrongCheck, err: "校验位不对"},
		{in: "110101199003070000", err: "存成了数字"},
		{in: "110105491231002", err: "15位"},
		{in: "1101051949123100", err: "应为18位（现在是16位）"},
		{in: "11010519491231002Y", err: "最后一位为数字或X"},
		{in: "A1010519491231002X", err: "前17位应为数字"},
		{in: ValidIDNumber("000000", birth, 1), err: "地区代码"},
		{in: "110105194902300011", err: "出生日期"},
	}
	for _, tt := range tests {
		got, b, err := ParseIDNumber(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(huifang.ErrorMessage(err), tt.err) {
				t.Errorf("ParseIDNumber(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want || b != tt.birth {
			t.Errorf("ParseIDNumber(%q) = %q, %v, %v; want %q, %v", tt.in, got, b, err, tt.want, tt.birth)
		}
	}
}

func TestValidIDNumber(t *testing.T) {
	if got := ValidIDNumber("110105", huifang.NewDate(1949, time.December, 31), 2); got != "11010519491231002X" {
		t.Errorf("got %q, want the standard's example 11010519491231002X", got)
	}
	for seq := -3; seq < 2000; seq += 7 {
		id := ValidIDNumber("440524", huifang.NewDate(2000, time.February, 29), seq)
		if _, _, err := ParseIDNumber(id); err != nil {
			t.Fatalf("ValidIDNumber(seq %d) = %q: %v", seq, id, err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for a bad area code")
		}
	}()
	ValidIDNumber("1101", huifang.NewDate(2000, 1, 1), 1)
}

func TestParseKind(t *testing.T) {
	for in, want := range map[string]Kind{
		"policies": KindPolicies, "Policy": KindPolicies, "保单": KindPolicies,
		"branches": KindBranches, "branch": KindBranches, "机构": KindBranches,
		"products": KindProducts, "产品": KindProducts,
		"agents": KindAgents, "营销员": KindAgents,
		"outlets": KindOutlets, "网点": KindOutlets,
	} {
		if got, ok := ParseKind(in); !ok || got != want {
			t.Errorf("ParseKind(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := ParseKind("claims"); ok {
		t.Error("claims is not a kind")
	}
	for _, k := range Kinds {
		if k.ZH() == "" {
			t.Errorf("%s has no Chinese name", k)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		in   string
		kind masking
		want string
	}{
		{"13812345678", phoneMask, "138****5678"},
		{"1381234567", phoneMask, "**********"},
		{"110101199003071234", idMask, "1101**********1234"},
		{"110101900307123", idMask, "1101*******7123"},
		{"11010119900307", idMask, "**************"},
		{"普通值", noMask, "普通值"},
		{strings.Repeat("长", 70), noMask, strings.Repeat("长", 60) + "…"},
	}
	for _, tt := range tests {
		if got := shown(tt.in, tt.kind); got != tt.want {
			t.Errorf("shown(%q, %d) = %q, want %q", tt.in, tt.kind, got, tt.want)
		}
	}
}
