package api_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// TestCallbackListCursor: the list answers next_cursor and takes cursor=
// to walk every callback once; small offsets still work, deep ones and bad
// cursors are a 400 with their key.
func TestCallbackListCursor(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		_, srv, tokens := apiWorld(t, w, nil)
		admin := client{t, srv.URL, tokens["a-admin"]}
		var policies []map[string]string
		for i := range 25 {
			id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), i+1)
			policies = append(policies, policyRow(fmt.Sprintf("C%02d", i), "L20", fmt.Sprintf("2026-02-%02d", 26+i%3), id))
		}
		admin.importBook("13900000001", policies)
		for _, sort := range []string{"", "policy", "status", "operator"} {
			seen := map[float64]bool{}
			cursor, pages := "", 0
			for {
				pages++
				q := url.Values{"limit": {"7"}, "sort": {sort}}
				if cursor != "" {
					q.Set("cursor", cursor)
				}
				code, list := admin.do("GET", "/api/v1/callbacks?"+q.Encode(), nil)
				if code != 200 || list["total"] != float64(25) || list["total_capped"] != nil {
					t.Fatalf("sort %q page %d: %d %v", sort, pages, code, list)
				}
				for _, c := range list["callbacks"].([]any) {
					id := c.(map[string]any)["id"].(float64)
					if seen[id] {
						t.Errorf("sort %q: callback %v twice", sort, id)
					}
					seen[id] = true
				}
				cursor, _ = list["next_cursor"].(string)
				if cursor == "" || pages > 10 {
					break
				}
			}
			if len(seen) != 25 || pages != 4 {
				t.Errorf("sort %q: %d callbacks over %d pages", sort, len(seen), pages)
			}
		}
		// Old clients' small offsets still page.
		if code, list := admin.do("GET", "/api/v1/callbacks?limit=10&offset=20", nil); code != 200 || len(list["callbacks"].([]any)) != 5 || list["next_cursor"] != "" {
			t.Errorf("offset 20: %d %v", code, list)
		}
		_, list := admin.do("GET", "/api/v1/callbacks?limit=5", nil)
		next := list["next_cursor"].(string)
		for _, tc := range []struct{ q, key string }{
			{"offset=10001", "err.filter.offset_too_deep"},
			{"cursor=v1.garbage", "err.filter.bad_cursor"},
			{"sort=policy&cursor=" + url.QueryEscape(next), "err.filter.bad_cursor"},
		} {
			if code, body := admin.do("GET", "/api/v1/callbacks?"+tc.q, nil); code != 400 || body["key"] != tc.key {
				t.Errorf("%s: %d %v", tc.q, code, body)
			}
		}
		if code, _ := admin.do("GET", "/api/v1/callbacks?offset=10000", nil); code != 200 {
			t.Errorf("offset 10000: %d", code)
		}
	})
}

// TestProblemCaseListCursor: the problem-case list answers next_cursor and
// takes cursor= to walk every case once; next_offset stays for offset
// clients; a deep offset or a bad cursor is a 400.
func TestProblemCaseListCursor(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		_, srv, tokens := apiWorld(t, w, nil)
		admin := client{t, srv.URL, tokens["a-admin"]}
		var policies []map[string]string
		for i := range 12 {
			id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), i+1)
			policies = append(policies, policyRow(fmt.Sprintf("Q%02d", i), "L20", "2026-02-27", id))
		}
		admin.importBook("13900000001", policies)
		for i := range 12 {
			if code, body := admin.do("POST", "/api/v1/problem-cases", map[string]any{"policy_no": fmt.Sprintf("Q%02d", i), "type": "complaint", "reason": "投诉"}); code != 201 {
				t.Fatalf("open case %d: %d %v", i, code, body)
			}
		}
		seen := map[float64]bool{}
		cursor, pages := "", 0
		for {
			pages++
			q := url.Values{"limit": {"5"}, "scope": {"all"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			code, list := admin.do("GET", "/api/v1/problem-cases?"+q.Encode(), nil)
			if code != 200 {
				t.Fatalf("page %d: %d %v", pages, code, list)
			}
			for _, c := range list["problem_cases"].([]any) {
				id := c.(map[string]any)["id"].(float64)
				if seen[id] {
					t.Errorf("case %v twice", id)
				}
				seen[id] = true
			}
			if cursor != "" && list["next_offset"] != nil {
				t.Errorf("next_offset beside a cursor: %v", list["next_offset"])
			}
			cursor, _ = list["next_cursor"].(string)
			if cursor == "" || pages > 10 {
				break
			}
		}
		if len(seen) != 12 || pages != 3 {
			t.Errorf("%d cases over %d pages", len(seen), pages)
		}
		if _, list := admin.do("GET", "/api/v1/problem-cases?limit=5&offset=5", nil); list["next_offset"] != float64(10) || list["next_cursor"] == "" {
			t.Errorf("offset page: %v", list)
		}
		for _, tc := range []struct{ q, key string }{{"offset=10001", "err.filter.offset_too_deep"}, {"cursor=p1.xx", "err.filter.bad_cursor"}} {
			if code, body := admin.do("GET", "/api/v1/problem-cases?"+tc.q, nil); code != 400 || body["key"] != tc.key {
				t.Errorf("%s: %d %v", tc.q, code, body)
			}
		}
	})
}
