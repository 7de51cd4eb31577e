package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
	"github.com/huifang/huifang/store"
)

// The statistics table (docs/indicators.md) and its submission to the
// regulator (docs/submissions.md). /stats shows a company's table for a
// period as computed now, with its downloads and the published template;
// its manager submits it from there, generated or uploaded. /submissions
// lists what was submitted; /submissions/{id} shows one frozen version, its
// period's history, and the regulator's accept and return forms.

// statsUploadLimit bounds an uploaded table.
const statsUploadLimit = 10 << 20

// columnsEN are indicator.Columns in English, bandsEN its bands.
var (
	columnsEN = []string{"Group", "Item", "Due callbacks", "Successful", "Success rate", "Successful in period", "In-period success rate",
		"Completed", "Completion rate", "Problem cases from callbacks", "Problem-case rate", "Cases opened", "Cases due", "Resolved", "Resolution rate",
		"Closed", "Closure rate", "Closed on time", "On-time rate", "Overdue", "Orphan callbacks due", "Orphans successful", "Orphan callback rate"}
	bandsEN = []string{"Grouping", "New-business callbacks", "Problem cases", "Orphan-policy callbacks"}
)

// statsCell is a count, or a rate shown through the figure partial.
type statsCell struct {
	N   int64
	Fig *Figure
}

// statsLine is a row of the table on screen.
type statsLine struct {
	Group     string
	GroupSpan int // rows the group cell spans; 0 on the group's later rows
	Item      string
	Key       string
	Total     bool
	Cells     []statsCell
}

type statsBand struct {
	Title string
	Cols  int
}

// statsTableView is a table as the "statstable" part draws it.
type statsTableView struct {
	Bands  []statsBand
	Header []string
	Lines  []statsLine
}

// figureLinks gives the list behind a row's figure: its callbacks of an
// outcome class, or (outcome "") its problem cases due in the period; ""
// where there is none.
type figureLinks func(group, key, outcome string) string

// liveLinks links a live table's figures to the callbacks and problem
// cases behind them; a regulator's company rows open that company's lists.
func liveLinks(org *huifang.Org, own bool, p indicator.Period) figureLinks {
	return func(group, key, outcome string) string {
		o := org
		var kv []string
		switch {
		case group == "company":
			o, own = &huifang.Org{Code: key}, false
		case org.Kind != huifang.KindInsurer:
			return "" // totals over companies: each company's row has its lists
		case group == "channel" || group == "design" || group == "type":
			kv = []string{group, key}
		case group != "total":
			return ""
		}
		if outcome == "" {
			return caseHref(o, own, p, kv...)
		}
		if group == "type" {
			return "" // callbacks are not counted by problem type
		}
		return listHref(o, own, p, outcome, kv...)
	}
}

// tableView is a table as the page shows it; links, when not nil, make its
// figures open the lists behind them (a frozen submission's have none: the
// lists are of today's data).
func tableView(t indicator.Table, l lang, tr translator, links figureLinks) statsTableView {
	v := statsTableView{Header: indicator.Columns}
	if l == langEN {
		v.Header = columnsEN
	}
	for i, g := range indicator.ColumnGroups {
		title := g.Title
		if l == langEN {
			title = bandsEN[i]
		}
		v.Bands = append(v.Bands, statsBand{title, g.Cols})
	}
	fig := figureFunc(l)
	line := func(group, item, key string, r indicator.Row) statsLine {
		c, k := r.Callbacks, r.Cases
		kind, _, _ := strings.Cut(key, "-") // total, channel, design, type or company
		f := func(id string, rt indicator.Rate) statsCell {
			// The list of each figure's denominator (its numerator's count
			// shows above it).
			outcome := map[string]string{indicator.SuccessRate.ID: store.OutcomeDue, indicator.InPeriodSuccessRate.ID: store.OutcomeDue,
				indicator.CompletionRate.ID: store.OutcomeDue, indicator.ProblemRate.ID: store.OutcomeCompleted,
				indicator.ResolutionRate.ID: "", indicator.ClosureRate.ID: "", indicator.OnTimeRate.ID: ""}
			href := ""
			if o, ok := outcome[id]; ok && links != nil {
				href = links(kind, r.Key, o)
			}
			x := fig(id, rt, href)
			return statsCell{Fig: &x}
		}
		n := func(x int64) statsCell { return statsCell{N: x} }
		return statsLine{Group: group, Item: item, Key: key, Cells: []statsCell{
			n(c.Due), n(c.Successful), f(indicator.SuccessRate.ID, c.SuccessRate()), n(c.SuccessfulInPeriod), f(indicator.InPeriodSuccessRate.ID, c.InPeriodSuccessRate()),
			n(c.Completed), f(indicator.CompletionRate.ID, c.CompletionRate()), n(c.Problems), f(indicator.ProblemRate.ID, c.ProblemRate()),
			n(k.Opened), n(k.Due), n(k.Resolved), f(indicator.ResolutionRate.ID, k.ResolutionRate()), n(k.Closed), f(indicator.ClosureRate.ID, k.ClosureRate()),
			n(k.ClosedOnTime), f(indicator.OnTimeRate.ID, k.OnTimeRate()), n(r.Overdue), n(r.Orphans.Due), n(r.Orphans.Successful), f(indicator.OrphanRate.ID, r.OrphanRate())}}
	}
	total := line(tr.T("stats.group.total"), tr.T("stats.group.total"), "total", t.Total)
	total.Total, total.GroupSpan = true, 1
	v.Lines = append(v.Lines, total)
	group := func(name string, rows []indicator.Row, label func(indicator.Row) string) {
		for i, r := range rows {
			ln := line(tr.T("stats.group."+name), label(r), name+"-"+r.Key, r)
			if i == 0 {
				ln.GroupSpan = len(rows)
			}
			v.Lines = append(v.Lines, ln)
		}
	}
	known := func(prefix string) func(indicator.Row) string {
		return func(r indicator.Row) string {
			if s, ok := messages[l][prefix+"."+r.Key]; ok {
				return s
			}
			return orDash(r.Key)
		}
	}
	group("channel", t.ByChannel, known("channel"))
	group("design", t.ByDesign, known("design"))
	group("type", t.ByType, known("problem"))
	group("company", t.ByCompany, func(r indicator.Row) string { return r.Label })
	return v
}

// download is a link to a file of the page.
type download struct {
	Format, Href string
}

// subRow is a version in a history.
type subRow struct {
	S       store.Submission
	Href    string
	Current bool
	Short   string // the hash's first 12 characters
}

func historyRows(subs []store.Submission) []subRow {
	var out []subRow
	for i, s := range subs {
		cur := i == 0 || subs[i-1].OrgID != s.OrgID || subs[i-1].Period != s.Period
		out = append(out, subRow{S: s, Href: submissionURL(s.ID), Current: cur, Short: s.Hash[:min(12, len(s.Hash))]})
	}
	return out
}

func submissionURL(id int64) string { return "/submissions/" + strconv.FormatInt(id, 10) }

// periodChoice is a period in the picker.
type periodChoice struct {
	Value, Label string
	Kind         indicator.PeriodKind
}

// statsPage is the data of /stats.
type statsPage struct {
	Org       *huifang.Org
	Period    indicator.Period
	Orgs      []huifang.Org // what a regulator's supervisor may pick
	Months    []periodChoice
	Quarters  []periodChoice
	Years     []periodChoice
	Table     statsTableView
	AsOf      huifang.Date
	Downloads []download
	Template  string
	// Submission, for the company's own staff.
	Submitter bool
	Ended     bool
	Due       huifang.Date
	Current   *store.Submission
	History   []subRow
	Reason    string
	Errors    map[string]string
	Error     string
	Problems  []app.CellProblem
	EN        bool
}

func (s *server) statsShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	return s.renderStats(w, r, rq, http.StatusOK, q.Get("org"), q.Get("period"), statsPage{})
}

// renderStats renders /stats for an organisation and a period ("" for the
// user's own and the last month that ended), with p's form state.
func (s *server) renderStats(w http.ResponseWriter, r *http.Request, rq *request, status int, orgCode, period string, p statsPage) error {
	u := rq.User
	if !u.Can(huifang.PermViewStats) {
		return huifang.Errorf(huifang.EFORBIDDEN, "您的角色（%s）无权查看统计报表", u.Role)
	}
	today := s.today()
	if period == "" {
		period = app.RecentPeriods(today)[0].String()
	}
	if orgCode == "" && u.Role == huifang.RoleAdmin {
		return huifang.Errorf(huifang.EINVALID, "请在地址中指定机构代码：/stats?org=CODE")
	}
	org, t, err := s.svc.StatsTable(r.Context(), u, orgCode, period)
	if err != nil {
		return err
	}
	p.Org, p.Period, p.AsOf, p.EN = org, t.Period, t.AsOf, rq.Lang == langEN
	p.Table = tableView(t, rq.Lang, rq.T, liveLinks(org, org.ID == u.OrgID, t.Period))
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	m := indicator.MonthOf(today)
	for range 24 {
		p.Months = append(p.Months, periodChoice{m.String(), periodLabel(m, rq.T), m.Kind})
		m = m.Prev()
	}
	qt := indicator.QuarterOf(today)
	for range 8 {
		p.Quarters = append(p.Quarters, periodChoice{qt.String(), periodLabel(qt, rq.T), qt.Kind})
		qt = qt.Prev()
	}
	for y := today.Year(); y > today.Year()-3; y-- {
		yp := indicator.Period{Kind: indicator.Year, Year: y}
		p.Years = append(p.Years, periodChoice{yp.String(), periodLabel(yp, rq.T), yp.Kind})
	}
	if u.Role == huifang.RoleSupervisor {
		own, err := s.svc.DB.FindOrgByID(r.Context(), u.OrgID)
		if err != nil {
			return err
		}
		p.Orgs = append(p.Orgs, *own)
		cos, err := s.svc.DB.ListOrgs(r.Context(), u.OrgID)
		if err != nil {
			return err
		}
		for _, o := range cos {
			if o.Kind == huifang.KindInsurer {
				p.Orgs = append(p.Orgs, o)
			}
		}
	}
	base := "?org=" + org.Code + "&period=" + t.Period.String()
	for _, f := range []string{"xlsx", "csv", "json"} {
		p.Downloads = append(p.Downloads, download{f, "/stats/download" + base + "&format=" + f})
	}
	if org.Kind == huifang.KindInsurer {
		p.Template = "/stats/template" + base
		if p.Due, err = s.svc.SubmissionDue(r.Context(), org.ID, t.Period); err != nil {
			return err
		}
		if u.Role != huifang.RoleAdmin {
			_, subs, err := s.svc.Submissions(r.Context(), u, org.Code, t.Period.String())
			if err != nil {
				return err
			}
			p.History = historyRows(subs)
			if len(subs) > 0 {
				p.Current = &subs[0]
			}
		}
		p.Submitter = u.Can(huifang.PermSubmitStats) && org.ID == u.OrgID
		p.Ended = today.After(t.Period.Last())
	}
	title := rq.T.T("stats.title")
	s.render(w, r, rq, status, "stats", title, "stats", p)
	return nil
}

var fileTypes = map[string]string{"json": "application/json; charset=utf-8", "csv": "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

// sendFile sends a generated file as an attachment.
func sendFile(w http.ResponseWriter, name, format string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", fileTypes[format])
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

func (s *server) statsDownload(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	format := q.Get("format")
	if fileTypes[format] == "" {
		return huifang.Errorf(huifang.EINVALID, "格式须为 json、csv 或 xlsx")
	}
	org, t, err := s.svc.StatsTable(r.Context(), rq.User, q.Get("org"), q.Get("period"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := app.RenderStats(&buf, org, t, format); err != nil {
		return err
	}
	sendFile(w, fmt.Sprintf("stats-%s-%s.%s", org.Code, t.Period, format), format, buf.Bytes())
	return nil
}

func (s *server) statsTemplate(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	p, err := indicator.ParsePeriod(q.Get("period"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.svc.WriteStatsTemplate(r.Context(), rq.User, q.Get("org"), p.String(), &buf); err != nil {
		return err
	}
	sendFile(w, fmt.Sprintf("stats-template-%s.xlsx", p), "xlsx", buf.Bytes())
	return nil
}

// statsSubmit generates and submits the period's table (a correction with
// its reason).
func (s *server) statsSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "表单无法解析")
	}
	in := app.SubmitInput{Period: r.PostFormValue("period"), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	sub, err := s.svc.SubmitStats(r.Context(), rq.User, in)
	if err != nil {
		return s.statsFormError(w, r, rq, in, err, nil)
	}
	s.submissionDone(w, r, sub.ID, "submitted")
	return nil
}

// statsFormError shows /stats again with what went wrong with a form; an
// error that is not about the form is the error page's.
func (s *server) statsFormError(w http.ResponseWriter, r *http.Request, rq *request, in app.SubmitInput, err error, probs []app.CellProblem) error {
	code := huifang.ErrorCode(err)
	if code != huifang.EINVALID && code != huifang.ECONFLICT {
		return err
	}
	if _, perr := indicator.ParsePeriod(in.Period); perr != nil {
		return err
	}
	p := statsPage{Reason: in.Reason, Errors: map[string]string{}, Problems: probs}
	if addFieldErrors(p.Errors, err) == 0 || len(probs) > 0 {
		p.Error = huifang.ErrorMessage(err)
		if len(probs) > 0 && rq.Lang == langEN {
			p.Error = rq.T.T("stats.upload.problems", len(probs))
		}
	}
	status := http.StatusBadRequest
	if code == huifang.ECONFLICT {
		status = http.StatusConflict
	}
	return s.renderStats(w, r, rq, status, "", in.Period, p)
}

// statsUpload checks an uploaded template and submits it.
func (s *server) statsUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !rq.User.Can(huifang.PermSubmitStats) {
		return huifang.Errorf(huifang.EFORBIDDEN, "您的角色（%s）无权报送统计报表", rq.User.Role)
	}
	r.Body = http.MaxBytesReader(w, r.Body, statsUploadLimit+formLimit)
	err := r.ParseMultipartForm(statsUploadLimit + formLimit)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return huifang.Errorf(huifang.EINVALID, "文件超过 %d MB", statsUploadLimit>>20)
	} else if err != nil {
		return huifang.Errorf(huifang.EINVALID, "表单无法解析")
	}
	in := app.SubmitInput{Period: r.PostFormValue("period"), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	file, _, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		e := huifang.Errorf(huifang.EINVALID, "请选择填好的报表文件")
		e.Fields = []huifang.FieldError{{Field: "file", Reason: rq.T.T("stats.upload.nofile")}}
		return s.statsFormError(w, r, rq, in, e, nil)
	} else if err != nil {
		return huifang.Errorf(huifang.EINVALID, "上传的文件无法读取")
	}
	body, err := io.ReadAll(file)
	file.Close()
	if err != nil {
		return huifang.Errorf(huifang.EINVALID, "上传的文件无法读取")
	}
	sub, err := s.svc.UploadStats(r.Context(), rq.User, in, bytes.NewReader(body), int64(len(body)))
	if err != nil {
		var ue *app.UploadError
		if errors.As(err, &ue) {
			return s.statsFormError(w, r, rq, in, err, ue.Problems)
		}
		return s.statsFormError(w, r, rq, in, err, nil)
	}
	s.submissionDone(w, r, sub.ID, "uploaded")
	return nil
}

// submissionDone sends the browser to a submission with a notice, once.
func (s *server) submissionDone(w http.ResponseWriter, r *http.Request, id int64, done string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: done, Path: submissionURL(id), MaxAge: 120, HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, submissionURL(id), http.StatusSeeOther)
}

// submissionPage is the data of /submissions/{id}.
type submissionPage struct {
	Sub        *store.Submission
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
	p.CanReview = p.Current && sub.Status == store.SubmissionSubmitted && u.Can(huifang.PermReviewStats)
	p.CanCorrect = p.Current && sub.Status != store.SubmissionSubmitted && u.Can(huifang.PermSubmitStats) && sub.OrgID == u.OrgID
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
		return huifang.Errorf(huifang.EINVALID, "格式须为 json、csv 或 xlsx")
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

// submissionVerb is the regulator's accept and return forms.
func (s *server) submissionVerb(w http.ResponseWriter, r *http.Request, rq *request) error {
	verb := r.PathValue("verb")
	if verb != "accept" && verb != "return" {
		return huifang.Errorf(huifang.ENOTFOUND, "没有这个操作")
	}
	id, err := app.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "表单无法解析")
	}
	comment := strings.TrimSpace(r.PostFormValue("comment"))
	_, err = s.svc.ReviewSubmission(r.Context(), rq.User, id, app.ReviewInput{Accept: verb == "accept", Comment: comment})
	if err == nil {
		s.submissionDone(w, r, id, verb+"ed")
		return nil
	}
	code := huifang.ErrorCode(err)
	if code != huifang.EINVALID && code != huifang.ECONFLICT {
		return err
	}
	p := submissionPage{Comment: comment, Errors: map[string]string{}}
	if addFieldErrors(p.Errors, err) == 0 {
		p.Error = huifang.ErrorMessage(err)
	}
	return s.renderSubmission(w, r, rq, http.StatusBadRequest, p)
}

// boardRow is a company on the regulator's board: a cell per period.
type boardRow struct {
	Code, Name string
	Cells      []app.SubmissionState
}

// submissionsPage is the data of /submissions.
type submissionsPage struct {
	Regulator bool
	Periods   []periodChoice
	Board     []boardRow
	History   []subRow
}

func (s *server) submissionList(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.User
	p := submissionsPage{}
	switch {
	case u.Can(huifang.PermReviewStats):
		p.Regulator = true
		periods := app.RecentPeriods(s.today())
		for _, pr := range periods {
			p.Periods = append(p.Periods, periodChoice{pr.String(), periodLabel(pr, rq.T), pr.Kind})
		}
		states, err := s.svc.SubmissionStatus(r.Context(), u, "", periods)
		if err != nil {
			return err
		}
		for _, st := range states {
			if n := len(p.Board); n == 0 || p.Board[n-1].Code != st.OrgCode {
				p.Board = append(p.Board, boardRow{Code: st.OrgCode, Name: st.OrgName})
			}
			p.Board[len(p.Board)-1].Cells = append(p.Board[len(p.Board)-1].Cells, st)
		}
	case u.Can(huifang.PermViewStats) && u.Role != huifang.RoleAdmin:
		_, subs, err := s.svc.Submissions(r.Context(), u, "", "")
		if err != nil {
			return err
		}
		p.History = historyRows(subs)
	default:
		return huifang.Errorf(huifang.EFORBIDDEN, "您的角色（%s）无权查看报表报送", u.Role)
	}
	s.render(w, r, rq, http.StatusOK, "submissions", rq.T.T("subs.title"), "submissions", p)
	return nil
}
