package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/indicator"
)

// The quarterly disclosure (docs/disclosure.md): what is published is
// public — read without a token and cacheable; publishing, its preview and
// errata are the regulator's, with a token.
func (a *API) routeDisclosure() {
	a.public("GET /api/v1/disclosures", a.listDisclosures)
	a.public("GET /api/v1/disclosures/{period}", a.getDisclosure)
	a.route("GET /api/v1/disclosures/{period}/preview", huifang.PermDisclose, a.previewDisclosure)
	a.route("POST /api/v1/disclosures", huifang.PermDisclose, a.publishDisclosure)
	a.route("POST /api/v1/disclosures/{period}/errata", huifang.PermDisclose, a.addErratum)
}

// publicMaxAge is how long a cache may keep a public answer.
const publicMaxAge = 5 * time.Minute

// public routes a read that needs no token: published figures only, so
// the answer may be cached.
func (a *API) public(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	a.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(publicMaxAge/time.Second)))
		if err := h(w, r); err != nil {
			w.Header().Set("Cache-Control", "no-cache")
			httpx.Error(w, r, a.log, err)
		}
	})
}

func disclosureJSON(d *huifang.Disclosure, history map[string][]huifang.DisclosureRow) map[string]any {
	out := map[string]any{"regulator": d.RegulatorCode, "regulator_name": d.RegulatorName, "period": d.Period, "indicators": d.Indicators,
		"published_at": d.PublishedAt, "changed_at": d.Changed}
	if d.Rows == nil {
		return out
	}
	figures := func(r huifang.DisclosureRow) map[string]any {
		m := map[string]any{}
		for _, f := range r.Figures {
			rate := indicator.Rate{Num: f.Num, Den: f.Den}
			m[f.Indicator] = map[string]any{"num": f.Num, "den": f.Den, "value": rate.Value(), "percent": rate.Percent()}
		}
		return m
	}
	rows := make([]map[string]any, 0, len(d.Rows))
	for _, r := range d.Rows {
		row := map[string]any{"org": r.OrgCode, "org_name": r.OrgName, "source": r.Source, "confirmed_by_submission": r.Source == huifang.FromSubmission,
			"double_hundred": r.DoubleHundred, "figures": figures(r)}
		if r.Source == huifang.FromSubmission {
			row["submission_version"] = r.SubmissionVersion
		}
		if history != nil {
			var hist []map[string]any
			for _, h := range history[r.OrgCode] {
				hist = append(hist, map[string]any{"period": h.Period, "double_hundred": h.DoubleHundred, "figures": figures(h)})
			}
			row["history"] = hist
		}
		rows = append(rows, row)
	}
	errata := make([]map[string]any, 0, len(d.Errata))
	for _, e := range d.Errata {
		m := map[string]any{"org": e.OrgCode, "indicator": e.Indicator, "note": e.Note, "at": e.At}
		if e.Corrected {
			m["corrected"] = map[string]any{"num": e.Num, "den": e.Den, "percent": indicator.Rate{Num: e.Num, Den: e.Den}.Percent()}
		}
		errata = append(errata, m)
	}
	out["rows"], out["errata"] = rows, errata
	return out
}

// listDisclosures is GET /api/v1/disclosures?reg=CODE: the published
// quarters, the latest first; every regulator's without reg.
func (a *API) listDisclosures(w http.ResponseWriter, r *http.Request) error {
	list, err := a.svc.Disclosures(r.Context(), r.URL.Query().Get("reg"))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(list))
	for i := range list {
		out = append(out, disclosureJSON(&list[i], nil))
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"disclosures": out})
	return nil
}

// getDisclosure is GET /api/v1/disclosures/{period}?reg=CODE: a published
// quarter with its rows, errata and each company's history.
func (a *API) getDisclosure(w http.ResponseWriter, r *http.Request) error {
	d, err := a.svc.Disclosure(r.Context(), r.URL.Query().Get("reg"), r.PathValue("period"))
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, disclosureJSON(d.Disclosure, d.History))
	return nil
}

// previewDisclosure is GET /api/v1/disclosures/{period}/preview: the
// figures publishing now would freeze.
func (a *API) previewDisclosure(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	d, err := a.svc.PreviewDisclosure(r.Context(), u, r.PathValue("period"))
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, disclosureJSON(d, nil))
	return nil
}

// publishDisclosure is POST /api/v1/disclosures {"period": "2026-Q1"}.
func (a *API) publishDisclosure(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var in struct {
		Period string `json:"period"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	d, err := a.svc.PublishDisclosure(r.Context(), u, in.Period)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, disclosureJSON(d, nil))
	return nil
}

// addErratum is POST /api/v1/disclosures/{period}/errata {"org", "note",
// "indicator", "value"} (the last two optional; value "123/130" or "96.5%").
func (a *API) addErratum(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	var in struct {
		Org       string `json:"org"`
		Indicator string `json:"indicator"`
		Value     string `json:"value"`
		Note      string `json:"note"`
	}
	if err := httpx.DecodeJSON(w, r, maxBody, &in); err != nil {
		return err
	}
	e, err := a.svc.AddErratum(r.Context(), u, app.ErratumInput{Period: r.PathValue("period"), OrgCode: in.Org, Indicator: in.Indicator, Value: in.Value, Note: in.Note})
	if err != nil {
		return err
	}
	out := map[string]any{"id": e.ID, "org": e.OrgCode, "indicator": e.Indicator, "note": e.Note, "at": e.At}
	if e.Corrected {
		out["corrected"] = map[string]any{"num": e.Num, "den": e.Den}
	}
	httpx.JSON(w, http.StatusCreated, out)
	return nil
}
