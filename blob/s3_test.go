package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
)

const (
	testAccessKey = "huifang-test"
	testSecretKey = "huifang-test-secret"
)

// s3Server is a real S3-compatible server (gofakes3 over a directory)
// listening on loopback, behind a check of every request's SigV4 signature
// and payload (sigv4check_test.go), which gofakes3 itself does not verify.
// It serves path-style requests to its address, and virtual-host-style ones
// to bucket.s3.test (see virtualHost).
type s3Server struct {
	URL     string
	addr    string
	backend gofakes3.Backend
	client  *http.Client // trusts the server's certificate
	buckets atomic.Int64
	// failNext is how many of the next requests get 503 SlowDown, as S3
	// answers when busy; failed counts them.
	failNext, failed atomic.Int64
}

// startS3 starts a server; a non-empty token is a session token every
// request must carry, as with temporary credentials.
func startS3(t *testing.T, token string) *s3Server { return startS3With(t, token, false) }

// startS3With starts a server, speaking https when tls is set.
func startS3With(t *testing.T, token string, tls bool) *s3Server {
	t.Helper()
	fs, err := s3afero.FsPath(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	backend, err := s3afero.MultiBucket(fs)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil) // httptest listens on 127.0.0.1
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	faker := gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog()), gofakes3.WithHostBucketBase("s3.test:"+port))
	s := &s3Server{backend: backend}
	verified := verifySigV4(t, token, faker.Server())
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.failNext.Add(-1) >= 0 {
			s.failed.Add(1)
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
			return
		}
		verified.ServeHTTP(w, r)
	})
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	s.URL, s.addr, s.client = srv.URL, srv.Listener.Addr().String(), srv.Client()
	return s
}

// config returns the configuration of a store on a new, empty bucket.
func (s *s3Server) config(t *testing.T) S3Config {
	t.Helper()
	bucket := fmt.Sprintf("rec-%d", s.buckets.Add(1))
	if err := s.backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	c := S3Config{Endpoint: s.URL, Bucket: bucket, AccessKey: testAccessKey, SecretKey: testSecretKey, TempDir: t.TempDir()}
	if strings.HasPrefix(s.URL, "https:") {
		c.Transport = s.client.Transport
	}
	return c
}

// virtualHost changes c to address the server as https-less "s3.test",
// with the bucket in the host name, dialing the loopback server whatever
// the name.
func (s *s3Server) virtualHost(c *S3Config) {
	_, port, _ := net.SplitHostPort(s.addr)
	c.Endpoint = "http://s3.test:" + port
	c.AllowHTTP = true
	c.VirtualHostStyle = true
	var d net.Dialer
	c.Transport = &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, s.addr)
	}}
}

func mustS3(t *testing.T, c S3Config) *S3 {
	t.Helper()
	store, err := NewS3(c)
	if err != nil {
		t.Fatal(err)
	}
	return store
}

// newStore returns a store on a new, empty bucket.
func (s *s3Server) newStore(t *testing.T) *S3 { return mustS3(t, s.config(t)) }

func TestS3(t *testing.T) {
	srv := startS3(t, "")
	testStore(t, suiteOptions{nonAtomicReplace: true}, func(t *testing.T) Store { return srv.newStore(t) })
}

// Over https minio-go signs the payload's SHA-256 instead of each chunk,
// which the server checks (and gofakes3 the MD5): the same suite passes,
// and a multipart upload too.
func TestS3HTTPS(t *testing.T) {
	srv := startS3With(t, "", true)
	testStore(t, suiteOptions{nonAtomicReplace: true}, func(t *testing.T) Store { return srv.newStore(t) })
	testMultipart(t, srv)
}

// Virtual-host style (bucket.host/key) passes the same suite.
func TestS3VirtualHost(t *testing.T) {
	srv := startS3(t, "")
	testStore(t, suiteOptions{nonAtomicReplace: true}, func(t *testing.T) Store {
		c := srv.config(t)
		srv.virtualHost(&c)
		return mustS3(t, c)
	})
}

// Temporary credentials: the session token travels, signed, with every
// request, and a server that wants one refuses requests without.
func TestS3SessionToken(t *testing.T) {
	ctx := context.Background()
	srv := startS3(t, "session-token-1")
	c := srv.config(t)
	c.SessionToken = "session-token-1"
	s := mustS3(t, c)
	if err := s.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if _, err := s.Put(ctx, "t.wav", strings.NewReader("with a token"), -1, ""); err != nil {
		t.Fatal(err)
	}
	rc, _, err := s.Get(ctx, "t.wav")
	if err != nil {
		t.Fatal(err)
	}
	if b := readAll(t, rc); string(b) != "with a token" {
		t.Errorf("Get = %q", b)
	}
	c.SessionToken = ""
	if _, err := mustS3(t, c).Stat(ctx, "t.wav"); err == nil {
		t.Error("a request without the session token was accepted")
	}
}

// An object larger than the part size goes up in parts, read from the
// spooled file, and comes back whole with its checksum.
func TestS3Multipart(t *testing.T) { testMultipart(t, startS3(t, "")) }

func testMultipart(t *testing.T, srv *s3Server) {
	ctx := context.Background()
	c := srv.config(t)
	c.PartSize = 5 << 20
	s := mustS3(t, c)
	data := make([]byte, 12<<20+123)
	rand.NewChaCha8([32]byte{2}).Read(data)
	for _, size := range []int64{int64(len(data)), -1} {
		info, err := s.Put(ctx, "big/m.wav", io.MultiReader(bytes.NewReader(data)), size, "audio/wav")
		if err != nil {
			t.Fatalf("Put size %d: %v", size, err)
		}
		if info.Size != int64(len(data)) || info.SHA256 != sha(data) {
			t.Errorf("Put size %d = %+v", size, info)
		}
		rc, got, err := s.Get(ctx, "big/m.wav")
		if err != nil {
			t.Fatal(err)
		}
		if b := readAll(t, rc); !bytes.Equal(b, data) || got.SHA256 != sha(data) || got.Size != int64(len(data)) {
			t.Errorf("Get after a multipart Put: %d bytes, %+v", len(b), got)
		}
	}
}

// A body changed in storage fails Get's check at the end.
func TestS3ChecksumMismatch(t *testing.T) {
	ctx := context.Background()
	srv := startS3(t, "")
	c := srv.config(t)
	s := mustS3(t, c)
	if _, err := s.Put(ctx, "x.wav", strings.NewReader("original"), -1, ""); err != nil {
		t.Fatal(err)
	}
	// Replace the bytes behind the store's back, keeping its metadata.
	meta := map[string]string{"Content-Type": DefaultContentType, metaSHA256: sha([]byte("original"))}
	if _, err := srv.backend.PutObject(c.Bucket, "x.wav", meta, strings.NewReader("tampered"), 8, nil); err != nil {
		t.Fatal(err)
	}
	rc, _, err := s.Get(ctx, "x.wav")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); !errors.Is(err, ErrChecksum) {
		t.Errorf("reading a tampered object: %v, want ErrChecksum", err)
	}
}

func TestS3Errors(t *testing.T) {
	ctx := context.Background()
	srv := startS3(t, "")
	c := srv.config(t)
	good := mustS3(t, c)
	if err := good.Check(ctx); err != nil {
		t.Errorf("Check: %v", err)
	}

	wrong := c
	wrong.SecretKey = "wrong"
	_, _, err := mustS3(t, wrong).Get(ctx, "a.wav")
	var e *S3Error
	if !errors.As(err, &e) || e.StatusCode != 403 || e.Code != "SignatureDoesNotMatch" || !strings.Contains(err.Error(), "signature") {
		t.Errorf("wrong secret: %v", err)
	}
	if errors.Is(err, ErrNotFound) {
		t.Error("a refused request is not ErrNotFound")
	}

	missingCfg := c
	missingCfg.Bucket = "no-such-bucket"
	missing := mustS3(t, missingCfg)
	_, _, err = missing.Get(ctx, "a.wav")
	if !errors.As(err, &e) || e.Code != "NoSuchBucket" || errors.Is(err, ErrNotFound) {
		t.Errorf("missing bucket: %v, want NoSuchBucket and not ErrNotFound", err)
	}
	if err := missing.Check(ctx); err == nil {
		t.Error("Check passed on a missing bucket")
	}

	// The upload is spooled to TempDir and removed afterwards.
	if _, err := good.Put(ctx, "a.wav", strings.NewReader("abc"), 3, ""); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(c.TempDir); len(left) != 0 {
		t.Errorf("spool files left: %v", left)
	}

	// A server that is gone is an error, not ErrNotFound (after retries,
	// cut short here by the context).
	goneCfg := c
	goneCfg.Endpoint = "http://127.0.0.1:1"
	tctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	if _, err := mustS3(t, goneCfg).Stat(tctx, "a.wav"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("unreachable server: %v", err)
	}
}

// A request refused for a passing reason (503 SlowDown) is retried, an
// upload with its body read again from the spool.
func TestS3Retry(t *testing.T) {
	ctx := context.Background()
	for _, tls := range []bool{false, true} {
		srv := startS3With(t, "", tls)
		s := srv.newStore(t)
		srv.failNext.Store(2)
		info, err := s.Put(ctx, "flaky.wav", strings.NewReader("sent three times"), -1, "audio/wav")
		if err != nil {
			t.Fatalf("tls %v: Put: %v", tls, err)
		}
		srv.failNext.Store(1)
		rc, got, err := s.Get(ctx, "flaky.wav")
		if err != nil {
			t.Fatalf("tls %v: Get: %v", tls, err)
		}
		if b := readAll(t, rc); string(b) != "sent three times" || got.SHA256 != info.SHA256 {
			t.Errorf("tls %v: Get = %q, %+v", tls, b, got)
		}
		if n := srv.failed.Load(); n != 3 {
			t.Errorf("tls %v: %d requests refused, want 3", tls, n)
		}
	}
}

func TestS3ConfigFromEnv(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{
		"HUIFANG_S3_ENDPOINT": "https://s3.example.com", "HUIFANG_S3_BUCKET": "recordings",
		"HUIFANG_S3_ACCESS_KEY": "ak", "HUIFANG_S3_SECRET_KEY": "sk",
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantOK  bool
		wantErr string
		check   func(S3Config) bool
	}{
		{name: "unset", env: map[string]string{}},
		{name: "full", env: with("HUIFANG_S3_REGION", "cn-north-1"), wantOK: true,
			check: func(c S3Config) bool { return c.Region == "cn-north-1" && c.SecretKey == "sk" && !c.VirtualHostStyle }},
		{name: "secret file", env: with("HUIFANG_S3_SECRET_KEY", "", "HUIFANG_S3_SECRET_KEY_FILE", secretFile), wantOK: true,
			check: func(c S3Config) bool { return c.SecretKey == "from-file" }},
		{name: "both secret and file", env: with("HUIFANG_S3_SECRET_KEY_FILE", secretFile), wantOK: true, wantErr: "not both"},
		{name: "missing file", env: with("HUIFANG_S3_ACCESS_KEY", "", "HUIFANG_S3_ACCESS_KEY_FILE", filepath.Join(dir, "nope")), wantOK: true, wantErr: "HUIFANG_S3_ACCESS_KEY_FILE"},
		{name: "no secret", env: with("HUIFANG_S3_SECRET_KEY", ""), wantOK: true, wantErr: "secret key"},
		{name: "no bucket", env: with("HUIFANG_S3_BUCKET", ""), wantOK: true, wantErr: "bucket"},
		{name: "bad bucket", env: with("HUIFANG_S3_BUCKET", "Recordings"), wantOK: true, wantErr: "bucket"},
		{name: "plain http off loopback", env: with("HUIFANG_S3_ENDPOINT", "http://s3.example.com:9000"), wantOK: true, wantErr: "plain http"},
		{name: "plain http allowed", env: with("HUIFANG_S3_ENDPOINT", "http://10.0.0.5:9000", "HUIFANG_S3_ALLOW_HTTP", "1"), wantOK: true,
			check: func(c S3Config) bool { return c.AllowHTTP }},
		{name: "plain http on loopback", env: with("HUIFANG_S3_ENDPOINT", "http://127.0.0.1:9000"), wantOK: true},
		{name: "endpoint with path", env: with("HUIFANG_S3_ENDPOINT", "https://s3.example.com/x"), wantOK: true, wantErr: "host[:port] only"},
		{name: "virtual host", env: with("HUIFANG_S3_VIRTUAL_HOST_STYLE", "1"), wantOK: true,
			check: func(c S3Config) bool { return c.VirtualHostStyle }},
		{name: "session token", env: with("HUIFANG_S3_SESSION_TOKEN", "st"), wantOK: true,
			check: func(c S3Config) bool { return c.SessionToken == "st" }},
		{name: "bad flag", env: with("HUIFANG_S3_VIRTUAL_HOST_STYLE", "yes"), wantOK: true, wantErr: "want 1 or 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok, err := S3ConfigFromEnv(func(k string) string { return tt.env[k] })
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil && !tt.check(c) {
				t.Errorf("config = %+v", c)
			}
		})
	}
}
