package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/testworld"
)

// TestRectificationPages: the supervisor's list and send form (a bad form
// comes back with its errors and what was entered); the company's list and
// answer (an empty answer refused beside the field); the company cannot
// close, another company cannot see, an operator is refused; the nav shows
// the page to both sides only; the English page has no Chinese words of ours.
func TestRectificationPages(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := setup(t, w)
		f.user(t, "REG", "sup", huifang.RoleSupervisor)
		f.user(t, "B", "mgrb", huifang.RoleManager)
		sup := f.login(t, "sup")

		res, body := sup.get("/rectifications")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="nav-rectifications"`) || !strings.Contains(body, `id="send-form"`) ||
			!strings.Contains(body, `<option value="A"`) || !strings.Contains(body, `id="rectification-empty"`) {
			t.Fatalf("supervisor's list: %d %s", res.StatusCode, body)
		}
		res, body = sup.postForm("/rectifications", url.Values{"company": {"A"}, "subject": {"<b>材料</b>"}, "body": {""}, "due": {"2026-03-20"}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="send-body-error"`) || !strings.Contains(body, "&lt;b&gt;材料&lt;/b&gt;") {
			t.Fatalf("bad form: %d %s", res.StatusCode, body)
		}
		res, _ = sup.postForm("/rectifications", url.Values{"company": {"A"}, "subject": {"问题件超期"}, "body": {"限期办结"}, "due": {"2026-03-20"}})
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d", res.StatusCode)
		}
		list, err := f.svc.Rectifications(ctx, f.admin, app.RectificationQuery{})
		if err != nil || len(list) != 1 {
			t.Fatalf("sent %+v %v", list, err)
		}
		id := strconv.FormatInt(list[0].ID, 10)

		adm := f.login(t, "adm")
		res, body = adm.get("/rectifications")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="rectification-`+id+`"`) || strings.Contains(body, `id="send-form"`) {
			t.Fatalf("company's list: %d %s", res.StatusCode, body)
		}
		res, body = adm.postForm("/rectifications/"+id+"/answer", url.Values{"answer": {" "}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="answer-text-error"`) {
			t.Fatalf("empty answer: %d %s", res.StatusCode, body)
		}
		if res, _ := adm.postForm("/rectifications/"+id+"/answer", url.Values{"answer": {"已办结"}}); res.StatusCode != http.StatusOK && res.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer: %d", res.StatusCode)
		}
		if res, _ := adm.postForm("/rectifications/"+id+"/close", url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("the company closes: %d", res.StatusCode)
		}
		if res, _ := adm.postForm("/rectifications/"+id+"/withdraw", url.Values{}); res.StatusCode != http.StatusNotFound {
			t.Fatalf("an unknown verb: %d", res.StatusCode)
		}
		mgrb := f.login(t, "mgrb")
		if res, _ := mgrb.get("/rectifications/" + id); res.StatusCode != http.StatusNotFound {
			t.Fatalf("B reads A's notice: %d", res.StatusCode)
		}
		if res, _ := mgrb.postForm("/rectifications/"+id+"/answer", url.Values{"answer": {"x"}}); res.StatusCode != http.StatusNotFound {
			t.Fatalf("B answers A's notice: %d", res.StatusCode)
		}
		op := f.login(t, "op1")
		if res, body := op.get("/rectifications"); res.StatusCode != http.StatusForbidden || strings.Contains(body, `id="nav-rectifications"`) {
			t.Fatalf("an operator: %d", res.StatusCode)
		}
		if res, _ := op.postForm("/rectifications", url.Values{"company": {"A"}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("an operator sends: %d", res.StatusCode)
		}
		res, body = sup.get("/rectifications/" + id + "?lang=en")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="decide-form"`) || !strings.Contains(body, "Review the answer") {
			t.Fatalf("supervisor's page in English: %d %s", res.StatusCode, body)
		}
		for _, zh := range []string{"整改", "答复期限", "退回"} {
			if strings.Contains(body, zh) {
				t.Fatalf("English page has %q", zh)
			}
		}
	})
}
