package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/spotcheck"
)

// spotChecksPage is the data of /spotchecks: the regulator's samples with
// their progress, and the form that draws one.
type spotChecksPage struct {
	Checks    []spotCheckRow
	Companies []huifang.Org // the companies the user follows, to choose from
	Periods   []periodGroup
	// The draw form as entered, and why it was refused.
	Period   string
	Chosen   map[string]bool
	Rate     string
	Min      string
	Seed     string
	Error    string
	Errors   map[string]string
	Defaults string // the profile's rate and minimum, as the hint says them
}

// spotCheckRow is one sample of the list.
type spotCheckRow struct {
	huifang.SpotCheck
	Rate    string
	Percent int // of the items with a verdict
}

func spotRow(sc huifang.SpotCheck) spotCheckRow {
	r := spotCheckRow{SpotCheck: sc, Rate: spotcheck.FormatRate(sc.RateBP)}
	if sc.Size > 0 {
		r.Percent = sc.Decided * 100 / sc.Size
	}
	return r
}

// spotCheckList shows the samples and the draw form: GET /spotchecks.
func (s *server) spotCheckList(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderSpotChecks(w, r, rq, http.StatusOK, spotChecksPage{})
}

func (s *server) renderSpotChecks(w http.ResponseWriter, r *http.Request, rq *request, status int, p spotChecksPage) error {
	ctx := r.Context()
	checks, err := s.svc.SpotChecks(ctx, rq.User, 100)
	if err != nil {
		return err
	}
	for _, sc := range checks {
		p.Checks = append(p.Checks, spotRow(sc))
	}
	if p.Companies, err = s.svc.Overseen(ctx, rq.User); err != nil {
		return err
	}
	today := s.today()
	if p.Period == "" {
		p.Period = indicator.MonthOf(today).Prev().String()
	}
	if sel, err := indicator.ParsePeriod(p.Period); err == nil {
		p.Periods = periodOptions(today, sel, rq.T)
	}
	if p.Chosen == nil {
		p.Chosen = map[string]bool{}
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	if v, err := s.svc.ProfileFor(ctx, rq.User.OrgID, today); err == nil {
		p.Defaults = rq.T.T("spotcheck.draw.defaults", spotcheck.FormatRate(v.Rules.SampleRate()), v.Rules.SampleMinimum())
	}
	s.render(w, r, rq, status, "spotchecks", rq.T.T("spotcheck.title"), "spotchecks", p)
	return nil
}

// spotCheckDraw draws a sample: POST /spotchecks, then its page.
func (s *server) spotCheckDraw(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	p := spotChecksPage{Period: r.PostFormValue("period"), Chosen: map[string]bool{}, Errors: map[string]string{},
		Rate: strings.TrimSpace(r.PostFormValue("rate")), Min: strings.TrimSpace(r.PostFormValue("min")), Seed: strings.TrimSpace(r.PostFormValue("seed"))}
	in := app.DrawInput{Period: p.Period}
	for _, c := range r.PostForm["company"] {
		p.Chosen[c] = true
		in.Companies = append(in.Companies, c)
	}
	var err error
	if p.Rate != "" {
		if in.RateBP, err = spotcheck.ParseRate(p.Rate); err != nil {
			p.Errors["rate"] = rq.errText(err)
		}
	}
	if p.Min != "" {
		if in.Min, err = strconv.Atoi(p.Min); err != nil || in.Min < 1 {
			p.Errors["min"] = rq.T.T("err.spotcheck.min")
		}
	}
	if p.Seed != "" {
		if in.Seed, err = strconv.ParseUint(p.Seed, 10, 64); err != nil || in.Seed == 0 {
			p.Errors["seed"] = rq.T.T("err.spotcheck.bad_seed")
		}
	}
	if len(p.Errors) == 0 {
		sc, err := s.svc.DrawSpotCheck(r.Context(), rq.User, in)
		if err == nil {
			s.flashTo(w, r, "/spotchecks/"+strconv.FormatInt(sc.ID, 10), "drawn")
			return nil
		}
		switch huifang.ErrorCode(err) {
		case huifang.EINVALID, huifang.ENOTFOUND:
			p.Error = rq.errText(err)
		default:
			return err
		}
	}
	return s.renderSpotChecks(w, r, rq, http.StatusBadRequest, p)
}
