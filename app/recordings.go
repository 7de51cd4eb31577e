package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/callback"
)

// MaxRecording is the largest recording accepted (a long call in WAV).
const MaxRecording = 200 << 20

// retainUntil is how long a recording is kept (DOMAIN.md §10): 10 years after
// the contract ends when its term is over one year, 5 years otherwise; a
// whole-life contract has no end, and its recordings are kept (zero date).
func retainUntil(p huifang.Policy, prod huifang.Product) huifang.Date {
	term := callback.EffectiveTerm(p, prod)
	if term.WholeLife {
		return huifang.Date{}
	}
	start := p.IssuedOn
	if start.IsZero() {
		start = p.AppliedOn
	}
	end := huifang.NewDate(start.Year()+term.Years, start.Month(), start.Day())
	years := 5
	if term.LongerThanOneYear() {
		years = 10
	}
	return huifang.NewDate(end.Year()+years, end.Month(), end.Day())
}

// AddRecording stores a call's recording (WAV, MP3, AMR or OGG, told by
// content) with its checksum and retention date. attemptID names the phone
// attempt it records, one of the callback's, or is 0. source is "api" or
// "upload".
func (s *Service) AddRecording(ctx context.Context, u *huifang.User, callbackID, attemptID int64, r io.Reader, source string) (*huifang.Recording, error) {
	if s.Blobs == nil {
		return nil, huifang.Errorf(huifang.EINVALID, "err.recording.no_storage")
	}
	c, err := s.findCallback(ctx, u, huifang.PermRecord, callbackID)
	if err != nil {
		return nil, err
	}
	if attemptID != 0 {
		if _, err := s.attempt(ctx, c, attemptID); err != nil {
			return nil, err
		}
	}
	return s.addRecording(ctx, u, c, attemptID, r, source)
}

// UploadRecording stores the recording of a phone attempt the user made
// themselves, uploaded from the web page: the operator who held the
// callback for that call.
func (s *Service) UploadRecording(ctx context.Context, u *huifang.User, callbackID, attemptID int64, r io.Reader) (*huifang.Recording, error) {
	if s.Blobs == nil {
		return nil, huifang.Errorf(huifang.EINVALID, "err.recording.no_storage")
	}
	c, err := s.findCallback(ctx, u, huifang.PermRecord, callbackID)
	if err != nil {
		return nil, err
	}
	a, err := s.attempt(ctx, c, attemptID)
	if err != nil {
		return nil, err
	}
	if a.UserID != u.ID {
		return nil, huifang.Errorf(huifang.EFORBIDDEN, "err.recording.not_own")
	}
	return s.addRecording(ctx, u, c, attemptID, r, "upload")
}

// attempt finds one of a callback's phone attempts.
func (s *Service) attempt(ctx context.Context, c *huifang.Callback, id int64) (*huifang.Attempt, error) {
	as, err := s.db.ListAttempts(ctx, c.OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	for i := range as {
		if as[i].ID == id {
			return &as[i], nil
		}
	}
	return nil, huifang.Errorf(huifang.EINVALID, "err.recording.wrong_attempt", id, c.ID)
}

func (s *Service) addRecording(ctx context.Context, u *huifang.User, c *huifang.Callback, attemptID int64, r io.Reader, source string) (*huifang.Recording, error) {
	rec, err := s.db.FindPolicy(ctx, c.OrgID, c.PolicyNo)
	if err != nil {
		return nil, err
	}
	prod, err := s.db.FindProduct(ctx, c.OrgID, rec.ProductCode)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 64)
	head, _ := br.Peek(SniffLen)
	if len(head) == 0 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.recording.empty")
	}
	ft, ok := Sniff(AudioTypes, head)
	if !ok {
		return nil, huifang.Errorf(huifang.EINVALID, "err.recording.bad_format", Labels(AudioTypes))
	}
	format, ct := ft.Format, ft.ContentType
	key := newBlobKey(c.OrgID, "callbacks", c.ID, "", format)
	info, err := s.Blobs.Put(ctx, key, io.LimitReader(br, MaxRecording+1), -1, ct)
	if err != nil {
		return nil, fmt.Errorf("store recording: %w", err)
	}
	if info.Size > MaxRecording {
		s.deleteBlob(ctx, key)
		return nil, huifang.Errorf(huifang.EINVALID, "err.recording.too_large", MaxRecording>>20)
	}
	out := &huifang.Recording{OrgID: c.OrgID, CallbackID: c.ID, AttemptID: attemptID, Key: key, Format: format, ContentType: ct, Size: info.Size, SHA256: info.SHA256,
		RetainUntil: retainUntil(rec.Policy, prod), UploadedAt: s.now(), UploadedBy: u.ID, Source: source}
	if err := s.db.AddRecording(ctx, out, actor(u)); err != nil {
		s.deleteBlob(ctx, key)
		return nil, err
	}
	return out, nil
}

// Recordings lists a callback's recordings (what they are, not their
// sound) for roles that may play or add them. Another insurer's callback is
// not found, rather than an empty list.
func (s *Service) Recordings(ctx context.Context, u *huifang.User, callbackID int64) ([]huifang.Recording, error) {
	p := huifang.PermListen
	if u != nil && u.Can(huifang.PermRecord) {
		p = huifang.PermRecord
	}
	c, err := s.findCallback(ctx, u, p, callbackID)
	if err != nil {
		return nil, err
	}
	return s.db.ListRecordings(ctx, u.OrgID, c.ID)
}

// RecordingInfo returns what a recording is (not its sound), for a role
// that may listen, within its organisation.
func (s *Service) RecordingInfo(ctx context.Context, u *huifang.User, id int64) (*huifang.Recording, error) {
	if err := require(u, huifang.PermListen); err != nil {
		return nil, err
	}
	return s.db.FindRecording(ctx, u.OrgID, id)
}

// PlayRecording opens a recording, or a byte range of it (length < 0: to the
// end), for a role that may listen, within its organisation. A playback that
// starts at the beginning is recorded in the audit trail (a player then asks
// for further ranges of the same playback).
func (s *Service) PlayRecording(ctx context.Context, u *huifang.User, id, offset, length int64) (io.ReadCloser, *huifang.Recording, error) {
	if err := require(u, huifang.PermListen); err != nil {
		return nil, nil, err
	}
	if s.Blobs == nil {
		return nil, nil, huifang.Errorf(huifang.EINVALID, "err.recording.no_storage")
	}
	rec, err := s.db.FindRecording(ctx, u.OrgID, id)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.recording.not_found", id)
	} else if err != nil {
		return nil, nil, err
	}
	body, err := s.openRecording(ctx, u, rec, offset, length, map[string]any{"callback": rec.CallbackID})
	return body, rec, err
}

// openRecording opens a byte range of a recording found for u; a playback
// from the start is audited in u's organisation with detail.
func (s *Service) openRecording(ctx context.Context, u *huifang.User, rec *huifang.Recording, offset, length int64, detail map[string]any) (io.ReadCloser, error) {
	if offset < 0 || offset >= rec.Size && rec.Size > 0 {
		return nil, huifang.Errorf(huifang.EINVALID, "err.recording.bad_range")
	}
	body, _, err := s.Blobs.GetRange(ctx, rec.Key, offset, length)
	if errors.Is(err, blob.ErrInvalidRange) {
		return nil, huifang.Errorf(huifang.EINVALID, "err.recording.bad_range")
	} else if err != nil {
		return nil, fmt.Errorf("open recording %d: %w", rec.ID, err)
	}
	if offset == 0 {
		if err := s.db.AppendAudit(ctx, huifang.AuditEntry{OrgID: u.OrgID, At: s.now(), UserID: u.ID, Actor: u.Login, Entity: "recording",
			Key: fmt.Sprint(rec.ID), Action: "play", Detail: jsonDetail(detail)}); err != nil {
			body.Close()
			return nil, err
		}
	}
	return body, nil
}
