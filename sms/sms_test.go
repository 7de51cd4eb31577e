package sms_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/sms"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

var ctx = context.Background()

var msg = sms.Message{OrgID: 1, To: "13800000001", Kind: sms.KindCode, Text: "【甲人寿】验证码 123456，10分钟内有效。", At: time.Now()}

func TestHTTPSend(t *testing.T) {
	var got map[string]string
	var auth, ctype string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, ctype = r.Header.Get("Authorization"), r.Header.Get("Content-Type")
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			t.Error(err)
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer gw.Close()
	s := sms.NewHTTP(sms.Config{URL: gw.URL + "/send", Token: "s3cret"})
	if err := s.Send(ctx, msg); err != nil {
		t.Fatal(err)
	}
	if got["to"] != msg.To || got["text"] != msg.Text || got["kind"] != "code" || len(got["id"]) != 24 {
		t.Fatalf("gateway got %v", got)
	}
	if auth != "Bearer s3cret" || !strings.HasPrefix(ctype, "application/json") {
		t.Fatalf("headers %q %q", auth, ctype)
	}
}

func TestHTTPOtherHeader(t *testing.T) {
	var key, auth string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, auth = r.Header.Get("X-Api-Key"), r.Header.Get("Authorization")
	}))
	defer gw.Close()
	if err := sms.NewHTTP(sms.Config{URL: gw.URL, Header: "X-Api-Key", Token: "k1"}).Send(ctx, msg); err != nil {
		t.Fatal(err)
	}
	if key != "k1" || auth != "" {
		t.Fatalf("X-Api-Key %q, Authorization %q", key, auth)
	}
}

func TestHTTPGatewayError(t *testing.T) {
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"quota exceeded"}`, http.StatusTooManyRequests)
	}))
	err := sms.NewHTTP(sms.Config{URL: gw.URL}).Send(ctx, msg)
	if err == nil || !strings.Contains(err.Error(), "429") || !strings.Contains(err.Error(), "quota exceeded") {
		t.Fatalf("gateway error: %v", err)
	}
	if strings.Contains(err.Error(), msg.To) || strings.Contains(err.Error(), "123456") {
		t.Fatalf("the error gives the message away: %v", err)
	}
	// A gateway that is down, or too slow.
	gw.Close()
	if err := sms.NewHTTP(sms.Config{URL: gw.URL + "/?key=secret"}).Send(ctx, msg); err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("gateway down: %v", err)
	}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }))
	defer slow.Close()
	if err := sms.NewHTTP(sms.Config{URL: slow.URL, Timeout: 50 * time.Millisecond}).Send(ctx, msg); err == nil {
		t.Fatal("a slow gateway did not time out")
	}
}

func TestConfigFromEnv(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	if _, ok, err := sms.ConfigFromEnv(env()); ok || err != nil {
		t.Fatalf("no URL: %v %v", ok, err)
	}
	c, ok, err := sms.ConfigFromEnv(env("HUIFANG_SMS_URL", "https://sms.example/send", "HUIFANG_SMS_TOKEN_FILE", tokenFile, "HUIFANG_SMS_TIMEOUT", "3s"))
	if !ok || err != nil || c.Token != "from-file" || c.Timeout != 3*time.Second {
		t.Fatalf("config %+v %v %v", c, ok, err)
	}
	bad := []struct {
		env  func(string) string
		want string
	}{
		{env("HUIFANG_SMS_URL", "http://sms.example/send"), "use https"},
		{env("HUIFANG_SMS_URL", "sms.example"), "want https"},
		{env("HUIFANG_SMS_URL", "https://sms.example", "HUIFANG_SMS_TOKEN", "x", "HUIFANG_SMS_TOKEN_FILE", tokenFile), "not both"},
		{env("HUIFANG_SMS_URL", "https://sms.example", "HUIFANG_SMS_TOKEN_FILE", filepath.Join(dir, "none")), "TOKEN_FILE"},
		{env("HUIFANG_SMS_URL", "https://sms.example", "HUIFANG_SMS_TIMEOUT", "soon"), "duration"},
		{env("HUIFANG_SMS_URL", "https://sms.example", "HUIFANG_SMS_AUTH_HEADER", "X Key"), "header"},
	}
	for _, b := range bad {
		if _, _, err := sms.ConfigFromEnv(b.env); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("want an error with %q, got %v", b.want, err)
		}
	}
	// Plain http is fine to this machine.
	if _, _, err := sms.ConfigFromEnv(env("HUIFANG_SMS_URL", "http://127.0.0.1:9000/send")); err != nil {
		t.Fatal(err)
	}
}

func TestOutbox(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	org := &huifang.Org{Code: "A", Name: "甲人寿", Kind: huifang.KindInsurer, CreatedAt: time.Now()}
	if err := db.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	m := msg
	m.OrgID = org.ID
	if err := (sms.Outbox{Store: db}).Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	out, err := db.ListOutbox(ctx, org.ID, 10)
	if err != nil || len(out) != 1 {
		t.Fatalf("outbox %v %v", out, err)
	}
	if out[0].PhoneMasked != "138****0001" || out[0].Body != m.Text || out[0].Kind != "code" {
		t.Fatalf("kept %+v", out[0])
	}
}
