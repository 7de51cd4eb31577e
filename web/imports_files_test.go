package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/sheet/sheettest"
)

// TestImportUploadOddFiles: an XLSX bomb uploaded on /import fails with the
// limit it broke (the server does not inflate it); a policy file with a
// title above its header imports, and the page says where the header was.
func TestImportUploadOddFiles(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	adm := f.login(t, "adm")
	upload := func(name string, content []byte) (string, string) {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("kind", "policies")
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(content)
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
		for range 500 {
			_, body = adm.get(status)
			if strings.Contains(body, `"phase":"done"`) || strings.Contains(body, `"phase":"failed"`) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		return job, body
	}
	job, status := upload("保单.xlsx", sheettest.SharedStringBomb(sheettest.GiB))
	if !strings.Contains(status, `"phase":"failed"`) || !strings.Contains(status, "文件解压后过大：共享字符串第1项超过 128 KiB") {
		t.Fatalf("bomb status: %s", status)
	}
	if _, page := adm.get(job); !strings.Contains(page, "文件解压后过大") {
		t.Fatalf("bomb page:\n%s", page)
	}

	titled := "新单保单清单 2026年3月\n\n说明：每张保单一行\n" + policyHead + policyLine("P1", "L20", "个险", "张三", "2026-02-26", "13800000001", 1)
	job, status = upload("保单.csv", []byte(titled))
	if !strings.Contains(status, `"phase":"done"`) || !strings.Contains(status, `"header_row":4`) {
		t.Fatalf("titled file status: %s", status)
	}
	if _, page := adm.get(job); !strings.Contains(page, "表头在第 4 行") {
		t.Fatalf("titled file page:\n%s", page)
	}
}
