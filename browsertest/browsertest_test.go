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

// TestTabsShareNothing: two tests' tabs live in browser contexts of their
// own, so a cookie one sets is not sent by the other.
func TestTabsShareNothing(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/set" {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "one", Path: "/"})
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		c, _ := r.Cookie("session")
		v := "none"
		if c != nil {
			v = c.Value
		}
		w.Write([]byte(`<!DOCTYPE html><html><title>t</title><p id="c">` + v + `</p></html>`))
	}))
	defer ts.Close()
	a, b := browsertest.Start(t), browsertest.Start(t)
	a.Do(t, chromedp.Navigate(ts.URL+"/set"), chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#c")))
	if got := a.Text(t, "#c"); got != "one" {
		t.Fatalf("the tab that set the cookie reads %q", got)
	}
	b.Do(t, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#c")))
	if got := b.Text(t, "#c"); got != "none" {
		t.Fatalf("another tab reads the cookie: %q", got)
	}
}
