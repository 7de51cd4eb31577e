package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// boundsWorld is apiWorld with insurer A's branch tree (86 → 8601 → 860101 →
// 86010101, and 86 → 8602), n whole-life policies P000… of A (P000 at 8601's
// sales unit, the next at 8602, and so on), and tokens besides apiWorld's for
// a-mgr, a-qa, a-hdl (handler at 8601), b-admin and b-qa.
func boundsWorld(t *testing.T, w *testworld.World, n int) (*app.Service, string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	svc, srv, tokens := apiWorld(t, w, nil)
	cli := app.CLI()
	addUsers := func(us ...app.UserInput) {
		for _, u := range us {
			u.Password = "secret-password"
			if _, err := svc.CreateUser(ctx, cli, u); err != nil {
				t.Fatal(err)
			}
			tok, err := svc.CreateToken(ctx, cli, app.TokenInput{OrgCode: u.OrgCode, Login: u.Login})
			if err != nil {
				t.Fatal(err)
			}
			tokens[u.Login] = tok
		}
	}
	addUsers(app.UserInput{OrgCode: "A", Login: "a-mgr", Role: huifang.RoleManager}, app.UserInput{OrgCode: "A", Login: "a-qa", Role: huifang.RoleQA},
		app.UserInput{OrgCode: "B", Login: "b-admin", Role: huifang.RoleInsurerAdmin}, app.UserInput{OrgCode: "B", Login: "b-qa", Role: huifang.RoleQA})
	for _, org := range []string{"a-admin", "b-admin"} {
		admin := client{t, srv.URL, tokens[org]}
		rows := []map[string]string{}
		for i := 0; i < n; i++ {
			r := policyRow(fmt.Sprintf("P%03d", i), "L20", "2026-03-02", importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), i+1))
			r["投保人手机号"] = fmt.Sprintf("1380000%04d", i)
			if i%2 == 1 {
				r["机构代码"] = "86020101"
			}
			rows = append(rows, r)
		}
		for _, b := range []struct {
			kind string
			rows []map[string]string
		}{
			{"branches", []map[string]string{{"code": "86", "name": "总公司", "parent_code": ""}, {"code": "8601", "name": "甲省分", "parent_code": "86"},
				{"code": "860101", "name": "市分", "parent_code": "8601"}, {"code": "86010101", "name": "营业部", "parent_code": "860101"},
				{"code": "8602", "name": "乙省分", "parent_code": "86"}, {"code": "860201", "name": "市分", "parent_code": "8602"}, {"code": "86020101", "name": "营业部", "parent_code": "860201"}}},
			{"products", []map[string]string{{"产品代码": "L20", "产品名称": "终身寿", "设计类型": "传统", "保险期间": "终身", "犹豫期天数": "15"}}},
			{"agents", []map[string]string{{"业务员代码": "A001", "姓名": "李明", "手机号": "13900000001", "机构代码": "86010101"}}},
			{"policies", rows},
		} {
			if code, body := admin.do("POST", "/api/v1/import/"+b.kind, map[string]any{"rows": b.rows}); code != 200 {
				t.Fatalf("import %s: %d %v", b.kind, code, body)
			}
		}
	}
	addUsers(app.UserInput{OrgCode: "A", Login: "a-hdl", Role: huifang.RoleHandler, BranchCode: "8601"})
	return svc, srv.URL, tokens
}

// call sends a request with a raw body and returns the status and headers.
func call(t *testing.T, url, token, method, path string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

// TestRevealBounds: a branch handler trying to reveal 200 phone numbers
// across the insurer sees those of cases in their subtree only, and at most
// the hourly limit of them; an operator sees the number of the callback
// they hold, no other; every reveal and refusal is audited and no answer
// may be cached.
func TestRevealBounds(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		db := w.DB
		ctx := context.Background()
		const n = 200
		svc, url, tokens := boundsWorld(t, w, n)
		a, _ := db.FindOrgByCode(ctx, "A")
		// Every policy has an unfinished problem case: held in 8601's subtree
		// for the even ones (8601 itself or a branch below), in 8602 for the odd.
		for i := 0; i < n; i++ {
			holder := []string{"8601", "860101", "86010101"}[i/2%3]
			if i%2 == 1 {
				holder = "8602"
			}
			c := &huifang.ProblemCase{OrgID: a.ID, PolicyNo: fmt.Sprintf("P%03d", i), Type: huifang.ProblemComplaint, Status: huifang.ProblemInProgress,
				BranchCode: "86010101", Channel: huifang.ChannelAgency, OpenedAt: svc.Clock.Now(), OpenedOn: huifang.NewDate(2026, 3, 5),
				DueOn: huifang.NewDate(2026, 3, 19), HolderBranch: holder}
			if err := db.OpenProblemCase(ctx, c, "test"); err != nil {
				t.Fatal(err)
			}
		}
		statuses := map[int]int{}
		revealed := 0
		for i := 0; i < n; i++ {
			code, h, body := call(t, url, tokens["a-hdl"], "POST", fmt.Sprintf("/api/v1/policies/P%03d/reveal-phone", i), nil)
			statuses[code]++
			if h.Get("Cache-Control") != "no-store" {
				t.Fatalf("P%03d: %d without no-store: %v", i, code, h)
			}
			switch {
			case i%2 == 1 && code != http.StatusForbidden:
				t.Fatalf("P%03d outside the subtree: %d %s", i, code, body)
			case i%2 == 0 && revealed < app.DefaultRevealsPerHour:
				if code != http.StatusOK || !bytes.Contains(body, []byte(fmt.Sprintf("1380000%04d", i))) {
					t.Fatalf("P%03d in the subtree: %d %s", i, code, body)
				}
				revealed++
			case i%2 == 0 && code != http.StatusTooManyRequests:
				t.Fatalf("P%03d beyond the limit: %d %s", i, code, body)
			}
		}
		if statuses[200] != app.DefaultRevealsPerHour || statuses[403] != n/2 || statuses[429] != n/2-app.DefaultRevealsPerHour {
			t.Fatalf("statuses %v", statuses)
		}
		if got, _ := db.ListAudit(ctx, a.ID, huifang.AuditFilter{Action: "view-pii", Limit: 1000}); len(got) != app.DefaultRevealsPerHour {
			t.Fatalf("reveals audited: %d", len(got))
		}
		if got, _ := db.ListAudit(ctx, a.ID, huifang.AuditFilter{Action: "view-pii-refused", Limit: 1000}); len(got) != n-app.DefaultRevealsPerHour {
			t.Fatalf("refusals audited: %d", len(got))
		}
		// An hour later the handler may reveal again: the count is of the last hour.
		later := svc.WithClock(fixedClock{svc.Clock.Now().Add(61 * time.Minute)})
		hdl, _ := svc.Authenticate(ctx, tokens["a-hdl"], huifang.SessionAPI)
		if phone, err := later.RevealPhone(ctx, hdl, "P198"); err != nil || phone != "13800000198" {
			t.Fatalf("an hour later: %q %v", phone, err)
		}

		// The operator holds one callback and sees its number only.
		code, h, body := call(t, url, tokens["a-op"], "POST", "/api/v1/callbacks/next", nil)
		if code != 200 || h.Get("Cache-Control") != "no-store" {
			t.Fatalf("next: %d %s", code, body)
		}
		held, err := db.HeldCallback(ctx, a.ID, mustUser(t, svc, tokens["a-op"]).ID, svc.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		other := "P000"
		if held.PolicyNo == other {
			other = "P002"
		}
		for _, tc := range []struct {
			name, token, policy string
			want                int
		}{
			{"operator, the callback held", "a-op", held.PolicyNo, 200},
			{"operator, a callback not held", "a-op", other, 403},
			{"operator of another insurer", "b-op", held.PolicyNo, 403},
			{"manager", "a-mgr", held.PolicyNo, 403},
			{"QA", "a-qa", held.PolicyNo, 403},
			{"insurer administrator", "a-admin", held.PolicyNo, 403},
			{"no such policy", "a-op", "NOPE", 404},
		} {
			code, h, body := call(t, url, tokens[tc.token], "POST", "/api/v1/policies/"+tc.policy+"/reveal-phone", nil)
			if code != tc.want || h.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: %d %s (cache %q), want %d", tc.name, code, body, h.Get("Cache-Control"), tc.want)
			}
		}
	})
}

func mustUser(t *testing.T, svc *app.Service, token string) *huifang.User {
	t.Helper()
	u, err := svc.Authenticate(context.Background(), token, huifang.SessionAPI)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestStatusCodes: releasing a callback one does not hold, or another
// insurer's, is refused (409, 404), never 204; listing another insurer's
// recordings is 404; a role without the right to a route gets 403 whatever
// its body, before anything reads it.
func TestStatusCodes(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		ctx := context.Background()
		svc, url, tokens := boundsWorld(t, w, 4)
		blobs, err := blob.NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		svc.Blobs = blobs
		op := mustUser(t, svc, tokens["a-op"])
		held, err := svc.Next(ctx, op)
		if err != nil {
			t.Fatal(err)
		}
		heldID := held.Callback.ID
		rows, _, err := svc.ListCallbacks(ctx, mustUser(t, svc, tokens["b-op"]), huifang.CallbackFilter{})
		if err != nil || len(rows) == 0 {
			t.Fatalf("B's callbacks: %v %v", rows, err)
		}
		theirs := rows[0].ID
		var notHeld int64
		mine, _, _ := svc.ListCallbacks(ctx, op, huifang.CallbackFilter{})
		for _, r := range mine {
			if r.ID != heldID {
				notHeld = r.ID
			}
		}
		id := func(n int64) string { return fmt.Sprint(n) }
		for _, tc := range []struct {
			name, token, method, path string
			body                      string
			want                      int
		}{
			{"release a callback not held", "a-op", "POST", "/api/v1/callbacks/" + id(notHeld) + "/release", "", 409},
			{"release another insurer's callback", "a-op", "POST", "/api/v1/callbacks/" + id(theirs) + "/release", "", 404},
			{"release an unknown callback", "a-op", "POST", "/api/v1/callbacks/999999/release", "", 404},
			{"release the callback held", "a-op", "POST", "/api/v1/callbacks/" + id(heldID) + "/release", "", 204},
			{"release it again", "a-op", "POST", "/api/v1/callbacks/" + id(heldID) + "/release", "", 409},
			{"list another insurer's recordings", "a-qa", "GET", "/api/v1/callbacks/" + id(theirs) + "/recordings", "", 404},
			{"list another insurer's recordings, pushing role", "a-admin", "GET", "/api/v1/callbacks/" + id(theirs) + "/recordings", "", 404},
			{"list one's own recordings", "a-qa", "GET", "/api/v1/callbacks/" + id(heldID) + "/recordings", "", 200},
			// Permission before validation: each body is malformed.
			{"QA imports", "a-qa", "POST", "/api/v1/import/policies", "{not json", 403},
			{"QA imports an unknown kind", "a-qa", "POST", "/api/v1/import/planets", "{", 403},
			{"QA opens a case", "a-qa", "POST", "/api/v1/problem-cases", "{", 403},
			{"operator transfers a case", "a-op", "POST", "/api/v1/problem-cases/1/transfer", "{", 403},
			{"QA acts on a case", "a-qa", "POST", "/api/v1/problem-cases/1/actions", `{"kind": 7}`, 403},
			{"QA finishes a callback", "a-qa", "POST", "/api/v1/callbacks/" + id(heldID) + "/finish", "{", 403},
			{"manager records an attempt", "a-mgr", "POST", "/api/v1/callbacks/" + id(heldID) + "/attempts", "[]", 403},
			{"QA records a letter", "a-qa", "POST", "/api/v1/callbacks/" + id(heldID) + "/letter", "garbage", 403},
			{"operator exports in a bad format", "a-op", "GET", "/api/v1/export/callbacks?format=doc", "", 403},
			{"handler submits a table", "a-hdl", "POST", "/api/v1/submissions", "{", 403},
			{"manager reviews a table", "a-mgr", "POST", "/api/v1/submissions/1/accept", "{", 403},
			{"operator changes the profile", "a-op", "POST", "/api/v1/profile", "{", 403},
			{"insurer administrator loads a calendar", "a-admin", "POST", "/api/v1/calendar", "{", 403},
			{"operator moves a script", "a-op", "POST", "/api/v1/scripts/1/activate?from=someday", "", 403},
			{"QA pushes a recording", "a-qa", "POST", "/api/v1/callbacks/" + id(heldID) + "/recordings?attempt_id=x", "MZ", 403},
			{"QA reveals", "a-qa", "POST", "/api/v1/policies/P000/reveal-phone", "", 403},
		} {
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			code, _, got := call(t, url, tokens[tc.token], tc.method, tc.path, body)
			if code != tc.want {
				t.Errorf("%s: %d %s, want %d", tc.name, code, got, tc.want)
			}
		}
	})
}
