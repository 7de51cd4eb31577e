package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/browsertest"
)

// TestBrowserRectification: a supervisor sends A a rectification notice
// (an empty form first: each field says what it lacks); A's administrator
// finds it in the list, answers it; the supervisor closes it.
func TestBrowserRectification(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	f := setup(t, world(t))
	sup := f.user(t, "REG", "sup", huifang.RoleSupervisor)

	loginAs(t, b, f, "sup")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-rectifications")),
		chromedp.WaitVisible(chromedp.ID("send-form")),
		chromedp.Click(chromedp.ID("send-submit")),
		chromedp.WaitVisible(chromedp.ID("send-subject-error")),
	)
	for _, id := range []string{"send-company-error", "send-body-error", "send-due-error"} {
		if got := b.Text(t, "#"+id); got == "" {
			t.Fatalf("%s empty", id)
		}
	}
	b.Screenshot(t, "rectification-send-errors")
	b.Do(t,
		chromedp.SetValue(chromedp.ID("send-company"), "A"),
		chromedp.SendKeys(chromedp.ID("send-subject"), "新单回访成功率偏低"),
		chromedp.SendKeys(chromedp.ID("send-body"), "请分析二月新单回访成功率偏低的原因，制定整改措施并书面报送。"),
		chromedp.SetValue(chromedp.ID("send-due"), "2026-03-20"),
		chromedp.Click(chromedp.ID("send-submit")),
		chromedp.WaitVisible(chromedp.ID("rectification-notice")),
	)
	if st := b.Text(t, "#rectification-list tbody tr .tag"); st != "待答复" {
		t.Fatalf("status after sending %q", st)
	}
	b.Screenshot(t, "rectification-sent")
	b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))

	loginAs(t, b, f, "adm")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-rectifications")),
		chromedp.WaitVisible(chromedp.ID("rectification-list")),
		chromedp.Click(chromedp.CSS("#rectification-list tbody tr a[id$=-open]")),
		chromedp.WaitVisible(chromedp.ID("answer-form")),
		chromedp.Click(chromedp.ID("answer-submit")),
		chromedp.WaitVisible(chromedp.ID("answer-text-error")),
		chromedp.SendKeys(chromedp.ID("answer-text"), "已完成原因分析：部分客户电话空号。3 月底前完成回访员培训并复核联系电话。"),
		chromedp.Click(chromedp.ID("answer-submit")),
		chromedp.WaitVisible(chromedp.ID("rectification-notice")),
	)
	if st := b.Text(t, "#rectification-status"); st != "已答复" {
		t.Fatalf("status after answering %q", st)
	}
	b.Screenshot(t, "rectification-answered")
	b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))

	loginAs(t, b, f, "sup")
	b.Do(t,
		chromedp.Click(chromedp.ID("nav-rectifications")),
		chromedp.WaitVisible(chromedp.ID("rectification-list")),
		chromedp.Click(chromedp.CSS("#rectification-list tbody tr a[id$=-open]")),
		chromedp.WaitVisible(chromedp.ID("decide-form")),
		chromedp.SendKeys(chromedp.ID("decide-comment"), "整改措施可行，予以关闭。"),
		chromedp.Click(chromedp.ID("decide-close")),
		chromedp.WaitVisible(chromedp.ID("rectification-notice")),
	)
	if st := b.Text(t, "#rectification-status"); st != "已关闭" {
		t.Fatalf("status after closing %q", st)
	}
	if tl := b.Text(t, "#timeline"); !strings.Contains(tl, "公司答复") || !strings.Contains(tl, "整改措施可行") {
		t.Fatalf("timeline %q", tl)
	}
	b.Screenshot(t, "rectification-closed")

	// A second notice, left unanswered past its due date: overdue in the list, in English too.
	if _, err := f.svc.SendRectification(ctx, sup, app.RectificationInput{OrgCode: "A", Subject: "统计报表报送不及时", Body: "请说明原因", Due: "2026-03-06"}); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(time.Date(2026, 3, 9, 9, 0, 0, 0, huifang.Shanghai))
	b.Do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))
	loginAs(t, b, f, "sup") // days later: a new session
	b.Do(t,
		chromedp.Navigate(f.srv.URL+"/rectifications?lang=en"),
		chromedp.WaitVisible(chromedp.ID("rectification-list")),
	)
	if got := b.Text(t, "#rectification-list tr.overdue .badge"); got != "Overdue" {
		t.Fatalf("overdue badge %q", got)
	}
	b.Screenshot(t, "rectification-list-overdue-en")
}
