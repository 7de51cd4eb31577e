package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"mime"
	"net/mail"
	"strings"
	"time"
)

// Lines are folded at 78 characters as RFC 5322 recommends, base64 at 76 as
// RFC 2045 requires.
const (
	foldAt   = 78
	base64At = 76
)

// compose renders m as an RFC 5322 message with CRLF line ends: a UTF-8
// text/plain body in base64, the subject in RFC 2047 encoded words.
// m must have passed Validate.
func compose(from *mail.Address, to []*mail.Address, m Message, date time.Time) []byte {
	var b bytes.Buffer
	// Address.String encodes a display name into encoded words separated
	// by spaces, where the line may be folded.
	header(&b, "From", strings.Split(from.String(), " "))
	var tos []string
	for i, a := range to {
		s := a.String()
		if i < len(to)-1 {
			s += ","
		}
		tos = append(tos, strings.Split(s, " ")...)
	}
	header(&b, "To", tos)
	// BEncoding leaves printable ASCII as it is and splits the rest into
	// encoded words of at most 75 characters, separated by spaces.
	header(&b, "Subject", strings.Split(mime.BEncoding.Encode("utf-8", m.Subject), " "))
	header(&b, "Date", []string{date.Format(time.RFC1123Z)})
	header(&b, "Message-ID", []string{messageID(from.Address)})
	header(&b, "MIME-Version", []string{"1.0"})
	header(&b, "Content-Type", []string{"text/plain; charset=utf-8"})
	header(&b, "Content-Transfer-Encoding", []string{"base64"})
	b.WriteString("\r\n")

	// RFC 2045 wants text in canonical CRLF form before it is base64-encoded.
	text := strings.ReplaceAll(m.Text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.ReplaceAll(text, "\n", "\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(text))
	for len(enc) > 0 {
		n := min(len(enc), base64At)
		b.WriteString(enc[:n])
		b.WriteString("\r\n")
		enc = enc[n:]
	}
	return b.Bytes()
}

// header writes "Name: words" with the words joined by single spaces, folding
// before a word that would take the line past foldAt (even the first: a
// 75-character encoded word does not fit after "Subject: "). It never folds
// before an empty word, so no continuation line is blank.
func header(b *bytes.Buffer, name string, words []string) {
	b.WriteString(name)
	b.WriteString(":")
	line := len(name) + 1
	for _, w := range words {
		if w != "" && line+1+len(w) > foldAt {
			b.WriteString("\r\n")
			line = 0
		}
		b.WriteString(" ")
		b.WriteString(w)
		line += 1 + len(w)
	}
	b.WriteString("\r\n")
}

// messageID makes a unique Message-ID in the sender's domain.
func messageID(from string) string {
	domain := "localhost"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = from[i+1:]
	}
	return "<" + hex.EncodeToString(randomBytes(16)) + "@" + domain + ">"
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails: see crypto/rand.Read
	return b
}
