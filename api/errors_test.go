package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// doLang is c.do with an Accept-Language header ("" sends none).
func (c client) doLang(lang, method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.url+path, r)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		c.t.Fatalf("%s %s: bad JSON: %v", method, path, err)
	}
	return resp.StatusCode, out
}

// TestErrorsInCallersLanguage: an error's message, and the reasons of an
// import's bad rows, come in the language of Accept-Language (or ?lang=),
// Chinese without one; the body names the message's catalog key.
func TestErrorsInCallersLanguage(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		_, srv, tokens := apiWorld(t, w, nil)
		admin, op := client{t, srv.URL, tokens["a-admin"]}, client{t, srv.URL, tokens["a-op"]}

		for _, tt := range []struct{ lang, path, want string }{
			{"", "/api/v1/callbacks/999999", "回访 999999 不存在"},
			{"zh-CN,zh;q=0.9", "/api/v1/callbacks/999999", "回访 999999 不存在"},
			{"en-US,en;q=0.9", "/api/v1/callbacks/999999", "Callback 999999 does not exist"},
			{"", "/api/v1/callbacks/999999?lang=en", "Callback 999999 does not exist"},
		} {
			code, body := op.doLang(tt.lang, "GET", tt.path, nil)
			if code != 404 || body["error"] != tt.want || body["key"] != "err.callback.not_found" || body["code"] != huifang.ENOTFOUND {
				t.Errorf("%q %s: %d %v, want 404 %q", tt.lang, tt.path, code, body, tt.want)
			}
		}

		id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)
		rows := []map[string]string{policyRow("P1", "NOPE", "2026-03-02", id)}
		for _, tt := range []struct{ lang, error, reason string }{
			{"", "文件中有 1 行数据有误，未导入任何数据", "产品代码在系统中不存在：请先导入产品"},
			{"en", "The file has 1 bad rows; nothing was imported", "The product code is not in the system: import the products first"},
		} {
			code, body := admin.doLang(tt.lang, "POST", "/api/v1/import/policies", map[string]any{"rows": rows})
			if code != 422 || !strings.Contains(body["error"].(string), tt.error) || body["key"] != "err.import.bad_rows" {
				t.Fatalf("%q bad row: %d %v", tt.lang, code, body)
			}
			var reasons []string
			for _, e := range body["report"].(map[string]any)["errors"].([]any) {
				e := e.(map[string]any)
				reasons = append(reasons, e["reason"].(string))
				if e["column"] == "产品代码" && e["key"] != "err.import.row.no_product" {
					t.Errorf("%q: the product's row error has key %v", tt.lang, e["key"])
				}
			}
			if !strings.Contains(strings.Join(reasons, "\n"), tt.reason) {
				t.Errorf("%q: row errors %q lack %q", tt.lang, reasons, tt.reason)
			}
		}

		// Field errors too: the reason in the language, with its key.
		code, body := admin.doLang("en", "GET", "/api/v1/callbacks?due_from=yesterday", nil)
		fields, _ := body["fields"].([]any)
		if code != 400 || len(fields) != 1 || fields[0].(map[string]any)["reason"] != "the date should be in the form YYYY-MM-DD" ||
			fields[0].(map[string]any)["key"] != "err.filter.bad_date" {
			t.Errorf("bad filter in English: %d %v", code, body)
		}
	})
}
