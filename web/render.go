package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/indicator"
)

//go:embed templates
var templateFS embed.FS

// views holds every page's template, parsed once per language at start-up:
// the staff's pages over layout.html, the customers' (electronic callbacks)
// over customer/layout.html.
type views struct {
	pages    map[lang]map[string]*template.Template
	customer map[lang]map[string]*template.Template
	// public: the public disclosure pages, over public/layout.html.
	public map[lang]map[string]*template.Template
}

// parseViews parses layout.html and the shared parts (parts/*.html) with each
// page, once per language, so that {{t "key"}} is bound to the language.
func parseViews(st *staticFiles) (*views, error) {
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	parts, err := fs.Glob(templateFS, "templates/parts/*.html")
	if err != nil {
		return nil, err
	}
	var shared []string
	for i, n := range pages {
		if path.Base(n) == "layout.html" {
			shared = append([]string{n}, parts...)
			pages = append(pages[:i], pages[i+1:]...)
			break
		}
	}
	if shared == nil {
		return nil, fmt.Errorf("web: no layout.html")
	}
	v := &views{pages: make(map[lang]map[string]*template.Template), customer: make(map[lang]map[string]*template.Template)}
	customer, err := fs.Glob(templateFS, "templates/customer/*.html")
	if err != nil {
		return nil, err
	}
	for _, l := range langs {
		base, err := template.New("layout.html").Funcs(funcs(l, st)).ParseFS(templateFS, "templates/customer/layout.html")
		if err != nil {
			return nil, fmt.Errorf("web: parse customer layout: %w", err)
		}
		v.customer[l] = make(map[string]*template.Template)
		for _, p := range customer {
			if path.Base(p) == "layout.html" {
				continue
			}
			t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
			if err != nil {
				return nil, fmt.Errorf("web: parse %s: %w", p, err)
			}
			v.customer[l][strings.TrimSuffix(path.Base(p), ".html")] = t
		}
	}
	if v.public, err = parseDir("templates/public", st); err != nil {
		return nil, err
	}
	for _, l := range langs {
		base, err := template.New("layout.html").Funcs(funcs(l, st)).ParseFS(templateFS, shared...)
		if err != nil {
			return nil, fmt.Errorf("web: parse layout: %w", err)
		}
		v.pages[l] = make(map[string]*template.Template)
		for _, p := range pages {
			t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
			if err != nil {
				return nil, fmt.Errorf("web: parse %s: %w", p, err)
			}
			v.pages[l][strings.TrimSuffix(path.Base(p), ".html")] = t
		}
	}
	return v, nil
}

// parseDir parses each page of a directory over the directory's own
// layout.html, once per language.
func parseDir(dir string, st *staticFiles) (map[lang]map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, dir+"/*.html")
	if err != nil {
		return nil, err
	}
	out := make(map[lang]map[string]*template.Template)
	for _, l := range langs {
		base, err := template.New("layout.html").Funcs(funcs(l, st)).ParseFS(templateFS, dir+"/layout.html")
		if err != nil {
			return nil, fmt.Errorf("web: parse %s/layout.html: %w", dir, err)
		}
		out[l] = make(map[string]*template.Template)
		for _, p := range names {
			if path.Base(p) == "layout.html" {
				continue
			}
			t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
			if err != nil {
				return nil, fmt.Errorf("web: parse %s: %w", p, err)
			}
			out[l][strings.TrimSuffix(path.Base(p), ".html")] = t
		}
	}
	return out, nil
}

// funcs are the template functions of one language.
func funcs(l lang, st *staticFiles) template.FuncMap {
	t := tr(l)
	label := func(prefix string) func(any) string {
		return func(v any) string { return t.T(prefix + "." + fmt.Sprint(v)) }
	}
	return template.FuncMap{
		"t":           t.T,
		"static":      st.url,
		"date":        func(d huifang.Date) string { return orDash(d.String()) },
		"datetime":    datetime,
		"yuan":        yuan,
		"channel":     label("channel"),
		"status":      label("status"),
		"result":      label("result"),
		"outcome":     label("outcome"),
		"problem":     label("problem"),
		"pstatus":     label("pstatus"),
		"closereason": label("closereason"),
		"design":      label("design"),
		"pay":         label("pay"),
		"role":        label("role"),
		"kind":        label("kind"),
		"phase":       label("phase"),
		"jobstate":    label("import.state"),
		"ckind":       label("callbackkind"),
		"action":      label("action"),
		"event":       label("event"),
		"scope":       label("board.scope"),
		"orphan":      label("orphan.mode"),
		"weekday":     label("weekday"),
		"md":          func(d huifang.Date) string { return d.Time().Format("01-02") },
		"reason": func(r string) string {
			if r == "" {
				return ""
			}
			return t.T("reason." + r)
		},
		"yesno": func(b bool) string {
			if b {
				return t.T("yes")
			}
			return t.T("no")
		},
		"add":   func(a, b int) int { return a + b },
		"ratio": func(num, den int64) string { return indicator.Rate{Num: num, Den: den}.Percent() },
		"fig":   figureFunc(l),
		"upper": strings.ToUpper,
		"kb":    size,
		// recording is the data of the "recording" part: a recording, and
		// whether the user may play it.
		"recording": func(r huifang.Recording, play bool) map[string]any { return map[string]any{"Rec": r, "Play": play} },
		"term": func(s string) string {
			if l != langEN {
				return s
			}
			return termEN(s)
		},
	}
}

// size shows a file size in KB, or MB from 1 MB on.
func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (n+1023)/1024)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// datetime shows an instant in Asia/Shanghai, to the minute.
func datetime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(huifang.Shanghai).Format("2006-01-02 15:04")
}

// yuan shows an amount in fen as yuan with two decimals.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s¥%d.%02d", sign, fen/100, fen%100)
}

// termEN renders a term as huifang.Term.String gives it (the file format's
// Chinese) in English: the text is matched against Term.String itself.
func termEN(s string) string {
	if s == (huifang.Term{WholeLife: true}).String() {
		return "whole life"
	}
	n := strings.TrimRightFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if years, err := strconv.Atoi(n); err == nil && s == (huifang.Term{Years: years}).String() {
		return n + " years"
	}
	return s
}

// navItem is a link of the main navigation.
type navItem struct {
	Key, Href string
	Active    bool
	Count     int  // unread notifications
	Bell      bool // the notifications' link
}

// page is what the layout gets; Data is the page's own data.
type page struct {
	Title  string
	Lang   string
	User   *huifang.User
	Nav    []navItem
	LangZH string // the current page in Chinese
	LangEN string // the current page in English
	IsEN   bool
	Data   any
	// Unread counts the user's unread notifications.
	Unread int
	// CalendarWarning tells administrators that next year's working-day
	// calendar is missing; CalendarLink offers the page that loads it.
	CalendarWarning string
	CalendarLink    bool
}

// render executes a page into a buffer first, so that a template error never
// sends half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, rq *request, status int, name, title, active string, data any) {
	t := s.views.pages[rq.Lang][name]
	if t == nil {
		s.log.Error("web: no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	p := page{Title: title, Lang: rq.Lang.HTML(), User: rq.User, IsEN: rq.Lang == langEN, Data: data,
		LangZH: withLang(r, langZH), LangEN: withLang(r, langEN)}
	if u := rq.User; u != nil {
		p.Unread = s.unread(r.Context(), u)
		p.Nav = navFor(u, active, p.Unread)
		if seesCalendarWarning(u) && s.svc.CalendarWarning() != "" {
			year, _ := s.svc.Calendar().MissingNext(s.today())
			p.CalendarWarning = rq.T.T("calendar.banner", year, year)
			p.CalendarLink = u.Role == huifang.RoleAdmin && active != "calendar"
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.log.Error("web: render", "name", name, "err", err)
		http.Error(w, rq.T.T("error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	httpx.RetryAfter(w, status)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// seesCalendarWarning reports whether the user is told of a missing
// working-day calendar: those who load it and those whose deadlines need it.
func seesCalendarWarning(u *huifang.User) bool {
	switch u.Role {
	case huifang.RoleAdmin, huifang.RoleInsurerAdmin, huifang.RoleManager:
		return true
	}
	return false
}

// navFor lists what the user's role may open.
func navFor(u *huifang.User, active string, unread int) []navItem {
	items := []navItem{{Key: "overview", Href: "/"}}
	if u.Can(huifang.PermViewStats) && u.Role != huifang.RoleAdmin {
		items = append(items, navItem{Key: "dashboard", Href: "/dashboard"})
	}
	if u.Can(huifang.PermWorkCallbacks) {
		items = append(items, navItem{Key: "work", Href: "/work"})
	}
	if u.Can(huifang.PermQAEvaluate) {
		items = append(items, navItem{Key: "qa", Href: "/qa"})
	}
	if u.Can(huifang.PermQAOwn) {
		items = append(items, navItem{Key: "qa_mine", Href: "/qa/mine"})
	}
	if u.Can(huifang.PermViewCallbacks) && !u.Regulatory() {
		// A regulator's users reach a company's callbacks and cases from
		// its figures (the dashboard, spot checks), not a list of their own.
		items = append(items, navItem{Key: "callbacks", Href: "/callbacks"}, navItem{Key: "problems", Href: "/problems"})
	}
	if u.Can(huifang.PermViewRisks) {
		items = append(items, navItem{Key: "risks", Href: "/risks"})
	}
	if seesScripts(u) {
		items = append(items, navItem{Key: "scripts", Href: "/scripts"})
	}
	if u.Can(huifang.PermImport) {
		items = append(items, navItem{Key: "import", Href: "/import"})
	}
	if u.Can(huifang.PermViewStats) {
		items = append(items, navItem{Key: "stats", Href: "/stats"})
	}
	if u.Can(huifang.PermSubmitStats) || u.Can(huifang.PermReviewStats) {
		items = append(items, navItem{Key: "submissions", Href: "/submissions"})
	}
	if u.Role == huifang.RoleInsurerAdmin || u.Role == huifang.RoleManager {
		items = append(items, navItem{Key: "agents", Href: "/agents"})
	}
	if u.Can(huifang.PermMisconduct) || u.Can(huifang.PermViewRisks) {
		items = append(items, navItem{Key: "misconduct", Href: "/misconduct"})
	}
	if u.Can(huifang.PermSupervise) {
		items = append(items, navItem{Key: "misconduct_search", Href: "/misconduct/search"})
	}
	if u.Can(huifang.PermRectify) || u.Can(huifang.PermAnswerNotice) {
		items = append(items, navItem{Key: "rectifications", Href: "/rectifications"})
	}
	if u.Can(huifang.PermDisclose) && u.Regulatory() {
		items = append(items, navItem{Key: "disclosures", Href: "/disclosures"})
	}
	if u.Can(huifang.PermSpotCheck) && u.Regulatory() {
		items = append(items, navItem{Key: "spotchecks", Href: "/spotchecks"})
	}
	if u.Can(huifang.PermInspect) && u.Regulatory() {
		items = append(items, navItem{Key: "inspection", Href: "/inspection"})
	}
	items = append(items, navItem{Key: "profile", Href: "/profile"})
	if u.Role == huifang.RoleInsurerAdmin {
		items = append(items, navItem{Key: "outbox", Href: "/admin/outbox"})
	}
	if u.Can(huifang.PermManageUsers) {
		items = append(items, navItem{Key: "users", Href: "/admin/users"}) // API tokens are a link on it
	}
	if u.Role == huifang.RoleRegAdmin {
		items = append(items, navItem{Key: "supervisors", Href: "/admin/supervisors"})
	}
	if u.Role == huifang.RoleAdmin {
		items = append(items, navItem{Key: "calendar", Href: "/admin/calendar"})
	}
	items = append(items, navItem{Key: "notifications", Href: "/notifications", Count: unread, Bell: true})
	for i := range items {
		items[i].Active = items[i].Key == active
	}
	return items
}

// withLang is the current URL with ?lang= set. A POST renders a page of its
// own form, so its link points at the page the form belongs to: the path
// without its last segment (/work/7/attempt → /work/7), or the path itself
// when it has one segment (/login, /import).
func withLang(r *http.Request, l lang) string {
	p, q := r.URL.Path, r.URL.Query()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if i := strings.LastIndex(p, "/"); i > 0 {
			p = p[:i]
		}
		q = url.Values{}
	}
	q.Set("lang", string(l))
	return p + "?" + q.Encode()
}
