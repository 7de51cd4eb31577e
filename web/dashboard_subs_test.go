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
	subs := []submissionView{
		{OrgCode: "A", OrgName: "甲人寿", Period: feb, Due: huifang.NewDate(2026, 3, 10), Status: "accepted", Version: 1,
			SubmittedAt: time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)},
		{OrgCode: "B", OrgName: "乙人寿", Period: feb, Due: huifang.NewDate(2026, 3, 10), Status: "missing"},
		{OrgCode: "C", OrgName: "丙人寿", Period: feb, Due: huifang.NewDate(2026, 3, 10), Status: "submitted", Version: 2, Late: true,
			SubmittedAt: time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC)},
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
	}{{langZH, "未报送", "逾期报送", "所有报表均已按时报送"}, {langEN, "missing", "late", "on time"}} {
		got := render(tc.l, &dashPage{Submissions: lateOrMissing(subs), SubmissionsOn: true})
		if !strings.Contains(got, `data-org="B" data-status="missing"`) || !strings.Contains(got, `data-org="C" data-status="submitted"`) ||
			strings.Contains(got, `data-org="A"`) || !strings.Contains(got, tc.missing) || !strings.Contains(got, tc.late) {
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
