package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocal(t *testing.T) {
	testStore(t, suiteOptions{}, func(t *testing.T) Store {
		l, err := NewLocal(filepath.Join(t.TempDir(), "blobs"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { checkNoTempFiles(t, l.Dir()) })
		return l
	})
}

func TestLocalFileFormat(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	l, err := NewLocal(filepath.Join(parent, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Put(ctx, "x/y.wav", strings.NewReader("payload"), 7, "audio/wav"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(l.Dir(), "x", "y.wav"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != localHeaderSize+7 || !bytes.HasPrefix(b, []byte(localMagic)) || string(b[localHeaderSize:]) != "payload" {
		t.Errorf("file = %q", b)
	}
	if fi, err := os.Stat(filepath.Join(l.Dir(), "x", "y.wav")); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("recording readable by others: %v %v", fi.Mode(), err)
	}

	// A key running past a file (a file where a directory would be) is
	// simply not there. (The S3 test server answers 500 here, real S3 404.)
	for _, key := range []string{"x/y.wav/more", "x"} {
		if _, err := l.Stat(ctx, key); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stat(%q): %v, want ErrNotFound", key, err)
		}
		if err := l.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q): %v", key, err)
		}
	}
	if _, err := l.Stat(ctx, "x/y.wav"); err != nil {
		t.Errorf("Delete of a prefix removed the object: %v", err)
	}

	// Bad keys never reach the file system, in or out of the store.
	for _, key := range badKeys {
		l.Put(ctx, key, strings.NewReader("x"), 1, "")
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("files beside the store: %v", entries)
	}

	// A damaged file is an error, never wrong bytes.
	path := filepath.Join(l.Dir(), "x", "y.wav")
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("P"), localHeaderSize); err != nil { // "payload" -> "Payload"
		t.Fatal(err)
	}
	f.Close()
	rc, _, err := l.Get(ctx, "x/y.wav")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(rc); !errors.Is(err, ErrChecksum) {
		t.Errorf("reading a changed file: %v, want ErrChecksum", err)
	}
	rc.Close()
	if err := os.Truncate(path, localHeaderSize+3); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Get(ctx, "x/y.wav"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("Get of a truncated file: %v", err)
	}
	if err := os.WriteFile(path, []byte("not ours"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Stat(ctx, "x/y.wav"); err == nil {
		t.Error("Stat of a foreign file succeeded")
	}
}

func checkNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".put-") {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
}
