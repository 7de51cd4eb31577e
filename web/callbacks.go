package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
)

// pageSize is how many callbacks a list page shows.
const pageSize = 50

// listForm is the filter form of the callback list, as typed.
type listForm struct {
	Status, Result, Channel, PolicyNo, DueFrom, DueTo string
	Late, Overdue                                     bool
	Errors                                            map[string]string
	// Branch, Design, Seller and Outcome narrow the list to the callbacks
	// behind a dashboard's figure.
	Branch, Design, Seller, Outcome string
	BranchOnly                      bool
	// Org is a company's code: a supervisor opens its companies' lists.
	Org string
	// Kind keeps one callback kind (kind=orphan: the orphan-policy figures).
	Kind string

	// Risk keeps the policies flagged for a false phone number.
	Risk bool
	// Q searches by policy number, holder name or the phone's last digits;
	// Sort orders the list (huifang.CallbackSorts).
	Q, Sort string
}

// query renders the filter for links (pagination, export).
func (f listForm) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"status": f.Status, "result": f.Result, "channel": f.Channel, "policy_no": f.PolicyNo, "due_from": f.DueFrom, "due_to": f.DueTo,
		"branch": f.Branch, "design": f.Design, "seller": f.Seller, "outcome": f.Outcome, "org": f.Org, "kind": f.Kind,
		"q": f.Q, "sort": f.Sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Late {
		q.Set("late", "1")
	}
	if f.Overdue {
		q.Set("overdue", "1")
	}
	if f.BranchOnly {
		q.Set("branch_only", "1")
	}
	if f.Risk {
		q.Set("risk", "1")
	}
	return q
}

var (
	callbackStatuses = huifang.CallbackStatuses
	callbackResults  = []huifang.CallbackResult{huifang.ResultSuccessful, huifang.ResultProblems, huifang.ResultNotCompleted}
)

// parseCallbackFilter reads the filter of the list and the export with the
// app's parser (the JSON API uses the same), keeping what was typed and the
// problems per field for the form.
func parseCallbackFilter(rq *request, q url.Values) (huifang.CallbackFilter, listForm, error) {
	f := listForm{Status: q.Get("status"), Result: q.Get("result"), Channel: q.Get("channel"),
		PolicyNo: strings.TrimSpace(q.Get("policy_no")), DueFrom: strings.TrimSpace(q.Get("due_from")), DueTo: strings.TrimSpace(q.Get("due_to")),
		Late: q.Get("late") != "" && q.Get("late") != "0", Overdue: q.Get("overdue") != "" && q.Get("overdue") != "0", Errors: map[string]string{},
		Branch: strings.TrimSpace(q.Get("branch")), Design: q.Get("design"), Seller: strings.TrimSpace(q.Get("seller")), Outcome: q.Get("outcome"),
		Org: strings.TrimSpace(q.Get("org")), BranchOnly: q.Get("branch_only") != "" && q.Get("branch_only") != "0",
		Risk: q.Get("risk") != "" && q.Get("risk") != "0"}
	f.Kind = q.Get("kind")
	f.Q, f.Sort = strings.TrimSpace(q.Get("q")), q.Get("sort")
	only := url.Values{}
	for k, v := range f.query() {
		only[k] = v
	}
	cf, err := httpx.CallbackFilter(only)
	addFieldErrors(rq, f.Errors, err)
	return cf, f, err
}

type listPage struct {
	Form  listForm
	Rows  []huifang.CallbackRow
	Total int
	// TotalText says the count: exact, or "10,000+" when over the cap.
	TotalText string
	Capped    bool
	// FirstURL opens the list's first page (shown past it); NextURL the
	// page after this one, by cursor.
	FirstURL  string
	NextURL   string
	ExportCSV string
	ExportXLS string
	CanExport bool
	Today     huifang.Date
	Statuses  []huifang.CallbackStatus
	Results   []huifang.CallbackResult
	Channels  []huifang.Channel
	Designs   []huifang.DesignType
	Outcomes  []string
	Kinds     []huifang.CallbackKind
	// OrgName names the company of a supervisor's list.
	OrgName string
	// Foreign: the list is of another company than the user's, whose
	// callbacks the user cannot open one by one.
	Foreign bool
	// Counts are the list's figures by outcome class, when it shows one.
	Counts []outcomeCount
	// SortURL links each sortable column to the list sorted by it.
	SortURL map[string]string
}

// outcomeCount is the number of callbacks of one outcome class under the
// list's other filters: a figure's numerator and denominator.
type outcomeCount struct {
	Outcome string
	N       int
	Capped  bool // more than N
	Href    string
	Active  bool
}

func (s *server) callbackList(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	cf, form, ferr := parseCallbackFilter(rq, q)
	if ferr != nil && huifang.ErrorCode(ferr) == huifang.EINTERNAL {
		return ferr
	}
	for _, k := range []string{"due_from", "due_to"} {
		if form.Errors[k] != "" {
			form.Errors[k] = rq.T.T("list.baddate")
		}
	}
	p := listPage{Form: form, Today: s.today(), CanExport: rq.User.Can(huifang.PermExport),
		Statuses: callbackStatuses, Results: callbackResults, Channels: huifang.Channels,
		Designs: huifang.DesignTypes, Outcomes: huifang.Outcomes}
	p.Kinds = huifang.CallbackKinds
	// Pages go on by cursor (after=); an old page=N link opens the first page.
	after := afterParam(q)
	status := http.StatusOK
	if len(form.Errors) > 0 {
		status = http.StatusBadRequest
	} else {
		cf.Limit, cf.After = pageSize, after
		var page app.CallbackPage
		var err error
		if form.Org != "" {
			var org *huifang.Org
			org, page, err = s.svc.ListCompanyCallbacks(r.Context(), rq.User, form.Org, cf)
			if err == nil {
				p.OrgName, p.Foreign = org.Name, org.ID != rq.User.OrgID
				p.CanExport = p.CanExport && org.ID == rq.User.OrgID
			}
		} else {
			page, err = s.svc.ListCallbacksPage(r.Context(), rq.User, cf)
		}
		if err != nil {
			return err
		}
		p.Rows, p.Total, p.Capped = page.Rows, page.Total.N, page.Total.Capped
		if form.Outcome != "" {
			if p.Counts, err = s.outcomeCounts(r, rq, form, cf); err != nil {
				return err
			}
		}
		p.FirstURL, p.NextURL = cursorLinks("/callbacks", form.query(), after, page.Next)
	}
	p.TotalText = rq.T.T("list.total_count", p.Total)
	if p.Capped {
		p.TotalText = rq.T.T("list.total_capped", thousands(p.Total))
	}
	p.SortURL = map[string]string{}
	for _, by := range huifang.CallbackSorts {
		f := form
		f.Sort = by
		if by == huifang.SortDue {
			f.Sort = ""
		}
		p.SortURL[by] = "/callbacks"
		if v := f.query(); len(v) > 0 {
			p.SortURL[by] += "?" + v.Encode()
		}
	}
	exp := func(format string) string {
		v := form.query()
		v.Set("format", format)
		return "/export/callbacks?" + v.Encode()
	}
	p.ExportCSV, p.ExportXLS = exp("csv"), exp("xlsx")
	s.render(w, r, rq, status, "callbacks", rq.T.T("list.title"), "callbacks", p)
	return nil
}

// exportTypes are the content types of the export formats.
var exportTypes = map[string]string{
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// lazyWriter holds back the download headers until the export writes its
// first byte, so that an error before it can still show as a page.
type lazyWriter struct {
	w       http.ResponseWriter
	headers func()
	started bool
}

func (l *lazyWriter) Write(b []byte) (int, error) {
	if !l.started {
		l.started = true
		l.headers()
	}
	return l.w.Write(b)
}

// Flush sends on what the export has written, once it has begun.
func (l *lazyWriter) Flush() {
	if f, ok := l.w.(http.Flusher); ok && l.started {
		f.Flush()
	}
}

func (s *server) exportCallbacks(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "csv"
	}
	ctype, ok := exportTypes[format]
	if !ok {
		return huifang.Errorf(huifang.EINVALID, "err.export.bad_format")
	}
	cf, _, err := parseCallbackFilter(rq, q)
	if err != nil {
		return err
	}
	name := "callbacks-" + s.today().String() + "." + format
	lw := &lazyWriter{w: w, headers: func() {
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}}
	err = s.svc.ExportCallbacks(r.Context(), rq.User, cf, format, lw)
	if err != nil && lw.started {
		// The download has begun: the client sees a cut file; the log says why.
		s.log.Error("web: export cut short", "err", err)
		return nil
	}
	if err == nil && !lw.started {
		lw.headers() // an empty export is still a file
	}
	return err
}

// outcomeCounts counts the list's callbacks of each outcome class, the other
// filters kept, with links to their lists; each count stops at
// huifang.CountCap.
func (s *server) outcomeCounts(r *http.Request, rq *request, form listForm, cf huifang.CallbackFilter) ([]outcomeCount, error) {
	fs := make([]huifang.CallbackFilter, len(huifang.Outcomes))
	for i, o := range huifang.Outcomes {
		fs[i] = cf
		fs[i].Outcome, fs[i].Limit, fs[i].Offset = o, 0, 0
	}
	ns, err := s.svc.CountCompanyCallbacks(r.Context(), rq.User, form.Org, fs)
	if err != nil {
		return nil, err
	}
	out := make([]outcomeCount, len(ns))
	for i, o := range huifang.Outcomes {
		f := form
		f.Outcome = o
		out[i] = outcomeCount{Outcome: o, N: ns[i].N, Capped: ns[i].Capped, Href: "/callbacks?" + f.query().Encode(), Active: o == form.Outcome}
	}
	return out, nil
}

// thousands writes n with a comma every three digits, as the capped totals
// show it ("10,000").
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
