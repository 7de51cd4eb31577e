package app_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/testworld"
)

// wavRecording is a call recording, as far as sniffing goes.
var wavRecording = append([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), bytes.Repeat([]byte{7, 1, 2, 3}, 300)...)

// inspectionWorld makes, in A, a phone callback with a recording that
// found a problem (P1), a letter callback with its receipt (P2) and an
// untouched one (P3), and returns a supervisor of REG.
func inspectionWorld(t *testing.T, w *world) (*huifang.User, string) {
	t.Helper()
	dir := t.TempDir()
	blobs, err := blob.NewLocal(dir)
	mustDo(t, func() error { return err })
	w.svc.Blobs = blobs
	w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13812345678", 1),
		policyLine("P2", "L20", "个险", "2026-03-02", "13800000002", 2),
		policyLine("P3", "L20", "个险", "2026-03-02", "13800000003", 3))
	work, err := w.svc.Next(ctx, w.op)
	mustDo(t, func() error { return err })
	if work.Callback.PolicyNo != "P1" {
		t.Fatalf("next is %s", work.Callback.PolicyNo)
	}
	id := work.Callback.ID
	_, err = w.svc.RecordAttempt(ctx, w.op, id, app.AttemptInput{Outcome: huifang.AttemptAnswered})
	mustDo(t, func() error { return err })
	as, err := w.db.ListAttempts(ctx, w.op.OrgID, id)
	mustDo(t, func() error { return err })
	_, err = w.svc.AddRecording(ctx, w.op, id, as[0].ID, bytes.NewReader(wavRecording), "api")
	mustDo(t, func() error { return err })
	_, err = w.svc.Finish(ctx, w.op, id, answering(work, "signed", "no"))
	mustDo(t, func() error { return err })
	wk := w.callbackWork(t, w.op, "P2")
	_, err = w.svc.RecordLetter(ctx, w.op, wk.Callback.ID, letter(wk))
	mustDo(t, func() error { return err })
	return w.user(t, "REG", "sup", huifang.RoleSupervisor, "", ""), dir
}

// unzip extracts a package into a new directory and returns it.
func unzip(t *testing.T, pkg []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	mustDo(t, func() error { return err })
	dir := t.TempDir()
	for _, f := range zr.File {
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") {
			t.Fatalf("unsafe name %q", f.Name)
		}
		rc, err := f.Open()
		mustDo(t, func() error { return err })
		data, err := io.ReadAll(rc)
		mustDo(t, func() error { return err })
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		mustDo(t, func() error { return os.MkdirAll(filepath.Dir(p), 0o700) })
		mustDo(t, func() error { return os.WriteFile(p, data, 0o600) })
	}
	return dir
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("the package has no %s: %v", name, err)
	}
	return string(b)
}

// checkSums runs `sha256sum -c SHA256SUMS` in the extracted package, and
// checks that it names every other file.
func checkSums(t *testing.T, dir string) {
	t.Helper()
	sums := readFile(t, dir, "SHA256SUMS")
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != "SHA256SUMS" {
			rel, _ := filepath.Rel(dir, p)
			if !strings.Contains(sums, "  "+filepath.ToSlash(rel)+"\n") {
				t.Errorf("SHA256SUMS does not cover %s", rel)
			}
			n++
		}
		return nil
	})
	if lines := strings.Count(sums, "\n"); lines != n {
		t.Errorf("SHA256SUMS has %d lines for %d files", lines, n)
	}
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Log("no sha256sum on this machine: the sums were not checked by it")
		return
	}
	cmd := exec.Command("sha256sum", "--strict", "-c", "SHA256SUMS")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sha256sum -c: %v\n%s", err, out)
	}
}

// TestInspection: a supervisor's package of a company's month holds the
// masked policies, the callbacks with their attempts, answers and script
// versions, the problem case with its timeline, the recording and the
// receipt byte for byte, the audit entries, a manifest, and SHA256SUMS that
// sha256sum -c accepts. Unmasked only with a reason, which is audited.
func TestInspection(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		sup, blobDir := inspectionWorld(t, w)
		march := app.InspectionRequest{Org: "A", From: huifang.NewDate(2026, 3, 1), To: huifang.NewDate(2026, 3, 31)}
		var buf bytes.Buffer
		m, err := w.svc.Inspect(ctx, sup, march, &buf)
		mustDo(t, func() error { return err })
		dir := unzip(t, buf.Bytes())
		checkSums(t, dir)

		want := huifang.InspectionCounts{Policies: 3, Callbacks: 3, Attempts: 1, Scripts: 1, Cases: 1, Recordings: 1, Receipts: 1}
		got := m.Counts
		got.Answers, got.CaseEvents, got.Audit = 0, 0, 0
		if got != want || m.Counts.Answers == 0 || m.Counts.CaseEvents == 0 || m.Counts.Audit == 0 {
			t.Fatalf("counts %+v", m.Counts)
		}
		if !m.Masked || m.RevealReason != "" || m.GeneratedBy != "sup" || m.GeneratedByOrg != "REG" || len(m.Missing)+len(m.Mismatched)+m.MissingTotal+m.MismatchedTotal != 0 {
			t.Fatalf("manifest %+v", m)
		}
		var mf app.InspectionManifest
		mustDo(t, func() error { return json.Unmarshal([]byte(readFile(t, dir, "manifest.json")), &mf) })
		if mf.Counts != m.Counts || mf.CompanyCode != "A" || mf.From != "2026-03-01" || mf.To != "2026-03-31" || mf.Files != m.Files {
			t.Fatalf("manifest.json %+v", mf)
		}

		policies := readFile(t, dir, "policies.csv")
		if !strings.Contains(policies, "138****5678") || strings.Contains(policies, "13812345678") || strings.Contains(policies, "张三,") {
			t.Fatalf("policies not masked:\n%s", policies)
		}
		if strings.Contains(policies, "110101198005") {
			t.Fatalf("ID numbers not masked:\n%s", policies)
		}
		recs, err := filepath.Glob(filepath.Join(dir, "recordings", "*.wav"))
		if err != nil || len(recs) != 1 {
			t.Fatalf("recordings %v %v", recs, err)
		}
		if b, _ := os.ReadFile(recs[0]); !bytes.Equal(b, wavRecording) {
			t.Fatalf("the recording differs from the one stored")
		}
		receipts, _ := filepath.Glob(filepath.Join(dir, "receipts", "*.pdf"))
		if len(receipts) != 1 {
			t.Fatalf("receipts %v", receipts)
		}
		if b, _ := os.ReadFile(receipts[0]); !bytes.Equal(b, pdfReceipt) {
			t.Fatalf("the receipt differs from the one stored")
		}
		callbacks := readFile(t, dir, "callbacks.csv")
		if !strings.Contains(callbacks, "receipts/") || !strings.Contains(callbacks, "scripts/") {
			t.Fatalf("callbacks.csv names no receipt or script file:\n%s", callbacks)
		}
		scripts, _ := filepath.Glob(filepath.Join(dir, "scripts", "*.json"))
		if len(scripts) != 1 {
			t.Fatalf("scripts %v", scripts)
		}
		if s := readFile(t, dir, "answers.csv"); !strings.Contains(s, ",signed,no") {
			t.Fatalf("answers.csv:\n%s", s)
		}
		if s := readFile(t, dir, "case_events.csv"); !strings.Contains(s, "opened") {
			t.Fatalf("case_events.csv:\n%s", s)
		}
		if s := readFile(t, dir, "audit.csv"); !strings.Contains(s, "inspection") || !strings.Contains(s, "recording") {
			t.Fatalf("audit.csv:\n%s", s)
		}

		// A range before anything happened holds nothing but is a package still.
		buf.Reset()
		m, err = w.svc.Inspect(ctx, sup, app.InspectionRequest{Org: "A", From: huifang.NewDate(2025, 1, 1), To: huifang.NewDate(2025, 1, 31)}, &buf)
		mustDo(t, func() error { return err })
		if m.Counts != (huifang.InspectionCounts{}) {
			t.Fatalf("January 2025 counts %+v", m.Counts)
		}
		checkSums(t, unzip(t, buf.Bytes()))

		// Unmasked, with a reason: audited in the company's trail and the
		// regulator's, and written into the manifest.
		reason := "检查组核对投保人身份"
		open := march
		open.Reason = "  " + reason + " "
		buf.Reset()
		m, err = w.svc.Inspect(ctx, sup, open, &buf)
		mustDo(t, func() error { return err })
		dir = unzip(t, buf.Bytes())
		checkSums(t, dir)
		if m.Masked || m.RevealReason != reason || !strings.Contains(readFile(t, dir, "manifest.json"), reason) {
			t.Fatalf("manifest %+v", m)
		}
		if p := readFile(t, dir, "policies.csv"); !strings.Contains(p, "13812345678") {
			t.Fatalf("unmasked policies:\n%s", p)
		}
		for _, org := range []string{"A", "REG"} {
			es, err := w.db.ListAudit(ctx, tw.Org(t, org).ID, huifang.AuditFilter{Entity: "inspection", Action: "export-unmasked"})
			mustDo(t, func() error { return err })
			if len(es) != 1 || es[0].UserID != sup.ID || !strings.Contains(es[0].Detail, reason) {
				t.Fatalf("%s audit %+v", org, es)
			}
		}

		// A receipt gone from the blob store and a recording whose bytes
		// changed: the package is still made, says so, and checks.
		var rec, receipt string
		filepath.WalkDir(blobDir, func(p string, d os.DirEntry, err error) error {
			switch {
			case err != nil || d.IsDir():
			case strings.HasSuffix(p, ".wav"):
				rec = p
			case strings.HasSuffix(p, ".pdf"):
				receipt = p
			}
			return nil
		})
		if rec == "" || receipt == "" {
			t.Fatalf("blobs: %q %q", rec, receipt)
		}
		mustDo(t, func() error { return os.Remove(receipt) })
		b, err := os.ReadFile(rec)
		mustDo(t, func() error { return err })
		b[len(b)-1] ^= 0xff
		mustDo(t, func() error { return os.WriteFile(rec, b, 0o600) })
		buf.Reset()
		m, err = w.svc.Inspect(ctx, sup, march, &buf)
		mustDo(t, func() error { return err })
		if m.MissingTotal != 1 || !strings.HasPrefix(m.Missing[0], "receipts/") || m.MismatchedTotal != 1 || !strings.HasPrefix(m.Mismatched[0], "recordings/") ||
			m.Counts.Receipts != 0 || m.Counts.Recordings != 1 {
			t.Fatalf("manifest of damaged files %+v", m)
		}
		checkSums(t, unzip(t, buf.Bytes()))

		// The command line exports any insurer.
		buf.Reset()
		if _, err := w.svc.Inspect(ctx, app.CLI(), march, &buf); err != nil {
			t.Fatalf("command line: %v", err)
		}
	})
}

// TestInspectionRefused: another regulator's supervisor finds no such
// company, an insurer's staff may not export, the command line finds no
// regulator to inspect, bad ranges are refused; nothing is written then.
func TestInspectionRefused(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		if _, err := w.svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindRegulator, Code: "REG2", Name: "另一保监局"}); err != nil {
			t.Fatal(err)
		}
		other := w.user(t, "REG2", "sup2", huifang.RoleSupervisor, "", "")
		d := huifang.NewDate
		march := app.InspectionRequest{Org: "A", From: d(2026, 3, 1), To: d(2026, 3, 31)}
		for _, tc := range []struct {
			name string
			u    *huifang.User
			in   app.InspectionRequest
			code string
		}{
			{"not overseen", other, march, huifang.ENOTFOUND},
			{"no such company", sup, app.InspectionRequest{Org: "ZZ", From: march.From, To: march.To}, huifang.ENOTFOUND},
			{"insurer staff", w.admin, march, huifang.EFORBIDDEN},
			{"operator", w.op, march, huifang.EFORBIDDEN},
			{"a signed-in system administrator", &huifang.User{ID: 99, OrgID: tw.Org(t, "REG").ID, Login: "admin", Role: huifang.RoleAdmin}, march, huifang.EFORBIDDEN},
			{"a regulator", app.CLI(), app.InspectionRequest{Org: "REG", From: march.From, To: march.To}, huifang.ENOTFOUND},
			{"no dates", sup, app.InspectionRequest{Org: "A"}, huifang.EINVALID},
			{"no end", sup, app.InspectionRequest{Org: "A", From: march.From}, huifang.EINVALID},
			{"reversed", sup, app.InspectionRequest{Org: "A", From: march.To, To: march.From}, huifang.EINVALID},
			{"too long", sup, app.InspectionRequest{Org: "A", From: d(2020, 1, 1), To: d(2026, 1, 1)}, huifang.EINVALID},
			{"reason too long", sup, app.InspectionRequest{Org: "A", From: march.From, To: march.To, Reason: strings.Repeat("因", app.MaxRevealReason+1)}, huifang.EINVALID},
		} {
			var buf bytes.Buffer
			_, err := w.svc.Inspect(ctx, tc.u, tc.in, &buf)
			if huifang.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
			if buf.Len() != 0 {
				t.Errorf("%s: %d bytes written", tc.name, buf.Len())
			}
		}
		if es, _ := w.db.ListAudit(ctx, tw.Org(t, "A").ID, huifang.AuditFilter{Entity: "inspection"}); len(es) != 0 {
			t.Fatalf("refused exports audited as made: %+v", es)
		}
	})
}
