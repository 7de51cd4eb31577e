package importer

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/huifang/huifang"
)

// The parsers below return a *huifang.Error whose message (a catalog key and
// its arguments) is the reason, fit for a row of the report or a form field.

func reason(key string, args ...any) error {
	return huifang.Errorf(huifang.EINVALID, key, args...)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

const dateHint = "err.import.date_format"

// ParseDate reads a date written as 2026-01-05, 2026-1-5, 2026/1/5, 2026.1.5,
// 20260105 or 2026年1月5日, optionally followed by a time of day (as in
// "2026/1/5 0:00", how Excel writes a date-time to CSV), which is dropped.
func ParseDate(s string) (huifang.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return huifang.Date{}, reason("err.import.row.date_empty")
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		if !isClock(strings.TrimSpace(s[i+1:])) {
			return huifang.Date{}, reason(dateHint)
		}
		s = s[:i]
	}
	var y, m, d string
	switch {
	case len(s) == 8 && allDigits(s):
		y, m, d = s[:4], s[4:6], s[6:]
	case len(s) == 5 && allDigits(s):
		return huifang.Date{}, reason("err.import.date_excel_serial")
	case strings.HasSuffix(s, "日"):
		rest := strings.TrimSuffix(s, "日")
		var ok1, ok2 bool
		y, rest, ok1 = strings.Cut(rest, "年")
		m, d, ok2 = strings.Cut(rest, "月")
		if !ok1 || !ok2 {
			return huifang.Date{}, reason(dateHint)
		}
	default:
		i := strings.IndexAny(s, "-/.")
		if i < 0 {
			return huifang.Date{}, reason(dateHint)
		}
		parts := strings.Split(s, s[i:i+1])
		if len(parts) != 3 {
			return huifang.Date{}, reason(dateHint)
		}
		y, m, d = parts[0], parts[1], parts[2]
	}
	if len(y) != 4 || !allDigits(y) || len(m) < 1 || len(m) > 2 || !allDigits(m) || len(d) < 1 || len(d) > 2 || !allDigits(d) {
		return huifang.Date{}, reason(dateHint)
	}
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	dd, _ := strconv.Atoi(d)
	switch {
	case yy < 1900 || yy > 2199:
		return huifang.Date{}, reason("err.import.row.bad_year", yy)
	case mm < 1 || mm > 12:
		return huifang.Date{}, reason("err.import.row.bad_month", mm)
	case dd < 1 || dd > daysIn(yy, time.Month(mm)):
		return huifang.Date{}, reason("err.import.row.bad_day", yy, mm, daysIn(yy, time.Month(mm)))
	}
	return huifang.NewDate(yy, time.Month(mm), dd), nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// isClock accepts H:MM or H:MM:SS, with an optional fraction or zone as
// databases write them.
func isClock(s string) bool {
	s, _, _ = strings.Cut(s, ".")
	s = strings.TrimSuffix(s, "Z")
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || len(p) > 2 || n < 0 || (i == 0 && n > 23) || (i > 0 && n > 59) {
			return false
		}
	}
	return true
}

// ParseMobile reads a mainland mobile number, ignoring spaces, dashes and a
// leading +86, and returns its 11 digits.
func ParseMobile(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "", reason("err.import.row.phone_empty")
	}
	for _, prefix := range []string{"+86", "0086"} {
		s = strings.TrimPrefix(s, prefix)
	}
	if len(s) == 13 && strings.HasPrefix(s, "86") {
		s = s[2:]
	}
	if len(s) != 11 || !allDigits(s) || s[0] != '1' || s[1] < '3' {
		return "", reason("err.import.row.bad_phone")
	}
	return s, nil
}

// ParseTerm reads an insurance period: a number of years (20, 20年) or 终身.
func ParseTerm(s string) (huifang.Term, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(strings.Join(strings.Fields(s), "")) {
	case "终身", "终生", "wholelife", "whole-life", "lifetime":
		return huifang.Term{WholeLife: true}, nil
	case "":
		return huifang.Term{}, reason("err.import.row.term_empty")
	}
	if strings.Contains(s, "岁") {
		return huifang.Term{}, reason("err.import.row.term_to_age")
	}
	n, ok := count(s, "年")
	if !ok || n < 1 || n > 120 {
		return huifang.Term{}, reason("err.import.row.bad_term")
	}
	return huifang.Term{Years: n}, nil
}

// count reads a whole number, optionally followed by its unit (年, 天).
func count(s, unit string) (int, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), unit))
	if !allDigits(s) || len(s) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// ParseYuan reads an amount in yuan — up to two decimals, thousands commas
// allowed, an optional ¥ or 元 — and returns it in fen.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	s = strings.TrimSpace(strings.TrimSuffix(s, "元"))
	s = strings.ReplaceAll(s, ",", "")
	if s == "" {
		return 0, reason("err.import.row.amount_empty")
	}
	if strings.HasPrefix(s, "-") {
		return 0, reason("err.import.row.amount_negative")
	}
	whole, frac, _ := strings.Cut(s, ".")
	switch {
	case !allDigits(whole) || (frac != "" && !allDigits(frac)):
		return 0, reason("err.import.row.bad_amount")
	case len(frac) > 2:
		return 0, reason("err.import.row.amount_cents")
	case len(strings.TrimLeft(whole, "0")) > 13:
		return 0, reason("err.import.row.amount_too_large")
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return w*100 + f, nil
}

// parseBool reads 是/否, Y/N, yes/no, true/false, 1/0.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "是", "y", "yes", "true", "1", "有":
		return true, true
	case "否", "n", "no", "false", "0", "无":
		return false, true
	}
	return false, false
}

func parseChannel(s string) (huifang.Channel, bool) {
	switch strings.ToLower(s) {
	case "bank", "银行保险":
		return huifang.ChannelBank, true
	case "个人代理":
		return huifang.ChannelAgency, true
	case "互联网":
		return huifang.ChannelInternet, true
	case "电话销售":
		return huifang.ChannelTelesales, true
	case "经纪代理", "中介":
		return huifang.ChannelBroker, true
	}
	return huifang.ParseChannel(strings.ToLower(s))
}

func parseDesign(s string) (huifang.DesignType, bool) {
	s = strings.ToLower(s)
	if d, ok := huifang.ParseDesignType(s); ok {
		return d, true
	}
	switch s {
	case "投资连结", "投资连结型", "investment":
		return huifang.DesignInvestment, true
	case "意外伤害":
		return huifang.DesignAccident, true
	}
	for _, suffix := range []string{"型", "险", "保险"} {
		if d, ok := huifang.ParseDesignType(strings.TrimSuffix(s, suffix)); ok {
			return d, true
		}
	}
	return "", false
}

func parsePayMode(s string) (huifang.PayMode, bool) {
	s = strings.ReplaceAll(strings.ToLower(s), "缴", "交")
	switch s {
	case "一次交清", "一次性交清", "一次性交费", "趸":
		return huifang.PaySingle, true
	case "年", "按年交":
		return huifang.PayAnnual, true
	case "月", "按月交":
		return huifang.PayMonthly, true
	}
	return huifang.ParsePayMode(s)
}

func parseStatus(s string) (huifang.AgentStatus, bool) {
	return huifang.ParseAgentStatus(strings.ToLower(s))
}

// checkCode accepts a code: no spaces or control characters, at most 64 characters.
func checkCode(s string) error {
	if utf8.RuneCountInString(s) > 64 {
		return reason("err.import.row.code_too_long")
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return reason("err.import.row.code_space")
		}
	}
	return nil
}

// checkName accepts a name of at most 100 characters, without control characters.
func checkName(s string) error {
	if utf8.RuneCountInString(s) > 100 {
		return reason("err.import.row.name_too_long")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return reason("err.import.row.name_control")
		}
	}
	return nil
}
