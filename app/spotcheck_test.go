package app_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

var wavBytes = []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00")

// spotWorld loads March policies at A (four, two channels, two product
// classes) and B (two), finishes P1's callback with a recording, and adds
// two supervisors.
func spotWorld(t *testing.T, tw *testworld.World) (*world, *huifang.User, *huifang.User, int64) {
	t.Helper()
	w := setup(t, tw)
	blobs, err := blob.NewLocal(t.TempDir())
	mustDo(t, func() error { return err })
	w.svc.Blobs = blobs
	w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1), policyLine("P2", "U01", "个险", "2026-03-02", "13800000002", 2),
		policyLine("P3", "L20", "银保", "2026-03-03", "13800000003", 3), policyLine("P4", "U01", "银保", "2026-03-03", "13800000004", 4))
	w.importFile(t, "B", importer.KindPolicies, policyHead+policyLine("Q1", "L20", "个险", "2026-03-02", "13900000001", 11)+
		policyLine("Q2", "U01", "银保", "2026-03-02", "13900000002", 12))
	wk := w.callbackWork(t, w.op, "P1")
	_, err = w.svc.Take(ctx, w.op, wk.Callback.ID)
	mustDo(t, func() error { return err })
	wk = w.callbackWork(t, w.op, "P1")
	_, err = w.svc.Finish(ctx, w.op, wk.Callback.ID, passing(wk))
	mustDo(t, func() error { return err })
	_, err = w.svc.AddRecording(ctx, w.op, wk.Callback.ID, 0, bytes.NewReader(wavBytes), "api")
	mustDo(t, func() error { return err })
	sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
	sup2 := w.user(t, "REG", "sup2", huifang.RoleSupervisor, "", "")
	return w, sup, sup2, wk.Callback.ID
}

func ids(items []huifang.SpotCheckItem) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.CallbackID
	}
	return out
}

// TestSpotCheckDraw: the profile's defaults (0.5%, 1,200: all of a small
// population), a random seed recorded, the same sample again from the
// recorded parameters, companies chosen, the refusals.
func TestSpotCheckDraw(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w, sup, _, _ := spotWorld(t, tw)
		sc, err := w.svc.DrawSpotCheck(ctx, sup, app.DrawInput{Period: "2026-03"})
		mustDo(t, func() error { return err })
		if sc.RateBP != 50 || sc.Min != 1200 || sc.Seed == 0 || sc.Population != 6 || sc.Size != 6 || !slices.Equal(sc.Companies, []string{"A", "B"}) ||
			sc.Period != "2026-03" || sc.DrawnBy != "sup" {
			t.Fatalf("drawn %+v", sc)
		}
		// Fewer than the minimum: a small minimum samples, by the seed.
		in := app.DrawInput{Period: "2026-03", Companies: []string{"A"}, RateBP: 50, Min: 2, Seed: 99}
		a, err := w.svc.DrawSpotCheck(ctx, sup, in)
		mustDo(t, func() error { return err })
		if a.Population != 4 || a.Size < 2 || a.Seed != 99 {
			t.Fatalf("sample of A %+v", a)
		}
		b, err := w.svc.DrawSpotCheck(ctx, sup, in)
		mustDo(t, func() error { return err })
		va, err := w.svc.SpotCheck(ctx, sup, a.ID, app.ItemQuery{})
		mustDo(t, func() error { return err })
		vb, err := w.svc.SpotCheck(ctx, sup, b.ID, app.ItemQuery{})
		mustDo(t, func() error { return err })
		if !slices.Equal(ids(va.Items), ids(vb.Items)) || len(va.Items) != a.Size {
			t.Fatalf("the same parameters gave %v and %v", ids(va.Items), ids(vb.Items))
		}
		for _, it := range va.Items {
			if it.OrgCode != "A" {
				t.Fatalf("an item of another company %+v", it)
			}
		}
		list, err := w.svc.SpotChecks(ctx, sup, 0)
		mustDo(t, func() error { return err })
		if len(list) != 3 || list[0].ID != b.ID {
			t.Fatalf("list %+v", list)
		}
		// Refusals.
		for _, tc := range []struct {
			name string
			u    *huifang.User
			in   app.DrawInput
			code string
		}{
			{"operator", w.op, app.DrawInput{Period: "2026-03"}, huifang.EFORBIDDEN},
			{"bad period", sup, app.DrawInput{Period: "2026-13"}, huifang.EINVALID},
			{"unknown company", sup, app.DrawInput{Period: "2026-03", Companies: []string{"ZZ"}}, huifang.ENOTFOUND},
			{"empty period", sup, app.DrawInput{Period: "2025-01"}, huifang.EINVALID},
			{"bad rate", sup, app.DrawInput{Period: "2026-03", RateBP: 20000}, huifang.EINVALID},
		} {
			if _, err := w.svc.DrawSpotCheck(ctx, tc.u, tc.in); huifang.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
		}
		if _, err := w.svc.SpotCheck(ctx, w.op, a.ID, app.ItemQuery{}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Errorf("an operator opens a sample: %v", err)
		}
		if _, err := w.svc.SpotCheck(ctx, sup, a.ID+100, app.ItemQuery{}); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Errorf("a missing sample: %v", err)
		}
	})
}

// TestSpotCheckVerdicts: the item's evidence, the audited playback (the one
// door for supervisors), verdicts once, a finding's case and notification at
// the company, assignment, progress, consistency, the export.
func TestSpotCheckVerdicts(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w, sup, sup2, p1 := spotWorld(t, tw)
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		sc, err := w.svc.DrawSpotCheck(ctx, sup, app.DrawInput{Period: "2026-03"})
		mustDo(t, func() error { return err })
		v, err := w.svc.SpotCheck(ctx, sup, sc.ID, app.ItemQuery{Company: "A"})
		mustDo(t, func() error { return err })
		if v.Total != 4 || v.Progress.Size != 6 {
			t.Fatalf("items of A %d, progress %+v", v.Total, v.Progress)
		}
		byNo := map[string]huifang.SpotCheckItem{}
		for _, it := range v.Items {
			byNo[it.PolicyNo] = it
		}
		i1, i2 := byNo["P1"], byNo["P2"]
		if i1.CallbackID != p1 || i1.Result != huifang.ResultSuccessful || i2.Product != huifang.ClassUniversal || byNo["P3"].Channel != huifang.ClassBank {
			t.Fatalf("items %+v", v.Items)
		}
		iv, err := w.svc.SpotCheckItem(ctx, sup, sc.ID, i1.ID)
		mustDo(t, func() error { return err })
		if len(iv.Recordings) != 1 || len(iv.Work.Callback.Answers) == 0 || iv.Work.Callback.ScriptCode == "" || iv.Company.Code != "A" ||
			strings.Contains(iv.Work.Policy.HolderPhone, "13800000001") || len(iv.Colleagues) != 2 {
			t.Fatalf("item view %+v", iv)
		}
		// A supervisor plays only through the sample, audited.
		if _, _, err := w.svc.PlayRecording(ctx, sup, iv.Recordings[0].ID, 0, -1); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Errorf("a supervisor plays outside a sample: %v", err)
		}
		body, rec, err := w.svc.PlaySampledRecording(ctx, sup, sc.ID, i1.ID, iv.Recordings[0].ID, 0, -1)
		mustDo(t, func() error { return err })
		got, _ := io.ReadAll(body)
		body.Close()
		if !bytes.Equal(got, wavBytes) || rec.CallbackID != p1 {
			t.Fatalf("played %d bytes", len(got))
		}
		plays, err := w.db.ListAudit(ctx, sup.OrgID, huifang.AuditFilter{Entity: "recording", Action: "play"})
		mustDo(t, func() error { return err })
		if len(plays) != 1 || plays[0].Actor != "sup" || !strings.Contains(plays[0].Detail, `"company":"A"`) {
			t.Fatalf("play audit %+v", plays)
		}
		if _, _, err := w.svc.PlaySampledRecording(ctx, sup, sc.ID, i2.ID, iv.Recordings[0].ID, 0, -1); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Errorf("another item's recording: %v", err)
		}
		phone, err := w.svc.RevealSampledPhone(ctx, sup, sc.ID, i1.ID)
		if err != nil || phone != "13800000001" {
			t.Fatalf("reveal %q %v", phone, err)
		}

		// Verdicts.
		if _, err := w.svc.RecordVerdict(ctx, sup, sc.ID, i1.ID, app.VerdictInput{Verdict: huifang.VerdictInconsistent}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Errorf("a finding without a note: %v", err)
		}
		if _, err := w.svc.RecordVerdict(ctx, sup, sc.ID, i1.ID, app.VerdictInput{Verdict: "nice"}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Errorf("an unknown verdict: %v", err)
		}
		if _, err := w.svc.RecordVerdict(ctx, w.op, sc.ID, i1.ID, app.VerdictInput{Verdict: huifang.VerdictConsistent}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Errorf("an operator records a verdict: %v", err)
		}
		it, err := w.svc.RecordVerdict(ctx, sup, sc.ID, i1.ID, app.VerdictInput{Verdict: huifang.VerdictInconsistent, Note: "客户称不知道犹豫期"})
		mustDo(t, func() error { return err })
		if it.CaseID == 0 || it.VerdictBy != "sup" {
			t.Fatalf("verdict %+v", it)
		}
		cv, err := w.svc.Case(ctx, mgr, it.CaseID)
		mustDo(t, func() error { return err })
		if cv.Case.Type != huifang.ProblemMisleading || cv.Case.CallbackID != p1 || !strings.Contains(cv.Case.Detail, "监管机构抽查") ||
			!strings.Contains(cv.Case.Detail, "客户称不知道犹豫期") || cv.Case.DueOn.IsZero() {
			t.Fatalf("the finding's case %+v", cv.Case)
		}
		ns, err := w.svc.Notifications(ctx, mgr, 10)
		mustDo(t, func() error { return err })
		if len(ns) != 1 || ns[0].Kind != "spotcheck" || !strings.Contains(ns[0].Body, "P1") {
			t.Fatalf("the manager's notifications %+v", ns)
		}
		if _, err := w.svc.RecordVerdict(ctx, sup2, sc.ID, i1.ID, app.VerdictInput{Verdict: huifang.VerdictConsistent}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Errorf("a second verdict: %v", err)
		}
		// Assigned to a colleague, who records the next one.
		n, err := w.svc.AssignItems(ctx, sup, sc.ID, []int64{i2.ID}, "sup2")
		if err != nil || n != 1 {
			t.Fatalf("assign: %d %v", n, err)
		}
		if _, err := w.svc.AssignItems(ctx, sup, sc.ID, []int64{i2.ID}, "op1"); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Errorf("assigned to an operator: %v", err)
		}
		mine, err := w.svc.SpotCheck(ctx, sup2, sc.ID, app.ItemQuery{Mine: true})
		mustDo(t, func() error { return err })
		if len(mine.Items) != 1 || mine.Items[0].ID != i2.ID || mine.Items[0].Assignee != "sup2" {
			t.Fatalf("sup2's items %+v", mine.Items)
		}
		_, err = w.svc.RecordVerdict(ctx, sup2, sc.ID, i2.ID, app.VerdictInput{Verdict: huifang.VerdictConsistent})
		mustDo(t, func() error { return err })

		v, err = w.svc.SpotCheck(ctx, sup, sc.ID, app.ItemQuery{Verdict: huifang.VerdictNone})
		mustDo(t, func() error { return err })
		if v.Progress.Decided != 2 || v.Progress.By[huifang.VerdictInconsistent] != 1 || v.Total != 4 {
			t.Fatalf("progress %+v, unchecked %d", v.Progress, v.Total)
		}
		for _, a := range []struct {
			entity, action string
			n              int
		}{{"spot-check", "draw", 1}, {"spot-check-item", "verdict", 2}, {"spot-check", "assign", 1}, {"policy", "view-pii", 1}} {
			if got, err := w.db.ListAudit(ctx, sup.OrgID, huifang.AuditFilter{Entity: a.entity, Action: a.action}); err != nil || len(got) != a.n {
				t.Errorf("audit %s %s: %d entries, want %d (%v)", a.entity, a.action, len(got), a.n, err)
			}
		}
		rates, err := w.svc.ConsistencyRates(ctx, sup)
		mustDo(t, func() error { return err })
		if len(rates) != 1 || rates[0].OrgCode != "A" || rates[0].Verdicts != 2 || rates[0].RateBP() != 5000 {
			t.Fatalf("consistency %+v", rates)
		}

		// The working papers.
		var buf bytes.Buffer
		_, err = w.svc.ExportSpotCheck(ctx, sup, sc.ID, "csv", &buf)
		mustDo(t, func() error { return err })
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		mustDo(t, func() error { return err })
		if len(rows) != 7 || !slices.Contains(rows[0], "保险公司") || !slices.Contains(rows[0], "结论") || !slices.Contains(rows[0], "问题件") {
			t.Fatalf("export %q", rows)
		}
		found := false
		for _, r := range rows[1:] {
			if r[1] == "P1" {
				found = r[0] == "A" && r[2] == "个险" && r[4] == "回访成功" && r[6] == "不一致" && r[7] == "客户称不知道犹豫期" && r[8] == "sup"
			}
		}
		if !found {
			t.Fatalf("P1's row in %q", rows)
		}
		var xb bytes.Buffer
		if _, err := w.svc.ExportSpotCheck(ctx, sup, sc.ID, "xlsx", &xb); err != nil || xb.Len() == 0 {
			t.Fatalf("xlsx: %v", err)
		}
	})
}

// TestRegulatorDigestVerdicts: a finding whose case is still open is in the
// supervisor's next digest, under its company; once the case is closed it
// is not.
func TestRegulatorDigestVerdicts(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w, sup, _, _ := spotWorld(t, tw)
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		sc, err := w.svc.DrawSpotCheck(ctx, sup, app.DrawInput{Period: "2026-03", Companies: []string{"A"}})
		mustDo(t, func() error { return err })
		v, err := w.svc.SpotCheck(ctx, sup, sc.ID, app.ItemQuery{})
		mustDo(t, func() error { return err })
		it, err := w.svc.RecordVerdict(ctx, sup, sc.ID, v.Items[0].ID, app.VerdictInput{Verdict: huifang.VerdictInconsistent, Note: "客户称未被告知犹豫期"})
		mustDo(t, func() error { return err })
		digest := func() string {
			t.Helper()
			_, err := w.svc.RegulatorDigest(ctx)
			mustDo(t, func() error { return err })
			for _, n := range notices(t, w, sup) {
				if n.Kind == "regdigest" && strings.Contains(n.Dedupe, huifang.DateOf(w.clk.t).String()) {
					return n.Body
				}
			}
			return ""
		}
		line := fmt.Sprintf("抽查 %d 号 保单 %s：不一致，问题件 %d 号", sc.ID, it.PolicyNo, it.CaseID)
		if body := digest(); !strings.Contains(body, line) {
			t.Fatalf("digest lacks %q:\n%s", line, body)
		}
		_, err = w.svc.CloseCase(ctx, mgr, it.CaseID, "已向客户说明犹豫期权利")
		mustDo(t, func() error { return err })
		w.clk.t = w.clk.t.AddDate(0, 0, 1)
		if body := digest(); strings.Contains(body, "抽查") {
			t.Fatalf("a closed finding in the digest:\n%s", body)
		}
	})
}
