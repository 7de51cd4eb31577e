package huifang

import (
	"errors"
	"fmt"
	"time"
)

// Error codes: each maps to an HTTP status and a CLI exit.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOMANY      = "too_many_requests" // too many tries or a limit per user and time: wait RetryAfter when it says
	// EUNAVAILABLE: the database is busy for now (a lock held too long);
	// the same request may succeed in a moment.
	EUNAVAILABLE = "unavailable"
)

// Error is an application error whose Message is safe to show to a user.
// Anything that is not an *Error is shown as "internal error" and logged.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError // per-field problems, for forms and JSON
	// RetryAfter is, for ETOOMANY, how long to wait before trying again.
	RetryAfter time.Duration
}

// FieldError names what is wrong with one field.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf makes an application error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, EINTERNAL otherwise.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the safe message of an application error, or "internal error".
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// RetryAfter returns how long an ETOOMANY error says to wait, or 0.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// Sentinels for storage, mapped at the store boundary.
var (
	ErrNotFound = &Error{Code: ENOTFOUND, Message: "not found"}
	ErrConflict = &Error{Code: ECONFLICT, Message: "already exists"}
	// ErrUnavailable is a busy database: SQLite's lock or PostgreSQL's lock
	// or serialization timeout.
	ErrUnavailable = &Error{Code: EUNAVAILABLE, Message: "系统繁忙，请稍后重试"}
)
