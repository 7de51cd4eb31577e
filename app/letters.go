package app

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
)

// MaxReceipt is the largest signed receipt accepted: a scan or a photo.
const MaxReceipt = 10 << 20

// LetterInput is a letter or visit callback as a handler records it from
// the form the policyholder returned.
type LetterInput struct {
	Method   huifang.CallbackMethod // MethodLetter or MethodVisit
	SignedOn huifang.Date           // the date the policyholder signed the form
	// Answers maps the script's step ids to the answers on the form, as for
	// a phone call (see FinishInput).
	Answers map[string]string
	// Receipt is the scan of the receipt the policyholder signed (PDF, JPEG
	// or PNG, at most MaxReceipt bytes); nil when none was given.
	Receipt     io.Reader
	ReceiptName string // the uploaded file's name, kept for the download
	ReceiptSize int64  // its size when known (an upload's), else 0

	// Script, when set, is the version the handler saw ("code v2"); a
	// callback now on another version is a conflict, to be reloaded.
	Script string
}

// Receipt is a stored receipt: where it is and what it is.
type Receipt struct {
	Key         string `json:"key"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	FileName    string `json:"file_name"`
}

// LetterEvidence is how a letter or visit callback was made, kept as the
// callback's evidence (JSON).
type LetterEvidence struct {
	Method      huifang.CallbackMethod `json:"method"`
	SignedOn    huifang.Date           `json:"signed_on"`
	Receipt     Receipt                `json:"receipt"`
	RetainUntil huifang.Date           `json:"retain_until"` // zero: kept while the contract runs
	RecordedBy  string                 `json:"recorded_by"`  // login
	RecordedID  int64                  `json:"recorded_by_id"`
	RecordedAt  time.Time              `json:"recorded_at"`
}

// LetterOf reads the evidence of a letter or visit callback; ok is false for
// a callback made another way, or not yet made.
func LetterOf(c *huifang.Callback) (ev *LetterEvidence, ok bool) {
	if c.Method != huifang.MethodLetter && c.Method != huifang.MethodVisit || c.Evidence == "" {
		return nil, false
	}
	ev = &LetterEvidence{}
	if err := json.Unmarshal([]byte(c.Evidence), ev); err != nil || ev.Receipt.Key == "" {
		return nil, false
	}
	return ev, true
}

// RecordLetter records a letter or visit callback from the returned form:
// the answers are evaluated with the callback's script and recorded exactly
// as a phone call's, problem cases included. It counts only with the receipt
// the policyholder signed, which is stored in the blob store with its
// checksum and retention date; a form that does not complete the callback
// (signed by someone else, "another time") is refused, and nothing is
// stored. The handler needs no lease, only a callback not yet done that no
// operator is calling right now.
func (s *Service) RecordLetter(ctx context.Context, u *huifang.User, callbackID int64, in LetterInput) (*huifang.Callback, error) {
	c, err := s.findCallback(ctx, u, huifang.PermRecordLetter, callbackID)
	if err != nil {
		return nil, err
	}
	if s.Blobs == nil {
		// Receipts are kept where recordings are; a service without that
		// store cannot keep the one thing that makes a letter count.
		return nil, huifang.Errorf(huifang.EINVALID, "err.letter.no_storage")
	}
	if !c.Open() {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.callback.done", callbackID)
	}
	now := s.now()
	if c.LeaseUserID != 0 && c.LeaseUserID != u.ID && !c.LeaseUntil.Before(now) {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.letter.on_phone", callbackID)
	}
	rec, err := s.db.FindPolicy(ctx, c.OrgID, c.PolicyNo)
	if err != nil {
		return nil, err
	}
	prod, err := s.db.FindProduct(ctx, c.OrgID, rec.ProductCode)
	if err != nil {
		return nil, err
	}

	bad := &huifang.Error{Code: huifang.EINVALID}
	field := func(name, key string, args ...any) {
		bad.Fields = append(bad.Fields, huifang.Field(name, key, args...))
	}
	if in.Method != huifang.MethodLetter && in.Method != huifang.MethodVisit {
		field("method", "err.letter.method_required")
	}
	first := rec.IssuedOn
	if first.IsZero() {
		first = rec.AppliedOn
	}
	switch {
	case in.SignedOn.IsZero():
		field("signed_on", "err.letter.signed_on_required")
	case in.SignedOn.After(s.today()):
		field("signed_on", "err.letter.signed_on_future")
	case !first.IsZero() && in.SignedOn.Before(first):
		field("signed_on", "err.letter.signed_on_before_issue", first)
	}
	var body *bufio.Reader
	var format, ctype string
	if in.Receipt == nil {
		field("receipt", "err.letter.receipt_required")
	} else {
		body = bufio.NewReaderSize(in.Receipt, 64)
		head, _ := body.Peek(SniffLen)
		ft, ok := Sniff(DocumentTypes, head)
		format, ctype = ft.Format, ft.ContentType
		switch {
		case len(head) == 0:
			field("receipt", "err.letter.receipt_empty")
		case !ok:
			field("receipt", "err.letter.receipt_format", Labels(DocumentTypes))
		case in.ReceiptSize > MaxReceipt:
			field("receipt", "err.letter.receipt_too_large", MaxReceipt>>20)
		}
	}
	cs, err := s.callScript(ctx, c, rec, prod, letterMethod(in.Method))
	if err != nil {
		return nil, err
	}
	if err := cs.Complete(); err != nil {
		return nil, err
	}
	if in.Script != "" && in.Script != cs.Ref() {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.script.updated_refill", cs.Ref(), in.Script)
	}
	res, err := cs.Script.Evaluate(in.Answers)
	var ae *huifang.Error
	if errors.As(err, &ae) && ae.Code == huifang.EINVALID && len(ae.Fields) > 0 {
		for _, f := range ae.Fields {
			field("answers."+f.Field, f.Key, f.Args...)
		}
	} else if err != nil {
		return nil, err
	}
	if len(bad.Fields) > 0 {
		msgs := make(huifang.MsgList, len(bad.Fields))
		for i, f := range bad.Fields {
			msgs[i] = huifang.M(f.Key, f.Args...)
		}
		bad.Key, bad.Args = "err.letter.invalid", []any{methodName(in.Method), len(msgs), msgs}
		return nil, bad
	}
	if !res.Outcome.Completed() {
		return nil, notCompleted(in.Method, res)
	}

	key := newBlobKey(c.OrgID, "callbacks", c.ID, "receipt-", format)
	info, err := s.Blobs.Put(ctx, key, io.LimitReader(body, MaxReceipt+1), -1, ctype)
	if err != nil {
		return nil, fmt.Errorf("store receipt: %w", err)
	}
	if info.Size > MaxReceipt {
		s.deleteBlob(ctx, key)
		return nil, &huifang.Error{Code: huifang.EINVALID, Key: "err.letter.receipt_too_large", Args: []any{MaxReceipt >> 20},
			Fields: []huifang.FieldError{huifang.Field("receipt", "err.letter.receipt_too_large", MaxReceipt>>20)}}
	}
	ev := LetterEvidence{Method: in.Method, SignedOn: in.SignedOn, RetainUntil: retainUntil(rec.Policy, prod),
		Receipt:    Receipt{Key: key, SHA256: info.SHA256, Size: info.Size, ContentType: ctype, FileName: receiptName(in.ReceiptName, format)},
		RecordedBy: u.Login, RecordedID: u.ID, RecordedAt: now}
	ch := huifang.CallbackChange{OrgID: u.OrgID, ID: c.ID, UserID: u.ID, Now: now, NoLease: true, Audit: huifang.AuditEntry{Actor: u.Login}}
	if err := s.completeWithScript(ctx, &ch, c, cs, res, in.Answers, in.Method, jsonDetail(ev)); err != nil {
		s.deleteBlob(ctx, key)
		return nil, err
	}
	ch.Audit.Detail = jsonDetail(map[string]any{"result": ch.Result, "problems": len(ch.Problems), "late": ch.Late, "method": in.Method,
		"script": cs.Ref(), "signed_on": in.SignedOn, "receipt_sha256": info.SHA256})
	out, err := s.db.ChangeCallback(ctx, ch)
	if err != nil {
		s.deleteBlob(ctx, key)
		return nil, err
	}
	return out, nil
}

// methodName names a method in a message, "letter or visit" when unknown.
func methodName(m huifang.CallbackMethod) huifang.Msg {
	if m == huifang.MethodLetter || m == huifang.MethodVisit {
		return huifang.M("err.letter.method." + string(m))
	}
	return huifang.M("err.letter.method.any")
}

// notCompleted refuses a returned form whose answers end the script without
// completing it, naming the step that ended it.
func notCompleted(m huifang.CallbackMethod, res script.Result) error {
	key := "err.letter.not_completed"
	switch res.Outcome {
	case script.OutcomeNotPolicyholder:
		key = "err.letter.not_policyholder"
	case script.OutcomeReschedule:
		key = "err.letter.reschedule"
	}
	e := huifang.Errorf(huifang.EINVALID, key, methodName(m))
	if n := len(res.Asked); n > 0 {
		e.Fields = []huifang.FieldError{huifang.Field("answers."+res.Asked[n-1], key, methodName(m))}
	}
	return e
}

// receiptName is the name a receipt downloads as: the uploaded file's base
// name, or receipt.FORMAT.
func receiptName(name, format string) string {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if name == "" || len(name) > 200 {
		return "receipt." + format
	}
	return name
}

// OpenReceipt opens the signed receipt of a letter or visit callback of the
// user's organisation, for a role that views callbacks, and records the view
// in the audit trail. The caller closes the reader, which fails at the end
// if the bytes do not match the checksum recorded at upload.
func (s *Service) OpenReceipt(ctx context.Context, u *huifang.User, callbackID int64) (io.ReadCloser, *LetterEvidence, error) {
	c, err := s.findCallback(ctx, u, huifang.PermViewCallbacks, callbackID)
	if err != nil {
		return nil, nil, err
	}
	ev, ok := LetterOf(c)
	if !ok {
		return nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.letter.no_receipt", callbackID)
	}
	if s.Blobs == nil {
		return nil, nil, huifang.Errorf(huifang.EINVALID, "err.letter.no_receipt_storage")
	}
	body, err := s.openBlob(ctx, ev.Receipt.Key, ev.Receipt.SHA256)
	if err != nil {
		return nil, nil, fmt.Errorf("open receipt of callback %d: %w", callbackID, err)
	}
	if err := s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: u.OrgID, At: s.now(), UserID: u.ID, Actor: u.Login, Entity: "callback",
		Key: fmt.Sprint(c.ID), Action: "view-receipt", Detail: jsonDetail(map[string]any{"sha256": ev.Receipt.SHA256})}); err != nil {
		body.Close()
		return nil, nil, err
	}
	return body, ev, nil
}

// letterMethod is the method whose wording a letter or visit form shows:
// the one chosen, or the letter's until one is.
func letterMethod(m huifang.CallbackMethod) huifang.CallbackMethod {
	if m == huifang.MethodVisit {
		return m
	}
	return huifang.MethodLetter
}
