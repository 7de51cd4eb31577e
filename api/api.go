// Package api is huifang's JSON API for call-centre systems, core insurance
// systems and scripts. Every request carries `Authorization: Bearer TOKEN`
// (tokens come from `huifang token add`); every call acts as the token's user,
// inside its organisation, with its role's permissions.
package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
)

// maxBody limits JSON request bodies; a policy batch of 10,000 rows fits.
const maxBody = 32 << 20

// API serves /api/v1/.
type API struct {
	svc   *app.Service
	log   *slog.Logger
	mux   *http.ServeMux
	heavy *httpx.Limiter
}

// Options configure the API.
type Options struct {
	// Heavy limits how many heavy requests (lists, statistics, exports: see
	// weight.go) run at once; nil limits nothing. serve shares one limiter
	// between the API and the web UI.
	Heavy *httpx.Limiter
}

// New returns the API handler, to be mounted at /api/, with no limit on
// heavy requests.
func New(svc *app.Service, log *slog.Logger) http.Handler { return NewWith(svc, log, Options{}) }

// NewWith returns the API handler configured by o.
func NewWith(svc *app.Service, log *slog.Logger, o Options) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	a := &API{svc: svc, log: log, mux: http.NewServeMux(), heavy: o.Heavy}
	a.route("GET /api/v1/me", anyone, a.me)
	a.route("POST /api/v1/callbacks/next", huifang.PermWorkCallbacks, a.next)
	a.route("GET /api/v1/desk", huifang.PermWorkCallbacks, a.desk)
	a.route("GET /api/v1/callbacks", huifang.PermViewCallbacks, a.listCallbacks)
	a.route("GET /api/v1/callbacks/{id}", huifang.PermViewCallbacks, a.getCallback)
	a.route("POST /api/v1/callbacks/{id}/attempts", huifang.PermWorkCallbacks, a.attempt)
	a.route("POST /api/v1/callbacks/{id}/finish", huifang.PermWorkCallbacks, a.finish)
	a.route("POST /api/v1/callbacks/{id}/release", huifang.PermWorkCallbacks, a.release)
	a.route("POST /api/v1/callbacks/{id}/take", huifang.PermWorkCallbacks, a.take)
	a.route("POST /api/v1/callbacks/{id}/electronic", huifang.PermWorkCallbacks, a.sendElectronic)
	a.route("POST /api/v1/policies/{no}/reveal-phone", anyone, a.revealPhone) // the service audits a refusal
	a.route("POST /api/v1/import/{kind}", huifang.PermImport, a.importBatch)
	a.route("GET /api/v1/export/callbacks", huifang.PermExport, a.export)
	a.route("GET /api/v1/stats", huifang.PermViewStats, a.stats)
	a.routeProblems()
	a.routeRecordings()
	a.routeLetters()
	a.routeScripts()
	a.routeSubmissions()
	a.routeAgents()
	a.routeRisks()
	a.routeMisconduct()
	a.routeSupervisors()
	a.routeRectifications()
	a.routeDisclosure()
	a.routeSpotChecks()
	a.routeQA()
	a.routeInspection()
	a.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		httpx.JSON(w, http.StatusNotFound, httpx.BodyIn(httpx.Lang(r), huifang.Errorf(huifang.ENOTFOUND, "err.api.no_such_endpoint", r.Method+" "+r.URL.Path)))
	})
	return a.mux
}

type handler func(w http.ResponseWriter, r *http.Request, u *huifang.User) error

// anyone is the gate of a route open to every signed-in user; the service
// decides what each may see.
const anyone huifang.Permission = ""

// route wraps a handler with authentication, its gate and error rendering.
// The gate is the permission the service requires first: checked before the
// handler reads the request, so that a role without it is refused (403)
// whatever the body, never told what is wrong with a body it may not send.
// Every response says no-store: the API answers with personal data.
//
// A heavy route (weight.go) takes a slot of the heavy-request limiter once
// the caller is known and allowed, counted against the token's user; a full
// limiter, or a user already holding its places, answers 503 with
// Retry-After. Light routes never wait for one.
func (a *API) route(pattern string, gate huifang.Permission, h handler) {
	heavy := a.heavy != nil && weightOf(pattern) == httpx.Heavy
	a.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		u, err := a.authenticate(r)
		if err == nil && gate != anyone {
			err = app.Require(u, gate)
		}
		if err == nil && heavy {
			var release func()
			if release, err = a.heavy.AcquireFor(r.Context(), u.ID); err == nil {
				defer release()
			} else if r.Context().Err() != nil {
				return // the client went away
			}
		}
		if err == nil {
			err = h(w, r, u)
		}
		if err != nil {
			httpx.Error(w, r, a.log, err)
		}
	})
}

func (a *API) authenticate(r *http.Request) (*huifang.User, error) {
	h := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return nil, huifang.Errorf(huifang.EUNAUTHORIZED, "err.api.no_token")
	}
	return a.svc.Authenticate(r.Context(), strings.TrimSpace(token), huifang.SessionAPI)
}

func (a *API) me(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	org, err := a.svc.OwnOrg(r.Context(), u)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"login": u.Login, "name": u.Name, "role": u.Role, "org": org.Code, "org_name": org.Name})
	return nil
}

func (a *API) next(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	work, err := a.svc.Next(r.Context(), u)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, workJSON(work))
	return nil
}

// take hands the operator one named callback (the customer rang back).
func (a *API) take(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	work, err := a.svc.Take(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, workJSON(work))
	return nil
}

func pathID(r *http.Request) (int64, error) { return app.ParseID(r.PathValue("id")) }

func (a *API) getCallback(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	work, err := a.svc.Callback(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, workJSON(work))
	return nil
}

func (a *API) listCallbacks(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	f, err := httpx.CallbackFilter(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := a.svc.ListCallbacksPage(r.Context(), u, f)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(page.Rows))
	for i, c := range page.Rows {
		out[i] = callbackJSON(&c.Callback)
		out[i]["holder_name"] = c.HolderName
		out[i]["product_code"] = c.ProductCode
		out[i]["receipt_on"] = c.ReceiptOn
		out[i]["operator"] = c.Operator
	}
	// total counts up to huifang.CountCap; total_capped says there are more.
	// next_cursor, passed as cursor=, reads the next page ("" on the last).
	body := map[string]any{"total": page.Total.N, "callbacks": out, "next_cursor": page.Next}
	if page.Total.Capped {
		body["total_capped"] = true
	}
	httpx.JSON(w, http.StatusOK, body)
	return nil
}

type attemptBody struct {
	Outcome    huifang.AttemptOutcome `json:"outcome"`
	Note       string                 `json:"note"`
	ScheduleAt *time.Time             `json:"schedule_at"` // RFC 3339
}

func (a *API) attempt(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b attemptBody
	if err := httpx.DecodeJSON(w, r, maxBody, &b); err != nil {
		return err
	}
	in := app.AttemptInput{Outcome: b.Outcome, Note: b.Note}
	if b.ScheduleAt != nil {
		in.ScheduleAt = *b.ScheduleAt
	}
	c, err := a.svc.RecordAttempt(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, callbackJSON(c))
	return nil
}

func (a *API) finish(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b app.FinishInput
	if err := httpx.DecodeJSON(w, r, maxBody, &b); err != nil {
		return err
	}
	c, err := a.svc.Finish(r.Context(), u, id, b)
	if err != nil {
		return err
	}
	a.finished(w, r, u, c)
	return nil
}

func (a *API) release(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.Release(r.Context(), u, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) revealPhone(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	phone, err := a.svc.RevealPhone(r.Context(), u, r.PathValue("no"))
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]string{"policy_no": r.PathValue("no"), "phone": phone})
	return nil
}

func (a *API) export(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	f, err := httpx.CallbackFilter(r.URL.Query())
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "xlsx" {
		return huifang.Errorf(huifang.EINVALID, "err.export.unknown_format", format)
	}
	if !u.Can(huifang.PermExport) {
		return huifang.Errorf(huifang.EFORBIDDEN, "err.export.forbidden", u.Role)
	}
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="callbacks-%s.%s"`, huifang.DateOf(a.svc.Clock.Now()), format))
	// Once streaming has begun an error can only be logged.
	if err := a.svc.ExportCallbacks(r.Context(), u, f, format, w); err != nil {
		a.log.Error("export failed mid-stream", "err", err)
	}
	return nil
}

// finished replies with a finished callback and the problem cases it opened.
func (a *API) finished(w http.ResponseWriter, r *http.Request, u *huifang.User, c *huifang.Callback) {
	out := callbackJSON(c)
	if ps, err := a.svc.ListProblemCases(r.Context(), u, problemFilterFor(c.ID)); err == nil {
		out["problem_cases"] = problemsJSON(ps)
	}
	httpx.JSON(w, http.StatusOK, out)
}
