package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/api"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/testworld"
)

// TestDisclosureAPI: the regulator's administrator previews and publishes
// a quarter with a token, then adds an erratum; a supervisor is refused; a
// second publication is a conflict; anyone reads the published quarter
// without a token, cacheably, with its errata.
func TestDisclosureAPI(t *testing.T) {
	t.Parallel()
	w := testworld.New(t, store.SQLite, testworld.Standard)
	svc := w.Svc
	svc.Clock = fixedClock{time.Date(2026, 4, 3, 10, 0, 0, 0, huifang.Shanghai)}
	srv := httptest.NewServer(api.New(svc, slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	token := func(login string, role huifang.Role) client {
		t.Helper()
		if _, err := svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "REG", Login: login, Role: role, Password: "secret-password"}); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.CreateToken(ctx, app.CLI(), app.TokenInput{OrgCode: "REG", Login: login})
		if err != nil {
			t.Fatal(err)
		}
		return client{t, srv.URL, tok}
	}
	radm, sup, anon := token("radm", huifang.RoleRegAdmin), token("sup", huifang.RoleSupervisor), client{t, srv.URL, ""}

	if code, _ := sup.do("POST", "/api/v1/disclosures", map[string]any{"period": "2026-Q1"}); code != http.StatusForbidden {
		t.Fatalf("a supervisor publishes: %d", code)
	}
	if code, _ := anon.do("POST", "/api/v1/disclosures", map[string]any{"period": "2026-Q1"}); code != http.StatusUnauthorized {
		t.Fatalf("publish without a token: %d", code)
	}
	code, body := radm.do("GET", "/api/v1/disclosures/2026-Q1/preview", nil)
	if rows, _ := body["rows"].([]any); code != http.StatusOK || len(rows) != 2 {
		t.Fatalf("preview %d %v", code, body)
	}
	if code, body := radm.do("POST", "/api/v1/disclosures", map[string]any{"period": "2026-Q1"}); code != http.StatusCreated {
		t.Fatalf("publish %d %v", code, body)
	}
	if code, _ := radm.do("POST", "/api/v1/disclosures", map[string]any{"period": "2026-Q1"}); code != http.StatusConflict {
		t.Fatalf("a second publication: %d", code)
	}
	if code, body := radm.do("POST", "/api/v1/disclosures/2026-Q1/errata", map[string]any{"org": "A", "note": ""}); code != http.StatusBadRequest {
		t.Fatalf("an erratum without a note: %d %v", code, body)
	}
	if code, body := radm.do("POST", "/api/v1/disclosures/2026-Q1/errata", map[string]any{"org": "B", "indicator": "success_rate", "value": "96.5%", "note": "更正"}); code != http.StatusCreated {
		t.Fatalf("an erratum: %d %v", code, body)
	}

	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/disclosures/2026-Q1?reg=REG", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if cc := res.Header.Get("Cache-Control"); res.StatusCode != http.StatusOK || cc != "public, max-age=300" {
		t.Fatalf("public read %d %q", res.StatusCode, cc)
	}
	code, body = anon.do("GET", "/api/v1/disclosures/2026-Q1", nil)
	rows, _ := body["rows"].([]any)
	errata, _ := body["errata"].([]any)
	if code != http.StatusOK || len(rows) != 2 || len(errata) != 1 || body["regulator"] != "REG" {
		t.Fatalf("public quarter %d %v", code, body)
	}
	if row := rows[0].(map[string]any); row["source"] != "live" || row["confirmed_by_submission"] != false || row["history"] == nil {
		t.Fatalf("row %v", row)
	}
	if e := errata[0].(map[string]any); e["org"] != "B" || e["corrected"].(map[string]any)["percent"] != "96.50%" {
		t.Fatalf("erratum %v", e)
	}
	code, body = anon.do("GET", "/api/v1/disclosures", nil)
	if list, _ := body["disclosures"].([]any); code != http.StatusOK || len(list) != 1 {
		t.Fatalf("public list %d %v", code, body)
	}
	if code, _ := anon.do("GET", "/api/v1/disclosures/2025-Q4", nil); code != http.StatusNotFound {
		t.Fatalf("an unpublished quarter: %d", code)
	}
}
