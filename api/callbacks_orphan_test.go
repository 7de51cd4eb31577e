package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
)

// TestOrphanCallbacksAPI: a callback batch's kind (回访类型) finishes a
// policy's orphan-policy callback, and the callback list keeps one kind
// (?kind=orphan), an unknown kind refused with its field.
func TestOrphanCallbacksAPI(t *testing.T) {
	t.Parallel()
	w := sqliteWorld(t)
	_, srv, tokens := apiWorld(t, w, nil)
	admin := client{t, srv.URL, tokens["a-admin"]}
	id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)
	admin.importBook("13900000001", []map[string]string{policyRow("P1", "L20", "2026-02-26", id)})
	if _, err := w.DB.PlanOrphanCallback(context.Background(), w.Org(t, "A").ID, "P1", huifang.NewDate(2026, 3, 16),
		time.Date(2026, 3, 2, 9, 0, 0, 0, huifang.Shanghai)); err != nil {
		t.Fatal(err)
	}
	row := map[string]string{"policy_no": "P1", "method": "电话", "finished_at": "2026-03-04 11:00", "result": "成功", "kind": "孤儿保单回访"}
	if code, body := admin.do("POST", "/api/v1/import/callbacks", map[string]any{"source": "core", "rows": []map[string]string{row}}); code != 200 {
		t.Fatalf("orphan batch: %d %v", code, body)
	}
	_, list := admin.do("GET", "/api/v1/callbacks?kind=orphan", nil)
	if list["total"] != float64(1) {
		t.Fatalf("orphan callbacks: %v", list)
	}
	_, list = admin.do("GET", "/api/v1/callbacks?kind=orphan&outcome=successful&due_from=2026-03-01&due_to=2026-03-31", nil)
	if list["total"] != float64(1) {
		t.Fatalf("successful orphan callbacks of March: %v", list)
	}
	if _, list = admin.do("GET", "/api/v1/callbacks?kind=new-business&status=done", nil); list["total"] != float64(0) {
		t.Fatalf("the orphan row finished the new-business callback: %v", list)
	}
	code, body := admin.do("GET", "/api/v1/callbacks?kind=renewal", nil)
	if code != 400 || body["fields"] == nil {
		t.Fatalf("unknown kind: %d %v", code, body)
	}
}
