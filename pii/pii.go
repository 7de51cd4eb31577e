// Package pii protects personal information (DOMAIN.md §10): phone and ID
// numbers are encrypted at rest with AES-256-GCM, a keyed hash (HMAC-SHA256)
// stands beside them for equality look-ups, and they are shown masked.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"os"
	"strings"
	"sync"
)

// KeySize is the length of a master key in bytes.
const KeySize = 32

// prefix marks the key generation, so keys can be rotated later.
const prefix = "v1:"

// Box encrypts, decrypts and hashes personal data with one master key. It is
// safe for concurrent use.
type Box struct {
	aead    cipher.AEAD
	hashKey []byte
	check   string
	macs    sync.Pool // of hash.Hash: HMAC states keyed with hashKey

	mu     sync.Mutex
	random []byte // buffered output of crypto/rand, for nonces
}

// New derives the encryption and hashing keys from a 32-byte master key.
func New(master []byte) (*Box, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("pii key must be %d bytes, got %d", KeySize, len(master))
	}
	encKey := derive(master, "huifang pii encryption v1")
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	b := &Box{aead: aead, hashKey: derive(master, "huifang pii lookup hash v1"),
		check: base64.RawStdEncoding.EncodeToString(derive(master, "huifang pii key check v1"))}
	b.macs.New = func() any { return hmac.New(sha256.New, b.hashKey) }
	return b, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Check is the key's check value: an HMAC-SHA256 of a fixed text under the
// master key. A database keeps it to refuse any other key; like every HMAC
// output it tells nothing of the key, and it is derived apart from the
// encryption and hashing keys.
func (b *Box) Check() string { return b.check }

// SameCheck compares two check values in constant time.
func SameCheck(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// NewKey returns a fresh random master key, base64-encoded as key files hold it.
func NewKey() string {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.StdEncoding.EncodeToString(b)
}

// ParseKey decodes a base64 master key (surrounding white space ignored).
func ParseKey(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("pii key is not valid base64")
	}
	if len(b) != KeySize {
		return nil, fmt.Errorf("pii key must decode to %d bytes, got %d", KeySize, len(b))
	}
	return b, nil
}

// LoadKey reads a base64 key from a file.
func LoadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read pii key: %w", err)
	}
	return ParseKey(string(b))
}

// Seal encrypts s; the empty string stays empty.
func (b *Box) Seal(s string) string {
	if s == "" {
		return ""
	}
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(s)+b.aead.Overhead())
	b.fillRandom(nonce)
	out := b.aead.Seal(nonce, nonce, []byte(s), nil)
	return prefix + base64.RawStdEncoding.EncodeToString(out)
}

// fillRandom fills p from crypto/rand, read 4 KiB at a time: a random nonce
// per value, without a system call per value when a million are sealed.
func (b *Box) fillRandom(p []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.random) < len(p) {
		b.random = make([]byte, 4096)
		if _, err := rand.Read(b.random); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
	}
	copy(p, b.random)
	clear(b.random[:len(p)]) // never hand out the same bytes twice
	b.random = b.random[len(p):]
}

// Open decrypts what Seal produced.
func (b *Box) Open(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if !strings.HasPrefix(s, prefix) {
		return "", errors.New("pii: unknown ciphertext version")
	}
	raw, err := base64.RawStdEncoding.DecodeString(s[len(prefix):])
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", errors.New("pii: malformed ciphertext")
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("pii: cannot decrypt (wrong key?)")
	}
	return string(plain), nil
}

// Hash is the keyed hash used for equality look-ups; the empty string hashes to "".
func (b *Box) Hash(s string) string {
	if s == "" {
		return ""
	}
	m := b.macs.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(s))
	var sum [sha256.Size]byte
	out := base64.RawStdEncoding.EncodeToString(m.Sum(sum[:0])[:16])
	b.macs.Put(m)
	return out
}

// MaskPhone shows a mobile number as 138****5678.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) < 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// MaskID shows an ID number as 1101**********1234.
func MaskID(s string) string {
	r := []rune(s)
	if len(r) < 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

// MaskName keeps the family name: 张** .
func MaskName(s string) string {
	r := []rune(s)
	if len(r) <= 1 {
		return s
	}
	return string(r[:1]) + strings.Repeat("*", len(r)-1)
}
