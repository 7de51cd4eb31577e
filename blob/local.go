package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Each Local file is a fixed-size header followed by the object's bytes.
// Keeping the metadata in the same file as the data means one rename
// replaces both, so there is no window in which they disagree and no
// sidecar to lose. The header is padded JSON after a magic line, readable
// with head(1).
const (
	localMagic      = "huifang-blob 1\n"
	localHeaderSize = 512
)

type localHeader struct {
	ContentType string `json:"content_type"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
}

// Local is a Store in a directory of the local file system: key "a/b.wav"
// is the file dir/a/b.wav. Writes go to a temporary file in the target's
// directory, are fsynced and then renamed into place.
type Local struct {
	root string
}

var _ Store = (*Local)(nil)

// NewLocal opens (creating if needed) a store in dir.
func NewLocal(dir string) (*Local, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: local dir %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("blob: local dir: %w", err)
	}
	return &Local{root: abs}, nil
}

// Dir returns the store's directory.
func (l *Local) Dir() string { return l.root }

func (l *Local) path(key string) string {
	return filepath.Join(l.root, filepath.FromSlash(key))
}

// Put implements Store.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (Info, error) {
	if err := CheckKey(key); err != nil {
		return Info{}, err
	}
	ct, err := checkContentType(contentType)
	if err != nil {
		return Info{}, err
	}
	path := l.path(key)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	// The dot prefix keeps temporary names out of the key space (CheckKey).
	f, err := os.CreateTemp(dir, ".put-*")
	if err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	renamed := false
	defer func() {
		if !renamed {
			f.Close()
			os.Remove(f.Name())
		}
	}()

	if _, err := f.Seek(localHeaderSize, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	src := io.Reader(ctxReader{ctx, r})
	if size >= 0 {
		src = io.LimitReader(src, size+1) // one byte more reveals a long body without reading it all
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), src)
	if err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	if size >= 0 && n != size {
		return Info{}, fmt.Errorf("%w: put %s: got %d bytes or more, want %d", ErrSizeMismatch, key, n, size)
	}
	hdr := localHeader{ContentType: ct, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	b, err := encodeLocalHeader(hdr)
	if err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err := f.Sync(); err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	renamed = true
	// The rename is durable only once the directory entry is.
	if err := syncDir(dir); err != nil {
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	return Info{Key: key, Size: n, ContentType: ct, SHA256: hdr.SHA256, Modified: fi.ModTime().UTC()}, nil
}

// Get implements Store.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	f, info, err := l.open(key)
	if err != nil {
		return nil, Info{}, err
	}
	return readCloser{newVerifier(key, io.LimitReader(f, info.Size), info.SHA256), f}, info, nil
}

// GetRange implements Store.
func (l *Local) GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, Info, error) {
	f, info, err := l.open(key)
	if err != nil {
		return nil, Info{}, err
	}
	n, err := span(info.Size, offset, length)
	if err != nil {
		f.Close()
		return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, err)
	}
	if _, err := f.Seek(localHeaderSize+offset, io.SeekStart); err != nil {
		f.Close()
		return nil, Info{}, fmt.Errorf("blob: get %s: %w", key, err)
	}
	return readCloser{io.LimitReader(f, n), f}, info, nil
}

// Stat implements Store.
func (l *Local) Stat(ctx context.Context, key string) (Info, error) {
	f, info, err := l.open(key)
	if err != nil {
		return Info{}, err
	}
	f.Close()
	return info, nil
}

// Delete implements Store.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	path := l.path(key)
	fi, err := os.Lstat(path)
	if isNotExist(err) || err == nil && fi.IsDir() {
		return nil // a directory holds other keys; this key has no object
	}
	if err != nil {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	if err := os.Remove(path); err != nil && !isNotExist(err) {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	return nil
}

// open opens key's file positioned at the first byte of the object.
func (l *Local) open(key string) (*os.File, Info, error) {
	if err := CheckKey(key); err != nil {
		return nil, Info{}, err
	}
	f, err := os.Open(l.path(key))
	if isNotExist(err) {
		return nil, Info{}, fmt.Errorf("%w: %s", ErrNotFound, key)
	} else if err != nil {
		return nil, Info{}, fmt.Errorf("blob: open %s: %w", key, err)
	}
	info, err := readLocalHeader(f, key)
	if err != nil {
		f.Close()
		return nil, Info{}, err
	}
	return f, info, nil
}

func readLocalHeader(f *os.File, key string) (Info, error) {
	fi, err := f.Stat()
	if err != nil {
		return Info{}, fmt.Errorf("blob: open %s: %w", key, err)
	}
	if fi.IsDir() {
		return Info{}, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	b := make([]byte, localHeaderSize)
	if _, err := io.ReadFull(f, b); err != nil {
		return Info{}, fmt.Errorf("blob: open %s: corrupt header: %w", key, err)
	}
	rest, ok := bytes.CutPrefix(b, []byte(localMagic))
	if !ok {
		return Info{}, fmt.Errorf("blob: open %s: not a blob file", key)
	}
	var hdr localHeader
	if err := json.Unmarshal(bytes.TrimSpace(rest), &hdr); err != nil {
		return Info{}, fmt.Errorf("blob: open %s: corrupt header: %w", key, err)
	}
	if got := fi.Size() - localHeaderSize; got != hdr.Size {
		return Info{}, fmt.Errorf("blob: open %s: file holds %d bytes, header says %d", key, got, hdr.Size)
	}
	return Info{Key: key, Size: hdr.Size, ContentType: hdr.ContentType, SHA256: hdr.SHA256, Modified: fi.ModTime().UTC()}, nil
}

func encodeLocalHeader(hdr localHeader) ([]byte, error) {
	j, err := json.Marshal(hdr)
	if err != nil {
		return nil, err
	}
	b := append([]byte(localMagic), j...)
	if len(b) >= localHeaderSize {
		return nil, errors.New("metadata too long")
	}
	b = append(b, bytes.Repeat([]byte{' '}, localHeaderSize-1-len(b))...)
	return append(b, '\n'), nil
}

// isNotExist also counts "a/b" where "a" is a file: no object is there.
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
