package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/testworld"
)

// closedCase opens a problem case of a type on a policy and closes it, as
// the manager, which proposes a misconduct record; it returns the record.
func (f *fixture) closedCase(t *testing.T, mgr *huifang.User, policyNo string, typ huifang.ProblemType) huifang.MisconductRecord {
	t.Helper()
	c, err := f.svc.OpenCase(ctx, mgr, policyNo, typ, "客户反映业务员代签名")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CloseCase(ctx, mgr, c.ID, "客户已退保"); err != nil {
		t.Fatal(err)
	}
	recs, err := f.svc.MisconductRecords(ctx, mgr, huifang.MisconductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.CaseID == c.ID {
			return r
		}
	}
	t.Fatalf("no record for case %d: %+v", c.ID, recs)
	return huifang.MisconductRecord{}
}

// TestMisconductPages: compliance lists and decides records (a missing
// reason comes back beside the field, a second decision is refused); an
// operator and another insurer cannot; the supervisor's search page finds
// confirmed records; the nav shows each page to its roles.
func TestMisconductPages(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := setup(t, w)
		mgr := f.user(t, "A", "mgr", huifang.RoleManager)
		f.user(t, "A", "comp", huifang.RoleCompliance)
		f.user(t, "B", "compb", huifang.RoleCompliance)
		f.user(t, "REG", "sup", huifang.RoleSupervisor)
		f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
		r := f.closedCase(t, mgr, "P1", huifang.ProblemUnsigned)
		id := strconv.FormatInt(r.ID, 10)

		comp := f.login(t, "comp")
		res, body := comp.get("/misconduct")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="misconduct-`+id+`"`) || !strings.Contains(body, "李明") ||
			!strings.Contains(body, `id="decide-`+id+`"`) || !strings.Contains(body, `id="nav-misconduct"`) || strings.Contains(body, `id="nav-misconduct_search"`) {
			t.Fatalf("list: %d %s", res.StatusCode, body)
		}
		// A rejection without a reason comes back beside the field.
		res, body = comp.postForm("/misconduct/"+id+"/reject", url.Values{"reason": {" "}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="decide-`+id+`-reason-error"`) {
			t.Fatalf("reject without reason: %d %s", res.StatusCode, body)
		}
		// Another insurer's compliance: not found; an operator: forbidden.
		if res, _ := f.login(t, "compb").postForm("/misconduct/"+id+"/confirm", url.Values{"category": {"other"}, "reason": {"x"}}); res.StatusCode != http.StatusNotFound {
			t.Fatalf("B confirms A's record: %d", res.StatusCode)
		}
		op := f.login(t, "op1")
		if res, _ := op.get("/misconduct"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("an operator's list: %d", res.StatusCode)
		}
		if res, _ := op.postForm("/misconduct/"+id+"/confirm", url.Values{"category": {"other"}, "reason": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("an operator confirms: %d", res.StatusCode)
		}
		if res, _ := comp.postForm("/misconduct/"+id+"/approve", url.Values{}); res.StatusCode != http.StatusNotFound {
			t.Fatalf("an unknown verb: %d", res.StatusCode)
		}
		res, _ = comp.postForm("/misconduct/"+id+"/confirm", url.Values{"category": {"beyond-authority"}, "reason": {"代签名属实"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/misconduct" {
			t.Fatalf("confirm: %d", res.StatusCode)
		}
		_, body = comp.get("/misconduct?status=confirmed")
		if !strings.Contains(body, `id="misconduct-notice"`) || !strings.Contains(body, "代签名属实") || strings.Contains(body, `id="decide-`+id+`"`) {
			t.Fatalf("after confirming: %s", body)
		}
		res, body = comp.postForm("/misconduct/"+id+"/confirm", url.Values{"category": {"other"}, "reason": {"again"}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "不能再次处理") {
			t.Fatalf("confirm twice: %d %s", res.StatusCode, body)
		}

		// The drill-down by agent counts the confirmed record.
		if res, body := f.login(t, "mgr").get("/dashboard?period=2026-03&dim=seller"); res.StatusCode != http.StatusOK ||
			!strings.Contains(body, `<td class="num misconduct-count">1</td>`) {
			t.Fatalf("drill-down by agent: %d %s", res.StatusCode, body)
		}
		// The supervisor's search.
		sup := f.login(t, "sup")
		res, body = sup.get("/misconduct/search?reg_no=00020231001")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `data-org="A"`) || !strings.Contains(body, "代签名属实") || !strings.Contains(body, `id="nav-misconduct_search"`) {
			t.Fatalf("search: %d %s", res.StatusCode, body)
		}
		if res, body := sup.get("/misconduct/search?name=&reg_no="); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="msearch-error"`) {
			t.Fatalf("empty search: %d %s", res.StatusCode, body)
		}
		if res, _ := comp.get("/misconduct/search?name=李明"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("compliance searches across companies: %d", res.StatusCode)
		}
		if res, _ := sup.get("/misconduct"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("the supervisor's insurer list: %d", res.StatusCode)
		}
	})
}
