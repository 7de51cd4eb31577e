// Package mail sends email: an SMTP sender built on net/smtp, plus Discard for
// when mail is switched off and Recorder for tests of the packages that send.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Errors a Message or Config can be rejected with; test them with errors.Is.
var (
	ErrHeaderInjection = errors.New("line break not allowed in a mail header")
	ErrInvalidAddress  = errors.New("invalid email address")
)

// maxSubjectLen keeps every header line far below RFC 5322's 998-byte limit.
const maxSubjectLen = 900

// Message is one plain-text email. Subject and Text may hold any UTF-8 text.
type Message struct {
	To      []string // addresses, "a@example.com" or "Name <a@example.com>"
	Subject string
	Text    string // plain-text body
}

// Sender sends email.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Validate checks the recipients and the subject of m.
func (m Message) Validate() error {
	_, err := m.recipients()
	if err != nil {
		return err
	}
	switch {
	case strings.ContainsAny(m.Subject, "\r\n"):
		return fmt.Errorf("subject: %w", ErrHeaderInjection)
	case !utf8.ValidString(m.Subject):
		return errors.New("subject is not valid UTF-8")
	case len(m.Subject) > maxSubjectLen:
		return fmt.Errorf("subject is longer than %d bytes", maxSubjectLen)
	case !utf8.ValidString(m.Text):
		return errors.New("text is not valid UTF-8")
	}
	return nil
}

func (m Message) recipients() ([]*mail.Address, error) {
	if len(m.To) == 0 {
		return nil, errors.New("no recipients")
	}
	to := make([]*mail.Address, 0, len(m.To))
	for _, s := range m.To {
		a, err := parseAddress(s)
		if err != nil {
			return nil, fmt.Errorf("recipient %w", err)
		}
		to = append(to, a)
	}
	return to, nil
}

// parseAddress parses one address, naming line breaks as injection attempts
// rather than letting them through as a generic parse error.
func parseAddress(s string) (*mail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("%q: %w", s, ErrHeaderInjection)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%q: %w: %v", s, ErrInvalidAddress, err)
	}
	return a, nil
}
