package cli

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/sms"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

func TestCheckPublicURL(t *testing.T) {
	for in, want := range map[string]string{"": "", "https://hf.example.com/": "https://hf.example.com", "http://10.0.0.5:8080/huifang": "http://10.0.0.5:8080/huifang"} {
		if got, err := checkPublicURL(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"hf.example.com", "ftp://hf.example.com", "https://hf.example.com/?a=1", "https:///x"} {
		if _, err := checkPublicURL(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

// The text messages of electronic callbacks go to the outbox unless a
// gateway is configured.
func TestTextMessages(t *testing.T) {
	svc := app.New(storetest.Open(t, store.SQLite), nil, slog.New(slog.DiscardHandler))
	t.Setenv("HUIFANG_SMS_URL", "")
	t.Setenv("HUIFANG_PUBLIC_URL", "https://hf.example.com/")
	if err := textMessages(svc); err != nil {
		t.Fatal(err)
	}
	if _, ok := svc.SMS.(sms.Outbox); !ok || svc.PublicURL != "https://hf.example.com" {
		t.Fatalf("sender %T, public URL %q", svc.SMS, svc.PublicURL)
	}
	t.Setenv("HUIFANG_SMS_URL", "https://sms.example.com/send")
	t.Setenv("HUIFANG_SMS_TOKEN", "t")
	if err := textMessages(svc); err != nil {
		t.Fatal(err)
	}
	if _, ok := svc.SMS.(*sms.HTTP); !ok {
		t.Fatalf("sender %T", svc.SMS)
	}
	t.Setenv("HUIFANG_SMS_URL", "http://sms.example.com/send")
	if err := textMessages(svc); err == nil {
		t.Fatal("plain http to another machine accepted")
	}
}

// TestServeHeavyFlags: serve's help names the heavy-request flags, and a
// limit below one slot, a negative queue, no wait or less than one place
// per user are refused before the database is opened.
func TestServeHeavyFlags(t *testing.T) {
	if code, out, errs := run(t, "serve", "--help"); code != 0 || !strings.Contains(out+errs, "heavy-limit") || !strings.Contains(out+errs, "heavy-queue") || !strings.Contains(out+errs, "heavy-wait") || !strings.Contains(out+errs, "heavy-per-user") {
		t.Fatalf("serve --help: %d\n%s%s", code, out, errs)
	}
	for _, args := range [][]string{{"--heavy-limit", "0"}, {"--heavy-queue", "-1"}, {"--heavy-wait", "0s"}, {"--heavy-per-user", "0"}} {
		if code, _, errs := run(t, append([]string{"serve", "--db", "sqlite:" + t.TempDir() + "/x.db"}, args...)...); code != 2 || !strings.Contains(errs, "--heavy-limit must be") {
			t.Fatalf("serve %v: %d %q", args, code, errs)
		}
	}
}
