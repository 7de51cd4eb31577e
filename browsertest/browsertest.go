// Package browsertest runs tests in a real headless Chromium through the
// DevTools protocol (chromedp). Without a browser the tests are skipped,
// except under CI=true, where a missing browser fails them.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is one tab of a headless Chromium, in a browser context of its
// own, closed when the test ends.
type Browser struct {
	// Ctx runs chromedp actions in the tab: chromedp.Do(b.Ctx, ...).
	Ctx context.Context
}

// candidates are the names Chromium goes by on PATH.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Find returns the Chromium to use: $HUIFANG_CHROMIUM, or the first
// candidate on PATH; "" when there is none.
func Find() string {
	if p := os.Getenv("HUIFANG_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// shared is the one Chromium of a test binary, started by the first test
// that needs it: starting a browser costs about a second, a tab in a fresh
// browser context a few milliseconds.
var shared struct {
	once sync.Once
	ctx  context.Context // the browser's; tabs are made under it
	err  error
}

func browser(path string) (context.Context, error) {
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "huifang-chromium-")
		if err != nil {
			shared.err = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.Flag("headless", true),
			chromedp.Flag("no-sandbox", true),
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("no-first-run", true),
			chromedp.UserDataDir(dir),
		}
		// The browser lives as long as the test binary (chromedp kills it
		// when the binary exits), so its contexts are never cancelled.
		alloc, _ := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, _ := chromedp.NewContext(alloc)
		if err := chromedp.Do(ctx); err != nil {
			shared.err = fmt.Errorf("start Chromium %s: %w", path, err)
			return
		}
		shared.ctx = ctx
	})
	return shared.ctx, shared.err
}

// Start opens a tab in a fresh browser context of the test binary's
// headless Chromium: no cookies, storage or cache are shared with any other
// test's tab. Every action gets at most 3 minutes altogether (a hung
// browser fails the test instead of blocking it).
func Start(t testing.TB) *Browser {
	t.Helper()
	path := Find()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium not found: CI must run the browser tests (install chromium or set HUIFANG_CHROMIUM)")
		}
		t.Skip("Chromium not found: browser tests skipped")
	}
	parent, err := browser(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancelTab := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
	})
	// Open the tab now, so that a broken installation fails here, and give
	// pages a desktop-sized viewport.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatalf("open a tab in Chromium %s: %v", path, err)
	}
	return &Browser{Ctx: ctx}
}

// Do runs actions in the tab and fails the test on the first error.
func (b *Browser) Do(t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.Ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// Text returns the visible text of the first element matching a CSS selector.
func (b *Browser) Text(t testing.TB, css string) string {
	t.Helper()
	s, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return s
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// Screenshot saves a full-page PNG of the tab as name (".png" is added when
// missing) in $HUIFANG_SCREENSHOTS when that is a directory, or else in a
// temporary directory of the test, and returns its path.
func (b *Browser) Screenshot(t testing.TB, name string) string {
	t.Helper()
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("HUIFANG_SCREENSHOTS")
	if st, err := os.Stat(dir); dir == "" || err != nil || !st.IsDir() {
		dir = t.TempDir()
	}
	name = unsafeName.ReplaceAllString(filepath.Base(name), "_")
	if filepath.Ext(name) != ".png" {
		name += ".png"
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return path
}
