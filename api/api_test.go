package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/api"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/script"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/testworld"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t.UTC() }

type client struct {
	t     *testing.T
	url   string
	token string
}

func (c client) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.url+path, r)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: bad JSON %q", method, path, raw)
		}
	} else {
		out["raw"] = string(raw)
	}
	return resp.StatusCode, out
}

func policyRow(no, product, receipt, id string) map[string]string {
	return map[string]string{"保单号": no, "产品代码": product, "销售渠道": "个险", "机构代码": "86010101", "业务员代码": "A001",
		"投保人姓名": "张三", "投保人证件号码": id, "投保人出生日期": "1980-05-06", "投保人手机号": "13800000001", "被保险人姓名": "张三",
		"投保日期": "2026-02-20", "承保日期": "2026-02-25", "回执签收日期": receipt, "保费": "10000", "缴费方式": "年交", "缴费年期": "10"}
}

// importBook imports, as the administrator c, branch 86010101, product
// L20, agent A001 (phone agentPhone) and the policies, each batch checked.
func (c client) importBook(agentPhone string, policies []map[string]string) {
	c.t.Helper()
	for _, b := range []struct {
		kind string
		rows []map[string]string
	}{
		{"branches", []map[string]string{{"code": "86010101", "name": "营业部", "parent_code": ""}}},
		{"products", []map[string]string{{"产品代码": "L20", "产品名称": "终身寿", "设计类型": "传统", "保险期间": "终身"}}},
		{"agents", []map[string]string{{"业务员代码": "A001", "姓名": "李明", "手机号": agentPhone, "机构代码": "86010101"}}},
		{"policies", policies},
	} {
		if code, body := c.do("POST", "/api/v1/import/"+b.kind, map[string]any{"rows": b.rows}); code != 200 {
			c.t.Fatalf("import %s: %d %v", b.kind, code, body)
		}
	}
}

func TestAPI(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		db := w.DB
		ctx := context.Background()
		svc, srv, tokens := apiWorld(t, w, nil)
		cli := app.CLI()
		anon := client{t, srv.URL, ""}
		admin, op, opB := client{t, srv.URL, tokens["a-admin"]}, client{t, srv.URL, tokens["a-op"]}, client{t, srv.URL, tokens["b-op"]}

		if code, body := anon.do("GET", "/api/v1/me", nil); code != 401 || body["code"] != "unauthorized" {
			t.Fatalf("no token: %d %v", code, body)
		}
		if code, _ := (client{t, srv.URL, "forged"}).do("GET", "/api/v1/me", nil); code != 401 {
			t.Fatalf("forged token: %d", code)
		}
		if code, body := op.do("GET", "/api/v1/me", nil); code != 200 || body["org"] != "A" || body["role"] != "operator" {
			t.Fatalf("me: %d %v", code, body)
		}
		// Reference data through the JSON batch.
		batches := []struct {
			kind string
			rows []map[string]string
		}{
			{"branches", []map[string]string{{"code": "86", "name": "总公司", "parent_code": ""}, {"code": "8601", "name": "省分", "parent_code": "86"}, {"code": "860101", "name": "市分", "parent_code": "8601"}, {"code": "86010101", "name": "营业部", "parent_code": "860101"}}},
			{"products", []map[string]string{{"产品代码": "L20", "产品名称": "终身寿", "设计类型": "传统", "保险期间": "终身", "犹豫期天数": "15"}}},
			{"agents", []map[string]string{{"业务员代码": "A001", "姓名": "李明", "手机号": "13900000001", "机构代码": "86010101"}}},
		}
		for _, b := range batches {
			if code, body := admin.do("POST", "/api/v1/import/"+b.kind, map[string]any{"rows": b.rows}); code != 200 {
				t.Fatalf("import %s: %d %v", b.kind, code, body)
			}
		}
		if code, _ := op.do("POST", "/api/v1/import/products", map[string]any{"rows": batches[1].rows}); code != 403 {
			t.Fatalf("operator import: %d", code)
		}
		if code, _ := admin.do("POST", "/api/v1/import/planets", map[string]any{"rows": batches[1].rows}); code != 400 {
			t.Fatalf("unknown kind: %d", code)
		}
		if code, _ := admin.do("POST", "/api/v1/import/products", map[string]any{"rowz": 1}); code != 400 {
			t.Fatalf("unknown field: %d", code)
		}
		// A batch with two bad rows writes nothing and lists both.
		id1 := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)
		id2 := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 2)
		bad := []map[string]string{policyRow("P1", "L20", "2026-03-02", id1), policyRow("P2", "NOPE", "2026-03-02", id2), policyRow("P3", "L20", "2026-02-30", id2)}
		code, body := admin.do("POST", "/api/v1/import/policies", map[string]any{"rows": bad})
		report, _ := body["report"].(map[string]any)
		if code != 422 || report == nil || report["bad"] != float64(2) || len(report["errors"].([]any)) < 2 {
			t.Fatalf("bad batch: %d %v", code, body)
		}
		if _, list := admin.do("GET", "/api/v1/callbacks", nil); list["total"].(float64) != 0 {
			t.Fatalf("bad batch wrote callbacks: %v", list)
		}
		good := []map[string]string{policyRow("P1", "L20", "2026-03-02", id1), policyRow("P2", "L20", "2026-03-03", id2)}
		if code, body := admin.do("POST", "/api/v1/import/policies", map[string]any{"source": "core", "rows": good}); code != 200 {
			t.Fatalf("good batch: %d %v", code, body)
		}
		// The operator works a callback.
		code, work := op.do("POST", "/api/v1/callbacks/next", nil)
		if code != 200 {
			t.Fatalf("next: %d %v", code, work)
		}
		cb := work["callback"].(map[string]any)
		pol := work["policy"].(map[string]any)
		if cb["policy_no"] != "P1" || pol["holder_phone_masked"] != "138****0001" || strings.Contains(pol["holder_id_masked"].(string), id1[4:14]) {
			t.Fatalf("work %v", work)
		}
		id := int64(cb["id"].(float64))
		path := "/api/v1/callbacks/" + itoa(id)
		if code, _ := opB.do("GET", path, nil); code != 404 {
			t.Fatalf("another insurer's callback: %d", code)
		}
		// Taking the callback one holds gives it back; another insurer's is not found.
		if code, body := op.do("POST", path+"/take", nil); code != 200 || body["callback"].(map[string]any)["id"].(float64) != float64(id) {
			t.Fatalf("take: %d %v", code, body)
		}
		if code, body := op.do("POST", "/api/v1/policies/P1/reveal-phone", nil); code != 200 || body["phone"] != "13800000001" {
			t.Fatalf("reveal of the callback held: %d %v", code, body)
		}
		if code, _ := opB.do("POST", path+"/take", nil); code != 404 {
			t.Fatalf("another insurer's take: %d", code)
		}
		if code, _ := opB.do("POST", path+"/attempts", map[string]any{"outcome": "busy"}); code != 404 {
			t.Fatalf("another insurer's attempt: %d", code)
		}
		if code, body := op.do("POST", path+"/attempts", map[string]any{"outcome": "teleported"}); code != 400 {
			t.Fatalf("unknown outcome: %d %v", code, body)
		}
		if code, body := op.do("POST", path+"/attempts", map[string]any{"outcome": "answered"}); code != 200 || body["status"] != "open" {
			t.Fatalf("answered: %d %v", code, body)
		}
		// A client answers from the script in the JSON: the first answer no
		// rule turns into a problem or an end.
		wsc := work["script"].(map[string]any)
		if wsc["code"] != "life-traditional-agency" {
			t.Fatalf("script %v", wsc["code"])
		}
		answers := map[string]string{}
		for _, x := range wsc["steps"].([]any) {
			st := x.(map[string]any)
			if st["kind"] != "question" {
				continue
			}
			options := []string{"yes", "no", "unclear"}
			if cs, ok := st["choices"].([]any); ok {
				options = nil
				for _, c := range cs {
					options = append(options, c.(string))
				}
			}
			answers[st["id"].(string)] = passingAnswer(st, options)
		}
		answers["signed"] = "no" // signed by someone else
		code, done := op.do("POST", path+"/finish", map[string]any{"answers": answers})
		if code != 200 || done["result"] != "problems" {
			t.Fatalf("finish: %d %v", code, done)
		}
		pcs := done["problem_cases"].([]any)
		if len(pcs) != 1 || pcs[0].(map[string]any)["type"] != "unsigned" {
			t.Fatalf("problem cases %v", pcs)
		}
		if code, _ := op.do("POST", path+"/finish", map[string]any{"answers": answers}); code != 409 {
			t.Fatalf("finish twice: %d", code)
		}
		// Listing, problem cases, reveal (audited), export.
		if _, list := op.do("GET", "/api/v1/callbacks?status=done", nil); list["total"].(float64) != 1 {
			t.Fatalf("done list %v", list)
		}
		if code, _ := op.do("GET", "/api/v1/callbacks?status=weird", nil); code != 400 {
			t.Fatalf("bad filter: %d", code)
		}
		if _, pl := opB.do("GET", "/api/v1/problem-cases", nil); len(pl["problem_cases"].([]any)) != 0 {
			t.Fatalf("B sees A's problem cases: %v", pl)
		}
		// The callback is done: its number is no longer the operator's to see.
		if code, body := op.do("POST", "/api/v1/policies/P1/reveal-phone", nil); code != 403 {
			t.Fatalf("reveal after finishing: %d %v", code, body)
		}
		if code, _ := opB.do("POST", "/api/v1/policies/P1/reveal-phone", nil); code != 404 {
			t.Fatalf("reveal across insurers: %d", code)
		}
		if a, _ := db.ListAudit(ctx, 2, huifang.AuditFilter{Action: "view-pii"}); len(a) != 1 {
			t.Fatalf("reveal not audited: %v", a)
		}
		if a, _ := db.ListAudit(ctx, 2, huifang.AuditFilter{Action: "view-pii-refused"}); len(a) != 1 {
			t.Fatalf("refused reveal not audited: %v", a)
		}
		if code, _ := op.do("GET", "/api/v1/export/callbacks", nil); code != 403 {
			t.Fatalf("operator export: %d", code)
		}
		code, exp := admin.do("GET", "/api/v1/export/callbacks?format=csv", nil)
		csv, _ := exp["raw"].(string)
		if code != 200 || !strings.Contains(csv, "保单号") || !strings.Contains(csv, "回访截止日期") || !strings.Contains(csv, "P2") || strings.Contains(csv, "13800000001") {
			t.Fatalf("export: %d %q", code, csv)
		}
		if code, _ := anon.do("GET", "/api/v1/nothing", nil); code != 404 {
			t.Fatalf("unknown path: %d", code)
		}

		// The problem-case workflow through the API.
		for _, u := range []app.UserInput{{OrgCode: "A", Login: "a-mgr", Role: huifang.RoleManager}, {OrgCode: "A", Login: "a-hdl", Role: huifang.RoleHandler, BranchCode: "86010101"}} {
			u.Password = "secret-password"
			if _, err := svc.CreateUser(ctx, cli, u); err != nil {
				t.Fatal(err)
			}
			tok, _ := svc.CreateToken(ctx, cli, app.TokenInput{OrgCode: "A", Login: u.Login})
			tokens[u.Login] = tok
		}
		mgr, hdl := client{t, srv.URL, tokens["a-mgr"]}, client{t, srv.URL, tokens["a-hdl"]}
		caseID := int64(pcs[0].(map[string]any)["id"].(float64))
		cpath := "/api/v1/problem-cases/" + itoa(caseID)
		if code, body := mgr.do("GET", cpath, nil); code != 200 || body["due_on"] != "2026-04-02" || body["limit_days"] != float64(20) {
			t.Fatalf("case: %d %v", code, body)
		}
		if code, _ := opB.do("GET", cpath, nil); code != 404 {
			t.Fatalf("case across insurers: %d", code)
		}
		if code, body := mgr.do("POST", cpath+"/transfer", map[string]any{"branch": "86010101", "handler": "a-hdl"}); code != 200 || body["status"] != "transferring" {
			t.Fatalf("transfer: %d %v", code, body)
		}
		if code, body := hdl.do("POST", cpath+"/actions", map[string]any{"kind": "explained"}); code != 409 {
			t.Fatalf("act before acknowledging: %d %v", code, body)
		}
		if code, _ := hdl.do("POST", cpath+"/acknowledge", nil); code != 200 {
			t.Fatalf("acknowledge: %d", code)
		}
		doc := map[string]any{"name": "receipt.pdf", "content_type": "application/pdf", "data": "JVBERi0xLjQ="}
		if code, body := hdl.do("POST", cpath+"/actions", map[string]any{"kind": "visit", "note": "上门", "evidence": doc}); code != 200 || body["actions"] != float64(1) {
			t.Fatalf("visit: %d %v", code, body)
		}
		if code, _ := hdl.do("POST", cpath+"/resolve", nil); code != 400 {
			t.Fatalf("resolve without a re-callback: %d", code)
		}
		code, body = hdl.do("POST", cpath+"/recallback", nil)
		if code != 200 || body["status"] != "recallback" || body["recallback_id"] == float64(0) {
			t.Fatalf("re-callback: %d %v", code, body)
		}
		var evidenceID float64
		for _, e := range body["timeline"].([]any) {
			if id := e.(map[string]any)["evidence_id"].(float64); id != 0 {
				evidenceID = id
			}
		}
		code, file := hdl.do("GET", "/api/v1/evidence/"+itoa(int64(evidenceID)), nil)
		if raw, _ := file["raw"].(string); code != 200 || raw != "%PDF-1.4" {
			t.Fatalf("evidence: %d %v", code, file)
		}
		if code, _ := opB.do("GET", "/api/v1/evidence/"+itoa(int64(evidenceID)), nil); code != 404 {
			t.Fatalf("evidence across insurers: %d", code)
		}
		if code, body := hdl.do("GET", "/api/v1/problem-cases?scope=mine", nil); code != 200 || len(body["problem_cases"].([]any)) != 1 {
			t.Fatalf("handler board: %d %v", code, body)
		}
		if code, body := mgr.do("GET", "/api/v1/profile", nil); code != 200 || body["in_force"].(map[string]any)["base"] != "seed-bureau" {
			t.Fatalf("profile: %d %v", code, body)
		}
		if code, body := op.do("GET", "/api/v1/calendar/2026", nil); code != 200 || len(body["holidays"].([]any)) != 7 {
			t.Fatalf("calendar: %d %v", code, body)
		}
		if code, _ := admin.do("POST", "/api/v1/calendar", nil); code != 403 {
			t.Fatalf("an insurer admin loading a calendar: %d", code)
		}
		if code, body := mgr.do("POST", "/api/v1/problem-cases", map[string]any{"policy_no": "P2", "type": "complaint", "reason": "投诉"}); code != 201 || body["due_on"] != "2026-03-19" {
			t.Fatalf("open by hand: %d %v", code, body)
		}

		// A recording pushed by the call-centre system, played by QA of the same insurer only.
		blobs, err := blob.NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		svc.Blobs = blobs
		for _, u := range []app.UserInput{{OrgCode: "A", Login: "a-qa", Role: huifang.RoleQA}, {OrgCode: "B", Login: "b-qa", Role: huifang.RoleQA}} {
			u.Password = "secret-password"
			if _, err := svc.CreateUser(ctx, cli, u); err != nil {
				t.Fatal(err)
			}
			tok, _ := svc.CreateToken(ctx, cli, app.TokenInput{OrgCode: u.OrgCode, Login: u.Login})
			tokens[u.Login] = tok
		}
		qa, qaB := client{t, srv.URL, tokens["a-qa"]}, client{t, srv.URL, tokens["b-qa"]}
		wav := append([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), bytes.Repeat([]byte{1, 2, 3, 4}, 1000)...)
		push := func(c client, body []byte, query ...string) (int, map[string]any) {
			req, _ := http.NewRequest("POST", srv.URL+path+"/recordings"+strings.Join(query, ""), bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+c.token)
			req.Header.Set("Content-Type", "audio/wav")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			out := map[string]any{}
			json.NewDecoder(res.Body).Decode(&out)
			return res.StatusCode, out
		}
		if code, body := push(op, []byte("this is not audio")); code != 400 {
			t.Fatalf("non-audio: %d %v", code, body)
		}
		if code, _ := push(opB, wav); code != 404 {
			t.Fatalf("pushed to another insurer's callback: %d", code)
		}
		// It names the phone attempt it records, one of the callback's.
		_, cbWork := op.do("GET", path, nil)
		attempts := cbWork["attempts"].([]any)
		attemptID := int64(attempts[len(attempts)-1].(map[string]any)["id"].(float64))
		if code, body := push(op, wav, "?attempt_id=999999"); code != 400 {
			t.Fatalf("another callback's attempt: %d %v", code, body)
		}
		code, rec := push(op, wav, "?attempt_id="+itoa(attemptID))
		if code != 201 || rec["format"] != "wav" || rec["size"] != float64(len(wav)) || rec["sha256"] == "" || rec["retain_until"] != "" || rec["attempt_id"] != float64(attemptID) {
			t.Fatalf("push: %d %v", code, rec) // whole life: kept while the contract runs
		}
		rpath := "/api/v1/recordings/" + itoa(int64(rec["id"].(float64)))
		play := func(c client, rangeHdr string) (*http.Response, []byte) {
			req, _ := http.NewRequest("GET", srv.URL+rpath, nil)
			req.Header.Set("Authorization", "Bearer "+c.token)
			if rangeHdr != "" {
				req.Header.Set("Range", rangeHdr)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res, b
		}
		if res, b := play(qa, ""); res.StatusCode != 200 || !bytes.Equal(b, wav) || res.Header.Get("Accept-Ranges") != "bytes" {
			t.Fatalf("play: %d %d bytes", res.StatusCode, len(b))
		}
		if res, b := play(qa, "bytes=12-19"); res.StatusCode != 206 || !bytes.Equal(b, wav[12:20]) || res.Header.Get("Content-Range") != fmt.Sprintf("bytes 12-19/%d", len(wav)) {
			t.Fatalf("range: %d %q %s", res.StatusCode, b, res.Header.Get("Content-Range"))
		}
		if res, _ := play(qa, fmt.Sprintf("bytes=%d-", len(wav)+5)); res.StatusCode != 416 {
			t.Fatalf("range past the end: %d", res.StatusCode)
		}
		if res, _ := play(qaB, ""); res.StatusCode != 404 {
			t.Fatalf("QA of another insurer: %d", res.StatusCode)
		}
		if res, _ := play(hdl, ""); res.StatusCode != 403 {
			t.Fatalf("a handler playing: %d", res.StatusCode)
		}
		// A letter recorded from the returned form, counted only with the signed receipt.
		_, list2 := op.do("GET", "/api/v1/callbacks?policy_no=P2", nil)
		lpath := "/api/v1/callbacks/" + itoa(int64(list2["callbacks"].([]any)[0].(map[string]any)["id"].(float64)))
		_, work2 := op.do("GET", lpath, nil)
		letterAnswers := map[string]string{}
		for _, x := range work2["script"].(map[string]any)["steps"].([]any) {
			st := x.(map[string]any)
			if st["kind"] != "question" {
				continue
			}
			options := []string{"yes", "no", "unclear"}
			if cs, ok := st["choices"].([]any); ok {
				options = nil
				for _, c := range cs {
					options = append(options, c.(string))
				}
			}
			letterAnswers[st["id"].(string)] = passingAnswer(st, options)
		}
		answersJSON, _ := json.Marshal(letterAnswers)
		receipt := []byte("%PDF-1.4 signed receipt")
		postLetter := func(c client, withReceipt bool) (int, map[string]any) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("method", "letter")
			mw.WriteField("signed_on", "2026-03-04")
			mw.WriteField("answers", string(answersJSON))
			if withReceipt {
				fw, _ := mw.CreateFormFile("receipt", "receipt.pdf")
				fw.Write(receipt)
			}
			mw.Close()
			req, _ := http.NewRequest("POST", srv.URL+lpath+"/letter", &buf)
			req.Header.Set("Authorization", "Bearer "+c.token)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			out := map[string]any{}
			json.NewDecoder(res.Body).Decode(&out)
			return res.StatusCode, out
		}
		if code, body := postLetter(op, false); code != 400 || !strings.Contains(fmt.Sprint(body["fields"]), "receipt") {
			t.Fatalf("letter without a receipt: %d %v", code, body)
		}
		if code, body := postLetter(opB, true); code != 404 {
			t.Fatalf("letter to another insurer's callback: %d %v", code, body)
		}
		code, done2 := postLetter(op, true)
		letterEv, _ := done2["letter"].(map[string]any)
		if code != 200 || done2["method"] != "letter" || done2["result"] != "successful" || letterEv == nil || letterEv["signed_on"] != "2026-03-04" {
			t.Fatalf("letter: %d %v", code, done2)
		}
		if rc := letterEv["receipt"].(map[string]any); rc["size"] != float64(len(receipt)) || rc["key"] != nil {
			t.Fatalf("letter receipt %v", rc)
		}
		if code, body := qaB.do("GET", lpath+"/receipt", nil); code != 404 {
			t.Fatalf("receipt to another insurer: %d %v", code, body)
		}
		if code, body := qa.do("GET", lpath+"/receipt", nil); code != 200 || body["raw"] != string(receipt) {
			t.Fatalf("receipt: %d %v", code, body)
		}
		if code, body := qa.do("GET", path+"/receipt", nil); code != 404 {
			t.Fatalf("receipt of a phone callback: %d %v", code, body)
		}

		// Scripts through the API: import, file, activate; a missing item refuses activation.
		scriptReq := func(c client, method, p string, body string) (int, map[string]any) {
			req, _ := http.NewRequest(method, srv.URL+p, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+c.token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			out := map[string]any{}
			json.NewDecoder(res.Body).Decode(&out)
			return res.StatusCode, out
		}
		// The statistics table: JSON for the insurer's staff, nothing for
		// an operator, and another insurer's as if it did not exist.
		code, st := admin.do("GET", "/api/v1/stats?period=2026-03", nil)
		if code != 200 || st["period"] != "2026-03" || st["org"] != "A" {
			t.Fatalf("stats: %d %v", code, st)
		}
		tot := st["total"].(map[string]any)
		// March still runs: the counts take the deadlines come so far,
		// due_full the whole month's.
		if due := tot["due_full"].(float64); due < 1 {
			t.Fatalf("stats total %v", tot)
		}
		if r := tot["rates"].(map[string]any)["success_rate"].(map[string]any); r["den"] != tot["callbacks"].(map[string]any)["due"] {
			t.Fatalf("success rate %v", r)
		}
		if code, _ := op.do("GET", "/api/v1/stats?period=2026-03", nil); code != 403 {
			t.Fatalf("stats for an operator: %d", code)
		}
		if code, _ := opB.do("GET", "/api/v1/stats?org=A&period=2026-03", nil); code != 403 {
			t.Fatalf("stats for another insurer's operator: %d", code)
		}
		if code, _ := admin.do("GET", "/api/v1/stats?period=2026-3", nil); code != 400 {
			t.Fatalf("stats for a bad period: %d", code)
		}
		var scriptBody bytes.Buffer
		script.Lookup("life-traditional-agency").Format(&scriptBody)
		code, sc := scriptReq(admin, "POST", "/api/v1/scripts", scriptBody.String())
		if code != 201 || sc["status"] != "draft" {
			t.Fatalf("import script: %d %v", code, sc)
		}
		spath := "/api/v1/scripts/" + itoa(int64(sc["id"].(float64)))
		// The draft edited through the API: checked, refused with a
		// problem, saved, its differences from the shipped script.
		edited := script.Lookup("life-traditional-agency")
		edited.Steps[0].Texts[huifang.MethodElectronic] = "您好！请您逐项确认。"
		edited.Steps[5].Rules[0].Goto = "nowhere"
		var editBody bytes.Buffer
		edited.Format(&editBody)
		if code, c := scriptReq(admin, "POST", "/api/v1/scripts/check", editBody.String()); code != 200 || c["ok"] != false || len(c["problems"].([]any)) != 1 {
			t.Fatalf("check: %d %v", code, c)
		}
		if code, e := scriptReq(admin, "PUT", spath, editBody.String()); code != 400 || !strings.Contains(fmt.Sprint(e["fields"]), "steps[5]") {
			t.Fatalf("save with a problem: %d %v", code, e)
		}
		edited.Steps[5].Rules[0].Goto = ""
		editBody.Reset()
		edited.Format(&editBody)
		if code, e := scriptReq(op, "PUT", spath, editBody.String()); code != 403 {
			t.Fatalf("an operator saves: %d %v", code, e)
		}
		if code, e := scriptReq(admin, "PUT", spath, editBody.String()); code != 200 || e["status"] != "draft" {
			t.Fatalf("save: %d %v", code, e)
		}
		if code, d := scriptReq(admin, "GET", spath+"/diff", ""); code != 200 || d["changed"] != true || d["base"] != "life-traditional-agency v1" {
			t.Fatalf("diff: %d %v", code, d)
		}
		if code, _ := scriptReq(admin, "POST", spath+"/file", ""); code != 204 {
			t.Fatalf("file: %d", code)
		}
		if code, _ := scriptReq(admin, "POST", spath+"/activate?from=2026-03-06", ""); code != 204 {
			t.Fatalf("activate: %d", code)
		}
		if code, list := scriptReq(op, "GET", "/api/v1/scripts", ""); code != 200 || len(list["scripts"].([]any)) != 1 {
			t.Fatalf("list scripts: %d %v", code, list)
		}
		if code, _ := scriptReq(admin, "POST", "/api/v1/scripts", "{broken"); code != 400 {
			t.Fatalf("broken script: %d", code)
		}

		plays, _ := db.ListAudit(ctx, 2, huifang.AuditFilter{Entity: "recording", Action: "play"})
		if len(plays) != 1 || plays[0].Actor != "a-qa" {
			t.Fatalf("playback audit %+v", plays)
		}
	})
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// passingAnswer is the first option no rule of the step (in its JSON form)
// turns into a problem or an end.
func passingAnswer(st map[string]any, options []string) string {
	rules, _ := st["rules"].([]any)
	for _, o := range options {
		fine := true
		for _, x := range rules {
			r := x.(map[string]any)
			matched := false
			for _, w := range r["when"].([]any) {
				if w == o || w == "other" {
					matched = true
				}
			}
			if matched {
				fine = r["problem"] == nil && r["end"] == nil
				break
			}
		}
		if fine {
			return o
		}
	}
	return options[0]
}

// apiWorld starts the API on a service at 10:00 on 5 March 2026 with a
// regulator REG, insurers A and B, and tokens for a-admin, a-op (A) and
// b-op (B); configure, when set, adjusts the service first.
func apiWorld(t *testing.T, w *testworld.World, configure func(*app.Service)) (*app.Service, *httptest.Server, map[string]string) {
	t.Helper()
	svc := w.Svc
	svc.Clock = fixedClock{time.Date(2026, 3, 5, 10, 0, 0, 0, huifang.Shanghai)}
	if configure != nil {
		configure(svc)
	}
	tokens := map[string]string{}
	for _, login := range []string{"a-admin", "a-op", "b-op"} {
		tokens[login] = w.Token(t, login)
	}
	srv := httptest.NewServer(api.New(svc, slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	return svc, srv, tokens
}

// apiSpec is the API tests' world: the regulator REG, the insurers A and B
// without reference data, and three users with a token each.
var apiSpec = &testworld.Spec{Name: "api", Build: func(b *testworld.Builder) error {
	for _, in := range []app.OrgInput{{Kind: huifang.KindRegulator, Code: "REG", Name: "监管局"}, {Kind: huifang.KindInsurer, Code: "A", Name: "甲", RegulatorCode: "REG", ServicePhone: "95500"}, {Kind: huifang.KindInsurer, Code: "B", Name: "乙", RegulatorCode: "REG", ServicePhone: "95501"}} {
		if err := b.Org(in); err != nil {
			return err
		}
	}
	for _, u := range []app.UserInput{{OrgCode: "A", Login: "a-admin", Role: huifang.RoleInsurerAdmin}, {OrgCode: "A", Login: "a-op", Role: huifang.RoleOperator}, {OrgCode: "B", Login: "b-op", Role: huifang.RoleOperator}} {
		if err := b.User(u); err != nil {
			return err
		}
		if err := b.Token(u.Login); err != nil {
			return err
		}
	}
	return nil
}}

// TestMain drops the test worlds' PostgreSQL templates at the end.
func TestMain(m *testing.M) { os.Exit(testworld.Main(m)) }

// eachWorld runs fn as a parallel subtest on every engine, each with its
// own copy of the API's world.
func eachWorld(t *testing.T, fn func(t *testing.T, w *testworld.World)) {
	t.Helper()
	testworld.Each(t, apiSpec, fn)
}

// sqliteWorld returns a copy of the API's world on SQLite.
func sqliteWorld(t *testing.T) *testworld.World {
	t.Helper()
	return testworld.New(t, store.SQLite, apiSpec)
}

// TestSubmissionsAPI: submit, read with content and hash, return, correct,
// accept; an upload with a mistake names its cell; the regulator's status.
func TestSubmissionsAPI(t *testing.T) {
	t.Parallel()
	svc, srv, tokens := apiWorld(t, sqliteWorld(t), func(s *app.Service) {
		s.Clock = fixedClock{time.Date(2026, 4, 3, 10, 0, 0, 0, huifang.Shanghai)}
	})
	ctx := context.Background()
	if _, err := svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "REG", Login: "sup", Role: huifang.RoleSupervisor, Password: "secret-password", Companies: []string{"A", "B"}}); err != nil {
		t.Fatal(err)
	}
	supTok, err := svc.CreateToken(ctx, app.CLI(), app.TokenInput{OrgCode: "REG", Login: "sup"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "B", Login: "b-admin", Role: huifang.RoleInsurerAdmin, Password: "secret-password"}); err != nil {
		t.Fatal(err)
	}
	bTok, err := svc.CreateToken(ctx, app.CLI(), app.TokenInput{OrgCode: "B", Login: "b-admin"})
	if err != nil {
		t.Fatal(err)
	}
	adm, sup, admB := client{t, srv.URL, tokens["a-admin"]}, client{t, srv.URL, supTok}, client{t, srv.URL, bTok}

	code, out := adm.do("POST", "/api/v1/submissions", map[string]any{"period": "2026-03"})
	if code != http.StatusCreated || out["version"].(float64) != 1 || out["status"] != "submitted" {
		t.Fatalf("submit %d %v", code, out)
	}
	id := itoa(int64(out["id"].(float64)))
	code, out = sup.do("GET", "/api/v1/submissions/"+id, nil)
	content, _ := json.Marshal(out["content"])
	if code != http.StatusOK || out["hash"] == "" || !strings.Contains(string(content), `"period":"2026-03"`) {
		t.Fatalf("get %d %v", code, out)
	}
	if code, _ := admB.do("GET", "/api/v1/submissions/"+id, nil); code != http.StatusNotFound {
		t.Fatalf("another company's administrator: %d", code)
	}
	if code, out := sup.do("POST", "/api/v1/submissions/"+id+"/return", map[string]any{}); code != http.StatusBadRequest || out["code"] != "invalid" {
		t.Fatalf("return without a comment %d %v", code, out)
	}
	if code, out := sup.do("POST", "/api/v1/submissions/"+id+"/return", map[string]any{"comment": "请核对"}); code != http.StatusOK || out["status"] != "returned" {
		t.Fatalf("return %d %v", code, out)
	}
	if code, _ := adm.do("POST", "/api/v1/submissions", map[string]any{"period": "2026-03"}); code != http.StatusBadRequest {
		t.Fatalf("a correction without a reason: %d", code)
	}
	code, out = adm.do("POST", "/api/v1/submissions", map[string]any{"period": "2026-03", "reason": "已核对"})
	if code != http.StatusCreated || out["version"].(float64) != 2 {
		t.Fatalf("correction %d %v", code, out)
	}
	id2 := itoa(int64(out["id"].(float64)))
	if code, out := sup.do("POST", "/api/v1/submissions/"+id2+"/accept", nil); code != http.StatusOK || out["status"] != "accepted" {
		t.Fatalf("accept %d %v", code, out)
	}
	if code, _ := sup.do("POST", "/api/v1/submissions/"+id2+"/accept", nil); code != http.StatusConflict {
		t.Fatalf("accept twice %d", code)
	}
	code, out = adm.do("GET", "/api/v1/submissions?period=2026-03", nil)
	if list := out["submissions"].([]any); code != http.StatusOK || len(list) != 2 || list[0].(map[string]any)["org"] != "A" {
		t.Fatalf("list %d %v", code, out)
	}
	code, out = sup.do("GET", "/api/v1/submissions/status?periods=2026-03,2026-02", nil)
	if st := out["status"].([]any); code != http.StatusOK || len(st) != 4 || st[0].(map[string]any)["status"] != "accepted" || st[1].(map[string]any)["status"] != "no-business" {
		t.Fatalf("status %d %v", code, out)
	}

	// An upload for the wrong period: the cell and the reason.
	var xlsx bytes.Buffer
	if err := svc.WriteStats(ctx, app.CLI(), "A", "2026-03", "xlsx", &xlsx); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/submissions/upload?period=2026-02", bytes.NewReader(xlsx.Bytes()))
	req.Header.Set("Authorization", "Bearer "+tokens["a-admin"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Code   string
		Fields []struct{ Field, Reason string }
	}
	json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || len(body.Fields) != 1 || body.Fields[0].Field != "A1" {
		t.Fatalf("upload %d %+v", res.StatusCode, body)
	}
}
