package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/script"
	"github.com/huifang/huifang/testworld"
)

// A product of every design type, each over a year so that it is in scope.
var designProducts = map[huifang.DesignType]string{
	huifang.DesignTraditional: "DT", huifang.DesignParticipating: "DP", huifang.DesignUniversal: "DU", huifang.DesignInvestment: "DI",
	huifang.DesignHealth: "DH", huifang.DesignAccident: "DA", huifang.DesignNonLifeWealth: "DW",
}

const designProductsCSV = "产品代码,产品名称,设计类型,保险期间,保证续保,犹豫期天数\n" +
	"DT,福寿安康终身寿险,传统,20,否,15\nDP,金玉满堂两全保险（分红型）,分红,20,否,15\nDU,智盈人生终身寿险（万能型）,万能,20,否,15\n" +
	"DI,鑫动力投资连结保险,投连,20,否,15\nDH,无忧重大疾病保险,健康,20,否,20\nDA,守护30年意外伤害保险,意外,20,否,15\nDW,稳盈投资型家庭财产保险,非寿险理财,20,否,15\n"

// soldLine is a policy sold the way its channel sells: through an agent for
// agency and broker sales, a bank outlet for bancassurance, and nobody for
// telesales and internet sales.
func soldLine(no, product string, ch huifang.Channel, agent string, seq int) string {
	outlet := ""
	switch ch {
	case huifang.ChannelBank:
		agent, outlet = "", "B001"
	case huifang.ChannelTelesales, huifang.ChannelInternet:
		agent = ""
	}
	id := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), seq)
	return strings.Join([]string{no, product, ch.ZH(), "86010101", agent, outlet, "张三", id, "1980-05-06", fmt.Sprintf("138%08d", seq), "李小明",
		"2026-02-20", "2026-02-25", "2026-03-02", "10000.00", "年交", "10", ""}, ",") + "\n"
}

// soldChannels are the channels whose policies get a callback.
var soldChannels = []huifang.Channel{huifang.ChannelAgency, huifang.ChannelBank, huifang.ChannelBroker, huifang.ChannelTelesales, huifang.ChannelInternet}

// TestLibraryFilledForEveryChannelAndDesign: for a policy of every channel
// and design type, the callback gets the shipped script written for both
// when there is one, filled in with no placeholder; a telesales or internet
// policy never gets the agency script ("通过我公司营销员【未知：营销员姓名】");
// and a combination no shipped script fits (telesales universal) gets no
// script but the reason, never a gap to read.
func TestLibraryFilledForEveryChannelAndDesign(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.importFile(t, "A", importer.KindProducts, designProductsCSV)
		var lines []string
		seq := 0
		for _, ch := range soldChannels {
			for _, d := range huifang.DesignTypes {
				seq++
				lines = append(lines, soldLine(fmt.Sprintf("%s-%s", ch, d), designProducts[d], ch, "A001", seq))
			}
		}
		w.loadPolicies(t, lines...)
		claims := func(sc *script.Script, d huifang.DesignType, ch huifang.Channel) bool {
			return sc.Purpose == script.PurposeNewBusiness && (sc.Design == "" || sc.Design == d) && (len(sc.Channels) == 0 || slices.Contains(sc.Channels, ch))
		}
		claimed := map[string]int{}
		for _, ch := range soldChannels {
			for _, d := range huifang.DesignTypes {
				no := fmt.Sprintf("%s-%s", ch, d)
				t.Run(no, func(t *testing.T) {
					rows, _, err := w.svc.ListCallbacks(ctx, w.admin, huifang.CallbackFilter{PolicyNo: no})
					mustDo(t, func() error { return err })
					if len(rows) != 1 {
						t.Fatalf("%d callbacks", len(rows))
					}
					wk, err := w.svc.Callback(ctx, w.admin, rows[0].ID)
					mustDo(t, func() error { return err })
					cs := wk.Script
					body, _ := json.Marshal(wk)
					if strings.Contains(string(body), "【未知") {
						t.Fatalf("a placeholder reaches the callback: %s", body)
					}
					var want *script.Script
					for _, sc := range script.Library() {
						if claims(sc, d, ch) {
							want = sc
							break
						}
					}
					switch {
					case want != nil:
						claimed[want.Code]++
						if cs.Code != want.Code || cs.Gap != "" || len(cs.Steps) != len(want.Steps) {
							t.Fatalf("got %s (gap %q), want the shipped %s filled in", cs.Ref(), cs.Gap, want.Code)
						}
					case (ch == huifang.ChannelTelesales || ch == huifang.ChannelInternet) && d.NewType() && !(ch == huifang.ChannelTelesales && d == huifang.DesignParticipating):
						if cs.Gap == "" || !strings.Contains(cs.Gap, "没有适用于") || len(cs.Steps) != 0 {
							t.Fatalf("no shipped script fits, yet got %s (gap %q)", cs.Ref(), cs.Gap)
						}
						return
					default:
						if cs.Gap != "" {
							t.Fatalf("gap: %s", cs.Gap)
						}
					}
					if !cs.Script.Fits(d, ch) {
						t.Fatalf("%s does not confirm what a %s %s policy requires", cs.Ref(), ch, d)
					}
					for _, st := range cs.Steps {
						if (ch == huifang.ChannelTelesales || ch == huifang.ChannelInternet) && (strings.Contains(st.Text, "营销员") || strings.Contains(st.Text, "网点")) {
							t.Fatalf("%s reads of an agent or outlet to a %s customer: %s", cs.Ref(), ch, st.Text)
						}
					}
				})
			}
		}
		for _, sc := range script.Library() {
			if sc.Purpose == script.PurposeNewBusiness && claimed[sc.Code] == 0 {
				t.Errorf("shipped %s was filled for no policy", sc.Code)
			}
		}
	})
}

// TestIncompleteScriptIsRefused: a callback whose script cannot be completed
// — an agency or broker policy loaded with a bank outlet but no agent (the
// import accepts either), a telesales product no shipped script fits — is
// not handed out: Next gives the next
// callback and sets it aside with the reason for the administrator; taking it
// by name, finishing it, sending it as an electronic link and recording a
// letter are refused; once the data is fixed it comes back. An insurer with
// no service phone has no callback set aside: every Next is refused with the
// reason until the phone is set.
func TestIncompleteScriptIsRefused(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.importFile(t, "A", importer.KindProducts, designProductsCSV)
		phone := withSMS(w)
		// The gaps are the most urgent: their receipts came first.
		outletOnly := func(line string) string { return strings.Replace(line, ",86010101,,,", ",86010101,,B001,", 1) }
		noAgent := outletOnly(strings.Replace(soldLine("G1", "DT", huifang.ChannelAgency, "", 1), "2026-03-02", "2026-02-27", 1))
		broker := outletOnly(strings.Replace(soldLine("G2", "DT", huifang.ChannelBroker, "", 2), "2026-03-02", "2026-02-28", 1))
		universal := strings.Replace(soldLine("G3", "DU", huifang.ChannelTelesales, "", 3), "2026-03-02", "2026-03-01", 1)
		w.loadPolicies(t, noAgent, broker, universal, soldLine("OK1", "DT", huifang.ChannelTelesales, "", 4))

		work, err := w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if work.Callback.PolicyNo != "OK1" || work.Script.Gap != "" || work.Script.Code != "life-traditional-telesales" {
			t.Fatalf("Next gave %s with %s (gap %q), want OK1 with the telesales script", work.Callback.PolicyNo, work.Script.Ref(), work.Script.Gap)
		}
		mustDo(t, func() error { return w.svc.Release(ctx, w.op, work.Callback.ID) })

		reasons := map[string]string{
			"G1": "话术变量缺失：营销员姓名（保单 G1 无营销员）",
			"G2": "话术变量缺失：营销员姓名（保单 G2 无营销员）",
			"G3": "没有适用于万能产品、电销渠道的标准回访话术",
		}
		blocked, total, err := w.svc.ListCallbacks(ctx, w.admin, huifang.CallbackFilter{Status: huifang.StatusBlocked})
		mustDo(t, func() error { return err })
		if total != 3 {
			t.Fatalf("%d callbacks set aside, want 3: %+v", total, blocked)
		}
		for _, r := range blocked {
			if !strings.Contains(r.Reason, reasons[r.PolicyNo]) {
				t.Errorf("%s set aside with %q, want %q", r.PolicyNo, r.Reason, reasons[r.PolicyNo])
			}
			wk, err := w.svc.Callback(ctx, w.admin, r.ID)
			mustDo(t, func() error { return err })
			if !strings.Contains(wk.Script.Gap, reasons[r.PolicyNo]) || len(wk.Script.Steps) != 0 {
				t.Errorf("%s: the callback's page shows gap %q and %d steps", r.PolicyNo, wk.Script.Gap, len(wk.Script.Steps))
			}
			if body, _ := json.Marshal(wk); strings.Contains(string(body), "【未知") {
				t.Errorf("%s: a placeholder in %s", r.PolicyNo, body)
			}
			if _, err := w.svc.Take(ctx, w.op, r.ID); huifang.ErrorCode(err) != huifang.ECONFLICT || !strings.Contains(huifang.ErrorMessage(err), reasons[r.PolicyNo]) {
				t.Errorf("%s: taken by name: %v", r.PolicyNo, err)
			}
			if _, err := w.svc.SendElectronicLink(ctx, w.op, r.ID); err == nil {
				t.Errorf("%s: a link went out", r.PolicyNo)
			}
			if _, err := w.svc.Finish(ctx, w.op, r.ID, app.FinishInput{Answers: map[string]string{"identity": "yes"}}); err == nil {
				t.Errorf("%s: finished", r.PolicyNo)
			}
		}
		if phone.count() != 0 {
			t.Fatalf("%d text messages sent", phone.count())
		}
		// Nor is a returned letter recorded against it.
		blobs, err := blob.NewLocal(t.TempDir())
		mustDo(t, func() error { return err })
		w.svc.Blobs = blobs
		g1 := w.callbackOf(t, w.db, "G1")
		in := app.LetterInput{Method: huifang.MethodLetter, SignedOn: huifang.NewDate(2026, 3, 3), Answers: script.Lookup("life-traditional-agency").Passing(),
			Receipt: bytes.NewReader(pdfReceipt), ReceiptName: "回执.pdf"}
		if _, err := w.svc.RecordLetter(ctx, w.admin, g1.ID, in); err == nil || !strings.Contains(huifang.ErrorMessage(err), reasons["G1"]) {
			t.Fatalf("a letter for G1: %v", err)
		}
		if a, _ := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Action: "script-blocked"}); len(a) != 3 {
			t.Fatalf("%d set-aside entries in the audit trail, want 3", len(a))
		}

		// A link asked for a callback still in the pool whose agent is then
		// found missing is refused too, and the callback set aside.
		w.loadPolicies(t, outletOnly(strings.Replace(soldLine("G4", "DT", huifang.ChannelAgency, "", 5), "2026-03-02", "2026-03-03", 1)))
		g4 := w.callbackOf(t, w.db, "G4")
		if _, err := w.svc.SendElectronicLink(ctx, w.op, g4.ID); err == nil || !strings.Contains(huifang.ErrorMessage(err), "营销员姓名") {
			t.Fatalf("link for G4: %v", err)
		}
		if c := w.callbackOf(t, w.db, "G4"); c.Status != huifang.StatusBlocked || phone.count() != 0 {
			t.Fatalf("G4 is %s after a refused link; %d messages", c.Status, phone.count())
		}

		// The administrator corrects G1 and G2 with their agents: the recheck
		// puts them back in the pool, complete.
		w.loadPolicies(t, strings.Replace(soldLine("G1", "DT", huifang.ChannelAgency, "A001", 1), "2026-03-02", "2026-02-27", 1),
			strings.Replace(soldLine("G2", "DT", huifang.ChannelBroker, "A001", 2), "2026-03-02", "2026-02-28", 1))
		n, err := w.svc.RecheckBlocked(ctx)
		mustDo(t, func() error { return err })
		if n != 2 {
			t.Fatalf("%d callbacks back in the pool, want 2", n)
		}
		work, err = w.svc.Next(ctx, w.op)
		mustDo(t, func() error { return err })
		if work.Callback.PolicyNo != "G1" || work.Script.Gap != "" || !strings.Contains(work.Script.Steps[3].Text, "李明") {
			t.Fatalf("after the fix Next gave %s (gap %q)", work.Callback.PolicyNo, work.Script.Gap)
		}
		if c := w.callbackOf(t, w.db, "G3"); c.Status != huifang.StatusBlocked {
			t.Fatalf("G3 is %s, still without a script", c.Status)
		}
	})
}

// TestNoServicePhoneRefusesEveryCallback: the scripts end with the insurer's
// service number; an insurer without one gets no callback at all, with the
// reason, and none is set aside; once the number is set, calls go on.
func TestNoServicePhoneRefusesEveryCallback(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		cli := app.CLI()
		mustDo(t, func() error {
			_, err := w.svc.CreateOrg(ctx, cli, app.OrgInput{Kind: huifang.KindInsurer, Code: "C", Name: "丙人寿", RegulatorCode: "REG"})
			return err
		})
		w.importFile(t, "C", importer.KindBranches, branchesCSV)
		w.importFile(t, "C", importer.KindProducts, productsCSV)
		w.importFile(t, "C", importer.KindAgents, agentsCSV)
		w.importFile(t, "C", importer.KindPolicies, policyHead+policyLine("C1", "L20", "个险", "2026-03-02", "13800000001", 1))
		op, err := w.svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "C", Login: "opc", Role: huifang.RoleOperator, Password: "secret-password"})
		mustDo(t, func() error { return err })
		for range 2 {
			if _, err := w.svc.Next(ctx, op); huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), "客服电话") {
				t.Fatalf("Next without a service phone: %v", err)
			}
		}
		if _, n, _ := w.svc.ListCallbacks(ctx, op, huifang.CallbackFilter{Status: huifang.StatusBlocked}); n != 0 {
			t.Fatalf("%d callbacks set aside for the insurer's own gap", n)
		}
		if held, err := w.db.HeldCallback(ctx, op.OrgID, op.ID, w.clk.Now()); err == nil {
			t.Fatalf("the operator still holds %d", held.ID)
		}
		mustDo(t, func() error { return w.svc.SetServicePhone(ctx, cli, "C", "95566") })
		work, err := w.svc.Next(ctx, op)
		mustDo(t, func() error { return err })
		last := work.Script.Steps[len(work.Script.Steps)-1]
		if !strings.Contains(last.Text, "95566") {
			t.Fatalf("closing: %s", last.Text)
		}
	})
}
