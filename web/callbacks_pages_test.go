package web_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var (
	rowLink  = regexp.MustCompile(`href="/callbacks/(\d+)"`)
	nextLink = regexp.MustCompile(`id="list-next" href="([^"]+)"|href="([^"]+)" rel="next" id="list-next"`)
)

// listFixture is a fixture whose insurer A has 120 open callbacks, a
// third of them bancassurance, with deadlines over four days: three pages.
func listFixture(t *testing.T) *fixture {
	f := setup(t, world(t))
	var lines []string
	for i := range 120 {
		channel := "个险"
		if i%3 == 0 {
			channel = "银保"
		}
		lines = append(lines, policyLine(fmt.Sprintf("KP%03d", i), "L20", channel, "张三", fmt.Sprintf("2026-03-%02d", 1+i%4), fmt.Sprintf("138%08d", i), i+1))
	}
	f.loadPolicies(t, "A", lines...)
	return f
}

// TestCallbackListPages: the list pages by cursor ("下一页" carries after=
// and the filters, "第一页" goes back), every callback shows once, an old
// page=N link opens the first page and a bad cursor is a 400.
func TestCallbackListPages(t *testing.T) {
	t.Parallel()
	f := listFixture(t)
	op := f.login(t, "op1")
	for _, tc := range []struct {
		start string
		want  int
	}{{"/callbacks", 120}, {"/callbacks?channel=agency&sort=policy", 80}, {"/callbacks?sort=status", 120}} {
		seen := map[string]int{}
		path, pages := tc.start, 0
		for path != "" {
			pages++
			res, body := op.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, res.StatusCode)
			}
			if pages > 1 && !strings.Contains(body, `id="list-first"`) || pages == 1 && strings.Contains(body, `id="list-first"`) {
				t.Errorf("%s: page %d and its first-page link", path, pages)
			}
			if !strings.Contains(body, fmt.Sprintf("共 %d 条", tc.want)) {
				t.Errorf("%s: no total of %d", path, tc.want)
			}
			for _, m := range rowLink.FindAllStringSubmatch(body, -1) {
				seen[m[1]]++
			}
			path = ""
			if m := nextLink.FindStringSubmatch(body); m != nil {
				path = html.UnescapeString(m[1] + m[2])
				if !strings.Contains(path, "after=v1.") || strings.Contains(tc.start, "sort=") && !strings.Contains(path, "sort=") ||
					strings.Contains(tc.start, "channel=") && !strings.Contains(path, "channel=agency") {
					t.Errorf("next link %q from %s", path, tc.start)
				}
			}
			if pages > 10 {
				t.Fatalf("%s: pages never end", tc.start)
			}
		}
		if len(seen) != tc.want || pages != (tc.want+49)/50 {
			t.Errorf("%s: %d callbacks over %d pages", tc.start, len(seen), pages)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s: callback %s shown %d times", tc.start, id, n)
			}
		}
	}
	// An old page link opens the first page.
	_, first := op.get("/callbacks")
	res, old := op.get("/callbacks?page=3")
	if res.StatusCode != http.StatusOK || rowLink.FindString(old) != rowLink.FindString(first) {
		t.Errorf("page=3: %d", res.StatusCode)
	}
	// A cursor that is none, or of another sort, is refused.
	m := nextLink.FindStringSubmatch(first)
	next := html.UnescapeString(m[1] + m[2])
	for _, path := range []string{"/callbacks?after=garbage", next + "&sort=policy"} {
		if res, body := op.get(path); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "翻页位置无效") {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
}
