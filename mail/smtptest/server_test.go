package smtptest

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/textproto"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// dial opens a raw SMTP conversation with s and reads the greeting.
func dial(t *testing.T, s *Server) *textproto.Conn {
	t.Helper()
	c, err := textproto.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	expect(t, c, 220)
	return c
}

// cmd sends one command and checks the reply code.
func cmd(t *testing.T, c *textproto.Conn, code int, format string, args ...any) string {
	t.Helper()
	if err := c.PrintfLine(format, args...); err != nil {
		t.Fatal(err)
	}
	return expect(t, c, code)
}

func expect(t *testing.T, c *textproto.Conn, code int) string {
	t.Helper()
	got, msg, err := c.ReadResponse(0)
	if got != code {
		t.Fatalf("reply %d %q (%v), want %d", got, msg, err, code)
	}
	return msg
}

func TestConversation(t *testing.T) {
	t.Parallel()
	s := Start(t)
	c := dial(t, s)
	cmd(t, c, 503, "MAIL FROM:<a@example.com>")
	msg := cmd(t, c, 250, "EHLO client.example")
	if !strings.Contains(msg, "AUTH PLAIN") {
		t.Errorf("EHLO reply %q does not offer AUTH PLAIN", msg)
	}
	cmd(t, c, 250, "NOOP")
	cmd(t, c, 503, "RCPT TO:<b@example.com>")
	cmd(t, c, 250, "MAIL FROM:<dropped@example.com>")
	cmd(t, c, 250, "RSET")
	cmd(t, c, 503, "DATA")
	cmd(t, c, 250, "mail from:<a@example.com> SMTPUTF8")
	cmd(t, c, 501, "RCPT TO:b@example.com")
	cmd(t, c, 250, "RCPT TO:<b@example.com>")
	cmd(t, c, 250, "RCPT TO:<c@example.com>")
	cmd(t, c, 354, "DATA")
	// The client stuffs a dot before lines that start with one.
	cmd(t, c, 250, "Subject: hi\r\n\r\n..leading dot\r\n..\r\nlast line\r\n.")
	cmd(t, c, 502, "VRFY a")
	cmd(t, c, 221, "QUIT")

	got := s.Wait(t, 1, 5*time.Second)
	want := Received{From: "a@example.com", To: []string{"b@example.com", "c@example.com"},
		Data: []byte("Subject: hi\r\n\r\n.leading dot\r\n.\r\nlast line\r\n")}
	if len(got) != 1 || got[0].From != want.From || !slices.Equal(got[0].To, want.To) || string(got[0].Data) != string(want.Data) {
		t.Fatalf("received %+v\nwant %+v", got, want)
	}
	if got[0].Subject() != "hi" || got[0].Text() != ".leading dot\n.\nlast line\n" {
		t.Errorf("Subject %q, Text %q", got[0].Subject(), got[0].Text())
	}
}

func TestHeloAndSeveralMessages(t *testing.T) {
	t.Parallel()
	s := Start(t)
	c := dial(t, s)
	cmd(t, c, 250, "HELO client")
	for i := range 3 {
		cmd(t, c, 250, "MAIL FROM:<>")
		cmd(t, c, 250, "RCPT TO:<r%d@example.com>", i)
		cmd(t, c, 354, "DATA")
		cmd(t, c, 250, "\r\nmessage %d\r\n.", i)
	}
	got := s.Wait(t, 3, 5*time.Second)
	for i, r := range got {
		if r.From != "" || r.To[0] != fmt.Sprintf("r%d@example.com", i) || r.Text() != fmt.Sprintf("message %d\n", i) {
			t.Errorf("message %d: %+v", i, r)
		}
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	plain := func(user, pass string) string {
		return base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
	}

	t.Run("any credentials", func(t *testing.T) {
		t.Parallel()
		s := Start(t)
		c := dial(t, s)
		cmd(t, c, 250, "EHLO x")
		cmd(t, c, 235, "AUTH PLAIN %s", plain("anyone", "anything"))
		cmd(t, c, 250, "MAIL FROM:<a@example.com>")
		cmd(t, c, 250, "RCPT TO:<b@example.com>")
		cmd(t, c, 354, "DATA")
		cmd(t, c, 250, "\r\nhello\r\n.")
		if got := s.Wait(t, 1, 5*time.Second)[0].Username; got != "anyone" {
			t.Errorf("Username = %q, want anyone", got)
		}
	})

	t.Run("required", func(t *testing.T) {
		t.Parallel()
		s := Start(t)
		s.RequireAuth("robot", "s3cret")
		c := dial(t, s)
		cmd(t, c, 250, "EHLO x")
		cmd(t, c, 530, "MAIL FROM:<a@example.com>")
		cmd(t, c, 504, "AUTH LOGIN")
		cmd(t, c, 535, "AUTH PLAIN %s", plain("robot", "wrong"))
		cmd(t, c, 501, "AUTH PLAIN !!!")
		// Without an initial response the server asks for it.
		cmd(t, c, 334, "AUTH PLAIN")
		cmd(t, c, 235, "%s", plain("robot", "s3cret"))
		cmd(t, c, 503, "AUTH PLAIN %s", plain("robot", "s3cret"))
		cmd(t, c, 250, "MAIL FROM:<a@example.com>")
	})
}

func TestWaitTimesOut(t *testing.T) {
	t.Parallel()
	s := Start(t)
	ft := &fatalRecorder{TB: t}
	start := time.Now()
	if got := s.Wait(ft, 1, 50*time.Millisecond); got != nil {
		t.Errorf("Wait returned %v", got)
	}
	if !strings.Contains(ft.msg, "got 0 messages") {
		t.Errorf("Fatalf message %q", ft.msg)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Wait took %s", d)
	}
}

// fatalRecorder keeps the Fatalf message instead of ending the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }

func TestCloseDropsIdleClientsWithoutLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	s := Start(t)
	var conns []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on idle clients")
	}
	s.Close() // again: a no-op
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				break // the server hung up
			}
		}
	}
	if _, err := net.Dial("tcp", s.Addr()); err == nil {
		t.Error("server still accepts connections after Close")
	}
	// The server's goroutines are gone once Close returns; the runtime may
	// take a moment to account for them.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before Start", n, before)
	}
}
