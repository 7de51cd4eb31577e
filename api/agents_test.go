package api_test

import (
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// TestAgentsAPI: agents are listed, a departure starts and waits for its
// gate, completing it early is refused, another insurer and an operator
// are kept out, and bad input gets a clear error.
func TestAgentsAPI(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		_, srv, tokens := apiWorld(t, w, nil)
		admin, op, opB := client{t, srv.URL, tokens["a-admin"]}, client{t, srv.URL, tokens["a-op"]}, client{t, srv.URL, tokens["b-op"]}
		id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)
		for _, b := range []struct {
			kind string
			rows []map[string]string
		}{
			{"branches", []map[string]string{{"code": "86", "name": "总公司", "parent_code": ""}}},
			{"products", []map[string]string{{"产品代码": "L20", "产品名称": "终身寿", "设计类型": "传统", "保险期间": "终身", "犹豫期天数": "15"}}},
			{"agents", []map[string]string{{"业务员代码": "A001", "姓名": "李明", "手机号": "13900000001", "机构代码": "86", "执业证号": "00020231001"},
				{"业务员代码": "A002", "姓名": "王芳", "手机号": "13900000002", "机构代码": "86"}}},
			{"policies", []map[string]string{policyRow("P1", "L20", "2026-03-02", id)}},
		} {
			for _, r := range b.rows {
				if b.kind == "policies" {
					r["机构代码"] = "86"
				}
			}
			if code, body := admin.do("POST", "/api/v1/import/"+b.kind, map[string]any{"rows": b.rows}); code != 200 {
				t.Fatalf("import %s: %d %v", b.kind, code, body)
			}
		}
		code, body := admin.do("GET", "/api/v1/agents", nil)
		agents, _ := body["agents"].([]any)
		if code != 200 || len(agents) != 2 || agents[0].(map[string]any)["code"] != "A001" || agents[0].(map[string]any)["policies"] != 1.0 {
			t.Fatalf("agents: %d %v", code, body)
		}
		if code, body := op.do("POST", "/api/v1/agents/A001/leave", map[string]any{}); code != 403 {
			t.Fatalf("operator: %d %v", code, body)
		}
		if code, body := admin.do("POST", "/api/v1/agents/A404/leave", map[string]any{}); code != 404 || body["key"] != "err.departure.unknown_agent" {
			t.Fatalf("unknown agent: %d %v", code, body)
		}
		if code, body := admin.do("POST", "/api/v1/agents/A001/leave", map[string]any{"on": "5 March"}); code != 400 {
			t.Fatalf("bad date: %d %v", code, body)
		}
		code, body = admin.do("POST", "/api/v1/agents/A001/leave", map[string]any{"successor": "A002", "on": "2026-03-05"})
		if code != 201 || body["status"] != "leaving" || body["due_on"] != "2026-03-19" || body["successor_name"] != "王芳" || len(body["blocking"].([]any)) != 1 {
			t.Fatalf("leave: %d %v", code, body)
		}
		if code, body := admin.do("POST", "/api/v1/agents/A001/leave", map[string]any{}); code != 409 || body["key"] != "err.departure.already_leaving" {
			t.Fatalf("twice: %d %v", code, body)
		}
		if code, body := admin.do("POST", "/api/v1/agents/A001/complete", nil); code != 409 || body["key"] != "err.departure.gate_closed" {
			t.Fatalf("complete early: %d %v", code, body)
		}
		if code, body := opB.do("GET", "/api/v1/agents/A001?org=A", nil); code != 403 {
			t.Fatalf("another insurer: %d %v", code, body)
		}
		code, body = op.do("GET", "/api/v1/agents/A001", nil)
		dep, _ := body["departure"].(map[string]any)
		if code != 200 || dep == nil || dep["done"] != 0.0 || len(dep["items"].([]any)) != 1 {
			t.Fatalf("agent: %d %v", code, body)
		}
	})
}
