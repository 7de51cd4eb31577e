package blob

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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
// and payload hash, which gofakes3 itself does not verify.
type s3Server struct {
	URL     string
	backend gofakes3.Backend
	buckets atomic.Int64
}

func startS3(t *testing.T) *s3Server {
	t.Helper()
	fs, err := s3afero.FsPath(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	backend, err := s3afero.MultiBucket(fs)
	if err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	srv := httptest.NewServer(verifySigV4(t, faker.Server())) // httptest listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return &s3Server{URL: srv.URL, backend: backend}
}

// newStore returns a store on a new, empty bucket.
func (s *s3Server) newStore(t *testing.T) *S3 {
	t.Helper()
	bucket := fmt.Sprintf("rec-%d", s.buckets.Add(1))
	if err := s.backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	store, err := NewS3(S3Config{Endpoint: s.URL, Bucket: bucket, AccessKey: testAccessKey, SecretKey: testSecretKey, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return store
}

func TestS3(t *testing.T) {
	srv := startS3(t)
	testStore(t, suiteOptions{nonAtomicReplace: true}, func(t *testing.T) Store { return srv.newStore(t) })
}

func TestS3Errors(t *testing.T) {
	ctx := context.Background()
	srv := startS3(t)
	good := srv.newStore(t)
	if err := good.Check(ctx); err != nil {
		t.Errorf("Check: %v", err)
	}

	bad := *good
	bad.cfg.SecretKey = "wrong"
	_, _, err := bad.Get(ctx, "a.wav")
	var e *S3Error
	if !errors.As(err, &e) || e.StatusCode != 403 || e.Code != "SignatureDoesNotMatch" || !strings.Contains(err.Error(), "signature") {
		t.Errorf("wrong secret: %v", err)
	}
	if errors.Is(err, ErrNotFound) {
		t.Error("a refused request is not ErrNotFound")
	}

	missing := *good
	missing.cfg.Bucket = "no-such-bucket"
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
	if left, _ := os.ReadDir(good.cfg.TempDir); len(left) != 0 {
		t.Errorf("spool files left: %v", left)
	}
}

func TestS3VirtualHostURL(t *testing.T) {
	for _, tt := range []struct {
		virtual bool
		key     string
		want    string
	}{
		{false, "rec/a.wav", "https://s3.example.com/rec-bucket/rec/a.wav"},
		{false, "", "https://s3.example.com/rec-bucket"},
		{true, "rec/a.wav", "https://rec-bucket.s3.example.com/rec/a.wav"},
	} {
		s, err := NewS3(S3Config{Endpoint: "https://s3.example.com", Bucket: "rec-bucket", AccessKey: "a", SecretKey: "b", VirtualHostStyle: tt.virtual})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.objectURL(tt.key).String(); got != tt.want {
			t.Errorf("objectURL(%q) = %s, want %s", tt.key, got, tt.want)
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

// verifySigV4 answers 403 SignatureDoesNotMatch, as S3 does, to a request
// whose signature does not verify with testSecretKey as the server received
// it, and fails the test if a body does not match its signed hash. It reuses
// canonicalRequest, which the AWS vectors in sigv4_test.go check; what it
// adds is that the signature survives the trip through net/http unchanged.
func verifySigV4(t *testing.T, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkSignature(r); err != nil {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+
				`<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided: %s</Message><RequestId>test</RequestId></Error>`, err)
			return
		}
		claimed := r.Header.Get("X-Amz-Content-Sha256")
		h := sha256.New()
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.TeeReader(r.Body, h), r.Body}
		next.ServeHTTP(w, r)
		io.Copy(io.Discard, r.Body)
		if got := hex.EncodeToString(h.Sum(nil)); got != claimed {
			t.Errorf("%s %s: body hash %s, signed as %s", r.Method, r.URL.Path, got, claimed)
		}
	})
}

func checkSignature(r *http.Request) error {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, sigV4Algorithm+" ")
	if !ok {
		return fmt.Errorf("no SigV4 authorization")
	}
	fields := map[string]string{}
	for f := range strings.SplitSeq(rest, ", ") {
		k, v, _ := strings.Cut(f, "=")
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[0] != testAccessKey || scope[3] != "s3" || scope[4] != "aws4_request" {
		return fmt.Errorf("bad credential %q", fields["Credential"])
	}
	at, err := time.Parse(amzDateFormat, r.Header.Get("X-Amz-Date"))
	if err != nil || at.Format("20060102") != scope[1] {
		return fmt.Errorf("bad date")
	}
	if d := time.Since(at); d > 15*time.Minute || d < -15*time.Minute {
		return fmt.Errorf("request time too skewed")
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	for _, must := range []string{"host", "x-amz-content-sha256", "x-amz-date"} {
		if !contains(signed, must) {
			return fmt.Errorf("%s not signed", must)
		}
	}
	// Rebuild the request from what arrived, keeping only the signed headers.
	req := &http.Request{Method: r.Method, URL: r.URL, Host: r.Host, Header: http.Header{}}
	for _, name := range signed {
		if name == "host" {
			continue
		}
		vs := r.Header.Values(name)
		if len(vs) == 0 {
			return fmt.Errorf("signed header %s missing", name)
		}
		req.Header[http.CanonicalHeaderKey(name)] = vs
	}
	canonical, _ := canonicalRequest(req, r.Header.Get("X-Amz-Content-Sha256"))
	sum := sha256.Sum256([]byte(canonical))
	toSign := sigV4Algorithm + "\n" + r.Header.Get("X-Amz-Date") + "\n" + strings.Join(scope[1:], "/") + "\n" + hex.EncodeToString(sum[:])
	want := hex.EncodeToString(hmacSHA256(signingKey(testSecretKey, scope[1], scope[2], "s3"), toSign))
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return fmt.Errorf("signature mismatch")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
