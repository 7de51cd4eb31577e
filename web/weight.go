package web

import (
	"errors"
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
)

// weights classes every route of routes() (web.go) as Light or Heavy.
// Heavy routes (dashboards, drill-downs, statistics, lists with filters,
// exports, downloads, spot-check draws, inspection packages) take a slot of
// the server's heavy-request limiter after sign-in; light ones (the
// operators' desk, the customers' pages, login, static files) never wait
// behind them. TestEveryWebRouteWeighed keeps the table whole.
var weights = map[string]httpx.Weight{
	"GET /healthz":          httpx.Light,
	"GET /static/{name...}": httpx.Light,
	"GET /login":            httpx.Light,
	"POST /login":           httpx.Light,
	"POST /logout":          httpx.Light,
	"GET /{$}":              httpx.Light,

	"GET /account":                     httpx.Light,
	"POST /account/password":           httpx.Light,
	"GET /admin/users":                 httpx.Light,
	"POST /admin/users/{login}/{verb}": httpx.Light,
	"GET /admin/supervisors":           httpx.Light,
	"POST /admin/supervisors/{login}":  httpx.Light,
	"GET /admin/tokens":                httpx.Light,
	"POST /admin/tokens":               httpx.Light,
	"POST /admin/tokens/{id}/revoke":   httpx.Light,

	"GET /work":                   httpx.Light,
	"POST /work/next":             httpx.Light,
	"GET /work/{id}":              httpx.Light,
	"POST /work/{id}/attempt":     httpx.Light,
	"POST /work/{id}/finish":      httpx.Light,
	"POST /work/{id}/release":     httpx.Light,
	"POST /work/{id}/take":        httpx.Light,
	"POST /work/{id}/reveal":      httpx.Light,
	"POST /work/{id}/false-phone": httpx.Light,
	"GET /risks":                  httpx.Heavy,

	"GET /dashboard":                                httpx.Heavy,
	"GET /dashboard/data.json":                      httpx.Heavy,
	"GET /callbacks":                                httpx.Heavy,
	"GET /callbacks/{id}":                           httpx.Light,
	"POST /callbacks/{id}/letter":                   httpx.Light,
	"GET /callbacks/{id}/receipt":                   httpx.Light,
	"POST /callbacks/{id}/attempts/{aid}/recording": httpx.Light,
	"GET /recordings/{id}":                          httpx.Heavy,
	"POST /callbacks/{id}/electronic":               httpx.Light,
	"POST /callbacks/{id}/electronic/withdraw":      httpx.Light,
	"GET /export/callbacks":                         httpx.Heavy,
	"GET /problems":                                 httpx.Heavy,
	"POST /problems":                                httpx.Light,
	"GET /problems/figure":                          httpx.Heavy,
	"GET /problems/{id}":                            httpx.Light,
	"POST /problems/bulk":                           httpx.Heavy,
	"POST /problems/{id}/{verb}":                    httpx.Light,
	"POST /problems/{id}/reveal":                    httpx.Light,
	"GET /problems/{id}/evidence/{eid}":             httpx.Heavy,

	"GET /scripts":                httpx.Light,
	"POST /scripts":               httpx.Heavy,
	"GET /scripts/library":        httpx.Light,
	"GET /scripts/library/{code}": httpx.Light,
	"GET /scripts/{id}":           httpx.Light,
	"POST /scripts/{id}/{verb}":   httpx.Light,
	"GET /scripts/edit/{id}":      httpx.Light,
	"POST /scripts/edit/{id}":     httpx.Light,
	"POST /scripts/check/{id}":    httpx.Light,

	"GET /stats":                     httpx.Heavy,
	"GET /stats/download":            httpx.Heavy,
	"GET /stats/template":            httpx.Heavy,
	"POST /stats/submit":             httpx.Heavy,
	"POST /stats/upload":             httpx.Heavy,
	"GET /submissions":               httpx.Light,
	"GET /submissions/{id}":          httpx.Light,
	"GET /submissions/{id}/download": httpx.Heavy,
	"POST /submissions/{id}/{verb}":  httpx.Light,

	"GET /agents":                                        httpx.Heavy,
	"GET /agents/{code}":                                 httpx.Heavy,
	"POST /agents/{code}/leave":                          httpx.Light,
	"POST /agents/{code}/complete":                       httpx.Light,
	"GET /misconduct":                                    httpx.Heavy,
	"GET /misconduct/search":                             httpx.Heavy,
	"GET /inspection":                                    httpx.Heavy,
	"GET /inspection/{file}":                             httpx.Heavy,
	"POST /misconduct/{id}/{verb}":                       httpx.Light,
	"GET /rectifications":                                httpx.Heavy,
	"POST /rectifications":                               httpx.Light,
	"GET /rectifications/{id}":                           httpx.Light,
	"POST /rectifications/{id}/{verb}":                   httpx.Light,
	"GET /spotchecks":                                    httpx.Heavy,
	"POST /spotchecks":                                   httpx.Heavy,
	"GET /spotchecks/{id}":                               httpx.Heavy,
	"POST /spotchecks/{id}/assign":                       httpx.Light,
	"GET /spotchecks/{id}/items/{item}":                  httpx.Light,
	"POST /spotchecks/{id}/items/{item}/verdict":         httpx.Light,
	"POST /spotchecks/{id}/items/{item}/reveal":          httpx.Light,
	"GET /spotchecks/{id}/items/{item}/recordings/{rid}": httpx.Heavy,
	"GET /spotchecks/{id}/items/{item}/receipt":          httpx.Light,

	"GET /qa":                       httpx.Heavy,
	"POST /qa/draw":                 httpx.Heavy,
	"GET /qa/mine":                  httpx.Light,
	"GET /qa/figures":               httpx.Heavy,
	"GET /qa/{id}":                  httpx.Light,
	"POST /qa/{id}/evaluate":        httpx.Light,
	"POST /qa/{id}/decide":          httpx.Light,
	"POST /qa/{id}/calibrate":       httpx.Light,
	"POST /qa/{id}/appeal":          httpx.Light,
	"GET /qa/{id}/recordings/{rid}": httpx.Heavy,

	"GET /profile":                  httpx.Light,
	"POST /profile":                 httpx.Light,
	"GET /admin/calendar":           httpx.Light,
	"POST /admin/calendar/load":     httpx.Light,
	"GET /notifications":            httpx.Light,
	"POST /notifications/read":      httpx.Light,
	"POST /notifications/{id}/read": httpx.Light,
	"GET /admin/outbox":             httpx.Heavy,

	"GET /disclosures":          httpx.Heavy,
	"POST /disclosures/publish": httpx.Heavy,
	"POST /disclosures/errata":  httpx.Heavy,
	"GET /disclosure":           httpx.Light,
	"GET /disclosure/{period}":  httpx.Light,

	"GET /e/{token}":  httpx.Light,
	"POST /e/{token}": httpx.Light,

	"GET /import":                      httpx.Light,
	"POST /import":                     httpx.Heavy,
	"GET /import/{id}":                 httpx.Light,
	"GET /import/jobs/{id}":            httpx.Light,
	"GET /import/jobs/{id}/report.csv": httpx.Heavy,
}

// weightOf is a route pattern's weight; a route missing from the table
// counts as heavy.
func weightOf(pattern string) httpx.Weight {
	if w, ok := weights[pattern]; ok {
		return w
	}
	return httpx.Heavy
}

// busyPage is the data of the page a refused heavy request shows.
type busyPage struct {
	Message string
	Retry   string // the same address, to try again
}

// heavySlot takes a slot of the heavy-request limiter for a heavy route,
// once the user is known, counted against that user's places (a user
// with too many heavy pages in flight is refused at once). It answers the
// refusal itself (503 with Retry-After, or nothing when the client went
// away) and returns ok=false.
func (s *server) heavySlot(w http.ResponseWriter, r *http.Request, rq *request) (release func(), ok bool) {
	if s.opts.Heavy == nil || weightOf(r.Pattern) != httpx.Heavy {
		return func() {}, true
	}
	release, err := s.opts.Heavy.AcquireFor(r.Context(), rq.User.ID)
	if err == nil {
		return release, true
	}
	if !errors.Is(err, httpx.ErrBusy) {
		return nil, false // the client went away
	}
	httpx.SetRetryAfter(w, err)
	if wantsJSON(r) {
		httpx.JSON(w, http.StatusServiceUnavailable, httpx.BodyIn(rq.uiLang(), err))
		return nil, false
	}
	retry := "/"
	if r.Method == http.MethodGet {
		retry = r.URL.RequestURI()
	}
	s.render(w, r, rq, http.StatusServiceUnavailable, "busy", rq.T.T("busy.title"), "", busyPage{Message: huifang.ErrorText(rq.uiLang(), err), Retry: retry})
	return nil, false
}
