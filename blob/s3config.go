package blob

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// S3Config says how to reach an S3-compatible bucket.
type S3Config struct {
	Endpoint  string // scheme://host[:port], no path: "https://s3.example.com", "http://127.0.0.1:9000"
	Region    string // "us-east-1" when empty; MinIO accepts any
	Bucket    string
	AccessKey string
	SecretKey string
	// SessionToken goes with temporary credentials (AWS STS, Alibaba Cloud
	// STS and the like); empty for long-term keys.
	SessionToken string
	// VirtualHostStyle addresses bucket.host/key instead of host/bucket/key.
	// Path style is the default (the zero value) because most
	// S3-compatible servers support it and IP endpoints need it; Alibaba
	// Cloud OSS wants virtual-host style.
	VirtualHostStyle bool
	// AllowHTTP permits a plain-http endpoint that is not on loopback.
	// Recordings are confidential, so this is for trusted private networks.
	AllowHTTP bool
	// TempDir spools uploads while their SHA-256 is computed; "" is
	// os.TempDir().
	TempDir string
	// PartSize is the size of a multipart upload's parts, and the largest
	// object sent in a single request; 0 is DefaultPartSize. S3 wants at
	// least 5 MiB.
	PartSize uint64
	// Transport carries the requests; nil is minio-go's default transport
	// with a one-minute wait for response headers. Redirects are never
	// followed (a redirect would carry a signature for another host).
	Transport http.RoundTripper
}

// Validate checks c.
func (c S3Config) Validate() error {
	u, err := url.Parse(c.Endpoint)
	if err != nil {
		return fmt.Errorf("s3 endpoint %q: %w", c.Endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("s3 endpoint %q: want http:// or https://", c.Endpoint)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("s3 endpoint %q: missing host", c.Endpoint)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil || u.Fragment != "" {
		return fmt.Errorf("s3 endpoint %q: want scheme://host[:port] only", c.Endpoint)
	}
	if u.Scheme == "http" && !c.AllowHTTP && !isLoopbackHost(u.Hostname()) {
		return fmt.Errorf("s3 endpoint %q: plain http off loopback would expose recordings; use https or allow http explicitly", c.Endpoint)
	}
	if err := checkBucket(c.Bucket); err != nil {
		return err
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return errors.New("s3 access key and secret key are required")
	}
	if c.PartSize != 0 && c.PartSize < 5<<20 {
		return fmt.Errorf("s3 part size %d: want at least 5 MiB", c.PartSize)
	}
	if strings.ContainsAny(c.Region, "/ \n") {
		return fmt.Errorf("s3 region %q: bad character", c.Region)
	}
	return nil
}

// checkBucket applies S3's bucket naming rules, which also keep the name
// safe in a path or a host name.
func checkBucket(b string) error {
	if len(b) < 3 || len(b) > 63 {
		return fmt.Errorf("s3 bucket %q: want 3 to 63 characters", b)
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return fmt.Errorf("s3 bucket %q: only lowercase letters, digits, '-' and '.'", b)
		}
	}
	if b[0] == '-' || b[0] == '.' || b[len(b)-1] == '-' || b[len(b)-1] == '.' || strings.Contains(b, "..") {
		return fmt.Errorf("s3 bucket %q: bad name", b)
	}
	return nil
}

// S3ConfigFromEnv reads the HUIFANG_S3_* variables through getenv (os.Getenv
// in production). ok is false, with no error, when neither
// HUIFANG_S3_ENDPOINT nor HUIFANG_S3_BUCKET is set: recordings then stay in
// the local directory. HUIFANG_S3_SESSION_TOKEN goes with temporary
// credentials. HUIFANG_S3_ACCESS_KEY_FILE, HUIFANG_S3_SECRET_KEY_FILE and
// HUIFANG_S3_SESSION_TOKEN_FILE name files holding the credentials;
// HUIFANG_S3_VIRTUAL_HOST_STYLE=1 and HUIFANG_S3_ALLOW_HTTP=1 set the
// matching S3Config fields.
func S3ConfigFromEnv(getenv func(string) string) (c S3Config, ok bool, err error) {
	c.Endpoint = getenv("HUIFANG_S3_ENDPOINT")
	c.Bucket = getenv("HUIFANG_S3_BUCKET")
	if c.Endpoint == "" && c.Bucket == "" {
		return S3Config{}, false, nil
	}
	c.Region = getenv("HUIFANG_S3_REGION")
	if c.AccessKey, err = envSecret(getenv, "HUIFANG_S3_ACCESS_KEY"); err != nil {
		return S3Config{}, true, err
	}
	if c.SecretKey, err = envSecret(getenv, "HUIFANG_S3_SECRET_KEY"); err != nil {
		return S3Config{}, true, err
	}
	if c.SessionToken, err = envSecret(getenv, "HUIFANG_S3_SESSION_TOKEN"); err != nil {
		return S3Config{}, true, err
	}
	for name, field := range map[string]*bool{
		"HUIFANG_S3_VIRTUAL_HOST_STYLE": &c.VirtualHostStyle,
		"HUIFANG_S3_ALLOW_HTTP":         &c.AllowHTTP,
	} {
		switch s := getenv(name); s {
		case "", "0":
		case "1":
			*field = true
		default:
			return S3Config{}, true, fmt.Errorf("%s=%q: want 1 or 0", name, s)
		}
	}
	if err := c.Validate(); err != nil {
		return S3Config{}, true, fmt.Errorf("s3 configuration: %w", err)
	}
	return c, true, nil
}

// envSecret reads name, or the file named by name_FILE, but not both.
func envSecret(getenv func(string) string, name string) (string, error) {
	v, file := getenv(name), getenv(name+"_FILE")
	if file == "" {
		return v, nil
	}
	if v != "" {
		return "", fmt.Errorf("set %s or %s_FILE, not both", name, name)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	// Only the line end an editor or echo adds.
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("%s_FILE: %s is empty", name, file)
	}
	return s, nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
