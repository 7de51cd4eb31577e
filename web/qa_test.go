package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// TestQAPagesAccess: the queue and its draw are QA's; an evaluation page is
// QA's, the operator's whose call it is (once scored) and the managers';
// another operator, another company and the regulator get nothing; a
// cross-site form is refused; the figures download as CSV for the manager.
func TestQAPagesAccess(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	f.user(t, "A", "qa1", huifang.RoleQA)
	f.user(t, "B", "qab", huifang.RoleQA)
	f.user(t, "A", "op2", huifang.RoleOperator)
	f.loadPolicies(t, "A", policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	cb := f.callbackOf(t, f.orgA, "P20260001")
	if _, err := f.svc.Take(ctx, f.op, cb.ID); err != nil {
		t.Fatal(err)
	}
	wk, err := f.svc.Callback(ctx, f.op, cb.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Finish(ctx, f.op, cb.ID, app.FinishInput{Answers: wk.Script.Script.Passing(), Script: wk.Script.Ref()}); err != nil {
		t.Fatal(err)
	}
	qa, op, op2, qab, mgr, sup := f.login(t, "qa1"), f.login(t, "op1"), f.login(t, "op2"), f.login(t, "qab"), f.login(t, "mgr"), f.login(t, "sup")
	if res, _ := op.get("/qa"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("operator's /qa: %d", res.StatusCode)
	}
	if res, _ := op.postForm("/qa/draw", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("operator's draw: %d", res.StatusCode)
	}
	if res, _ := qa.postForm("/qa/draw", url.Values{}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site draw: %d", res.StatusCode)
	}
	if res, body := qa.postForm("/qa/draw", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("draw: %d %s", res.StatusCode, body)
	}
	q, err := f.svc.QAQueue(ctx, f.user(t, "A", "qa9", huifang.RoleQA), huifang.QAFilter{})
	if err != nil || len(q) != 1 {
		t.Fatalf("queue %v %v", q, err)
	}
	path := "/qa/" + strconv.FormatInt(q[0].ID, 10)
	if res, body := qa.get(path); res.StatusCode != 200 || !strings.Contains(body, `id="qa-form"`) || !strings.Contains(body, "P20260001") {
		t.Fatalf("QA's page: %d", res.StatusCode)
	}
	if res, _ := op.get(path); res.StatusCode != http.StatusNotFound {
		t.Fatalf("the operator saw a queued evaluation: %d", res.StatusCode)
	}
	form := url.Values{}
	for _, it := range []string{"identity", "signed", "brochure", "cover-exclusions-term", "surrender-loss", "cooling-off", "payment",
		"greeting", "manner", "closing", "answers-recorded", "no-misleading", "problem-raised"} {
		form.Set("item-"+it, "yes")
	}
	if res, body := qa.postForm(path+"/evaluate", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("evaluate: %d %s", res.StatusCode, body)
	}
	if res, body := op.get(path); res.StatusCode != 200 || !strings.Contains(body, `id="appeal-form"`) || strings.Contains(body, `id="recordings"`) {
		t.Fatalf("the operator's page: %d", res.StatusCode)
	}
	for name, c := range map[string]*client{"another operator": op2, "another company's QA": qab, "the regulator": sup} {
		if res, _ := c.get(path); res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d", name, res.StatusCode)
		}
	}
	if res, _ := op2.postForm(path+"/appeal", url.Values{"appeal": {"x"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another operator appealed: %d", res.StatusCode)
	}
	if res, body := mgr.get(path); res.StatusCode != 200 || strings.Contains(body, `id="appeal-form"`) {
		t.Errorf("the manager: %d", res.StatusCode)
	}
	res, body := mgr.get("/qa/figures?format=csv&from=2026-03-01&to=2026-03-31")
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "csv") || !strings.Contains(body, "op1") || !strings.Contains(body, "回访员") {
		t.Fatalf("figures: %d %s", res.StatusCode, body)
	}
	if res, _ := mgr.get("/qa/figures?from=2026-13-01"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad date: %d", res.StatusCode)
	}
}
