package web

import (
	"net/http"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
)

// disclosuresPage is the data of /disclosures: the regulator's
// administrator previews a quarter's figures and publishes them, and adds
// errata to a published quarter.
type disclosuresPage struct {
	Notice, Error string
	// The quarters that have ended, the latest first, and the one previewed.
	Quarters []quarterOption
	Period   string
	Preview  *huifang.Disclosure
	// PreviewError says why the quarter cannot be published (already
	// published, no companies).
	PreviewError string
	Live         int
	Indicators   []indicatorHead
	Published    []publishedQuarter
	// The erratum form.
	Companies     []huifang.Org
	AllIndicators []indicatorHead
	Erratum       erratumForm
}

type quarterOption struct {
	Value, Label string
}

type publishedQuarter struct {
	Period, Label, Href string
	PublishedAt         string
	PublishedBy         string
	Corrected           bool
}

type erratumForm struct {
	Period, OrgCode, Indicator, Value, Note string
	Errors                                  map[string]string
}

// disclosuresShow is the regulator's disclosure page; ?period= previews a quarter.
func (s *server) disclosuresShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := disclosuresPage{Period: strings.TrimSpace(r.URL.Query().Get("period"))}
	switch s.takeFlash(w, r) {
	case "published":
		p.Notice = rq.T.T("disclosure.done.published")
	case "erratum":
		p.Notice = rq.T.T("disclosure.done.erratum")
	}
	return s.renderDisclosures(w, r, rq, http.StatusOK, p)
}

func (s *server) renderDisclosures(w http.ResponseWriter, r *http.Request, rq *request, status int, p disclosuresPage) error {
	ctx := r.Context()
	published, err := s.svc.PublishedBy(ctx, rq.User)
	if err != nil {
		return err
	}
	done := map[string]bool{}
	for _, d := range published {
		done[d.Period] = true
		p.Published = append(p.Published, publishedQuarter{Period: d.Period, Label: quarterLabel(rq, d.Period), Href: quarterHref(d.Period, d.RegulatorCode, "", rq.Lang),
			PublishedAt: datetime(d.PublishedAt), PublishedBy: d.PublishedBy, Corrected: d.Changed.After(d.PublishedAt)})
	}
	q := indicator.QuarterOf(s.today())
	for range 4 {
		q = q.Prev()
		if !done[q.String()] {
			p.Quarters = append(p.Quarters, quarterOption{Value: q.String(), Label: quarterLabel(rq, q.String())})
		}
	}
	if p.Period == "" && len(p.Quarters) > 0 {
		p.Period = p.Quarters[0].Value
	}
	if p.Period != "" {
		d, err := s.svc.PreviewDisclosure(ctx, rq.User, p.Period)
		switch code := huifang.ErrorCode(err); {
		case err == nil:
			p.Preview = d
			for _, id := range d.Indicators {
				ind := indicator.Indicator{ID: id}
				p.Indicators = append(p.Indicators, indicatorHead{ID: id, Name: rq.T.T(ind.NameKey()), Formula: rq.T.T(ind.FormulaKey())})
			}
			for _, row := range d.Rows {
				if row.Source == huifang.FromLive {
					p.Live++
				}
			}
		case code == huifang.EINVALID || code == huifang.ECONFLICT:
			p.PreviewError = rq.errText(err)
		default:
			return err
		}
	}
	if p.Companies, err = s.svc.Overseen(ctx, rq.User); err != nil {
		return err
	}
	for _, ind := range indicator.Indicators {
		p.AllIndicators = append(p.AllIndicators, indicatorHead{ID: ind.ID, Name: rq.T.T(ind.NameKey())})
	}
	if p.Erratum.Errors == nil {
		p.Erratum.Errors = map[string]string{}
	}
	s.render(w, r, rq, status, "disclosures", rq.T.T("disclosure.title"), "disclosures", p)
	return nil
}

// disclosurePublish publishes the quarter previewed.
func (s *server) disclosurePublish(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	period := strings.TrimSpace(r.PostFormValue("period"))
	_, err := s.svc.PublishDisclosure(r.Context(), rq.User, period)
	if err == nil {
		s.flashTo(w, r, "/disclosures", "published")
		return nil
	}
	if code := huifang.ErrorCode(err); code != huifang.EINVALID && code != huifang.ECONFLICT {
		return err
	}
	return s.renderDisclosures(w, r, rq, http.StatusBadRequest, disclosuresPage{Period: period, Error: rq.errText(err)})
}

// disclosureErratum adds an erratum to a published quarter.
func (s *server) disclosureErratum(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	f := erratumForm{Period: strings.TrimSpace(r.PostFormValue("period")), OrgCode: strings.TrimSpace(r.PostFormValue("company")),
		Indicator: strings.TrimSpace(r.PostFormValue("indicator")), Value: strings.TrimSpace(r.PostFormValue("value")),
		Note: strings.TrimSpace(r.PostFormValue("note")), Errors: map[string]string{}}
	_, err := s.svc.AddErratum(r.Context(), rq.User, erratumInput(f))
	if err == nil {
		s.flashTo(w, r, "/disclosures", "erratum")
		return nil
	}
	if code := huifang.ErrorCode(err); code != huifang.EINVALID && code != huifang.ENOTFOUND {
		return err
	}
	p := disclosuresPage{Erratum: f}
	if addFieldErrors(rq, f.Errors, err) == 0 {
		p.Error = rq.errText(err)
	}
	return s.renderDisclosures(w, r, rq, http.StatusBadRequest, p)
}

func erratumInput(f erratumForm) app.ErratumInput {
	return app.ErratumInput{Period: f.Period, OrgCode: f.OrgCode, Indicator: f.Indicator, Value: f.Value, Note: f.Note}
}
