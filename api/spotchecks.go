package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/spotcheck"
)

// The regulator's spot checks (docs/spot-checks.md).
func (a *API) routeSpotChecks() {
	a.route("GET /api/v1/spotchecks", huifang.PermSpotCheck, a.listSpotChecks)
	a.route("POST /api/v1/spotchecks", huifang.PermSpotCheck, a.drawSpotCheck)
	a.route("GET /api/v1/spotchecks/{id}", huifang.PermSpotCheck, a.getSpotCheck)
	a.route("GET /api/v1/spotchecks/{id}/export", huifang.PermSpotCheck, a.exportSpotCheck)
	a.route("POST /api/v1/spotchecks/{id}/assign", huifang.PermSpotCheck, a.assignSpotCheck)
	a.route("GET /api/v1/spotchecks/{id}/items/{item}", huifang.PermSpotCheck, a.getSpotItem)
	a.route("POST /api/v1/spotchecks/{id}/items/{item}/verdict", huifang.PermSpotCheck, a.spotVerdict)
}

// spotCheckJSON is a sample; the seed is a string, as 64 bits do not fit a
// JSON number every client reads exactly.
func spotCheckJSON(sc *huifang.SpotCheck) map[string]any {
	return map[string]any{"id": sc.ID, "period": sc.Period, "companies": sc.Companies, "rate": spotcheck.FormatRate(sc.RateBP), "rate_bp": sc.RateBP,
		"min": sc.Min, "seed": strconv.FormatUint(sc.Seed, 10), "population": sc.Population, "size": sc.Size, "drawn_by": sc.DrawnBy,
		"drawn_at": sc.DrawnAt, "decided": sc.Decided}
}

func spotItemJSON(it *huifang.SpotCheckItem) map[string]any {
	return map[string]any{"id": it.ID, "spot_check_id": it.SpotCheckID, "callback_id": it.CallbackID, "org": it.OrgCode, "policy_no": it.PolicyNo,
		"channel_class": it.Channel, "product_class": it.Product, "had_problem_case": it.HadProblem, "result": it.Result, "assignee": it.Assignee,
		"verdict": it.Verdict, "note": it.Note, "verdict_by": it.VerdictBy, "verdict_at": timeOrNil(it.VerdictAt, it.VerdictAt), "case_id": it.CaseID}
}

// listSpotChecks is GET /api/v1/spotchecks: the samples covering a company
// the caller follows, the latest first.
func (a *API) listSpotChecks(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	scs, err := a.svc.SpotChecks(r.Context(), u, 100)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(scs))
	for i := range scs {
		out[i] = spotCheckJSON(&scs[i])
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"spot_checks": out})
	return nil
}

// drawSpotCheck is POST /api/v1/spotchecks {"period", "companies": [codes],
// "rate": "0.5%", "min": 1200, "seed": "N"}; rate, min and seed may be
// left out (the profile's rate and minimum, a random seed, recorded).
func (a *API) drawSpotCheck(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var in struct {
		Period    string      `json:"period"`
		Companies []string    `json:"companies"`
		Rate      string      `json:"rate"`
		Min       int         `json:"min"`
		Seed      json.Number `json:"seed"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	d := app.DrawInput{Period: in.Period, Companies: in.Companies, Min: in.Min}
	var err error
	if in.Rate != "" {
		if d.RateBP, err = spotcheck.ParseRate(in.Rate); err != nil {
			return err
		}
	}
	if in.Seed != "" {
		if d.Seed, err = strconv.ParseUint(in.Seed.String(), 10, 64); err != nil || d.Seed == 0 {
			return huifang.Errorf(huifang.EINVALID, "err.spotcheck.bad_seed")
		}
	}
	sc, err := a.svc.DrawSpotCheck(r.Context(), u, d)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, spotCheckJSON(sc))
	return nil
}

// getSpotCheck is GET /api/v1/spotchecks/{id}?company=C&verdict=V|none&mine=1&limit=N&offset=N:
// the sample, its progress over the companies the caller follows, and the
// items the query selects (at most 1,000 a page).
func (a *API) getSpotCheck(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	v, err := a.svc.SpotCheck(r.Context(), u, id, app.ItemQuery{Company: q.Get("company"), Verdict: huifang.Verdict(q.Get("verdict")),
		Mine: q.Get("mine") == "1", Limit: limit, Offset: max(offset, 0)})
	if err != nil {
		return err
	}
	items := make([]map[string]any, len(v.Items))
	for i := range v.Items {
		items[i] = spotItemJSON(&v.Items[i])
	}
	out := spotCheckJSON(v.Check)
	out["progress"] = map[string]any{"size": v.Progress.Size, "decided": v.Progress.Decided, "by_verdict": v.Progress.By}
	out["items"], out["total"] = items, v.Total
	httpx.JSON(w, http.StatusOK, out)
	return nil
}

func itemIDs(r *http.Request) (int64, int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, 0, err
	}
	item, err := app.ParseID(r.PathValue("item"))
	return id, item, err
}

// getSpotItem is GET /api/v1/spotchecks/{id}/items/{item}: the sampled
// callback (policy masked, answers, script version, attempts) and its
// recordings, whose sound the web page plays.
func (a *API) getSpotItem(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, item, err := itemIDs(r)
	if err != nil {
		return err
	}
	v, err := a.svc.SpotCheckItem(r.Context(), u, id, item)
	if err != nil {
		return err
	}
	recs := make([]map[string]any, len(v.Recordings))
	for i, rec := range v.Recordings {
		recs[i] = map[string]any{"id": rec.ID, "format": rec.Format, "size": rec.Size, "sha256": rec.SHA256, "uploaded_at": rec.UploadedAt}
	}
	out := spotItemJSON(v.Item)
	out["callback"], out["recordings"] = workJSON(v.Work), recs
	httpx.JSON(w, http.StatusOK, out)
	return nil
}

// spotVerdict is POST /api/v1/spotchecks/{id}/items/{item}/verdict
// {"verdict", "note"}: recorded once; a finding opens a problem case at
// the company (case_id).
func (a *API) spotVerdict(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, item, err := itemIDs(r)
	if err != nil {
		return err
	}
	var in app.VerdictInput
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	it, err := a.svc.RecordVerdict(r.Context(), u, id, item, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, spotItemJSON(it))
	return nil
}

// assignSpotCheck is POST /api/v1/spotchecks/{id}/assign {"items": [ids],
// "assignee": login}.
func (a *API) assignSpotCheck(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Items    []int64 `json:"items"`
		Assignee string  `json:"assignee"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	n, err := a.svc.AssignItems(r.Context(), u, id, in.Items, in.Assignee)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"assigned": n})
	return nil
}

// exportSpotCheck is GET /api/v1/spotchecks/{id}/export?format=csv|xlsx:
// the working papers (检查底稿).
func (a *API) exportSpotCheck(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	ct := map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
	if ct == "" {
		return huifang.Errorf(huifang.EINVALID, "err.export.unknown_format", format)
	}
	// The headers go out with the first byte: a refusal before it is an
	// ordinary JSON error.
	lw := &headWriter{w: w, head: func(h http.Header) {
		h.Set("Content-Type", ct)
		h.Set("Content-Disposition", `attachment; filename="spotcheck-`+strconv.FormatInt(id, 10)+`.`+format+`"`)
	}}
	if _, err := a.svc.ExportSpotCheck(r.Context(), u, id, format, lw); err != nil {
		if !lw.started {
			return err
		}
		a.log.Error("spot-check export failed mid-stream", "err", err)
	}
	return nil
}

// headWriter sets the response's headers just before its first byte.
type headWriter struct {
	w       http.ResponseWriter
	head    func(http.Header)
	started bool
}

func (h *headWriter) Write(p []byte) (int, error) {
	if !h.started {
		h.started = true
		h.head(h.w.Header())
	}
	return h.w.Write(p)
}
