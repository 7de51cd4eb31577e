package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/indicator"
)

// Statistics tables submitted to the regulator (docs/submissions.md).
func (a *API) routeSubmissions() {
	a.route("GET /api/v1/submissions", huifang.PermViewStats, a.listSubmissions)
	a.route("POST /api/v1/submissions", huifang.PermSubmitStats, a.submit)
	a.route("POST /api/v1/submissions/upload", huifang.PermSubmitStats, a.uploadSubmission)
	a.route("GET /api/v1/submissions/status", huifang.PermReviewStats, a.submissionStatus)
	a.route("GET /api/v1/submissions/{id}", huifang.PermViewStats, a.getSubmission)
	a.route("POST /api/v1/submissions/{id}/{verb}", huifang.PermReviewStats, a.reviewSubmission)
}

func submissionJSON(s *huifang.Submission) map[string]any {
	return map[string]any{"id": s.ID, "period": s.Period, "kind": s.Kind, "version": s.Version, "status": s.Status, "source": s.Source,
		"hash": s.Hash, "reason": s.Reason, "due_on": s.DueOn, "late": s.Late, "submitted_at": s.SubmittedAt, "submitted_by": s.SubmittedBy,
		"comment": s.Comment, "reviewed_at": timeOrNil(s.ReviewedAt, s.ReviewedAt), "reviewed_by": s.ReviewedBy}
}

// listSubmissions is GET /api/v1/submissions?org=CODE&period=P: a
// company's versions, the latest first (a regulator's code: every company's).
func (a *API) listSubmissions(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	q := r.URL.Query()
	_, subs, err := a.svc.Submissions(r.Context(), u, q.Get("org"), q.Get("period"))
	if err != nil {
		return err
	}
	visible, err := a.svc.VisibleOrgs(r.Context(), u)
	if err != nil {
		return err
	}
	orgs := map[int64]string{}
	for _, o := range visible {
		orgs[o.ID] = o.Code
	}
	out := make([]map[string]any, len(subs))
	for i := range subs {
		out[i] = submissionJSON(&subs[i])
		out[i]["org"] = orgs[subs[i].OrgID]
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"submissions": out})
	return nil
}

// submit is POST /api/v1/submissions {"period","reason"}: generate the
// company's table and submit it (with a reason for a correction).
func (a *API) submit(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var in struct {
		Org    string `json:"org"`
		Period string `json:"period"`
		Reason string `json:"reason"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	sub, err := a.svc.SubmitStats(r.Context(), u, app.SubmitInput{OrgCode: in.Org, Period: in.Period, Reason: in.Reason})
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, submissionJSON(sub))
	return nil
}

// uploadSubmission is POST /api/v1/submissions/upload?period=P[&reason=R]
// with the filled-in template (XLSX) as the body.
func (a *API) uploadSubmission(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 10<<20))
	if err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.api.submission.unreadable")
	}
	q := r.URL.Query()
	sub, err := a.svc.UploadStats(r.Context(), u, app.SubmitInput{OrgCode: q.Get("org"), Period: q.Get("period"), Reason: q.Get("reason")},
		bytes.NewReader(body), int64(len(body)))
	var ue *app.UploadError
	if errors.As(err, &ue) {
		return ue.AppError() // every cell in the error's fields
	} else if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, submissionJSON(sub))
	return nil
}

// getSubmission is GET /api/v1/submissions/{id}: the version with its frozen
// content and hash; ?format=csv|xlsx gives the frozen table as a file.
func (a *API) getSubmission(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sub, err := a.svc.Submission(r.Context(), u, id)
	if err != nil {
		return err
	}
	if err := app.VerifySubmission(sub); err != nil {
		return err
	}
	switch format := r.URL.Query().Get("format"); format {
	case "", "json":
		out := submissionJSON(sub)
		out["content"] = json.RawMessage(sub.Content)
		httpx.JSON(w, http.StatusOK, out)
		return nil
	case "csv", "xlsx":
		var buf bytes.Buffer
		if err := app.RenderSubmission(&buf, sub, format); err != nil {
			return err
		}
		ctype := map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="submission-%d-v%d.%s"`, sub.ID, sub.Version, format))
		w.Write(buf.Bytes())
		return nil
	default:
		return huifang.Errorf(huifang.EINVALID, "err.api.unknown_format", format)
	}
}

// reviewSubmission is POST /api/v1/submissions/{id}/accept or /return
// {"comment"} (required to return).
func (a *API) reviewSubmission(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	verb := r.PathValue("verb")
	if verb != "accept" && verb != "return" {
		return huifang.Errorf(huifang.ENOTFOUND, "err.api.no_such_verb", verb)
	}
	var in struct {
		Comment string `json:"comment"`
	}
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
			return err
		}
	}
	sub, err := a.svc.ReviewSubmission(r.Context(), u, id, app.ReviewInput{Accept: verb == "accept", Comment: in.Comment})
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, submissionJSON(sub))
	return nil
}

// submissionStatus is GET /api/v1/submissions/status[?periods=2026-03,2026-Q1]:
// for the regulator, each company and period (the recent ones by default).
func (a *API) submissionStatus(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var periods []indicator.Period
	for _, s := range strings.Split(r.URL.Query().Get("periods"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := indicator.ParsePeriod(s)
		if err != nil {
			return err
		}
		periods = append(periods, p)
	}
	if len(periods) == 0 {
		periods = app.RecentPeriods(huifang.DateOf(a.svc.Clock.Now()))
	}
	states, err := a.svc.SubmissionStatus(r.Context(), u, r.URL.Query().Get("org"), periods)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(states))
	for i, s := range states {
		out[i] = map[string]any{"org": s.OrgCode, "org_name": s.OrgName, "period": s.Period.String(), "due_on": s.Due, "status": s.Status,
			"version": s.Version, "submission_id": s.SubmissionID, "submitted_at": timeOrNil(s.SubmittedAt, s.SubmittedAt), "late": s.Late}
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"status": out})
	return nil
}
