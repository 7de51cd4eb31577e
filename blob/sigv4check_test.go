package blob

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A checker of AWS Signature Version 4 for the loopback S3 server, which
// gofakes3 does not check: the tests prove that minio-go signs every request
// (and every chunk of a streamed upload) as S3 verifies it, and that a wrong
// secret or a missing session token is refused. It follows
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
// and https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html;
// TestSigV4CheckerVectors holds it to AWS's own examples.

const (
	sigV4Algorithm   = "AWS4-HMAC-SHA256"
	amzDateFormat    = "20060102T150405Z"
	emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	unsignedPayload  = "UNSIGNED-PAYLOAD"
	streamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
)

// verifySigV4 answers 403 SignatureDoesNotMatch, as S3 does, to a request
// whose signature does not verify with testSecretKey as the server received
// it (and 403 InvalidToken to one without token, when token is set), and
// fails the test if a body does not match its signed hash or a streamed
// chunk its chunk signature.
func verifySigV4(t *testing.T, token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seed, err := checkSignature(r)
		if err == nil && token != "" && r.Header.Get("X-Amz-Security-Token") != token {
			err = fmt.Errorf("security token %q, want the session's", r.Header.Get("X-Amz-Security-Token"))
		}
		if err != nil {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+
				`<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided: %s</Message><RequestId>test</RequestId></Error>`, err)
			return
		}
		claimed := r.Header.Get("X-Amz-Content-Sha256")
		var check func() error
		switch claimed {
		case streamingPayload:
			// Decode the chunks as S3 does, checking each one's signature,
			// and hand the server the object's bytes alone.
			dec := &chunkDecoder{r: bufio.NewReader(r.Body), seed: seed, prev: seed.signature}
			r.Body = readCloser{dec, r.Body}
			r.Header.Set("X-Amz-Content-Sha256", unsignedPayload)
			r.Header.Set("Content-Length", r.Header.Get("X-Amz-Decoded-Content-Length"))
			r.ContentLength, _ = strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
			check = func() error { return dec.err }
		case unsignedPayload:
			n := countingWriter(0)
			r.Body = readCloser{io.TeeReader(r.Body, &n), r.Body}
			check = func() error {
				// Over https a part of a multipart upload goes unsigned,
				// TLS protecting it; never over plain http.
				if n != 0 && r.TLS == nil {
					return fmt.Errorf("%d bytes sent as %s", n, unsignedPayload)
				}
				return nil
			}
		default:
			h := sha256.New()
			r.Body = readCloser{io.TeeReader(r.Body, h), r.Body}
			check = func() error {
				if got := hex.EncodeToString(h.Sum(nil)); got != claimed {
					return fmt.Errorf("body hash %s, signed as %s", got, claimed)
				}
				return nil
			}
		}
		body := r.Body
		r.Body = readCloser{body, io.NopCloser(nil)} // read the rest after the handler
		next.ServeHTTP(w, r)
		io.Copy(io.Discard, body)
		if err := check(); err != nil {
			t.Errorf("%s %s: %v", r.Method, r.URL, err)
		}
	})
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// seedSignature is what a request's chunk signatures chain from.
type seedSignature struct {
	signature, amzDate, scope string
	key                       []byte
}

// checkSignature verifies r's Authorization header and returns its seed.
func checkSignature(r *http.Request) (seedSignature, error) {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, sigV4Algorithm+" ")
	if !ok {
		return seedSignature{}, fmt.Errorf("no SigV4 authorization")
	}
	fields := map[string]string{}
	for f := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[0] != testAccessKey || scope[3] != "s3" || scope[4] != "aws4_request" {
		return seedSignature{}, fmt.Errorf("bad credential %q", fields["Credential"])
	}
	amzDate := r.Header.Get("X-Amz-Date")
	at, err := time.Parse(amzDateFormat, amzDate)
	if err != nil || at.Format("20060102") != scope[1] {
		return seedSignature{}, fmt.Errorf("bad date")
	}
	if d := time.Since(at); d > 15*time.Minute || d < -15*time.Minute {
		return seedSignature{}, fmt.Errorf("request time too skewed")
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	for _, must := range []string{"host", "x-amz-content-sha256", "x-amz-date"} {
		if !contains(signed, must) {
			return seedSignature{}, fmt.Errorf("%s not signed", must)
		}
	}
	if r.Header.Get("X-Amz-Security-Token") != "" && !contains(signed, "x-amz-security-token") {
		return seedSignature{}, fmt.Errorf("security token not signed")
	}
	// Rebuild the request from what arrived, keeping only the signed headers.
	req := &http.Request{Method: r.Method, URL: r.URL, Host: r.Host, Header: http.Header{}}
	for _, name := range signed {
		switch name {
		case "host":
			continue
		case "content-length":
			req.Header.Set(name, strconv.FormatInt(r.ContentLength, 10))
			continue
		}
		vs := r.Header.Values(name)
		if len(vs) == 0 {
			return seedSignature{}, fmt.Errorf("signed header %s missing", name)
		}
		req.Header[http.CanonicalHeaderKey(name)] = vs
	}
	canonical, _ := canonicalRequest(req, r.Header.Get("X-Amz-Content-Sha256"))
	sum := sha256.Sum256([]byte(canonical))
	scopeStr := strings.Join(scope[1:], "/")
	toSign := sigV4Algorithm + "\n" + amzDate + "\n" + scopeStr + "\n" + hex.EncodeToString(sum[:])
	key := signingKey(testSecretKey, scope[1], scope[2], "s3")
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return seedSignature{}, fmt.Errorf("signature mismatch")
	}
	return seedSignature{signature: want, amzDate: amzDate, scope: scopeStr, key: key}, nil
}

// chunkDecoder reads an aws-chunked body ("size;chunk-signature=sig\r\n"
// + data + "\r\n", ending with an empty chunk), yields the data and checks
// the chain of chunk signatures from the seed. A bad chunk ends the body
// with an error, as S3 refuses it.
type chunkDecoder struct {
	r      *bufio.Reader
	seed   seedSignature
	prev   string // the previous signature
	sig    string // the current chunk's
	size   int64  // the current chunk's size
	left   int64  // bytes left in it
	h      hash.Hash
	chunks int
	done   bool
	err    error
}

func (d *chunkDecoder) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.done {
		return 0, io.EOF
	}
	if d.h == nil {
		line, err := d.r.ReadString('\n')
		if err != nil {
			return 0, d.fail("header: %v", err)
		}
		sizeHex, sig, ok := strings.Cut(strings.TrimSuffix(line, "\r\n"), ";chunk-signature=")
		size, err := strconv.ParseInt(sizeHex, 16, 64)
		if !ok || err != nil || size < 0 {
			return 0, d.fail("header %q", line)
		}
		d.sig, d.size, d.left, d.h = sig, size, size, sha256.New()
	}
	var n int
	if d.left > 0 {
		if int64(len(p)) > d.left {
			p = p[:d.left]
		}
		var err error
		n, err = d.r.Read(p)
		d.h.Write(p[:n])
		d.left -= int64(n)
		if err != nil && d.left > 0 {
			return n, d.fail("data: %v", err)
		}
	}
	if d.left == 0 {
		if crlf, err := d.r.ReadString('\n'); err != nil || crlf != "\r\n" {
			return n, d.fail("no CRLF after the data")
		}
		toSign := "AWS4-HMAC-SHA256-PAYLOAD\n" + d.seed.amzDate + "\n" + d.seed.scope + "\n" + d.prev + "\n" +
			emptyPayloadHash + "\n" + hex.EncodeToString(d.h.Sum(nil))
		want := hex.EncodeToString(hmacSHA256(d.seed.key, toSign))
		if !hmac.Equal([]byte(want), []byte(d.sig)) {
			return n, d.fail("signature mismatch")
		}
		d.done = d.size == 0 // the last chunk is empty
		d.prev, d.h = want, nil
		d.chunks++
	}
	return n, nil
}

func (d *chunkDecoder) fail(format string, args ...any) error {
	d.err = fmt.Errorf("chunk %d: "+format, append([]any{d.chunks}, args...)...)
	return d.err
}

// canonicalRequest returns the canonical request and the signed-header list
// of req, signing the host and every header in req.Header.
func canonicalRequest(req *http.Request, payloadHash string) (canonical, signedHeaders string) {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	values := map[string]string{"host": host}
	for name, vs := range req.Header {
		if strings.EqualFold(name, "Authorization") {
			continue
		}
		trimmed := make([]string, len(vs))
		for i, v := range vs {
			trimmed[i] = strings.Join(strings.Fields(v), " ")
		}
		values[strings.ToLower(name)] = strings.Join(trimmed, ",")
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	var hdrs strings.Builder
	for _, name := range names {
		hdrs.WriteString(name + ":" + values[name] + "\n")
	}
	signedHeaders = strings.Join(names, ";")

	path := req.URL.Path
	if path == "" {
		path = "/"
	}
	canonical = strings.Join([]string{
		req.Method,
		uriEncode(path, false),
		canonicalQuery(req.URL.RawQuery),
		hdrs.String(),
		signedHeaders,
		payloadHash,
	}, "\n")
	return canonical, signedHeaders
}

func canonicalQuery(raw string) string {
	q, _ := url.ParseQuery(raw)
	pairs := make([]string, 0, len(q))
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k, true)+"="+uriEncode(v, true))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// uriEncode percent-encodes everything but the unreserved characters, and
// '/' unless slash is set — S3's rule, which encodes the path only once.
func uriEncode(s string, slash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && !slash {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The checker's canonical request and signing key against AWS's examples:
// "get-vanilla" from the SigV4 test suite and the GetObject example of the
// S3 SigV4 documentation.
func TestSigV4CheckerVectors(t *testing.T) {
	tests := []struct {
		name, url            string
		header               map[string]string
		secret, region, date string
		service, amzDate     string
		wantSigned, wantSig  string
	}{
		{
			name: "get-vanilla", url: "https://example.amazonaws.com/",
			header: map[string]string{"X-Amz-Date": "20150830T123600Z"},
			secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", region: "us-east-1", service: "service",
			date: "20150830", amzDate: "20150830T123600Z",
			wantSigned: "host;x-amz-date",
			wantSig:    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
		},
		{
			name: "s3-get-object-range", url: "https://examplebucket.s3.amazonaws.com/test.txt",
			header: map[string]string{"Range": "bytes=0-9", "X-Amz-Content-Sha256": emptyPayloadHash, "X-Amz-Date": "20130524T000000Z"},
			secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1", service: "s3",
			date: "20130524", amzDate: "20130524T000000Z",
			wantSigned: "host;range;x-amz-content-sha256;x-amz-date",
			wantSig:    "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			canonical, signed := canonicalRequest(req, emptyPayloadHash)
			sum := sha256.Sum256([]byte(canonical))
			toSign := sigV4Algorithm + "\n" + tt.amzDate + "\n" + tt.date + "/" + tt.region + "/" + tt.service + "/aws4_request\n" + hex.EncodeToString(sum[:])
			sig := hex.EncodeToString(hmacSHA256(signingKey(tt.secret, tt.date, tt.region, tt.service), toSign))
			if signed != tt.wantSigned || sig != tt.wantSig {
				t.Errorf("signed %s, signature %s; want %s, %s\ncanonical request:\n%s", signed, sig, tt.wantSigned, tt.wantSig, canonical)
			}
		})
	}
}
