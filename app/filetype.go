package app

import (
	"bytes"
	"strings"

	"github.com/huifang/huifang/i18n"
)

// FileType is a kind of uploaded file huifang accepts, told by its first
// bytes: what an uploader names or claims a file to be is never trusted.
type FileType struct {
	Format      string // the file name's extension: "pdf", "jpg", "wav"…
	ContentType string // the type it is stored and served with
	Label       string // its name for people: "PDF", "JPEG"…
	match       func(head []byte) bool
}

// Image reports whether the type is a picture a browser shows in an <img>.
func (t FileType) Image() bool { return strings.HasPrefix(t.ContentType, "image/") }

func prefix(magic string) func([]byte) bool {
	return func(b []byte) bool { return bytes.HasPrefix(b, []byte(magic)) }
}

// The types each purpose accepts. Documents — a problem case's evidence, a
// letter's or visit's signed receipt — are scans and photos: PDF, JPEG, PNG.
// Recordings are what call-centre systems write: WAV, MP3, AMR, OGG.
var (
	DocumentTypes = []FileType{
		{"pdf", "application/pdf", "PDF", prefix("%PDF-")},
		{"jpg", "image/jpeg", "JPEG", prefix("\xff\xd8\xff")},
		{"png", "image/png", "PNG", prefix("\x89PNG\r\n\x1a\n")},
	}
	AudioTypes = []FileType{
		{"wav", "audio/wav", "WAV", func(b []byte) bool { return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE" }},
		{"mp3", "audio/mpeg", "MP3", func(b []byte) bool {
			// An ID3 tag, or an MPEG audio frame's sync bits.
			return bytes.HasPrefix(b, []byte("ID3")) || (len(b) >= 2 && b[0] == 0xFF && b[1]&0xE0 == 0xE0)
		}},
		{"amr", "audio/amr", "AMR", prefix("#!AMR")},
		{"ogg", "audio/ogg", "OGG", prefix("OggS")},
	}
)

// SniffLen is how many first bytes Sniff needs to tell every type.
const SniffLen = 12

// Sniff tells which of the types a file is from its first bytes.
func Sniff(types []FileType, head []byte) (FileType, bool) {
	for _, t := range types {
		if t.match(head) {
			return t, true
		}
	}
	return FileType{}, false
}

// Labels names the types for a message: "PDF、JPEG 或 PNG".
func Labels(types []FileType) string {
	var b strings.Builder
	for i, t := range types {
		switch {
		case i == 0:
		case i == len(types)-1:
			b.WriteString(i18n.T(i18n.ZH, "list.or"))
		default:
			b.WriteString(i18n.T(i18n.ZH, "list.sep"))
		}
		b.WriteString(t.Label)
	}
	return b.String()
}

// TypeOf finds the type of the given content type among types.
func TypeOf(types []FileType, contentType string) (FileType, bool) {
	for _, t := range types {
		if t.ContentType == contentType {
			return t, true
		}
	}
	return FileType{}, false
}
