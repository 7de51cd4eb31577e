package blob

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 is a Store in a bucket of an S3-compatible object store, reached
// through minio-go, which signs the requests (AWS Signature Version 4, with
// a session token for temporary credentials), retries the ones that fail for
// a passing reason, and uploads large objects in parts.
//
// Put spools the body to a temporary file while hashing it, then uploads the
// file with the hash in the x-amz-meta-sha256 metadata: the checksum must be
// known when the upload starts, since S3 cannot add metadata to an object
// afterwards without copying it. An object larger than the part size goes up
// as a multipart upload whose parts are read from the file (and re-read when
// a part is retried), so memory use stays flat whatever the object size and
// whether or not the size was known in advance.
type S3 struct {
	cfg    S3Config
	client *minio.Client
}

var _ Store = (*S3)(nil)

// metaSHA256 is the user metadata holding the object's checksum.
const metaSHA256 = "X-Amz-Meta-Sha256"

// DefaultPartSize is the part size of multipart uploads: objects up to this
// size go up in one request, larger ones in parts of this size.
const DefaultPartSize = 64 << 20

// NewS3 makes a store for cfg. It does not contact the server; Check does.
func NewS3(cfg S3Config) (*S3, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = DefaultPartSize
	}
	u, _ := url.Parse(cfg.Endpoint) // checked by Validate
	lookup := minio.BucketLookupPath
	if cfg.VirtualHostStyle {
		lookup = minio.BucketLookupDNS
	}
	transport := cfg.Transport
	if transport == nil {
		t, err := minio.DefaultTransport(u.Scheme == "https")
		if err != nil {
			return nil, fmt.Errorf("blob: s3 transport: %w", err)
		}
		t.ResponseHeaderTimeout = time.Minute
		transport = t
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken),
		Secure:       u.Scheme == "https",
		Region:       cfg.Region,
		BucketLookup: lookup,
		Transport:    transport,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: s3 client: %w", err)
	}
	return &S3{cfg: cfg, client: client}, nil
}

// Check verifies that the bucket exists and the credentials are accepted,
// for start-up and readiness checks.
func (s *S3) Check(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.cfg.Bucket)
	if err != nil {
		return s3Error("check bucket", s.cfg.Bucket, err)
	}
	if !ok {
		return &S3Error{Op: "check bucket", Key: s.cfg.Bucket, StatusCode: http.StatusNotFound, Code: "NoSuchBucket", Message: "the bucket does not exist"}
	}
	return nil
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (Info, error) {
	if err := CheckKey(key); err != nil {
		return Info{}, err
	}
	ct, err := checkContentType(contentType)
	if err != nil {
		return Info{}, err
	}
	tmp, err := os.CreateTemp(s.cfg.TempDir, "huifang-blob-*")
	if err != nil {
		return Info{}, fmt.Errorf("blob: put %s: spool: %w", key, err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	src := io.Reader(ctxReader{ctx, r})
	if size >= 0 {
		src = io.LimitReader(src, size+1)
	}
	h, m := sha256.New(), md5.New()
	n, err := io.Copy(io.MultiWriter(tmp, h, m), src)
	if err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	if size >= 0 && n != size {
		return Info{}, fmt.Errorf("%w: put %s: got %d bytes or more, want %d", ErrSizeMismatch, key, n, size)
	}
	sum := hex.EncodeToString(h.Sum(nil))

	// A section reader, not the file: minio-go seeks it back to retry a
	// request, and reads a multipart upload's parts from it by offset.
	body := io.NewSectionReader(tmp, 0, n)
	opts := minio.PutObjectOptions{
		ContentType:  ct,
		UserMetadata: map[string]string{"sha256": sum},
		PartSize:     s.cfg.PartSize,
	}
	var up minio.UploadInfo
	if uint64(n) <= s.cfg.PartSize {
		// One request carrying the body's SHA-256 (signed, over https) and
		// MD5, so the server refuses a body damaged on the way. Over plain
		// http minio-go signs each chunk of the body instead.
		md5sum := base64.StdEncoding.EncodeToString(m.Sum(nil))
		up, err = minio.Core{Client: s.client}.PutObject(ctx, s.cfg.Bucket, key, body, n, md5sum, sum, opts)
	} else {
		up, err = s.client.PutObject(ctx, s.cfg.Bucket, key, body, n, opts)
	}
	if err != nil {
		return Info{}, s3Error("put", key, err)
	}
	// A single PUT's response carries no Last-Modified; the time of the
	// upload at S3's one-second precision is the closest.
	modified := up.LastModified
	if modified.IsZero() {
		modified = time.Now().Truncate(time.Second)
	}
	return Info{Key: key, Size: n, ContentType: ct, SHA256: sum, Modified: modified.UTC()}, nil
}

// Get implements Store.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := CheckKey(key); err != nil {
		return nil, Info{}, err
	}
	body, info, err := s.get(ctx, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, err
	}
	return readCloser{newVerifier(key, body, info.SHA256), body}, info.Info, nil
}

// GetRange implements Store with a single "Range: bytes=a-b" request.
func (s *S3) GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, Info, error) {
	if err := CheckKey(key); err != nil {
		return nil, Info{}, err
	}
	if offset < 0 || length == 0 {
		return nil, Info{}, fmt.Errorf("blob: get %s: %w: offset %d length %d", key, ErrInvalidRange, offset, length)
	}
	var opts minio.GetObjectOptions
	// Set by hand: minio-go's SetRange reads (0, -1) as a suffix range.
	if length < 0 {
		opts.Set("Range", fmt.Sprintf("bytes=%d-", offset))
	} else {
		opts.Set("Range", fmt.Sprintf("bytes=%d-%d", offset, offset+length-1))
	}
	body, info, err := s.get(ctx, key, opts)
	if err != nil {
		return nil, Info{}, err
	}
	if info.partial {
		return body, info.Info, nil
	}
	// The server ignored Range and sent everything: skip to the range.
	n, err := span(info.Size, offset, length)
	if err == nil {
		_, err = io.CopyN(io.Discard, body, offset)
	}
	if err != nil {
		body.Close()
		return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, err)
	}
	return readCloser{io.LimitReader(body, n), body}, info.Info, nil
}

// rangeInfo is an object's Info and whether the response holds a range.
type rangeInfo struct {
	Info
	partial bool
}

// get sends one GET and describes the object from its response.
func (s *S3) get(ctx context.Context, key string, opts minio.GetObjectOptions) (io.ReadCloser, rangeInfo, error) {
	core := minio.Core{Client: s.client}
	body, oi, hdr, err := core.GetObject(ctx, s.cfg.Bucket, key, opts)
	if err != nil {
		return nil, rangeInfo{}, s3Error("get", key, err)
	}
	info := rangeInfo{Info: Info{
		Key:         key,
		Size:        oi.Size,
		ContentType: hdr.Get("Content-Type"),
		SHA256:      hdr.Get(metaSHA256),
		Modified:    oi.LastModified.UTC(),
	}}
	if cr := hdr.Get("Content-Range"); cr != "" {
		// "bytes a-b/total": the range's length is the body's; Info wants the total.
		i := strings.LastIndexByte(cr, '/')
		total, err := strconv.ParseInt(cr[i+1:], 10, 64)
		if i < 0 || err != nil {
			body.Close()
			return nil, rangeInfo{}, fmt.Errorf("blob: get %s: bad Content-Range %q", key, cr)
		}
		info.Size, info.partial = total, true
	}
	if info.Size < 0 {
		body.Close()
		return nil, rangeInfo{}, fmt.Errorf("blob: %s: response without a length", key)
	}
	return body, info, nil
}

// Stat implements Store with a HEAD request.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := CheckKey(key); err != nil {
		return Info{}, err
	}
	oi, err := s.client.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, s3Error("stat", key, err)
	}
	return Info{
		Key:         key,
		Size:        oi.Size,
		ContentType: oi.Metadata.Get("Content-Type"),
		SHA256:      oi.Metadata.Get(metaSHA256),
		Modified:    oi.LastModified.UTC(),
	}, nil
}

// Delete implements Store.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.cfg.Bucket, key, minio.RemoveObjectOptions{})
	if err == nil {
		return nil
	}
	// S3 answers 204 for a missing key; some compatible servers say 404.
	if err = s3Error("delete", key, err); errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// S3Error is a failure reported by the S3 server.
type S3Error struct {
	Op, Key    string
	StatusCode int
	Code       string // S3 error code, such as "NoSuchKey"
	Message    string
	RequestID  string
}

func (e *S3Error) Error() string {
	s := fmt.Sprintf("blob: s3 %s %s: %d", e.Op, e.Key, e.StatusCode)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RequestID != "" {
		s += " (request " + e.RequestID + ")"
	}
	return s
}

// Is makes a missing object ErrNotFound and a bad range ErrInvalidRange. A
// missing bucket (NoSuchBucket) is a configuration error, not ErrNotFound —
// except on HEAD (Stat), whose 404 has no body to tell them apart; Check
// finds a missing bucket at start-up.
func (e *S3Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Code == "NoSuchKey" || e.Code == "" && e.StatusCode == http.StatusNotFound
	case ErrInvalidRange:
		return e.Code == "InvalidRange" || e.StatusCode == http.StatusRequestedRangeNotSatisfiable
	}
	return false
}

// s3Error turns what minio-go returned into an *S3Error when the server
// answered, and wraps anything else (a network failure, a canceled context).
func s3Error(op, key string, err error) error {
	var resp minio.ErrorResponse
	if !errors.As(err, &resp) || resp.StatusCode == 0 {
		return fmt.Errorf("blob: s3 %s %s: %w", op, key, err)
	}
	return &S3Error{Op: op, Key: key, StatusCode: resp.StatusCode, Code: resp.Code, Message: resp.Message, RequestID: resp.RequestID}
}
