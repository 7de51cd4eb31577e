package mail_test

import (
	"context"
	"errors"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	hmail "github.com/huifang/huifang/mail"
	"github.com/huifang/huifang/mail/smtptest"
)

// setup starts a test SMTP server and a sender pointed at it.
func setup(t *testing.T, edit ...func(*hmail.Config)) (*smtptest.Server, hmail.Sender) {
	t.Helper()
	srv := smtptest.Start(t)
	cfg := hmail.Config{Addr: srv.Addr(), From: "回访系统 <noreply@huifang.example>", Timeout: 5 * time.Second}
	for _, e := range edit {
		e(&cfg)
	}
	return srv, hmail.NewSMTP(cfg)
}

func TestSendChinese(t *testing.T) {
	t.Parallel()
	srv, s := setup(t)
	m := hmail.Message{
		To:      []string{"张三 <zhangsan@example.com>"},
		Subject: "回访任务提醒：保单 P-2024-0001 今日到期",
		Text:    "您好，\n\n您有 3 条回访任务今天到期，请及时处理。\n——回访系统\n",
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if got.From != "noreply@huifang.example" || !slices.Equal(got.To, []string{"zhangsan@example.com"}) {
		t.Errorf("envelope from %q to %q", got.From, got.To)
	}
	if got.Subject() != m.Subject {
		t.Errorf("Subject() = %q, want %q", got.Subject(), m.Subject)
	}
	if got.Text() != m.Text {
		t.Errorf("Text() = %q, want %q", got.Text(), m.Text)
	}

	checkWireFormat(t, got.Data)
	parsed, err := mail.ReadMessage(strings.NewReader(string(got.Data)))
	if err != nil {
		t.Fatal(err)
	}
	h := parsed.Header
	if !strings.HasPrefix(h.Get("Subject"), "=?utf-8?b?") {
		t.Errorf("Subject header %q is not a UTF-8 B encoded word", h.Get("Subject"))
	}
	for name, want := range map[string]string{
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "base64",
	} {
		if h.Get(name) != want {
			t.Errorf("%s = %q, want %q", name, h.Get(name), want)
		}
	}
	if from, err := h.AddressList("From"); err != nil || from[0].Name != "回访系统" || from[0].Address != "noreply@huifang.example" {
		t.Errorf("From %v (%v)", from, err)
	}
	if to, err := h.AddressList("To"); err != nil || to[0].Name != "张三" {
		t.Errorf("To %v (%v)", to, err)
	}
	if d, err := h.Date(); err != nil || time.Since(d).Abs() > time.Minute {
		t.Errorf("Date %v (%v)", d, err)
	}
	if id := h.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@huifang.example>") {
		t.Errorf("Message-ID %q", id)
	}
}

// checkWireFormat checks CRLF line ends and line lengths: headers within 78
// characters, base64 within 76.
func checkWireFormat(t *testing.T, data []byte) {
	t.Helper()
	s := string(data)
	if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\r") {
		t.Errorf("bare CR or LF in message:\n%q", s)
	}
	head, body, ok := strings.Cut(s, "\r\n\r\n")
	if !ok {
		t.Fatalf("no blank line after the header:\n%q", s)
	}
	for line := range strings.SplitSeq(head, "\r\n") {
		if len(line) > 78 {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
	}
	for line := range strings.SplitSeq(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(line) > 76 {
			t.Errorf("body line of %d characters: %q", len(line), line)
		}
	}
}

func TestSendSeveralRecipients(t *testing.T) {
	t.Parallel()
	srv, s := setup(t)
	to := []string{"a@example.com", "李四 <lisi@example.com>", `"Wang, Wu" <wangwu@example.org>`}
	if err := s.Send(context.Background(), hmail.Message{To: to, Subject: "Weekly report", Text: "See the attached numbers."}); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	want := []string{"a@example.com", "lisi@example.com", "wangwu@example.org"}
	if !slices.Equal(got.To, want) {
		t.Errorf("envelope recipients %q, want %q", got.To, want)
	}
	parsed, err := mail.ReadMessage(strings.NewReader(string(got.Data)))
	if err != nil {
		t.Fatal(err)
	}
	list, err := parsed.Header.AddressList("To")
	if err != nil || len(list) != 3 || list[1].Name != "李四" || list[2].Name != "Wang, Wu" {
		t.Errorf("To header %v (%v)", list, err)
	}
	if got.Subject() != "Weekly report" {
		t.Errorf("Subject() = %q", got.Subject())
	}
	checkWireFormat(t, got.Data)
}

func TestSendAuthPlain(t *testing.T) {
	t.Parallel()
	withAuth := func(user, pass string) func(*hmail.Config) {
		return func(c *hmail.Config) { c.Username, c.Password = user, pass }
	}
	msg := hmail.Message{To: []string{"a@example.com"}, Subject: "s", Text: "t"}

	t.Run("accepted", func(t *testing.T) {
		t.Parallel()
		srv, s := setup(t, withAuth("robot", "s3cret"))
		srv.RequireAuth("robot", "s3cret")
		if err := s.Send(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
		if got := srv.Wait(t, 1, 5*time.Second)[0].Username; got != "robot" {
			t.Errorf("authenticated as %q", got)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		t.Parallel()
		srv, s := setup(t, withAuth("robot", "wrong"))
		srv.RequireAuth("robot", "s3cret")
		err := s.Send(context.Background(), msg)
		if err == nil || !strings.Contains(err.Error(), "AUTH") || !strings.Contains(err.Error(), "535") {
			t.Errorf("err = %v, want an AUTH failure", err)
		}
	})
	t.Run("no credentials configured", func(t *testing.T) {
		t.Parallel()
		srv, s := setup(t)
		srv.RequireAuth("robot", "s3cret")
		if err := s.Send(context.Background(), msg); err == nil || !strings.Contains(err.Error(), "530") {
			t.Errorf("err = %v, want 530", err)
		}
	})
}

func TestSendRejectsBadMessages(t *testing.T) {
	t.Parallel()
	srv, s := setup(t)
	for _, tc := range []struct {
		name string
		m    hmail.Message
		want error // nil: any error
	}{
		{"CRLF in subject", hmail.Message{To: []string{"a@example.com"}, Subject: "hi\r\nBcc: victim@example.com"}, hmail.ErrHeaderInjection},
		{"LF in subject", hmail.Message{To: []string{"a@example.com"}, Subject: "hi\nX: y"}, hmail.ErrHeaderInjection},
		{"CR in recipient", hmail.Message{To: []string{"a@example.com\rBcc: b@example.com"}}, hmail.ErrHeaderInjection},
		{"LF in display name", hmail.Message{To: []string{"Eve\n <a@example.com>"}}, hmail.ErrHeaderInjection},
		{"no @", hmail.Message{To: []string{"not-an-address"}}, hmail.ErrInvalidAddress},
		{"two in one", hmail.Message{To: []string{"a@example.com, b@example.com"}}, hmail.ErrInvalidAddress},
		{"empty address", hmail.Message{To: []string{"a@example.com", ""}}, hmail.ErrInvalidAddress},
		{"no recipients", hmail.Message{Subject: "s"}, nil},
		{"invalid UTF-8", hmail.Message{To: []string{"a@example.com"}, Text: "\xff"}, nil},
		{"subject too long", hmail.Message{To: []string{"a@example.com"}, Subject: strings.Repeat("x", 1000)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Send(context.Background(), tc.m)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if err := tc.m.Validate(); err == nil {
				t.Error("Message.Validate accepted it")
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestSendRejectsBadConfig(t *testing.T) {
	t.Parallel()
	msg := hmail.Message{To: []string{"a@example.com"}}
	_, s := setup(t, func(c *hmail.Config) { c.From = "noreply@example.com\r\nBcc: x@example.com" })
	if err := s.Send(context.Background(), msg); !errors.Is(err, hmail.ErrHeaderInjection) {
		t.Errorf("injection in From: err = %v", err)
	}
	_, s = setup(t, func(c *hmail.Config) { c.From = "nobody" })
	if err := s.Send(context.Background(), msg); !errors.Is(err, hmail.ErrInvalidAddress) {
		t.Errorf("bad From: err = %v", err)
	}
}

func TestSendRequiresOfferedStartTLS(t *testing.T) {
	t.Parallel()
	srv, s := setup(t, func(c *hmail.Config) { c.StartTLS = true; c.Username, c.Password = "u", "p" })
	err := s.Send(context.Background(), hmail.Message{To: []string{"a@example.com"}, Text: "secret"})
	if err == nil || !strings.Contains(err.Error(), "does not offer STARTTLS") {
		t.Errorf("err = %v, want a refusal for lack of STARTTLS", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
}

func TestSendServerDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now

	s := hmail.NewSMTP(hmail.Config{Addr: addr, From: "noreply@example.com", Timeout: 2 * time.Second})
	start := time.Now()
	err = s.Send(context.Background(), hmail.Message{To: []string{"a@example.com"}})
	if err == nil || !strings.Contains(err.Error(), "connect to smtp server") {
		t.Errorf("err = %v, want a connection error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s, beyond the 2s timeout", d)
	}
}

// silentServer accepts connections and never answers, like a stuck server.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

func TestSendTimeout(t *testing.T) {
	t.Parallel()
	s := hmail.NewSMTP(hmail.Config{Addr: silentServer(t), From: "noreply@example.com", Timeout: 200 * time.Millisecond})
	start := time.Now()
	err := s.Send(context.Background(), hmail.Message{To: []string{"a@example.com"}})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "did not finish within 200ms") {
		t.Errorf("err = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s, beyond the 200ms timeout", d)
	}
}

func TestSendHonoursCancellation(t *testing.T) {
	t.Parallel()
	s := hmail.NewSMTP(hmail.Config{Addr: silentServer(t), From: "noreply@example.com", Timeout: time.Minute})
	msg := hmail.Message{To: []string{"a@example.com"}}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	if err := s.Send(ctx, msg); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s after cancellation", d)
	}

	// A context's own deadline shortens the configured timeout.
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.Send(ctx, msg); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}

	done, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Send(done, msg); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled beforehand: err = %v", err)
	}
}
