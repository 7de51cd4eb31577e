package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestImportCallbackUpload: callback records uploaded on /import run as a
// job; a bad file shows its per-row report and its CSV, a good one its
// summary.
func TestImportCallbackUpload(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	f.loadPolicies(t, "A", policyLine("P1", "L20", "个险", "张三", "2026-02-26", "13800000001", 1))
	adm := f.login(t, "adm")
	if _, body := adm.get("/import"); !strings.Contains(body, `value="callbacks"`) || !strings.Contains(body, "回访记录") {
		t.Fatalf("the form lacks the kind:\n%s", body)
	}
	upload := func(content string) (string, string) {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("kind", "callbacks")
		fw, _ := mw.CreateFormFile("file", "回访记录.csv")
		fw.Write([]byte(content))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, _ := adm.do(req)
		job := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(job, "/import/") {
			t.Fatalf("upload: %d %s", res.StatusCode, job)
		}
		status := "/import/jobs/" + strings.TrimPrefix(job, "/import/")
		var body string
		for range 200 {
			_, body = adm.get(status)
			if strings.Contains(body, `"phase":"done"`) || strings.Contains(body, `"phase":"failed"`) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		return job, body
	}
	head := "保单号,回访方式,回访完成时间,回访结果,问题类型,问题件开立日期,问题件办结日期,问题件处理结果\n"
	job, status := upload(head + "P1,电话,2026-03-02,成功,,2026-03-02,,\nP7,上门,2026-03-02,成功,,,,\n")
	if !strings.Contains(status, `"phase":"failed"`) || !strings.Contains(status, `"bad":2`) {
		t.Fatalf("bad file status: %s", status)
	}
	if _, page := adm.get(job); !strings.Contains(page, "没有问题类型，不应填写问题件开立日期") || !strings.Contains(page, "保单号在系统中不存在") {
		t.Fatalf("bad file page:\n%s", page)
	}
	if res, csv := adm.get("/import/jobs/" + strings.TrimPrefix(job, "/import/") + "/report.csv"); res.StatusCode != 200 || !strings.Contains(csv, "3,保单号,P7") {
		t.Fatalf("report CSV: %d %s", res.StatusCode, csv)
	}
	job, status = upload(head + "P1,电话,2026-03-02 10:15,完成但有问题,保单信息错误,2026-03-03,,\n")
	if !strings.Contains(status, `"phase":"done"`) || !strings.Contains(status, `"updated":1`) || !strings.Contains(status, `"cases":1`) {
		t.Fatalf("good file status: %s", status)
	}
	if _, page := adm.get(job); !strings.Contains(page, `id="sum-cases">1<`) || !strings.Contains(page, "开立的问题件") {
		t.Fatalf("good file page:\n%s", page)
	}
}
