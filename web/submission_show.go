package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
)

// subRow is a version in a history.
type subRow struct {
	S       huifang.Submission
	Href    string
	Current bool
	Short   string // the hash's first 12 characters
}

func historyRows(subs []huifang.Submission) []subRow {
	var out []subRow
	for i, s := range subs {
		cur := i == 0 || subs[i-1].OrgID != s.OrgID || subs[i-1].Period != s.Period
		out = append(out, subRow{S: s, Href: submissionURL(s.ID), Current: cur, Short: s.Hash[:min(12, len(s.Hash))]})
	}
	return out
}

func submissionURL(id int64) string { return "/submissions/" + strconv.FormatInt(id, 10) }

// submissionDone sends the browser to a submission with a notice, once.
func (s *server) submissionDone(w http.ResponseWriter, r *http.Request, id int64, done string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: done, Path: submissionURL(id), MaxAge: 120, HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, submissionURL(id), http.StatusSeeOther)
}

// submissionPage is the data of /submissions/{id}.
type submissionPage struct {
	Sub        *huifang.Submission
	OrgName    string
	OrgCode    string
	Period     indicator.Period
	PeriodName string
	AsOf       huifang.Date
	Table      statsTableView
	History    []subRow
	Current    bool
	CanReview  bool
	CanCorrect bool
	StatsHref  string
	Downloads  []download
	Comment    string
	Reason     string
	Errors     map[string]string
	Error      string
	Notice     string
}

func (s *server) submissionShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderSubmission(w, r, rq, http.StatusOK, submissionPage{})
}

func (s *server) renderSubmission(w http.ResponseWriter, r *http.Request, rq *request, status int, p submissionPage) error {
	id, err := app.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	sub, err := s.svc.Submission(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	fr, err := app.FrozenTable(sub)
	if err != nil {
		return err
	}
	_, hist, err := s.svc.Submissions(r.Context(), rq.User, fr.Org.Code, sub.Period)
	if err != nil {
		return err
	}
	p.Sub, p.OrgName, p.OrgCode, p.Period, p.AsOf = sub, fr.Org.Name, fr.Org.Code, fr.Table.Period, fr.Table.AsOf
	p.PeriodName = periodLabel(fr.Table.Period, rq.T)
	p.Table = tableView(fr.Table, rq.Lang, rq.T, nil)
	p.History = historyRows(hist)
	p.Current = len(hist) > 0 && hist[0].ID == sub.ID
	u := rq.User
	p.CanReview = p.Current && sub.Status == huifang.SubmissionSubmitted && u.Can(huifang.PermReviewStats)
	p.CanCorrect = p.Current && sub.Status != huifang.SubmissionSubmitted && u.Can(huifang.PermSubmitStats) && sub.OrgID == u.OrgID
	p.StatsHref = "/stats?org=" + fr.Org.Code + "&period=" + sub.Period
	for _, f := range []string{"xlsx", "csv", "json"} {
		p.Downloads = append(p.Downloads, download{f, submissionURL(sub.ID) + "/download?format=" + f})
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	if p.Notice == "" {
		if done := s.takeFlash(w, r); done != "" {
			p.Notice = rq.T.T("sub.done." + done)
		}
	}
	s.render(w, r, rq, status, "submission", rq.T.T("sub.title", p.OrgName, p.PeriodName, sub.Version), "submissions", p)
	return nil
}

func (s *server) submissionDownload(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := app.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if fileTypes[format] == "" {
		return huifang.Errorf(huifang.EINVALID, "err.stats.bad_format")
	}
	sub, err := s.svc.Submission(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := app.RenderSubmission(&buf, sub, format); err != nil {
		return err
	}
	fr, _ := app.FrozenTable(sub)
	sendFile(w, fmt.Sprintf("stats-%s-%s-v%d.%s", fr.Org.Code, sub.Period, sub.Version, format), format, buf.Bytes())
	return nil
}
