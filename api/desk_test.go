package api_test

import (
	"net/http"
	"testing"
)

// TestDeskAPI: the operator's desk and the callback list's search, sort and
// operator through the API.
func TestDeskAPI(t *testing.T) {
	t.Parallel()
	svc, srv := standardAPI(t)
	importPolicies(t, svc, "A", "K1", "K2")
	op, adm := userClient(t, svc, srv.URL, "A", "op1", ""), userClient(t, svc, srv.URL, "A", "adm", "")
	code, out := op.do("GET", "/api/v1/desk", nil)
	if code != http.StatusOK || out["can_call"] != true || out["finished_today"] != float64(0) || out["appointment_hold_minutes"] != float64(30) {
		t.Fatalf("desk %d %v", code, out)
	}
	if code, _ := adm.do("GET", "/api/v1/desk", nil); code != http.StatusForbidden {
		t.Fatalf("an administrator's desk: %d", code)
	}
	// The second policy's phone ends in 0002.
	code, out = adm.do("GET", "/api/v1/callbacks?q=0002", nil)
	if list, _ := out["callbacks"].([]any); code != http.StatusOK || len(list) != 1 || list[0].(map[string]any)["policy_no"] != "K2" {
		t.Fatalf("search by phone tail %d %v", code, out)
	}
	code, out = adm.do("GET", "/api/v1/callbacks?sort=policy", nil)
	if list, _ := out["callbacks"].([]any); code != http.StatusOK || len(list) != 2 || list[0].(map[string]any)["operator"] != "" {
		t.Fatalf("sorted %d %v", code, out)
	}
	if code, out := adm.do("GET", "/api/v1/callbacks?sort=holder", nil); code != http.StatusBadRequest {
		t.Fatalf("unknown sort %d %v", code, out)
	}
}
