package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
)

// sendAttachment sends an uploaded document — a problem case's evidence, a
// letter's signed receipt — always as an attachment, with the stored type
// and no sniffing, in a sandbox, so that an uploaded page never runs on this
// site. fallback names the file when name cannot travel in the header.
func (s *server) sendAttachment(w http.ResponseWriter, r *http.Request, body io.Reader, name, fallback, ctype string, size int64) {
	if _, _, err := mime.ParseMediaType(ctype); err != nil || ctype == "" {
		ctype = "application/octet-stream"
	}
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if disp == "" {
		disp = mime.FormatMediaType("attachment", map[string]string{"filename": fallback})
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", disp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Length", strconv.FormatInt(size, 10))
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
