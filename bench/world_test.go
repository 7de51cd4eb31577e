package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/store"
)

// worldEngines are SQLite and, when HUIFANG_TEST_POSTGRES names a server,
// PostgreSQL.
func worldEngines(t *testing.T) ([]store.Engine, string) {
	engines := []store.Engine{store.SQLite}
	pg := os.Getenv("HUIFANG_TEST_POSTGRES")
	if pg != "" {
		engines = append(engines, store.Postgres)
	} else {
		t.Log("PostgreSQL half skipped: set HUIFANG_TEST_POSTGRES=postgres://... to run it")
	}
	return engines, pg
}

// TestPages builds a tiny world and times every request of PageRequests
// through the HTTP server (in process): each answers 200, except the
// cursor walk, which may say the list has no cursor yet.
func TestPages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a world")
	}
	engines, pg := worldEngines(t)
	for _, eng := range engines {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			e := Env{Engine: eng, Postgres: pg, Dir: t.TempDir()}
			w, cleanup, err := BuildWorld(ctx, e, WorldOptions{Policies: 400, Operators: 3})
			if err != nil {
				t.Fatal(err)
			}
			defer cleanup()
			if w.RecordRows == 0 || w.ImportSeconds <= 0 || w.RecordSeconds <= 0 {
				t.Fatalf("world %+v", w)
			}
			ts, err := Pages(ctx, e, w, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != len(PageRequests) {
				t.Fatalf("%d timings for %d requests", len(ts), len(PageRequests))
			}
			for _, x := range ts {
				if x.Kind == "cursor" && len(x.Runs) == 0 && strings.Contains(x.Note, "no cursor") {
					continue
				}
				if len(x.Runs) == 0 || (x.Status != 0 && x.Status != 200) {
					t.Errorf("%s: %+v", x.Name, x)
				}
			}
			t.Log("\n" + PagesTable(w, ts))
		})
	}
}

// TestLoad runs a tiny world under load for a few seconds, an import
// beside it: every kind of request is made and reported, operators finish
// callbacks, and nothing times out.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a world")
	}
	engines, pg := worldEngines(t)
	for _, eng := range engines {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			e := Env{Engine: eng, Postgres: pg, Dir: t.TempDir()}
			w, cleanup, err := BuildWorld(ctx, e, WorldOptions{Policies: 400, Operators: 3})
			if err != nil {
				t.Fatal(err)
			}
			defer cleanup()
			// SQLite imports through the upload, PostgreSQL with `huifang import` beside.
			r, err := Load(ctx, e, w, LoadOptions{Operators: 3, Managers: 2, Lists: 2, Supervisors: 1, Duration: 3 * time.Second, Import: true, Upload: eng == store.SQLite})
			if err != nil {
				t.Fatal(err)
			}
			t.Log("\n" + LoadTable(w, r))
			if len(r.Kinds) != len(LoadKinds) {
				t.Fatalf("%d kinds reported, want %d", len(r.Kinds), len(LoadKinds))
			}
			for _, k := range r.Kinds {
				if k.OK == 0 || k.Timeouts != 0 || k.Failures != 0 {
					t.Errorf("%s: %+v", k.Kind, k)
				}
			}
		})
	}
}

// TestPageCursor: the cursor of the next page is found under any of the
// names a keyset list may use, and none in an offset list.
func TestPageCursor(t *testing.T) {
	for body, want := range map[string]string{
		`{"total": 3, "callbacks": [{"id": 1}]}`:                   "",
		`{"callbacks": [], "next_cursor": "abc"}`:                  "abc",
		`{"callbacks": [], "next_cursor": ""}`:                     "",
		`{"callbacks": [], "next": "eyJpZCI6NX0"}`:                 "eyJpZCI6NX0",
		`{"callbacks": [], "cursor": 12345}`:                       "12345",
		`{"callbacks": [], "after": "2026-01-01|7"}`:               "2026-01-01|7",
		`{"callbacks": [], "page": {"next_cursor": "p2"}}`:         "p2",
		`{"callbacks": [], "next_cursor": null, "next": "second"}`: "second",
		`not json`: "",
	} {
		if got := FindCursor([]byte(body)); got != want {
			t.Errorf("FindCursor(%s) = %q, want %q", body, got, want)
		}
	}
}

// TestPageCursorWalk walks a keyset list: the walk passes each answer's cursor
// back as cursor= until it reaches the middle, then times the page there.
func TestPageCursorWalk(t *testing.T) {
	const total = 2000
	var asked []string
	ts := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			rw.WriteHeader(http.StatusUnauthorized)
			return
		}
		asked = append(asked, r.URL.RawQuery)
		from, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var rows []map[string]int
		for i := from; i < min(from+limit, total); i++ {
			rows = append(rows, map[string]int{"id": i})
		}
		next := ""
		if from+limit < total {
			next = strconv.Itoa(from + limit)
		}
		json.NewEncoder(rw).Encode(map[string]any{"callbacks": rows, "next_cursor": next})
	}))
	defer ts.Close()
	a := &asker{c: newClient(time.Minute, 2), base: ts.URL, tokens: map[string]string{"mgr": "tok"}}
	var pt PageTiming
	if err := pageByCursor(context.Background(), a, &World{Policies: total}, &pt, 2); err != nil {
		t.Fatal(err)
	}
	// Two pages of 500 reach the middle (1,000); the page there is asked twice.
	want := []string{"limit=500", "limit=500&cursor=500", "limit=100&cursor=1000", "limit=100&cursor=1000"}
	if strings.Join(asked, " ") != strings.Join(want, " ") || len(pt.Runs) != 2 || pt.Status != 200 {
		t.Fatalf("asked %q, timing %+v", asked, pt)
	}
}

// TestNextLink: a list page's 下一页 link is found and unescaped; a last
// page has none.
func TestNextLink(t *testing.T) {
	page := `<a class="btn" href="/callbacks?status=open&amp;cursor=v1.abc" rel="next" id="list-next">下一页</a>`
	if got := nextLink([]byte(page)); got != "/callbacks?status=open&cursor=v1.abc" {
		t.Errorf("nextLink = %q", got)
	}
	if got := nextLink([]byte(`<a href="/callbacks" id="list-first">第一页</a>`)); got != "" {
		t.Errorf("nextLink of a last page = %q", got)
	}
}
