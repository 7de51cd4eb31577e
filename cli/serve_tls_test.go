package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestServeDefaults: serve and demo listen on this machine only unless told.
func TestServeDefaults(t *testing.T) {
	t.Setenv("HUIFANG_ADDR", "")
	for _, cmd := range []string{"serve", "demo"} {
		_, _, errs := run(t, cmd, "-h")
		if !strings.Contains(errs, `(default "127.0.0.1:8080")`) {
			t.Errorf("%s -h: the address's default:\n%s", cmd, errs)
		}
	}
	if got := browserURL("127.0.0.1:8080"); got != "http://127.0.0.1:8080/" {
		t.Errorf("the demo's URL: %s", got)
	}
}

// TestHTTPSPublicURLSecuresCookies: with an https public address cookies are
// Secure and HSTS is sent; on plain http neither.
func TestHTTPSPublicURLSecuresCookies(t *testing.T) {
	svc := app.New(storetest.Open(t, store.SQLite), nil, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	if _, err := svc.CreateOrg(ctx, app.CLI(), app.OrgInput{Kind: huifang.KindRegulator, Code: "REG", Name: "某保监局"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "REG", Login: "sup", Role: huifang.RoleSupervisor, Password: "secret-password"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		public string
		flag   bool
		secure bool
	}{{"https://hf.example.com", false, true}, {"http://10.0.0.5:8080", false, false}, {"", true, true}} {
		o := serveOptions{secure: tc.flag}.withPublicURL(tc.public)
		srv := httptest.NewServer(handler(svc, o))
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := noFollow.PostForm(srv.URL+"/login", url.Values{"login": {"sup"}, "password": {"secret-password"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == "huifang_session" {
				cookie = c
			}
		}
		if cookie == nil || cookie.Secure != tc.secure {
			t.Errorf("%q (--secure-cookies %v): session cookie %+v, want Secure %v", tc.public, tc.flag, cookie, tc.secure)
		}
		hsts := res.Header.Get("Strict-Transport-Security") != ""
		if hsts != strings.HasPrefix(tc.public, "https://") {
			t.Errorf("%q: HSTS %v", tc.public, hsts)
		}
		srv.Close()
	}
}

// TestServeTLS: --tls-cert and --tls-key serve HTTPS directly.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM := selfSigned(t)
	o := serveOptions{addr: "127.0.0.1:0", tlsCert: write(t, dir, "cert.pem", certPEM), tlsKey: write(t, dir, "key.pem", keyPEM)}.withPublicURL("")
	svc := app.New(storetest.Open(t, store.SQLite), nil, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(&env{ctx: ctx, stdin: strings.NewReader(""), stdout: &out, stderr: &out}, svc, o, func(a string) { addr <- a })
	}()
	a := <-addr
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	res, err := c.Get("https://" + a + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.TLS == nil || res.Header.Get("Strict-Transport-Security") == "" {
		t.Fatalf("over TLS: %d, TLS %v, HSTS %q", res.StatusCode, res.TLS != nil, res.Header.Get("Strict-Transport-Security"))
	}
	if res, err := http.Get("http://" + a + "/healthz"); err == nil && res.StatusCode != http.StatusBadRequest {
		t.Errorf("plain HTTP on the TLS port: %d", res.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "listening on https://") {
		t.Errorf("serve said: %s", out.String())
	}
	if code, _, errs := run(t, "serve", "--tls-cert", o.tlsCert); code == 0 || !strings.Contains(errs, "--tls-key") {
		t.Errorf("--tls-cert alone: %d %s", code, errs)
	}
}

func selfSigned(t *testing.T) (certPEM, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}))
}
