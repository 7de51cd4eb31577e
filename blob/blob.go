// Package blob stores large binary objects — call recordings above all — by
// key, with a SHA-256 checksum computed while the object is written.
//
// Two implementations satisfy Store and pass the same conformance suite:
//
//   - Local keeps each object as one file under a directory (the default).
//     The file starts with a fixed-size header holding the content type,
//     size and checksum, so data and metadata are replaced together by one
//     atomic rename. Configure it with the directory: NewLocal(dir).
//   - S3 keeps objects in a bucket of an S3-compatible object store (AWS
//     S3, Alibaba Cloud OSS, Tencent COS, Huawei OBS, MinIO, Ceph, …)
//     through github.com/minio/minio-go/v7, which signs the requests,
//     retries those that fail for a passing reason, uploads large objects
//     in parts, and takes temporary credentials (a session token).
//     Configure it with an S3Config, usually read from the HUIFANG_S3_*
//     environment variables by S3ConfigFromEnv; minio-go stays inside this
//     package.
//
// Get re-checks the checksum as the bytes stream past and fails at the end
// if they differ. GetRange serves byte ranges for HTTP playback without that
// check (a range cannot be verified on its own).
//
// Keys are validated before they reach a file system or a URL (see
// CheckKey), so a key can never escape the store. Retention, permissions and
// playback are the callers' business: this package only keeps bytes.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"
)

// Errors a Store returns; test with errors.Is.
var (
	ErrNotFound     = errors.New("blob: not found")
	ErrInvalidKey   = errors.New("blob: invalid key")
	ErrInvalidRange = errors.New("blob: range not satisfiable")
	ErrSizeMismatch = errors.New("blob: size mismatch")
	ErrChecksum     = errors.New("blob: checksum mismatch")
)

// DefaultContentType is stored when Put is given none.
const DefaultContentType = "application/octet-stream"

// MaxKeyLength bounds a key, well inside S3's limit of 1024 bytes.
const MaxKeyLength = 512

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	ContentType string
	SHA256      string // lowercase hex, computed while the object was written
	Modified    time.Time
}

// Store keeps objects by key. Implementations are safe for concurrent use.
// Writing an existing key replaces it; readers see the old or the new object
// whole, never a mixture.
type Store interface {
	// Put stores r under key. size is the expected length (the object is
	// refused with ErrSizeMismatch when r yields another), or -1 if unknown.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (Info, error)
	// Get opens the whole object. The caller closes the reader. The reader
	// checks the bytes against Info.SHA256 as they pass and returns an error
	// wrapping ErrChecksum at the end if they differ, so a damaged recording
	// is never served as whole.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// GetRange opens length bytes from offset; length < 0 means "to the end",
	// and a range running past the end is cut short at the end (as HTTP and
	// S3 do). offset outside [0, size) or length == 0 is ErrInvalidRange.
	// Info describes the whole object, so Info.Size is the total size a
	// Content-Range header needs.
	GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, Info, error)
	// Stat describes the object without reading it.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes the object. Deleting a missing key is not an error, as
	// in S3, so a retried delete succeeds.
	Delete(ctx context.Context, key string) error
}

// CheckKey reports whether key may name an object: 1 to MaxKeyLength bytes
// of [A-Za-z0-9/_.-], segments separated by single slashes, no leading or
// trailing slash, and no segment starting with a dot (which rules out "."
// and ".." and leaves hidden names to the stores' own temporary files).
func CheckKey(key string) error {
	if key == "" || len(key) > MaxKeyLength {
		return fmt.Errorf("%w: length %d, want 1 to %d", ErrInvalidKey, len(key), MaxKeyLength)
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '/' || c == '_' || c == '.' || c == '-') {
			return fmt.Errorf("%w %q: character %q not allowed", ErrInvalidKey, key, c)
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" {
			return fmt.Errorf("%w %q: empty segment", ErrInvalidKey, key)
		}
		if seg[0] == '.' {
			return fmt.Errorf("%w %q: segment %q starts with a dot", ErrInvalidKey, key, seg)
		}
	}
	return nil
}

// checkContentType returns the content type to store: DefaultContentType for
// "", and an error for anything that could not travel in an HTTP header.
func checkContentType(ct string) (string, error) {
	if ct == "" {
		return DefaultContentType, nil
	}
	if len(ct) > 200 {
		return "", fmt.Errorf("blob: content type longer than 200 bytes")
	}
	for i := 0; i < len(ct); i++ {
		if ct[i] < 0x20 || ct[i] > 0x7e {
			return "", fmt.Errorf("blob: content type %q: only printable ASCII allowed", ct)
		}
	}
	return ct, nil
}

// span turns a GetRange request into the bytes to read from an object of
// the given size, following the rules documented on Store.GetRange.
func span(size, offset, length int64) (int64, error) {
	if offset < 0 || offset >= size || length == 0 {
		return 0, fmt.Errorf("%w: offset %d length %d of %d bytes", ErrInvalidRange, offset, length, size)
	}
	if length < 0 || length > size-offset {
		length = size - offset
	}
	return length, nil
}

// ctxReader stops a long copy once its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// verifier checks a whole object against its checksum on the way through.
type verifier struct {
	r         io.Reader
	h         hash.Hash
	key, want string
}

func newVerifier(key string, r io.Reader, want string) io.Reader {
	if want == "" {
		return r // an object written by someone else may carry no checksum
	}
	return &verifier{r: r, h: sha256.New(), key: key, want: want}
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want {
			return n, fmt.Errorf("%w: %s: read sha256 %s, stored %s", ErrChecksum, v.key, got, v.want)
		}
	}
	return n, err
}

// readCloser joins a reader with the closer of what it reads from.
type readCloser struct {
	io.Reader
	io.Closer
}
