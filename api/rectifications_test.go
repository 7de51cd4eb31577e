package api_test

import (
	"net/http"
	"testing"

	"github.com/huifang/huifang"
)

// TestRectificationsAPI: the supervisor sends A a notice (field errors for
// a bad one); A's administrator lists and answers it, B cannot see it, an
// operator is refused; the supervisor returns it, A answers again, the
// supervisor closes it; the timeline has every step.
func TestRectificationsAPI(t *testing.T) {
	t.Parallel()
	svc, srv := standardAPI(t)
	token := func(org, login string, role huifang.Role) client {
		t.Helper()
		return userClient(t, svc, srv.URL, org, login, role)
	}
	sup, adm, mgrB, op := token("REG", "sup", huifang.RoleSupervisor), token("A", "adm", ""), token("B", "mgrb", huifang.RoleManager), token("A", "op1", "")

	code, out := sup.do("POST", "/api/v1/rectifications", map[string]any{"org": "A", "subject": "", "body": "b", "due_on": "2026-03"})
	if fields, _ := out["fields"].([]any); code != http.StatusBadRequest || len(fields) != 2 {
		t.Fatalf("bad notice %d %v", code, out)
	}
	if code, _ := adm.do("POST", "/api/v1/rectifications", map[string]any{"org": "A", "subject": "s", "body": "b", "due_on": "2026-03-20"}); code != http.StatusForbidden {
		t.Fatalf("a company sends: %d", code)
	}
	code, out = sup.do("POST", "/api/v1/rectifications", map[string]any{"org": "A", "subject": "问题件超期", "body": "限期办结超期问题件", "due_on": "2026-03-20"})
	if code != http.StatusCreated || out["status"] != "open" || out["org"] != "A" || out["overdue"] != false {
		t.Fatalf("send %d %v", code, out)
	}
	id := itoa(int64(out["id"].(float64)))
	code, out = adm.do("GET", "/api/v1/rectifications", nil)
	if list, _ := out["rectifications"].([]any); code != http.StatusOK || len(list) != 1 {
		t.Fatalf("A's list %d %v", code, out)
	}
	if code, _ := mgrB.do("GET", "/api/v1/rectifications/"+id, nil); code != http.StatusNotFound {
		t.Fatalf("B reads A's notice: %d", code)
	}
	if code, _ := op.do("GET", "/api/v1/rectifications", nil); code != http.StatusForbidden {
		t.Fatalf("an operator lists: %d", code)
	}
	if code, _ := adm.do("POST", "/api/v1/rectifications/"+id+"/withdraw", map[string]any{}); code != http.StatusNotFound {
		t.Fatalf("an unknown verb: %d", code)
	}
	if code, out := adm.do("POST", "/api/v1/rectifications/"+id+"/answer", map[string]any{}); code != http.StatusBadRequest || out["key"] != "err.rectification.answer_required" {
		t.Fatalf("empty answer %d %v", code, out)
	}
	for _, step := range []struct {
		c          client
		verb, text string
		status     string
	}{{adm, "answer", "已办结", "answered"}, {sup, "return", "请附清单", "open"}, {adm, "answer", "清单已补", "answered"}, {sup, "close", "", "closed"}} {
		body := map[string]any{"answer": step.text, "comment": step.text}
		if code, out := step.c.do("POST", "/api/v1/rectifications/"+id+"/"+step.verb, body); code != http.StatusOK || out["status"] != step.status {
			t.Fatalf("%s: %d %v", step.verb, code, out)
		}
	}
	if code, out := sup.do("POST", "/api/v1/rectifications/"+id+"/close", map[string]any{}); code != http.StatusConflict || out["key"] != "err.rectification.wrong_state" {
		t.Fatalf("closed twice %d %v", code, out)
	}
	code, out = sup.do("GET", "/api/v1/rectifications/"+id, nil)
	if evs, _ := out["events"].([]any); code != http.StatusOK || len(evs) != 5 || out["returns"] != float64(1) {
		t.Fatalf("timeline %d %v", code, out)
	}
}
