package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/huifang/huifang/api"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/web"
)

// server is huifang serving a world: `huifang serve` as a child process
// when the Env has a binary (its peak RSS is then read from /proc), or the
// same handlers in this process (tests).
type server struct {
	Base string
	Pid  int // the child's; 0 in process
	stop func()
}

// PeakRSSMiB is the child's VmHWM so far, 0 in process.
func (s *server) PeakRSSMiB() float64 {
	if s.Pid == 0 {
		return 0
	}
	return float64(readHWM(s.Pid)) / 1024
}

// Stop stops the server.
func (s *server) Stop() { s.stop() }

// openWorld opens a world's database and the service over it, its
// calendars loaded; the caller closes the database.
func openWorld(ctx context.Context, w *World) (*app.Service, *store.DB, error) {
	db, err := store.Open(ctx, w.DB)
	if err != nil {
		return nil, nil, err
	}
	key, err := pii.ParseKey(w.Key)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	box, err := pii.New(key)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	svc := app.New(db, box, slog.New(slog.DiscardHandler))
	if err := svc.LoadCalendars(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	return svc, db, nil
}

func startServer(ctx context.Context, e Env, w *World) (*server, error) {
	if e.Binary == "" {
		svc, db, err := openWorld(ctx, w)
		if err != nil {
			return nil, err
		}
		log := slog.New(slog.DiscardHandler)
		mux := http.NewServeMux()
		mux.Handle("/api/", api.New(svc, log))
		mux.Handle("/", web.New(svc, web.Options{Log: log}))
		ts := httptest.NewServer(mux)
		return &server{Base: ts.URL, stop: func() { ts.Close(); db.Close() }}, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(e.Binary, append([]string{"serve", "--db", w.DB, "--addr", addr}, e.Serve...)...)
	cmd.Env = append(os.Environ(), "HUIFANG_KEY="+w.Key, "HUIFANG_KEY_FILE=")
	if e.Log != nil {
		cmd.Stderr = &prefixWriter{w: e.Log, quiet: true}
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	s := &server{Base: "http://" + addr, Pid: cmd.Process.Pid, stop: func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(40 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case err := <-done:
			return nil, fmt.Errorf("huifang serve exited: %v", err)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := http.Get(s.Base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("huifang serve did not answer /healthz within 2 minutes")
		}
	}
}

// prefixWriter passes on the server's warnings and errors only.
type prefixWriter struct {
	w     interface{ Write([]byte) (int, error) }
	quiet bool
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if p.quiet && !strings.Contains(line, "level=ERROR") && !strings.Contains(line, "level=WARN") {
			continue
		}
		fmt.Fprintf(p.w, "  serve: %s\n", line)
	}
	return len(b), nil
}

// readHWM reads a process's VmHWM (peak resident set, KiB).
func readHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var n int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), "kB"), &n)
			return n
		}
	}
	return 0
}

// newClient is an HTTP client for many concurrent requests to one server,
// whose requests give up after timeout. It does not follow redirects.
func newClient(timeout time.Duration, conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = conns, conns
	return &http.Client{Transport: t, Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login signs a user in on the web and returns the session's cookies.
func login(ctx context.Context, c *http.Client, base, user string) ([]*http.Cookie, error) {
	form := url.Values{"login": {user}, "password": {WorldPassword}}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) == 0 {
		return nil, fmt.Errorf("login %s: status %d", user, resp.StatusCode)
	}
	return resp.Cookies(), nil
}
