package web_test

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/testworld"
)

// oversightFixture is the dashboard fixture (March callbacks at A and B),
// with a submitted statistics table and a filed script at each company,
// a supervisor "supa" who follows A only and the regulator's
// administrator "radm" who sees both.
type oversightFixture struct {
	*fixture
	subA, subB       int64
	scriptA, scriptB int64
	noticeA, noticeB int64 // rectification notices
	checkAll, checkB int64 // spot checks: of both companies, of B only
	itemA, itemB     int64 // an item of each company in checkAll
}

func newOversight(t *testing.T, w *testworld.World) *oversightFixture {
	t.Helper()
	f := &oversightFixture{fixture: dashFixture(t, w)}
	f.clk.Set(time.Date(2026, 4, 3, 10, 0, 0, 0, huifang.Shanghai)) // March has ended: its table may be submitted
	cli := app.CLI()
	for _, in := range []app.UserInput{
		{OrgCode: "REG", Login: "supa", Name: "只看甲", Role: huifang.RoleSupervisor, Companies: []string{"A"}},
		{OrgCode: "REG", Login: "radm", Name: "局管理员", Role: huifang.RoleRegAdmin},
		{OrgCode: "B", Login: "admb", Name: "乙管理员", Role: huifang.RoleInsurerAdmin},
		{OrgCode: "B", Login: "mgrb2", Name: "乙经理", Role: huifang.RoleManager},
	} {
		in.Password = password
		if _, err := f.svc.CreateUser(ctx, cli, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		login  string
		sub    *int64
		script *int64
	}{{"mgr", &f.subA, nil}, {"mgrb2", &f.subB, nil}, {"adm", nil, &f.scriptA}, {"admb", nil, &f.scriptB}} {
		u, err := f.db.FindUserByLogin(ctx, c.login)
		if err != nil {
			t.Fatal(err)
		}
		if c.sub != nil {
			sub, err := f.svc.SubmitStats(ctx, u, app.SubmitInput{Period: "2026-03"})
			if err != nil {
				t.Fatal(err)
			}
			*c.sub = sub.ID
			continue
		}
		rec, err := f.svc.ImportScript(ctx, u, string(scriptFile(t, "life-traditional-agency", nil)), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.FileScript(ctx, u, rec.ID); err != nil {
			t.Fatal(err)
		}
		*c.script = rec.ID
	}
	radm, err := f.db.FindUserByLogin(ctx, "radm")
	if err != nil {
		t.Fatal(err)
	}
	for code, id := range map[string]*int64{"A": &f.noticeA, "B": &f.noticeB} {
		n, err := f.svc.SendRectification(ctx, radm, app.RectificationInput{OrgCode: code, Subject: "回访整改", Body: "按期整改", Due: "2026-04-30"})
		if err != nil {
			t.Fatal(err)
		}
		*id = n.ID
	}
	for id, cos := range map[*int64][]string{&f.checkAll: nil, &f.checkB: {"B"}} {
		sc, err := f.svc.DrawSpotCheck(ctx, radm, app.DrawInput{Period: "2026-03", Companies: cos, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		*id = sc.ID
	}
	for co, id := range map[string]*int64{"A": &f.itemA, "B": &f.itemB} {
		v, err := f.svc.SpotCheck(ctx, radm, f.checkAll, app.ItemQuery{Company: co})
		if err != nil || len(v.Items) == 0 {
			t.Fatalf("items of %s: %+v %v", co, v, err)
		}
		*id = v.Items[0].ID
	}
	return f
}

// regulatorWebRoutes classifies every route of web.go a regulator's user
// can reach: each is either tried against a company the supervisor does
// not follow (TestSupervisorSeesOnlyAssignedCompanies) or named here with
// why it shows no company's data. A new route fails TestEveryRegulatorRouteClassified
// until it is one or the other.
var regulatorWebUnscoped = map[string]string{
	"GET /healthz":                      "no data",
	"GET /static/{name...}":             "static files",
	"GET /login":                        "the form",
	"POST /login":                       "signs in",
	"POST /logout":                      "signs out",
	"GET /{$}":                          "the user's own overview",
	"GET /account":                      "the user's own account",
	"POST /account/password":            "the user's own password",
	"GET /admin/users":                  "the user's own organisation",
	"POST /admin/users/{login}/{verb}":  "the user's own organisation (userOf)",
	"GET /admin/tokens":                 "the user's own organisation",
	"POST /admin/tokens":                "the user's own organisation",
	"POST /admin/tokens/{id}/revoke":    "the user's own organisation",
	"GET /admin/supervisors":            "the regulator's own supervisors",
	"POST /admin/supervisors/{login}":   "the regulator's own supervisors; companies checked against the regulator",
	"GET /work":                         "an operator's workbench: own organisation",
	"GET /work/{id}":                    "own organisation's callbacks only",
	"POST /work/{id}/reveal":            "own organisation's callbacks only",
	"GET /callbacks/{id}":               "own organisation's callbacks only",
	"GET /callbacks/{id}/receipt":       "own organisation's callbacks only",
	"GET /problems":                     "own organisation's cases only",
	"GET /problems/{id}":                "own organisation's cases only",
	"GET /problems/{id}/evidence/{eid}": "own organisation's cases only",
	"POST /problems/{id}/reveal":        "own organisation's cases only",
	"GET /scripts/library":              "the shipped library",
	"GET /scripts/library/{code}":       "the shipped library",
	"GET /agents":                       "an insurer's own agents",
	"GET /agents/{code}":                "an insurer's own agents",
	"GET /misconduct":                   "an insurer's own records",
	"GET /profile":                      "the regulator's own rule profile",
	"POST /profile":                     "the regulator's own rule profile",
	"GET /admin/calendar":               "the calendar, shared",
	"GET /notifications":                "the user's own",
	"POST /notifications/read":          "the user's own",
	"POST /notifications/{id}/read":     "the user's own",
	"GET /admin/outbox":                 "an insurer's own outbox",
	"GET /e/{token}":                    "the customer's link",
	"POST /e/{token}":                   "the customer's link",
	"GET /import":                       "own organisation's imports",
	"GET /import/{id}":                  "own organisation's imports",
	"GET /import/jobs/{id}":             "own organisation's imports",
	"GET /import/jobs/{id}/report.csv":  "own organisation's imports",
	"GET /risks":                        "an insurer's own (not a regulator permission)",
	"GET /disclosure":                   "public: what the regulator published",
	"GET /disclosure/{period}":          "public: what the regulator published",
	"GET /disclosures":                  "the regulator's administrator only (PermDisclose): every company of its own regulator",
	"POST /disclosures/errata":          "the regulator's administrator only (PermDisclose): its own regulator's rows",
	"POST /disclosures/publish":         "the regulator's administrator only (PermDisclose): companies from Overseen",
	"GET /dashboard/data.json":          "tried with ?org= in the matrix (same handler as /dashboard)",
	"GET /qa/{id}":                      "an insurer's own QA evaluation (the service refuses users without a QA permission)",
}

// webRoute matches a route of web.go with its gate.
var webRoute = regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+ [^"]+)", (?:s\.gated\(huifang\.(Perm\w+)|s\.page|s\.\w+)`)

func reachableByRegulator(perm string) bool {
	if perm == "" {
		return true
	}
	for _, r := range []huifang.Role{huifang.RoleSupervisor, huifang.RoleRegAdmin} {
		if huifang.RoleCan(r, huifang.Permission(permValue[perm])) {
			return true
		}
	}
	return false
}

// permValue maps the permission constants' names to their values, read
// from permission.go so that the test follows new permissions.
var permValue = func() map[string]string {
	src, err := os.ReadFile("../permission.go")
	if err != nil {
		panic(err)
	}
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(Perm\w+)\s+Permission = "([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		out[m[1]] = m[2]
	}
	return out
}()

// TestEveryRegulatorRouteClassified: every route of web.go a regulator's
// user may reach is in the matrix below or named as showing no company's
// data.
func TestEveryRegulatorRouteClassified(t *testing.T) {
	src, err := os.ReadFile("web.go")
	if err != nil {
		t.Fatal(err)
	}
	tried := map[string]bool{}
	for _, c := range oversightMatrix(&oversightFixture{}) {
		tried[c.route] = true
	}
	var missing []string
	for _, m := range webRoute.FindAllStringSubmatch(string(src), -1) {
		if !reachableByRegulator(m[2]) || tried[m[1]] {
			continue
		}
		if _, ok := regulatorWebUnscoped[m[1]]; !ok {
			missing = append(missing, m[1])
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("routes a regulator's user reaches that the oversight matrix does not try:\n%s", strings.Join(missing, "\n"))
	}
}

// oversightCase is one route tried as the supervisor who follows A only:
// the path naming company B must be refused (404) or, for a list, must
// not show B (absent); own is the same request for A, which must work,
// so that the case can fail.
type oversightCase struct {
	route       string
	method      string
	pathB, ownA string
	absent      *regexp.Regexp // a list: B's marker must not appear (A's, ownMark, must)
	ownMark     *regexp.Regexp
	form        url.Values // a POST's form (default: a comment)
	adminSkip   bool       // pathB is not there for the administrator either (a file B's item lacks)
	wantB       int        // the refusal's status when not 404 (a form shown again with the reason)
	bodyB       *regexp.Regexp
}

func oversightMatrix(f *oversightFixture) []oversightCase {
	sA, sB := strconv.FormatInt(f.subA, 10), strconv.FormatInt(f.subB, 10)
	scA, scB := strconv.FormatInt(f.scriptA, 10), strconv.FormatInt(f.scriptB, 10)
	nA, nB := strconv.FormatInt(f.noticeA, 10), strconv.FormatInt(f.noticeB, 10)
	all, chB := strconv.FormatInt(f.checkAll, 10), strconv.FormatInt(f.checkB, 10)
	itA, itB := all+"/items/"+strconv.FormatInt(f.itemA, 10), all+"/items/"+strconv.FormatInt(f.itemB, 10)
	q := "&period=2026-03"
	return []oversightCase{
		{route: "GET /dashboard", pathB: "/dashboard?org=B" + q, ownA: "/dashboard?org=A" + q},
		{route: "GET /dashboard", pathB: "/dashboard/data.json?org=B" + q, ownA: "/dashboard/data.json?org=A" + q},
		{route: "GET /dashboard", ownA: "/dashboard?period=2026-03", absent: regexp.MustCompile(`org=B&amp;`), ownMark: regexp.MustCompile(`org=A&amp;`)},
		{route: "GET /callbacks", pathB: "/callbacks?org=B" + q, ownA: "/callbacks?org=A" + q},
		{route: "GET /problems/figure", pathB: "/problems/figure?org=B" + q + "&figure=due", ownA: "/problems/figure?org=A" + q + "&figure=due"},
		{route: "GET /stats", pathB: "/stats?org=B" + q, ownA: "/stats?org=A" + q},
		{route: "GET /stats/download", pathB: "/stats/download?format=csv&org=B" + q, ownA: "/stats/download?format=csv&org=A" + q},
		{route: "GET /stats/template", pathB: "/stats/template?org=B" + q, ownA: "/stats/template?org=A" + q},
		{route: "GET /submissions", ownA: "/submissions", absent: regexp.MustCompile(`/submissions/` + sB + `\b`), ownMark: regexp.MustCompile(`/submissions/` + sA + `\b`)},
		{route: "GET /submissions/{id}", pathB: "/submissions/" + sB, ownA: "/submissions/" + sA},
		{route: "GET /submissions/{id}/download", pathB: "/submissions/" + sB + "/download?format=csv", ownA: "/submissions/" + sA + "/download?format=csv"},
		{route: "POST /submissions/{id}/{verb}", method: http.MethodPost, pathB: "/submissions/" + sB + "/accept"},
		{route: "GET /scripts", ownA: "/scripts", absent: regexp.MustCompile(`/scripts/` + scB + `\b`), ownMark: regexp.MustCompile(`/scripts/` + scA + `\b`)},
		{route: "GET /scripts/{id}", pathB: "/scripts/" + scB, ownA: "/scripts/" + scA},
		{route: "GET /misconduct/search", ownA: "/misconduct/search?q=%E7%8E%8B"},
		{route: "GET /rectifications", ownA: "/rectifications", absent: regexp.MustCompile(`/rectifications/` + nB + `\b`), ownMark: regexp.MustCompile(`/rectifications/` + nA + `\b`)},
		{route: "GET /rectifications/{id}", pathB: "/rectifications/" + nB, ownA: "/rectifications/" + nA},
		{route: "POST /rectifications", method: http.MethodPost, pathB: "/rectifications",
			form: url.Values{"company": {"B"}, "subject": {"整改"}, "body": {"整改要求"}, "due": {"2026-04-30"}}},
		{route: "POST /rectifications/{id}/{verb}", method: http.MethodPost, pathB: "/rectifications/" + nB + "/close"},
		{route: "GET /spotchecks", ownA: "/spotchecks", absent: regexp.MustCompile(`/spotchecks/` + chB + `"`), ownMark: regexp.MustCompile(`/spotchecks/` + all + `"`)},
		{route: "GET /spotchecks/{id}", pathB: "/spotchecks/" + chB, ownA: "/spotchecks/" + all},
		{route: "GET /spotchecks/{id}", ownA: "/spotchecks/" + all, absent: regexp.MustCompile(`/spotchecks/` + itB + `"`), ownMark: regexp.MustCompile(`/spotchecks/` + itA + `"`)},
		{route: "GET /spotchecks/{id}", pathB: "/spotchecks/" + chB + ".csv", ownA: "/spotchecks/" + all + ".csv", absent: regexp.MustCompile(`(?m)^B,`), ownMark: regexp.MustCompile(`(?m)^A,`)},
		{route: "GET /spotchecks/{id}/items/{item}", pathB: "/spotchecks/" + itB, ownA: "/spotchecks/" + itA},
		{route: "GET /spotchecks/{id}/items/{item}/receipt", pathB: "/spotchecks/" + itB + "/receipt", adminSkip: true},
		{route: "GET /spotchecks/{id}/items/{item}/recordings/{rid}", pathB: "/spotchecks/" + itB + "/recordings/1", adminSkip: true},
		{route: "POST /spotchecks", method: http.MethodPost, pathB: "/spotchecks", form: url.Values{"period": {"2026-03"}, "company": {"B"}},
			wantB: http.StatusBadRequest, bodyB: regexp.MustCompile(`机构 &#34;B&#34; 不存在|机构 "B" 不存在`)},
		{route: "POST /spotchecks/{id}/assign", method: http.MethodPost, pathB: "/spotchecks/" + chB + "/assign", form: url.Values{"item": {"1"}, "assignee": {"supa"}}},
		{route: "POST /spotchecks/{id}/items/{item}/reveal", method: http.MethodPost, pathB: "/spotchecks/" + itB + "/reveal"},
		{route: "GET /inspection", ownA: "/inspection", absent: regexp.MustCompile(`<option value="B"`), ownMark: regexp.MustCompile(`<option value="A"`)},
		{route: "GET /inspection/{file}", pathB: "/inspection/B.zip?from=2026-02-01&to=2026-04-30", ownA: "/inspection/A.zip?from=2026-02-01&to=2026-04-30"},
		{route: "POST /spotchecks/{id}/items/{item}/verdict", method: http.MethodPost, pathB: "/spotchecks/" + itB + "/verdict", form: url.Values{"verdict": {"consistent"}}},
	}
}

// TestSupervisorSeesOnlyAssignedCompanies: the supervisor who follows A
// is refused B on every regulator route, and sees A; the regulator's
// administrator sees both.
func TestSupervisorSeesOnlyAssignedCompanies(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := newOversight(t, w)
		supa, radm := f.login(t, "supa"), f.login(t, "radm")
		for _, c := range oversightMatrix(f) {
			if c.pathB != "" {
				var res *http.Response
				var body string
				if c.method == http.MethodPost {
					form := c.form
					if form == nil {
						form = url.Values{"comment": {"x"}}
					}
					res, body = supa.postForm(c.pathB, form)
				} else {
					res, body = supa.get(c.pathB)
				}
				want := http.StatusNotFound
				if c.wantB != 0 {
					want = c.wantB
				}
				if res.StatusCode != want || c.bodyB != nil && !c.bodyB.MatchString(body) {
					t.Errorf("%s %s as the supervisor of A: %d, want %d\n%.300s", c.route, c.pathB, res.StatusCode, want, body)
				}
				if c.method != http.MethodPost && !c.adminSkip {
					if res, _ := radm.get(c.pathB); res.StatusCode != http.StatusOK {
						t.Errorf("%s %s as the regulator's administrator: %d, want 200", c.route, c.pathB, res.StatusCode)
					}
				}
			}
			if c.ownA != "" {
				res, body := supa.get(c.ownA)
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s %s as the supervisor of A: %d, want 200\n%.300s", c.route, c.ownA, res.StatusCode, body)
				}
				if c.absent != nil && c.absent.MatchString(body) {
					t.Errorf("%s %s as the supervisor of A shows B (%s)", c.route, c.ownA, c.absent)
				}
				if c.ownMark != nil && !c.ownMark.MatchString(body) {
					t.Errorf("%s %s as the supervisor of A does not show A (%s)", c.route, c.ownA, c.ownMark)
				}
				if c.absent != nil {
					if _, body := radm.get(c.ownA); !c.absent.MatchString(body) {
						t.Errorf("%s %s: the regulator's administrator does not see B (%s)", c.route, c.ownA, c.absent)
					}
				}
			}
		}
	})
}
