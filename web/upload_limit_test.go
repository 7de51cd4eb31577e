package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huifang/huifang/web"
)

// An import file over the server's limit is refused while it arrives, with
// the limit named, and leaves no temporary file behind.
func TestImportUploadOverLimit(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	f.srv.Close()
	f.srv = httptest.NewServer(web.New(f.svc, web.Options{MaxUpload: 1 << 20}))
	t.Cleanup(f.srv.Close)
	adm := f.login(t, "adm")
	before, _ := filepath.Glob(filepath.Join(os.TempDir(), "huifang-import-*"))

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("kind", "policies")
	fw, _ := mw.CreateFormFile("file", "big.csv")
	fw.Write(bytes.Repeat([]byte("保单号,投保人\n"), 150_000)) // about 2.4 MB
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, body := adm.do(req)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "文件超过 1 MB") {
		t.Fatalf("over the limit: %d\n%s", res.StatusCode, body)
	}
	after, _ := filepath.Glob(filepath.Join(os.TempDir(), "huifang-import-*"))
	if len(after) > len(before) {
		t.Fatalf("temporary files left: %v", after)
	}
}
