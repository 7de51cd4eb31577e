package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/spotcheck"
)

// spotCheckPage is the data of /spotchecks/{id}: a sample's items,
// filtered by company and verdict, with its progress.
type spotCheckPage struct {
	Check      *huifang.SpotCheck
	Rate       string
	Progress   huifang.SpotCheckProgress
	Percent    int
	Items      []huifang.SpotCheckItem
	Total      int
	Companies  []huifang.Org
	Verdicts   []huifang.Verdict
	Colleagues []huifang.User
	Company    string
	Verdict    string
	Mine       bool
	Page       pager
	Notice     string
	Error      string
}

// pager is the page links of a long list.
type pager struct {
	Prev, Next string
	From, To   int
}

const spotItemsPerPage = 100

// spotCheckShow shows a sample: GET /spotchecks/{id}; /spotchecks/{id}.xlsx
// and .csv download its working papers (检查底稿).
func (s *server) spotCheckShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	raw := r.PathValue("id")
	for _, f := range []string{"xlsx", "csv"} {
		if id, ok := strings.CutSuffix(raw, "."+f); ok {
			return s.spotCheckExport(w, r, rq, id, f)
		}
	}
	id, err := app.ParseID(raw)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := spotCheckPage{Company: q.Get("company"), Verdict: q.Get("verdict"), Mine: q.Get("mine") == "1"}
	switch s.takeFlash(w, r) {
	case "drawn":
		p.Notice = rq.T.T("spotcheck.done.drawn")
	case "assigned":
		p.Notice = rq.T.T("spotcheck.done.assigned")
	}
	offset, _ := strconv.Atoi(q.Get("from"))
	offset = max(offset, 0)
	v, err := s.svc.SpotCheck(r.Context(), rq.User, id, app.ItemQuery{Company: p.Company, Verdict: huifang.Verdict(p.Verdict), Mine: p.Mine,
		Limit: spotItemsPerPage, Offset: offset})
	if err != nil {
		return err
	}
	return s.renderSpotCheck(w, r, rq, http.StatusOK, p, v, offset)
}

func (s *server) renderSpotCheck(w http.ResponseWriter, r *http.Request, rq *request, status int, p spotCheckPage, v *app.SpotCheckView, offset int) error {
	p.Check, p.Progress, p.Items, p.Total, p.Companies = v.Check, v.Progress, v.Items, v.Total, v.Companies
	p.Rate, p.Verdicts = spotcheck.FormatRate(v.Check.RateBP), huifang.Verdicts
	if p.Progress.Size > 0 {
		p.Percent = p.Progress.Decided * 100 / p.Progress.Size
	}
	vals := url.Values{}
	for k, x := range map[string]string{"company": p.Company, "verdict": p.Verdict} {
		if x != "" {
			vals.Set(k, x)
		}
	}
	if p.Mine {
		vals.Set("mine", "1")
	}
	base := "/spotchecks/" + strconv.FormatInt(v.Check.ID, 10) + "?"
	p.Page = pager{From: offset + 1, To: offset + len(p.Items)}
	if offset > 0 {
		vals.Set("from", strconv.Itoa(max(offset-spotItemsPerPage, 0)))
		p.Page.Prev = base + vals.Encode()
	}
	if offset+len(p.Items) < p.Total {
		vals.Set("from", strconv.Itoa(offset+spotItemsPerPage))
		p.Page.Next = base + vals.Encode()
	}
	var err error
	if p.Colleagues, err = s.svc.SpotCheckColleagues(r.Context(), rq.User); err != nil {
		return err
	}
	s.render(w, r, rq, status, "spotcheck", rq.T.T("spotcheck.show.title", v.Check.ID), "spotchecks", p)
	return nil
}

// spotCheckAssign gives the chosen items to a colleague:
// POST /spotchecks/{id}/assign, then the sample's page.
func (s *server) spotCheckAssign(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	var items []int64
	for _, x := range r.PostForm["item"] {
		if n, err := app.ParseID(x); err == nil {
			items = append(items, n)
		}
	}
	_, err = s.svc.AssignItems(r.Context(), rq.User, id, items, r.PostFormValue("assignee"))
	if err == nil {
		s.flashTo(w, r, "/spotchecks/"+strconv.FormatInt(id, 10), "assigned")
		return nil
	}
	if huifang.ErrorCode(err) != huifang.EINVALID {
		return err
	}
	v, verr := s.svc.SpotCheck(r.Context(), rq.User, id, app.ItemQuery{Limit: spotItemsPerPage})
	if verr != nil {
		return verr
	}
	return s.renderSpotCheck(w, r, rq, http.StatusBadRequest, spotCheckPage{Error: rq.errText(err)}, v, 0)
}

// spotCheckExport downloads a sample's working papers as XLSX or CSV.
func (s *server) spotCheckExport(w http.ResponseWriter, r *http.Request, rq *request, raw, format string) error {
	id, err := app.ParseID(raw)
	if err != nil {
		return err
	}
	name := "spotcheck-" + strconv.FormatInt(id, 10) + "." + format
	lw := &lazyWriter{w: w, headers: func() {
		h := w.Header()
		h.Set("Content-Type", exportTypes[format])
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}}
	_, err = s.svc.ExportSpotCheck(r.Context(), rq.User, id, format, lw)
	if err != nil && lw.started {
		s.log.Error("web: spot-check export cut short", "err", err)
		return nil
	}
	if err == nil && !lw.started {
		lw.headers()
	}
	return err
}
