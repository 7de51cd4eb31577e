package web_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
)

var (
	drillRow  = regexp.MustCompile(`<tr data-key="([^"]*)"[^>]*>[\s\S]*?data-indicator="success_rate" data-num="(\d+)" data-den="(\d+)"`)
	drillNext = regexp.MustCompile(`href="([^"]+)" rel="next" id="drill-next"`)
)

// drillTable is the drill-down's table of a dashboard page.
func drillTable(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `id="table-drill"`)
	if i < 0 {
		t.Fatal("no drill-down table")
	}
	return body[i : i+strings.Index(body[i:], "</table>")]
}

// TestDrillSellerPages: a drill-down by seller of more sellers than a page
// holds shows them worst first, a hundred a page: 下一页 from the first page
// to the last shows every seller once with success rates that never rise,
// "show all" shows every one on one page, and a page past the last is the
// last.
func TestDrillSellerPages(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	const sellers, finished = 230, 40
	agents := "业务员代码,姓名,手机号,机构代码,执业证号,状态\n"
	var lines []string
	for i := range sellers {
		code := fmt.Sprintf("P%03d", i)
		agents += fmt.Sprintf("%s,业务员%d,139%08d,86010101,%011d,在职\n", code, i, i, 30000000+i)
		line := policyLine(fmt.Sprintf("DP%03d", i), "L20", "个险", "张三", "2026-02-10", fmt.Sprintf("138%08d", i), i+1)
		lines = append(lines, strings.Replace(line, ",A001,", ","+code+",", 1))
	}
	f.importFile(t, "A", importer.KindAgents, agents)
	f.loadPolicies(t, "A", lines...)
	for range finished {
		finishAs(t, f, f.op)
	}
	f.user(t, "A", "mgr", huifang.RoleManager)
	mgr := f.login(t, "mgr")

	seen := map[string]int{}
	var rates [][2]int64
	path, pages := "/dashboard?period=2026&dim=seller", 0
	for path != "" {
		pages++
		res, body := mgr.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		if !strings.Contains(body, fmt.Sprintf(`id="drill-range" data-total="%d"`, sellers)) {
			t.Errorf("%s: no total of %d sellers", path, sellers)
		}
		rows := drillRow.FindAllStringSubmatch(drillTable(t, body), -1)
		if want := min(100, sellers-100*(pages-1)); len(rows) != want {
			t.Errorf("page %d: %d rows, want %d", pages, len(rows), want)
		}
		for _, m := range rows {
			seen[m[1]]++
			num, _ := strconv.ParseInt(m[2], 10, 64)
			den, _ := strconv.ParseInt(m[3], 10, 64)
			rates = append(rates, [2]int64{num, den})
		}
		path = ""
		if m := drillNext.FindStringSubmatch(body); m != nil {
			path = html.UnescapeString(m[1])
		}
		if pages > 10 {
			t.Fatal("no end of pages")
		}
	}
	if pages != 3 || len(seen) != sellers {
		t.Errorf("%d pages, %d sellers, want 3 and %d", pages, len(seen), sellers)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("seller %s shown %d times", k, n)
		}
	}
	ok := 0
	for i, r := range rates {
		if r[1] > 0 && r[0] == r[1] {
			ok++
		}
		if i > 0 && rates[i-1][0]*r[1] > r[0]*rates[i-1][1] {
			t.Errorf("row %d: %d/%d after %d/%d", i, r[0], r[1], rates[i-1][0], rates[i-1][1])
		}
	}
	if ok != finished {
		t.Errorf("%d sellers at 100%%, want %d", ok, finished)
	}

	// Every seller on one page, and back to pages.
	res, body := mgr.get("/dashboard?period=2026&dim=seller&page=all")
	if n := len(drillRow.FindAllStringSubmatch(drillTable(t, body), -1)); res.StatusCode != http.StatusOK || n != sellers ||
		!strings.Contains(body, `id="drill-paged"`) || strings.Contains(body, `id="drill-next"`) {
		t.Errorf("show all: %d, %d rows", res.StatusCode, n)
	}
	// A page past the last shows the last.
	_, body = mgr.get("/dashboard?period=2026&dim=seller&page=9")
	if n := len(drillRow.FindAllStringSubmatch(drillTable(t, body), -1)); n != sellers-200 || !strings.Contains(body, `id="drill-prev"`) {
		t.Errorf("page 9: %d rows", n)
	}
}
