package sms

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config is how to reach an SMS gateway over HTTP.
type Config struct {
	// URL receives one POST per message (see HTTP.Send).
	URL string
	// Header carries Token: "Authorization" (the default) sends
	// "Bearer TOKEN"; any other header sends the token as it is.
	Header string
	Token  string
	// Timeout bounds one request; 0 means DefaultTimeout.
	Timeout time.Duration
}

// DefaultTimeout bounds a request to the gateway.
const DefaultTimeout = 10 * time.Second

// Validate checks the configuration. The token must not cross the network
// in clear: plain http is accepted only on this machine.
func (c Config) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("gateway URL %q: want https://host/path", c.URL)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("gateway URL %q: plain http only to this machine; use https", c.URL)
	}
	if strings.ContainsAny(c.Header, " :\r\n") {
		return fmt.Errorf("header name %q is not valid", c.Header)
	}
	if strings.ContainsAny(c.Token, "\r\n") {
		return errors.New("the token holds a line break")
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ConfigFromEnv reads HUIFANG_SMS_URL, HUIFANG_SMS_TOKEN (or
// HUIFANG_SMS_TOKEN_FILE, a file holding it), HUIFANG_SMS_AUTH_HEADER and
// HUIFANG_SMS_TIMEOUT (a Go duration) through getenv. ok is false, with no
// error, when HUIFANG_SMS_URL is empty: no gateway is configured.
func ConfigFromEnv(getenv func(string) string) (c Config, ok bool, err error) {
	c.URL = getenv("HUIFANG_SMS_URL")
	if c.URL == "" {
		return Config{}, false, nil
	}
	c.Header = getenv("HUIFANG_SMS_AUTH_HEADER")
	c.Token = getenv("HUIFANG_SMS_TOKEN")
	if file := getenv("HUIFANG_SMS_TOKEN_FILE"); file != "" {
		if c.Token != "" {
			return Config{}, true, errors.New("set HUIFANG_SMS_TOKEN or HUIFANG_SMS_TOKEN_FILE, not both")
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return Config{}, true, fmt.Errorf("HUIFANG_SMS_TOKEN_FILE: %w", err)
		}
		if c.Token = strings.TrimRight(string(b), "\r\n"); c.Token == "" {
			return Config{}, true, fmt.Errorf("HUIFANG_SMS_TOKEN_FILE: %s is empty", file)
		}
	}
	if s := getenv("HUIFANG_SMS_TIMEOUT"); s != "" {
		if c.Timeout, err = time.ParseDuration(s); err != nil || c.Timeout <= 0 {
			return Config{}, true, fmt.Errorf("HUIFANG_SMS_TIMEOUT=%q: want a duration such as 10s", s)
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, true, fmt.Errorf("sms configuration: %w", err)
	}
	return c, true, nil
}

// HTTP sends messages to an SMS gateway.
type HTTP struct {
	cfg    Config
	client *http.Client
}

// NewHTTP returns the adapter for a validated configuration.
func NewHTTP(c Config) *HTTP {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Header == "" {
		c.Header = "Authorization"
	}
	return &HTTP{cfg: c, client: &http.Client{Timeout: c.Timeout}}
}

// request is the JSON body the gateway receives.
type request struct {
	ID   string `json:"id"`   // unique per message: the gateway may drop a repeated id
	To   string `json:"to"`   // 11-digit mainland mobile number
	Text string `json:"text"` // the whole message
	Kind string `json:"kind"` // "link" or "code"
}

// Send POSTs the message as JSON ({"id", "to", "text", "kind"}) with the
// token in its header. Any 2xx status means accepted; anything else is an
// error naming the status and the start of the reply, never the number or
// the text.
func (h *HTTP) Send(ctx context.Context, m Message) error {
	id := make([]byte, 12)
	rand.Read(id)
	body, err := json.Marshal(request{ID: hex.EncodeToString(id), To: m.To, Text: m.Text, Kind: m.Kind})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sms gateway: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if h.cfg.Token != "" {
		v := h.cfg.Token
		if strings.EqualFold(h.cfg.Header, "Authorization") {
			v = "Bearer " + v
		}
		req.Header.Set(h.cfg.Header, v)
	}
	res, err := h.client.Do(req)
	if err != nil {
		// Without the URL, which may carry a key in its query.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("sms gateway: %w", err)
	}
	defer res.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(res.Body, 200))
	io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16)) // let the connection be reused
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("sms gateway: status %d: %s", res.StatusCode, strings.TrimSpace(string(head)))
	}
	return nil
}
