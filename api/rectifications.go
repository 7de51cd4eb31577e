package api

import (
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
)

// Rectification notices (docs/rectification.md). Who may do what is the
// service's: the regulator's side sends, closes and returns for the
// companies it oversees; a company lists and answers its own.
func (a *API) routeRectifications() {
	a.route("GET /api/v1/rectifications", anyone, a.listRectifications)
	a.route("POST /api/v1/rectifications", huifang.PermRectify, a.sendRectification)
	a.route("GET /api/v1/rectifications/{id}", anyone, a.getRectification)
	a.route("POST /api/v1/rectifications/{id}/{verb}", anyone, a.stepRectification) // answer, close, return
}

func rectificationJSON(r *huifang.Rectification, today huifang.Date) map[string]any {
	return map[string]any{"id": r.ID, "org": r.OrgCode, "org_name": r.OrgName, "subject": r.Subject, "body": r.Body, "due_on": r.DueOn,
		"status": r.Status, "overdue": r.Overdue(today), "answer": r.Answer, "comment": r.Comment, "returns": r.Returns,
		"sent_at": r.SentAt, "sent_by": r.SentBy, "answered_at": timeOrNil(r.AnsweredAt, r.AnsweredAt), "answered_by": r.AnsweredBy,
		"closed_at": timeOrNil(r.ClosedAt, r.ClosedAt), "closed_by": r.ClosedBy}
}

func (a *API) today() huifang.Date { return huifang.DateOf(a.svc.Clock.Now()) }

// listRectifications is GET /api/v1/rectifications?status=S&org=CODE.
func (a *API) listRectifications(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	q := r.URL.Query()
	list, err := a.svc.Rectifications(r.Context(), u, app.RectificationQuery{Status: q.Get("status"), OrgCode: q.Get("org")})
	if err != nil {
		return err
	}
	today := a.today()
	out := make([]map[string]any, len(list))
	for i := range list {
		out[i] = rectificationJSON(&list[i], today)
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"rectifications": out})
	return nil
}

// sendRectification is POST /api/v1/rectifications {"org", "subject",
// "body", "due_on"}.
func (a *API) sendRectification(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var in struct {
		Org     string `json:"org"`
		Subject string `json:"subject"`
		Body    string `json:"body"`
		DueOn   string `json:"due_on"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	n, err := a.svc.SendRectification(r.Context(), u, app.RectificationInput{OrgCode: in.Org, Subject: in.Subject, Body: in.Body, Due: in.DueOn})
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, rectificationJSON(n, a.today()))
	return nil
}

// getRectification is GET /api/v1/rectifications/{id}: the notice and its timeline.
func (a *API) getRectification(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := app.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := a.svc.Rectification(r.Context(), u, id)
	if err != nil {
		return err
	}
	out := rectificationJSON(v.Notice, a.today())
	evs := make([]map[string]any, len(v.Events))
	for i, e := range v.Events {
		evs[i] = map[string]any{"kind": e.Kind, "text": e.Text, "at": e.At, "actor": e.Actor}
	}
	out["events"] = evs
	httpx.JSON(w, http.StatusOK, out)
	return nil
}

// stepRectification is POST /api/v1/rectifications/{id}/answer {"answer"},
// .../close {"comment"} and .../return {"comment"}.
func (a *API) stepRectification(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := app.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	verb := r.PathValue("verb")
	if verb != "answer" && verb != "close" && verb != "return" {
		return huifang.Errorf(huifang.ENOTFOUND, "err.api.no_such_endpoint", r.Method+" "+r.URL.Path)
	}
	var in struct {
		Answer  string `json:"answer"`
		Comment string `json:"comment"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	var n *huifang.Rectification
	switch verb {
	case "answer":
		n, err = a.svc.AnswerRectification(r.Context(), u, id, in.Answer)
	case "close":
		n, err = a.svc.CloseRectification(r.Context(), u, id, in.Comment)
	default:
		n, err = a.svc.ReturnRectification(r.Context(), u, id, in.Comment)
	}
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, rectificationJSON(n, a.today()))
	return nil
}
