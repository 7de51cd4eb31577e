package web_test

import (
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/testworld"
)

// orphanFixture is dashFixture with orphan-policy callbacks due in March:
// A's A1 successful, A2 not reached, A3 open; B's B1 successful.
func orphanFixture(t *testing.T, w *testworld.World) *fixture {
	t.Helper()
	f := dashFixture(t, w)
	due := huifang.NewDate(2026, 3, 20)
	at := time.Date(2026, 3, 16, 10, 0, 0, 0, huifang.Shanghai)
	for _, o := range []struct {
		org *huifang.Org
		no  string
		u   *huifang.User
		res huifang.CallbackResult
	}{{f.orgA, "A1", f.op, huifang.ResultSuccessful}, {f.orgA, "A2", f.op, huifang.ResultNotCompleted}, {f.orgA, "A3", f.op, ""},
		{f.orgB, "B1", f.opB, huifang.ResultSuccessful}} {
		c, err := f.db.PlanOrphanCallback(ctx, o.org.ID, o.no, due, at)
		if err != nil {
			t.Fatal(err)
		}
		if o.res == "" {
			continue
		}
		if _, err := f.db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: o.org.ID, ID: c.ID, UserID: o.u.ID, Now: at, NoLease: true,
			Status: huifang.StatusDone, Result: o.res, Method: huifang.MethodPhone, Audit: huifang.AuditEntry{Action: "finish"}}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestDashboardOrphans: orphan-policy callbacks show on the insurer's and
// the regulator's dashboards, in the drill-down and on the statistics
// table; each orphan figure links to the list of orphan callbacks behind
// it (kind=orphan), as many as it counts; the new-business figures leave
// them out.
func TestDashboardOrphans(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := orphanFixture(t, w)
		// March has ended: its new-business callbacks all count (while it
		// runs, only those due so far do; orphan callbacks always all).
		f.clk.Set(time.Date(2026, 4, 1, 10, 0, 0, 0, huifang.Shanghai))
		mgr, sup := f.login(t, "mgr"), f.login(t, "sup")
		_, body := mgr.get("/dashboard?period=2026-03")
		if got := countText(body, `id="count-orphans-due"`); got != 3 {
			t.Errorf("A's orphan callbacks due: %d", got)
		}
		if got := countText(body, `id="count-orphans-ok"`); got != 1 {
			t.Errorf("A's orphan callbacks successful: %d", got)
		}
		if got := countText(body, `id="count-due"`); got != 3 {
			t.Errorf("A's new-business callbacks due: %d (the orphan callbacks counted?)", got)
		}
		for _, tc := range []struct {
			c    *client
			path string
			want int // orphan_rate figures with a denominator
		}{
			{mgr, "/dashboard?period=2026-03", 1 + 2 + 2 + 1},            // headline, channels, designs, drill-down branch
			{mgr, "/dashboard?period=2026-03&dim=seller", 1 + 2 + 2 + 2}, // the sellers: the agent and the bank outlet
			{sup, "/dashboard?period=2026-03", 2},                        // the regulator's companies
			{sup, "/dashboard?org=B&period=2026-03", 1 + 1 + 1 + 1},      // B1: agency, traditional, its branch
			{mgr, "/stats?period=2026-03", 1 + 2 + 2},                    // the statistics table: total, channels, designs
			{sup, "/stats?org=REG&period=2026-03", 2},                    // the regulator's: its companies' rows
		} {
			_, body := tc.c.get(tc.path)
			n := 0
			for _, l := range figureLink.FindAllStringSubmatch(body, -1) {
				href, id := html.UnescapeString(l[1]), l[2]
				if id != "orphan_rate" {
					continue
				}
				num, _ := strconv.Atoi(l[3])
				den, _ := strconv.Atoi(l[4])
				if den == 0 {
					continue
				}
				n++
				if !strings.Contains(href, "kind=orphan") {
					t.Errorf("%s: orphan figure links to %s", tc.path, href)
				}
				res, list := tc.c.get(href)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: %s: status %d", tc.path, href, res.StatusCode)
				}
				if got := attr(list, `id="list-total"`, "data-total"); got != den {
					t.Errorf("%s: %s: list of %d, denominator %d", tc.path, href, got, den)
				}
				if got := attr(list, `data-outcome="successful"`, "data-count"); got != num {
					t.Errorf("%s: %s: %d successful listed, numerator %d", tc.path, href, got, num)
				}
			}
			if n != tc.want {
				t.Errorf("%s: %d orphan figures with a denominator, want %d", tc.path, n, tc.want)
			}
		}
		// The statistics table's orphan columns.
		_, body = mgr.get("/stats?period=2026-03")
		if !strings.Contains(body, "orphan_rate") {
			t.Errorf("the statistics table shows no orphan rate")
		}
		// The callback list filters by kind.
		_, list := mgr.get("/callbacks?kind=orphan")
		if got := attr(list, `id="list-total"`, "data-total"); got != 3 {
			t.Errorf("the list of orphan callbacks holds %d", got)
		}
		if res, _ := mgr.get("/callbacks?kind=nonsense"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("an unknown kind: status %d", res.StatusCode)
		}
	})
}

// countText reads the number inside the element whose tag contains marker.
func countText(body, marker string) int {
	i := strings.Index(body, marker)
	if i < 0 {
		return -1
	}
	rest := body[i:]
	rest = rest[strings.Index(rest, ">")+1:]
	n, err := strconv.Atoi(strings.TrimSpace(rest[:strings.Index(rest, "<")]))
	if err != nil {
		return -1
	}
	return n
}
