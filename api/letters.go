package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

func (a *API) routeLetters() {
	a.route("POST /api/v1/callbacks/{id}/letter", huifang.PermRecordLetter, a.recordLetter)
	a.route("GET /api/v1/callbacks/{id}/receipt", huifang.PermViewCallbacks, a.receipt)
}

// letterJSON is a letter or visit's evidence as clients see it: the storage
// key stays inside.
func letterJSON(ev *app.LetterEvidence) map[string]any {
	r := ev.Receipt
	return map[string]any{"method": ev.Method, "signed_on": ev.SignedOn, "retain_until": ev.RetainUntil,
		"recorded_by": ev.RecordedBy, "recorded_at": ev.RecordedAt,
		"receipt": map[string]any{"sha256": r.SHA256, "size": r.Size, "content_type": r.ContentType, "file_name": r.FileName}}
}

// invalidField is a refusal of one field of a request.
func invalidField(field, key string, args ...any) error {
	return &huifang.Error{Code: huifang.EINVALID, Key: key, Args: args, Fields: []huifang.FieldError{huifang.Field(field, key, args...)}}
}

// recordLetter records a letter or visit from the returned form:
// POST /api/v1/callbacks/{id}/letter as multipart/form-data with method
// (letter|visit), signed_on (YYYY-MM-DD), answers (a JSON object of step id
// → answer), script (optional, "code vN") and the signed receipt as the file
// receipt.
func (a *API) recordLetter(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, app.MaxReceipt+(1<<20))
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return invalidField("receipt", "err.letter.receipt_too_large", app.MaxReceipt>>20)
		}
		return huifang.Errorf(huifang.EINVALID, "err.api.letter.multipart")
	}
	defer r.MultipartForm.RemoveAll()
	in := app.LetterInput{Method: huifang.CallbackMethod(strings.TrimSpace(r.FormValue("method"))), Script: strings.TrimSpace(r.FormValue("script"))}
	if v := strings.TrimSpace(r.FormValue("signed_on")); v != "" {
		if in.SignedOn, err = huifang.ParseISODate(v); err != nil {
			return invalidField("signed_on", "err.api.letter.signed_on")
		}
	}
	if v := r.FormValue("answers"); v != "" {
		if err := json.Unmarshal([]byte(v), &in.Answers); err != nil {
			return invalidField("answers", "err.api.letter.answers")
		}
	}
	file, hdr, err := r.FormFile("receipt")
	switch {
	case errors.Is(err, http.ErrMissingFile):
	case err != nil:
		return invalidField("receipt", "err.api.letter.receipt_unreadable")
	default:
		defer file.Close()
		in.Receipt, in.ReceiptName, in.ReceiptSize = file, hdr.Filename, hdr.Size
	}
	c, err := a.svc.RecordLetter(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	a.finished(w, r, u, c)
	return nil
}

// receipt downloads the signed receipt of a letter or visit callback:
// GET /api/v1/callbacks/{id}/receipt. Each download is audited.
func (a *API) receipt(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	body, ev, err := a.svc.OpenReceipt(r.Context(), u, id)
	if err != nil {
		return err
	}
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", ev.Receipt.ContentType)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename*=UTF-8''%s`, urlEscape(ev.Receipt.FileName)))
	h.Set("Content-Length", strconv.FormatInt(ev.Receipt.Size, 10))
	h.Set("X-Checksum-Sha256", ev.Receipt.SHA256)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if _, err := io.Copy(w, body); err != nil {
		a.log.Warn("receipt stream ended early", "callback", id, "err", err)
	}
	return nil
}
