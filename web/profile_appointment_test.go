package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

// TestProfileAppointmentHold: the rules page shows the appointment hold
// (30 minutes by default), refuses a hold beyond a day beside its field, and
// saves a new one into the next version of the profile.
func TestProfileAppointmentHold(t *testing.T) {
	t.Parallel()
	f := setupCases(t, casesWorld(t))
	sup := f.login(t, "sup")
	_, body := sup.get("/profile")
	for _, want := range []string{`id="profile-appointment-hold" value="30"`, "保留 30 分钟"} {
		if !strings.Contains(body, want) {
			t.Fatalf("defaults: no %q in\n%s", want, body)
		}
	}
	form := profileFormValues(t, body)
	form.Set("from", "2026-04-01")
	form.Set("appointment_hold_minutes", "2000")
	res, body := sup.postForm("/profile", form)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="error-appointment-hold"`) {
		t.Fatalf("a hold beyond a day: %d\n%s", res.StatusCode, body)
	}
	form.Set("appointment_hold_minutes", "45")
	if res, body := sup.postForm("/profile", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, body)
	}
	v, err := f.svc.ProfileFor(ctx, f.orgA.ID, huifang.NewDate(2026, 4, 1))
	if err != nil {
		t.Fatal(err)
	}
	if v.Rules.AppointmentHoldMinutes != 45 {
		t.Fatalf("saved %+v", v.Rules)
	}
}
