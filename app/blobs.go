package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/blob"
)

// Objects in the blob store (s.Blobs) are named by their organisation, what
// they belong to and a random part, so that a key says whose it is and is
// never guessed or reused:
//
//	org-1/callbacks/7/3fa94c0d1b2e5a68.wav          a call recording
//	org-1/callbacks/7/receipt-3fa94c0d1b2e5a68.pdf  a letter's signed receipt
//	org-1/problem-cases/9/evidence-3fa94c0d1b2e5a68 a problem case's document

// newBlobKey names a new object of an organisation under owner/ownerID:
// prefix, a random part and .ext (ext "" for none).
func newBlobKey(orgID int64, owner string, ownerID int64, prefix, ext string) string {
	b := make([]byte, 8)
	rand.Read(b)
	key := fmt.Sprintf("org-%d/%s/%d/%s%s", orgID, owner, ownerID, prefix, hex.EncodeToString(b))
	if ext != "" {
		key += "." + ext
	}
	return key
}

// deleteBlob removes an object written for a change that then failed. It
// runs even when the request was cancelled; a failure leaves an orphan
// object, which is logged.
func (s *Service) deleteBlob(ctx context.Context, key string) {
	if err := s.Blobs.Delete(context.WithoutCancel(ctx), key); err != nil {
		s.Log.Warn("orphan object left in the blob store", "key", key, "err", err)
	}
}

// blobContentType is the content type an object is stored with: the
// uploaded one when it is a well-formed, printable media type, else
// application/octet-stream (a browser's claim is not to be trusted further).
func blobContentType(ct string) string {
	if len(ct) > 200 {
		return "application/octet-stream"
	}
	for i := 0; i < len(ct); i++ {
		if ct[i] < 0x20 || ct[i] > 0x7e {
			return "application/octet-stream"
		}
	}
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		return "application/octet-stream"
	}
	return ct
}

// putEvidence writes a problem case's document to the blob store and points
// the row at it (key, size, checksum; no bytes in the database). Without a
// blob store the document stays in the database, as before schema 4, and
// stored is false.
func (s *Service) putEvidence(ctx context.Context, c *huifang.ProblemCase, e *huifang.Evidence) (stored bool, err error) {
	if s.Blobs == nil {
		return false, nil
	}
	key := newBlobKey(c.OrgID, "problem-cases", c.ID, "evidence-", "")
	info, err := s.Blobs.Put(ctx, key, bytes.NewReader(e.Data), int64(len(e.Data)), blobContentType(e.ContentType))
	if err != nil {
		return false, fmt.Errorf("store evidence: %w", err)
	}
	e.Key, e.Size, e.SHA256, e.Data = key, info.Size, info.SHA256, nil
	return true, nil
}

// Evidence opens a document of a case of the user's organisation, from the
// blob store or, for a document stored before schema 4, from the database.
// The caller closes the reader; a document read from the blob store is
// checked against its checksum as it streams (the reader fails at the end
// if the bytes differ).
func (s *Service) Evidence(ctx context.Context, u *huifang.User, id int64) (io.ReadCloser, *huifang.Evidence, error) {
	if err := require(u, huifang.PermViewCallbacks); err != nil {
		return nil, nil, err
	}
	e, err := s.db.FindEvidence(ctx, u.OrgID, id)
	if errors.Is(err, huifang.ErrNotFound) {
		return nil, nil, huifang.Errorf(huifang.ENOTFOUND, "err.file.not_found", id)
	} else if err != nil {
		return nil, nil, err
	}
	if e.Key == "" {
		return io.NopCloser(bytes.NewReader(e.Data)), e, nil
	}
	if s.Blobs == nil {
		return nil, nil, huifang.Errorf(huifang.EINVALID, "err.file.no_storage", id)
	}
	body, err := s.openBlob(ctx, e.Key, e.SHA256)
	if err != nil {
		return nil, nil, fmt.Errorf("open evidence %d: %w", id, err)
	}
	return body, e, nil
}

// openBlob opens a whole object and checks it, as it streams, against the
// checksum the database recorded when it was written: the blob store checks
// its own copy of the checksum, which a replaced object carries along.
func (s *Service) openBlob(ctx context.Context, key, sha string) (io.ReadCloser, error) {
	body, info, err := s.Blobs.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	if info.SHA256 != "" && info.SHA256 != sha {
		body.Close()
		return nil, fmt.Errorf("%w: %s: stored sha256 %s, recorded %s", blob.ErrChecksum, key, info.SHA256, sha)
	}
	return &checked{ReadCloser: body, h: sha256.New(), key: key, want: sha}, nil
}

// checked fails the read that reaches the end of an object whose bytes do
// not hash to the recorded checksum.
type checked struct {
	io.ReadCloser
	h         hash.Hash
	key, want string
}

func (c *checked) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF {
		if got := hex.EncodeToString(c.h.Sum(nil)); got != c.want {
			return n, fmt.Errorf("%w: %s: read sha256 %s, recorded %s", blob.ErrChecksum, c.key, got, c.want)
		}
	}
	return n, err
}
