package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// S3 is a Store in a bucket of an S3-compatible object store. Put spools
// the body to a temporary file while hashing it, then uploads the file with
// the hash as both the signed payload hash (so the server rejects a body
// damaged in transit) and the x-amz-meta-sha256 metadata. Memory use stays
// flat whatever the object size.
type S3 struct {
	cfg    S3Config
	base   *url.URL
	client *http.Client
	now    func() time.Time // the signing clock; tests replace it
}

var _ Store = (*S3)(nil)

// metaSHA256 is the user metadata holding the object's checksum.
const metaSHA256 = "X-Amz-Meta-Sha256"

// NewS3 makes a store for cfg. It does not contact the server; Check does.
func NewS3(cfg S3Config) (*S3, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	base, _ := url.Parse(cfg.Endpoint) // checked by Validate
	client := cfg.HTTPClient
	if client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = time.Minute
		client = &http.Client{
			Transport:     t,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &S3{cfg: cfg, base: base, client: client, now: time.Now}, nil
}

// Check verifies that the bucket exists and the credentials are accepted,
// for start-up and readiness checks.
func (s *S3) Check(ctx context.Context) error {
	res, err := s.do(ctx, http.MethodHead, "", nil, nil, 0, emptyPayloadHash)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return s3Error("check bucket", s.cfg.Bucket, res)
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
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	if size >= 0 && n != size {
		return Info{}, fmt.Errorf("%w: put %s: got %d bytes or more, want %d", ErrSizeMismatch, key, n, size)
	}
	sum := hex.EncodeToString(h.Sum(nil))

	hdr := http.Header{}
	hdr.Set("Content-Type", ct)
	hdr.Set(metaSHA256, sum)
	res, err := s.do(ctx, http.MethodPut, key, hdr, tmp, n, sum)
	if err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return Info{}, s3Error("put", key, res)
	}
	// A PUT response carries no Last-Modified; the server's Date is the
	// closest, at S3's one-second precision.
	modified, err := http.ParseTime(res.Header.Get("Date"))
	if err != nil {
		modified = s.now().Truncate(time.Second)
	}
	return Info{Key: key, Size: n, ContentType: ct, SHA256: sum, Modified: modified.UTC()}, nil
}

// Get implements Store.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := CheckKey(key); err != nil {
		return nil, Info{}, err
	}
	res, err := s.do(ctx, http.MethodGet, key, nil, nil, 0, emptyPayloadHash)
	if err != nil {
		return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, err)
	}
	if res.StatusCode != http.StatusOK {
		defer res.Body.Close()
		return nil, Info{}, s3Error("get", key, res)
	}
	info, err := s3Info(key, res)
	if err != nil {
		res.Body.Close()
		return nil, Info{}, err
	}
	return readCloser{newVerifier(key, res.Body, info.SHA256), res.Body}, info, nil
}

// GetRange implements Store with a single "Range: bytes=a-b" request.
func (s *S3) GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, Info, error) {
	if err := CheckKey(key); err != nil {
		return nil, Info{}, err
	}
	if offset < 0 || length == 0 {
		return nil, Info{}, fmt.Errorf("blob: get %s: %w: offset %d length %d", key, ErrInvalidRange, offset, length)
	}
	hdr := http.Header{}
	if length < 0 {
		hdr.Set("Range", fmt.Sprintf("bytes=%d-", offset))
	} else {
		hdr.Set("Range", fmt.Sprintf("bytes=%d-%d", offset, offset+length-1))
	}
	res, err := s.do(ctx, http.MethodGet, key, hdr, nil, 0, emptyPayloadHash)
	if err != nil {
		return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, err)
	}
	switch res.StatusCode {
	case http.StatusPartialContent:
		info, err := s3Info(key, res)
		if err != nil {
			res.Body.Close()
			return nil, Info{}, err
		}
		return res.Body, info, nil
	case http.StatusOK:
		// The server ignored Range and sent everything: skip to the range.
		info, err := s3Info(key, res)
		if err != nil {
			res.Body.Close()
			return nil, Info{}, err
		}
		n, err := span(info.Size, offset, length)
		if err == nil {
			_, err = io.CopyN(io.Discard, res.Body, offset)
		}
		if err != nil {
			res.Body.Close()
			return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, err)
		}
		return readCloser{io.LimitReader(res.Body, n), res.Body}, info, nil
	default:
		defer res.Body.Close()
		return nil, Info{}, s3Error("get", key, res)
	}
}

// Stat implements Store with a HEAD request.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := CheckKey(key); err != nil {
		return Info{}, err
	}
	res, err := s.do(ctx, http.MethodHead, key, nil, nil, 0, emptyPayloadHash)
	if err != nil {
		return Info{}, fmt.Errorf("blob: stat %s: %w", key, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return Info{}, s3Error("stat", key, res)
	}
	return s3Info(key, res)
}

// Delete implements Store.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	res, err := s.do(ctx, http.MethodDelete, key, nil, nil, 0, emptyPayloadHash)
	if err != nil {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNoContent || res.StatusCode == http.StatusOK {
		return nil
	}
	// S3 answers 204 for a missing key; some compatible servers say 404.
	if err := s3Error("delete", key, res); !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// objectURL addresses key in the bucket; key "" addresses the bucket.
// Keys passed CheckKey, so they need no escaping.
func (s *S3) objectURL(key string) *url.URL {
	u := *s.base
	if s.cfg.VirtualHostStyle {
		u.Host = s.cfg.Bucket + "." + u.Host
		u.Path = "/" + key
	} else {
		u.Path = "/" + s.cfg.Bucket
		if key != "" {
			u.Path += "/" + key
		}
	}
	return &u
}

// do sends one signed request. body, when not nil, is read from its start
// for size bytes (and again if the transport retries).
func (s *S3) do(ctx context.Context, method, key string, hdr http.Header, body io.ReaderAt, size int64, payloadHash string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.objectURL(key).String(), nil)
	if err != nil {
		return nil, err
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if body != nil {
		req.ContentLength = size
		req.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(io.NewSectionReader(body, 0, size)), nil
		}
		req.Body, _ = req.GetBody()
		if size == 0 {
			req.Body, req.GetBody = http.NoBody, nil
		}
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	signV4(req, s.cfg.AccessKey, s.cfg.SecretKey, s.cfg.Region, "s3", payloadHash, s.now())
	return s.client.Do(req)
}

// s3Info reads an object's description from a GET or HEAD response.
func s3Info(key string, res *http.Response) (Info, error) {
	info := Info{
		Key:         key,
		Size:        res.ContentLength,
		ContentType: res.Header.Get("Content-Type"),
		SHA256:      res.Header.Get(metaSHA256),
	}
	if cr := res.Header.Get("Content-Range"); cr != "" {
		// "bytes a-b/total": the range's length is the body's; Info wants the total.
		i := strings.LastIndexByte(cr, '/')
		total, err := strconv.ParseInt(cr[i+1:], 10, 64)
		if i < 0 || err != nil {
			return Info{}, fmt.Errorf("blob: get %s: bad Content-Range %q", key, cr)
		}
		info.Size = total
	}
	if info.Size < 0 {
		return Info{}, fmt.Errorf("blob: %s: response without a length", key)
	}
	if t, err := http.ParseTime(res.Header.Get("Last-Modified")); err == nil {
		info.Modified = t.UTC()
	}
	return info, nil
}

// S3Error is a failure reported by the S3 server.
type S3Error struct {
	Op, Key    string
	StatusCode int
	Code       string // S3 error code, such as "NoSuchKey"; empty for HEAD
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

func s3Error(op, key string, res *http.Response) error {
	e := &S3Error{Op: op, Key: key, StatusCode: res.StatusCode, RequestID: res.Header.Get("X-Amz-Request-Id")}
	var body struct {
		Code      string
		Message   string
		RequestID string `xml:"RequestId"`
	}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if xml.Unmarshal(b, &body) == nil {
		e.Code, e.Message = body.Code, body.Message
		if body.RequestID != "" {
			e.RequestID = body.RequestID
		}
	}
	return e
}
