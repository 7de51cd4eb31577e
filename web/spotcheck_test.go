package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

// TestSpotCheckPages: the supervisor draws a sample through the form (a bad
// rate comes back beside its field), opens it, filters it, downloads the
// working papers; insurers' staff are refused every spot-check route, and
// a sample that is not there is not found.
func TestSpotCheckPages(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	f.user(t, "REG", "sup", huifang.RoleSupervisor)
	f.user(t, "A", "mgr", huifang.RoleManager)
	f.loadPolicies(t, "A", policyLine("P20260001", "L20", "个险", "张三", "2026-03-02", "13800000001", 1),
		policyLine("P20260002", "L20", "银保", "李四", "2026-03-02", "13800000002", 2))

	sup := f.login(t, "sup")
	res, body := sup.get("/spotchecks")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="draw"`) || !strings.Contains(body, "0.5%") {
		t.Fatalf("list: %d", res.StatusCode)
	}
	res, body = sup.postForm("/spotchecks", url.Values{"period": {"2026-03"}, "rate": {"0.125%"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="draw-rate-error"`) {
		t.Fatalf("a bad rate: %d", res.StatusCode)
	}
	res, _ = sup.postForm("/spotchecks", url.Values{"period": {"2026-03"}, "company": {"A"}, "seed": {"12345"}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/spotchecks/") {
		t.Fatalf("draw: %d %q", res.StatusCode, loc)
	}
	res, body0 := sup.get(loc)
	if res.StatusCode != http.StatusOK || !strings.Contains(body0, "12345") || strings.Count(body0, `data-policy="`) != 2 {
		t.Fatalf("sample: %d", res.StatusCode)
	}
	res, body = sup.get(loc + "?verdict=consistent")
	if res.StatusCode != http.StatusOK || strings.Count(body, `data-policy="`) != 0 {
		t.Fatalf("filtered: %d", res.StatusCode)
	}
	res, body = sup.get(loc + ".csv")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "csv") || !strings.Contains(body, "保险公司") ||
		!strings.Contains(body, "P20260002") {
		t.Fatalf("csv: %d %q", res.StatusCode, body)
	}
	res, _ = sup.get(loc + ".xlsx")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheet") {
		t.Fatalf("xlsx: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// An item: the number masked until shown (audited), assigned to a colleague.
	item := regexp.MustCompile(`href="(/spotchecks/\d+/items/(\d+))"`).FindStringSubmatch(body0)
	if item == nil {
		t.Fatal("no item link on the sample's page")
	}
	res, body = sup.get(item[1])
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="phone-masked"`) || strings.Contains(body, "1380000000") {
		t.Fatalf("item: %d", res.StatusCode)
	}
	res, body = sup.postForm(item[1]+"/reveal", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="phone-full"`) || !strings.Contains(body, "1380000000") {
		t.Fatalf("reveal: %d", res.StatusCode)
	}
	f.user(t, "REG", "sup2", huifang.RoleSupervisor)
	res, _ = sup.postForm(loc+"/assign", url.Values{"item": {item[2]}, "assignee": {"sup2"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d", res.StatusCode)
	}
	if res, body := sup.get(item[1]); res.StatusCode != http.StatusOK || !strings.Contains(body, "sup2") {
		t.Fatalf("assigned item: %d", res.StatusCode)
	}
	if res, body := sup.postForm(loc+"/assign", url.Values{"item": {item[2]}, "assignee": {"op1"}}); res.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, `id="spotcheck-error"`) {
		t.Fatalf("assign to an operator: %d", res.StatusCode)
	}
	if res, _ := sup.get("/spotchecks/9999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a missing sample: %d", res.StatusCode)
	}
	for _, login := range []string{"mgr", "op1"} {
		c := f.login(t, login)
		for _, path := range []string{"/spotchecks", loc, loc + ".csv", loc + "/items/1", loc + "/items/1/recordings/1"} {
			if res, _ := c.get(path); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", login, path, res.StatusCode)
			}
		}
		if res, _ := c.postForm(loc+"/items/1/verdict", url.Values{"verdict": {"consistent"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s records a verdict: %d", login, res.StatusCode)
		}
	}
}

// TestProfileSampling: the rule profile's page shows and edits the spot
// checks' default rate and minimum.
func TestProfileSampling(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	sup := f.login(t, "sup")
	_, body := sup.get("/profile")
	for _, want := range []string{`id="profile-sample-rate" value="0.5"`, `id="profile-sample-min" value="1200"`, "抽取应回访件的 0.5%，不少于 1200 件"} {
		if !strings.Contains(body, want) {
			t.Fatalf("defaults: no %q", want)
		}
	}
	form := profileFormValues(t, body)
	form.Set("from", "2026-04-01")
	form.Set("sample_rate", "0.125")
	res, body := sup.postForm("/profile", form)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="error-sample-rate"`) {
		t.Fatalf("a bad rate: %d", res.StatusCode)
	}
	form.Set("sample_rate", "1")
	form.Set("sample_min", "300")
	if res, _ := sup.postForm("/profile", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	v, err := f.svc.ProfileFor(ctx, f.orgA.ID, huifang.NewDate(2026, 4, 1))
	if err != nil || v.Rules.SampleRate() != 100 || v.Rules.SampleMinimum() != 300 {
		t.Fatalf("saved %+v %v", v.Rules, err)
	}
}
