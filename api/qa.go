package api

import (
	"net/http"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
)

// QA scoring of calls (docs/qa.md).
func (a *API) routeQA() {
	a.route("GET /api/v1/qa", huifang.PermQAEvaluate, a.listQA)
	a.route("POST /api/v1/qa/draw", huifang.PermQAEvaluate, a.drawQA)
	a.route("GET /api/v1/qa/mine", huifang.PermQAOwn, a.myQA)
	a.route("GET /api/v1/qa/figures", huifang.PermQAFigures, a.qaFigures)
	a.route("GET /api/v1/qa/{id}", anyone, a.getQA) // QA, the operator whose call it is, managers: the service checks
	a.route("POST /api/v1/qa/{id}/evaluate", huifang.PermQAEvaluate, a.evaluateQA)
	a.route("POST /api/v1/qa/{id}/appeal", huifang.PermQAOwn, a.appealQA)
	a.route("POST /api/v1/qa/{id}/decide", huifang.PermQAEvaluate, a.decideQA)
	a.route("POST /api/v1/qa/{id}/calibrate", huifang.PermQAEvaluate, a.calibrateQA)
}

func qaJSON(e *huifang.QAEvaluation) map[string]any {
	items := make([]map[string]any, len(e.Items))
	for i, it := range e.Items {
		items[i] = map[string]any{"code": it.Code, "kind": it.Kind, "weight": it.Weight, "critical": it.Critical, "answer": it.Answer}
	}
	return map[string]any{"id": e.ID, "callback_id": e.CallbackID, "policy_no": e.PolicyNo, "operator": e.Operator, "week": e.Week,
		"reason": e.Reason, "pair_id": e.PairID, "status": e.Status, "evaluator": e.Evaluator, "items": items, "score": e.Score,
		"critical_fail": e.CriticalFail, "note": e.Note, "evaluated_at": timeOrNil(e.EvaluatedAt, e.EvaluatedAt), "appeal": e.Appeal,
		"appealed_at": timeOrNil(e.AppealedAt, e.AppealedAt), "decision_note": e.DecisionNote, "decided_by": e.DecidedBy,
		"decided_at": timeOrNil(e.DecidedAt, e.DecidedAt), "created_at": e.CreatedAt}
}

func qaList(es []huifang.QAEvaluation) []map[string]any {
	out := make([]map[string]any, len(es))
	for i := range es {
		out[i] = qaJSON(&es[i])
	}
	return out
}

// afterParam reads the keyset ?after=id.
func afterParam(r *http.Request) (int64, error) {
	if v := r.URL.Query().Get("after"); v != "" {
		return app.ParseID(v)
	}
	return 0, nil
}

// listQA is GET /api/v1/qa?status=&after=: QA's queue, newest first, 50 a page.
func (a *API) listQA(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	after, err := afterParam(r)
	if err != nil {
		return err
	}
	f := huifang.QAFilter{AfterID: after}
	if st := r.URL.Query().Get("status"); st != "" {
		f.Status = huifang.QAStatus(st)
		ok := false
		for _, x := range huifang.QAStatuses {
			ok = ok || x == f.Status
		}
		if !ok {
			return huifang.Errorf(huifang.EINVALID, "err.qa.status")
		}
	}
	es, err := a.svc.QAQueue(r.Context(), u, f)
	if err != nil {
		return err
	}
	out := map[string]any{"evaluations": qaList(es)}
	if len(es) == 50 {
		out["next_after"] = strconv.FormatInt(es[len(es)-1].ID, 10)
	}
	httpx.JSON(w, http.StatusOK, out)
	return nil
}

// drawQA is POST /api/v1/qa/draw: the current week's draw.
func (a *API) drawQA(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	d, err := a.svc.DrawQA(r.Context(), u)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"week": d.Week, "calls": d.Calls, "random": d.Random, "flagged": d.Flagged})
	return nil
}

// myQA is GET /api/v1/qa/mine?after=: the operator's scored evaluations.
func (a *API) myQA(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	after, err := afterParam(r)
	if err != nil {
		return err
	}
	es, err := a.svc.MyQA(r.Context(), u, after)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"evaluations": qaList(es)})
	return nil
}

// getQA is GET /api/v1/qa/{id}: one evaluation, its form, and the
// agreement with its calibration pair.
func (a *API) getQA(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := a.svc.QAEvaluation(r.Context(), u, id)
	if err != nil {
		return err
	}
	out := qaJSON(&v.QAEvaluation)
	form := make([]map[string]any, len(v.Form))
	for i, it := range v.Form {
		form[i] = map[string]any{"code": it.Code, "kind": it.Kind, "weight": it.Weight, "critical": it.Critical}
	}
	out["form"], out["script"], out["seconds"], out["min_seconds"] = form, v.Script, v.Seconds, v.MinSeconds
	if v.Agreement != nil {
		out["agreement"] = map[string]any{"pair_id": v.Pair.ID, "items": v.Agreement.Items, "same": v.Agreement.Same,
			"agree_bp": v.Agreement.AgreeBP(), "score_diff": v.Agreement.ScoreDiff, "both_critical": v.Agreement.BothCritical}
	}
	httpx.JSON(w, http.StatusOK, out)
	return nil
}

// evaluateQA is POST /api/v1/qa/{id}/evaluate {"answers": {code: "yes"|"partly"|"no"}, "note"}.
func (a *API) evaluateQA(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in app.QAInput
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	e, err := a.svc.Evaluate(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, qaJSON(e))
	return nil
}

// appealQA is POST /api/v1/qa/{id}/appeal {"appeal": "why"}: once.
func (a *API) appealQA(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Appeal string `json:"appeal"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	e, err := a.svc.Appeal(r.Context(), u, id, in.Appeal)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, qaJSON(e))
	return nil
}

// decideQA is POST /api/v1/qa/{id}/decide {"uphold": true, "answers": {...}, "note"}.
func (a *API) decideQA(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in app.DecisionInput
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	e, err := a.svc.DecideAppeal(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, qaJSON(e))
	return nil
}

// calibrateQA is POST /api/v1/qa/{id}/calibrate: a second evaluation queued.
func (a *API) calibrateQA(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := a.svc.Calibrate(r.Context(), u, id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, qaJSON(e))
	return nil
}

// qaFigures is GET /api/v1/qa/figures?from=&to=: per operator, per team and
// the total; format=csv|xlsx downloads them.
func (a *API) qaFigures(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	q := r.URL.Query()
	var from, to huifang.Date
	for _, f := range []struct {
		name string
		d    *huifang.Date
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(f.name); v != "" {
			d, err := huifang.ParseISODate(v)
			if err != nil {
				return huifang.Errorf(huifang.EINVALID, "err.qa.period")
			}
			*f.d = d
		}
	}
	if format := q.Get("format"); format != "" {
		ct := map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
		if ct == "" {
			return huifang.Errorf(huifang.EINVALID, "err.export.unknown_format", format)
		}
		lw := &headWriter{w: w, head: func(h http.Header) {
			h.Set("Content-Type", ct)
			h.Set("Content-Disposition", `attachment; filename="qa-figures.`+format+`"`)
		}}
		if err := a.svc.ExportQAFigures(r.Context(), u, from, to, format, lw); err != nil {
			if !lw.started {
				return err
			}
			a.log.Error("qa figures export failed mid-stream", "err", err)
		}
		return nil
	}
	t, err := a.svc.QAFigures(r.Context(), u, from, to)
	if err != nil {
		return err
	}
	row := func(f huifang.QAFigures) map[string]any {
		return map[string]any{"operator": f.Operator, "team": f.Team, "attempts": f.Attempts, "answered": f.Answered, "connect_bp": f.ConnectBP(),
			"finished": f.Finished, "completed": f.Completed, "completion_bp": f.CompletionBP(), "evaluated": f.Evaluated,
			"average_score_x100": f.AverageScore(), "critical_failures": f.CriticalFailures}
	}
	ops, teams := make([]map[string]any, len(t.Operators)), make([]map[string]any, len(t.Teams))
	for i, f := range t.Operators {
		ops[i] = row(f)
	}
	for i, f := range t.Teams {
		teams[i] = row(f)
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"from": t.From, "to": t.To, "operators": ops, "teams": teams, "total": row(t.Total)})
	return nil
}
