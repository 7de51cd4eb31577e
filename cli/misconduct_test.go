package cli

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestMisconductCommands: huifang misconduct list, confirm and reject, with
// clear errors and a non-zero exit on bad input.
func TestMisconductCommands(t *testing.T) {
	dir := t.TempDir()
	url := storetest.URL(t, store.SQLite)
	t.Setenv("HUIFANG_DB", url)
	t.Setenv("HUIFANG_KEY", pii.NewKey())
	t.Setenv("HUIFANG_KEY_FILE", "")
	id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)
	head := "保单号,回访方式,回访完成时间,回访结果,问题类型,问题件开立日期,问题件办结日期,问题件处理结果\n"
	for _, args := range [][]string{
		{"migrate"},
		{"org", "add", "--kind", "regulator", "--code", "REG", "--name", "某保监局"},
		{"org", "add", "--kind", "insurer", "--code", "A", "--name", "甲人寿", "--regulator", "REG"},
		{"import", "branches", "--org", "A", write(t, dir, "b.csv", "机构代码,机构名称,上级机构代码\n86,总公司,\n")},
		{"import", "products", "--org", "A", write(t, dir, "p.csv", "产品代码,产品名称,设计类型,保险期间\nL20,康宁终身寿险,传统,终身\n")},
		{"import", "agents", "--org", "A", write(t, dir, "a.csv", "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA001,李明,13900000001,86,00020231001,在职\n")},
		{"import", "policies", "--org", "A", write(t, dir, "pol.csv", "保单号,产品代码,销售渠道,机构代码,业务员代码,投保人姓名,投保人证件号码,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期\n"+
			"P1,L20,个险,86,A001,张三,"+id+",13800000001,张三,2026-01-20,2026-01-25,2026-01-26,10000,趸交,\n"+
			"P2,L20,个险,86,A001,张三,"+id+",13800000001,张三,2026-01-20,2026-01-25,2026-01-26,10000,趸交,\n"+
			"P3,L20,个险,86,A001,张三,"+id+",13800000001,张三,2026-01-20,2026-01-25,2026-01-26,10000,趸交,\n")},
		{"import", "callbacks", "--org", "A", write(t, dir, "cb.csv", head+
			"P1,电话,2026-02-01 10:30,完成但有问题,投保材料未签名或代签名,2026-02-02,,\n"+
			"P2,电话,2026-02-01 10:30,完成但有问题,销售误导,2026-02-02,,\n"+
			// Closed in the insurer's own system: proposes a record on import.
			"P3,电话,2026-02-01 10:30,完成但有问题,提供不真实电话,2026-02-02,2026-02-06,关闭未解决\n")},
	} {
		if code, _, errs := run(t, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errs)
		}
	}
	// Two more proposed records, as closing the two open cases proposes them.
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	org, err := db.FindOrgByCode(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := db.ListProblemCases(ctx, org.ID, huifang.ProblemFilter{})
	if err != nil || len(cases) != 3 {
		t.Fatalf("cases %+v %v", cases, err)
	}
	now := time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC)
	for _, c := range cases {
		if c.Status.Final() {
			continue
		}
		cat := huifang.MisconductBeyondAuthority
		if c.Type == huifang.ProblemMisleading {
			cat = huifang.MisconductImproperSelling
		}
		if _, err := db.ProposeMisconduct(ctx, &huifang.MisconductRecord{OrgID: org.ID, AgentCode: c.AgentCode, PolicyNo: c.PolicyNo, CaseID: c.ID,
			CaseType: c.Type, Category: cat, ProposedAt: now, KeepUntil: huifang.NewDate(2031, 2, 10)}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	code, out, errs := run(t, "misconduct", "list", "--org", "A")
	if code != 0 || !strings.Contains(out, "编号,业务员代码,业务员姓名,执业证号,保单号,问题件,类别,状态,原因") ||
		!strings.Contains(out, "李明,00020231001,P1,") || strings.Count(out, "待认定") != 3 || !strings.Contains(out, "P3,") || !strings.Contains(out, "不当经营") {
		t.Fatalf("list: %d %q %q", code, out, errs)
	}
	code, out, errs = run(t, "misconduct", "list", "--org", "A", "--format", "json", "--status", "proposed", "--reg-no", "00020231001")
	var recs []misconductJSON
	if code != 0 || json.Unmarshal([]byte(out), &recs) != nil || len(recs) != 3 || recs[0].Status != "proposed" {
		t.Fatalf("json: %d %q %q", code, out, errs)
	}
	first, second := recs[1], recs[0] // the latest first
	idOf := func(r misconductJSON) string { return strconv.FormatInt(r.ID, 10) }

	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"misconduct"}, 2, "usage"},
		{[]string{"misconduct", "list"}, 2, "--org is required"},
		{[]string{"misconduct", "list", "--org", "A", "--status", "maybe"}, 2, "--status must be"},
		{[]string{"misconduct", "list", "--org", "A", "--format", "xml"}, 2, "--format must be"},
		{[]string{"misconduct", "list", "--org", "REG"}, 1, "不是保险公司"},
		{[]string{"misconduct", "list", "--org", "ZZ"}, 1, "ZZ"},
		{[]string{"misconduct", "confirm", "--org", "A"}, 2, "--id N"},
		{[]string{"misconduct", "confirm", "--org", "A", "--id", "999", "--category", "other", "--reason", "x"}, 1, "999"},
		{[]string{"misconduct", "reject", "--org", "A", "--id", idOf(first)}, 1, "理由"},
		{[]string{"misconduct", "confirm", "--org", "A", "--id", idOf(first), "--reason", "属实"}, 1, "类别"},
		{[]string{"misconduct", "confirm", "--org", "A", "--id", idOf(first), "--category", "nope", "--reason", "属实"}, 1, "类别"},
	} {
		code, out, errs := run(t, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.err) {
			t.Errorf("%v: %d %q %q", tc.args, code, out, errs)
		}
	}
	if code, out, errs := run(t, "misconduct", "confirm", "--org", "A", "--id", idOf(first), "--category", "beyond-authority", "--reason", "代签名属实"); code != 0 || !strings.Contains(out, "confirmed") {
		t.Fatalf("confirm: %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, "misconduct", "confirm", "--org", "A", "--id", idOf(first), "--category", "other", "--reason", "again"); code != 1 || !strings.Contains(errs, "不能再次处理") {
		t.Fatalf("confirm twice: %d %q", code, errs)
	}
	if code, out, errs := run(t, "misconduct", "reject", "--org", "A", "--id", idOf(second), "--reason", "客户误解"); code != 0 || !strings.Contains(out, "rejected") {
		t.Fatalf("reject: %d %q %q", code, out, errs)
	}
	code, out, _ = run(t, "misconduct", "list", "--org", "A", "--status", "confirmed")
	if code != 0 || !strings.Contains(out, "已认定") || !strings.Contains(out, "代签名属实") || strings.Contains(out, "客户误解") {
		t.Fatalf("confirmed list: %q", out)
	}
}
