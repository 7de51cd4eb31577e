package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
)

// document is an uploaded file to send back.
type document struct {
	Name        string // the uploaded file's name
	Fallback    string // the name to use when Name cannot travel in a header
	ContentType string
	Size        int64
	// Inline shows the file in the browser: only for a type the service
	// told by content (a receipt is a PDF, JPEG or PNG). Anything else is
	// an attachment in a sandbox, so that an uploaded page never runs on
	// this site.
	Inline bool
}

// sendDocument sends an uploaded document — a problem case's evidence, a
// letter's signed receipt — with its stored type and no sniffing.
func (s *server) sendDocument(w http.ResponseWriter, r *http.Request, body io.Reader, d document) {
	ctype := d.ContentType
	if _, _, err := mime.ParseMediaType(ctype); err != nil || ctype == "" {
		ctype = "application/octet-stream"
	}
	kind, csp := "attachment", "default-src 'none'; sandbox"
	if d.Inline {
		// No sandbox: browsers refuse to show a PDF in one.
		kind, csp = "inline", "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
	}
	disp := mime.FormatMediaType(kind, map[string]string{"filename": d.Name})
	if disp == "" {
		disp = mime.FormatMediaType(kind, map[string]string{"filename": d.Fallback})
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", disp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", csp)
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(w, body); err != nil {
		// Headers are gone: the client sees a short body. A checksum
		// mismatch from the blob store ends up here too.
		s.log.Warn("download ended early", "path", r.URL.Path, "err", err)
	}
}
