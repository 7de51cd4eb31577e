package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/mail"
	"github.com/huifang/huifang/mail/smtptest"
	"github.com/huifang/huifang/testworld"
)

func notices(t *testing.T, w *world, u *huifang.User) []huifang.Notification {
	t.Helper()
	ns, err := w.db.ListNotifications(ctx, u.OrgID, u.ID, 50)
	mustDo(t, func() error { return err })
	return ns
}

// TestRectificationNotices: a supervisor sends A a notice (A's
// administrators and managers are told); A's administrator answers (the
// supervisor is told); the supervisor returns it, A answers again, the
// supervisor closes it; each step once, in order, audited. B, an operator, a
// supervisor of another regulator cannot see or touch it.
func TestRectificationNotices(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		mgrB := w.user(t, "B", "mgrb", huifang.RoleManager, "", "")
		_, err := w.svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindRegulator, Code: "REG2", Name: "另一保监局"})
		mustDo(t, func() error { return err })
		sup2 := w.user(t, "REG2", "sup2", huifang.RoleSupervisor, "", "")

		// Refused: an empty form (every field at once), a company of another regulator, an operator.
		_, err = w.svc.SendRectification(ctx, sup, app.RectificationInput{})
		if e, ok := err.(*huifang.Error); !ok || e.Code != huifang.EINVALID || len(e.Fields) != 4 {
			t.Fatalf("empty form: %#v", err)
		}
		_, err = w.svc.SendRectification(ctx, sup, app.RectificationInput{OrgCode: "A", Subject: "s", Body: "b", Due: "2026-03-05"})
		if e, ok := err.(*huifang.Error); !ok || len(e.Fields) != 1 || e.Fields[0].Field != "due" {
			t.Fatalf("due today: %#v", err)
		}
		in := app.RectificationInput{OrgCode: "A", Subject: "新单回访成功率偏低", Body: "请分析原因，制定整改措施并报送。", Due: "2026-03-20"}
		if _, err := w.svc.SendRectification(ctx, sup2, in); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("a supervisor who does not oversee A: %v", err)
		}
		if _, err := w.svc.SendRectification(ctx, w.op, in); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an operator sends: %v", err)
		}
		if _, err := w.svc.SendRectification(ctx, w.admin, in); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an insurer's administrator sends: %v", err)
		}

		r, err := w.svc.SendRectification(ctx, sup, in)
		mustDo(t, func() error { return err })
		if r.Status != huifang.RectificationOpen || r.OrgCode != "A" || r.DueOn != huifang.NewDate(2026, 3, 20) || r.SentBy != "sup" {
			t.Fatalf("sent %+v", r)
		}
		for _, u := range []*huifang.User{w.admin, mgr} {
			if ns := notices(t, w, u); len(ns) != 1 || ns[0].Kind != "rectification" || !strings.Contains(ns[0].Body, "请分析原因") {
				t.Fatalf("%s told %+v", u.Login, ns)
			}
		}
		if ns := notices(t, w, mgrB); len(ns) != 0 {
			t.Fatalf("B told %+v", ns)
		}

		// Seen by the supervisor and by A; not by B, an operator, another regulator.
		if list, err := w.svc.Rectifications(ctx, sup, app.RectificationQuery{}); err != nil || len(list) != 1 {
			t.Fatalf("supervisor's list %+v %v", list, err)
		}
		if list, err := w.svc.Rectifications(ctx, w.admin, app.RectificationQuery{}); err != nil || len(list) != 1 {
			t.Fatalf("A's list %+v %v", list, err)
		}
		if list, err := w.svc.Rectifications(ctx, mgrB, app.RectificationQuery{}); err != nil || len(list) != 0 {
			t.Fatalf("B's list %+v %v", list, err)
		}
		if list, err := w.svc.Rectifications(ctx, sup2, app.RectificationQuery{}); err != nil || len(list) != 0 {
			t.Fatalf("REG2's list %+v %v", list, err)
		}
		for _, u := range []*huifang.User{mgrB, sup2} {
			if _, err := w.svc.Rectification(ctx, u, r.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
				t.Fatalf("%s sees A's notice: %v", u.Login, err)
			}
		}
		if _, err := w.svc.Rectifications(ctx, w.op, app.RectificationQuery{}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an operator lists: %v", err)
		}
		if _, err := w.svc.AnswerRectification(ctx, w.op, r.ID, "x"); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an operator answers: %v", err)
		}
		if _, err := w.svc.AnswerRectification(ctx, mgrB, r.ID, "x"); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("B answers A's notice: %v", err)
		}
		// Closing before an answer: refused.
		if _, err := w.svc.CloseRectification(ctx, sup, r.ID, ""); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("closed unanswered: %v", err)
		}

		w.clk.t = at(12, 15, 0)
		_, err = w.svc.AnswerRectification(ctx, w.admin, r.ID, "已完成原因分析，整改措施见附件说明。")
		mustDo(t, func() error { return err })
		if ns := notices(t, w, sup); len(ns) != 1 || !strings.Contains(ns[0].Subject, "已答复") {
			t.Fatalf("the supervisor told %+v", ns)
		}
		if _, err := w.svc.CloseRectification(ctx, w.admin, r.ID, ""); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("the company closes: %v", err)
		}
		if _, err := w.svc.CloseRectification(ctx, sup2, r.ID, ""); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("another regulator closes: %v", err)
		}
		if _, err := w.svc.ReturnRectification(ctx, sup, r.ID, " "); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("returned without a comment: %v", err)
		}
		_, err = w.svc.ReturnRectification(ctx, sup, r.ID, "措施不具体，请补充时间表。")
		mustDo(t, func() error { return err })
		if ns := notices(t, w, mgr); len(ns) != 2 || !strings.Contains(ns[0].Body, "请补充时间表") {
			t.Fatalf("the manager told of the return %+v", ns)
		}
		_, err = w.svc.AnswerRectification(ctx, mgr, r.ID, "补充：3 月底前完成回访员培训。")
		mustDo(t, func() error { return err })
		if ns := notices(t, w, sup); len(ns) != 2 {
			t.Fatalf("the supervisor told of the second answer %+v", ns)
		}
		closed, err := w.svc.CloseRectification(ctx, sup, r.ID, "整改到位")
		mustDo(t, func() error { return err })
		if closed.Status != huifang.RectificationClosed || closed.Returns != 1 || closed.Answer != "补充：3 月底前完成回访员培训。" || closed.ClosedBy != "sup" {
			t.Fatalf("closed %+v", closed)
		}
		v, err := w.svc.Rectification(ctx, w.admin, r.ID)
		mustDo(t, func() error { return err })
		var kinds []string
		for _, e := range v.Events {
			kinds = append(kinds, e.Kind+":"+e.Actor)
		}
		if strings.Join(kinds, " ") != "sent:sup answered:adm returned:sup answered:mgr closed:sup" || v.CanAnswer || v.CanDecide {
			t.Fatalf("timeline %v %+v", kinds, v)
		}
		audit, err := w.db.ListAudit(ctx, r.OrgID, huifang.AuditFilter{Entity: "rectification"})
		mustDo(t, func() error { return err })
		if len(audit) != 5 {
			t.Fatalf("audit %+v", audit)
		}
		// The command line lists it from both sides.
		for _, code := range []string{"REG", "A"} {
			if list, err := w.svc.RectificationsOf(ctx, code, "closed"); err != nil || len(list) != 1 {
				t.Fatalf("%s: %+v %v", code, list, err)
			}
		}
		if list, _ := w.svc.RectificationsOf(ctx, "B", ""); len(list) != 0 {
			t.Fatalf("B: %+v", list)
		}
	})
}

// TestRegulatorDigest: nothing to say, no digest; then a day with an
// overdue problem case, a missing statistics table and an overdue notice at
// A: the supervisor and the regulator's administrator each get one digest
// (in the app and by mail) naming them, once that day; A is told of its
// overdue notice once; B, whose table came late but came, is not named.
func TestRegulatorDigest(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		smtp := smtptest.Start(t)
		w.svc.Mail = mail.NewSMTP(mail.Config{Addr: smtp.Addr(), From: "huifang@example.com", Timeout: 5 * time.Second})
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "sup@example.com")
		regAdm := w.user(t, "REG", "regadm", huifang.RoleRegAdmin, "", "")
		off := w.user(t, "REG", "off", huifang.RoleSupervisor, "", "")
		mustDo(t, func() error { return w.svc.SetUserDisabled(ctx, app.CLI(), "REG", "off", true) })
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		mgrB := w.user(t, "B", "mgrb", huifang.RoleManager, "", "")

		if n, err := w.svc.RegulatorDigest(ctx); err != nil || n != 0 {
			t.Fatalf("nothing to say, yet %d digests: %v", n, err)
		}
		w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1))
		c, err := w.svc.OpenCase(ctx, mgr, "P1", huifang.ProblemComplaint, "客户投诉销售人员")
		mustDo(t, func() error { return err })
		r, err := w.svc.SendRectification(ctx, sup, app.RectificationInput{OrgCode: "A", Subject: "问题件超期", Body: "限期办结", Due: "2026-03-10"})
		mustDo(t, func() error { return err })

		// Saturday 11 April: the case (due in March) is overdue, March's table was due on 10 April, the notice on 10 March.
		// B submitted its March table, late: nothing to say of B.
		w.clk.t = time.Date(2026, 4, 11, 8, 0, 0, 0, huifang.Shanghai)
		mustDo(t, func() error { _, err := w.svc.SubmitStats(ctx, mgrB, app.SubmitInput{Period: "2026-03"}); return err })
		n, err := w.svc.RegulatorDigest(ctx)
		if err != nil || n != 2 {
			t.Fatalf("digests %d: %v", n, err)
		}
		if again, _ := w.svc.RegulatorDigest(ctx); again != 0 {
			t.Fatalf("digest sent twice: %d", again)
		}
		for _, u := range []*huifang.User{sup, regAdm} {
			ns := notices(t, w, u)
			var d *huifang.Notification
			for i := range ns {
				if ns[i].Kind == "regdigest" {
					d = &ns[i]
				}
			}
			if d == nil {
				t.Fatalf("%s: no digest in %+v", u.Login, ns)
			}
			for _, want := range []string{"A人寿（A）", "已超期的问题件 1 件", c.PolicyNo, "2026年3月 报表应于 2026-04-10 前报送", "逾期未答复的整改通知 1 份", "问题件超期"} {
				if !strings.Contains(d.Body, want) {
					t.Fatalf("%s digest lacks %q:\n%s", u.Login, want, d.Body)
				}
			}
			if strings.Contains(d.Body, "B人寿") {
				t.Fatalf("B has nothing to say, yet:\n%s", d.Body)
			}
		}
		if ns := notices(t, w, off); len(ns) != 0 {
			t.Fatalf("a disabled supervisor got %+v", ns)
		}
		var overdue int
		for _, x := range notices(t, w, mgr) {
			if strings.Contains(x.Subject, "逾期未答复") && strings.Contains(x.Subject, r.Subject) {
				overdue++
			}
		}
		if overdue != 1 {
			t.Fatalf("A told of its overdue notice %d times", overdue)
		}
		msgs := smtp.Wait(t, 1, 5*time.Second)
		if !strings.Contains(msgs[0].Subject(), "监管每日提醒") || !strings.Contains(msgs[0].Text(), "问题件超期") {
			t.Fatalf("mailed %q %q", msgs[0].Subject(), msgs[0].Text())
		}
	})
}
