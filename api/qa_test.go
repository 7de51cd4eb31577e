package api_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// TestQAAPI: QA draws the week, reads the queue and the form, is refused
// an incomplete form, scores the call; the operator reads it and appeals
// once; another operator and B's QA cannot reach it; QA decides; the
// manager reads and downloads the figures.
func TestQAAPI(t *testing.T) {
	t.Parallel()
	svc, srv := standardAPI(t)
	ctx := context.Background()
	importPolicies(t, svc, "A", "QA1")
	opc := userClient(t, svc, srv.URL, "A", "op1", "")
	op := mustUser(t, svc, opc.token)
	var cbID int64
	cbs, _, err := svc.ListCallbacks(ctx, op, huifang.CallbackFilter{PolicyNo: "QA1"})
	if err != nil || len(cbs) != 1 {
		t.Fatalf("callbacks %v %v", cbs, err)
	}
	cbID = cbs[0].ID
	if _, err := svc.Take(ctx, op, cbID); err != nil {
		t.Fatal(err)
	}
	wk, err := svc.Callback(ctx, op, cbID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Finish(ctx, op, cbID, app.FinishInput{Answers: wk.Script.Script.Passing(), Script: wk.Script.Ref()}); err != nil {
		t.Fatal(err)
	}
	qa := userClient(t, svc, srv.URL, "A", "qa1", huifang.RoleQA)
	qaB := userClient(t, svc, srv.URL, "B", "qab", huifang.RoleQA)
	mgr := userClient(t, svc, srv.URL, "A", "mgr", huifang.RoleManager)
	op2 := userClient(t, svc, srv.URL, "A", "op2", huifang.RoleOperator)

	if code, body := opc.do("POST", "/api/v1/qa/draw", nil); code != 403 {
		t.Fatalf("operator drew: %d %v", code, body)
	}
	code, body := qa.do("POST", "/api/v1/qa/draw", nil)
	if code != 200 || body["week"] != "2026-W10" || body["random"] != 1.0 {
		t.Fatalf("draw: %d %v", code, body)
	}
	code, body = qa.do("GET", "/api/v1/qa?status=queued", nil)
	evs, _ := body["evaluations"].([]any)
	if code != 200 || len(evs) != 1 {
		t.Fatalf("queue: %d %v", code, body)
	}
	id := int64(evs[0].(map[string]any)["id"].(float64))
	path := "/api/v1/qa/" + itoa(id)
	if code, body := qa.do("GET", "/api/v1/qa?status=bogus", nil); code != 400 || body["key"] != "err.qa.status" {
		t.Fatalf("bad status: %d %v", code, body)
	}
	code, body = qa.do("GET", path, nil)
	form, _ := body["form"].([]any)
	if code != 200 || len(form) < 8 {
		t.Fatalf("evaluation: %d %v", code, body)
	}
	answers := map[string]string{}
	for _, it := range form {
		answers[it.(map[string]any)["code"].(string)] = "yes"
	}
	if code, body := qaB.do("GET", path, nil); code != 404 {
		t.Fatalf("B's QA: %d %v", code, body)
	}
	if code, body := qa.do("POST", path+"/evaluate", map[string]any{"answers": map[string]string{"identity": "yes"}}); code != 400 || body["key"] != "err.qa.answer_missing" {
		t.Fatalf("incomplete: %d %v", code, body)
	}
	answers["manner"] = "no"
	code, body = qa.do("POST", path+"/evaluate", map[string]any{"answers": answers, "note": "语气生硬"})
	if code != 200 || body["status"] != "evaluated" || body["critical_fail"] != false || body["score"].(float64) >= 100 {
		t.Fatalf("evaluate: %d %v", code, body)
	}
	code, body = opc.do("GET", "/api/v1/qa/mine", nil)
	if mine, _ := body["evaluations"].([]any); code != 200 || len(mine) != 1 {
		t.Fatalf("mine: %d %v", code, body)
	}
	if code, body := op2.do("GET", path, nil); code != 404 {
		t.Fatalf("another operator: %d %v", code, body)
	}
	if code, body := op2.do("POST", path+"/appeal", map[string]any{"appeal": "x"}); code != 404 {
		t.Fatalf("another operator appealed: %d %v", code, body)
	}
	if code, body := opc.do("POST", path+"/appeal", map[string]any{"appeal": "已耐心解释"}); code != 200 || body["status"] != "appealed" {
		t.Fatalf("appeal: %d %v", code, body)
	}
	if code, body := opc.do("POST", path+"/appeal", map[string]any{"appeal": "再次"}); code != 409 || body["key"] != "err.qa.appeal_once" {
		t.Fatalf("second appeal: %d %v", code, body)
	}
	if code, body := qa.do("POST", path+"/decide", map[string]any{"uphold": false, "note": "录音中语气确实生硬"}); code != 200 || body["status"] != "rejected" {
		t.Fatalf("decide: %d %v", code, body)
	}
	code, body = mgr.do("GET", "/api/v1/qa/figures?from=2026-03-01&to=2026-03-31", nil)
	ops, _ := body["operators"].([]any)
	if code != 200 || len(ops) != 1 || ops[0].(map[string]any)["evaluated"] != 1.0 {
		t.Fatalf("figures: %d %v", code, body)
	}
	if code, body := opc.do("GET", "/api/v1/qa/figures", nil); code != 403 {
		t.Fatalf("operator figures: %d %v", code, body)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/qa/figures?format=csv&from=2026-03-01&to=2026-03-31", nil)
	req.Header.Set("Authorization", "Bearer "+mgr.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	csv, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(csv), "op1") {
		t.Fatalf("csv: %d %s", res.StatusCode, csv)
	}
}
