// Package httpx holds what the web UI and the JSON API share over HTTP:
// application errors mapped to status codes, JSON replies, request limits and
// security headers.
package httpx

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
)

var statuses = map[string]int{
	huifang.ECONFLICT:     http.StatusConflict,
	huifang.EINVALID:      http.StatusBadRequest,
	huifang.ENOTFOUND:     http.StatusNotFound,
	huifang.EUNAUTHORIZED: http.StatusUnauthorized,
	huifang.EFORBIDDEN:    http.StatusForbidden,
	huifang.ETOOMANY:      http.StatusTooManyRequests,
	huifang.EINTERNAL:     http.StatusInternalServerError,
	huifang.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// RetryAfterSeconds is what a busy database's 503 asks the client to wait.
const RetryAfterSeconds = "2"

// RetryAfter sets Retry-After on a 503 (a busy database), which is worth
// retrying in a moment, unless the error has set its own.
func RetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", RetryAfterSeconds)
	}
}

// Status maps an error to an HTTP status.
func Status(err error) int {
	if s, ok := statuses[huifang.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// LogIfInternal logs errors that are not application errors: their text is
// never shown to the user, so the log is where it goes.
func LogIfInternal(log *slog.Logger, r *http.Request, err error) {
	switch huifang.ErrorCode(err) {
	case huifang.EUNAVAILABLE:
		log.Warn("database busy", "method", r.Method, "path", r.URL.Path, "err", err)
	case huifang.EINTERNAL:
		log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

// ErrorBody is the one JSON shape of an error: its message in the caller's
// language, its code and the message's catalog key.
type ErrorBody struct {
	Error  string      `json:"error"`
	Code   string      `json:"code"`
	Key    string      `json:"key,omitempty"`
	Fields []FieldBody `json:"fields,omitempty"`
}

// FieldBody is what is wrong with one field, in the caller's language.
type FieldBody struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
	Key    string `json:"key,omitempty"`
}

// Body builds the JSON body of an error, with a safe message in Chinese.
func Body(err error) ErrorBody { return BodyIn(i18n.ZH, err) }

// BodyIn builds the JSON body of an error, with a safe message in language l.
func BodyIn(l i18n.Lang, err error) ErrorBody {
	b := ErrorBody{Error: huifang.ErrorText(l, err), Code: huifang.ErrorCode(err), Key: catalogKey(huifang.ErrorKey(err))}
	if ae, ok := err.(*huifang.Error); ok {
		for _, f := range ae.Fields {
			b.Fields = append(b.Fields, FieldBody{Field: f.Field, Reason: f.Text(l), Key: catalogKey(f.Key)})
		}
	}
	return b
}

// catalogKey is key when it is one of the catalog's, "" for a text.
func catalogKey(key string) string {
	if i18n.Has(i18n.ZH, key) {
		return key
	}
	return ""
}

// Lang is the language a request asks for: ?lang=, else Accept-Language;
// Chinese by default.
func Lang(r *http.Request) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// JSON writes v as JSON with a status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	RetryAfter(w, status)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// Error writes an error as JSON.
func Error(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	LogIfInternal(log, r, err)
	SetRetryAfter(w, err)
	JSON(w, Status(err), BodyIn(Lang(r), err))
}

// SetRetryAfter sends Retry-After, in whole seconds rounded up, when err says
// to wait (ETOOMANY, or a full heavy-request limiter).
func SetRetryAfter(w http.ResponseWriter, err error) {
	if d := huifang.RetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10))
	}
}

// DecodeJSON reads a JSON body of at most limit bytes into v, refusing unknown fields.
func DecodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return huifang.Errorf(huifang.EINVALID, "err.http.json_required")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.http.bad_json", jsonProblem(err))
	}
	return nil
}

func jsonProblem(err error) any {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return huifang.M("err.http.body_too_large")
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "json: ")
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}

// HSTS tells browsers to reach the site only over HTTPS for a year: for a
// site served only over HTTPS (its public address is https).
func HSTS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		next.ServeHTTP(w, r)
	})
}

// SecurityHeaders sets headers every response carries.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}
