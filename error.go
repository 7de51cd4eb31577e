package huifang

import (
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang/i18n"
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

// Error is an application error whose message is safe to show to a user.
// Anything that is not an *Error is shown as "internal error" and logged.
//
// The message is a catalog key and its arguments, rendered in the reader's
// language by Text; Error() renders it in Chinese, for logs and the CLI.
type Error struct {
	Code string
	// Key is the message's catalog key, e.g. "err.callback.not_held". A key
	// the catalog lacks is shown as it is (a fmt format when Args are given):
	// text a caller has already rendered in the reader's language.
	Key    string
	Args   []any
	Fields []FieldError // per-field problems, for forms and JSON
	// RetryAfter is, for ETOOMANY or a full heavy-request queue, how long to
	// wait before trying again.
	RetryAfter time.Duration
}

// FieldError names what is wrong with one field, as a catalog key and its
// arguments like Error's.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

// Text renders the field's reason in language l.
func (f FieldError) Text(l i18n.Lang) string { return render(l, f.Key, f.Args) }

// Field makes a field error.
func Field(field, key string, args ...any) FieldError {
	return FieldError{Field: field, Key: key, Args: args}
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Text(i18n.ZH)) }

// Text renders the error's message in language l.
func (e *Error) Text(l i18n.Lang) string { return render(l, e.Key, e.Args) }

// Errorf makes an application error from a catalog key and its arguments.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Texter is a message that renders in a language: an argument that is one
// (a Msg, a *Error, a MsgList) is rendered in the language of its message.
type Texter interface {
	Text(l i18n.Lang) string
}

// Msg is a catalog key and its arguments: a message, or a part of one, to be
// rendered in the reader's language.
type Msg struct {
	Key  string
	Args []any
}

// M makes a message.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// Text renders the message in language l.
func (m Msg) Text(l i18n.Lang) string { return render(l, m.Key, m.Args) }

// String renders the message in Chinese.
func (m Msg) String() string { return m.Text(i18n.ZH) }

// MsgList is a list of messages, rendered joined by the language's list
// separator ("；" in Chinese).
type MsgList []Msg

// Text renders the list in language l.
func (ms MsgList) Text(l i18n.Lang) string {
	s := ""
	for i, m := range ms {
		if i > 0 {
			s += i18n.T(l, "err.sep")
		}
		s += m.Text(l)
	}
	return s
}

// render renders key with args in l; args that are messages render in l too.
func render(l i18n.Lang, key string, args []any) string {
	if len(args) > 0 {
		rendered := make([]any, len(args))
		for i, a := range args {
			if t, ok := a.(Texter); ok {
				a = t.Text(l)
			}
			rendered[i] = a
		}
		args = rendered
	}
	if i18n.Has(l, key) || i18n.Has(i18n.ZH, key) {
		return i18n.T(l, key, args...)
	}
	if len(args) == 0 {
		return key
	}
	return fmt.Sprintf(key, args...)
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

// ErrorKey returns the catalog key of an application error's message,
// "err.internal" for any other error.
func ErrorKey(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Key
	}
	return "err.internal"
}

// ErrorText returns the safe message of an application error in language l,
// or the catalog's "internal error" for any other error.
func ErrorText(l i18n.Lang, err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Text(l)
	}
	return i18n.T(l, "err.internal")
}

// ErrorMessage returns the safe message of an application error in Chinese,
// the default language, or "internal error".
func ErrorMessage(err error) string { return ErrorText(i18n.ZH, err) }

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
	ErrNotFound = &Error{Code: ENOTFOUND, Key: "err.not_found"}
	ErrConflict = &Error{Code: ECONFLICT, Key: "err.conflict"}
	// ErrUnavailable is a busy database: SQLite's lock or PostgreSQL's lock
	// or serialization timeout.
	ErrUnavailable = &Error{Code: EUNAVAILABLE, Key: "err.unavailable"}
)

// ErrorMsg returns an application error's message as a Msg, to be used in
// another error; "internal error" for any other error.
func ErrorMsg(err error) Msg {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return Msg{Key: e.Key, Args: e.Args}
	}
	return Msg{Key: "err.internal"}
}
