package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformDisclosure: a quarter published once with its rows' figures
// as values; errata added to the publishing regulator's rows only, read
// back oldest first, moving Changed; nothing of it can be updated; the list
// is public (every regulator's), the latest period first; the history gives
// each company's rows of every quarter.
func TestConformDisclosure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		other := &huifang.Org{Code: "REG2", Name: "另一保监局", Kind: huifang.KindRegulator, CreatedAt: t0}
		must(t, db.CreateOrg(ctx, other))
		publish := func(reg int64, period string, at time.Time) (*huifang.Disclosure, error) {
			d := &huifang.Disclosure{RegulatorID: reg, Period: period, Indicators: []string{"success_rate", "resolution_rate"}, PublishedAt: at, PublishedBy: "reg-admin",
				Rows: []huifang.DisclosureRow{
					{OrgID: bd.a.ID, OrgCode: "A", OrgName: "甲人寿", Source: huifang.FromSubmission, SubmissionID: 7, SubmissionVersion: 2,
						Figures: []huifang.DisclosureFigure{{Indicator: "success_rate", Num: 95, Den: 100}, {Indicator: "resolution_rate", Num: 3, Den: 4}}},
					{OrgID: bd.b.ID, OrgCode: "B", OrgName: "乙人寿", Source: huifang.FromLive, DoubleHundred: true,
						Figures: []huifang.DisclosureFigure{{Indicator: "success_rate", Num: 10, Den: 10}, {Indicator: "resolution_rate", Num: 2, Den: 2}}},
				}}
			return d, db.PublishDisclosure(ctx, d)
		}
		q4, err := publish(bd.reg.ID, "2025-Q4", tNano.Add(-24*time.Hour))
		must(t, err)
		q1, err := publish(bd.reg.ID, "2026-Q1", tNano)
		must(t, err)
		if _, err := publish(bd.reg.ID, "2026-Q1", tNano.Add(time.Hour)); !errors.Is(err, huifang.ErrConflict) {
			t.Fatalf("a second publication of a quarter: %v", err)
		}

		got, err := db.FindDisclosure(ctx, bd.reg.ID, "2026-Q1")
		must(t, err)
		if got.ID != q1.ID || got.RegulatorCode != "REG" || got.RegulatorName != "某保监局" || got.PublishedBy != "reg-admin" ||
			len(got.Indicators) != 2 || got.Indicators[1] != "resolution_rate" || len(got.Rows) != 2 || len(got.Errata) != 0 {
			t.Fatalf("found %+v", got)
		}
		sameMS(t, "published", got.PublishedAt, tNano)
		sameMS(t, "changed", got.Changed, tNano)
		a, b := got.Rows[0], got.Rows[1]
		if a.OrgCode != "A" || a.Source != huifang.FromSubmission || a.SubmissionID != 7 || a.SubmissionVersion != 2 || a.DoubleHundred || a.Period != "2026-Q1" {
			t.Fatalf("row A %+v", a)
		}
		if f, ok := a.Figure("resolution_rate"); !ok || f.Num != 3 || f.Den != 4 {
			t.Fatalf("A's resolution rate %+v", a.Figures)
		}
		if b.OrgCode != "B" || b.Source != huifang.FromLive || !b.DoubleHundred {
			t.Fatalf("row B %+v", b)
		}
		if _, err := db.FindDisclosure(ctx, other.ID, "2026-Q1"); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("another regulator's quarter: %v", err)
		}

		// Errata: only on the publishing regulator's rows.
		e1 := &huifang.Erratum{DisclosureID: q1.ID, RowID: a.ID, Indicator: "success_rate", Corrected: true, Num: 96, Den: 100, Note: "漏报一件", At: tNano.Add(48 * time.Hour), By: "reg-admin"}
		must(t, db.AddErratum(ctx, bd.reg.ID, e1, huifang.Actor{Name: "reg-admin"}))
		if err := db.AddErratum(ctx, other.ID, &huifang.Erratum{DisclosureID: q1.ID, RowID: a.ID, Note: "x", At: tNano, By: "x"}, cli); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("another regulator's erratum: %v", err)
		}
		if err := db.AddErratum(ctx, bd.reg.ID, &huifang.Erratum{DisclosureID: q4.ID, RowID: a.ID, Note: "x", At: tNano, By: "x"}, cli); !errors.Is(err, huifang.ErrNotFound) {
			t.Fatalf("a row of another quarter: %v", err)
		}
		e2 := &huifang.Erratum{DisclosureID: q1.ID, RowID: b.ID, Note: "说明", At: tNano.Add(72 * time.Hour), By: "cli"}
		must(t, db.AddErratum(ctx, bd.reg.ID, e2, cli))
		got, err = db.FindDisclosure(ctx, bd.reg.ID, "2026-Q1")
		must(t, err)
		if len(got.Errata) != 2 || got.Errata[0].ID != e1.ID || got.Errata[0].OrgCode != "A" || !got.Errata[0].Corrected || got.Errata[0].Num != 96 ||
			got.Errata[0].Note != "漏报一件" || got.Errata[1].OrgCode != "B" || got.Errata[1].Corrected || got.Errata[1].Indicator != "" {
			t.Fatalf("errata %+v", got.Errata)
		}
		sameMS(t, "erratum", got.Errata[0].At, e1.At)
		sameMS(t, "changed by the errata", got.Changed, e2.At)
		if f, _ := got.Rows[0].Figure("success_rate"); f.Num != 95 {
			t.Fatalf("the original figure moved: %+v", f)
		}

		// Frozen: the engine refuses any change.
		for _, q := range []string{`UPDATE disclosures SET published_by = 'x'`, `UPDATE disclosure_rows SET figures = '[]'`, `UPDATE disclosure_errata SET note = 'x'`} {
			if err := db.ExecForTest(ctx, q); err == nil {
				t.Errorf("%s: allowed", q)
			}
		}

		// Public list: every regulator's, the latest period first.
		must(t, func() error { _, err := publish(other.ID, "2026-Q1", tNano); return err }())
		all, err := db.ListDisclosures(ctx, huifang.DisclosureFilter{})
		must(t, err)
		if len(all) != 3 || all[0].Period != "2026-Q1" || all[0].RegulatorCode != "REG" || all[1].RegulatorCode != "REG2" || all[2].Period != "2025-Q4" {
			t.Fatalf("list %+v", all)
		}
		mine, err := db.ListDisclosures(ctx, huifang.DisclosureFilter{RegulatorID: bd.reg.ID})
		must(t, err)
		if len(mine) != 2 || len(mine[0].Rows) != 0 {
			t.Fatalf("the regulator's list %+v", mine)
		}
		sameMS(t, "listed changed", mine[0].Changed, e2.At)

		hist, err := db.DisclosureHistory(ctx, bd.reg.ID)
		must(t, err)
		if len(hist) != 4 || hist[0].OrgCode != "A" || hist[0].Period != "2026-Q1" || !hist[0].Corrected || hist[1].Period != "2025-Q4" || hist[1].Corrected ||
			hist[2].OrgCode != "B" {
			t.Fatalf("history %+v", hist)
		}
	})
}
