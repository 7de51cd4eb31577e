package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/huifang/huifang/api"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/mail"
	"github.com/huifang/huifang/sms"
	"github.com/huifang/huifang/web"
)

// DefaultAddr is where serve and demo listen unless told otherwise: this
// machine only. Serving others takes a deliberate --addr (or HUIFANG_ADDR),
// ideally behind TLS (README, "Running it in production").
const DefaultAddr = "127.0.0.1:8080"

// serveOptions are how serve listens and what its HTTP surface trusts.
type serveOptions struct {
	addr            string
	secure          bool // mark cookies Secure
	hsts            bool // send Strict-Transport-Security
	trustProxy      bool // client addresses from X-Forwarded-For
	tlsCert, tlsKey string
	shutdownTimeout time.Duration // on a signal, how long to wait for requests and imports (default 30 s)
	heavy           httpx.Limits  // how many heavy requests run at once, wait and how long, and per user (0: the defaults)
}

func cmdServe(e *env, args []string) error {
	var cfg config
	var o serveOptions
	var publicURL string
	fs := flags(e, "serve", "serve [--addr 127.0.0.1:8080] [--db URL] [--key-file FILE] [--public-url URL] [--tls-cert FILE --tls-key FILE]", &cfg)
	fs.StringVar(&o.addr, "addr", envOr("HUIFANG_ADDR", DefaultAddr), "address to listen on; :8080 for every interface (env HUIFANG_ADDR)")
	fs.StringVar(&publicURL, "public-url", os.Getenv("HUIFANG_PUBLIC_URL"), "the site's address as people and customers reach it; on https, cookies are Secure and HSTS is sent (env HUIFANG_PUBLIC_URL)")
	fs.BoolVar(&o.secure, "secure-cookies", os.Getenv("HUIFANG_SECURE_COOKIES") == "1", "mark session cookies Secure (behind HTTPS; env HUIFANG_SECURE_COOKIES=1)")
	fs.StringVar(&o.tlsCert, "tls-cert", os.Getenv("HUIFANG_TLS_CERT"), "serve HTTPS with this certificate chain (PEM; env HUIFANG_TLS_CERT)")
	fs.StringVar(&o.tlsKey, "tls-key", os.Getenv("HUIFANG_TLS_KEY"), "the certificate's private key (PEM; env HUIFANG_TLS_KEY)")
	fs.BoolVar(&o.trustProxy, "trust-proxy", os.Getenv("HUIFANG_TRUST_PROXY") == "1", "behind a reverse proxy: take the client's address from the last X-Forwarded-For entry (env HUIFANG_TRUST_PROXY=1)")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", defaultShutdownTimeout, "on SIGTERM or SIGINT, how long to wait for running requests and imports before exiting")
	def := httpx.DefaultLimits()
	fs.IntVar(&o.heavy.Slots, "heavy-limit", def.Slots, "heavy requests (dashboards, lists, statistics, exports) running at once; operators' requests never wait for them; by default half of GOMAXPROCS, at least 1, at most 16")
	fs.IntVar(&o.heavy.Queue, "heavy-queue", def.Queue, "heavy requests waiting for a slot; beyond it they are answered 503 with Retry-After at once")
	fs.DurationVar(&o.heavy.Wait, "heavy-wait", def.Wait, "the longest a heavy request waits for a slot before a 503 with Retry-After")
	fs.IntVar(&o.heavy.PerUser, "heavy-per-user", def.PerUser, "heavy requests one user (a signed-in user, an API token's user) may have running or waiting at once; beyond it they are answered 503 with Retry-After at once, so one user cannot queue the others out")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if o.heavy.Slots < 1 || o.heavy.Queue < 0 || o.heavy.Wait <= 0 || o.heavy.PerUser < 1 {
		return usageError{"--heavy-limit must be at least 1, --heavy-queue at least 0, --heavy-wait positive and --heavy-per-user at least 1"}
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return usageError{"--tls-cert and --tls-key go together"}
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	svc, err := cfg.service(e.ctx, log)
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := prepare(e, svc); err != nil {
		return err
	}
	if publicURL != os.Getenv("HUIFANG_PUBLIC_URL") {
		if svc.PublicURL, err = checkPublicURL(publicURL); err != nil {
			return err
		}
	}
	o = o.withPublicURL(svc.PublicURL)
	return serve(e, svc, o, nil)
}

// withPublicURL turns on Secure cookies and HSTS when the site is reached
// over HTTPS: its public address is https, or it serves TLS itself.
func (o serveOptions) withPublicURL(publicURL string) serveOptions {
	if strings.HasPrefix(publicURL, "https://") || o.tlsCert != "" {
		o.secure, o.hsts = true, true
	}
	return o
}

// checkPublicURL accepts the site's public address: http(s), a host, no query.
func checkPublicURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("public URL %q: want https://host or https://host/path", s)
	}
	return strings.TrimRight(s, "/"), nil
}

// prepare loads what a serving process needs beyond the database: the
// working-day calendar, and the mail sender from HUIFANG_SMTP_*.
func prepare(e *env, svc *app.Service) error {
	if err := svc.LoadCalendars(e.ctx); err != nil {
		return err
	}
	c, ok, err := mail.ConfigFromEnv(os.Getenv)
	if err != nil {
		return fmt.Errorf("mail settings: %w", err)
	}
	if ok {
		svc.Mail = mail.NewSMTP(c)
	}
	if svc.Blobs, err = recordingStore(); err != nil {
		return fmt.Errorf("recording storage: %w", err)
	}
	if err := textMessages(svc); err != nil {
		return err
	}
	if w := svc.CalendarWarning(); w != "" {
		svc.Log.Warn(w)
	}
	return nil
}

// textMessages sets up the text messages of electronic callbacks: an SMS
// gateway when HUIFANG_SMS_URL is set, else the outbox, where insurer
// administrators read them; HUIFANG_PUBLIC_URL is put in front of links.
func textMessages(svc *app.Service) error {
	c, ok, err := sms.ConfigFromEnv(os.Getenv)
	if err != nil {
		return fmt.Errorf("sms settings: %w", err)
	}
	if ok {
		svc.SMS = sms.NewHTTP(c)
	} else {
		svc.KeepTextsInOutbox()
		svc.Log.Info("text messages to customers are kept in the outbox, not sent: set HUIFANG_SMS_URL to send them")
	}
	if svc.PublicURL, err = checkPublicURL(os.Getenv("HUIFANG_PUBLIC_URL")); err != nil {
		return err
	}
	if svc.PublicURL == "" {
		svc.Log.Warn("HUIFANG_PUBLIC_URL is not set: links in text messages to customers will lack the site's address")
	}
	return nil
}

// recordingStore is where call recordings, letter receipts and problem-case
// documents go: S3-compatible storage when HUIFANG_S3_ENDPOINT is set, else a
// local directory (HUIFANG_RECORDINGS_DIR, default huifang-recordings).
func recordingStore() (blob.Store, error) {
	c, ok, err := blob.S3ConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	if ok {
		return blob.NewS3(c)
	}
	return blob.NewLocal(envOr("HUIFANG_RECORDINGS_DIR", "huifang-recordings"))
}

// jobInterval is how often serve looks for due background jobs
// (HUIFANG_JOB_INTERVAL, a Go duration; default one minute).
func jobInterval() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("HUIFANG_JOB_INTERVAL")); err == nil && d > 0 {
		return d
	}
	return time.Minute
}

// runJobs runs the background jobs until the context ends. Every serving
// process runs this loop; the database's job locks make each job run once.
func runJobs(ctx context.Context, svc *app.Service) {
	owner := app.ProcessOwner()
	t := time.NewTicker(jobInterval())
	defer t.Stop()
	for {
		if ran, err := svc.RunJobs(ctx, owner); err != nil && ctx.Err() == nil {
			svc.Log.Warn("background jobs", "err", err)
		} else if len(ran) > 0 {
			svc.Log.Info("background jobs ran", "jobs", ran)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// handler is huifang's whole HTTP surface: the JSON API under /api/ and the
// web UI everywhere else.
func handler(svc *app.Service, o serveOptions) http.Handler {
	mux := http.NewServeMux()
	if o.heavy == (httpx.Limits{}) {
		o.heavy = httpx.DefaultLimits()
	}
	heavy := httpx.NewLimiter(o.heavy) // one limiter for the API and the web UI
	mux.Handle("/api/", api.NewWith(svc, svc.Log, api.Options{Heavy: heavy}))
	mux.Handle("/", web.New(svc, web.Options{Secure: o.secure, TrustProxy: o.trustProxy, Log: svc.Log, Heavy: heavy}))
	h := httpx.SecurityHeaders(mux)
	if o.hsts {
		h = httpx.HSTS(h)
	}
	return h
}

// defaultShutdownTimeout is how long a stopping server waits, unless
// --shutdown-timeout says otherwise, for running requests and imports.
const defaultShutdownTimeout = 30 * time.Second

// serve listens until the context ends (SIGTERM or SIGINT) or its key is no
// longer the database's, then shuts down: it stops taking requests, asks
// running imports to stop after their current chunk (they are marked
// interrupted, and importing the same file again completes them), waits up
// to o.shutdownTimeout for requests and imports, stops the background jobs
// and says what it did. ready, when not nil, receives the address actually
// listened on.
func serve(e *env, svc *app.Service, o serveOptions, ready func(string)) error {
	if o.shutdownTimeout <= 0 {
		o.shutdownTimeout = defaultShutdownTimeout
	}
	// Imports left running by a process that died (kill -9, a crash) show
	// as interrupted.
	lost, err := svc.InterruptLostImports(e.ctx)
	if err != nil {
		return fmt.Errorf("import jobs: %w", err)
	}
	for _, j := range lost {
		svc.Log.Warn("import interrupted by a process that is gone: import the same file again to complete it",
			"job", j.ID, "org_id", j.OrgID, "source", j.Source, "written", j.RowsWritten, "rows", j.RowsTotal, "owner", j.Owner)
	}
	var certs []tls.Certificate
	if o.tlsCert != "" {
		c, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return fmt.Errorf("TLS certificate: %w", err)
		}
		certs = append(certs, c)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); !isLoopback(host) && certs == nil && !o.secure {
		svc.Log.Warn("serving plain HTTP beyond this machine: put it behind a TLS reverse proxy (and set HUIFANG_PUBLIC_URL=https://...) or give --tls-cert and --tls-key", "addr", ln.Addr().String())
	}
	scheme := "http"
	if certs != nil {
		scheme = "https"
		ln = tls.NewListener(ln, &tls.Config{Certificates: certs, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}})
	}
	srv := &http.Server{
		Handler:           handler(svc, o),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Minute, // large imports upload slowly
		WriteTimeout:      10 * time.Minute, // large exports stream slowly
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(svc.Log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(e.stdout, "huifang %s listening on %s://%s\n", Version, scheme, ln.Addr())
	if ready != nil {
		ready(ln.Addr().String())
	}
	running, stop := context.WithCancelCause(e.ctx)
	defer stop(nil)
	go watchKey(running, svc, stop)
	// Background jobs outlive the signal: they stop after the requests and imports.
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(e.ctx))
	jobsDone := make(chan struct{})
	go func() { defer close(jobsDone); runJobs(jobsCtx, svc) }()
	defer stopJobs()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-running.Done():
	}
	start := time.Now()
	svc.Log.Info("stopping: no new requests; running imports stop after their current chunk", "deadline", o.shutdownTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	svc.StopImports()
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(ctx) }()
	importsErr := svc.WaitImports(ctx)
	if importsErr != nil {
		svc.Log.Warn("stopping: imports still writing at the deadline; they show as interrupted when a server next starts")
	} else {
		svc.Log.Info("stopping: no import is writing", "after", time.Since(start).Round(time.Millisecond))
	}
	shutErr := <-shut
	if shutErr != nil {
		svc.Log.Warn("stopping: requests still running at the deadline were cut off", "err", shutErr)
	} else {
		svc.Log.Info("stopping: every request answered", "after", time.Since(start).Round(time.Millisecond))
	}
	stopJobs()
	<-jobsDone
	svc.Log.Info("stopped: background jobs ended", "after", time.Since(start).Round(time.Millisecond))
	fmt.Fprintln(e.stdout, "huifang stopped")
	if e.ctx.Err() == nil {
		return context.Cause(running) // the key was refused
	}
	if shutErr != nil && !errors.Is(shutErr, http.ErrServerClosed) && !errors.Is(shutErr, context.DeadlineExceeded) {
		return shutErr
	}
	return nil
}

// isLoopback reports whether a listening host is this machine only.
func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}
