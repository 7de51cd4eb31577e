package mail

import (
	"encoding/base64"
	"mime"
	"net/mail"
	"net/smtp"
	"strings"
	"testing"
	"time"
)

func TestComposeLongSubjectAndBody(t *testing.T) {
	t.Parallel()
	from := &mail.Address{Name: "回访系统", Address: "noreply@huifang.example"}
	var to []*mail.Address
	for _, a := range []string{"first.recipient@example.com", "second.recipient@example.com", "third@example.com"} {
		to = append(to, &mail.Address{Address: a})
	}
	m := Message{
		Subject: strings.Repeat("回访任务提醒，", 20),
		Text:    "第一行\r\n第二行\r第三行\n" + strings.Repeat("长", 200),
	}
	date := time.Date(2025, 3, 4, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	data := compose(from, to, m, date)

	head, body, _ := strings.Cut(string(data), "\r\n\r\n")
	for line := range strings.SplitSeq(head, "\r\n") {
		if len(line) > foldAt || strings.TrimSpace(line) == "" {
			t.Errorf("header line %q", line)
		}
	}
	for line := range strings.SplitSeq(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(line) > base64At {
			t.Errorf("body line of %d characters", len(line))
		}
	}

	parsed, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeHeader(t, parsed.Header.Get("Subject")); got != m.Subject {
		t.Errorf("subject %q, want %q", got, m.Subject)
	}
	if got := parsed.Header.Get("Date"); got != "Tue, 04 Mar 2025 09:30:00 +0800" {
		t.Errorf("Date %q", got)
	}
	if list, err := parsed.Header.AddressList("To"); err != nil || len(list) != 3 {
		t.Errorf("To %v (%v)", list, err)
	}
	text := decodeBase64(t, body)
	if want := "第一行\r\n第二行\r\n第三行\r\n" + strings.Repeat("长", 200); text != want {
		t.Errorf("body %q, want CRLF line ends: %q", text, want)
	}
}

func TestComposeASCIISubjectStaysReadable(t *testing.T) {
	t.Parallel()
	from := &mail.Address{Address: "a@example.com"}
	data := string(compose(from, []*mail.Address{from}, Message{Subject: "Daily callbacks due"}, time.Now()))
	if !strings.Contains(data, "\r\nSubject: Daily callbacks due\r\n") {
		t.Errorf("message:\n%s", data)
	}
	if !strings.HasSuffix(data, "\r\n\r\n") {
		t.Errorf("empty text should leave an empty body:\n%q", data)
	}
}

func TestMessageIDsDiffer(t *testing.T) {
	t.Parallel()
	a, b := messageID("x@example.com"), messageID("x@example.com")
	if a == b || !strings.HasSuffix(a, "@example.com>") {
		t.Errorf("%s %s", a, b)
	}
	if id := messageID("local"); !strings.HasSuffix(id, "@localhost>") {
		t.Errorf("%s", id)
	}
}

func TestPlainAuthRefusesPlainTextToRemote(t *testing.T) {
	t.Parallel()
	remote := plainAuth{username: "u", password: "p"}
	if _, _, err := remote.Start(&smtp.ServerInfo{Name: "smtp.example.com"}); err == nil {
		t.Error("credentials offered to a remote server without TLS")
	}
	mech, resp, err := remote.Start(&smtp.ServerInfo{Name: "smtp.example.com", TLS: true})
	if err != nil || mech != "PLAIN" || string(resp) != "\x00u\x00p" {
		t.Errorf("with TLS: %q %q %v", mech, resp, err)
	}
	local := plainAuth{username: "u", password: "p", loopback: true}
	if _, _, err := local.Start(&smtp.ServerInfo{Name: "127.0.0.2"}); err != nil {
		t.Errorf("loopback: %v", err)
	}
	if _, err := local.Next([]byte("more?"), true); err == nil {
		t.Error("accepted a second challenge")
	}
}

func decodeHeader(t *testing.T, s string) string {
	t.Helper()
	var d mime.WordDecoder
	out, err := d.DecodeHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func decodeBase64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
