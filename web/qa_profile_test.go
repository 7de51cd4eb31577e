package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

// TestProfileQARate: the profile page shows and sets the QA draw's rate and
// minimum per operator; a bad rate is refused beside its field.
func TestProfileQARate(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	sup := f.login(t, "sup")
	_, body := sup.get("/profile")
	for _, want := range []string{`id="profile-qa-rate" value="2"`, `id="profile-qa-min" value="1"`, "每名回访员每周通话的 2%，不少于 1 件"} {
		if !strings.Contains(body, want) {
			t.Fatalf("defaults: no %q in\n%s", want, body)
		}
	}
	form := profileFormValues(t, body)
	form.Set("from", "2026-04-01")
	form.Set("qa_rate", "abc")
	res, body := sup.postForm("/profile", form)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="error-qa-rate"`) {
		t.Fatalf("bad rate: %d\n%s", res.StatusCode, body)
	}
	form.Set("qa_rate", "5")
	form.Set("qa_min", "2")
	if res, body := sup.postForm("/profile", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, body)
	}
	v, err := f.svc.ProfileFor(ctx, f.orgA.ID, huifang.NewDate(2026, 4, 1))
	if err != nil {
		t.Fatal(err)
	}
	if v.Rules.QARate() != 500 || v.Rules.QAMinimum() != 2 {
		t.Fatalf("saved %+v", v.Rules)
	}
}
