package api_test

import (
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
)

// TestImportCallbackBatch: callback records as a JSON batch, refused whole
// with a report when a row is bad.
func TestImportCallbackBatch(t *testing.T) {
	t.Parallel()
	_, srv, tokens := apiWorld(t, sqliteWorld(t), nil)
	admin, op := client{t, srv.URL, tokens["a-admin"]}, client{t, srv.URL, tokens["a-op"]}
	id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)
	admin.importBook("13900000001", []map[string]string{policyRow("P1", "L20", "2026-02-26", id)})
	good := map[string]string{"policy_no": "P1", "method": "电话", "finished_at": "2026-03-02 11:00", "result": "完成但有问题",
		"problem_types": "销售误导", "case_opened_on": "2026-03-02"}
	bad := map[string]string{"policy_no": "P2", "method": "电话", "finished_at": "2026-03-02", "result": "成功"}
	code, body := admin.do("POST", "/api/v1/import/callbacks", map[string]any{"source": "core", "rows": []map[string]string{good, bad}})
	report, _ := body["report"].(map[string]any)
	if code != 422 || report == nil || report["bad"] != float64(1) {
		t.Fatalf("bad batch: %d %v", code, body)
	}
	if e := report["errors"].([]any)[0].(map[string]any); e["row"] != float64(3) || e["column"] != "policy_no" {
		t.Fatalf("row error %v", e)
	}
	if _, list := admin.do("GET", "/api/v1/callbacks?status=done", nil); list["total"].(float64) != 0 {
		t.Fatalf("a bad batch finished callbacks: %v", list)
	}
	if code, _ := op.do("POST", "/api/v1/import/callbacks", map[string]any{"rows": []map[string]string{good}}); code != 403 {
		t.Fatalf("operator: %d", code)
	}
	code, body = admin.do("POST", "/api/v1/import/callbacks", map[string]any{"source": "core", "rows": []map[string]string{good}})
	if code != 200 || body["cases"] != float64(1) || body["counts"].(map[string]any)["updated"] != float64(1) {
		t.Fatalf("good batch: %d %v", code, body)
	}
	if _, list := admin.do("GET", "/api/v1/callbacks?status=done", nil); list["total"].(float64) != 1 {
		t.Fatalf("done callbacks: %v", list)
	}
}
