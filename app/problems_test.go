package app_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/mail"
	"github.com/huifang/huifang/mail/smtptest"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/testworld"
)

// readEvidence reads a problem case's document through the service.
func readEvidence(t *testing.T, svc *app.Service, u *huifang.User, id int64) (string, *huifang.Evidence) {
	t.Helper()
	body, doc, err := svc.Evidence(ctx, u, id)
	if err != nil {
		t.Fatalf("evidence %d: %v", id, err)
	}
	defer body.Close()
	data, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("read evidence %d: %v", id, err)
	}
	return string(data), doc
}

func (w *world) user(t *testing.T, org, login string, role huifang.Role, branch, email string) *huifang.User {
	t.Helper()
	in := app.UserInput{OrgCode: org, Login: login, Role: role, BranchCode: branch, Email: email, Password: "secret-password"}
	if role == huifang.RoleSupervisor {
		in.Companies = followAll(t, w.svc, org)
	}
	u, err := w.svc.CreateUser(ctx, app.CLI(), in)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// followAll is every company of the regulator reg: the supervisors of most
// tests follow them all.
func followAll(t *testing.T, svc *app.Service, reg string) []string {
	t.Helper()
	ra, err := svc.RegulatorCLI(ctx, reg)
	if err != nil {
		t.Fatal(err)
	}
	cos, err := svc.Overseen(ctx, ra)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, o := range cos {
		codes = append(codes, o.Code)
	}
	return codes
}

// signedByAnother takes the next callback and finishes it with item 2
// ("signed personally") answered no.
func (w *world) signedByAnother(t *testing.T, op *huifang.User) *huifang.ProblemCase {
	t.Helper()
	work, err := w.svc.Next(ctx, op)
	mustDo(t, func() error { return err })
	done, err := w.svc.Finish(ctx, op, work.Callback.ID, answering(work, "signed", "no"))
	mustDo(t, func() error { return err })
	cs, err := w.svc.ListProblemCases(ctx, op, huifang.ProblemFilter{CallbackID: done.ID})
	mustDo(t, func() error { return err })
	if len(cs) != 1 || cs[0].Type != huifang.ProblemUnsigned {
		t.Fatalf("cases %+v", cs)
	}
	return &cs[0]
}

func TestProblemCaseWorkflow(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		smtp := smtptest.Start(t)
		w.svc.Mail = mail.NewSMTP(mail.Config{Addr: smtp.Addr(), From: "huifang@example.com", Timeout: 5 * time.Second})
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "mgr@example.com")
		city := w.user(t, "A", "h-city", huifang.RoleHandler, "860101", "")
		unit := w.user(t, "A", "h-unit", huifang.RoleHandler, "86010101", "unit@example.com")
		w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1))

		// Thursday 5 March 2026: the callback finds the documents signed by someone else.
		c := w.signedByAnother(t, w.op)
		// Seed bureau: 20 working days where the customer must act (Qingming is after).
		if c.DueOn != huifang.NewDate(2026, 4, 2) || c.LimitDays != 20 || !c.LimitWorking || c.AgentCode != "A001" {
			t.Fatalf("case deadline %v (%d working: %v)", c.DueOn, c.LimitDays, c.LimitWorking)
		}
		// Transfer to the city branch, which returns it with a reason.
		_, err := w.svc.Transfer(ctx, mgr, c.ID, app.TransferInput{Branch: "860101"})
		mustDo(t, func() error { return err })
		if _, err := w.svc.Act(ctx, city, c.ID, app.ActionInput{Kind: "explained"}); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("acting on an unacknowledged transfer: %v", err)
		}
		_, err = w.svc.ReturnTransfer(ctx, city, c.ID, "应由营业部处理")
		mustDo(t, func() error { return err })
		// Transfer to the unit's handler, with a hop deadline of its own.
		_, err = w.svc.Transfer(ctx, mgr, c.ID, app.TransferInput{Branch: "86010101", Handler: "h-unit", DueOn: huifang.NewDate(2026, 3, 20)})
		mustDo(t, func() error { return err })
		_, err = w.svc.Acknowledge(ctx, unit, c.ID)
		mustDo(t, func() error { return err })
		if err := w.svc.Resolve(ctx, unit, c.ID); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("resolving without a re-callback: %v", err)
		}
		if _, err := w.svc.Act(ctx, unit, c.ID, app.ActionInput{Kind: "re-signed", Note: "客户本人重新签署"}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("re-signing without the document: %v", err)
		}
		_, err = w.svc.Act(ctx, unit, c.ID, app.ActionInput{Kind: "re-signed", Note: "客户本人重新签署", Evidence: &app.Upload{Name: "回执.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 signed")}})
		mustDo(t, func() error { return err })
		_, err = w.svc.RequestRecallback(ctx, unit, c.ID)
		mustDo(t, func() error { return err })
		// The re-callback goes to the operators' pool; it succeeds the next day.
		w.clk.t = at(6, 10, 0)
		work, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if work.Callback.Kind != huifang.KindRecallback || work.Callback.CaseID != c.ID {
			t.Fatalf("re-callback %+v", work.Callback)
		}
		_, err = w.svc.Finish(ctx, w.op, work.Callback.ID, passing(work))
		mustDo(t, func() error { return err })
		v, err := w.svc.Case(ctx, unit, c.ID)
		mustDo(t, func() error { return err })
		if v.Case.Status != huifang.ProblemResolved || v.Case.ResolvedAt.IsZero() {
			t.Fatalf("case after re-callback %+v", v.Case)
		}
		var kinds []string
		evidence := int64(0)
		for _, e := range v.Events {
			kinds = append(kinds, e.Kind)
			if e.EvidenceID != 0 {
				evidence = e.EvidenceID
			}
		}
		want := "opened transferred returned transferred acknowledged action recallback recallback-result resolved"
		if strings.Join(kinds, " ") != want || !strings.Contains(v.Events[len(v.Events)-1].Detail, "按时") {
			t.Fatalf("timeline %v", kinds)
		}
		// Without a blob store the document is kept in the database.
		if data, doc := readEvidence(t, w.svc, unit, evidence); data != "%PDF-1.4 signed" || doc.SHA256 == "" || doc.Key != "" {
			t.Fatalf("evidence %q %+v", data, doc)
		}
		if _, _, err := w.svc.Evidence(ctx, w.opB, evidence); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("evidence across insurers: %v", err)
		}
		if _, err := w.svc.Reopen(ctx, unit, c.ID, "x"); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("reopen a resolved case: %v", err)
		}

		// Another case, opened by hand: 10 working days (complaint), due 20 March.
		c2, err := w.svc.OpenCase(ctx, mgr, "P1", huifang.ProblemComplaint, "客户来电投诉业务员")
		mustDo(t, func() error { return err })
		if c2.DueOn != huifang.NewDate(2026, 3, 20) {
			t.Fatalf("complaint due %v", c2.DueOn)
		}
		_, err = w.svc.Transfer(ctx, mgr, c2.ID, app.TransferInput{Branch: "86010101", Handler: "h-unit"})
		mustDo(t, func() error { return err })
		_, err = w.svc.Acknowledge(ctx, unit, c2.ID)
		mustDo(t, func() error { return err })
		// Wednesday 18 March: due within 2 working days, on the handler's board.
		w.clk.t = at(18, 9, 0)
		board, err := w.svc.Board(ctx, unit, app.BoardFilter{DueSoon: true})
		mustDo(t, func() error { return err })
		if len(board) != 1 || board[0].Case.ID != c2.ID {
			t.Fatalf("due-soon board %+v", board)
		}
		// Monday 23 March: overdue; it escalates once, to the city branch and the managers.
		w.clk.t = at(23, 9, 0)
		n, err := w.svc.Escalate(ctx)
		if err != nil || n != 1 {
			t.Fatalf("escalate: %d %v", n, err)
		}
		if n, _ := w.svc.Escalate(ctx); n != 0 {
			t.Fatalf("escalated twice: %d", n)
		}
		// Handlers were also told of the transfers to them (kind "transfer").
		escalations := func(u *huifang.User) []huifang.Notification {
			ns, _ := w.db.ListNotifications(ctx, u.OrgID, u.ID, 10)
			var out []huifang.Notification
			for _, n := range ns {
				if n.Kind == "escalation" {
					out = append(out, n)
				}
			}
			return out
		}
		for _, u := range []*huifang.User{mgr, city} {
			ns := escalations(u)
			if len(ns) != 1 || ns[0].CaseID == 0 {
				t.Fatalf("%s notifications %+v", u.Login, ns)
			}
		}
		if ns := escalations(unit); len(ns) != 0 {
			t.Fatalf("the holder was told of its own escalation: %+v", ns)
		}
		// The daily digest: in the app, and by mail to those with an address; once a day.
		sent, err := w.svc.Digest(ctx)
		if err != nil || sent != 2 { // the manager and the unit's handler
			t.Fatalf("digest sent %d: %v", sent, err)
		}
		if again, _ := w.svc.Digest(ctx); again != 0 {
			t.Fatalf("digest sent twice: %d", again)
		}
		msgs := smtp.Wait(t, 3, 5*time.Second) // escalation to mgr, digests to mgr and unit
		var digests int
		for _, m := range msgs {
			if strings.Contains(m.Subject(), "每日提醒") {
				digests++
				if !strings.Contains(m.Text(), "已超期的问题件 1 件") {
					t.Fatalf("digest text %q", m.Text())
				}
			}
		}
		if digests != 2 {
			t.Fatalf("%d digests mailed of %d messages", digests, len(msgs))
		}
	})
}

func TestNationalBaselineDeadline(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		if _, err := w.svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindRegulator, Code: "NAT", Name: "全国", Profile: profile.NationalBaseline}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindInsurer, Code: "N", Name: "丁人寿", RegulatorCode: "NAT", ServicePhone: "95511"}); err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct {
			kind importer.Kind
			body string
		}{{importer.KindBranches, branchesCSV}, {importer.KindProducts, productsCSV}, {importer.KindAgents, agentsCSV}, {importer.KindOutlets, outletsCSV}} {
			w.importFile(t, "N", f.kind, f.body)
		}
		w.importFile(t, "N", importer.KindPolicies, policyHead+policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1))
		op := w.user(t, "N", "n-op", huifang.RoleOperator, "", "")
		c := w.signedByAnother(t, op)
		if c.DueOn != huifang.NewDate(2026, 3, 26) || c.LimitDays != 15 {
			t.Fatalf("national deadline %v (%d)", c.DueOn, c.LimitDays)
		}
		// A profile change applies from a later date and leaves this deadline alone.
		sup := w.user(t, "NAT", "nat-sup", huifang.RoleSupervisor, "", "")
		r, _, _ := profile.Shipped(profile.NationalBaseline)
		r.Limits[huifang.ProblemUnsigned] = profile.Limit{Days: 5, Working: true}
		if _, err := w.svc.ChangeProfile(ctx, sup, app.ProfileInput{From: huifang.NewDate(2026, 3, 5), Rules: r}); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("a change dated today: %v", err)
		}
		if _, err := w.svc.ChangeProfile(ctx, sup, app.ProfileInput{From: huifang.NewDate(2026, 3, 10), Rules: r, Note: "缩短时限"}); err != nil {
			t.Fatal(err)
		}
		got, _ := w.svc.Case(ctx, op, c.ID)
		if got.Case.DueOn != huifang.NewDate(2026, 3, 26) {
			t.Fatalf("deadline moved to %v", got.Case.DueOn)
		}
		v, err := w.svc.ProfileFor(ctx, op.OrgID, huifang.NewDate(2026, 3, 10))
		if err != nil || v.Rules.Limits[huifang.ProblemUnsigned].Days != 5 {
			t.Fatalf("profile in force on 03-10: %+v %v", v.Rules.Limits[huifang.ProblemUnsigned], err)
		}
		if _, err := w.svc.ChangeProfile(ctx, op, app.ProfileInput{From: huifang.NewDate(2026, 3, 10), Rules: r}); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("an insurer's operator changing the profile: %v", err)
		}
	})
}

// TestEscalateRace: two processes escalating at the same moment escalate a
// case once (the job lock aside, the case's own guard holds).
func TestEscalateRace(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1))
		for i := 0; i < 5; i++ {
			if _, err := w.svc.OpenCase(ctx, mgr, "P1", huifang.ProblemComplaint, "投诉"); err != nil {
				t.Fatal(err)
			}
		}
		w.clk.t = at(27, 10, 0)
		var wg sync.WaitGroup
		counts := make([]int, 4)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := w.svc.Escalate(ctx)
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		total := 0
		for _, n := range counts {
			total += n
		}
		ns, _ := w.db.ListNotifications(ctx, mgr.OrgID, mgr.ID, 50)
		if total != 5 || len(ns) != 5 {
			t.Fatalf("escalations %v (total %d), notices %d; want 5 and 5", counts, total, len(ns))
		}
	})
}

// TestEvidenceInBlobStore: with a blob store a problem case's document goes
// there (key and checksum in the row, no bytes in the database); a document
// stored in the database before still downloads.
func TestEvidenceInBlobStore(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		unit := w.user(t, "A", "h-unit", huifang.RoleHandler, "86010101", "")
		w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1))
		c := w.signedByAnother(t, w.op)
		_, err := w.svc.Transfer(ctx, mgr, c.ID, app.TransferInput{Branch: "86010101", Handler: "h-unit"})
		mustDo(t, func() error { return err })
		_, err = w.svc.Acknowledge(ctx, unit, c.ID)
		mustDo(t, func() error { return err })
		act := func(data string) int64 {
			t.Helper()
			_, err := w.svc.Act(ctx, unit, c.ID, app.ActionInput{Kind: "visit", Note: "上门", Evidence: &app.Upload{Name: "回执.pdf", ContentType: "application/pdf", Data: []byte(data)}})
			mustDo(t, func() error { return err })
			v, err := w.svc.Case(ctx, unit, c.ID)
			mustDo(t, func() error { return err })
			return v.Events[len(v.Events)-1].EvidenceID
		}
		// Before the blob store: in the database.
		old := act("%PDF-1.4 old")
		blobs, err := blob.NewLocal(t.TempDir())
		mustDo(t, func() error { return err })
		w.svc.Blobs = blobs
		fresh := act("%PDF-1.4 new")

		row, err := w.db.FindEvidence(ctx, w.op.OrgID, fresh)
		mustDo(t, func() error { return err })
		if row.Key == "" || len(row.Data) != 0 || row.Size != int64(len("%PDF-1.4 new")) || !strings.HasPrefix(row.Key, fmt.Sprintf("org-%d/problem-cases/%d/", w.op.OrgID, c.ID)) {
			t.Fatalf("new evidence row %+v", row)
		}
		info, err := blobs.Stat(ctx, row.Key)
		if err != nil || info.SHA256 != row.SHA256 {
			t.Fatalf("blob %+v %v, row sha256 %s", info, err, row.SHA256)
		}
		if data, doc := readEvidence(t, w.svc, unit, fresh); data != "%PDF-1.4 new" || doc.Name != "回执.pdf" {
			t.Fatalf("new evidence %q %+v", data, doc)
		}
		if data, doc := readEvidence(t, w.svc, mgr, old); data != "%PDF-1.4 old" || doc.Key != "" {
			t.Fatalf("old evidence %q %+v", data, doc)
		}
		if _, _, err := w.svc.Evidence(ctx, w.opB, fresh); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("evidence across insurers: %v", err)
		}
		// An object replaced in the store is refused: it carries a checksum of
		// its own, but the one the database recorded at upload decides.
		mustDo(t, func() error {
			_, err := blobs.Put(ctx, row.Key, strings.NewReader("%PDF-1.4 neW"), -1, "application/pdf")
			return err
		})
		if _, _, err := w.svc.Evidence(ctx, unit, fresh); !errors.Is(err, blob.ErrChecksum) {
			t.Fatalf("replaced evidence opened: %v", err)
		}
	})
}
