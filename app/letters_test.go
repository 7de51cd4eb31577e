package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/testworld"
)

// pdfReceipt is a scan of a signed receipt, as far as sniffing goes.
var pdfReceipt = []byte("%PDF-1.4\n% signed by the policyholder\n")

// callbackWork finds a policy's callback without taking it.
func (w *world) callbackWork(t *testing.T, u *huifang.User, policyNo string) *app.Work {
	t.Helper()
	rows, _, err := w.svc.ListCallbacks(ctx, u, huifang.CallbackFilter{PolicyNo: policyNo})
	if err != nil || len(rows) != 1 {
		t.Fatalf("callback of %s: %v %v", policyNo, rows, err)
	}
	wk, err := w.svc.Callback(ctx, u, rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return wk
}

// letter is a returned form answered as a customer who bought knowingly,
// signed two days ago, with a PDF receipt.
func letter(wk *app.Work) app.LetterInput {
	return app.LetterInput{Method: huifang.MethodLetter, SignedOn: huifang.NewDate(2026, 3, 3), Answers: wk.Script.Script.Passing(),
		Receipt: bytes.NewReader(pdfReceipt), ReceiptName: "回执-张三.pdf", Script: wk.Script.Ref()}
}

// fieldOf returns the reason an application error gives for a field.
func fieldOf(err error, field string) string {
	ae, ok := err.(*huifang.Error)
	if !ok {
		return ""
	}
	for _, f := range ae.Fields {
		if f.Field == field {
			return f.Text(i18n.ZH)
		}
	}
	return ""
}

// blobCount counts the objects a local blob store holds.
func blobCount(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			n++
		}
		return nil
	})
	return n
}

// TestLetter: a letter counts only with the signed receipt; with it the
// form's answers are recorded like a call's, problem cases included; the
// receipt is served, audited, to the insurer's own people only.
func TestLetter(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1),
			policyLine("P2", "L20", "个险", "2026-03-02", "13800000002", 2))
		wk := w.callbackWork(t, w.op, "P1")
		id := wk.Callback.ID
		if _, err := w.svc.RecordLetter(ctx, w.op, id, letter(wk)); huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), "存储未配置") {
			t.Fatalf("without a blob store: %v", err)
		}
		dir := t.TempDir()
		blobs, err := blob.NewLocal(dir)
		mustDo(t, func() error { return err })
		w.svc.Blobs = blobs

		// Refusals, each next to its field; nothing is stored.
		in := letter(wk)
		in.Receipt = nil
		_, err = w.svc.RecordLetter(ctx, w.op, id, in)
		if huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(fieldOf(err, "receipt"), "须上传投保人签名的回执") {
			t.Fatalf("without a receipt: %v", err)
		}
		for _, tc := range []struct {
			name, field, want string
			edit              func(*app.LetterInput)
		}{
			{"not a scan", "receipt", "PDF、JPEG 或 PNG", func(in *app.LetterInput) { in.Receipt = strings.NewReader("<html>not a receipt</html>") }},
			{"empty", "receipt", "空的", func(in *app.LetterInput) { in.Receipt = strings.NewReader("") }},
			{"too large", "receipt", "超过 10 MB", func(in *app.LetterInput) {
				in.Receipt = io.MultiReader(bytes.NewReader(pdfReceipt), bytes.NewReader(make([]byte, app.MaxReceipt)))
			}},
			{"phone", "method", "信函回访或上门回访", func(in *app.LetterInput) { in.Method = huifang.MethodPhone }},
			{"no date", "signed_on", "签名的日期", func(in *app.LetterInput) { in.SignedOn = huifang.Date{} }},
			{"tomorrow", "signed_on", "不能晚于今天", func(in *app.LetterInput) { in.SignedOn = huifang.NewDate(2026, 3, 6) }},
			{"before the policy", "signed_on", "不能早于保单承保日期", func(in *app.LetterInput) { in.SignedOn = huifang.NewDate(2026, 2, 1) }},
			{"unanswered", "answers.signed", "尚未回答", func(in *app.LetterInput) { delete(in.Answers, "signed") }},
			{"signed by another", "answers.identity", "不是投保人本人", func(in *app.LetterInput) { in.Answers["identity"] = "no" }},
		} {
			in := letter(wk)
			tc.edit(&in)
			_, err := w.svc.RecordLetter(ctx, w.op, id, in)
			if huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(fieldOf(err, tc.field), tc.want) {
				t.Errorf("%s: %v (%s: %q)", tc.name, err, tc.field, fieldOf(err, tc.field))
			}
		}
		if n := blobCount(t, dir); n != 0 {
			t.Fatalf("%d objects stored by refused letters", n)
		}
		if c := w.callbackWork(t, w.op, "P1").Callback; !c.Open() || c.Method != huifang.MethodPhone {
			t.Fatalf("refused letters changed the callback: %+v", c)
		}
		// Operators and branch handlers (who make the visits) record them, not
		// QA; an operator calling it now blocks it.
		qa := w.user(t, "A", "qa", huifang.RoleQA, "", "")
		handler := w.user(t, "A", "h1", huifang.RoleHandler, "86010101", "")
		if _, err := w.svc.RecordLetter(ctx, qa, id, letter(wk)); huifang.ErrorCode(err) != huifang.EFORBIDDEN {
			t.Errorf("QA records a letter: %v", err)
		}
		if _, err := w.svc.RecordLetter(ctx, w.opB, id, letter(wk)); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("insurer B records A's letter: %v", err)
		}
		if got, err := w.svc.Next(ctx, w.op2); err != nil || got.Callback.ID != id {
			t.Fatalf("op2 takes the callback: %v", err)
		}
		if _, err := w.svc.RecordLetter(ctx, w.op, id, letter(wk)); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("letter while op2 calls: %v", err)
		}
		mustDo(t, func() error { return w.svc.Release(ctx, w.op2, id) })

		// The form says the documents were signed by someone else: completed
		// with a problem case, as a call would be.
		in = letter(wk)
		in.Answers["signed"] = "no"
		c, err := w.svc.RecordLetter(ctx, handler, id, in)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != huifang.StatusDone || c.Result != huifang.ResultProblems || c.Method != huifang.MethodLetter || c.FinishedBy != handler.ID ||
			c.ScriptCode != "life-traditional-agency" || c.ScriptVersion != wk.Script.Version || c.Answers["signed"] != huifang.AnswerNo || c.Answers["identity"] != huifang.AnswerYes || c.LeaseUserID != 0 {
			t.Fatalf("letter callback %+v", c)
		}
		cases, err := w.svc.ListProblemCases(ctx, w.op, huifang.ProblemFilter{CallbackID: id})
		if err != nil || len(cases) != 1 || cases[0].Type != huifang.ProblemUnsigned || cases[0].AgentCode != "A001" {
			t.Fatalf("problem cases %+v %v", cases, err)
		}
		var ev app.LetterEvidence
		if err := json.Unmarshal([]byte(c.Evidence), &ev); err != nil {
			t.Fatalf("evidence %q: %v", c.Evidence, err)
		}
		r := ev.Receipt
		if ev.Method != huifang.MethodLetter || ev.SignedOn != huifang.NewDate(2026, 3, 3) || ev.RecordedBy != "h1" || ev.RecordedID != handler.ID || ev.RecordedAt.IsZero() ||
			r.FileName != "回执-张三.pdf" || r.ContentType != "application/pdf" || r.Size != int64(len(pdfReceipt)) || !ev.RetainUntil.IsZero() { // whole life: kept
			t.Fatalf("evidence %+v", ev)
		}
		if info, err := blobs.Stat(ctx, r.Key); err != nil || info.SHA256 != r.SHA256 || !strings.HasPrefix(r.Key, "org-") || !strings.HasSuffix(r.Key, ".pdf") {
			t.Fatalf("stored receipt %+v %v (evidence %+v)", info, err, r)
		}
		audit, _ := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Entity: "callback", Key: itoa(id), Action: "finish"})
		if len(audit) != 1 || !strings.Contains(audit[0].Detail, `"method":"letter"`) || !strings.Contains(audit[0].Detail, r.SHA256) {
			t.Fatalf("audit %+v", audit)
		}
		if _, err := w.svc.RecordLetter(ctx, w.op, id, letter(wk)); huifang.ErrorCode(err) != huifang.ECONFLICT {
			t.Fatalf("a second letter: %v", err)
		}

		// The receipt: to roles that view callbacks of the insurer, each view audited.
		for _, u := range []*huifang.User{qa, handler} {
			body, got, err := w.svc.OpenReceipt(ctx, u, id)
			if err != nil {
				t.Fatalf("%s opens the receipt: %v", u.Role, err)
			}
			data, err := io.ReadAll(body)
			body.Close()
			if err != nil || !bytes.Equal(data, pdfReceipt) || got.Receipt.SHA256 != r.SHA256 {
				t.Fatalf("receipt %q %v", data, err)
			}
		}
		if _, _, err := w.svc.OpenReceipt(ctx, w.opB, id); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("insurer B opens A's receipt: %v", err)
		}
		other := w.callbackWork(t, w.op, "P2").Callback.ID
		if _, _, err := w.svc.OpenReceipt(ctx, w.op, other); huifang.ErrorCode(err) != huifang.ENOTFOUND {
			t.Fatalf("receipt of a callback without one: %v", err)
		}
		views, _ := w.db.ListAudit(ctx, w.op.OrgID, huifang.AuditFilter{Action: "view-receipt"})
		if len(views) != 2 || views[0].Key != itoa(id) {
			t.Fatalf("receipt views audited: %+v", views)
		}

		// A visit, successful, with a JPEG.
		wk2 := w.callbackWork(t, w.op, "P2")
		in = letter(wk2)
		in.Method, in.Receipt, in.ReceiptName = huifang.MethodVisit, bytes.NewReader([]byte("\xff\xd8\xff\xe0 photo")), ""
		c, err = w.svc.RecordLetter(ctx, w.op, wk2.Callback.ID, in)
		if err != nil || c.Result != huifang.ResultSuccessful || c.Method != huifang.MethodVisit {
			t.Fatalf("visit: %+v %v", c, err)
		}
		if ev, ok := app.LetterOf(c); !ok || ev.Receipt.ContentType != "image/jpeg" || ev.Receipt.FileName != "receipt.jpg" {
			t.Fatalf("visit evidence %+v", ev)
		}
	})
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
