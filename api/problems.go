package api

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/profile"
)

func (a *API) routeProblems() {
	a.route("GET /api/v1/problem-cases", huifang.PermViewCallbacks, a.board)
	a.route("POST /api/v1/problem-cases", huifang.PermOpenCase, a.openCase)
	a.route("GET /api/v1/problem-cases/{id}", huifang.PermViewCallbacks, a.getCase)
	a.route("POST /api/v1/problem-cases/{id}/{verb}", huifang.PermWorkCases, a.caseStep)
	a.route("GET /api/v1/evidence/{id}", huifang.PermViewCallbacks, a.evidence)
	a.route("GET /api/v1/profile", anyone, a.getProfile)
	a.route("POST /api/v1/profile", huifang.PermSupervise, a.changeProfile)
	a.route("GET /api/v1/calendar/{year}", anyone, a.getCalendar)
	a.route("POST /api/v1/calendar", huifang.PermLoadCalendar, a.loadCalendar)
	a.route("GET /api/v1/notifications", anyone, a.notifications)
	a.route("POST /api/v1/problem-cases/bulk", huifang.PermWorkCases, a.bulkCases)
	a.route("POST /api/v1/notifications/read", anyone, a.notificationsRead)
	a.route("POST /api/v1/notifications/{id}/read", anyone, a.notificationRead)
}

func caseJSON(v app.CaseView) map[string]any {
	c := v.Case
	m := map[string]any{"id": c.ID, "policy_no": c.PolicyNo, "type": c.Type, "type_zh": i18n.T(i18n.ZH, c.Type.Key()), "status": c.Status, "status_zh": i18n.T(i18n.ZH, c.Status.Key()),
		"detail": c.Detail, "branch_code": c.BranchCode, "channel": c.Channel, "callback_id": c.CallbackID, "opened_at": c.OpenedAt,
		"opened_on": c.OpenedOn, "due_on": c.DueOn, "limit_days": c.LimitDays, "limit_working": c.LimitWorking,
		"holder_branch": c.HolderBranch, "handler_id": c.HandlerID, "recallback_id": c.RecallbackID, "actions": c.Actions,
		"resolved_at": timeOrNil(c.ResolvedAt, c.ResolvedAt), "closed_at": timeOrNil(c.ClosedAt, c.ClosedAt), "close_reason": c.CloseReason,
		"close_code": c.CloseCode, "close_code_zh": closeZH(c.CloseCode),
		"escalated_at": timeOrNil(c.EscalatedAt, c.EscalatedAt), "due_soon": v.DueSoon, "overdue": v.Overdue, "workdays_left": v.Workdays}
	if t := c.Pending; t != nil {
		m["pending_transfer"] = map[string]any{"from_branch": t.FromBranch, "to_branch": t.ToBranch, "to_user_id": t.ToUserID, "due_on": t.DueOn, "at": t.At}
	}
	if v.Contact != nil {
		m["contact"] = v.Contact
	}
	if v.Events != nil {
		evs := make([]map[string]any, len(v.Events))
		for i, e := range v.Events {
			evs[i] = map[string]any{"kind": e.Kind, "detail": e.Detail, "at": e.At, "actor": e.Actor, "evidence_id": e.EvidenceID}
		}
		m["timeline"] = evs
	}
	return m
}

func (a *API) board(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	q := r.URL.Query()
	f := app.BoardFilter{Scope: q.Get("scope"), Type: huifang.ProblemType(q.Get("type")), Status: huifang.ProblemStatus(q.Get("status")),
		Channel: huifang.Channel(q.Get("channel")), DueSoon: q.Get("due_soon") == "1", Overdue: q.Get("overdue") == "1"}
	limit, offset := app.BoardPageSize, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > app.MaxBoardPage {
			return huifang.Errorf(huifang.EINVALID, "err.api.bad_limit", app.MaxBoardPage)
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return huifang.Errorf(huifang.EINVALID, "err.api.bad_offset")
		}
		offset = n
	}
	f.Offset, f.Limit, f.After = offset, limit, strings.TrimSpace(q.Get("cursor"))
	if f.Type != "" && f.Type.ZH() == "" {
		return huifang.Errorf(huifang.EINVALID, "err.problem.unknown_type", f.Type)
	}
	if f.Status != "" && f.Status.ZH() == "" {
		return huifang.Errorf(huifang.EINVALID, "err.problem.unknown_status", f.Status)
	}
	views, next, err := a.svc.BoardPage(r.Context(), u, f)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(views))
	for i, v := range views {
		out[i] = caseJSON(v)
	}
	// next_cursor, passed back as cursor=, reads the next page ("" on the
	// last); next_offset stays for clients paging by offset.
	res := map[string]any{"problem_cases": out, "next_cursor": next}
	if next != "" && f.After == "" {
		res["next_offset"] = offset + limit
	}
	httpx.JSON(w, http.StatusOK, res)
	return nil
}

func closeZH(c huifang.CloseCode) string {
	if c == "" {
		return ""
	}
	return i18n.T(i18n.ZH, c.Key())
}

// bulkCases is POST /api/v1/problem-cases/bulk: the cases of "ids" assigned
// to a handler ("handler", a login) or transferred to a unit ("branch"),
// each checked on its own; the answer says what became of each.
func (a *API) bulkCases(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var b struct {
		IDs     []int64      `json:"ids"`
		Handler string       `json:"handler"`
		Branch  string       `json:"branch"`
		DueOn   huifang.Date `json:"due_on"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &b); err != nil {
		return err
	}
	if b.Handler != "" && b.Branch != "" {
		return huifang.Errorf(huifang.EINVALID, "err.api.bulk_one_target")
	}
	res, err := a.svc.BulkTransfer(r.Context(), u, app.BulkInput{IDs: b.IDs, Handler: b.Handler, Branch: b.Branch, DueOn: b.DueOn})
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(res))
	done := 0
	for i, x := range res {
		m := map[string]any{"id": x.ID, "ok": x.OK}
		if x.Err != nil {
			m["error"] = httpx.BodyIn(httpx.Lang(r), x.Err)
		} else {
			done++
		}
		out[i] = m
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"done": done, "refused": len(res) - done, "results": out})
	return nil
}

func (a *API) openCase(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var b struct {
		PolicyNo string              `json:"policy_no"`
		Type     huifang.ProblemType `json:"type"`
		Reason   string              `json:"reason"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &b); err != nil {
		return err
	}
	c, err := a.svc.OpenCase(r.Context(), u, b.PolicyNo, b.Type, b.Reason)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, caseJSON(app.CaseView{Case: c}))
	return nil
}

func (a *API) getCase(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := a.svc.Case(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, caseJSON(*v))
	return nil
}

// stepBody is the body of every workflow step; each uses what it needs.
type stepBody struct {
	Branch   string       `json:"branch"`
	Handler  string       `json:"handler"`
	DueOn    huifang.Date `json:"due_on"`
	Reason   string       `json:"reason"`
	Code     string       `json:"code"` // close: the fixed reason (closereason.*)
	Kind     string       `json:"kind"`
	Note     string       `json:"note"`
	Phone    string       `json:"phone"`
	Evidence *struct {
		Name        string `json:"name"`
		ContentType string `json:"content_type"`
		Data        string `json:"data"` // base64
	} `json:"evidence"`
}

// caseStep is POST /api/v1/problem-cases/{id}/{verb}: transfer, acknowledge,
// return, actions, recallback, resolve, close, reopen.
func (a *API) caseStep(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b stepBody
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, maxBody, &b); err != nil {
			return err
		}
	}
	ctx := r.Context()
	var c *huifang.ProblemCase
	switch r.PathValue("verb") {
	case "transfer":
		c, err = a.svc.Transfer(ctx, u, id, app.TransferInput{Branch: b.Branch, Handler: b.Handler, DueOn: b.DueOn})
	case "acknowledge":
		c, err = a.svc.Acknowledge(ctx, u, id)
	case "return":
		c, err = a.svc.ReturnTransfer(ctx, u, id, b.Reason)
	case "actions":
		in := app.ActionInput{Kind: b.Kind, Note: b.Note, Phone: b.Phone}
		if e := b.Evidence; e != nil {
			data, derr := base64.StdEncoding.DecodeString(e.Data)
			if derr != nil {
				return huifang.Errorf(huifang.EINVALID, "err.api.problem.evidence_base64")
			}
			in.Evidence = &app.Upload{Name: e.Name, ContentType: e.ContentType, Data: data}
		}
		c, err = a.svc.Act(ctx, u, id, in)
	case "recallback":
		c, err = a.svc.RequestRecallback(ctx, u, id)
	case "resolve":
		err = a.svc.Resolve(ctx, u, id)
	case "close":
		if b.Code == "" {
			// Before the fixed reasons a close carried only its reason: "other".
			b.Code = string(huifang.CloseOther)
		}
		c, err = a.svc.CloseCaseFor(ctx, u, id, huifang.CloseCode(b.Code), b.Reason)
	case "reopen":
		c, err = a.svc.Reopen(ctx, u, id, b.Reason)
	default:
		return huifang.Errorf(huifang.ENOTFOUND, "err.api.no_such_verb", r.PathValue("verb"))
	}
	if err != nil {
		return err
	}
	v, err := a.svc.Case(ctx, u, c.ID)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, caseJSON(*v))
	return nil
}

func (a *API) evidence(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	body, e, err := a.svc.Evidence(r.Context(), u, id)
	if err != nil {
		return err
	}
	defer body.Close()
	ct := e.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename*=UTF-8''%s`, urlEscape(e.Name)))
	w.Header().Set("Content-Length", strconv.FormatInt(e.Size, 10))
	w.Header().Set("X-Checksum-Sha256", e.SHA256)
	if _, err := io.Copy(w, body); err != nil {
		a.log.Warn("evidence stream ended early", "evidence", id, "err", err)
	}
	return nil
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func (a *API) getProfile(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	vs, err := a.svc.Profiles(r.Context(), u)
	if err != nil {
		return err
	}
	cur, err := a.svc.ProfileFor(r.Context(), u.OrgID, huifang.DateOf(a.svc.Clock.Now()))
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"in_force": cur, "versions": vs})
	return nil
}

func (a *API) changeProfile(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var b struct {
		From  huifang.Date  `json:"effective_from"`
		Rules profile.Rules `json:"rules"`
		Note  string        `json:"note"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &b); err != nil {
		return err
	}
	v, err := a.svc.ChangeProfile(r.Context(), u, app.ProfileInput{From: b.From, Rules: b.Rules, Note: b.Note})
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, v)
	return nil
}

func (a *API) getCalendar(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var year int
	if _, err := fmt.Sscanf(r.PathValue("year"), "%d", &year); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.calendar.bad_year")
	}
	y, ok := a.svc.Calendar().Year(year)
	if !ok {
		return huifang.Errorf(huifang.ENOTFOUND, "err.calendar.no_year", year)
	}
	var hs []map[string]any
	for _, h := range y.Holidays() {
		hs = append(hs, map[string]any{"name": h.Name, "rest": h.Rest, "work": h.Work})
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"year": y.Year, "published": y.Published, "source": y.Source, "holidays": hs})
	return nil
}

// loadCalendar takes a year's calendar file (docs/calendar.md) as the body.
func (a *API) loadCalendar(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.calendar.unreadable")
	}
	y, err := a.svc.LoadCalendarYear(r.Context(), u, string(body))
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, map[string]any{"year": y.Year, "rest_days": len(y.Rest), "work_days": len(y.Work)})
	return nil
}

// notifications is GET /api/v1/notifications: the caller's, newest first,
// a page at a time (?before=ID, ?limit=, ?unread=1); next_before pages on.
func (a *API) notifications(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	q := r.URL.Query()
	p := huifang.NotificationPage{Limit: 50, Unread: q.Get("unread") == "1"}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return huifang.Errorf(huifang.EINVALID, "err.api.bad_limit", 200)
		}
		p.Limit = n
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return huifang.Errorf(huifang.EINVALID, "err.api.bad_before")
		}
		p.Before = n
	}
	limit := p.Limit
	p.Limit++
	ns, err := a.svc.NotificationsPage(r.Context(), u, p)
	if err != nil {
		return err
	}
	more := len(ns) > limit
	if more {
		ns = ns[:limit]
	}
	out := make([]map[string]any, len(ns))
	for i, n := range ns {
		m := map[string]any{"id": n.ID, "kind": n.Kind, "subject": n.Subject, "body": n.Body, "at": n.At, "read": !n.ReadAt.IsZero()}
		if n.CaseID != 0 {
			m["case_id"] = n.CaseID
			m["case_url"] = "/api/v1/problem-cases/" + strconv.FormatInt(n.CaseID, 10)
		}
		out[i] = m
	}
	res := map[string]any{"notifications": out}
	if more {
		res["next_before"] = ns[len(ns)-1].ID
	}
	httpx.JSON(w, http.StatusOK, res)
	return nil
}

// notificationsRead is POST /api/v1/notifications/read: all of the caller's read.
func (a *API) notificationsRead(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	if err := a.svc.MarkNotificationsRead(r.Context(), u); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// notificationRead is POST /api/v1/notifications/{id}/read.
func (a *API) notificationRead(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.svc.MarkNotificationRead(r.Context(), u, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
