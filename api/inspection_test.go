package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// TestInspectionAPI: a supervisor downloads the package of one of its
// companies as a ZIP; a bad or reversed range is a JSON error; another
// regulator's supervisor finds no such company; insurer staff are refused.
func TestInspectionAPI(t *testing.T) {
	t.Parallel()
	svc, srv := standardAPI(t)
	ctx := context.Background()
	if _, err := svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindRegulator, Code: "REG2", Name: "另一保监局"}); err != nil {
		t.Fatal(err)
	}
	token := func(org, login string, role huifang.Role) string {
		t.Helper()
		return userClient(t, svc, srv.URL, org, login, role).token
	}
	sup, sup2, mgr := token("REG", "sup", huifang.RoleSupervisor), token("REG2", "sup2", huifang.RoleSupervisor), token("A", "mgr", huifang.RoleManager)
	id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)
	file := filepath.Join(t.TempDir(), "p.csv")
	line := "P1,L20,个险,86010101,A001,,张三," + id + ",1980-05-06,13812345678,张三,2026-02-20,2026-02-25,2026-03-02,10000.00,年交,10,\n"
	if err := os.WriteFile(file, []byte(testworld.PolicyHead+line), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportFile(ctx, app.CLI(), "A", importer.KindPolicies, file, "p.csv", nil); err != nil {
		t.Fatal(err)
	}
	get := func(tok, path string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	res, body := get(sup, "/api/v1/inspection/A.zip?from=2026-03-01&to=2026-03-31")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" || !strings.Contains(res.Header.Get("Content-Disposition"), "inspection-A-2026-03-01-2026-03-31.zip") {
		t.Fatalf("download: %d %v %s", res.StatusCode, res.Header, body)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "policies.csv" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if !strings.Contains(string(b), "138****5678") || strings.Contains(string(b), "13812345678") {
				t.Fatalf("policies.csv:\n%s", b)
			}
		}
	}
	if len(names) == 0 || names[len(names)-1] != "SHA256SUMS" {
		t.Fatalf("files %v", names)
	}
	for _, tc := range []struct {
		tok, path string
		status    int
		key       string
	}{
		{sup, "/api/v1/inspection/A.zip?from=2026-03-31&to=2026-03-01", http.StatusBadRequest, "err.inspection.order"},
		{sup, "/api/v1/inspection/A.zip?from=March&to=2026-03-31", http.StatusBadRequest, "err.inspection.dates"},
		{sup, "/api/v1/inspection/A.zip", http.StatusBadRequest, "err.inspection.dates"},
		{sup, "/api/v1/inspection/A.zip?from=2020-01-01&to=2026-03-31", http.StatusBadRequest, "err.inspection.too_long"},
		{sup, "/api/v1/inspection/A.tar?from=2026-03-01&to=2026-03-31", http.StatusNotFound, ""},
		{sup2, "/api/v1/inspection/A.zip?from=2026-03-01&to=2026-03-31", http.StatusNotFound, "err.org.not_found_q"},
		{mgr, "/api/v1/inspection/A.zip?from=2026-03-01&to=2026-03-31", http.StatusForbidden, ""},
	} {
		res, body := get(tc.tok, tc.path)
		var e map[string]any
		json.Unmarshal(body, &e)
		if res.StatusCode != tc.status || res.Header.Get("Content-Type") == "application/zip" || tc.key != "" && e["key"] != tc.key {
			t.Errorf("%s: %d %s", tc.path, res.StatusCode, body)
		}
	}
}
