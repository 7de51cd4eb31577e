package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/sms"
	"github.com/huifang/huifang/testworld"
)

// texts keeps the text messages sent.
type texts struct {
	mu   sync.Mutex
	msgs []sms.Message
}

func (x *texts) Send(_ context.Context, m sms.Message) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.msgs = append(x.msgs, m)
	return nil
}

// TestSendElectronicLink: an operator sends a link to a customer who asks
// for an electronic callback on the phone.
func TestSendElectronicLink(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		out := &texts{}
		_, srv, tokens := apiWorld(t, w, func(svc *app.Service) { svc.SMS, svc.PublicURL = out, "https://hf.example.com" })
		admin, op, opB := client{t, srv.URL, tokens["a-admin"]}, client{t, srv.URL, tokens["a-op"]}, client{t, srv.URL, tokens["b-op"]}
		soon := policyRow("P2", "L20", "2026-02-20", importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 2)) // due 03-07
		soon["投保日期"], soon["承保日期"] = "2026-02-10", "2026-02-15"
		for _, b := range []struct {
			kind string
			rows []map[string]string
		}{
			{"branches", []map[string]string{{"code": "86", "name": "总公司", "parent_code": ""}, {"code": "86010101", "name": "营业部", "parent_code": "86"}}},
			{"products", []map[string]string{{"产品代码": "L20", "产品名称": "终身寿", "设计类型": "传统", "保险期间": "终身", "犹豫期天数": "15"}}},
			{"agents", []map[string]string{{"业务员代码": "A001", "姓名": "李明", "手机号": "13900000001", "机构代码": "86010101"}}},
			{"policies", []map[string]string{
				policyRow("P1", "L20", "2026-03-02", importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)),
				soon,
			}},
		} {
			if code, body := admin.do("POST", "/api/v1/import/"+b.kind, map[string]any{"rows": b.rows}); code != 200 {
				t.Fatalf("import %s: %d %v", b.kind, code, body)
			}
		}
		_, list := op.do("GET", "/api/v1/callbacks?policy_no=P1", nil)
		p1 := int64(list["callbacks"].([]any)[0].(map[string]any)["id"].(float64))
		_, list = op.do("GET", "/api/v1/callbacks?policy_no=P2", nil)
		p2 := int64(list["callbacks"].([]any)[0].(map[string]any)["id"].(float64))
		path := "/api/v1/callbacks/" + itoa(p1) + "/electronic"

		if code, _ := opB.do("POST", path, nil); code != 404 {
			t.Fatalf("another insurer: %d", code)
		}
		if code, _ := admin.do("POST", path, nil); code != 403 {
			t.Fatalf("administrator: %d", code)
		}
		if code, body := op.do("POST", "/api/v1/callbacks/"+itoa(p2)+"/electronic", nil); code != 400 || !strings.Contains(body["error"].(string), "不足") {
			t.Fatalf("too close to the deadline: %d %v", code, body)
		}
		code, body := op.do("POST", path, nil)
		if code != 200 || body["status"] != "electronic" {
			t.Fatalf("send: %d %v", code, body)
		}
		links := body["electronic_links"].([]any)
		if len(links) != 1 || links[0].(map[string]any)["status"] != "active" || links[0].(map[string]any)["issued_by"] != "a-op" {
			t.Fatalf("links %v", links)
		}
		if len(out.msgs) != 1 || out.msgs[0].To != "13800000001" || !strings.Contains(out.msgs[0].Text, "https://hf.example.com/e/") {
			t.Fatalf("messages %+v", out.msgs)
		}
		// The link never shows in the API, only its state.
		_, work := op.do("GET", "/api/v1/callbacks/"+itoa(p1), nil)
		if work["callback"].(map[string]any)["status"] != "electronic" || len(work["electronic_links"].([]any)) != 1 {
			t.Fatalf("work %v", work)
		}
		token := out.msgs[0].Text[strings.Index(out.msgs[0].Text, "/e/")+3:]
		token = token[:strings.IndexAny(token, " ")]
		for _, raw := range []string{token, "token_hash", "code_hash"} {
			if _, w := op.do("GET", "/api/v1/callbacks/"+itoa(p1), nil); strings.Contains(toJSON(t, w), raw) {
				t.Fatalf("the API shows %q", raw)
			}
		}
		// Not handed to operators meanwhile: only P2 is.
		if code, w := op.do("POST", "/api/v1/callbacks/next", nil); code != 200 || w["callback"].(map[string]any)["policy_no"] != "P2" {
			t.Fatalf("next: %d %v", code, w["callback"])
		}
	})
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
