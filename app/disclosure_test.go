package app_test

import (
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/testworld"
)

// TestDisclosure: a quarter published by the regulator's administrator
// from A's accepted table and B's live table (marked); refused to a
// supervisor, for an open quarter or a month, and a second time; the
// published figures unchanged by later callbacks and a corrected table;
// an erratum beside a figure keeps the original and is audited; the
// public reads need no user.
func TestDisclosure(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := marchWorld(t, tw) // A: four callbacks due in March, two finished
		w.importFile(t, "B", importer.KindPolicies, policyHead+policyLine("R1", "L20", "个险", "2026-03-02", "13900000011", 11)+
			policyLine("R2", "L20", "个险", "2026-03-03", "13900000012", 12))
		work, err := w.svc.Next(ctx, w.opB)
		mustDo(t, func() error { return err })
		_, err = w.svc.Finish(ctx, w.opB, work.Callback.ID, passing(work))
		mustDo(t, func() error { return err })
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		radm := w.user(t, "REG", "radm", huifang.RoleRegAdmin, "", "")
		mustDo(t, func() error {
			_, err := w.svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindRegulator, Code: "REG2", Name: "另一保监局"})
			return err
		})
		radm2 := w.user(t, "REG2", "radm2", huifang.RoleRegAdmin, "", "")

		if _, err := w.svc.PublishDisclosure(ctx, radm, "2026-Q1"); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("a quarter not yet ended: %v", err)
		}
		w.clk.t = april(3)
		sub, err := w.svc.SubmitStats(ctx, mgr, app.SubmitInput{Period: "2026-Q1"})
		mustDo(t, func() error { return err })
		_, err = w.svc.ReviewSubmission(ctx, sup, sub.ID, app.ReviewInput{Accept: true})
		mustDo(t, func() error { return err })

		if _, err := w.svc.PublishDisclosure(ctx, sup, "2026-Q1"); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("a supervisor without the permission: %v", err)
		}
		if _, err := w.svc.PublishDisclosure(ctx, app.CLI(), "2026-Q1"); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("the global administrator: %v", err)
		}
		if _, err := w.svc.PublishDisclosure(ctx, radm, "2026-03"); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("a month: %v", err)
		}

		pre, err := w.svc.PreviewDisclosure(ctx, radm, "2026-Q1")
		mustDo(t, func() error { return err })
		if len(pre.Rows) != 2 || pre.Rows[0].Source != huifang.FromSubmission || pre.Rows[0].SubmissionID != sub.ID || pre.Rows[1].Source != huifang.FromLive {
			t.Fatalf("preview %+v", pre.Rows)
		}
		if got := strings.Join(pre.Indicators, ","); got != "success_rate,resolution_rate" {
			t.Fatalf("indicators %s", got)
		}
		d, err := w.svc.PublishDisclosure(ctx, radm, "2026-Q1")
		mustDo(t, func() error { return err })
		a, b := d.Rows[0], d.Rows[1]
		if f, _ := a.Figure("success_rate"); a.OrgCode != "A" || f.Num != 1 || f.Den != 4 {
			t.Fatalf("A %+v", a)
		}
		if f, _ := b.Figure("success_rate"); b.OrgCode != "B" || f.Num != 1 || f.Den != 2 || b.DoubleHundred {
			t.Fatalf("B %+v", b)
		}
		if _, err := w.svc.PublishDisclosure(ctx, radm, "2026-Q1"); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("a second publication: %v", err)
		}
		if _, err := w.svc.PreviewDisclosure(ctx, radm, "2026-Q1"); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("a preview of a published quarter: %v", err)
		}

		// Later work: more callbacks in both companies, a corrected table.
		for _, op := range []*huifang.User{w.op, w.opB} {
			work, err := w.svc.Next(ctx, op)
			mustDo(t, func() error { return err })
			_, err = w.svc.Finish(ctx, op, work.Callback.ID, passing(work))
			mustDo(t, func() error { return err })
		}
		_, err = w.svc.SubmitStats(ctx, mgr, app.SubmitInput{Period: "2026-Q1", Reason: "补录一件"})
		mustDo(t, func() error { return err })
		pub, err := w.svc.Disclosure(ctx, "", "2026-Q1")
		mustDo(t, func() error { return err })
		for i, r := range pub.Rows {
			if r.Figures[0] != d.Rows[i].Figures[0] || r.Figures[1] != d.Rows[i].Figures[1] || r.Source != d.Rows[i].Source {
				t.Fatalf("published row %d moved: %+v, was %+v", i, r, d.Rows[i])
			}
		}

		// Errata.
		if _, err := w.svc.AddErratum(ctx, sup, app.ErratumInput{Period: "2026-Q1", OrgCode: "A", Note: "x"}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("a supervisor's erratum: %v", err)
		}
		if _, err := w.svc.AddErratum(ctx, radm2, app.ErratumInput{Period: "2026-Q1", OrgCode: "A", Note: "x"}); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("another regulator's erratum: %v", err)
		}
		if _, err := w.svc.AddErratum(ctx, radm, app.ErratumInput{Period: "2026-Q1", OrgCode: "A", Note: " ", Value: "101%"}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("no note, a bad value: %v", err)
		}
		e, err := w.svc.AddErratum(ctx, radm, app.ErratumInput{Period: "2026-Q1", OrgCode: "A", Indicator: "success_rate", Value: "2/4", Note: "一件成功回访漏计"})
		mustDo(t, func() error { return err })
		if !e.Corrected || e.Num != 2 || e.Den != 4 || e.OrgCode != "A" {
			t.Fatalf("erratum %+v", e)
		}
		pub, err = w.svc.Disclosure(ctx, "REG", "2026-Q1")
		mustDo(t, func() error { return err })
		if f, _ := pub.Rows[0].Figure("success_rate"); f.Num != 1 || len(pub.Errata) != 1 || pub.Errata[0].Note != "一件成功回访漏计" || !pub.Changed.Equal(e.At) {
			t.Fatalf("after the erratum %+v %+v", pub.Rows[0], pub.Errata)
		}
		if len(pub.History["A"]) != 1 || pub.History["A"][0].Period != "2026-Q1" {
			t.Fatalf("history %+v", pub.History)
		}
		trail, err := w.db.ListAudit(ctx, radm.OrgID, huifang.AuditFilter{Entity: "disclosure"})
		mustDo(t, func() error { return err })
		if len(trail) != 2 {
			t.Fatalf("audit %+v", trail)
		}

		// Public reads.
		list, err := w.svc.Disclosures(ctx, "")
		mustDo(t, func() error { return err })
		if len(list) != 1 || list[0].RegulatorCode != "REG" {
			t.Fatalf("list %+v", list)
		}
		if _, err := w.svc.Disclosure(ctx, "REG2", "2026-Q1"); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("a quarter another regulator did not publish: %v", err)
		}
		if _, err := w.svc.Disclosures(ctx, "A"); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("an insurer as a regulator: %v", err)
		}
	})
}

// TestParseFigure: a fraction or a percentage, nothing else.
func TestParseFigure(t *testing.T) {
	for _, c := range []struct {
		in       string
		num, den int64
		ok       bool
	}{{"123/130", 123, 130, true}, {"96.5%", 9650, 10000, true}, {"100", 10000, 10000, true}, {"0/0", 0, 0, false},
		{"5/4", 0, 0, false}, {"-1", 0, 0, false}, {"abc", 0, 0, false}, {"100.01%", 0, 0, false}} {
		num, den, ok := app.ParseFigure(c.in)
		if num != c.num || den != c.den || ok != c.ok {
			t.Errorf("%q: %d/%d %v", c.in, num, den, ok)
		}
	}
}

// TestDisclosureIndicatorsFromProfile: the profile in force on the
// quarter's last day adds its indicators after the two of the seed.
func TestDisclosureIndicatorsFromProfile(t *testing.T) {
	t.Parallel()
	w := setup(t, sqliteWorld(t))
	sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
	radm := w.user(t, "REG", "radm", huifang.RoleRegAdmin, "", "")
	rules, _, _ := profile.Shipped(profile.SeedBureau)
	rules.DisclosureIndicators = []string{"orphan_rate"}
	_, err := w.svc.ChangeProfile(ctx, sup, app.ProfileInput{From: huifang.NewDate(2026, 3, 20), Rules: rules, Note: "披露孤儿保单回访成功率"})
	mustDo(t, func() error { return err })
	w.clk.t = april(3)
	d, err := w.svc.PreviewDisclosure(ctx, radm, "2026-Q1")
	mustDo(t, func() error { return err })
	if got := strings.Join(d.Indicators, ","); got != "success_rate,resolution_rate,orphan_rate" || len(d.Rows[0].Figures) != 3 {
		t.Fatalf("indicators %s, figures %+v", got, d.Rows[0].Figures)
	}
}
