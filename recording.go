package huifang

import "time"

// Recording is a call recording's record; the audio is in the blob store.
type Recording struct {
	ID          int64
	OrgID       int64
	CallbackID  int64
	AttemptID   int64 // the phone attempt it records; 0: not tied to one
	Key         string
	Format      string // wav, mp3, amr, ogg
	ContentType string
	Size        int64
	SHA256      string
	RetainUntil Date // zero: kept while the contract runs
	UploadedAt  time.Time
	UploadedBy  int64
	Source      string // "api" or "upload"
}
