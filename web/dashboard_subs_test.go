package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/indicator"
)

// TestSubmissionsSection renders the regulator's section of late and
// missing statistics tables from the view model Service.SubmissionStatus
// will feed: only what the regulator has to chase, in both languages; no
// section while the service has no submissions.
func TestSubmissionsSection(t *testing.T) {
	t.Parallel()
	st, err := loadStatic()
	if err != nil {
		t.Fatal(err)
	}
	v, err := parseViews(st)
	if err != nil {
		t.Fatal(err)
	}
	feb := indicator.Period{Kind: indicator.Month, Year: 2026, N: 2}
	jan := indicator.Period{Kind: indicator.Month, Year: 2026, N: 1}
	subs := []submissionView{
		{OrgCode: "A", OrgName: "甲人寿", Period: feb, Due: huifang.NewDate(2026, 3, 10), Status: "accepted", Version: 1,
			SubmittedAt: time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)},
		{OrgCode: "B", OrgName: "乙人寿", Period: feb, Due: huifang.NewDate(2026, 3, 10), Status: "missing"},
		{OrgCode: "C", OrgName: "丙人寿", Period: feb, Due: huifang.NewDate(2026, 3, 10), Status: "submitted", Version: 2, Late: true,
			SubmittedAt: time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC)},
		// B again: January missing too (one row for B, both periods), and
		// D had no business in February: nothing to chase.
		{OrgCode: "B", OrgName: "乙人寿", Period: jan, Due: huifang.NewDate(2026, 2, 10), Status: "missing"},
		{OrgCode: "D", OrgName: "丁人寿", Period: feb, Due: huifang.NewDate(2026, 3, 10), Status: "no-business"},
	}
	render := func(l lang, pg *dashPage) string {
		t.Helper()
		var buf bytes.Buffer
		if err := v.pages[l]["dashboard"].ExecuteTemplate(&buf, "submissions", pg); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	for _, tc := range []struct {
		l              lang
		missing, late  string
		nothingToChase string
	}{{langZH, "未报送", "逾期报送", "所有报表均已按时报送"}, {langEN, "Missing", "late", "on time"}} {
		chase := lateOrMissing(subs)
		if len(chase) != 2 || chase[0].OrgCode != "B" || len(chase[0].Missing) != 2 || chase[0].Missing[0].Period != jan ||
			chase[1].OrgCode != "C" || len(chase[1].Late) != 1 {
			t.Fatalf("by company: %+v", chase)
		}
		got := render(tc.l, &dashPage{Submissions: chase, SubmissionsOn: true})
		if strings.Count(got, `data-org="B"`) != 1 || strings.Count(got, `data-status="missing"`) != 2 || !strings.Contains(got, `data-org="C"`) ||
			!strings.Contains(got, `data-status="submitted" data-period="2026-02"`) ||
			strings.Contains(got, `data-org="A"`) || strings.Contains(got, `data-org="D"`) || !strings.Contains(got, tc.missing) || !strings.Contains(got, tc.late) {
			t.Errorf("%s:\n%s", tc.l, got)
		}
		if got := render(tc.l, &dashPage{Submissions: lateOrMissing(subs[:1]), SubmissionsOn: true}); !strings.Contains(got, tc.nothingToChase) {
			t.Errorf("%s, all on time:\n%s", tc.l, got)
		}
		if got := render(tc.l, &dashPage{}); strings.TrimSpace(got) != "" {
			t.Errorf("%s, no submissions tracked:\n%s", tc.l, got)
		}
	}
}
