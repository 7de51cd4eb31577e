// Package web serves huifang's web UI: server-rendered pages over the app
// service, in Simplified Chinese by default and in English on request. Every
// handler has the same shape: read the form, validate, call the app, then
// redirect or render. Templates and static files are embedded and checked at
// start-up.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/i18n"
)

// Options configure the web UI.
type Options struct {
	// Secure marks cookies Secure: set it when the site is served over HTTPS.
	Secure bool
	// Log receives internal errors; nil means slog.Default().
	Log *slog.Logger
	// MaxUpload limits an import file in bytes; 0 means 200 MiB.
	MaxUpload int64
	// TrustProxy takes the client's address for login throttling from the
	// last X-Forwarded-For entry: set it only behind a reverse proxy that
	// adds one, else anyone could pick their address.
	TrustProxy bool
	// Heavy limits how many heavy requests (dashboards, lists, exports: see
	// weight.go) run at once; nil limits nothing.
	Heavy *httpx.Limiter
}

// DefaultMaxUpload is the largest import file accepted by default.
const DefaultMaxUpload = 200 << 20

const sessionCookie = "huifang_session"

type server struct {
	svc    *app.Service
	opts   Options
	log    *slog.Logger
	views  *views
	static *staticFiles
	jobs   *jobTable
}

// New returns the web UI handler, to be mounted at "/". It panics when the
// embedded templates or messages are broken, which is a programming error
// that must stop the server at start-up.
func New(svc *app.Service, opts Options) http.Handler {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = DefaultMaxUpload
	}
	st, err := loadStatic()
	if err != nil {
		panic(err)
	}
	s := &server{svc: svc, opts: opts, log: opts.Log, static: st, jobs: newJobTable(time.Hour)}
	if s.views, err = parseViews(st); err != nil {
		panic(err)
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	return httpx.SecurityHeaders(cop.Handler(s.routes()))
}

// routes is the one route table of the web UI.
func (s *server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.Handle("GET /static/{name...}", s.static)

	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.Handle("POST /logout", s.page(s.logout))

	mux.Handle("GET /{$}", s.page(s.overview))

	mux.Handle("GET /account", s.page(s.accountShow))
	mux.Handle("POST /account/password", s.page(s.accountPassword))
	mux.Handle("GET /admin/users", s.page(s.usersShow))
	mux.Handle("POST /admin/users/{login}/{verb}", s.page(s.userVerb))
	mux.Handle("GET /admin/supervisors", s.gated(huifang.PermAssign, s.supervisorsShow))
	mux.Handle("POST /admin/supervisors/{login}", s.gated(huifang.PermAssign, s.supervisorAssign))
	mux.Handle("GET /admin/tokens", s.page(s.tokensShow))
	mux.Handle("POST /admin/tokens", s.page(s.tokenCreate))
	mux.Handle("POST /admin/tokens/{id}/revoke", s.page(s.tokenRevoke))

	mux.Handle("GET /work", s.page(s.workbench))
	mux.Handle("POST /work/next", s.gated(huifang.PermWorkCallbacks, s.workNext))
	mux.Handle("GET /work/{id}", s.page(s.workShow))
	mux.Handle("POST /work/{id}/attempt", s.gated(huifang.PermWorkCallbacks, s.workAttempt))
	mux.Handle("POST /work/{id}/finish", s.gated(huifang.PermWorkCallbacks, s.workFinish))
	mux.Handle("POST /work/{id}/release", s.gated(huifang.PermWorkCallbacks, s.workRelease))
	mux.Handle("POST /work/{id}/take", s.gated(huifang.PermWorkCallbacks, s.workTake))
	mux.Handle("POST /work/{id}/reveal", s.page(s.workReveal)) // the service audits a refusal
	mux.Handle("POST /work/{id}/false-phone", s.gated(huifang.PermWorkCallbacks, s.workFalsePhone))
	mux.Handle("GET /risks", s.gated(huifang.PermViewRisks, s.riskList))

	mux.Handle("GET /dashboard", s.page(s.dashboard))
	mux.Handle("GET /dashboard/data.json", s.page(s.dashboardJSON))
	mux.Handle("GET /callbacks", s.page(s.callbackList))
	mux.Handle("GET /callbacks/{id}", s.page(s.callbackShow))
	mux.Handle("POST /callbacks/{id}/letter", s.gated(huifang.PermRecordLetter, s.callbackLetter))
	mux.Handle("GET /callbacks/{id}/receipt", s.page(s.callbackReceipt))
	mux.Handle("POST /callbacks/{id}/attempts/{aid}/recording", s.gated(huifang.PermRecord, s.recordingUpload))
	mux.Handle("GET /recordings/{id}", s.gated(huifang.PermListen, s.recordingPlay))
	mux.Handle("POST /callbacks/{id}/electronic", s.gated(huifang.PermWorkCallbacks, s.electronicSend))
	mux.Handle("POST /callbacks/{id}/electronic/withdraw", s.gated(huifang.PermWorkCallbacks, s.electronicWithdraw))
	mux.Handle("GET /export/callbacks", s.gated(huifang.PermExport, s.exportCallbacks))
	mux.Handle("GET /problems", s.page(s.problemBoard))
	mux.Handle("POST /problems", s.gated(huifang.PermOpenCase, s.problemOpen))
	mux.Handle("GET /problems/figure", s.page(s.problemFigure))
	mux.Handle("GET /problems/{id}", s.page(s.problemShow))
	mux.Handle("POST /problems/bulk", s.gated(huifang.PermWorkCases, s.problemBulk))
	mux.Handle("POST /problems/{id}/{verb}", s.gated(huifang.PermWorkCases, s.problemVerb))
	mux.Handle("POST /problems/{id}/reveal", s.page(s.problemReveal)) // the service audits a refusal
	mux.Handle("GET /problems/{id}/evidence/{eid}", s.page(s.problemEvidence))

	mux.Handle("GET /scripts", s.page(s.scriptList))
	mux.Handle("POST /scripts", s.gated(huifang.PermImport, s.scriptImport))
	mux.Handle("GET /scripts/library", s.page(s.scriptLibraryIndex))
	mux.Handle("GET /scripts/library/{code}", s.page(s.scriptLibrary))
	mux.Handle("GET /scripts/{id}", s.page(s.scriptShow))
	mux.Handle("POST /scripts/{id}/{verb}", s.gated(huifang.PermImport, s.scriptVerb))
	mux.Handle("GET /scripts/edit/{id}", s.gated(huifang.PermImport, s.scriptEdit))
	mux.Handle("POST /scripts/edit/{id}", s.gated(huifang.PermImport, s.scriptEditPost))
	mux.Handle("POST /scripts/check/{id}", s.gated(huifang.PermImport, s.scriptCheck))

	mux.Handle("GET /stats", s.page(s.statsShow))
	mux.Handle("GET /stats/download", s.gated(huifang.PermViewStats, s.statsDownload))
	mux.Handle("GET /stats/template", s.page(s.statsTemplate))
	mux.Handle("POST /stats/submit", s.gated(huifang.PermSubmitStats, s.statsSubmit))
	mux.Handle("POST /stats/upload", s.gated(huifang.PermSubmitStats, s.statsUpload))
	mux.Handle("GET /submissions", s.page(s.submissionList))
	mux.Handle("GET /submissions/{id}", s.page(s.submissionShow))
	mux.Handle("GET /submissions/{id}/download", s.page(s.submissionDownload))
	mux.Handle("POST /submissions/{id}/{verb}", s.gated(huifang.PermReviewStats, s.submissionVerb))

	mux.Handle("GET /agents", s.page(s.agentList))
	mux.Handle("GET /agents/{code}", s.page(s.agentShow))
	mux.Handle("POST /agents/{code}/leave", s.gated(huifang.PermManageAgents, s.agentLeave))
	mux.Handle("POST /agents/{code}/complete", s.gated(huifang.PermManageAgents, s.agentComplete))
	mux.Handle("GET /misconduct", s.page(s.misconductList))
	mux.Handle("GET /misconduct/search", s.page(s.misconductSearch))
	mux.Handle("GET /inspection", s.gated(huifang.PermInspect, s.inspectionShow))
	mux.Handle("GET /inspection/{file}", s.gated(huifang.PermInspect, s.inspectionDownload))
	mux.Handle("POST /misconduct/{id}/{verb}", s.gated(huifang.PermMisconduct, s.misconductVerb))
	mux.Handle("GET /rectifications", s.page(s.rectificationList))
	mux.Handle("POST /rectifications", s.gated(huifang.PermRectify, s.rectificationSend))
	mux.Handle("GET /rectifications/{id}", s.page(s.rectificationShow))
	mux.Handle("POST /rectifications/{id}/{verb}", s.page(s.rectificationVerb)) // answer, close, return: the service checks who
	mux.Handle("GET /spotchecks", s.gated(huifang.PermSpotCheck, s.spotCheckList))
	mux.Handle("POST /spotchecks", s.gated(huifang.PermSpotCheck, s.spotCheckDraw))
	mux.Handle("GET /spotchecks/{id}", s.gated(huifang.PermSpotCheck, s.spotCheckShow)) // also {id}.xlsx and {id}.csv
	mux.Handle("POST /spotchecks/{id}/assign", s.gated(huifang.PermSpotCheck, s.spotCheckAssign))
	mux.Handle("GET /spotchecks/{id}/items/{item}", s.gated(huifang.PermSpotCheck, s.spotItemShow))
	mux.Handle("POST /spotchecks/{id}/items/{item}/verdict", s.gated(huifang.PermSpotCheck, s.spotItemVerdict))
	mux.Handle("POST /spotchecks/{id}/items/{item}/reveal", s.gated(huifang.PermSpotCheck, s.spotItemReveal))
	mux.Handle("GET /spotchecks/{id}/items/{item}/recordings/{rid}", s.gated(huifang.PermSpotCheck, s.spotItemRecording))
	mux.Handle("GET /spotchecks/{id}/items/{item}/receipt", s.gated(huifang.PermSpotCheck, s.spotItemReceipt))

	mux.Handle("GET /qa", s.gated(huifang.PermQAEvaluate, s.qaQueue))
	mux.Handle("POST /qa/draw", s.gated(huifang.PermQAEvaluate, s.qaDraw))
	mux.Handle("GET /qa/mine", s.gated(huifang.PermQAOwn, s.qaMine))
	mux.Handle("GET /qa/figures", s.gated(huifang.PermQAFigures, s.qaFiguresExport))
	mux.Handle("GET /qa/{id}", s.page(s.qaEvaluate)) // QA, the operator whose call it is, managers: the service checks
	mux.Handle("POST /qa/{id}/evaluate", s.gated(huifang.PermQAEvaluate, s.qaEvaluateSave))
	mux.Handle("POST /qa/{id}/decide", s.gated(huifang.PermQAEvaluate, s.qaDecide))
	mux.Handle("POST /qa/{id}/calibrate", s.gated(huifang.PermQAEvaluate, s.qaCalibrate))
	mux.Handle("POST /qa/{id}/appeal", s.gated(huifang.PermQAOwn, s.qaAppeal))
	mux.Handle("GET /qa/{id}/recordings/{rid}", s.gated(huifang.PermListen, s.qaRecording))

	mux.Handle("GET /profile", s.page(s.profileShow))
	mux.Handle("POST /profile", s.gated(huifang.PermSupervise, s.profileChange))
	mux.Handle("GET /admin/calendar", s.page(s.calendarShow))
	mux.Handle("POST /admin/calendar/load", s.gated(huifang.PermLoadCalendar, s.calendarLoad))
	mux.Handle("GET /notifications", s.page(s.notifications))
	mux.Handle("POST /notifications/read", s.page(s.notificationsRead))
	mux.Handle("POST /notifications/{id}/read", s.page(s.notificationRead))
	mux.Handle("GET /admin/outbox", s.page(s.outbox))

	mux.Handle("GET /disclosures", s.gated(huifang.PermDisclose, s.disclosuresShow))
	mux.Handle("POST /disclosures/publish", s.gated(huifang.PermDisclose, s.disclosurePublish))
	mux.Handle("POST /disclosures/errata", s.gated(huifang.PermDisclose, s.disclosureErratum))
	// The public disclosure pages: no login, cacheable (disclosure_public.go).
	mux.HandleFunc("GET /disclosure", s.disclosureIndex)
	mux.HandleFunc("GET /disclosure/{period}", s.disclosureQuarter)

	// The customers' pages of electronic callbacks: no login.
	mux.HandleFunc("GET /e/{token}", s.linkShow)
	mux.HandleFunc("POST /e/{token}", s.linkPost)

	mux.Handle("GET /import", s.page(s.importForm))
	mux.Handle("POST /import", s.gated(huifang.PermImport, s.importUpload))
	mux.Handle("GET /import/{id}", s.page(s.importJob))
	mux.Handle("GET /import/jobs/{id}", s.page(s.importJobStatus))
	mux.Handle("GET /import/jobs/{id}/report.csv", s.page(s.importReport))

	mux.HandleFunc("/", s.notFound)
	return mux
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok"))
}

// request is what every signed-in handler gets besides the HTTP request.
type request struct {
	User  *huifang.User
	Token string
	Lang  lang
	T     translator
}

// handlerFunc is a page handler; an error it returns is rendered as an
// error page (or JSON for a JSON request).
type handlerFunc func(w http.ResponseWriter, r *http.Request, rq *request) error

// page authenticates the request and runs h. Without a valid session a page
// redirects to the login form, which comes back here afterwards.
func (s *server) page(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := s.newRequest(w, r)
		c, err := r.Cookie(sessionCookie)
		if err == nil && c.Value != "" {
			rq.Token = c.Value
			rq.User, err = s.svc.Authenticate(r.Context(), c.Value, huifang.SessionWeb)
		} else {
			err = huifang.Errorf(huifang.EUNAUTHORIZED, "err.auth.login_required")
		}
		if err != nil {
			if huifang.ErrorCode(err) != huifang.EUNAUTHORIZED {
				s.renderError(w, r, rq, err)
				return
			}
			s.toLogin(w, r, rq.Token != "")
			return
		}
		// Pages show personal information: never keep them in a cache.
		w.Header().Set("Cache-Control", "no-store")
		release, ok := s.heavySlot(w, r, rq)
		if !ok {
			return
		}
		defer release()
		if err := h(w, r, rq); err != nil {
			if huifang.ErrorCode(err) == huifang.EUNAUTHORIZED {
				s.toLogin(w, r, true)
				return
			}
			s.renderError(w, r, rq, err)
		}
	})
}

// gated is page for a route that needs a permission: a role without it is
// refused (403) before the handler reads the form, so that it never learns
// what is wrong with a form it may not send.
func (s *server) gated(p huifang.Permission, h handlerFunc) http.Handler {
	return s.page(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if err := app.Require(rq.User, p); err != nil {
			return err
		}
		return h(w, r, rq)
	})
}

// newRequest reads the language and remembers a ?lang= choice in a cookie.
func (s *server) newRequest(w http.ResponseWriter, r *http.Request) *request {
	l, fromQuery := langOf(r)
	if fromQuery {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	}
	return &request{Lang: l, T: tr(l)}
}

// toLogin sends an anonymous request to the login form; JSON requests get a 401.
func (s *server) toLogin(w http.ResponseWriter, r *http.Request, expired bool) {
	if expired {
		s.clearSession(w)
	}
	if wantsJSON(r) {
		httpx.JSON(w, http.StatusUnauthorized, httpx.ErrorBody{Error: i18n.T(i18n.ZH, "login.first"), Code: huifang.EUNAUTHORIZED})
		return
	}
	next := "/"
	if r.Method == http.MethodGet {
		next = r.URL.RequestURI()
	}
	q := url.Values{"next": {next}}
	if expired {
		q.Set("expired", "1")
	}
	http.Redirect(w, r, "/login?"+q.Encode(), http.StatusSeeOther)
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func (s *server) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
}

func (s *server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// errorPage is the data of the error page.
type errorPage struct {
	Message string
}

// renderError shows an application error with its message and anything else
// as an internal error, which is logged.
func (s *server) renderError(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	httpx.LogIfInternal(s.log, r, err)
	if wantsJSON(r) {
		body := httpx.BodyIn(rq.uiLang(), err)
		if body.Code == huifang.EINTERNAL {
			body.Error = rq.T.T("error.internal")
		}
		httpx.JSON(w, httpx.Status(err), body)
		return
	}
	msg := rq.T.T("error.internal")
	var ae *huifang.Error
	if errors.As(err, &ae) && ae.Code != huifang.EINTERNAL {
		msg = ae.Text(rq.uiLang())
	}
	s.render(w, r, rq, httpx.Status(err), "error", rq.T.T("error.title"), "", errorPage{Message: msg})
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	rq := s.newRequest(w, r)
	s.optionalUser(r, rq)
	s.render(w, r, rq, http.StatusNotFound, "error", rq.T.T("error.notfound"), "", errorPage{Message: rq.T.T("error.notfound")})
}

func (s *server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	rq := s.newRequest(w, r)
	s.render(w, r, rq, http.StatusForbidden, "error", rq.T.T("error.title"), "", errorPage{Message: rq.T.T("error.crossorigin")})
}

// optionalUser fills in the user when the request has a valid session, for
// pages that show without one.
func (s *server) optionalUser(r *http.Request, rq *request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if u, err := s.svc.Authenticate(r.Context(), c.Value, huifang.SessionWeb); err == nil {
			rq.User, rq.Token = u, c.Value
		}
	}
}

// now is the service's clock, so that pages agree with the rules.
func (s *server) now() time.Time { return s.svc.Clock.Now() }

// today is the current date in Asia/Shanghai.
func (s *server) today() huifang.Date { return huifang.DateOf(s.now()) }

// addFieldErrors copies an application error's per-field reasons into a
// form's error map, so each shows beside its field, and returns how many.
func addFieldErrors(rq *request, dst map[string]string, err error) int {
	var ae *huifang.Error
	if !errors.As(err, &ae) {
		return 0
	}
	for _, fe := range ae.Fields {
		dst[fe.Field] = fe.Text(rq.uiLang())
	}
	return len(ae.Fields)
}

// uiLang is the catalog language of the request's UI language.
func (rq *request) uiLang() i18n.Lang { return i18n.Lang(rq.Lang) }

// errText is an error's safe message in the request's UI language.
func (rq *request) errText(err error) string { return huifang.ErrorText(rq.uiLang(), err) }
