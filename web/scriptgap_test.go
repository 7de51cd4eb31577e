package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// holderLine is a policy line with its channel, agent, outlet and callback
// method as given.
func holderLine(no, channel, agent, outlet, receipt, phone, method string, seq int) (line, digits string) {
	id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), seq)
	r, _ := huifang.ParseISODate(receipt)
	return strings.Join([]string{no, "L20", channel, "86010101", agent, outlet, "张三", id, "1980-05-06", phone, "张三",
		r.AddDays(-10).String(), r.AddDays(-5).String(), receipt, "12000.00", "年交", "10", "", method}, ",") + "\n", id[len(id)-6:]
}

// TestScriptGapNeverShown: the workbench, the callback's page and the
// customer's electronic page never show 【未知: a telesales policy reads the
// telesales script; an agency policy loaded without its agent is skipped by
// "next" and shows its administrator why, with no letter form and no take
// button; a customer whose script lost a value after the link went out sees
// the refusal page, not a gap.
func TestScriptGapNeverShown(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := setup(t, w)
		out := &texts{}
		f.svc.SMS, f.svc.PublicURL = out, f.srv.URL
		gap, _ := holderLine("G1", "个险", "", "B001", "2026-02-27", "13800000001", "", 1)
		tele, _ := holderLine("T1", "电销", "", "", "2026-02-28", "13800000002", "", 2)
		elec, digits := holderLine("E1", "网销", "", "", "2026-03-02", "13800000003", "电子", 3)
		f.importFile(t, "A", importer.KindPolicies, policyHeadMethod+gap+tele+elec)
		if n, err := f.svc.IssueElectronicLinks(ctx); err != nil || n != 1 {
			t.Fatalf("issue: %d %v", n, err)
		}

		// The operator: "next" skips G1 and gives T1, read as telesales.
		op := f.login(t, "op1")
		res, _ := op.postForm("/work/next", url.Values{})
		loc := res.Header.Get("Location")
		_, page := op.get(loc)
		if t1 := f.callbackOf(t, f.orgA, "T1"); loc != "/work/"+strconv.FormatInt(t1.ID, 10) {
			t.Fatalf("next went to %s, want T1's callback", loc)
		}
		if strings.Contains(page, "【未知") || !strings.Contains(page, "电话销售") || strings.Contains(page, "营销员") {
			t.Fatalf("the workbench on T1:\n%s", page)
		}

		// The administrator sees why G1 was set aside.
		g1 := f.callbackOf(t, f.orgA, "G1")
		if g1.Status != huifang.StatusBlocked {
			t.Fatalf("G1 is %s", g1.Status)
		}
		adm := f.login(t, "adm")
		_, page = adm.get("/callbacks/" + strconv.FormatInt(g1.ID, 10))
		if strings.Contains(page, "【未知") || !strings.Contains(page, `id="script-gap"`) || !strings.Contains(page, "话术变量缺失：营销员姓名（保单 G1 无营销员）") ||
			strings.Contains(page, `id="letter"`) || strings.Contains(page, `id="take"`) || !strings.Contains(page, "话术不完整，暂停回访") {
			t.Fatalf("G1's page for the administrator:\n%s", page)
		}
		if _, page = adm.get("/callbacks?status=blocked"); !strings.Contains(page, "G1") || strings.Contains(page, "T1") {
			t.Fatalf("the list of callbacks set aside:\n%s", page)
		}
		if _, page = op.get("/work/" + strconv.FormatInt(g1.ID, 10)); strings.Contains(page, "【未知") || strings.Contains(page, `id="items"`) {
			t.Fatalf("G1 on the workbench:\n%s", page)
		}

		// The customer of E1: the internet script, filled in.
		link := out.link(t)
		c := f.client(t)
		c.get(link)
		c.postForm(link, url.Values{"step": {"identity"}, "digits": {digits}})
		_, page = c.postForm(link, url.Values{"step": {"code"}, "code": {out.code(t)}})
		if !strings.Contains(page, `id="answers"`) || strings.Contains(page, "【未知") || !strings.Contains(page, "在网上投保") {
			t.Fatalf("E1's answers page:\n%s", page)
		}
		// The insurer's service number is lost meanwhile: the customer is
		// told the callback cannot be shown, never a gap.
		if err := f.db.SetServicePhone(ctx, f.orgA.ID, ""); err != nil {
			t.Fatal(err)
		}
		res, page = c.get(link)
		if strings.Contains(page, "【未知") || strings.Contains(page, `id="answers"`) || res.StatusCode == http.StatusOK && regexp.MustCompile(`name="a\.`).MatchString(page) {
			t.Fatalf("E1's page without a service phone: %d\n%s", res.StatusCode, page)
		}
		if e1 := f.callbackOf(t, f.orgA, "E1"); e1.Status != huifang.StatusOpen {
			t.Fatalf("E1 is %s, want back on the phone", e1.Status)
		}
	})
}
