package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/huifang/huifang/api"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/web"
)

func cmdServe(e *env, args []string) error {
	var cfg config
	var addr string
	var secure bool
	fs := flags(e, "serve", "serve [--addr :8080] [--db URL] [--key-file FILE]", &cfg)
	fs.StringVar(&addr, "addr", envOr("HUIFANG_ADDR", ":8080"), "address to listen on (env HUIFANG_ADDR)")
	fs.BoolVar(&secure, "secure-cookies", os.Getenv("HUIFANG_SECURE_COOKIES") == "1", "mark session cookies Secure (behind HTTPS; env HUIFANG_SECURE_COOKIES=1)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	svc, err := cfg.service(e.ctx, log)
	if err != nil {
		return err
	}
	defer svc.DB.Close()
	return serve(e, svc, addr, secure, nil)
}

// Handler is huifang's whole HTTP surface: the JSON API under /api/ and the
// web UI everywhere else.
func Handler(svc *app.Service, secure bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/", api.New(svc, svc.Log))
	mux.Handle("/", web.New(svc, web.Options{Secure: secure, Log: svc.Log}))
	return httpx.SecurityHeaders(mux)
}

// serve listens until the context ends, then shuts down gracefully. ready, when
// not nil, receives the address actually listened on.
func serve(e *env, svc *app.Service, addr string, secure bool, ready func(string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           Handler(svc, secure),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Minute, // large imports upload slowly
		WriteTimeout:      10 * time.Minute, // large exports stream slowly
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(svc.Log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(e.stdout, "huifang %s listening on http://%s\n", Version, ln.Addr())
	if ready != nil {
		ready(ln.Addr().String())
	}
	go sweepSessions(e.ctx, svc)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-e.ctx.Done():
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(e.stdout, "huifang stopped")
	return nil
}

// sweepSessions removes expired sessions every hour.
func sweepSessions(ctx context.Context, svc *app.Service) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := svc.DB.DeleteExpiredSessions(ctx, svc.Clock.Now()); err != nil && ctx.Err() == nil {
			svc.Log.Warn("sweep sessions", "err", err)
		} else if n > 0 {
			svc.Log.Info("swept expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
