package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

var (
	boardRow   = regexp.MustCompile(`data-case="(\d+)"`)
	boardNext  = regexp.MustCompile(`href="([^"]+)" rel="next" id="board-next"`)
	boardFirst = regexp.MustCompile(`href="([^"]+)" rel="first" id="board-first"`)
	bulkBack   = regexp.MustCompile(`name="back" value="([^"]*)"`)
)

// boardIDs are the cases a board page lists, in order.
func boardIDs(body string) []string {
	var ids []string
	for _, m := range boardRow.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// pagesCases opens n cases by hand on new policies of insurer A: every
// fourth signed by someone else, the rest complaints; every third sold
// through a bank, the rest by agents. It returns their ids.
func pagesCases(t *testing.T, f *caseFixture, n int) []int64 {
	t.Helper()
	var lines []string
	for i := range n {
		channel := "个险"
		if i%3 == 0 {
			channel = "银保"
		}
		lines = append(lines, policyLine(fmt.Sprintf("BP%03d", i), "L20", channel, "张三", "2026-03-02", fmt.Sprintf("139%08d", i), i+1))
	}
	f.loadPolicies(t, "A", lines...)
	ids := make([]int64, n)
	for i := range n {
		typ := huifang.ProblemComplaint
		if i%4 == 0 {
			typ = huifang.ProblemUnsigned
		}
		c, err := f.svc.OpenCase(ctx, f.mgr, fmt.Sprintf("BP%03d", i), typ, "客户来电反映问题")
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID
	}
	return ids
}

// TestProblemBoardPages: the board pages by cursor, as the callback list
// does ("下一页" carries after= and the scope and filters, "第一页" goes
// back), every case shows once, an old page=N link opens the first page, a
// bad cursor is a 400, and a bulk step sent from a later page comes back to
// that page.
func TestProblemBoardPages(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	const n = 2*app.BoardPageSize + 20
	ids := pagesCases(t, f, n)
	// The handler's branch holds them all.
	res, err := f.svc.BulkTransfer(ctx, f.mgr, app.BulkInput{IDs: ids, Branch: "86010101"})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range res {
		if !x.OK {
			t.Fatalf("transfer of %d: %v", x.ID, x.Err)
		}
	}
	m, h := f.login(t, "mgr"), f.login(t, "h1")
	complaintsByAgent := 0
	for i := range n {
		if i%4 != 0 && i%3 != 0 {
			complaintsByAgent++
		}
	}
	for _, tc := range []struct {
		who   *client
		start string
		want  int
		keep  []string // what every link to another page carries
	}{
		{m, "/problems", n, []string{"scope=all"}},
		{m, "/problems?type=complaint&channel=agency", complaintsByAgent, []string{"scope=all", "type=complaint", "channel=agency"}},
		{h, "/problems?scope=branch", n, []string{"scope=branch"}},
	} {
		seen := map[string]int{}
		path, pages := tc.start, 0
		for path != "" {
			pages++
			res, body := tc.who.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, res.StatusCode)
			}
			first := boardFirst.FindStringSubmatch(body)
			if pages > 1 && first == nil || pages == 1 && first != nil {
				t.Errorf("%s: page %d and its first-page link", path, pages)
			}
			if first != nil {
				if got := html.UnescapeString(first[1]); strings.Contains(got, "after=") || !keeps(got, tc.keep) {
					t.Errorf("first-page link %q from %s", got, path)
				}
			}
			if strings.Contains(body, `id="board-prev"`) {
				t.Errorf("%s: a link to a previous page by number", path)
			}
			for _, id := range boardIDs(body) {
				seen[id]++
			}
			path = ""
			if m := boardNext.FindStringSubmatch(body); m != nil {
				path = html.UnescapeString(m[1])
				if !strings.Contains(path, "after=p1.") || strings.Contains(path, "page=") || !keeps(path, tc.keep) {
					t.Errorf("next link %q from %s", path, tc.start)
				}
			}
			if pages > 10 {
				t.Fatalf("%s: pages never end", tc.start)
			}
		}
		if len(seen) != tc.want || pages != (tc.want+app.BoardPageSize-1)/app.BoardPageSize {
			t.Errorf("%s: %d cases over %d pages, want %d", tc.start, len(seen), pages, tc.want)
		}
		for id, k := range seen {
			if k != 1 {
				t.Errorf("%s: case %s shown %d times", tc.start, id, k)
			}
		}
	}

	// "第一页" opens the first page again.
	_, page1 := m.get("/problems")
	next := html.UnescapeString(boardNext.FindStringSubmatch(page1)[1])
	_, page2 := m.get(next)
	_, again := m.get(html.UnescapeString(boardFirst.FindStringSubmatch(page2)[1]))
	if strings.Join(boardIDs(again), ",") != strings.Join(boardIDs(page1), ",") {
		t.Error("the first-page link opens another page")
	}
	// An old page link opens the first page.
	if res, old := m.get("/problems?page=2"); res.StatusCode != http.StatusOK || strings.Join(boardIDs(old), ",") != strings.Join(boardIDs(page1), ",") {
		t.Errorf("page=2: %d", res.StatusCode)
	}
	// A cursor that is none, or of another order, is refused.
	for _, path := range []string{"/problems?after=garbage", next + "&status=closed"} {
		if res, body := m.get(path); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "翻页位置无效") {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}

	// A bulk step from the second page comes back to the second page.
	back := html.UnescapeString(bulkBack.FindStringSubmatch(page2)[1])
	if back != next {
		t.Fatalf("the bulk form goes back to %q, not %q", back, next)
	}
	rows := boardIDs(page2)
	res2, body := m.postForm("/problems/bulk", url.Values{"back": {back}, "op": {"transfer"}, "branch": {"86010101"}, "case": {rows[0]}})
	if res2.StatusCode != http.StatusOK || !strings.Contains(body, `id="bulk-result"`) {
		t.Fatalf("bulk step from page 2: %d", res2.StatusCode)
	}
	if got := boardIDs(body); strings.Join(got, ",") != strings.Join(rows, ",") {
		t.Errorf("after the bulk step the board shows %v, not page 2's %v", got, rows)
	}
	if m := bulkBack.FindStringSubmatch(body); m == nil || html.UnescapeString(m[1]) != back {
		t.Errorf("after the bulk step the form goes back to %v", m)
	}
	if !boardFirst.MatchString(body) || !boardNext.MatchString(body) {
		t.Error("after the bulk step the page has lost its links")
	}
}

// keeps reports whether the link carries every parameter of want.
func keeps(link string, want []string) bool {
	for _, w := range want {
		if !strings.Contains(link, w) {
			return false
		}
	}
	return true
}
