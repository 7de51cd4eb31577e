package api_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// TestHandlerCaseAPI: bulk transfer and assign with a summary per case,
// the board's pages, acknowledging takes the case, closing for a fixed
// reason, and notifications linking to their case, read one or all.
func TestHandlerCaseAPI(t *testing.T) {
	t.Parallel()
	svc, srv := standardAPI(t)
	ctx := context.Background()
	importPolicies(t, svc, "A", "P1", "P2", "P3")
	for _, in := range []app.UserInput{
		{OrgCode: "A", Login: "hc", Role: huifang.RoleHandler, BranchCode: "860101", Password: "secret-password"},
		{OrgCode: "A", Login: "hc2", Role: huifang.RoleHandler, BranchCode: "860101", Password: "secret-password"},
	} {
		if _, err := svc.CreateUser(ctx, app.CLI(), in); err != nil {
			t.Fatal(err)
		}
	}
	mgr := userClient(t, svc, srv.URL, "A", "h-mgr", huifang.RoleManager)
	hc, hc2 := userClient(t, svc, srv.URL, "A", "hc", ""), userClient(t, svc, srv.URL, "A", "hc2", "")
	var ids []any
	for _, no := range []string{"P1", "P2", "P3"} {
		code, body := mgr.do("POST", "/api/v1/problem-cases", map[string]any{"policy_no": no, "type": "unclear-rights", "reason": "客户不清楚犹豫期"})
		if code != 201 {
			t.Fatalf("open: %d %v", code, body)
		}
		ids = append(ids, body["id"])
	}
	code, body := mgr.do("POST", "/api/v1/problem-cases/bulk", map[string]any{"ids": ids, "branch": "860101"})
	if code != 200 || body["done"] != float64(3) || body["refused"] != float64(0) {
		t.Fatalf("bulk transfer: %d %v", code, body)
	}
	if code, body := mgr.do("POST", "/api/v1/problem-cases/bulk", map[string]any{"ids": ids, "branch": "860101", "handler": "hc"}); code != 400 {
		t.Fatalf("two targets: %d %v", code, body)
	}
	code, body = mgr.do("GET", "/api/v1/problem-cases?scope=all&limit=2", nil)
	if code != 200 || len(body["problem_cases"].([]any)) != 2 || body["next_offset"] != float64(2) {
		t.Fatalf("first page: %d %v", code, body)
	}
	code, body = mgr.do("GET", "/api/v1/problem-cases?scope=all&limit=2&offset=2", nil)
	if code != 200 || len(body["problem_cases"].([]any)) != 1 || body["next_offset"] != nil {
		t.Fatalf("last page: %d %v", code, body)
	}
	if code, _ := mgr.do("GET", "/api/v1/problem-cases?limit=0", nil); code != 400 {
		t.Fatalf("limit 0: %d", code)
	}

	// The branch's handlers were told, each notification linking to its case.
	code, body = hc.do("GET", "/api/v1/notifications?limit=2", nil)
	ns, _ := body["notifications"].([]any)
	if code != 200 || len(ns) != 2 || ns[0].(map[string]any)["case_id"] != ids[2] || body["next_before"] == nil {
		t.Fatalf("notifications: %d %v", code, body)
	}
	first := int64(ns[0].(map[string]any)["id"].(float64))
	cpath := func(i int) string { return "/api/v1/problem-cases/" + itoa(int64(ids[i].(float64))) }
	code, body = hc.do("POST", cpath(0)+"/acknowledge", nil)
	if code != 200 || body["handler_id"] == float64(0) || body["status"] != "in-progress" {
		t.Fatalf("acknowledge: %d %v", code, body)
	}
	if code, body := hc.do("POST", cpath(2)+"/acknowledge", nil); code != 200 {
		t.Fatalf("acknowledge: %d %v", code, body)
	}
	// Assign the held case and a waiting one: the waiting one is refused.
	code, body = hc.do("POST", "/api/v1/problem-cases/bulk", map[string]any{"ids": []any{ids[0], ids[1]}, "handler": "hc2"})
	res, _ := body["results"].([]any)
	if code != 200 || body["done"] != float64(1) || len(res) != 2 || res[1].(map[string]any)["error"].(map[string]any)["code"] != "conflict" {
		t.Fatalf("bulk assign: %d %v", code, body)
	}
	if code, body := hc2.do("GET", "/api/v1/notifications?unread=1", nil); code != 200 || len(body["notifications"].([]any)) != 4 {
		t.Fatalf("hc2's notifications: %d %v", code, body)
	}

	// Close for a fixed reason; "other" needs a note.
	if code, body := hc.do("POST", cpath(2)+"/close", map[string]any{"code": "other"}); code != 400 {
		t.Fatalf("other without a note: %d %v", code, body)
	}
	if code, body := hc.do("POST", cpath(2)+"/close", map[string]any{"code": "nonsense", "reason": "x"}); code != 400 {
		t.Fatalf("unknown reason: %d %v", code, body)
	}
	code, body = hc.do("POST", cpath(2)+"/close", map[string]any{"code": "duplicate", "reason": "与 P1 重复"})
	if code != 200 || body["close_code"] != "duplicate" || body["close_code_zh"] != "重复问题件" || body["close_reason"] != "与 P1 重复" {
		t.Fatalf("close: %d %v", code, body)
	}
	if c, _ := body["contact"].(map[string]any); c == nil || c["holder_phone_masked"] != "138****0003" {
		t.Fatalf("contact: %v", body["contact"])
	}

	// Read one, then all; another user's is not found.
	if code, _ := hc2.do("POST", "/api/v1/notifications/"+itoa(first)+"/read", nil); code != 404 {
		t.Fatalf("another's notification: %d", code)
	}
	if code, _ := hc.do("POST", "/api/v1/notifications/"+itoa(first)+"/read", nil); code != 204 {
		t.Fatalf("read one: %d", code)
	}
	if _, body := hc.do("GET", "/api/v1/notifications?unread=1", nil); len(body["notifications"].([]any)) != 2 {
		t.Fatalf("unread after reading one: %v", body)
	}
	if code, _ := hc.do("POST", "/api/v1/notifications/read", nil); code != 204 {
		t.Fatalf("read all: %d", code)
	}
	if _, body := hc.do("GET", "/api/v1/notifications?unread=1", nil); len(body["notifications"].([]any)) != 0 {
		t.Fatalf("unread after reading all: %v", body)
	}
}
