// Package rectification decides the steps of a rectification notice
// (整改通知, docs/rectification.md):
//
//	          send                answer                close
//	(none) ────────► open ──────────────────► answered ─────────► closed
//	                  ▲                          │
//	                  └──────── return ──────────┘
//
// A supervisor sends a company a notice with its requirements and a due
// date; the company answers it (a text); the supervisor closes it, or
// returns it with a comment for another answer. Every illegal step is an
// error with a catalog key; nothing here reads a clock or a database.
package rectification

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huifang/huifang"
)

// Limits of the texts, in characters.
const (
	MaxSubject = 200
	MaxText    = 5000
)

// Draft is what a supervisor writes.
type Draft struct {
	Subject string
	Body    string
	DueOn   huifang.Date
}

// Check validates a draft sent on today: a subject and requirements within
// their limits, a due date after today. All field errors at once.
func Check(d *Draft, today huifang.Date) error {
	d.Subject, d.Body = strings.TrimSpace(d.Subject), strings.TrimSpace(d.Body)
	var fields []huifang.FieldError
	switch {
	case d.Subject == "":
		fields = append(fields, huifang.FieldError{Field: "subject", Key: "err.rectification.subject_required"})
	case utf8.RuneCountInString(d.Subject) > MaxSubject:
		fields = append(fields, huifang.FieldError{Field: "subject", Key: "err.rectification.too_long", Args: []any{MaxSubject}})
	}
	switch {
	case d.Body == "":
		fields = append(fields, huifang.FieldError{Field: "body", Key: "err.rectification.body_required"})
	case utf8.RuneCountInString(d.Body) > MaxText:
		fields = append(fields, huifang.FieldError{Field: "body", Key: "err.rectification.too_long", Args: []any{MaxText}})
	}
	switch {
	case d.DueOn.IsZero():
		fields = append(fields, huifang.FieldError{Field: "due", Key: "err.rectification.due_required"})
	case !d.DueOn.After(today):
		fields = append(fields, huifang.FieldError{Field: "due", Key: "err.rectification.due_past"})
	}
	if len(fields) > 0 {
		return &huifang.Error{Code: huifang.EINVALID, Key: fields[0].Key, Args: fields[0].Args, Fields: fields}
	}
	return nil
}

// text checks a step's text: required (field names it), within MaxText.
func text(s, field, requiredKey string) (string, error) {
	s = strings.TrimSpace(s)
	key := ""
	var args []any
	switch {
	case s == "":
		key = requiredKey
	case utf8.RuneCountInString(s) > MaxText:
		key, args = "err.rectification.too_long", []any{MaxText}
	}
	if key != "" {
		e := huifang.Errorf(huifang.EINVALID, key, args...)
		e.Fields = []huifang.FieldError{{Field: field, Key: key, Args: args}}
		return "", e
	}
	return s, nil
}

func wrongState(r *huifang.Rectification, step string) error {
	return huifang.Errorf(huifang.ECONFLICT, "err.rectification.wrong_state", r.ID, huifang.M("rstep."+step), huifang.M(r.Status.Key()))
}

// Answer records the company's answer to an open notice.
func Answer(r *huifang.Rectification, answer, by string, now time.Time) (huifang.RectificationEvent, error) {
	answer, err := text(answer, "answer", "err.rectification.answer_required")
	if err != nil {
		return huifang.RectificationEvent{}, err
	}
	if r.Status != huifang.RectificationOpen {
		return huifang.RectificationEvent{}, wrongState(r, "answer")
	}
	r.Status, r.Answer, r.AnsweredAt, r.AnsweredBy, r.UpdatedAt = huifang.RectificationAnswered, answer, now, by, now
	return huifang.RectificationEvent{NoticeID: r.ID, Kind: huifang.RectificationAnswer, Text: answer, At: now, Actor: by}, nil
}

// Return sends an answered notice back to the company for another answer,
// with the supervisor's comment (required).
func Return(r *huifang.Rectification, comment, by string, now time.Time) (huifang.RectificationEvent, error) {
	comment, err := text(comment, "comment", "err.rectification.comment_required")
	if err != nil {
		return huifang.RectificationEvent{}, err
	}
	if r.Status != huifang.RectificationAnswered {
		return huifang.RectificationEvent{}, wrongState(r, "return")
	}
	r.Status, r.Comment, r.Returns, r.UpdatedAt = huifang.RectificationOpen, comment, r.Returns+1, now
	return huifang.RectificationEvent{NoticeID: r.ID, Kind: huifang.RectificationReturned, Text: comment, At: now, Actor: by}, nil
}

// Close closes an answered notice; the comment is optional.
func Close(r *huifang.Rectification, comment, by string, now time.Time) (huifang.RectificationEvent, error) {
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > MaxText {
		e := huifang.Errorf(huifang.EINVALID, "err.rectification.too_long", MaxText)
		e.Fields = []huifang.FieldError{{Field: "comment", Key: "err.rectification.too_long", Args: []any{MaxText}}}
		return huifang.RectificationEvent{}, e
	}
	if r.Status != huifang.RectificationAnswered {
		return huifang.RectificationEvent{}, wrongState(r, "close")
	}
	r.Status, r.Comment, r.ClosedAt, r.ClosedBy, r.UpdatedAt = huifang.RectificationClosed, comment, now, by, now
	return huifang.RectificationEvent{NoticeID: r.ID, Kind: huifang.RectificationClose, Text: comment, At: now, Actor: by}, nil
}
