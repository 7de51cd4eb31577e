package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/testworld"
)

// dashFixture is the web fixture with callbacks due in March 2026 and
// finished: insurer A all successful (at the "double 100%" target), insurer
// B one of four (below it), one of its policies booked on a branch with
// branches under it; a manager of A, a supervisor of the regulator
// and one of another regulator.
func dashFixture(t *testing.T, w *testworld.World) *fixture {
	t.Helper()
	f := setup(t, w)
	f.loadPolicies(t, "A",
		policyLine("A1", "L20", "个险", "张三", "2026-02-20", "13800000001", 1),
		policyLine("A2", "U01", "银保", "李四", "2026-02-21", "13800000002", 2),
		policyLine("A3", "L20", "个险", "王五", "2026-02-22", "13800000003", 3))
	f.loadPolicies(t, "B",
		policyLine("B1", "L20", "个险", "赵六", "2026-02-20", "13800000011", 11),
		policyLine("B2", "U01", "银保", "钱七", "2026-02-21", "13800000012", 12),
		policyLine("B3", "L20", "个险", "孙八", "2026-02-22", "13800000013", 13),
		// Booked on a branch with branches under it.
		strings.Replace(policyLine("B4", "U01", "个险", "周九", "2026-02-23", "13800000014", 14), ",86010101,", ",8601,", 1))
	for range 3 {
		finishAs(t, f, f.op)
	}
	finishAs(t, f, f.opB)
	// B: two callbacks with a problem; one case is closed unresolved, the
	// other stays open (both due in April).
	closed := finishWithProblem(t, f, f.opB)
	finishWithProblem(t, f, f.opB)
	if _, err := f.svc.CloseCase(ctx, f.user(t, "B", "mgr-b", huifang.RoleManager), closed, "客户已退保"); err != nil {
		t.Fatal(err)
	}
	f.user(t, "A", "mgr", huifang.RoleManager)
	cli := app.CLI()
	if _, err := f.svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "REG", Login: "sup", Name: "监管员", Role: huifang.RoleSupervisor, Password: password, Companies: []string{"A", "B"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindRegulator, Code: "REG2", Name: "另一监管局"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "REG2", Login: "sup2", Name: "他局", Role: huifang.RoleSupervisor, Password: password}); err != nil {
		t.Fatal(err)
	}
	return f
}

// finishWithProblem finishes the user's next callback with its documents
// signed by someone else, and returns the problem case it opened.
func finishWithProblem(t *testing.T, f *fixture, u *huifang.User) int64 {
	t.Helper()
	wk, err := f.svc.Next(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	ans := wk.Script.Script.Passing()
	ans["signed"] = "no"
	cb, err := f.svc.Finish(ctx, u, wk.Callback.ID, app.FinishInput{Answers: ans})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := f.svc.ListProblemCases(ctx, u, huifang.ProblemFilter{CallbackID: cb.ID})
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases of the callback: %v %v", cs, err)
	}
	return cs[0].ID
}

// finishAs finishes the user's next callback successfully.
func finishAs(t *testing.T, f *fixture, u *huifang.User) {
	t.Helper()
	wk, err := f.svc.Next(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Finish(ctx, u, wk.Callback.ID, app.FinishInput{Answers: wk.Script.Script.Passing()}); err != nil {
		t.Fatal(err)
	}
}

// TestDashboardScope: an insurer sees only itself, a supervisor its
// companies and its own side-by-side view, anything else is not found; a
// role without statistics is refused.
func TestDashboardScope(t *testing.T) {
	t.Parallel()
	f := dashFixture(t, world(t))
	mgr, sup, sup2, op := f.login(t, "mgr"), f.login(t, "sup"), f.login(t, "sup2"), f.login(t, "op1")
	for _, tc := range []struct {
		c      *client
		path   string
		status int
		want   string
	}{
		{mgr, "/dashboard", 200, "chart-channel"},
		{mgr, "/dashboard?org=A&period=2026-03", 200, "chart-trend"},
		{mgr, "/dashboard?org=B", 404, ""},
		{mgr, "/dashboard?org=REG", 404, ""},
		{sup, "/dashboard", 200, "ranking"},
		{sup, "/dashboard?period=2026-03", 200, `id="submissions"`},
		{sup, "/dashboard?org=B&period=2026", 200, "dash-back"},
		{sup2, "/dashboard?org=A", 404, ""},
		{sup2, "/dashboard?org=REG", 404, ""},
		{op, "/dashboard", 403, ""},
		{mgr, "/dashboard?period=2026-13", 400, ""},
		// The lists behind the figures follow the same scope.
		{sup, "/callbacks?org=B&outcome=due", 200, "list-org"},
		{sup2, "/callbacks?org=B&outcome=due", 404, ""},
		{mgr, "/callbacks?org=B&outcome=due", 404, ""},
		{mgr, "/callbacks?outcome=nonsense", 400, ""},
	} {
		for _, lang := range []string{"zh", "en"} {
			res, body := tc.c.get(tc.path + sep(tc.path) + "lang=" + lang)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%s (%s): status %d, want %d with %q", tc.path, lang, res.StatusCode, tc.status, tc.want)
			}
			if m := missingKey.FindString(body); m != "" {
				t.Errorf("%s (%s): message %s missing", tc.path, lang, m)
			}
			if regexp.MustCompile(`<script>|<style|style="|onclick=`).MatchString(body) {
				t.Errorf("%s (%s): inline script or style", tc.path, lang)
			}
		}
	}
	// The charts' data as JSON, in the same scope; errors as JSON.
	for _, tc := range []struct {
		c      *client
		path   string
		status int
		want   string
	}{
		{mgr, "/dashboard/data.json?period=2026-03", 200, `"id":"chart-channel"`},
		{sup, "/dashboard/data.json?period=2026-03", 200, `"id":"chart-companies"`},
		{sup, "/dashboard/data.json?org=A&period=2026-03", 200, `"org":"A"`},
		{mgr, "/dashboard/data.json?org=B", 404, `"code":"not_found"`},
		{sup2, "/dashboard/data.json?org=A", 404, `"code":"not_found"`},
		{op, "/dashboard/data.json", 403, `"code":"forbidden"`},
	} {
		req, _ := http.NewRequest(http.MethodGet, tc.c.base+tc.path, nil)
		req.Header.Set("Accept", "application/json")
		res, body := tc.c.do(req)
		if res.StatusCode != tc.status || !strings.Contains(body, tc.want) || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: status %d, want %d with %s\n%s", tc.path, res.StatusCode, tc.status, tc.want, body)
		}
	}
	// The navigation offers the dashboard to those who see statistics.
	if _, body := mgr.get("/"); !strings.Contains(body, `id="nav-dashboard"`) {
		t.Error("no dashboard in the manager's navigation")
	}
	if _, body := op.get("/"); strings.Contains(body, `id="nav-dashboard"`) {
		t.Error("the operator's navigation offers the dashboard")
	}
}

// TestDashboardRegulator: the companies are ranked by success rate, the one
// below the target is marked, the chart data carries the marks.
func TestDashboardRegulator(t *testing.T) {
	t.Parallel()
	f := dashFixture(t, world(t))
	f.clk.Set(at(20, 10, 0)) // after the March deadlines the figures count
	_, body := f.login(t, "sup").get("/dashboard?period=2026-03")
	rows := regexp.MustCompile(`<tr data-org="(\w+)"( class="below")?>`).FindAllStringSubmatch(body, -1)
	if len(rows) != 2 || rows[0][1] != "A" || rows[0][2] != "" || rows[1][1] != "B" || rows[1][2] == "" {
		t.Fatalf("ranking: %q", rows)
	}
	if !strings.Contains(body, `id="chart-companies"`) || !strings.Contains(body, `id="chart-trend-quarters"`) {
		t.Error("charts missing")
	}
	data := regexp.MustCompile(`(?s)<script type="application/json" id="dash-data">(.*?)</script>`).FindStringSubmatch(body)
	if data == nil || !strings.Contains(data[1], `"below":true`) || !strings.Contains(data[1], `"success_target":100`) {
		t.Errorf("chart data: %v", data)
	}
}

// figureLink matches a figure that links to its list.
var figureLink = regexp.MustCompile(`<a class="fig[^"]*" href="([^"]+)" title="[^"]*" data-indicator="([^"]+)" data-num="(\d+)" data-den="(\d+)"`)

// numeratorOutcome is the outcome class of each callback rate's numerator.
var numeratorOutcome = map[string]string{
	"success_rate": huifang.OutcomeSuccessful, "in_period_success_rate": huifang.OutcomeSuccessfulInPeriod, "completion_rate": huifang.OutcomeCompleted,
	"orphan_rate": huifang.OutcomeSuccessful,
}

// caseClasses are the problem-case counts a problem-case rate is formed
// of: its denominator's class and its numerator's.
var caseClasses = map[string][2]string{
	"resolution_rate": {huifang.CaseOutcomeDue, huifang.CaseOutcomeResolved},
	"on_time_rate":    {huifang.CaseOutcomeClosed, huifang.CaseOutcomeOnTime},
	"closure_rate":    {huifang.CaseOutcomeDue, huifang.CaseOutcomeClosed},
}

// TestDashboardClickThrough: every figure on the insurer's and the
// regulator's dashboards and on the statistics tables links to a list whose count is the figure's
// denominator, and whose count of the numerator's class is its numerator.
func TestDashboardClickThrough(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := dashFixture(t, w)
		// After the March deadlines: the periods still running (March, the
		// quarter, the year) count the callbacks due so far, and their lists
		// end on the same day.
		f.clk.Set(at(20, 10, 0))
		caseDen := 0
		defer func() {
			if caseDen == 0 {
				t.Error("no problem-case figure had a denominator: the case links were not checked")
			}
		}()
		for _, tc := range []struct{ login, path string }{
			{"mgr", "/dashboard?period=2026-03"},
			{"mgr", "/dashboard?period=2026"},
			{"mgr", "/dashboard?period=2026-Q1&dim=channel"},
			{"sup", "/dashboard?period=2026-03"},
			{"sup", "/dashboard?org=B&period=2026"},
			// The drill-down: a branch's own policies and its sub-branches',
			// the sellers, the design types within a channel.
			{"sup", "/dashboard?org=B&period=2026-03&branch=8601"},
			{"sup", "/dashboard?org=B&period=2026-03&dim=seller&branch=8601"},
			{"mgr", "/dashboard?period=2026-03&dim=seller"},
			{"mgr", "/dashboard?period=2026-03&dim=design&channel=bancassurance"},
			// The statistics table's figures too.
			{"mgr", "/stats?period=2026"},
			{"sup", "/stats?org=B&period=2026"},
			{"sup", "/stats?org=REG&period=2026"},
		} {
			c := f.login(t, tc.login)
			_, body := c.get(tc.path)
			if tc.path == "/dashboard?org=B&period=2026-03&branch=8601" && !strings.Contains(body, "branch_only=1") {
				t.Errorf("%s: no row of the branch's own policies", tc.path)
			}
			links := figureLink.FindAllStringSubmatch(body, -1)
			if len(links) < 3 {
				t.Fatalf("%s: %d figure links", tc.path, len(links))
			}
			nonzero, cases := false, 0
			for _, l := range links {
				href, id := html.UnescapeString(l[1]), l[2]
				num, _ := strconv.Atoi(l[3])
				den, _ := strconv.Atoi(l[4])
				nonzero = nonzero || den > 0
				res, list := c.get(href)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: %s: status %d", tc.path, href, res.StatusCode)
				}
				if strings.HasPrefix(href, "/problems/figure?") {
					// Problem cases: the counts of each class above the list.
					d, n := caseClasses[id][0], caseClasses[id][1]
					if got := attr(list, `data-outcome="`+d+`"`, "data-count"); got != den {
						t.Errorf("%s: %s %s: %d %s, denominator %d", tc.path, id, href, got, d, den)
					}
					if got := attr(list, `data-outcome="`+n+`"`, "data-count"); got != num {
						t.Errorf("%s: %s %s: %d %s, numerator %d", tc.path, id, href, got, n, num)
					}
					cases++
					caseDen += den
					continue
				}
				if got := attr(list, `id="list-total"`, "data-total"); got != den {
					t.Errorf("%s: %s %s: list of %d, denominator %d", tc.path, id, href, got, den)
				}
				if o, ok := numeratorOutcome[id]; ok {
					if got := attr(list, `data-outcome="`+o+`"`, "data-count"); got != num {
						t.Errorf("%s: %s %s: %d %s, numerator %d", tc.path, id, href, got, o, num)
					}
				}
			}
			if !nonzero {
				t.Errorf("%s: every figure has a denominator of 0", tc.path)
			}
			if cases == 0 {
				t.Errorf("%s: no problem-case figure links", tc.path)
			}
		}
	})
}

// attr reads an integer attribute of the element whose tag contains marker.
func attr(body, marker, name string) int {
	i := strings.Index(body, marker)
	if i < 0 {
		return -1
	}
	tag := body[strings.LastIndex(body[:i], "<"):]
	tag = tag[:strings.Index(tag, ">")]
	m := regexp.MustCompile(name + `="(\d+)"`).FindStringSubmatch(tag)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestSupervisorListMasksNames: a supervisor's list of a company's
// callbacks shows policyholders' names masked; the company's own staff see
// them whole.
func TestSupervisorListMasksNames(t *testing.T) {
	t.Parallel()
	f := dashFixture(t, world(t))
	_, body := f.login(t, "sup").get("/callbacks?org=B&outcome=due")
	if strings.Contains(body, "赵六") || !strings.Contains(body, "赵*") {
		t.Fatalf("supervisor's list:\n%s", body)
	}
	if _, body := f.login(t, "opb").get("/callbacks"); !strings.Contains(body, "赵六") {
		t.Fatalf("the company's own list:\n%s", body)
	}
	if res, _ := f.login(t, "mgr").get("/problems/figure?channel=nonsense"); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("an unknown channel: %d", res.StatusCode)
	}
}
