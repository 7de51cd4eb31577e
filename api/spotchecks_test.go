package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

// TestSpotCheckAPI: a supervisor draws a sample with a seed (a bad rate
// and an unknown company refused), draws it again the same, reads it and an
// item, records a verdict (a finding without a note refused, a second one a
// conflict), exports the working papers; insurers' staff are refused.
func TestSpotCheckAPI(t *testing.T) {
	t.Parallel()
	svc, srv := standardAPI(t)
	token := func(org, login string, role huifang.Role) client {
		t.Helper()
		return userClient(t, svc, srv.URL, org, login, role)
	}
	sup, mgr := token("REG", "sup", huifang.RoleSupervisor), token("A", "mgr", huifang.RoleManager)
	importPolicies(t, svc, "A", "P1", "P2", "P3")

	if code, out := sup.do("POST", "/api/v1/spotchecks", map[string]any{"period": "2026-03", "rate": "0.125%"}); code != http.StatusBadRequest || out["key"] != "err.spotcheck.rate" {
		t.Fatalf("a bad rate %d %v", code, out)
	}
	if code, _ := sup.do("POST", "/api/v1/spotchecks", map[string]any{"period": "2026-03", "companies": []string{"ZZ"}}); code != http.StatusNotFound {
		t.Fatalf("an unknown company %d", code)
	}
	if code, _ := mgr.do("POST", "/api/v1/spotchecks", map[string]any{"period": "2026-03"}); code != http.StatusForbidden {
		t.Fatalf("a manager draws %d", code)
	}
	in := map[string]any{"period": "2026-03", "companies": []string{"A"}, "rate": "0.5%", "min": 2, "seed": "18446744073709551615"}
	code, out := sup.do("POST", "/api/v1/spotchecks", in)
	if code != http.StatusCreated || out["seed"] != "18446744073709551615" || out["size"] != float64(2) || out["population"] != float64(3) {
		t.Fatalf("draw %d %v", code, out)
	}
	id := itoa(int64(out["id"].(float64)))
	_, again := sup.do("POST", "/api/v1/spotchecks", in)
	_, first := sup.do("GET", "/api/v1/spotchecks/"+id, nil)
	_, second := sup.do("GET", "/api/v1/spotchecks/"+itoa(int64(again["id"].(float64))), nil)
	policies := func(m map[string]any) string {
		var out []string
		for _, it := range m["items"].([]any) {
			out = append(out, it.(map[string]any)["policy_no"].(string))
		}
		return strings.Join(out, ",")
	}
	if policies(first) == "" || policies(first) != policies(second) {
		t.Fatalf("the same seed gave %q and %q", policies(first), policies(second))
	}
	item := itoa(int64(first["items"].([]any)[0].(map[string]any)["id"].(float64)))
	code, out = sup.do("GET", "/api/v1/spotchecks/"+id+"/items/"+item, nil)
	if code != http.StatusOK || out["callback"] == nil || out["org"] != "A" {
		t.Fatalf("item %d %v", code, out)
	}
	if code, out := sup.do("POST", "/api/v1/spotchecks/"+id+"/items/"+item+"/verdict", map[string]any{"verdict": "not-policyholder"}); code != http.StatusBadRequest ||
		out["key"] != "err.spotcheck.note_required" {
		t.Fatalf("a finding without a note %d %v", code, out)
	}
	code, out = sup.do("POST", "/api/v1/spotchecks/"+id+"/items/"+item+"/verdict", map[string]any{"verdict": "not-policyholder", "note": "接听人为业务员"})
	if code != http.StatusOK || out["verdict"] != "not-policyholder" || out["case_id"] == float64(0) {
		t.Fatalf("verdict %d %v", code, out)
	}
	if code, _ := sup.do("POST", "/api/v1/spotchecks/"+id+"/items/"+item+"/verdict", map[string]any{"verdict": "consistent"}); code != http.StatusConflict {
		t.Fatalf("a second verdict %d", code)
	}
	if code, _ := mgr.do("GET", "/api/v1/spotchecks/"+id, nil); code != http.StatusForbidden {
		t.Fatalf("a manager reads a sample %d", code)
	}
	if code, _ := sup.do("GET", "/api/v1/spotchecks/"+id+"/export?format=pdf", nil); code != http.StatusBadRequest {
		t.Fatalf("an unknown format %d", code)
	}
	if code, _ := sup.do("GET", "/api/v1/spotchecks/999/export", nil); code != http.StatusNotFound {
		t.Fatalf("a missing sample's export %d", code)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/spotchecks/"+id+"/export?format=csv", nil)
	req.Header.Set("Authorization", "Bearer "+sup.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), "非投保人本人") || !strings.Contains(string(raw), "接听人为业务员") {
		t.Fatalf("export %d %q", resp.StatusCode, raw)
	}
	code, out = sup.do("GET", "/api/v1/spotchecks", nil)
	if list, _ := out["spot_checks"].([]any); code != http.StatusOK || len(list) != 2 {
		t.Fatalf("list %d %v", code, out)
	}
}
