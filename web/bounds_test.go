package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

// TestWebBounds: releasing a callback one does not hold (409) or another
// insurer's (404) is never a success; an operator revealing the number of a
// callback they do not hold is refused and audited, and the page with the
// number of the one they hold says no-store; a role without the right to a
// form gets 403 whatever the form holds.
func TestWebBounds(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1),
		policyLine("P2", "L20", "个险", "李四", "2026-03-02", "13800000002", 2))
	f.loadPolicies(t, "B", policyLine("P9", "L20", "个险", "王五", "2026-03-02", "13800000009", 9))
	held, err := f.svc.Next(ctx, f.op)
	if err != nil {
		t.Fatal(err)
	}
	otherNo := "P2"
	if held.Callback.PolicyNo == "P2" {
		otherNo = "P1"
	}
	other := f.callbackOf(t, f.orgA, otherNo)
	theirs := f.callbackOf(t, f.orgB, "P9")
	work := func(id int64, verb string) string { return fmt.Sprintf("/work/%d/%s", id, verb) }
	clients := map[string]*client{}
	as := func(login string) *client {
		if clients[login] == nil {
			clients[login] = f.login(t, login)
		}
		return clients[login]
	}
	for _, tc := range []struct {
		name, login, path string
		form              url.Values
		want              int
	}{
		{"release a callback not held", "op1", work(other.ID, "release"), nil, http.StatusConflict},
		{"release another insurer's callback", "op1", work(theirs.ID, "release"), nil, http.StatusNotFound},
		{"reveal a callback not held", "op1", work(other.ID, "reveal"), nil, http.StatusForbidden},
		{"reveal another insurer's callback", "op1", work(theirs.ID, "reveal"), nil, http.StatusNotFound},
		{"handler reveals a callback with no case", "h1", work(held.Callback.ID, "reveal"), nil, http.StatusForbidden},
		{"manager reveals", "mgr", work(held.Callback.ID, "reveal"), nil, http.StatusForbidden},
		// Permission before validation: each form is empty or wrong.
		{"manager takes the next callback", "mgr", "/work/next", nil, http.StatusForbidden},
		{"manager records an attempt", "mgr", work(held.Callback.ID, "attempt"), url.Values{"outcome": {"teleported"}}, http.StatusForbidden},
		{"handler opens a case", "h1", "/problems", url.Values{"type": {"nonsense"}}, http.StatusForbidden},
		{"operator acts on a case", "op1", "/problems/1/act", url.Values{"kind": {""}}, http.StatusForbidden},
		{"operator closes a case", "op1", "/problems/1/close", nil, http.StatusForbidden},
		{"handler submits a table", "h1", "/stats/submit", url.Values{"period": {"soon"}}, http.StatusForbidden},
		{"manager accepts a table", "mgr", "/submissions/1/accept", nil, http.StatusForbidden},
		{"operator changes the profile", "op1", "/profile", url.Values{"call_start": {"25:99"}}, http.StatusForbidden},
		{"insurer administrator loads a calendar", "adm", "/admin/calendar/load", nil, http.StatusForbidden},
		{"operator imports", "op1", "/import", nil, http.StatusForbidden},
		{"handler uploads a recording", "h1", fmt.Sprintf("/callbacks/%d/attempts/1/recording", held.Callback.ID), nil, http.StatusForbidden},
		{"supervisor imports a script", "sup", "/scripts", nil, http.StatusForbidden},
		{"manager moves a script", "mgr", "/scripts/1/activate", url.Values{"from": {"someday"}}, http.StatusForbidden},
		{"manager records a letter", "mgr", fmt.Sprintf("/callbacks/%d/letter", held.Callback.ID), nil, http.StatusForbidden},
		{"manager sends an electronic link", "mgr", fmt.Sprintf("/callbacks/%d/electronic", held.Callback.ID), nil, http.StatusForbidden},
	} {
		if tc.form == nil {
			tc.form = url.Values{}
		}
		res, body := as(tc.login).postForm(tc.path, tc.form)
		if res.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d\n%.300s", tc.name, res.StatusCode, tc.want, body)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", tc.name, res.Header.Get("Cache-Control"))
		}
	}
	// Queries are not read before the permission either.
	for _, tc := range []struct{ name, login, path string }{
		{"operator exports in a bad format", "op1", "/export/callbacks?format=doc"},
		{"handler downloads a table of a bad period", "h1", "/stats/download?period=soon"},
		{"operator plays a recording", "op1", "/recordings/x"},
	} {
		if res, _ := as(tc.login).get(tc.path); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d", tc.name, res.StatusCode)
		}
	}
	// The callback held: its number, on a page no cache keeps.
	res, body := as("op1").postForm(work(held.Callback.ID, "reveal"), url.Values{})
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(body, "1380000000") {
		t.Fatalf("reveal of the callback held: %d %v", res.StatusCode, res.Header)
	}
	refused, _ := f.db.ListAudit(ctx, f.orgA.ID, huifang.AuditFilter{Action: "view-pii-refused"})
	shown, _ := f.db.ListAudit(ctx, f.orgA.ID, huifang.AuditFilter{Action: "view-pii"})
	if len(refused) != 3 || len(shown) != 1 || shown[0].Key != held.Callback.PolicyNo {
		t.Fatalf("audit: %d refused, %v shown", len(refused), shown)
	}
	// Releasing the callback held works, once.
	if res, _ := as("op1").postForm(work(held.Callback.ID, "release"), url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("release: %d", res.StatusCode)
	}
	if res, _ := as("op1").postForm(work(held.Callback.ID, "release"), url.Values{}); res.StatusCode != http.StatusConflict {
		t.Fatalf("release again: %d", res.StatusCode)
	}
}
