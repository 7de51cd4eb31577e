package mail

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout bounds one Send when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config says how to reach the SMTP server.
type Config struct {
	Addr               string // host:port
	From               string // sender address, may carry a display name
	Username, Password string // AUTH PLAIN credentials; no AUTH when Username is empty
	// StartTLS requires STARTTLS before anything else is sent. Without it the
	// connection stays plain (even if the server offers STARTTLS), which is
	// only accepted with credentials when the server is on loopback.
	StartTLS bool
	Timeout  time.Duration // for the whole conversation; 0 means DefaultTimeout
}

// Validate checks c.
func (c Config) Validate() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("smtp address %q: %w", c.Addr, err)
	}
	if host == "" {
		return fmt.Errorf("smtp address %q: missing host", c.Addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("smtp address %q: bad port", c.Addr)
	}
	if c.From == "" {
		return errors.New("missing sender address")
	}
	if _, err := parseAddress(c.From); err != nil {
		return fmt.Errorf("sender %w", err)
	}
	if c.Password != "" && c.Username == "" {
		return errors.New("smtp password given without a username")
	}
	if c.Username != "" && !c.StartTLS && !isLoopback(host) {
		return fmt.Errorf("refusing to send smtp credentials to %s without STARTTLS", host)
	}
	if c.Timeout < 0 {
		return errors.New("negative smtp timeout")
	}
	return nil
}

// ConfigFromEnv reads the HUIFANG_SMTP_* variables through getenv (os.Getenv
// in production). ok is false, with no error, when HUIFANG_SMTP_ADDR is empty:
// mail is switched off. STARTTLS defaults to on unless the server is on
// loopback; HUIFANG_SMTP_PASSWORD_FILE names a file holding the password.
func ConfigFromEnv(getenv func(string) string) (c Config, ok bool, err error) {
	c.Addr = getenv("HUIFANG_SMTP_ADDR")
	if c.Addr == "" {
		return Config{}, false, nil
	}
	c.From = getenv("HUIFANG_SMTP_FROM")
	c.Username = getenv("HUIFANG_SMTP_USERNAME")
	c.Password = getenv("HUIFANG_SMTP_PASSWORD")
	c.Timeout = DefaultTimeout
	if file := getenv("HUIFANG_SMTP_PASSWORD_FILE"); file != "" {
		if c.Password != "" {
			return Config{}, true, errors.New("set HUIFANG_SMTP_PASSWORD or HUIFANG_SMTP_PASSWORD_FILE, not both")
		}
		if c.Password, err = readSecret(file); err != nil {
			return Config{}, true, fmt.Errorf("HUIFANG_SMTP_PASSWORD_FILE: %w", err)
		}
	}
	host, _, _ := net.SplitHostPort(c.Addr) // a bad address is reported by Validate
	c.StartTLS = !isLoopback(host)
	if s := getenv("HUIFANG_SMTP_STARTTLS"); s != "" {
		switch s {
		case "1":
			c.StartTLS = true
		case "0":
			c.StartTLS = false
		default:
			return Config{}, true, fmt.Errorf("HUIFANG_SMTP_STARTTLS=%q: want 1 or 0", s)
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, true, fmt.Errorf("smtp configuration: %w", err)
	}
	return c, true, nil
}

func readSecret(name string) (string, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	// Only the line end an editor or echo adds: a password may end in spaces.
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("%s is empty", name)
	}
	return s, nil
}

// isLoopback reports whether host names this machine, where plain SMTP
// cannot be overheard.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
