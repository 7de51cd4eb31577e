package browsertest_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huifang/huifang/browsertest"
)

func TestStartAndScreenshot(t *testing.T) {
	b := browsertest.Start(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!DOCTYPE html><html lang="zh-CN"><title>t</title><h1 id="h">回访 ok</h1></html>`))
	}))
	defer ts.Close()
	b.Do(t, chromedp.Navigate(ts.URL), chromedp.WaitVisible(chromedp.CSS("#h")))
	if got := b.Text(t, "#h"); got != "回访 ok" {
		t.Fatalf("text %q", got)
	}
	path := b.Screenshot(t, "browsertest smoke")
	png, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("%s is not a PNG", path)
	}
}
