package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/api"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/script"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/testworld"
)

// regulatorAPIUnscoped names the /api/v1 routes a regulator's user can
// reach that show no company's data; every other such route is tried in
// apiOversightMatrix (TestEveryRegulatorAPIRouteClassified).
var regulatorAPIUnscoped = map[string]string{
	"GET /api/v1/qa/{id}":                       "an insurer's own QA evaluation (the service refuses users without a QA permission)",
	"GET /api/v1/me":                            "the caller",
	"GET /api/v1/callbacks":                     "own organisation's callbacks only",
	"GET /api/v1/callbacks/{id}":                "own organisation's callbacks only",
	"POST /api/v1/policies/{no}/reveal-phone":   "own organisation's policies only",
	"GET /api/v1/problem-cases":                 "own organisation's cases only",
	"GET /api/v1/problem-cases/{id}":            "own organisation's cases only",
	"GET /api/v1/evidence/{id}":                 "own organisation's cases only",
	"GET /api/v1/profile":                       "the regulator's own rule profile",
	"POST /api/v1/profile":                      "the regulator's own rule profile",
	"GET /api/v1/calendar/{year}":               "the calendar, shared",
	"GET /api/v1/notifications":                 "the caller's own",
	"POST /api/v1/notifications/read":           "the caller's own",
	"POST /api/v1/notifications/{id}/read":      "the caller's own",
	"GET /api/v1/callbacks/{id}/recordings":     "own organisation's callbacks only",
	"GET /api/v1/callbacks/{id}/receipt":        "own organisation's callbacks only",
	"GET /api/v1/agents":                        "an insurer's own agents",
	"GET /api/v1/agents/{code}":                 "an insurer's own agents",
	"GET /api/v1/misconduct":                    "an insurer's own records",
	"GET /api/v1/misconduct/{id}":               "an insurer's own records",
	"GET /api/v1/disclosures/{period}/preview":  "the regulator's administrator only (PermDisclose): companies from Overseen",
	"POST /api/v1/disclosures":                  "the regulator's administrator only (PermDisclose): companies from Overseen",
	"POST /api/v1/disclosures/{period}/errata":  "the regulator's administrator only (PermDisclose): its own regulator's rows",
	"GET /api/v1/supervisors":                   "the regulator's own supervisors",
	"PUT /api/v1/supervisors/{login}/companies": "the regulator's own supervisors; companies checked against the regulator",
}

var apiRoute = regexp.MustCompile(`a\.route\("([A-Z]+ [^"]+)", (?:huifang\.(Perm\w+)|anyone)`)

// permValues maps the permission constants' names to their values.
func permValues(t *testing.T) map[string]string {
	src, err := os.ReadFile("../permission.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(Perm\w+)\s+Permission = "([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestEveryRegulatorAPIRouteClassified: every /api/v1 route a regulator's
// user may call is tried in the matrix or named as showing no company's
// data.
func TestEveryRegulatorAPIRouteClassified(t *testing.T) {
	perms := permValues(t)
	tried := map[string]bool{}
	for _, c := range apiOversightMatrix(map[string]string{}) {
		tried[c.route] = true
	}
	files, _ := os.ReadDir(".")
	var missing []string
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range apiRoute.FindAllStringSubmatch(string(src), -1) {
			reach := m[2] == ""
			for _, r := range []huifang.Role{huifang.RoleSupervisor, huifang.RoleRegAdmin} {
				reach = reach || (m[2] != "" && huifang.RoleCan(r, huifang.Permission(perms[m[2]])))
			}
			if !reach || tried[m[1]] {
				continue
			}
			if _, ok := regulatorAPIUnscoped[m[1]]; !ok {
				missing = append(missing, m[1])
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("API routes a regulator's user reaches that the oversight matrix does not try:\n%s", strings.Join(missing, "\n"))
	}
}

// apiCase is one API route tried by the supervisor who follows A only:
// pathB must answer 404, or (a list, absent set) not mention B, while
// ownA works.
type apiCase struct {
	route       string
	method      string
	pathB, ownA string
	absent      *regexp.Regexp
	body        map[string]any // a POST's body (default: a comment)
}

// apiOversightMatrix takes the ids of the things made at A and at B, by
// name: "sub"+login, "script"+login, "notice"+company.
func apiOversightMatrix(ids map[string]string) []apiCase {
	subA, subB, scB := ids["subadm"], ids["subb-admin"], ids["scriptb-admin"]
	all, chB, itA, itB := ids["checkAll"], ids["checkB"], ids["itemA"], ids["itemB"]
	nA, nB := ids["noticeA"], ids["noticeB"]
	return []apiCase{
		{route: "GET /api/v1/stats", pathB: "/api/v1/stats?org=B&period=2026-03", ownA: "/api/v1/stats?org=A&period=2026-03"},
		{route: "GET /api/v1/submissions", pathB: "/api/v1/submissions?org=B", ownA: "/api/v1/submissions?org=A"},
		{route: "GET /api/v1/submissions", ownA: "/api/v1/submissions", absent: regexp.MustCompile(`"org":"B"`)},
		{route: "GET /api/v1/submissions/{id}", pathB: "/api/v1/submissions/" + subB, ownA: "/api/v1/submissions/" + subA},
		{route: "POST /api/v1/submissions/{id}/{verb}", method: http.MethodPost, pathB: "/api/v1/submissions/" + subB + "/accept"},
		{route: "GET /api/v1/submissions/status", ownA: "/api/v1/submissions/status?periods=2026-03", absent: regexp.MustCompile(`"org":"B"`)},
		{route: "GET /api/v1/scripts", ownA: "/api/v1/scripts", absent: regexp.MustCompile(`"id":` + scB + `\b`)},
		{route: "GET /api/v1/misconduct/search", ownA: "/api/v1/misconduct/search?name=%E7%8E%8B", absent: regexp.MustCompile(`"org":"B"`)},
		{route: "GET /api/v1/companies", ownA: "/api/v1/companies", absent: regexp.MustCompile(`"code":"B"`)},
		{route: "GET /api/v1/rectifications", ownA: "/api/v1/rectifications", absent: regexp.MustCompile(`"id":` + nB + `\b`)},
		{route: "GET /api/v1/rectifications/{id}", pathB: "/api/v1/rectifications/" + nB, ownA: "/api/v1/rectifications/" + nA},
		{route: "POST /api/v1/rectifications", method: http.MethodPost, pathB: "/api/v1/rectifications",
			body: map[string]any{"org": "B", "subject": "整改", "body": "整改要求", "due_on": "2026-04-30"}},
		{route: "POST /api/v1/rectifications/{id}/{verb}", method: http.MethodPost, pathB: "/api/v1/rectifications/" + nB + "/close"},
		{route: "GET /api/v1/inspection/{file}", pathB: "/api/v1/inspection/B.zip?from=2026-02-01&to=2026-04-30", ownA: "/api/v1/inspection/A.zip?from=2026-02-01&to=2026-04-30"},
		{route: "GET /api/v1/spotchecks", ownA: "/api/v1/spotchecks", absent: regexp.MustCompile(`"id":` + chB + `\b`)},
		{route: "GET /api/v1/spotchecks/{id}", pathB: "/api/v1/spotchecks/" + chB, ownA: "/api/v1/spotchecks/" + all},
		{route: "GET /api/v1/spotchecks/{id}", ownA: "/api/v1/spotchecks/" + all, absent: regexp.MustCompile(`"org":"B"`)},
		{route: "GET /api/v1/spotchecks/{id}/export", pathB: "/api/v1/spotchecks/" + chB + "/export", ownA: "/api/v1/spotchecks/" + all + "/export"},
		{route: "GET /api/v1/spotchecks/{id}/items/{item}", pathB: "/api/v1/spotchecks/" + all + "/items/" + itB, ownA: "/api/v1/spotchecks/" + all + "/items/" + itA},
		{route: "POST /api/v1/spotchecks", method: http.MethodPost, pathB: "/api/v1/spotchecks", body: map[string]any{"period": "2026-03", "companies": []string{"B"}}},
		{route: "POST /api/v1/spotchecks/{id}/assign", method: http.MethodPost, pathB: "/api/v1/spotchecks/" + chB + "/assign", body: map[string]any{"items": []int{1}, "assignee": "supa"}},
		{route: "POST /api/v1/spotchecks/{id}/items/{item}/verdict", method: http.MethodPost, pathB: "/api/v1/spotchecks/" + all + "/items/" + itB + "/verdict",
			body: map[string]any{"verdict": "consistent"}},
	}
}

// TestSupervisorAPISeesOnlyAssignedCompanies is the web matrix's twin for
// /api/v1.
func TestSupervisorAPISeesOnlyAssignedCompanies(t *testing.T) {
	t.Parallel()
	testworld.Each(t, testworld.Standard, func(t *testing.T, w *testworld.World) {
		svc := w.Svc
		svc.Clock = fixedClock{time.Date(2026, 4, 3, 10, 0, 0, 0, huifang.Shanghai)}
		srv := httptest.NewServer(api.New(svc, slog.New(slog.DiscardHandler)))
		t.Cleanup(srv.Close)
		ctx, cli := context.Background(), app.CLI()
		importPolicies(t, svc, "A", "PA1", "PA2", "PA3")
		importPolicies(t, svc, "B", "PB1", "PB2", "PB3")
		tokens := map[string]client{"adm": userClient(t, svc, srv.URL, "A", "adm", ""),
			"b-admin": userClient(t, svc, srv.URL, "B", "b-admin", huifang.RoleInsurerAdmin),
			"radm":    userClient(t, svc, srv.URL, "REG", "radm", huifang.RoleRegAdmin)}
		if _, err := svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "REG", Login: "supa", Role: huifang.RoleSupervisor, Companies: []string{"A"}, Password: "secret-password"}); err != nil {
			t.Fatal(err)
		}
		tokens["supa"] = userClient(t, svc, srv.URL, "REG", "supa", "")
		var sb bytes.Buffer
		if err := script.Lookup("life-traditional-agency").Format(&sb); err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{}
		for _, login := range []string{"adm", "b-admin"} {
			code, out := tokens[login].do("POST", "/api/v1/submissions", map[string]any{"period": "2026-03"})
			if code != http.StatusCreated {
				t.Fatalf("submit as %s: %d %v", login, code, out)
			}
			ids["sub"+login] = itoa(int64(out["id"].(float64)))
			u, err := w.DB.FindUserByLogin(ctx, login)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := svc.ImportScript(ctx, u, sb.String(), "")
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.FileScript(ctx, u, rec.ID); err != nil {
				t.Fatal(err)
			}
			ids["script"+login] = itoa(rec.ID)
		}
		radmUser, err := w.DB.FindUserByLogin(ctx, "radm")
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"A", "B"} {
			n, err := svc.SendRectification(ctx, radmUser, app.RectificationInput{OrgCode: code, Subject: "回访整改", Body: "按期整改", Due: "2026-04-30"})
			if err != nil {
				t.Fatal(err)
			}
			ids["notice"+code] = itoa(n.ID)
		}
		// Spot checks: one over both companies, one of B only.
		for name, cos := range map[string][]string{"checkAll": nil, "checkB": {"B"}} {
			sc, err := svc.DrawSpotCheck(ctx, radmUser, app.DrawInput{Period: "2026-03", Companies: cos, Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			ids[name] = itoa(sc.ID)
			if name == "checkAll" {
				for _, co := range []string{"A", "B"} {
					v, err := svc.SpotCheck(ctx, radmUser, sc.ID, app.ItemQuery{Company: co})
					if err != nil || len(v.Items) == 0 {
						t.Fatalf("items of %s: %+v %v", co, v, err)
					}
					ids["item"+co] = itoa(v.Items[0].ID)
				}
			}
		}
		supa, radm := tokens["supa"], tokens["radm"]
		raw := func(c client, path string) (int, string) {
			code, out := c.do("GET", path, nil)
			b, _ := jsonOf(out)
			return code, b
		}
		for _, c := range apiOversightMatrix(ids) {
			if c.pathB != "" {
				method := c.method
				if method == "" {
					method = "GET"
				}
				var body any
				if method == "POST" {
					body = map[string]any{"comment": "x"}
					if c.body != nil {
						body = c.body
					}
				}
				if code, out := supa.do(method, c.pathB, body); code != http.StatusNotFound {
					t.Errorf("%s %s as the supervisor of A: %d %v, want 404", c.route, c.pathB, code, out)
				}
				if method == "GET" {
					if code, out := radm.do("GET", c.pathB, nil); code != http.StatusOK {
						t.Errorf("%s %s as the regulator's administrator: %d %v", c.route, c.pathB, code, out)
					}
				}
			}
			if c.ownA != "" {
				code, body := raw(supa, c.ownA)
				if code != http.StatusOK {
					t.Errorf("%s %s as the supervisor of A: %d %s", c.route, c.ownA, code, body)
				}
				if c.absent != nil && c.absent.MatchString(body) {
					t.Errorf("%s %s as the supervisor of A shows B: %s", c.route, c.ownA, body)
				}
			}
		}
		// The lists do show B to the regulator's administrator, so the
		// absent checks can fail.
		for _, path := range []string{"/api/v1/submissions", "/api/v1/companies"} {
			if _, body := raw(radm, path); !strings.Contains(body, `"B"`) {
				t.Errorf("%s as the regulator's administrator lacks B: %s", path, body)
			}
		}
	})
}

// userClient makes a user (unless role is "": the world has them) and a
// client with a token of theirs; a supervisor follows A and B.
func userClient(t *testing.T, svc *app.Service, url, org, login string, role huifang.Role) client {
	t.Helper()
	ctx := context.Background()
	if role != "" {
		in := app.UserInput{OrgCode: org, Login: login, Role: role, Password: "secret-password"}
		if role == huifang.RoleSupervisor && org == "REG" {
			in.Companies = []string{"A", "B"}
		}
		if _, err := svc.CreateUser(ctx, app.CLI(), in); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := svc.CreateToken(ctx, app.CLI(), app.TokenInput{OrgCode: org, Login: login})
	if err != nil {
		t.Fatal(err)
	}
	return client{t, url, tok}
}

// standardAPI serves the API over a copy of the standard world on SQLite,
// its clock on 5 March 2026.
func standardAPI(t *testing.T) (*app.Service, *httptest.Server) {
	t.Helper()
	w := testworld.New(t, store.SQLite, testworld.Standard)
	svc := w.Svc
	svc.Clock = fixedClock{time.Date(2026, 3, 5, 10, 0, 0, 0, huifang.Shanghai)}
	srv := httptest.NewServer(api.New(svc, slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	return svc, srv
}

// importPolicies imports individual-agency policies received on 2 March
// 2026 (their callbacks due in March) into a company of the standard world.
func importPolicies(t *testing.T, svc *app.Service, org string, nos ...string) {
	t.Helper()
	var body strings.Builder
	body.WriteString(testworld.PolicyHead)
	for i, no := range nos {
		id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), i+1)
		body.WriteString(no + ",L20,个险,86010101,A001,,张三," + id + ",1980-05-06,138000000" + fmt.Sprintf("%02d", i+1) + ",张三,2026-02-20,2026-02-25,2026-03-02,10000.00,年交,10,\n")
	}
	file := filepath.Join(t.TempDir(), org+"-p.csv")
	if err := os.WriteFile(file, []byte(body.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportFile(context.Background(), app.CLI(), org, importer.KindPolicies, file, "p.csv", nil); err != nil {
		t.Fatal(err)
	}
}

// jsonOf is an answer as compact JSON, to look for a marker in it.
func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
