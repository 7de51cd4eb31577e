package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/api"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/testworld"
)

// TestMisconductAPI: compliance lists and decides its insurer's records;
// a bad decision is a field error, a second one a conflict; another
// insurer's record is not found; an operator is refused; the supervisor
// searches across companies.
func TestMisconductAPI(t *testing.T) {
	t.Parallel()
	w := testworld.New(t, store.SQLite, testworld.Standard)
	svc := w.Svc
	svc.Clock = fixedClock{time.Date(2026, 3, 5, 10, 0, 0, 0, huifang.Shanghai)}
	srv := httptest.NewServer(api.New(svc, slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	token := func(org, login string, role huifang.Role) client {
		t.Helper()
		return userClient(t, svc, srv.URL, org, login, role)
	}
	comp, compB, sup := token("A", "comp", huifang.RoleCompliance), token("B", "compb", huifang.RoleCompliance), token("REG", "sup", huifang.RoleSupervisor)
	op := token("A", "op9", huifang.RoleOperator)
	mgr, err := svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "A", Login: "mgr", Role: huifang.RoleManager, Password: "secret-password"})
	if err != nil {
		t.Fatal(err)
	}
	id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)
	file := filepath.Join(t.TempDir(), "p.csv")
	line := "P1,L20,个险,86010101,A001,,张三," + id + ",1980-05-06,13800000001,张三,2026-02-20,2026-02-25,2026-03-02,10000.00,年交,10,\n"
	if err := os.WriteFile(file, []byte(testworld.PolicyHead+line), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportFile(ctx, app.CLI(), "A", importer.KindPolicies, file, "p.csv", nil); err != nil {
		t.Fatal(err)
	}
	c, err := svc.OpenCase(ctx, mgr, "P1", huifang.ProblemFalsePhone, "投保人电话为业务员本人号码")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CloseCase(ctx, mgr, c.ID, "已更正为客户本人号码"); err != nil {
		t.Fatal(err)
	}

	code, out := comp.do("GET", "/api/v1/misconduct?status=proposed", nil)
	recs, _ := out["records"].([]any)
	if code != http.StatusOK || len(recs) != 1 {
		t.Fatalf("list %d %v", code, out)
	}
	rec := recs[0].(map[string]any)
	if rec["agent_code"] != "A001" || rec["reg_no"] != "00020231001" || rec["category"] != "improper-conduct" || rec["status"] != "proposed" || rec["decided_at"] != nil {
		t.Fatalf("record %v", rec)
	}
	rid := itoa(int64(rec["id"].(float64)))
	if code, _ := compB.do("GET", "/api/v1/misconduct/"+rid, nil); code != http.StatusNotFound {
		t.Fatalf("B reads A's record: %d", code)
	}
	if code, _ := compB.do("POST", "/api/v1/misconduct/"+rid+"/confirm", map[string]any{"category": "other", "reason": "x"}); code != http.StatusNotFound {
		t.Fatalf("B confirms A's record: %d", code)
	}
	if code, _ := op.do("GET", "/api/v1/misconduct", nil); code != http.StatusForbidden {
		t.Fatalf("an operator lists: %d", code)
	}
	if code, _ := op.do("POST", "/api/v1/misconduct/"+rid+"/reject", map[string]any{"reason": "x"}); code != http.StatusForbidden {
		t.Fatalf("an operator rejects: %d", code)
	}
	if code, out := comp.do("POST", "/api/v1/misconduct/"+rid+"/reject", map[string]any{}); code != http.StatusBadRequest || out["key"] != "err.misconduct.reason_required" {
		t.Fatalf("reject without a reason %d %v", code, out)
	}
	if code, out := comp.do("POST", "/api/v1/misconduct/"+rid+"/confirm", map[string]any{"reason": "属实"}); code != http.StatusBadRequest || out["key"] != "err.misconduct.category_required" {
		t.Fatalf("confirm without a category %d %v", code, out)
	}
	if code, _ := comp.do("POST", "/api/v1/misconduct/"+rid+"/approve", map[string]any{}); code != http.StatusNotFound {
		t.Fatalf("an unknown verb: %d", code)
	}
	code, out = comp.do("POST", "/api/v1/misconduct/"+rid+"/confirm", map[string]any{"category": "improper-conduct", "reason": "业务员留本人电话，属实"})
	if code != http.StatusOK || out["status"] != "confirmed" || out["decided_by"] != "comp" {
		t.Fatalf("confirm %d %v", code, out)
	}
	if code, out := comp.do("POST", "/api/v1/misconduct/"+rid+"/confirm", map[string]any{"category": "other", "reason": "again"}); code != http.StatusConflict || out["key"] != "err.misconduct.decided" {
		t.Fatalf("confirm twice %d %v", code, out)
	}
	code, out = sup.do("GET", "/api/v1/misconduct/search?name=李明", nil)
	recs, _ = out["records"].([]any)
	if code != http.StatusOK || len(recs) != 1 || recs[0].(map[string]any)["org"] != "A" {
		t.Fatalf("search %d %v", code, out)
	}
	if code, out := sup.do("GET", "/api/v1/misconduct/search", nil); code != http.StatusBadRequest || out["key"] != "err.misconduct.search_empty" {
		t.Fatalf("empty search %d %v", code, out)
	}
	if code, _ := comp.do("GET", "/api/v1/misconduct/search?reg_no=00020231001", nil); code != http.StatusForbidden {
		t.Fatalf("compliance searches: %d", code)
	}
	if code, _ := sup.do("GET", "/api/v1/misconduct", nil); code != http.StatusForbidden {
		t.Fatalf("the supervisor lists an insurer's: %d", code)
	}
}
