package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/indicator"
)

// The public disclosure pages (docs/disclosure.md) need no login and show
// nothing personal: /disclosure lists the published quarters, grouped by
// regulator (?reg=CODE: one regulator's), /disclosure/{period} shows one,
// and /disclosure/{period}.csv and .xlsx download it. They are cacheable:
// Cache-Control public, an ETag and Last-Modified from the publication and
// its latest erratum, answered with 304 when unchanged. The language comes
// from ?lang= only (Chinese by default), never from a cookie, so that the
// URL alone decides the response a cache keeps.

// publicMaxAge is how long a cache may keep a public disclosure page
// without asking again: an erratum shows within it.
const publicMaxAge = 5 * time.Minute

// publicPage is what the public layout gets.
type publicPage struct {
	Title  string
	Lang   string
	IsEN   bool
	LangZH string
	LangEN string
	Data   any
}

// publicRequest is a request of a public page: its language from ?lang=.
func publicRequest(r *http.Request) *request {
	l := langZH
	if lang(r.URL.Query().Get("lang")) == langEN {
		l = langEN
	}
	return &request{Lang: l, T: tr(l)}
}

// withQueryLang is the request's URL with ?lang= set.
func withQueryLang(r *http.Request, l lang) string {
	q := r.URL.Query()
	q.Set("lang", string(l))
	return r.URL.Path + "?" + q.Encode()
}

// fresh sets the public caching headers of a response made of what
// changed at changed, and answers 304 when the client's copy is current.
func (s *server) fresh(w http.ResponseWriter, r *http.Request, changed time.Time, variant string) bool {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d|%s|%s|%s", changed.UnixMilli(), r.URL.Path, variant, s.static.files["public.css"].hash)))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := w.Header()
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(publicMaxAge/time.Second)))
	h.Set("ETag", etag)
	if !changed.IsZero() {
		h.Set("Last-Modified", changed.UTC().Format(http.TimeFormat))
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			if t = strings.TrimSpace(t); t == etag || t == "W/"+etag || t == "*" {
				w.WriteHeader(http.StatusNotModified)
				return true
			}
		}
		return false
	}
	if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !changed.IsZero() && !changed.Truncate(time.Second).After(ims) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// renderPublic renders a public page; headers set before (caching) stay.
func (s *server) renderPublic(w http.ResponseWriter, r *http.Request, rq *request, status int, name, title string, data any) {
	t := s.views.public[rq.Lang][name]
	if t == nil {
		s.log.Error("web: no public template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	p := publicPage{Title: title, Lang: rq.Lang.HTML(), IsEN: rq.Lang == langEN, LangZH: withQueryLang(r, langZH), LangEN: withQueryLang(r, langEN), Data: data}
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.log.Error("web: render", "name", name, "err", err)
		w.Header().Del("ETag")
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, rq.T.T("error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// publicError renders what went wrong on a public page; nothing of it is
// cached for long.
func (s *server) publicError(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	w.Header().Set("Cache-Control", "no-cache")
	msg := rq.T.T("error.internal")
	var ae *huifang.Error
	if errors.As(err, &ae) && ae.Code != huifang.EINTERNAL {
		msg = ae.Text(rq.uiLang())
	} else {
		s.log.Error("disclosure", "path", r.URL.Path, "err", err)
	}
	s.renderPublic(w, r, rq, httpx.Status(err), "missing", rq.T.T("disclosure.public.title"), msg)
}

// disclosureIndexPage is the data of /disclosure.
type disclosureIndexPage struct {
	Groups []disclosureGroup
	Period string // the quarter asked for, when several regulators published it
}

type disclosureGroup struct {
	Code, Name string
	Quarters   []disclosureLink
}

type disclosureLink struct {
	Label, Href string
	Published   string
	Corrected   bool
}

// disclosureIndex lists the published quarters, newest first, by regulator.
func (s *server) disclosureIndex(w http.ResponseWriter, r *http.Request) {
	rq := publicRequest(r)
	reg := strings.TrimSpace(r.URL.Query().Get("reg"))
	list, err := s.svc.Disclosures(r.Context(), reg)
	if err != nil {
		s.publicError(w, r, rq, err)
		return
	}
	var changed time.Time
	period := r.URL.Query().Get("period")
	p := disclosureIndexPage{Period: period}
	at := map[string]int{}
	for _, d := range list {
		if period != "" && d.Period != period {
			continue
		}
		if d.Changed.After(changed) {
			changed = d.Changed
		}
		i, ok := at[d.RegulatorCode]
		if !ok {
			i = len(p.Groups)
			at[d.RegulatorCode] = i
			p.Groups = append(p.Groups, disclosureGroup{Code: d.RegulatorCode, Name: d.RegulatorName})
		}
		p.Groups[i].Quarters = append(p.Groups[i].Quarters, disclosureLink{Label: quarterLabel(rq, d.Period),
			Href: quarterHref(d.Period, d.RegulatorCode, "", rq.Lang), Published: huifang.DateOf(d.PublishedAt).String(), Corrected: d.Changed.After(d.PublishedAt)})
	}
	if s.fresh(w, r, changed, fmt.Sprintf("%s|%s|%s|%d", rq.Lang, reg, period, len(list))) {
		return
	}
	s.renderPublic(w, r, rq, http.StatusOK, "index", rq.T.T("disclosure.public.title"), p)
}

// quarterHref links a published quarter (ext: "", ".csv", ".xlsx").
func quarterHref(period, reg, ext string, l lang) string {
	q := url.Values{"reg": {reg}}
	if l == langEN {
		q.Set("lang", string(l))
	}
	return "/disclosure/" + url.PathEscape(period) + ext + "?" + q.Encode()
}

// quarterLabel names a period in the request's language.
func quarterLabel(rq *request, period string) string {
	p, err := indicator.ParsePeriod(period)
	if err != nil {
		return period
	}
	return rq.T.T(p.Key(), p.Args()...)
}
