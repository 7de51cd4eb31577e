package blob

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The expected values are AWS's own: "get-vanilla" from the SigV4 test suite
// and the GetObject example of the S3 SigV4 documentation.
func TestSignV4Vectors(t *testing.T) {
	tests := []struct {
		name, url                 string
		header                    map[string]string
		access, secret, region    string
		service, payload          string
		at                        time.Time
		wantSigned, wantSignature string
	}{
		{
			name:   "get-vanilla",
			url:    "https://example.amazonaws.com/",
			access: "AKIDEXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
			region: "us-east-1", service: "service", payload: emptyPayloadHash,
			at:            time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC),
			wantSigned:    "host;x-amz-date",
			wantSignature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
		},
		{
			name:   "s3-get-object-range",
			url:    "https://examplebucket.s3.amazonaws.com/test.txt",
			header: map[string]string{"Range": "bytes=0-9", "X-Amz-Content-Sha256": emptyPayloadHash},
			access: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
			region: "us-east-1", service: "s3", payload: emptyPayloadHash,
			at:            time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC),
			wantSigned:    "host;range;x-amz-content-sha256;x-amz-date",
			wantSignature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
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
			signV4(req, tt.access, tt.secret, tt.region, tt.service, tt.payload, tt.at)
			want := "AWS4-HMAC-SHA256 Credential=" + tt.access + "/" + tt.at.Format("20060102") + "/" + tt.region + "/" + tt.service +
				"/aws4_request, SignedHeaders=" + tt.wantSigned + ", Signature=" + tt.wantSignature
			if got := req.Header.Get("Authorization"); got != want {
				canonical, _ := canonicalRequest(req, tt.payload)
				t.Errorf("Authorization:\n got %s\nwant %s\ncanonical request:\n%s", got, want, canonical)
			}
			if got := req.Header.Get("X-Amz-Date"); got != tt.at.Format(amzDateFormat) {
				t.Errorf("X-Amz-Date = %q", got)
			}
		})
	}
}

func TestURIEncode(t *testing.T) {
	for in, want := range map[string]string{
		"rec/2026/a-b_c.d~e": "rec/2026/a-b_c.d~e",
		"a b/ü+":             "a%20b/%C3%BC%2B",
	} {
		if got := uriEncode(in, false); got != want {
			t.Errorf("uriEncode(%q) = %q, want %q", in, got, want)
		}
	}
	if got := uriEncode("a/b=c", true); got != "a%2Fb%3Dc" {
		t.Errorf("uriEncode with slash = %q", got)
	}
	if got := canonicalQuery("b=2&a=1&a=0"); !strings.HasPrefix(got, "a=0&a=1&b=2") {
		t.Errorf("canonicalQuery = %q", got)
	}
}
