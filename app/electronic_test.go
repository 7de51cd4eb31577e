package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/script"
	"github.com/huifang/huifang/sms"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/testworld"
)

// phoneSMS is a text-message sender that keeps what it was given.
type phoneSMS struct {
	mu   sync.Mutex
	msgs []sms.Message
	fail bool
}

func (p *phoneSMS) Send(_ context.Context, m sms.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail {
		return errors.New("gateway down")
	}
	p.msgs = append(p.msgs, m)
	return nil
}

var (
	tokenRE = regexp.MustCompile(`/e/([A-Za-z0-9_-]+)`)
	codeRE  = regexp.MustCompile(`验证码为 (\d{6})`)
)

// last returns the text of the last message to a phone, of a kind.
func (p *phoneSMS) last(t *testing.T, to, kind string) string {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.msgs) - 1; i >= 0; i-- {
		if p.msgs[i].To == to && p.msgs[i].Kind == kind {
			return p.msgs[i].Text
		}
	}
	t.Fatalf("no %s message to %s", kind, to)
	return ""
}

func (p *phoneSMS) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.msgs)
}

// token is the token of the last link sent to a phone.
func (p *phoneSMS) token(t *testing.T, to string) string {
	t.Helper()
	m := tokenRE.FindStringSubmatch(p.last(t, to, sms.KindLink))
	if m == nil {
		t.Fatal("no link in the message")
	}
	return m[1]
}

// code is the last one-time code sent to a phone.
func (p *phoneSMS) code(t *testing.T, to string) string {
	t.Helper()
	m := codeRE.FindStringSubmatch(p.last(t, to, sms.KindCode))
	if m == nil {
		t.Fatal("no code in the message")
	}
	return m[1]
}

const policyHeadM = "保单号,产品代码,销售渠道,机构代码,业务员代码,银行网点代码,投保人姓名,投保人证件号码,投保人出生日期,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期,保险期间,回访方式\n"

// customer is a policyholder of the electronic-callback tests.
type customer struct {
	no, product, receipt, phone, method string
	birth                               huifang.Date
	seq                                 int
}

func (c customer) id() string { return importer.ValidIDNumber("110101", c.birth, c.seq) }

// digits are the last six characters of the customer's ID number.
func (c customer) digits() string { id := c.id(); return id[len(id)-6:] }

func (c customer) line() string {
	if c.product == "" {
		c.product = "L20"
	}
	if c.birth.IsZero() {
		c.birth = huifang.NewDate(1980, 5, 6)
	}
	r, err := huifang.ParseISODate(c.receipt)
	if err != nil {
		panic(err)
	}
	return strings.Join([]string{c.no, c.product, "个险", "86010101", "A001", "", "张三", c.id(), c.birth.String(), c.phone, "张三",
		r.AddDays(-10).String(), r.AddDays(-5).String(), c.receipt, "10000.00", "年交", "10", "", c.method}, ",") + "\n"
}

func (w *world) loadCustomers(t *testing.T, cs ...customer) {
	t.Helper()
	body := policyHeadM
	for _, c := range cs {
		body += c.line()
	}
	w.importFile(t, "A", importer.KindPolicies, body)
}

func (w *world) callbackOf(t *testing.T, db *store.DB, no string) *huifang.Callback {
	t.Helper()
	var out *huifang.Callback
	mustDo(t, func() error {
		return w.db.ForEachCallback(ctx, w.op.OrgID, huifang.CallbackFilter{PolicyNo: no}, func(r *huifang.CallbackRow) error {
			c := r.Callback
			out = &c
			return nil
		})
	})
	if out == nil {
		t.Fatalf("no callback of %s", no)
	}
	return out
}

func withSMS(w *world) *phoneSMS {
	p := &phoneSMS{}
	w.svc.SMS = p
	w.svc.PublicURL = "https://hf.example.com/"
	return p
}

var (
	young = huifang.NewDate(1980, 5, 6)
	old   = huifang.NewDate(1950, 1, 2)
)

// TestElectronicIssueJob: links go to customers who chose an electronic
// callback, whatever their age; not to those who chose the phone, nor to
// anyone else until the profile says so, and then only under 60.
func TestElectronicIssueJob(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		phone := withSMS(w)
		w.loadCustomers(t,
			customer{no: "E1", receipt: "2026-03-02", phone: "13800000001", method: "电子", seq: 1},
			customer{no: "E2", receipt: "2026-03-02", phone: "13800000002", method: "electronic", birth: old, seq: 2},
			customer{no: "P1", receipt: "2026-03-02", phone: "13800000003", method: "电话", seq: 3},
			customer{no: "N1", receipt: "2026-03-02", phone: "13800000004", seq: 4},
			customer{no: "O1", receipt: "2026-03-02", phone: "13800000005", birth: old, seq: 5},
			customer{no: "U1", product: "U01", receipt: "2026-03-02", phone: "13800000006", seq: 6},
			customer{no: "S1", receipt: "2026-02-16", phone: "13800000007", method: "电子", seq: 7}, // due 03-03: past
			customer{no: "S2", receipt: "2026-02-20", phone: "13800000008", method: "电子", seq: 8}, // due 03-07: inside the fallback window
		)
		// Not at night.
		w.clk.t = at(5, 22, 0)
		if n, err := w.svc.IssueElectronicLinks(ctx); err != nil || n != 0 || phone.count() != 0 {
			t.Fatalf("at night: %d sent, %v", n, err)
		}
		w.clk.t = at(5, 10, 0)
		n, err := w.svc.IssueElectronicLinks(ctx)
		mustDo(t, func() error { return err })
		if n != 2 {
			t.Fatalf("%d links sent, want E1 and E2", n)
		}
		msg := phone.last(t, "13800000001", sms.KindLink)
		if !strings.Contains(msg, "A人寿") || !strings.Contains(msg, "2026年3月17日") || !strings.Contains(msg, "https://hf.example.com/e/") {
			t.Fatalf("link message: %s", msg)
		}
		if tok := phone.token(t, "13800000001"); len(tok) < 22 {
			t.Fatalf("token %q too short", tok)
		}
		for no, want := range map[string]huifang.CallbackStatus{"E1": huifang.StatusElectronic, "E2": huifang.StatusElectronic, "P1": huifang.StatusOpen,
			"N1": huifang.StatusOpen, "O1": huifang.StatusOpen, "S2": huifang.StatusOpen} {
			if got := w.callbackOf(t, w.db, no).Status; got != want {
				t.Errorf("%s: status %s, want %s", no, got, want)
			}
		}
		// Once only.
		if n, _ := w.svc.IssueElectronicLinks(ctx); n != 0 {
			t.Fatalf("second run sent %d", n)
		}
		// Operators never get them.
		for {
			wk, err := w.svc.Next(ctx, w.op)
			if errors.Is(err, app.ErrNoWork) {
				break
			}
			mustDo(t, func() error { return err })
			if no := wk.Callback.PolicyNo; no == "E1" || no == "E2" {
				t.Fatalf("operator got %s", no)
			}
			_, err = w.svc.RecordAttempt(ctx, w.op, wk.Callback.ID, app.AttemptInput{Outcome: huifang.AttemptBusy})
			mustDo(t, func() error { return err })
		}
		tally, err := w.svc.Tally(ctx, w.op)
		mustDo(t, func() error { return err })
		if tally.Electronic != 2 {
			t.Fatalf("tally %+v", tally)
		}
		// The regulator makes traditional products electronic first from tomorrow.
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		cur, err := w.svc.ProfileFor(ctx, w.op.OrgID, huifang.NewDate(2026, 3, 5))
		mustDo(t, func() error { return err })
		rules := cur.Rules
		rules.ElectronicFirst = []huifang.DesignType{huifang.DesignTraditional}
		_, err = w.svc.ChangeProfile(ctx, sup, app.ProfileInput{From: huifang.NewDate(2026, 3, 6), Rules: rules, Note: "电子化回访优先"})
		mustDo(t, func() error { return err })
		w.loadCustomers(t,
			customer{no: "N2", receipt: "2026-03-05", phone: "13800000011", seq: 11},
			customer{no: "O2", receipt: "2026-03-05", phone: "13800000012", birth: old, seq: 12},
			customer{no: "P2", receipt: "2026-03-05", phone: "13800000013", method: "电话", seq: 13},
			customer{no: "U2", product: "U01", receipt: "2026-03-05", phone: "13800000014", seq: 14},
		)
		w.clk.t = at(6, 10, 0)
		n, err = w.svc.IssueElectronicLinks(ctx)
		mustDo(t, func() error { return err })
		// N2 is new; N1 was tried by phone already and stays there.
		if n != 1 || w.callbackOf(t, w.db, "N2").Status != huifang.StatusElectronic {
			t.Fatalf("with the default: %d sent, N2 %s", n, w.callbackOf(t, w.db, "N2").Status)
		}
		for _, no := range []string{"O2", "P2", "U2", "N1"} {
			if st := w.callbackOf(t, w.db, no).Status; st == huifang.StatusElectronic {
				t.Errorf("%s went electronic", no)
			}
		}
	})
}

// start issues E1's link (due 03-17) and returns its token.
func startE1(t *testing.T, w *world, db *store.DB, phone *phoneSMS) (customer, string) {
	t.Helper()
	c := customer{no: "E1", receipt: "2026-03-02", phone: "13800000001", method: "电子", seq: 1, birth: young}
	w.loadCustomers(t, c, customer{no: "N1", receipt: "2026-03-02", phone: "13800000002", seq: 2})
	if n, err := w.svc.IssueElectronicLinks(ctx); err != nil || n != 1 {
		t.Fatalf("issue: %d %v", n, err)
	}
	return c, phone.token(t, c.phone)
}

// verify takes a visit through the ID digits and the code.
func verify(t *testing.T, w *world, phone *phoneSMS, c customer, v app.Visit) (app.Visit, *app.LinkPage) {
	t.Helper()
	p, err := w.svc.CheckIdentity(ctx, v, c.digits())
	mustDo(t, func() error { return err })
	if p.Stage != app.StageCode || p.Phone != "138****0001" || p.Cookie == "" {
		t.Fatalf("after identity: %+v", p)
	}
	v.Cookie = p.Cookie
	p, err = w.svc.CheckCode(ctx, v, phone.code(t, c.phone))
	mustDo(t, func() error { return err })
	if p.Stage != app.StageAnswers || p.Script == nil || p.Cookie == "" {
		t.Fatalf("after code: %+v", p)
	}
	v.Cookie = p.Cookie
	return v, p
}

func TestElectronicCallbackCompleted(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		phone := withSMS(w)
		c, token := startE1(t, w, w.db, phone)
		v := app.Visit{Token: token, IP: "203.0.113.7", UserAgent: "Mozilla/5.0 (iPhone)"}

		w.clk.t = at(6, 19, 30)
		p, err := w.svc.OpenLink(ctx, v)
		mustDo(t, func() error { return err })
		if p.Stage != app.StageIdentity || p.Insurer != "" || p.Script != nil {
			t.Fatalf("first page shows %+v", p)
		}
		// One wrong try, then right.
		if _, err := w.svc.CheckIdentity(ctx, v, "000000"); err != app.ErrLinkRefused {
			t.Fatalf("wrong digits: %v", err)
		}
		v, p = verify(t, w, phone, c, v)
		// The page the customer answers is the callback's script, filled in.
		if p.Script.Code != "life-traditional-agency" || p.Insurer != "A人寿" || p.DueOn.String() != "2026-03-17" {
			t.Fatalf("answers page %+v", p)
		}
		// Coming back with the cookie goes straight to the answers.
		again, err := w.svc.OpenLink(ctx, v)
		mustDo(t, func() error { return err })
		if again.Stage != app.StageAnswers {
			t.Fatalf("back with the cookie: stage %v", again.Stage)
		}
		// An incomplete form is sent back with a reason per question.
		answers := p.Script.Script.Passing()
		missing := map[string]string{"identity": "yes"}
		_, err = w.svc.SubmitAnswers(ctx, v, p.Script.Ref(), missing)
		var ae *huifang.Error
		if !errors.As(err, &ae) || ae.Code != huifang.EINVALID || len(ae.Fields) == 0 {
			t.Fatalf("incomplete answers: %v", err)
		}
		w.clk.t = at(6, 19, 40)
		res, err := w.svc.SubmitAnswers(ctx, v, p.Script.Ref(), answers)
		mustDo(t, func() error { return err })
		if res.Outcome != script.OutcomeSuccessful || res.Problems != 0 {
			t.Fatalf("result %+v", res)
		}
		// Recorded as a phone callback is, with method electronic.
		cb := w.callbackOf(t, w.db, "E1")
		if cb.Status != huifang.StatusDone || cb.Result != huifang.ResultSuccessful || cb.Method != huifang.MethodElectronic ||
			cb.ScriptCode != "life-traditional-agency" || cb.FinishedBy != 0 || cb.Late || cb.Answers["identity"] != "yes" {
			t.Fatalf("callback %+v", cb)
		}
		var ev app.ElectronicEvidence
		if err := json.Unmarshal([]byte(cb.Evidence), &ev); err != nil {
			t.Fatalf("evidence %q: %v", cb.Evidence, err)
		}
		if ev.IP != "203.0.113.7" || ev.UserAgent != "Mozilla/5.0 (iPhone)" || ev.Script != "life-traditional-agency v1" ||
			len(ev.Answers) != len(answers) || ev.IssuedAt.IsZero() || ev.OpenedAt.IsZero() || ev.IdentityAt.IsZero() || ev.VerifiedAt.IsZero() ||
			!ev.SubmittedAt.Equal(at(6, 19, 40)) || ev.IssuedBy != "system" || ev.RetainUntil.String() != "" {
			t.Fatalf("evidence %+v", ev)
		}
		if !strings.Contains(cb.Evidence, "+08:00") {
			t.Errorf("evidence times not in Beijing time: %s", cb.Evidence)
		}
		// The staff view shows it.
		wk, err := w.svc.Callback(ctx, w.op, cb.ID)
		mustDo(t, func() error { return err })
		if wk.Evidence == nil || len(wk.Links) != 1 || wk.Links[0].Status != huifang.LinkDone || wk.Policy.CallbackMethod != huifang.MethodElectronic {
			t.Fatalf("work %+v", wk)
		}
		// Every step is in the audit trail, without the token or the code.
		audit, err := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Entity: "callback", Key: strconv.FormatInt(cb.ID, 10)})
		mustDo(t, func() error { return err })
		var actions []string
		for i := len(audit) - 1; i >= 0; i-- {
			actions = append(actions, audit[i].Action)
			if strings.Contains(audit[i].Detail, token) {
				t.Errorf("audit %s holds the token", audit[i].Action)
			}
		}
		want := "electronic-issue electronic-open electronic-check-failed electronic-identity electronic-verified finish"
		if got := strings.Join(actions, " "); got != want {
			t.Fatalf("audit:\n%s\nwant\n%s", got, want)
		}
		// The link is used up.
		if _, err := w.svc.CheckIdentity(ctx, v, c.digits()); err != app.ErrLinkRefused {
			t.Fatalf("reused link: %v", err)
		}
		if _, err := w.svc.SubmitAnswers(ctx, v, p.Script.Ref(), answers); err != app.ErrLinkRefused {
			t.Fatalf("answers again: %v", err)
		}
		if p, _ := w.svc.OpenLink(ctx, v); p.Stage != app.StageIdentity {
			t.Fatalf("used link opens at stage %v", p.Stage)
		}
	})
}

// TestElectronicRefusals: guessed, malformed, expired and reused links, wrong
// digits, a wrong code, no cookie: the same refusal every time. Five failed
// checks lock the link and the callback goes back to the phone.
func TestElectronicRefusals(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		phone := withSMS(w)
		c, token := startE1(t, w, w.db, phone)
		guessed := "AAAAAAAAAAAAAAAAAAAAAAAA"
		for _, tok := range []string{guessed, "short", "", token + "x", strings.ToUpper(token)} {
			v := app.Visit{Token: tok}
			if p, err := w.svc.OpenLink(ctx, v); err != nil || p.Stage != app.StageIdentity || p.Insurer != "" {
				t.Fatalf("open %q: %+v %v", tok, p, err)
			}
			if _, err := w.svc.CheckIdentity(ctx, v, c.digits()); err != app.ErrLinkRefused {
				t.Fatalf("identity on %q: %v", tok, err)
			}
		}
		v := app.Visit{Token: token}
		// No cookie, or another browser's: refused.
		for _, cookie := range []string{"", "forged"} {
			v.Cookie = cookie
			if _, err := w.svc.CheckCode(ctx, v, "123456"); err != app.ErrLinkRefused {
				t.Fatalf("code without a cookie: %v", err)
			}
			if _, err := w.svc.SubmitAnswers(ctx, v, "x", nil); err != app.ErrLinkRefused {
				t.Fatalf("answers without a cookie: %v", err)
			}
		}
		// Identity right, code wrong: refused, and counted.
		p, err := w.svc.CheckIdentity(ctx, v, strings.ToLower(c.digits()))
		mustDo(t, func() error { return err })
		v.Cookie = p.Cookie
		wrong := "000000"
		if phone.code(t, c.phone) == wrong {
			wrong = "111111"
		}
		if _, err := w.svc.CheckCode(ctx, v, wrong); err != app.ErrLinkRefused {
			t.Fatalf("wrong code: %v", err)
		}
		// The verified stage cannot be skipped.
		if _, err := w.svc.SubmitAnswers(ctx, v, "x", nil); err != app.ErrLinkRefused {
			t.Fatalf("answers before the code: %v", err)
		}
		// An expired code is wrong too.
		w.clk.t = w.clk.t.Add(app.CodeTTL + time.Second)
		if _, err := w.svc.CheckCode(ctx, v, phone.code(t, c.phone)); err != app.ErrLinkRefused {
			t.Fatalf("expired code: %v", err)
		}
		// Three more wrong tries: the fifth failure locks the link.
		for i := 0; i < 3; i++ {
			if _, err := w.svc.CheckIdentity(ctx, app.Visit{Token: token}, "99999X"); err != app.ErrLinkRefused {
				t.Fatalf("wrong digits %d: %v", i, err)
			}
		}
		cb := w.callbackOf(t, w.db, "E1")
		if cb.Status != huifang.StatusOpen {
			t.Fatalf("after five failures the callback is %s", cb.Status)
		}
		// Locked: even the right digits are refused.
		if _, err := w.svc.CheckIdentity(ctx, app.Visit{Token: token}, c.digits()); err != app.ErrLinkRefused {
			t.Fatalf("locked link: %v", err)
		}
		links, err := w.svc.ElectronicLinks(ctx, w.op, cb.ID)
		mustDo(t, func() error { return err })
		if len(links) != 1 || links[0].Status != huifang.LinkLocked || links[0].Checks != 5 {
			t.Fatalf("links %+v", links)
		}
		if a, _ := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Action: "electronic-locked"}); len(a) != 1 {
			t.Fatalf("lock audit %+v", a)
		}
		// Back in the phone pool.
		wk, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if wk.Callback.PolicyNo != "E1" {
			t.Fatalf("next is %s", wk.Callback.PolicyNo)
		}
	})
}

func TestElectronicExpiredLink(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		phone := withSMS(w)
		c, token := startE1(t, w, w.db, phone)
		// Verified in time, answered too late: from the fallback day on
		// (03-14 for a deadline of 03-17) the link no longer works.
		v, p := verify(t, w, phone, c, app.Visit{Token: token})
		w.clk.t = at(14, 0, 1)
		if _, err := w.svc.SubmitAnswers(ctx, v, p.Script.Ref(), p.Script.Script.Passing()); err != app.ErrLinkRefused {
			t.Fatalf("answers after the fallback day: %v", err)
		}
		if p, _ := w.svc.OpenLink(ctx, v); p.Stage != app.StageIdentity {
			t.Fatalf("expired link opens at stage %v", p.Stage)
		}
		// The fallback job sends it back to the phone.
		n, err := w.svc.ElectronicFallback(ctx)
		mustDo(t, func() error { return err })
		if n != 1 || w.callbackOf(t, w.db, "E1").Status != huifang.StatusOpen {
			t.Fatalf("fallback: %d", n)
		}
		if n, _ := w.svc.ElectronicFallback(ctx); n != 0 {
			t.Fatalf("second fallback %d", n)
		}
	})
}

func TestElectronicFallbackDays(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		phone := withSMS(w)
		startE1(t, w, w.db, phone) // due 03-17
		// The regulator asks for five days from 03-06.
		sup := w.user(t, "REG", "sup", huifang.RoleSupervisor, "", "")
		cur, err := w.svc.ProfileFor(ctx, w.op.OrgID, huifang.NewDate(2026, 3, 5))
		mustDo(t, func() error { return err })
		r := cur.Rules
		r.ElectronicFallbackDays = 5
		_, err = w.svc.ChangeProfile(ctx, sup, app.ProfileInput{From: huifang.NewDate(2026, 3, 6), Rules: r})
		mustDo(t, func() error { return err })
		for _, tt := range []struct {
			day  int
			want int
		}{{11, 0}, {12, 1}} { // 03-12 = 03-17 - 5
			w.clk.t = at(tt.day, 9, 0)
			n, err := w.svc.ElectronicFallback(ctx)
			mustDo(t, func() error { return err })
			if n != tt.want {
				t.Fatalf("03-%d: %d fell back, want %d", tt.day, n, tt.want)
			}
		}
		if a, _ := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Action: "electronic-fallback"}); len(a) != 1 || a[0].Actor != "system" {
			t.Fatalf("fallback audit %+v", a)
		}
		// Too late for a new link by hand as well.
		cb := w.callbackOf(t, w.db, "E1")
		if _, err := w.svc.SendElectronicLink(ctx, w.op, cb.ID); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("link inside the fallback window: %v", err)
		}
	})
}

func TestElectronicOutcomes(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		phone := withSMS(w)
		c, token := startE1(t, w, w.db, phone)
		v, p := verify(t, w, phone, c, app.Visit{Token: token})
		answers := p.Script.Script.Passing()

		// The page has the electronic wording: no recording notice, no
		// "are you free now?", "请确认" for "请问".
		if p.Script.Method != huifang.MethodElectronic || p.Script.Script.Step("convenient") != nil {
			t.Fatalf("electronic script: %s %+v", p.Script.Method, p.Script.Steps)
		}
		for _, st := range p.Script.Steps {
			if strings.Contains(st.Text, "通话") || strings.Contains(st.Text, "请问") {
				t.Errorf("phone wording on the electronic page: %s: %s", st.ID, st.Text)
			}
		}
		if id := p.Script.Steps[1]; id.ID != "identity" || !strings.HasPrefix(id.Text, "请确认") {
			t.Errorf("identity: %+v", id)
		}
		// An answer to the phone's "are you free now?" is ignored.
		later := map[string]string{"identity": "yes", "convenient": "现在不方便，另约时间"}
		if _, err := w.svc.SubmitAnswers(ctx, v, p.Script.Ref(), later); huifang.ErrorCode(err) != huifang.EINVALID || strings.Contains(huifang.ErrorMessage(err), "convenient") {
			t.Fatalf("later: %v", err)
		}
		var res *app.ElectronicResult
		var err error
		// A changed script since the page was shown: answered again.
		if _, err := w.svc.SubmitAnswers(ctx, v, "life-traditional-agency v0", answers); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("stale script: %v", err)
		}
		// Unsure about the surrender loss: completed with a problem case.
		answers["surrender"] = "unclear"
		if p.Script.Script.Step("surrender") == nil {
			t.Fatal("no surrender step")
		}
		res, err = w.svc.SubmitAnswers(ctx, v, p.Script.Ref(), answers)
		mustDo(t, func() error { return err })
		if res.Outcome != script.OutcomeProblems || res.Problems != 1 {
			t.Fatalf("problems: %+v", res)
		}
		cb := w.callbackOf(t, w.db, "E1")
		ps, _ := w.svc.ListProblemCases(ctx, w.op, huifang.ProblemFilter{CallbackID: cb.ID})
		if cb.Result != huifang.ResultProblems || len(ps) != 1 || ps[0].Type != huifang.ProblemUnclearRights {
			t.Fatalf("callback %+v, cases %+v", cb, ps)
		}

		// Someone else verified with the policyholder's phone and ID: back to the phone.
		w2 := customer{no: "E2", receipt: "2026-03-02", phone: "13800000009", method: "电子", seq: 9, birth: young}
		w.loadCustomers(t, w2)
		_, err = w.svc.IssueElectronicLinks(ctx)
		mustDo(t, func() error { return err })
		v2 := app.Visit{Token: phone.token(t, w2.phone)}
		p2, err := w.svc.CheckIdentity(ctx, v2, w2.digits())
		mustDo(t, func() error { return err })
		v2.Cookie = p2.Cookie
		p2, err = w.svc.CheckCode(ctx, v2, phone.code(t, w2.phone))
		mustDo(t, func() error { return err })
		v2.Cookie = p2.Cookie
		res, err = w.svc.SubmitAnswers(ctx, v2, p2.Script.Ref(), map[string]string{"identity": "no"})
		mustDo(t, func() error { return err })
		cb2 := w.callbackOf(t, w.db, "E2")
		if res.Outcome != script.OutcomeNotPolicyholder || cb2.Status != huifang.StatusOpen || cb2.Answers != nil {
			t.Fatalf("not the policyholder: %+v, callback %+v", res, cb2)
		}
		if _, err := w.svc.CheckIdentity(ctx, app.Visit{Token: v2.Token}, w2.digits()); err != app.ErrLinkRefused {
			t.Fatalf("closed link: %v", err)
		}
		if a, _ := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Action: "electronic-not-policyholder"}); len(a) != 1 {
			t.Fatalf("audit %+v", a)
		}
	})
}

func TestSendElectronicLinkByHand(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		phone := withSMS(w)
		// A customer over 60 asks on the phone for a link.
		w.loadCustomers(t, customer{no: "O1", receipt: "2026-03-02", phone: "13800000005", birth: old, seq: 5},
			customer{no: "L1", receipt: "2026-02-20", phone: "13800000006", seq: 6}) // due 03-07
		wk, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if wk.Callback.PolicyNo != "L1" {
			t.Fatalf("next %s", wk.Callback.PolicyNo)
		}
		// Too close to its deadline.
		if _, err := w.svc.SendElectronicLink(ctx, w.op, wk.Callback.ID); huifang.ErrorCode(err) != huifang.EINVALID {
			t.Fatalf("L1: %v", err)
		}
		_, err = w.svc.RecordAttempt(ctx, w.op, wk.Callback.ID, app.AttemptInput{Outcome: huifang.AttemptBusy})
		mustDo(t, func() error { return err })
		// op1 holds O1 now: op2 may not send it a link.
		wk, err = w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		o1 := wk.Callback
		if o1.PolicyNo != "O1" {
			t.Fatalf("next %s", o1.PolicyNo)
		}
		if _, err := w.svc.SendElectronicLink(ctx, w.op2, o1.ID); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("another's callback: %v", err)
		}
		// Other insurers and roles.
		if _, err := w.svc.SendElectronicLink(ctx, w.opB, o1.ID); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("insurer B: %v", err)
		}
		if _, err := w.svc.SendElectronicLink(ctx, w.admin, o1.ID); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Fatalf("admin: %v", err)
		}
		// The gateway fails: the callback stays on the phone.
		phone.fail = true
		if _, err := w.svc.SendElectronicLink(ctx, w.op, o1.ID); err == nil || !strings.Contains(err.Error(), "短信发送失败") {
			t.Fatalf("gateway down: %v", err)
		}
		if cb := w.callbackOf(t, w.db, "O1"); cb.Status != huifang.StatusOpen {
			t.Fatalf("after a failed message: %s", cb.Status)
		}
		phone.fail = false
		cb, err := w.svc.SendElectronicLink(ctx, w.op, o1.ID)
		mustDo(t, func() error { return err })
		if cb.Status != huifang.StatusElectronic || cb.LeaseUserID != 0 {
			t.Fatalf("sent: %+v", cb)
		}
		first := phone.token(t, "13800000005")
		// Sent again: the first link stops working.
		w.clk.t = at(5, 11, 0)
		_, err = w.svc.SendElectronicLink(ctx, w.op, o1.ID)
		mustDo(t, func() error { return err })
		second := phone.token(t, "13800000005")
		c := customer{no: "O1", birth: old, seq: 5}
		if _, err := w.svc.CheckIdentity(ctx, app.Visit{Token: first}, c.digits()); err != app.ErrLinkRefused {
			t.Fatalf("replaced link: %v", err)
		}
		if _, err := w.svc.CheckIdentity(ctx, app.Visit{Token: second}, c.digits()); err != nil {
			t.Fatalf("new link: %v", err)
		}
		links, _ := w.svc.ElectronicLinks(ctx, w.op, o1.ID)
		if len(links) != 3 || links[0].Status != huifang.LinkUnsent || links[1].Status != huifang.LinkRevoked || links[2].IssuedBy != "op1" {
			t.Fatalf("links %+v", links)
		}
		// Withdrawn: back to the phone, the link dead.
		cb, err = w.svc.WithdrawElectronic(ctx, w.op, o1.ID)
		mustDo(t, func() error { return err })
		if cb.Status != huifang.StatusOpen {
			t.Fatalf("withdrawn: %s", cb.Status)
		}
		if _, err := w.svc.CheckIdentity(ctx, app.Visit{Token: second}, c.digits()); err != app.ErrLinkRefused {
			t.Fatalf("withdrawn link: %v", err)
		}
	})
}

// TestCodeLimits: codes are resent no faster than one a minute, five at most.
func TestCodeLimits(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		phone := withSMS(w)
		c, token := startE1(t, w, w.db, phone)
		v := app.Visit{Token: token}
		p, err := w.svc.CheckIdentity(ctx, v, c.digits())
		mustDo(t, func() error { return err })
		v.Cookie = p.Cookie
		if _, err := w.svc.ResendCode(ctx, v); err != app.ErrCodeTooSoon {
			t.Fatalf("resend at once: %v", err)
		}
		for i := 2; i <= app.LinkMaxCodes; i++ {
			w.clk.t = w.clk.t.Add(app.CodeInterval)
			if _, err := w.svc.ResendCode(ctx, v); err != nil {
				t.Fatalf("code %d: %v", i, err)
			}
		}
		w.clk.t = w.clk.t.Add(app.CodeInterval)
		if _, err := w.svc.ResendCode(ctx, v); err != app.ErrNoMoreCodes {
			t.Fatalf("code %d: %v", app.LinkMaxCodes+1, err)
		}
		// The last code still works.
		if _, err := w.svc.CheckCode(ctx, v, phone.code(t, c.phone)); err != nil {
			t.Fatal(err)
		}
	})
}
