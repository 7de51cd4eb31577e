package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/importer"
)

// PageRequest is one row of the table issue 15 measured: a request a
// person makes, timed through the HTTP server on a world.
type PageRequest struct {
	Name string // the row, as the table says it
	// As is who asks: "mgr" (the insurer's manager) or "sup" (the
	// regulator's supervisor) on the web with their session, "api" with the
	// manager's API token.
	As string
	// Path is the request, with {year}, {from} and {to} (the world's year
	// and its first and last day) and {deep} (the middle of the list: half
	// the world's policies) filled in.
	Path string
	// Kind is how it is timed: "get" (the whole answer), "cursor" (the API
	// list walked by its cursor to {deep}, then the page there), "export"
	// (a fresh server: the whole file, its first byte and the server's peak
	// RSS), "import" and "records" (measured when the world was built),
	// "reimport" (the world's policy file imported again, unchanged).
	Kind string
}

// PageRequests are the requests `huifang bench --what pages` times, in the
// order of the table; docs/performance.md and the tests share it.
var PageRequests = []PageRequest{
	{"drill-down by agent, a year", "mgr", "/dashboard?period={year}&dim=seller&channel=agency", "get"},
	{"drill-down by outlet, a year", "mgr", "/dashboard?period={year}&dim=seller&channel=bancassurance", "get"},
	{"callbacks behind a figure (outcome=due, a year)", "mgr", "/callbacks?outcome=due&due_from={from}&due_to={to}", "get"},
	{"callback list, overdue=1", "mgr", "/callbacks?overdue=1", "get"},
	{"API list at a deep offset", "api", "/api/v1/callbacks?limit=100&offset={deep}", "get"},
	{"API list at a deep position by cursor", "api", "/api/v1/callbacks?limit=100", "cursor"},
	{"callback list, status + channel + due filter", "mgr", "/callbacks?status=open&channel=agency&due_from={from}&due_to={to}", "get"},
	{"dashboard, a year", "mgr", "/dashboard?period={year}", "get"},
	{"supervisor's dashboard, a year", "sup", "/dashboard?period={year}&org=BENCH", "get"},
	{"supervisor's dashboard of companies, a year", "sup", "/dashboard?period={year}", "get"},
	{"export XLSX, whole company", "mgr", "/export/callbacks?format=xlsx", "export"},
	{"fresh policy import", "", "", "import"},
	{"policy re-import of the unchanged file", "", "", "reimport"},
	{"callback-record import", "", "", "records"},
}

// PageTiming is one request's figures.
type PageTiming struct {
	PageRequest
	URL       string // the path as asked
	Runs      []time.Duration
	Median    time.Duration
	Status    int
	Bytes     int64
	FirstByte time.Duration // exports: the median time to the first byte of the body
	PeakMiB   float64       // exports: serve's peak RSS; imports: the importer's
	Rows      int           // imports: rows in the file
	Note      string        // why a request has no figure, or what it measured besides
}

func (w *World) expand(path string) string {
	return strings.NewReplacer("{year}", strconv.Itoa(w.Year), "{from}", fmt.Sprintf("%d-01-01", w.Year), "{to}", fmt.Sprintf("%d-12-31", w.Year),
		"{deep}", strconv.Itoa(w.Policies/2)).Replace(path)
}

// asker sends a world's requests as one of its users.
type asker struct {
	c       *http.Client
	base    string
	cookies map[string][]*http.Cookie
	tokens  map[string]string
}

func (a *asker) request(ctx context.Context, method, as, path string, body io.Reader) *http.Request {
	req, _ := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if as == "api" {
		as = "mgr"
	}
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+a.tokens[as])
	} else {
		for _, c := range a.cookies[as] {
			req.AddCookie(c)
		}
	}
	return req
}

// fetched is one answer, read to its end.
type fetched struct {
	status    int
	retry     time.Duration // a 503's Retry-After
	bytes     int64
	firstByte time.Duration
	took      time.Duration
	body      []byte // kept when asked
}

func (a *asker) fetch(req *http.Request, keep bool) (fetched, error) {
	var f fetched
	start := time.Now()
	resp, err := a.c.Do(req)
	if err != nil {
		f.took = time.Since(start)
		return f, err
	}
	defer resp.Body.Close()
	f.status = resp.StatusCode
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		f.retry = time.Duration(s) * time.Second
	}
	var buf bytes.Buffer
	var dst io.Writer = io.Discard
	if keep {
		dst = &buf
	}
	one := make([]byte, 1)
	n, err := io.ReadFull(resp.Body, one)
	f.firstByte = time.Since(start)
	if n == 1 {
		dst.Write(one)
		m, err2 := io.Copy(dst, resp.Body)
		f.bytes = 1 + m
		err = err2
	} else if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	f.took = time.Since(start)
	f.body = buf.Bytes()
	return f, err
}

func (a *asker) signIn(ctx context.Context, users ...string) error {
	for _, u := range users {
		cs, err := login(ctx, a.c, a.base, u)
		if err != nil {
			return err
		}
		a.cookies[u] = cs
	}
	return nil
}

// cursorKeys are where a list answer may carry the key of its next page.
var cursorKeys = []string{"next_cursor", "next", "cursor", "after"}

// FindCursor returns the cursor of the next page in a JSON list answer:
// the first of next_cursor, next, cursor and after that holds a non-empty
// string or a number, at the top level or in a "page" or "meta" object; ""
// when there is none (the list pages by offset, or this is its last page).
func FindCursor(body []byte) string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	for _, obj := range []any{m, m["page"], m["meta"], m["paging"]} {
		o, ok := obj.(map[string]any)
		if !ok {
			continue
		}
		for _, k := range cursorKeys {
			switch v := o[k].(type) {
			case string:
				if v != "" {
					return v
				}
			case float64:
				return strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
	}
	return ""
}

// listLen is how many items a JSON list answer holds: its longest array.
func listLen(body []byte) int {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return 0
	}
	n := 0
	for _, v := range m {
		if a, ok := v.([]any); ok && len(a) > n {
			n = len(a)
		}
	}
	return n
}

// Pages times every request of PageRequests on a world, k runs each
// (imports once), and returns them in order.
func Pages(ctx context.Context, e Env, w *World, k int) ([]PageTiming, error) {
	if k < 1 {
		k = 1
	}
	// The server of the web and API requests, started when first needed
	// and stopped for the export's own server and for the re-import.
	var srv *server
	defer func() {
		if srv != nil {
			srv.Stop()
		}
	}()
	a := &asker{c: newClient(10*time.Minute, 8), cookies: map[string][]*http.Cookie{}, tokens: w.Tokens}
	serving := func() error {
		if srv != nil {
			return nil
		}
		var err error
		if srv, err = startServer(ctx, e, w); err != nil {
			return err
		}
		a.base = srv.Base
		return a.signIn(ctx, "mgr", "sup")
	}
	stopServing := func() {
		if srv != nil {
			srv.Stop()
			srv = nil
		}
	}
	var out []PageTiming
	for _, pr := range PageRequests {
		t := PageTiming{PageRequest: pr, URL: w.expand(pr.Path)}
		e.logf("%s: %s", e.Engine, pr.Name)
		if pr.Kind == "get" || pr.Kind == "cursor" {
			if err := serving(); err != nil {
				return out, err
			}
		} else {
			stopServing()
		}
		switch pr.Kind {
		case "get":
			for i := 0; i < k; i++ {
				f, err := a.fetch(a.request(ctx, "GET", pr.As, t.URL, nil), false)
				if err != nil {
					t.Note = err.Error()
					break
				}
				t.Status, t.Bytes = f.status, f.bytes
				t.Runs = append(t.Runs, f.took)
				if f.status != http.StatusOK {
					t.Note = fmt.Sprintf("status %d", f.status)
					break
				}
			}
		case "cursor":
			if err := pageByCursor(ctx, a, w, &t, k); err != nil {
				t.Note = err.Error()
			}
		case "export":
			// A server of its own, so that its peak is the export's.
			es, err := startServer(ctx, e, w)
			if err != nil {
				return out, err
			}
			ea := &asker{c: a.c, base: es.Base, cookies: map[string][]*http.Cookie{}, tokens: w.Tokens}
			if err := ea.signIn(ctx, pr.As); err != nil {
				es.Stop()
				return out, err
			}
			var firsts []time.Duration
			for i := 0; i < k; i++ {
				f, err := ea.fetch(ea.request(ctx, "GET", pr.As, t.URL, nil), false)
				if err != nil {
					t.Note = err.Error()
					break
				}
				t.Status, t.Bytes = f.status, f.bytes
				t.Runs, firsts = append(t.Runs, f.took), append(firsts, f.firstByte)
				if f.status != http.StatusOK {
					t.Note = fmt.Sprintf("status %d", f.status)
					break
				}
			}
			t.FirstByte = medianDuration(firsts)
			t.PeakMiB = es.PeakRSSMiB()
			es.Stop()
		case "import":
			t.Runs, t.PeakMiB, t.Rows = []time.Duration{seconds(w.ImportSeconds)}, w.ImportPeakMiB, w.Policies
			t.Note = "measured when the world was built"
		case "records":
			t.Runs, t.PeakMiB, t.Rows = []time.Duration{seconds(w.RecordSeconds)}, w.RecordPeakMiB, w.RecordRows
			t.Note = "measured when the world was built"
		case "reimport":
			r, err := e.importFile(ctx, nil, w.DB, w.Key, importer.KindPolicies, w.PolicyFile)
			if err != nil {
				return out, fmt.Errorf("re-import: %w", err)
			}
			t.Runs, t.PeakMiB, t.Rows = []time.Duration{seconds(r.seconds)}, r.peakMiB, w.Policies
			if w.ImportSeconds > 0 {
				t.Note = fmt.Sprintf("%.2f× the fresh import", r.seconds/w.ImportSeconds)
			}
		}
		t.Median = medianDuration(t.Runs)
		e.logf("  %s (%d runs) %s", t.Median.Round(time.Millisecond), len(t.Runs), t.Note)
		out = append(out, t)
	}
	return out, nil
}

// pageByCursor walks the API list by its cursor, 500 a page, to the middle
// of the list, then times the page of 100 there k times. A list that
// carries no cursor is noted, not timed.
func pageByCursor(ctx context.Context, a *asker, w *World, t *PageTiming, k int) error {
	deep := w.Policies / 2
	cursor, seen, pages := "", 0, 0
	walk := time.Now()
	for seen < deep {
		path := "/api/v1/callbacks?limit=500"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		f, err := a.fetch(a.request(ctx, "GET", "api", path, nil), true)
		if err != nil {
			return err
		}
		if f.status != http.StatusOK {
			return fmt.Errorf("status %d walking the list", f.status)
		}
		n := listLen(f.body)
		seen, pages = seen+n, pages+1
		next := FindCursor(f.body)
		if next == "" {
			if cursor == "" {
				return fmt.Errorf("no cursor in the answer (%s): the list pages by offset", strings.Join(cursorKeys, ", "))
			}
			if n == 0 || seen < deep {
				return fmt.Errorf("the cursor ran out after %d of %d", seen, deep)
			}
		}
		cursor = next
		if n == 0 {
			break
		}
	}
	took := time.Since(walk)
	t.URL = "/api/v1/callbacks?limit=100&cursor=…"
	for i := 0; i < k; i++ {
		f, err := a.fetch(a.request(ctx, "GET", "api", "/api/v1/callbacks?limit=100&cursor="+url.QueryEscape(cursor), nil), false)
		if err != nil {
			return err
		}
		t.Status, t.Bytes = f.status, f.bytes
		t.Runs = append(t.Runs, f.took)
	}
	t.Note = fmt.Sprintf("walked %d rows in %d pages of 500 in %s", seen, pages, took.Round(time.Millisecond))
	return nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// PagesTable formats the timings as a Markdown table.
func PagesTable(w *World, ts []PageTiming) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| request (%s, %d policies) | median | runs | status | size | notes |\n|---|---:|---:|---:|---:|---|\n", w.Engine, w.Policies)
	for _, t := range ts {
		med := "—"
		if len(t.Runs) > 0 {
			med = fmtDuration(t.Median)
		}
		size, status := "", ""
		if t.Bytes > 0 {
			size = fmtBytes(t.Bytes)
		}
		if t.Status != 0 {
			status = strconv.Itoa(t.Status)
		}
		var notes []string
		if t.FirstByte > 0 {
			notes = append(notes, "first byte "+fmtDuration(t.FirstByte))
		}
		if t.PeakMiB > 0 {
			who := "serve"
			if t.Kind != "export" {
				who = "import"
			}
			notes = append(notes, fmt.Sprintf("%s peak %.0f MiB", who, t.PeakMiB))
		}
		if t.Rows > 0 && len(t.Runs) > 0 && t.Median > 0 {
			notes = append(notes, fmt.Sprintf("%d rows, %.0f rows/s", t.Rows, float64(t.Rows)/t.Median.Seconds()))
		}
		if t.Note != "" {
			notes = append(notes, t.Note)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s |\n", t.Name, med, len(t.Runs), status, size, strings.Join(notes, "; "))
	}
	return b.String()
}

func fmtDuration(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
}

func fmtBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
