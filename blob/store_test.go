package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// suiteOptions says what a store's test set-up cannot promise.
type suiteOptions struct {
	// nonAtomicReplace: the server rewrites an object in place, so a read
	// overlapping a replacement may fail. It must still never succeed with
	// bytes that do not match its Info. (Local and real S3 replace atomically;
	// the gofakes3 test server does not.)
	nonAtomicReplace bool
}

// testStore is the conformance suite every Store must pass. newStore gives
// each subtest an empty store of its own.
func testStore(t *testing.T, opts suiteOptions, newStore func(t *testing.T) Store) {
	ctx := context.Background()

	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		data := []byte("RIFF....WAVEfmt a short recording")
		before := time.Now().Add(-time.Minute)
		put, err := s.Put(ctx, "rec/2026/07/attempt-1.wav", bytes.NewReader(data), int64(len(data)), "audio/wav")
		if err != nil {
			t.Fatal(err)
		}
		want := Info{Key: "rec/2026/07/attempt-1.wav", Size: int64(len(data)), ContentType: "audio/wav", SHA256: sha(data)}
		checkInfo(t, "Put", put, want, before)

		rc, got, err := s.Get(ctx, want.Key)
		if err != nil {
			t.Fatal(err)
		}
		checkInfo(t, "Get", got, want, before)
		if b := readAll(t, rc); !bytes.Equal(b, data) {
			t.Errorf("Get = %q, want %q", b, data)
		}
		st, err := s.Stat(ctx, want.Key)
		if err != nil {
			t.Fatal(err)
		}
		checkInfo(t, "Stat", st, want, before)

		// Replacing the object replaces data and metadata together.
		data2 := []byte("ID3 an mp3 now")
		if _, err := s.Put(ctx, want.Key, bytes.NewReader(data2), -1, "audio/mpeg"); err != nil {
			t.Fatal(err)
		}
		rc, got, err = s.Get(ctx, want.Key)
		if err != nil {
			t.Fatal(err)
		}
		if b := readAll(t, rc); !bytes.Equal(b, data2) || got.SHA256 != sha(data2) || got.ContentType != "audio/mpeg" || got.Size != int64(len(data2)) {
			t.Errorf("after replace: %q %+v", b, got)
		}
	})

	t.Run("DefaultContentType", func(t *testing.T) {
		s := newStore(t)
		info, err := s.Put(ctx, "a.amr", strings.NewReader("#!AMR\n"), -1, "")
		if err != nil {
			t.Fatal(err)
		}
		if st, err := s.Stat(ctx, "a.amr"); err != nil || info.ContentType != DefaultContentType || st.ContentType != DefaultContentType {
			t.Errorf("content type: put %q, stat %q, %v", info.ContentType, st.ContentType, err)
		}
		if _, err := s.Put(ctx, "b.amr", strings.NewReader("x"), 1, "audio/amr\r\nX-Evil: 1"); err == nil {
			t.Error("content type with CRLF accepted")
		}
	})

	t.Run("Empty", func(t *testing.T) {
		s := newStore(t)
		info, err := s.Put(ctx, "empty.ogg", strings.NewReader(""), 0, "audio/ogg")
		if err != nil {
			t.Fatal(err)
		}
		if info.Size != 0 || info.SHA256 != emptyPayloadHash {
			t.Errorf("Put empty = %+v", info)
		}
		rc, info, err := s.Get(ctx, "empty.ogg")
		if err != nil {
			t.Fatal(err)
		}
		if b := readAll(t, rc); len(b) != 0 || info.Size != 0 || info.SHA256 != emptyPayloadHash {
			t.Errorf("Get empty = %q %+v", b, info)
		}
		if _, _, err := s.GetRange(ctx, "empty.ogg", 0, 1); !errors.Is(err, ErrInvalidRange) {
			t.Errorf("GetRange on empty object: %v, want ErrInvalidRange", err)
		}
	})

	t.Run("Range", func(t *testing.T) {
		s := newStore(t)
		data := make([]byte, 100)
		for i := range data {
			data[i] = byte(i)
		}
		if _, err := s.Put(ctx, "r.wav", bytes.NewReader(data), 100, "audio/wav"); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			offset, length int64
			want           []byte // nil: ErrInvalidRange
		}{
			{0, 10, data[:10]},
			{45, 10, data[45:55]},
			{90, 10, data[90:]},
			{99, 1, data[99:]},
			{95, 10, data[95:]}, // past the end: cut short
			{10, -1, data[10:]}, // to the end
			{0, 1000, data},     // longer than the object
			{100, 1, nil},       // starts at the end
			{150, 10, nil},      // starts past the end
			{-1, 5, nil},        // negative offset
			{0, 0, nil},         // empty range
		}
		for _, tt := range tests {
			rc, info, err := s.GetRange(ctx, "r.wav", tt.offset, tt.length)
			if tt.want == nil {
				if !errors.Is(err, ErrInvalidRange) {
					t.Errorf("GetRange(%d, %d): %v, want ErrInvalidRange", tt.offset, tt.length, err)
				}
				if err == nil {
					rc.Close()
				}
				continue
			}
			if err != nil {
				t.Errorf("GetRange(%d, %d): %v", tt.offset, tt.length, err)
				continue
			}
			if b := readAll(t, rc); !bytes.Equal(b, tt.want) {
				t.Errorf("GetRange(%d, %d) = %v, want %v", tt.offset, tt.length, b, tt.want)
			}
			if info.Size != 100 || info.SHA256 != sha(data) || info.ContentType != "audio/wav" {
				t.Errorf("GetRange(%d, %d) info = %+v, want the whole object's", tt.offset, tt.length, info)
			}
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		if _, _, err := s.Get(ctx, "no/such.wav"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get: %v", err)
		}
		if _, _, err := s.GetRange(ctx, "no/such.wav", 0, 10); !errors.Is(err, ErrNotFound) {
			t.Errorf("GetRange: %v", err)
		}
		if _, err := s.Stat(ctx, "no/such.wav"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stat: %v", err)
		}
		if err := s.Delete(ctx, "no/such.wav"); err != nil {
			t.Errorf("Delete of a missing key: %v, want nil", err)
		}
		// A prefix of a key is not a key.
		if _, err := s.Put(ctx, "dir/file.wav", strings.NewReader("x"), 1, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Stat(ctx, "dir"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stat(%q): %v, want ErrNotFound", "dir", err)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Put(ctx, "d.wav", strings.NewReader("abc"), 3, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, "d.wav"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Stat(ctx, "d.wav"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stat after Delete: %v", err)
		}
		if err := s.Delete(ctx, "d.wav"); err != nil {
			t.Errorf("second Delete: %v", err)
		}
		if _, err := s.Put(ctx, "d.wav", strings.NewReader("again"), 5, ""); err != nil {
			t.Errorf("Put after Delete: %v", err)
		}
	})

	t.Run("BadKeys", func(t *testing.T) {
		s := newStore(t)
		for _, key := range badKeys {
			if _, err := s.Put(ctx, key, strings.NewReader("x"), 1, ""); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Put(%q): %v", key, err)
			}
			if _, _, err := s.Get(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Get(%q): %v", key, err)
			}
			if _, _, err := s.GetRange(ctx, key, 0, 1); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("GetRange(%q): %v", key, err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Stat(%q): %v", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Delete(%q): %v", key, err)
			}
		}
	})

	t.Run("SizeMismatch", func(t *testing.T) {
		s := newStore(t)
		for _, body := range []string{"short", "much longer than ten"} {
			if _, err := s.Put(ctx, "m.wav", strings.NewReader(body), 10, ""); !errors.Is(err, ErrSizeMismatch) {
				t.Errorf("Put %d bytes declared as 10: %v", len(body), err)
			}
		}
		if _, err := s.Stat(ctx, "m.wav"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a refused Put left an object: %v", err)
		}
	})

	t.Run("Canceled", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Put(cctx, "c.wav", strings.NewReader("abc"), 3, ""); !errors.Is(err, context.Canceled) {
			t.Errorf("Put with a canceled context: %v", err)
		}
		if _, err := s.Stat(ctx, "c.wav"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a canceled Put left an object: %v", err)
		}
	})

	t.Run("ConcurrentPuts", func(t *testing.T) {
		s := newStore(t)
		const n = 16
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				data := bytes.Repeat([]byte{byte(i)}, 10_000+i)
				if _, err := s.Put(ctx, fmt.Sprintf("c/%02d.wav", i), bytes.NewReader(data), int64(len(data)), "audio/wav"); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for i := range n {
			data := bytes.Repeat([]byte{byte(i)}, 10_000+i)
			rc, info, err := s.Get(ctx, fmt.Sprintf("c/%02d.wav", i))
			if err != nil {
				t.Fatal(err)
			}
			if b := readAll(t, rc); !bytes.Equal(b, data) || info.SHA256 != sha(data) {
				t.Errorf("object %d: %d bytes, info %+v", i, len(b), info)
			}
		}
	})

	t.Run("ReadersSeeWholeObjects", func(t *testing.T) {
		s := newStore(t)
		versions := [][]byte{bytes.Repeat([]byte("a"), 200_000), bytes.Repeat([]byte("b"), 100_000)}
		if _, err := s.Put(ctx, "w.wav", bytes.NewReader(versions[0]), -1, ""); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		done := make(chan struct{})
		wg.Go(func() {
			defer close(done)
			for i := range 20 {
				v := versions[i%2]
				if _, err := s.Put(ctx, "w.wav", bytes.NewReader(v), int64(len(v)), ""); err != nil {
					t.Error(err)
					return
				}
			}
		})
		for range 4 {
			wg.Go(func() {
				for {
					select {
					case <-done:
						return
					default:
					}
					rc, info, err := s.Get(ctx, "w.wav")
					if err != nil && opts.nonAtomicReplace {
						continue
					} else if err != nil {
						t.Error(err)
						return
					}
					b, err := io.ReadAll(rc)
					rc.Close()
					if err != nil && opts.nonAtomicReplace {
						continue
					} else if err != nil {
						t.Error(err)
						return
					}
					if sha(b) != info.SHA256 || int64(len(b)) != info.Size {
						t.Errorf("read %d bytes with sha %s; info says %d bytes, %s", len(b), sha(b), info.Size, info.SHA256)
						return
					}
				}
			})
		}
		wg.Wait()
	})

	t.Run("Large", func(t *testing.T) {
		s := newStore(t)
		const size = 20 << 20
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)

		h := sha256.New()
		src := io.TeeReader(io.LimitReader(rand.NewChaCha8([32]byte{1}), size), h)
		info, err := s.Put(ctx, "big/recording.wav", src, size, "audio/wav")
		if err != nil {
			t.Fatal(err)
		}
		want := hex.EncodeToString(h.Sum(nil))
		if info.Size != size || info.SHA256 != want {
			t.Fatalf("Put = %+v, want sha %s", info, want)
		}
		rc, _, err := s.Get(ctx, "big/recording.wav")
		if err != nil {
			t.Fatal(err)
		}
		h.Reset()
		n, err := io.Copy(h, rc)
		rc.Close()
		if err != nil || n != size || hex.EncodeToString(h.Sum(nil)) != want {
			t.Fatalf("Get: %d bytes, %v, sha match %v", n, err, hex.EncodeToString(h.Sum(nil)) == want)
		}
		rc, _, err = s.GetRange(ctx, "big/recording.wav", size-1000, 5000)
		if err != nil {
			t.Fatal(err)
		}
		if b := readAll(t, rc); len(b) != 1000 {
			t.Errorf("GetRange at the end: %d bytes", len(b))
		}

		runtime.ReadMemStats(&m1)
		// Everything allocated while 20 MB went in and out, by the client and
		// (for S3) the in-process server: far below the object's size.
		alloc := m1.TotalAlloc - m0.TotalAlloc
		t.Logf("allocated %.1f MB moving a %d MB object in and out", float64(alloc)/(1<<20), size>>20)
		if alloc > 8<<20 {
			t.Errorf("allocated %d bytes for a %d-byte object: something buffers it whole", alloc, size)
		}
	})
}

var badKeys = []string{
	"", "/abs.wav", "../up.wav", "a/../../up.wav", "a/..", "..", ".", "./a.wav",
	"a//b.wav", "a/", ".hidden", "a/.put-123", "a b.wav", `a\b.wav`, "a%2e%2e/b",
	"ü.wav", "a\x00b", "a:b", "a?b", "a#b", strings.Repeat("a", MaxKeyLength+1),
}

func checkInfo(t *testing.T, op string, got, want Info, after time.Time) {
	t.Helper()
	if got.Key != want.Key || got.Size != want.Size || got.ContentType != want.ContentType || got.SHA256 != want.SHA256 {
		t.Errorf("%s info = %+v, want %+v", op, got, want)
	}
	if got.Modified.Before(after) || got.Modified.After(time.Now().Add(time.Minute)) {
		t.Errorf("%s modified %v, want about now", op, got.Modified)
	}
}

func readAll(t *testing.T, rc io.ReadCloser) []byte {
	t.Helper()
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestCheckKey(t *testing.T) {
	for _, key := range []string{"a", "rec/2026/07/01/attempt-42.wav", "A_b-c.d/e.f.g", strings.Repeat("a", MaxKeyLength)} {
		if err := CheckKey(key); err != nil {
			t.Errorf("CheckKey(%q): %v", key, err)
		}
	}
	for _, key := range badKeys {
		if err := CheckKey(key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("CheckKey(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
}
