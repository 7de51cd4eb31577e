package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded CSS and JavaScript. Pages link them with a
// hash of their content (/static/app.css?v=1a2b3c4d), so a response may be
// cached for a year: a new build changes the link.
type staticFiles struct {
	files map[string]staticFile
}

type staticFile struct {
	body  []byte
	hash  string
	ctype string
}

func loadStatic() (*staticFiles, error) {
	st := &staticFiles{files: make(map[string]staticFile)}
	// Files in sub-directories (vendor/) are named by their path below static/.
	err := fs.WalkDir(staticFS, "static", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		st.files[strings.TrimPrefix(p, "static/")] = staticFile{body: body, hash: hex.EncodeToString(sum[:])[:12], ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// url is the link to a static file; templates call it as {{static "app.css"}}.
// An unknown name is a template bug, caught when the page is rendered.
func (st *staticFiles) url(name string) (string, error) {
	f, ok := st.files[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return "/static/" + name + "?v=" + f.hash, nil
}

func (st *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := st.files[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := `"` + f.hash + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if r.URL.Query().Get("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", f.ctype)
	w.Write(f.body)
}
