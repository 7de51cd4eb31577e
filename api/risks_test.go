package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
)

// TestRisks: the flagged policies for the roles that may view risks, the
// callback filter, and the operator's one-step confirmation; another
// insurer's callback is not found.
func TestRisks(t *testing.T) {
	t.Parallel()
	_, srv, tokens := apiWorld(t, sqliteWorld(t), nil)
	admin, op, opB := client{t, srv.URL, tokens["a-admin"]}, client{t, srv.URL, tokens["a-op"]}, client{t, srv.URL, tokens["b-op"]}
	// The agent's phone is the one policyRow puts on the policy.
	admin.importBook("13800000001", []map[string]string{policyRow("P1", "L20", "2026-03-02", importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1))})
	code, body := admin.do("GET", "/api/v1/risks", nil)
	if code != 200 || body["total"] != float64(1) {
		t.Fatalf("risks: %d %v", code, body)
	}
	row := body["risks"].([]any)[0].(map[string]any)
	if row["policy_no"] != "P1" || fmt.Sprint(row["signs"]) != "[agent-phone]" || !strings.Contains(row["holder_phone_masked"].(string), "****") {
		t.Fatalf("row %v", row)
	}
	id := row["callback_id"].(float64)
	for _, q := range []string{"?sign=nonsense", "?limit=x", "?open=maybe"} {
		if code, body := admin.do("GET", "/api/v1/risks"+q, nil); code != 400 {
			t.Errorf("%s: %d %v", q, code, body)
		}
	}
	if code, body := admin.do("GET", "/api/v1/risks?sign=shared", nil); code != 200 || body["total"] != float64(0) {
		t.Errorf("shared: %d %v", code, body)
	}
	if code, _ := op.do("GET", "/api/v1/risks", nil); code != 403 {
		t.Errorf("operator: %d", code)
	}
	if _, list := admin.do("GET", "/api/v1/callbacks?risk=1", nil); list["total"] != float64(1) {
		t.Errorf("flagged callbacks %v", list)
	}
	path := fmt.Sprintf("/api/v1/callbacks/%d", int64(id))
	if _, cb := op.do("GET", path, nil); fmt.Sprint(cb["risk"].(map[string]any)["signs"]) != "[agent-phone]" {
		t.Errorf("callback's risk %v", cb["risk"])
	}
	if code, _ := op.do("POST", path+"/take", nil); code != 200 {
		t.Fatalf("take: %d", code)
	}
	if code, _ := opB.do("POST", path+"/false-phone", map[string]any{"note": "x"}); code != 404 {
		t.Errorf("B's operator: %d", code)
	}
	code, body = op.do("POST", path+"/false-phone", map[string]any{"note": "业务员本人接听"})
	if code != 200 || body["status"] != "done" || body["result"] != "not-completed" {
		t.Fatalf("confirm: %d %v", code, body)
	}
	if _, list := admin.do("GET", "/api/v1/problem-cases?scope=all", nil); !strings.Contains(fmt.Sprint(list), "false-phone") {
		t.Errorf("problem cases %v", list)
	}
}
