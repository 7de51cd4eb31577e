// Package smtptest runs a small real SMTP server on loopback for tests. It
// speaks plain SMTP (no TLS) with optional AUTH PLAIN and keeps what it receives.
package smtptest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// maxData bounds one message so a runaway client cannot exhaust memory.
const maxData = 32 << 20

// Server is an SMTP server listening on 127.0.0.1. It accepts AUTH PLAIN with
// any credentials unless RequireAuth was called.
type Server struct {
	ln net.Listener
	wg sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	conns    map[net.Conn]struct{}
	msgs     []Received
	arrived  chan struct{} // closed and replaced whenever a message arrives
	username string
	password string
	required bool
}

// Received is one message the server accepted.
type Received struct {
	From     string   // envelope sender (MAIL FROM)
	To       []string // envelope recipients (RCPT TO), in order
	Data     []byte   // the message as sent after DATA, dot-unstuffed, CRLF line ends kept
	Username string   // the AUTH PLAIN identity, "" when the client did not authenticate
}

// Start starts a server on 127.0.0.1:0 and closes it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s := &Server{ln: ln, conns: map[net.Conn]struct{}{}, arrived: make(chan struct{})}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// Addr returns the host:port the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// RequireAuth makes the server demand AUTH PLAIN with these credentials
// before MAIL FROM, and refuse any others.
func (s *Server) RequireAuth(username, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.username, s.password, s.required = username, password, true
}

// Messages returns a copy of the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, len(s.msgs))
	for i, r := range s.msgs {
		out[i] = r.clone()
	}
	return out
}

// Wait waits until at least n messages have arrived and returns them all. It
// fails the test if they have not arrived within timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.msgs), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-arrived:
		case <-timer.C:
			t.Fatalf("smtptest: got %d messages within %s, want %d", got, timeout, n)
			return nil
		}
	}
}

// Close stops the server, drops open connections and waits for every
// goroutine it started. It is safe to call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		s.ln.Close()
		for c := range s.conns {
			c.Close()
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return // closed
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.session(c)
		}()
	}
}

func (s *Server) store(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// checkAuth reports whether the credentials are accepted.
func (s *Server) checkAuth(username, password string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.required || (username == s.username && password == s.password)
}

func (s *Server) authRequired() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.required
}

// session is one SMTP conversation (RFC 5321), kept to what clients need.
type session struct {
	r     *bufio.Reader
	w     *bufio.Writer
	hello bool
	user  string // authenticated identity
	authd bool
	tx    *Received // the transaction under way, nil before MAIL FROM
}

func (s *Server) session(c net.Conn) {
	ss := &session{r: bufio.NewReader(c), w: bufio.NewWriter(c)}
	ss.reply("220 smtptest ESMTP ready")
	for {
		line, err := ss.readLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			ss.hello, ss.tx = true, nil
			ss.reply("250-smtptest greets " + arg + "\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 AUTH PLAIN")
		case "HELO":
			ss.hello, ss.tx = true, nil
			ss.reply("250 smtptest")
		case "AUTH":
			s.auth(ss, arg)
		case "MAIL":
			from, ok := path(arg, "FROM:")
			switch {
			case !ss.hello:
				ss.reply("503 5.5.1 EHLO or HELO first")
			case s.authRequired() && !ss.authd:
				ss.reply("530 5.7.0 Authentication required")
			case ss.tx != nil:
				ss.reply("503 5.5.1 nested MAIL command")
			case !ok:
				ss.reply("501 5.5.4 syntax: MAIL FROM:<address>")
			default:
				ss.tx = &Received{From: from, Username: ss.user}
				ss.reply("250 2.1.0 OK")
			}
		case "RCPT":
			to, ok := path(arg, "TO:")
			switch {
			case ss.tx == nil:
				ss.reply("503 5.5.1 MAIL first")
			case !ok || to == "":
				ss.reply("501 5.5.4 syntax: RCPT TO:<address>")
			default:
				ss.tx.To = append(ss.tx.To, to)
				ss.reply("250 2.1.5 OK")
			}
		case "DATA":
			if ss.tx == nil || len(ss.tx.To) == 0 {
				ss.reply("503 5.5.1 RCPT first")
				continue
			}
			ss.reply("354 End data with <CR><LF>.<CR><LF>")
			data, err := ss.readData()
			if errors.Is(err, errTooBig) {
				ss.tx = nil
				ss.reply("552 5.3.4 message too big")
				continue
			} else if err != nil {
				return
			}
			ss.tx.Data = data
			s.store(*ss.tx)
			ss.tx = nil
			ss.reply("250 2.0.0 OK: queued")
		case "RSET":
			ss.tx = nil
			ss.reply("250 2.0.0 OK")
		case "NOOP":
			ss.reply("250 2.0.0 OK")
		case "QUIT":
			ss.reply("221 2.0.0 Bye")
			return
		default:
			ss.reply("502 5.5.2 command not implemented")
		}
	}
}

func (s *Server) auth(ss *session, arg string) {
	mech, resp, hasResp := strings.Cut(arg, " ")
	switch {
	case !ss.hello:
		ss.reply("503 5.5.1 EHLO or HELO first")
		return
	case ss.authd:
		ss.reply("503 5.5.1 already authenticated")
		return
	case !strings.EqualFold(mech, "PLAIN"):
		ss.reply("504 5.5.4 unrecognised authentication type")
		return
	}
	if !hasResp {
		ss.reply("334 ")
		line, err := ss.readLine()
		if err != nil {
			return
		}
		resp = line
	}
	if resp == "*" {
		ss.reply("501 5.0.0 authentication cancelled")
		return
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	if err != nil {
		ss.reply("501 5.5.2 cannot decode response")
		return
	}
	// authzid NUL authcid NUL passwd
	parts := bytes.Split(raw, []byte{0})
	if len(parts) != 3 {
		ss.reply("501 5.5.2 malformed PLAIN response")
		return
	}
	user, pass := string(parts[1]), string(parts[2])
	if !s.checkAuth(user, pass) {
		ss.reply("535 5.7.8 authentication credentials invalid")
		return
	}
	ss.user, ss.authd = user, true
	ss.reply("235 2.7.0 authentication successful")
}

// path parses "FROM:<a@b> PARAMS" after the verb, returning a@b.
func path(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimLeft(arg[len(prefix):], " ")
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return rest[1:end], true
}

func (ss *session) reply(s string) {
	fmt.Fprintf(ss.w, "%s\r\n", s)
	ss.w.Flush()
}

// readLine reads one command line without its line end.
func (ss *session) readLine() (string, error) {
	line, err := ss.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

var errTooBig = errors.New("message too big")

// readData reads the lines after DATA up to the one holding only ".",
// removing the dot a client adds to lines that start with one.
func (ss *session) readData() ([]byte, error) {
	var data []byte
	tooBig := false
	for {
		line, err := ss.r.ReadBytes('\n')
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if string(line) == ".\r\n" {
			break
		}
		line = bytes.TrimPrefix(line, []byte("."))
		if len(data)+len(line) > maxData {
			tooBig, data = true, nil // keep reading to the end of the message
		}
		if !tooBig {
			data = append(data, line...)
		}
	}
	if tooBig {
		return nil, errTooBig
	}
	return data, nil
}

func (r Received) clone() Received {
	r.To = slices.Clone(r.To)
	r.Data = slices.Clone(r.Data)
	return r
}
