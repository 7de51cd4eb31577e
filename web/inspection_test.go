package web_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/testworld"
)

// TestInspectionPages: a supervisor picks a company and a range on
// /inspection and is sent to the download, a ZIP of the masked package; a
// bad range comes back on the page; another regulator's supervisor finds
// no such company; insurer staff see neither the page nor the link.
func TestInspectionPages(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		f := setup(t, w)
		f.user(t, "REG", "sup", huifang.RoleSupervisor)
		if _, err := f.svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindRegulator, Code: "REG2", Name: "另一保监局"}); err != nil {
			t.Fatal(err)
		}
		f.user(t, "REG2", "sup2", huifang.RoleSupervisor)
		f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13812345678", 1))

		sup := f.login(t, "sup")
		res, body := sup.get("/inspection")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="nav-inspection"`) || !strings.Contains(body, `<option value="A"`) ||
			!strings.Contains(body, `<option value="B"`) || !strings.Contains(body, `id="inspection-rules"`) {
			t.Fatalf("page: %d %s", res.StatusCode, body)
		}
		res, _ = sup.get("/inspection?org=A&from=2026-03-01&to=2026-03-31&reason=")
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || loc != "/inspection/A.zip?from=2026-03-01&to=2026-03-31" {
			t.Fatalf("form: %d %q", res.StatusCode, loc)
		}
		res, body = sup.get(loc)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" ||
			res.Header.Get("Content-Disposition") != `attachment; filename=inspection-A-2026-03-01-2026-03-31.zip` || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("download: %d %v", res.StatusCode, res.Header)
		}
		zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		for _, zf := range zr.File {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			files[zf.Name] = string(b)
		}
		if p := files["policies.csv"]; !strings.Contains(p, "138****5678") || strings.Contains(p, "13812345678") {
			t.Fatalf("policies.csv:\n%s", p)
		}
		if s := files["SHA256SUMS"]; !strings.Contains(s, "  policies.csv\n") || !strings.Contains(s, "  manifest.json\n") {
			t.Fatalf("SHA256SUMS:\n%s", s)
		}
		// With a reason the redirect carries it, and the download is unmasked.
		res, _ = sup.get("/inspection?org=A&from=2026-03-01&to=2026-03-31&reason=%E6%A0%B8%E5%AF%B9")
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "reason=%E6%A0%B8%E5%AF%B9") {
			t.Fatalf("form with a reason: %d %q", res.StatusCode, loc)
		}

		for _, tc := range []struct {
			path   string
			status int
			want   string
		}{
			{"/inspection?org=A&from=2026-03-31&to=2026-03-01", http.StatusBadRequest, `id="inspection-error"`},
			{"/inspection?org=A&from=2026-3-1&to=2026-03-31", http.StatusBadRequest, `id="inspection-error"`},
			{"/inspection?org=ZZ&from=2026-03-01&to=2026-03-31", http.StatusNotFound, `id="inspection-error"`},
			{"/inspection/A.zip?from=2026-03-31&to=2026-03-01", http.StatusBadRequest, "2026-03-31"},
			{"/inspection/A.zip", http.StatusBadRequest, ""},
			{"/inspection/A?from=2026-03-01&to=2026-03-31", http.StatusNotFound, ""},
		} {
			res, body := sup.get(tc.path)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.want) || res.Header.Get("Content-Type") == "application/zip" {
				t.Errorf("%s: %d %s", tc.path, res.StatusCode, res.Header.Get("Content-Type"))
			}
		}
		if res, _ := f.login(t, "sup2").get("/inspection/A.zip?from=2026-03-01&to=2026-03-31"); res.StatusCode != http.StatusNotFound {
			t.Errorf("another regulator's supervisor: %d", res.StatusCode)
		}
		op := f.login(t, "op1")
		if res, body := op.get("/"); strings.Contains(body, `id="nav-inspection"`) || res.StatusCode != http.StatusOK {
			t.Errorf("an operator sees the link")
		}
		for _, p := range []string{"/inspection", "/inspection/A.zip?from=2026-03-01&to=2026-03-31"} {
			if res, _ := op.get(p); res.StatusCode != http.StatusForbidden {
				t.Errorf("operator %s: %d", p, res.StatusCode)
			}
		}
	})
}
