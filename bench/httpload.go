package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	mrand "math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/script"
)

// LoadOptions shape a load run (`huifang bench --what load`).
type LoadOptions struct {
	Operators   int           // do next + finish through the API
	Managers    int           // open the dashboard and its drill-downs
	Lists       int           // page through callback lists
	Supervisors int           // open the regulator's dashboards
	Think       time.Duration // each session's mean pause between requests (exponential); 0: none
	Duration    time.Duration
	Import      bool          // import a policy file (a tenth of the world) beside the server during the run
	Upload      bool          // import it through the server (the web page's upload) rather than with `huifang import`
	Timeout     time.Duration // a request not answered by then is a timeout (default 60 s)
}

// The kinds of request a load run reports, in order.
var LoadKinds = []string{"operator next", "operator finish", "manager dashboard", "manager drill-down", "list page", "supervisor dashboard", "import"}

// KindFigures are one kind of request's figures in a load run.
type KindFigures struct {
	Kind      string
	Count     int     // requests answered or timed out
	OK        int     // answered 2xx (or, for the import, completed)
	PerSecond float64 // answered 2xx per second of the run's duration (LoadOptions.Duration)
	// P50, P99 and Max are over the requests answered, whatever the status.
	P50, P99, Max time.Duration
	Statuses      map[int]int // answers other than 2xx, by status
	Unavailable   int         // of which 503 (稍后重试)
	Timeouts      int         // no answer within the timeout
	Failures      int         // other transport errors
	FirstError    string
}

// LoadFigures are a load run's figures.
type LoadRun struct {
	Options    LoadOptions
	Seconds    float64 // from the start to the last answer
	Kinds      []KindFigures
	PeakRSSMiB float64 // serve's VmHWM, 0 in process
	Import     string  // what the import did
}

type loadRecorder struct {
	mu    sync.Mutex
	lat   map[string][]time.Duration
	kinds map[string]*KindFigures
}

func (r *loadRecorder) add(kind string, status int, took time.Duration, err error, timeout time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.kinds[kind]
	if k == nil {
		k = &KindFigures{Kind: kind, Statuses: map[int]int{}}
		r.kinds[kind] = k
	}
	k.Count++
	var ne net.Error
	switch {
	case err != nil && (errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) || took >= timeout):
		k.Timeouts++
	case err != nil:
		k.Failures++
		if k.FirstError == "" {
			k.FirstError = err.Error()
		}
	default:
		r.lat[kind] = append(r.lat[kind], took)
		if status >= 200 && status < 300 {
			k.OK++
		} else {
			k.Statuses[status]++
			if status == http.StatusServiceUnavailable {
				k.Unavailable++
			}
		}
	}
}

// Load runs a world under load through `huifang serve` (a child process
// when the Env has a binary): operators doing next + finish through the
// API, managers opening the dashboard and its drill-downs, list sessions
// paging through callback lists, supervisors opening the regulator's
// dashboards, each as fast as its think time lets it, for o.Duration;
// optionally a policy file imported beside the server meanwhile. Requests
// under way when the time is up are waited for (up to the timeout).
func Load(ctx context.Context, e Env, w *World, o LoadOptions) (LoadRun, error) {
	run := LoadRun{Options: o}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
		run.Options.Timeout = o.Timeout
	}
	if o.Operators > w.Operators {
		return run, fmt.Errorf("the world has %d operators, %d asked for: build it with more", w.Operators, o.Operators)
	}
	var importFile string
	if o.Import {
		importFile = filepath.Join(w.Dir, "load-import.csv")
		prefix := "L" + strconv.FormatInt(time.Now().Unix()%1000000, 10)
		if err := writeWorldPolicyRange(importFile, prefix, 1, max(w.Policies/10, 100), w.Today); err != nil {
			return run, err
		}
	}
	if err := ensurePeople(ctx, w, o.Managers+o.Lists, o.Supervisors); err != nil {
		return run, err
	}
	srv, err := startServer(ctx, e, w)
	if err != nil {
		return run, err
	}
	defer srv.Stop()
	conns := o.Operators + o.Managers + o.Lists + o.Supervisors + 4
	a := &asker{c: newClient(o.Timeout, conns), base: srv.Base, cookies: map[string][]*http.Cookie{}, tokens: w.Tokens}
	// Every web session is a person of their own at their own desk: the
	// managers mgr..mgrM, the list sessions the managers after them, the
	// supervisors sup..supS.
	sessions := map[string][]string{}
	for _, k := range []struct {
		key  string
		user func(i int) string
		n    int
	}{{"mgr", managerLogin, o.Managers}, {"list", func(i int) string { return managerLogin(o.Managers + i) }, o.Lists},
		{"sup", supervisorLogin, o.Supervisors}, {"upload", func(int) string { return "adm" }, 1}} {
		for i := 1; i <= k.n; i++ {
			user := k.user(i)
			as := fmt.Sprintf("%s#%s%d", user, k.key, i)
			cs, err := login(ctx, a.c, a.base, user)
			if err != nil {
				return run, err
			}
			a.cookies[as] = cs
			sessions[k.key] = append(sessions[k.key], as)
		}
	}
	rec := &loadRecorder{lat: map[string][]time.Duration{}, kinds: map[string]*KindFigures{}}
	start := time.Now()
	end := start.Add(o.Duration)
	var wg sync.WaitGroup
	session := func(seed int, step func(r *mrand.Rand, i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := mrand.New(mrand.NewPCG(uint64(seed), 5))
			for i := 0; time.Now().Before(end); i++ {
				if o.Think > 0 {
					time.Sleep(time.Duration(r.ExpFloat64() * float64(o.Think)))
					if !time.Now().Before(end) {
						return
					}
				}
				step(r, i)
			}
		}()
	}
	// A refused request waits as its Retry-After asks (a person reads
	// 请稍后重试 and tries again later), not before the run's end.
	backOff := func(f fetched) {
		if f.retry > 0 {
			time.Sleep(min(f.retry, time.Until(end)))
		}
	}
	get := func(kind, as, path string) {
		f, err := a.fetch(a.request(ctx, "GET", as, path, nil), false)
		rec.add(kind, f.status, f.took, err, o.Timeout)
		backOff(f)
	}
	year := strconv.Itoa(w.Year)
	for i := 1; i <= o.Operators; i++ {
		login := fmt.Sprint("op", i)
		session(i, func(r *mrand.Rand, _ int) { operatorStep(ctx, a, rec, login, o, end) })
	}
	drills := []string{"&dim=seller&channel=agency", "&dim=seller&channel=bancassurance", "&dim=branch", "&dim=channel"}
	for i := 1; i <= o.Managers; i++ {
		as := sessions["mgr"][i-1]
		session(1000+i, func(r *mrand.Rand, n int) {
			if n%2 == 0 {
				get("manager dashboard", as, "/dashboard?period="+year)
			} else {
				get("manager drill-down", as, "/dashboard?period="+year+drills[r.IntN(len(drills))])
			}
		})
	}
	lists := []string{"/callbacks", "/callbacks?overdue=1", "/callbacks?status=open", "/callbacks?channel=bancassurance"}
	for i := 1; i <= o.Lists; i++ {
		as := sessions["list"][i-1]
		next := ""
		session(2000+i, func(r *mrand.Rand, n int) {
			// Twenty pages of a list by its 下一页 link, then the first page again.
			path := next
			if path == "" || n%20 == 0 {
				path = lists[i%len(lists)]
			}
			f, err := a.fetch(a.request(ctx, "GET", as, path, nil), true)
			rec.add("list page", f.status, f.took, err, o.Timeout)
			next = nextLink(f.body)
			backOff(f)
		})
	}
	for i := 1; i <= o.Supervisors; i++ {
		as := sessions["sup"][i-1]
		session(3000+i, func(r *mrand.Rand, n int) {
			if n%2 == 0 {
				get("supervisor dashboard", as, "/dashboard?period="+year+"&org=BENCH")
			} else {
				get("supervisor dashboard", as, "/dashboard?period="+year)
			}
		})
	}
	if o.Import {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(o.Duration / 10)
			var r importRun
			var err error
			if o.Upload {
				r, err = uploadImport(ctx, a, sessions["upload"][0], importFile)
			} else {
				r, err = e.importFile(ctx, nil, w.DB, w.Key, importer.KindPolicies, importFile)
			}
			took := seconds(r.seconds)
			status := http.StatusOK
			if err != nil {
				status = 0
				rec.add("import", 0, took, fmt.Errorf("%s", firstLines(err.Error(), 3)), 24*time.Hour)
			} else {
				rec.add("import", status, took, nil, 24*time.Hour)
			}
			run.Import = fmt.Sprintf("%d policies in %.1fs", max(w.Policies/10, 100), r.seconds)
			if err != nil {
				run.Import += ": " + firstLines(err.Error(), 1)
			}
		}()
	}
	wg.Wait()
	run.Seconds = time.Since(start).Seconds()
	run.PeakRSSMiB = srv.PeakRSSMiB()
	asked := map[string]bool{"operator next": o.Operators > 0, "operator finish": o.Operators > 0, "manager dashboard": o.Managers > 0,
		"manager drill-down": o.Managers > 0, "list page": o.Lists > 0, "supervisor dashboard": o.Supervisors > 0, "import": o.Import}
	for _, kind := range LoadKinds {
		if !asked[kind] {
			continue // no session of this kind ran
		}
		k := rec.kinds[kind]
		if k == nil {
			k = &KindFigures{Kind: kind, Statuses: map[int]int{}}
		}
		l := latencies(rec.lat[kind])
		k.P50, k.P99, k.Max = l.P50, l.P99, l.Max
		k.PerSecond = float64(k.OK) / o.Duration.Seconds()
		run.Kinds = append(run.Kinds, *k)
	}
	return run, nil
}

// operatorStep asks for the next callback and finishes it with its script's
// passing answers, as the workbench does, through the API.
func operatorStep(ctx context.Context, a *asker, rec *loadRecorder, login string, o LoadOptions, end time.Time) {
	f, err := a.fetch(a.request(ctx, "POST", login, "/api/v1/callbacks/next", nil), true)
	rec.add("operator next", f.status, f.took, err, o.Timeout)
	if err != nil || f.status != http.StatusOK {
		if err == nil && f.status == http.StatusNotFound {
			time.Sleep(200 * time.Millisecond) // nothing to call: the pool is empty
		}
		return
	}
	var work struct {
		Callback struct {
			ID int64 `json:"id"`
		} `json:"callback"`
		Script *struct {
			Code    string        `json:"code"`
			Version int           `json:"version"`
			Steps   []script.Step `json:"steps"`
		} `json:"script"`
	}
	if err := json.Unmarshal(f.body, &work); err != nil || work.Callback.ID == 0 {
		rec.add("operator finish", 0, 0, fmt.Errorf("next: unreadable answer: %v", err), o.Timeout)
		return
	}
	in := map[string]any{"answers": map[string]string{}}
	if work.Script != nil {
		s := script.Script{Steps: work.Script.Steps}
		in = map[string]any{"answers": s.Passing(), "script": fmt.Sprintf("%s v%d", work.Script.Code, work.Script.Version)}
	}
	if o.Think > 0 {
		time.Sleep(time.Duration(mrand.ExpFloat64() * float64(o.Think)))
	}
	body, _ := json.Marshal(in)
	req := a.request(ctx, "POST", login, "/api/v1/callbacks/"+strconv.FormatInt(work.Callback.ID, 10)+"/finish", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	f, err = a.fetch(req, false)
	rec.add("operator finish", f.status, f.took, err, o.Timeout)
}

// LoadTable formats a load run as a Markdown table.
func LoadTable(w *World, r LoadRun) string {
	var b strings.Builder
	o := r.Options
	fmt.Fprintf(&b, "%s, %d policies: %d operators, %d managers, %d list sessions, %d supervisors, think %s, %s (run took %.0f s), import %v; serve peak RSS %.0f MiB\n\n",
		w.Engine, w.Policies, o.Operators, o.Managers, o.Lists, o.Supervisors, o.Think, o.Duration, r.Seconds, o.Import, r.PeakRSSMiB)
	b.WriteString("| kind | requests | ok | ok/s | p50 | p99 | max | 503 | timeouts | other errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, k := range r.Kinds {
		var other []string
		codes := make([]int, 0, len(k.Statuses))
		for c := range k.Statuses {
			if c != http.StatusServiceUnavailable {
				codes = append(codes, c)
			}
		}
		sort.Ints(codes)
		for _, c := range codes {
			other = append(other, fmt.Sprintf("%d×%d", k.Statuses[c], c))
		}
		if k.Failures > 0 {
			other = append(other, fmt.Sprintf("%d failed: %s", k.Failures, k.FirstError))
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %.1f | %s | %s | %s | %d | %d | %s |\n", k.Kind, k.Count, k.OK, k.PerSecond,
			fmtDuration(k.P50), fmtDuration(k.P99), fmtDuration(k.Max), k.Unavailable, k.Timeouts, strings.Join(other, ", "))
	}
	if r.Import != "" {
		fmt.Fprintf(&b, "\nimport: %s\n", r.Import)
	}
	return b.String()
}

// nextLinkRE finds a list page's 下一页 link.
var nextLinkRE = regexp.MustCompile(`href="([^"]*)" rel="next"`)

// nextLink is the path of a list page's next page, "" on its last page.
func nextLink(page []byte) string {
	m := nextLinkRE.FindSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(string(m[1]))
}

// uploadImport imports a policy file through the server, as the import
// page's upload does: it posts the file, then follows the job's status until
// it is done. A refused upload (503) is posted again after its Retry-After.
func uploadImport(ctx context.Context, a *asker, as, path string) (importRun, error) {
	var r importRun
	start := time.Now()
	var job string
	for job == "" {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("kind", string(importer.KindPolicies))
		fw, err := mw.CreateFormFile("file", filepath.Base(path))
		if err != nil {
			return r, err
		}
		f, err := os.Open(path)
		if err != nil {
			return r, err
		}
		_, err = io.Copy(fw, f)
		f.Close()
		if err != nil {
			return r, err
		}
		mw.Close()
		req := a.request(ctx, "POST", as, "/import", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := a.c.Do(req)
		if err != nil {
			return r, err
		}
		resp.Body.Close()
		switch loc := resp.Header.Get("Location"); {
		case resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/import/"):
			job = strings.TrimPrefix(loc, "/import/")
		case resp.StatusCode == http.StatusServiceUnavailable:
			time.Sleep(httpx.BusyRetryAfter)
		default:
			return r, fmt.Errorf("upload: status %d", resp.StatusCode)
		}
	}
	for {
		f, err := a.fetch(a.request(ctx, "GET", as, "/import/jobs/"+job, nil), true)
		if err != nil {
			return r, err
		}
		var st struct {
			Phase   string `json:"phase"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(f.body, &st); err != nil {
			return r, fmt.Errorf("import status: %w", err)
		}
		switch st.Phase {
		case "done":
			r.seconds = time.Since(start).Seconds()
			return r, nil
		case "failed":
			return r, fmt.Errorf("import failed: %s", st.Message)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
