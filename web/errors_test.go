package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestErrorsInUILanguage: a refused action and a form's field errors show
// in the page's language: Chinese by default, English after ?lang=en (kept
// in the language cookie), and in English with ?lang=en on the form itself.
func TestErrorsInUILanguage(t *testing.T) {
	f := setupCases(t, casesWorld(t))
	f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1))
	cb := f.callbackOf(t, f.orgA, "P1")
	release := fmt.Sprintf("/work/%d/release", cb.ID)
	c := f.login(t, "op1")

	// Releasing a callback not held is refused with the app's message.
	res, body := c.postForm(release, url.Values{})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, fmt.Sprintf("回访 %d 不在您手上，无需放回", cb.ID)) {
		t.Fatalf("Chinese refusal: %d\n%s", res.StatusCode, body)
	}
	res, body = c.postForm(release+"?lang=en", url.Values{})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, fmt.Sprintf("Callback %d is not in your hands", cb.ID)) {
		t.Fatalf("English refusal: %d\n%s", res.StatusCode, body)
	}
	// The cookie keeps English for the next page: a form's field error.
	wrong := url.Values{"current": {"wrong-one"}, "password": {"new-password-1"}, "confirm": {"new-password-1"}}
	res, body = c.postForm("/account/password", wrong)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "The current password is wrong") || strings.Contains(body, "当前密码不正确") {
		t.Fatalf("English field error: %d\n%s", res.StatusCode, body)
	}
	res, body = c.postForm("/account/password?lang=zh", wrong)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "当前密码不正确") {
		t.Fatalf("Chinese field error: %d\n%s", res.StatusCode, body)
	}
}
