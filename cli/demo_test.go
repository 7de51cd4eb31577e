package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
)

// lockedBuffer is a bytes.Buffer several goroutines may write to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestDemo runs `huifang demo` as the README tells a newcomer to, on a
// fresh directory: it must build its database and key, print the logins,
// serve the web UI, and stop cleanly.
func TestDemo(t *testing.T) {
	t.Setenv("HUIFANG_KEY_FILE", "")
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "demo.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	pr, pw := io.Pipe()
	var stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- Main(ctx, []string{"demo", "--db", "sqlite:" + dbPath, "--addr", "127.0.0.1:0", "--policies", "300"}, strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()

	var out []string
	var base string
	deadline := time.After(2 * time.Minute)
	for base == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("demo ended before listening (exit %d)\nstdout:\n%s\nstderr:\n%s", <-code, strings.Join(out, "\n"), stderr.String())
			}
			out = append(out, l)
			if _, addr, found := strings.Cut(l, "listening on "); found {
				base = strings.TrimSpace(addr)
			}
		case <-deadline:
			t.Fatalf("demo not listening after 2 minutes\nstdout:\n%s\nstderr:\n%s", strings.Join(out, "\n"), stderr.String())
		}
	}
	printed := strings.Join(out, "\n")
	for _, want := range []string{"admin", "supervisor", "hta-admin", "hta-manager", "hta-op1", "hta-op2", "hta-handler", "huifang-demo", "HUIFANG_KEY_FILE="} {
		if !strings.Contains(printed, want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, printed)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, demoKeyName)); err != nil {
		t.Errorf("no key next to the database: %v", err)
	}

	client := &http.Client{Timeout: 10 * time.Second}
	for _, path := range []string{"/healthz", "/login"} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s, want 200", path, resp.Status)
		}
	}

	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d after cancel, want 0\nstderr:\n%s", c, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop within 30 s of cancel")
	}
}

// TestDemoKeepsRealData: a --db that holds organisations the demo did not
// make is refused, not erased.
func TestDemoKeepsRealData(t *testing.T) {
	t.Setenv("HUIFANG_KEY_FILE", "")
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "real.db")
	db, err := store.Open(ctx, "sqlite:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOrg(ctx, &huifang.Org{Code: "REAL", Name: "真实的保险公司", Kind: huifang.KindInsurer, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	var stdout, stderr bytes.Buffer
	if c := Main(ctx, []string{"demo", "--db", "sqlite:" + dbPath, "--no-serve", "--policies", "10"}, strings.NewReader(""), &stdout, &stderr); c != 1 {
		t.Fatalf("exit code %d, want 1\nstdout:\n%s\nstderr:\n%s", c, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "not a huifang demo database") {
		t.Errorf("stderr does not say why:\n%s", stderr.String())
	}
	db, err = store.Open(ctx, "sqlite:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.FindOrgByCode(ctx, "REAL"); err != nil {
		t.Errorf("the real organisation is gone: %v", err)
	}
}
