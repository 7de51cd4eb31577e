package mail_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	hmail "github.com/huifang/huifang/mail"
)

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secret := filepath.Join(dir, "smtp-password")
	if err := os.WriteFile(secret, []byte("pa ss\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    hmail.Config
		ok      bool
		wantErr string
	}{
		{name: "disabled", env: map[string]string{"HUIFANG_SMTP_FROM": "a@example.com"}},
		{
			name: "remote server defaults to STARTTLS",
			env: map[string]string{
				"HUIFANG_SMTP_ADDR": "smtp.example.com:587", "HUIFANG_SMTP_FROM": "回访 <noreply@example.com>",
				"HUIFANG_SMTP_USERNAME": "robot", "HUIFANG_SMTP_PASSWORD": "s3cret",
			},
			want: hmail.Config{Addr: "smtp.example.com:587", From: "回访 <noreply@example.com>", Username: "robot", Password: "s3cret", StartTLS: true, Timeout: hmail.DefaultTimeout},
			ok:   true,
		},
		{
			name: "loopback relay defaults to plain",
			env:  map[string]string{"HUIFANG_SMTP_ADDR": "127.0.0.1:25", "HUIFANG_SMTP_FROM": "noreply@example.com"},
			want: hmail.Config{Addr: "127.0.0.1:25", From: "noreply@example.com", Timeout: hmail.DefaultTimeout},
			ok:   true,
		},
		{
			name: "STARTTLS forced on for loopback",
			env:  map[string]string{"HUIFANG_SMTP_ADDR": "localhost:25", "HUIFANG_SMTP_FROM": "noreply@example.com", "HUIFANG_SMTP_STARTTLS": "1"},
			want: hmail.Config{Addr: "localhost:25", From: "noreply@example.com", StartTLS: true, Timeout: hmail.DefaultTimeout},
			ok:   true,
		},
		{
			name: "password file",
			env: map[string]string{
				"HUIFANG_SMTP_ADDR": "[::1]:2525", "HUIFANG_SMTP_FROM": "noreply@example.com",
				"HUIFANG_SMTP_USERNAME": "robot", "HUIFANG_SMTP_PASSWORD_FILE": secret,
			},
			want: hmail.Config{Addr: "[::1]:2525", From: "noreply@example.com", Username: "robot", Password: "pa ss", Timeout: hmail.DefaultTimeout},
			ok:   true,
		},
		{
			name:    "password and password file",
			env:     map[string]string{"HUIFANG_SMTP_ADDR": "localhost:25", "HUIFANG_SMTP_FROM": "a@example.com", "HUIFANG_SMTP_USERNAME": "u", "HUIFANG_SMTP_PASSWORD": "x", "HUIFANG_SMTP_PASSWORD_FILE": secret},
			ok:      true,
			wantErr: "not both",
		},
		{
			name:    "missing password file",
			env:     map[string]string{"HUIFANG_SMTP_ADDR": "localhost:25", "HUIFANG_SMTP_FROM": "a@example.com", "HUIFANG_SMTP_USERNAME": "u", "HUIFANG_SMTP_PASSWORD_FILE": filepath.Join(dir, "nope")},
			ok:      true,
			wantErr: "HUIFANG_SMTP_PASSWORD_FILE",
		},
		{
			name:    "empty password file",
			env:     map[string]string{"HUIFANG_SMTP_ADDR": "localhost:25", "HUIFANG_SMTP_FROM": "a@example.com", "HUIFANG_SMTP_USERNAME": "u", "HUIFANG_SMTP_PASSWORD_FILE": empty},
			ok:      true,
			wantErr: "is empty",
		},
		{
			name:    "bad STARTTLS",
			env:     map[string]string{"HUIFANG_SMTP_ADDR": "localhost:25", "HUIFANG_SMTP_FROM": "a@example.com", "HUIFANG_SMTP_STARTTLS": "yes"},
			ok:      true,
			wantErr: "want 1 or 0",
		},
		{
			name:    "credentials in clear to a remote server",
			env:     map[string]string{"HUIFANG_SMTP_ADDR": "smtp.example.com:25", "HUIFANG_SMTP_FROM": "a@example.com", "HUIFANG_SMTP_USERNAME": "u", "HUIFANG_SMTP_PASSWORD": "p", "HUIFANG_SMTP_STARTTLS": "0"},
			ok:      true,
			wantErr: "without STARTTLS",
		},
		{
			name:    "no port",
			env:     map[string]string{"HUIFANG_SMTP_ADDR": "smtp.example.com", "HUIFANG_SMTP_FROM": "a@example.com"},
			ok:      true,
			wantErr: "missing port",
		},
		{
			name:    "no sender",
			env:     map[string]string{"HUIFANG_SMTP_ADDR": "smtp.example.com:587"},
			ok:      true,
			wantErr: "missing sender",
		},
		{
			name:    "bad sender",
			env:     map[string]string{"HUIFANG_SMTP_ADDR": "smtp.example.com:587", "HUIFANG_SMTP_FROM": "huifang"},
			ok:      true,
			wantErr: "invalid email address",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := hmail.ConfigFromEnv(func(k string) string { return tc.env[k] })
			if ok != tc.ok {
				t.Errorf("ok = %v, want %v", ok, tc.ok)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("config\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	good := hmail.Config{Addr: "smtp.example.com:587", From: "a@example.com", Username: "u", Password: "p", StartTLS: true}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*hmail.Config)
		want string
	}{
		{"empty address", func(c *hmail.Config) { c.Addr = "" }, "smtp address"},
		{"no host", func(c *hmail.Config) { c.Addr = ":25" }, "missing host"},
		{"bad port", func(c *hmail.Config) { c.Addr = "smtp.example.com:smtp" }, "bad port"},
		{"port out of range", func(c *hmail.Config) { c.Addr = "smtp.example.com:70000" }, "bad port"},
		{"injection in From", func(c *hmail.Config) { c.From = "a@example.com\nBcc: b@example.com" }, "line break"},
		{"password without username", func(c *hmail.Config) { c.Username = "" }, "without a username"},
		{"credentials without TLS", func(c *hmail.Config) { c.StartTLS = false }, "without STARTTLS"},
		{"negative timeout", func(c *hmail.Config) { c.Timeout = -time.Second }, "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	local := hmail.Config{Addr: "127.0.0.1:25", From: "a@example.com", Username: "u", Password: "p"}
	if err := local.Validate(); err != nil {
		t.Errorf("credentials in clear to loopback: %v", err)
	}
}
