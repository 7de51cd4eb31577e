package web

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/problem"
)

// Board scopes: a handler sees their own cases or their branch's; everyone
// else sees all of the insurer's.
const (
	scopeMine   = "mine"
	scopeBranch = "branch"
	scopeAll    = "all"
)

func scopesFor(u *huifang.User) []string {
	if u.Role == huifang.RoleHandler {
		return []string{scopeMine, scopeBranch}
	}
	return []string{scopeAll}
}

// manages reports whether the user supervises all of the insurer's cases.
func manages(u *huifang.User) bool {
	return u.Role == huifang.RoleManager || u.Role == huifang.RoleInsurerAdmin
}

// mayOpenCase mirrors who the app lets open a case by hand.
func mayOpenCase(u *huifang.User) bool {
	return manages(u) || u.Role == huifang.RoleOperator
}

// directory names the insurer's branches and users on the pages.
type directory struct {
	branches []huifang.Branch
	branch   map[string]huifang.Branch
	users    map[int64]huifang.User
	logins   map[string]huifang.User
}

func (s *server) directory(ctx context.Context, orgID int64) (*directory, error) {
	bs, err := s.svc.DB.ListBranches(ctx, orgID)
	if err != nil {
		return nil, err
	}
	us, err := s.svc.DB.ListUsers(ctx, orgID)
	if err != nil {
		return nil, err
	}
	d := &directory{branches: bs, branch: map[string]huifang.Branch{}, users: map[int64]huifang.User{}, logins: map[string]huifang.User{}}
	for _, b := range bs {
		d.branch[b.Code] = b
	}
	for _, u := range us {
		d.users[u.ID], d.logins[u.Login] = u, u
	}
	return d, nil
}

// branchName shows a branch as "86010101 营业部"; "" is the callback centre.
func (d *directory) branchName(t translator, code string) string {
	if code == "" {
		return t.T("holder.centre")
	}
	if b, ok := d.branch[code]; ok && b.Name != "" {
		return code + " " + b.Name
	}
	return code
}

// userName shows a user by name, or login.
func (d *directory) userName(id int64) string {
	if id == 0 {
		return ""
	}
	if u, ok := d.users[id]; ok {
		if u.Name != "" {
			return u.Name + " (" + u.Login + ")"
		}
		return u.Login
	}
	return "#" + strconv.FormatInt(id, 10)
}

// below reports whether branch lies strictly below ancestor ("" is the top).
func (d *directory) below(branch, ancestor string) bool {
	b, ok := d.branch[branch]
	if !ok {
		return false
	}
	seen := map[string]bool{}
	for p := b.ParentCode; !seen[p]; p = d.branch[p].ParentCode {
		if p == ancestor {
			return true
		}
		if p == "" {
			return false
		}
		seen[p] = true
	}
	return false
}

// dueView is a deadline with its badge.
type dueView struct {
	On    huifang.Date
	Class string // "due-overdue", "due-soon" or ""
	Badge string
	Left  string // working days left, when neither overdue nor due soon
}

func dueOf(t translator, v *app.CaseView) dueView {
	d := dueView{On: v.Case.DueOn}
	switch {
	case v.Case.Status.Final():
	case v.Overdue:
		d.Class, d.Badge = "due-overdue", t.T("due.overdue")
		if v.Workdays < 0 {
			d.Badge = t.T("due.overdue.n", -v.Workdays)
		}
	case v.DueSoon:
		d.Class, d.Badge = "due-soon", t.T("due.soon")+" · "+t.T("due.left", v.Workdays)
		if v.Workdays == 0 {
			d.Badge = t.T("due.soon") + " · " + t.T("due.today")
		}
	case v.Workdays > 0:
		d.Left = t.T("due.left", v.Workdays)
	}
	return d
}

// caseRow is a line of the board.
type caseRow struct {
	C         *huifang.ProblemCase
	Due       dueView
	Holder    string
	Handler   string
	PendingTo string // a pending transfer's receiver
}

// boardForm is the board's filter as typed.
type boardForm struct {
	Scope, Type, Status, Channel string
	DueSoon, Overdue             bool
}

func (f boardForm) query(scope string) string {
	q := url.Values{}
	for k, v := range map[string]string{"scope": scope, "type": f.Type, "status": f.Status, "channel": f.Channel} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.DueSoon {
		q.Set("due_soon", "1")
	}
	if f.Overdue {
		q.Set("overdue", "1")
	}
	if len(q) == 0 {
		return "/problems"
	}
	return "/problems?" + q.Encode()
}

// scopeTab is a tab of the board.
type scopeTab struct {
	Key, Href string
	Active    bool
}

// openForm is the form that opens a case by hand.
type openForm struct {
	PolicyNo, Type, Reason string
	Error                  string
	Errors                 map[string]string
}

type boardPage struct {
	Form     boardForm
	Tabs     []scopeTab
	Rows     []caseRow
	Types    []huifang.ProblemType
	Statuses []huifang.ProblemStatus
	Channels []huifang.Channel
	CanOpen  bool
	Open     openForm
}

func checked(q url.Values, k string) bool { return q.Get(k) != "" && q.Get(k) != "0" }

// parseBoard reads the board's filter; unknown values are ignored.
func parseBoard(u *huifang.User, q url.Values) (app.BoardFilter, boardForm) {
	scopes := scopesFor(u)
	f := boardForm{Scope: scopes[0], DueSoon: checked(q, "due_soon"), Overdue: checked(q, "overdue")}
	for _, sc := range scopes {
		if q.Get("scope") == sc {
			f.Scope = sc
		}
	}
	bf := app.BoardFilter{Scope: f.Scope, DueSoon: f.DueSoon, Overdue: f.Overdue}
	for _, t := range huifang.ProblemTypes {
		if q.Get("type") == string(t) {
			bf.Type, f.Type = t, string(t)
		}
	}
	for _, st := range huifang.ProblemStatuses {
		if q.Get("status") == string(st) {
			bf.Status, f.Status = st, string(st)
		}
	}
	for _, c := range huifang.Channels {
		if q.Get("channel") == string(c) {
			bf.Channel, f.Channel = c, string(c)
		}
	}
	return bf, f
}

func (s *server) problemBoard(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderBoard(w, r, rq, http.StatusOK, r.URL.Query(), openForm{})
}

// renderBoard renders the board with the filter q and the open-case form.
func (s *server) renderBoard(w http.ResponseWriter, r *http.Request, rq *request, status int, q url.Values, open openForm) error {
	u := rq.User
	bf, f := parseBoard(u, q)
	views, err := s.svc.Board(r.Context(), u, bf)
	if err != nil {
		return err
	}
	dir, err := s.directory(r.Context(), u.OrgID)
	if err != nil {
		return err
	}
	p := boardPage{Form: f, Types: huifang.ProblemTypes, Statuses: huifang.ProblemStatuses, Channels: huifang.Channels,
		CanOpen: mayOpenCase(u), Open: open}
	if scopes := scopesFor(u); len(scopes) > 1 {
		for _, sc := range scopes {
			p.Tabs = append(p.Tabs, scopeTab{Key: sc, Href: f.query(sc), Active: sc == f.Scope})
		}
	}
	for i := range views {
		v := &views[i]
		c := v.Case
		row := caseRow{C: c, Due: dueOf(rq.T, v), Holder: dir.branchName(rq.T, c.HolderBranch), Handler: dir.userName(c.HandlerID)}
		if t := c.Pending; t != nil {
			row.PendingTo = dir.branchName(rq.T, t.ToBranch)
			if t.ToUserID != 0 {
				row.PendingTo += " / " + dir.userName(t.ToUserID)
			}
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, r, rq, status, "problems", rq.T.T("problems.title"), "problems", p)
	return nil
}

// problemOpen opens a case by hand.
func (s *server) problemOpen(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	f := openForm{PolicyNo: strings.TrimSpace(r.PostFormValue("policy_no")), Type: r.PostFormValue("type"),
		Reason: strings.TrimSpace(r.PostFormValue("reason")), Errors: map[string]string{}}
	if f.PolicyNo == "" {
		f.Errors["policy_no"] = rq.T.T("open.required.policy")
	}
	if huifang.ProblemType(f.Type).ZH() == "" {
		f.Errors["type"] = rq.T.T("open.pick.type")
	}
	if f.Reason == "" {
		f.Errors["reason"] = rq.T.T("case.reason.required")
	}
	status := http.StatusBadRequest
	if len(f.Errors) == 0 {
		c, err := s.svc.OpenCase(r.Context(), rq.User, f.PolicyNo, huifang.ProblemType(f.Type), f.Reason)
		if err == nil {
			s.redirectDone(w, r, c.ID, "opened")
			return nil
		}
		if huifang.ErrorCode(err) == huifang.EFORBIDDEN {
			return err
		}
		if f.Error, status, err = formError(err); err != nil {
			return err
		}
	}
	return s.renderBoard(w, r, rq, status, url.Values{}, f)
}

func caseURL(id int64) string { return "/problems/" + strconv.FormatInt(id, 10) }

// flashCookie carries what a case form did to the page it redirects to,
// once: a notice in the URL would come back on every reload, long after the
// case moved on.
const flashCookie = "huifang_flash"

// redirectDone sends the browser back to the case page with a notice of what was done.
func (s *server) redirectDone(w http.ResponseWriter, r *http.Request, id int64, done string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: done, Path: caseURL(id), MaxAge: 120, HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, caseURL(id), http.StatusSeeOther)
}

// takeFlash returns the notice for this page, if any, and clears it.
func (s *server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: r.URL.Path, MaxAge: -1, HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	return c.Value
}

// eventView is a line of a case's timeline.
type eventView struct {
	At          string
	Kind        string
	Label       string
	Actor       string
	Detail      string
	EvidenceURL string
	File        *fileView // the document the step added
}

// fileView is a document on a case's timeline: its name, type and size, and
// a preview for a picture or a PDF.
type fileView struct {
	Name, Type, Size string
	Image, PDF       bool
}

// pendingView is a transfer waiting for acknowledgement.
type pendingView struct {
	From, To, Handler string
	DueOn             huifang.Date
	At                string
	By                string
}

// caseCan says which forms the case page offers; the app decides.
type caseCan struct {
	Transfer, Acknowledge, Act, Recallback, Close, Reopen bool
}

// shows reports whether the page has the form of verb.
func (c caseCan) shows(verb string) bool {
	switch verb {
	case "transfer":
		return c.Transfer
	case "acknowledge", "return":
		return c.Acknowledge
	case "act":
		return c.Act
	case "recallback":
		return c.Recallback
	case "close":
		return c.Close
	case "reopen":
		return c.Reopen
	}
	return false
}

func (c caseCan) Any() bool {
	return c.Transfer || c.Acknowledge || c.Act || c.Recallback || c.Close || c.Reopen
}

// holdsCase and receivesCase ask the workflow itself, so the forms shown
// follow the rules the app enforces.
func holdsCase(c *huifang.ProblemCase, u *huifang.User) bool {
	return problem.Holds(c, problem.ActorOf(u))
}

func receivesCase(c *huifang.ProblemCase, u *huifang.User) bool {
	return problem.Receives(c, problem.ActorOf(u))
}

func canOn(c *huifang.ProblemCase, u *huifang.User) caseCan {
	holds, st := holdsCase(c, u), c.Status
	return caseCan{
		Transfer:    holds && (st == huifang.ProblemOpen || st == huifang.ProblemInProgress),
		Acknowledge: receivesCase(c, u),
		Act:         holds && st == huifang.ProblemInProgress,
		Recallback:  holds && st == huifang.ProblemInProgress && c.Actions > 0,
		Close:       !st.Final() && (holds || receivesCase(c, u)),
		Reopen:      st == huifang.ProblemClosed && manages(u),
	}
}

// actionChoice is a kind of action in the page's language.
type actionChoice struct {
	Kind     string
	Evidence bool
}

// caseForms is what was typed in the case page's forms, with the errors per
// form ("transfer", "act", ...) and per field.
type caseForms struct {
	Branch, Handler, DueOn    string
	ReturnReason              string
	Kind, Note, Phone         string
	CloseReason, ReopenReason string
	Errors                    map[string]string
	Fields                    map[string]string
	Reselect                  bool
}

// branchChoice is a branch the case may be transferred to.
type branchChoice struct {
	Code, Label string
}

type casePage struct {
	C         *huifang.ProblemCase
	Due       dueView
	Limit     string
	Profile   string
	Holder    string
	Handler   string
	OpenedBy  string
	Pending   *pendingView
	Events    []eventView
	Can       caseCan
	Branches  []branchChoice
	Handlers  []huifang.User
	Actions   []actionChoice
	Forms     caseForms
	Notice    string
	Error     string // an error of a form the page does not show
	MaxUpload int
}

func (s *server) problemShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.loadCase(r.Context(), rq, id)
	if err != nil {
		return err
	}
	if done := s.takeFlash(w, r); done != "" {
		if _, ok := caseVerbs[done]; ok || done == "opened" {
			p.Notice = rq.T.T("case.done." + done)
		}
	}
	s.renderCase(w, r, rq, http.StatusOK, p)
	return nil
}

func (s *server) renderCase(w http.ResponseWriter, r *http.Request, rq *request, status int, p *casePage) {
	s.render(w, r, rq, status, "problem", rq.T.T("case.title", p.C.ID)+" · "+p.C.PolicyNo, "problems", p)
}

// loadCase builds the case page of a case of the user's insurer.
func (s *server) loadCase(ctx context.Context, rq *request, id int64) (*casePage, error) {
	u := rq.User
	v, err := s.svc.Case(ctx, u, id)
	if err != nil {
		return nil, err
	}
	dir, err := s.directory(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	c := v.Case
	p := &casePage{C: c, Due: dueOf(rq.T, v), Holder: dir.branchName(rq.T, c.HolderBranch), Handler: dir.userName(c.HandlerID),
		OpenedBy: dir.userName(c.OpenedBy), Can: canOn(c, u), MaxUpload: app.MaxEvidence >> 20,
		Forms: caseForms{Errors: map[string]string{}, Fields: map[string]string{}}}
	if c.LimitWorking {
		p.Limit = rq.T.T("case.limit.working", c.LimitDays)
	} else {
		p.Limit = rq.T.T("case.limit.calendar", c.LimitDays)
	}
	if c.ProfileID != 0 {
		vs, err := s.svc.Profiles(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, pv := range vs {
			if pv.ID == c.ProfileID {
				p.Profile = rq.T.T("case.profile.from", pv.Name, pv.From.String())
			}
		}
	}
	if t := c.Pending; t != nil {
		p.Pending = &pendingView{From: dir.branchName(rq.T, t.FromBranch), To: dir.branchName(rq.T, t.ToBranch), Handler: dir.userName(t.ToUserID),
			DueOn: t.DueOn, At: datetime(t.At), By: dir.userName(t.By)}
	}
	for _, e := range v.Events {
		ev := eventView{At: datetime(e.At), Kind: e.Kind, Label: eventLabel(rq.T, e.Kind), Actor: e.Actor, Detail: e.Detail}
		if e.UserID != 0 {
			ev.Actor = dir.userName(e.UserID)
		} else if e.Actor == "system" || e.Actor == "" {
			ev.Actor = rq.T.T("event.system")
		}
		if e.EvidenceID != 0 {
			ev.EvidenceURL = caseURL(c.ID) + "/evidence/" + strconv.FormatInt(e.EvidenceID, 10)
			if d, ok := v.Evidence[e.EvidenceID]; ok {
				f := &fileView{Name: d.Name, Type: d.ContentType, Size: size(d.Size)}
				if ft, ok := app.TypeOf(app.DocumentTypes, d.ContentType); ok {
					f.Type, f.Image, f.PDF = ft.Label, ft.Image(), ft.Format == "pdf"
				}
				ev.File = f
			}
		}
		p.Events = append(p.Events, ev)
	}
	if p.Can.Transfer {
		for _, b := range dir.branches {
			if b.Code == c.HolderBranch || dir.below(b.Code, c.HolderBranch) {
				p.Branches = append(p.Branches, branchChoice{Code: b.Code, Label: strings.Repeat("　", max(b.Level, 0)) + b.Code + " " + b.Name})
			}
		}
		for _, h := range dir.users {
			if h.Role == huifang.RoleHandler && !h.Disabled && (h.BranchCode == c.HolderBranch || dir.below(h.BranchCode, c.HolderBranch)) {
				p.Handlers = append(p.Handlers, h)
			}
		}
		sortUsers(p.Handlers)
	}
	if p.Can.Act {
		for _, k := range problem.ActionKinds {
			p.Actions = append(p.Actions, actionChoice{Kind: k, Evidence: problem.NeedsEvidence(k)})
		}
	}
	return p, nil
}

func sortUsers(us []huifang.User) {
	for i := 1; i < len(us); i++ {
		for j := i; j > 0 && us[j].Login < us[j-1].Login; j-- {
			us[j], us[j-1] = us[j-1], us[j]
		}
	}
}

// eventLabel names a kind of timeline event; an unknown kind shows as is.
func eventLabel(t translator, kind string) string {
	if _, ok := t.m["event."+kind]; ok {
		return t.T("event." + kind)
	}
	return kind
}

// caseVerbs are the forms of the case page, by the last segment of their path.
var caseVerbs = map[string]func(s *server, w http.ResponseWriter, r *http.Request, rq *request, id int64, f *caseForms) error{
	"transfer":    (*server).caseTransfer,
	"acknowledge": (*server).caseAcknowledge,
	"return":      (*server).caseReturn,
	"act":         (*server).caseAct,
	"recallback":  (*server).caseRecallback,
	"close":       (*server).caseClose,
	"reopen":      (*server).caseReopen,
}

// problemVerb runs a form of the case page: on success it redirects back
// with a notice; on failure it renders the page with the error next to the form.
func (s *server) problemVerb(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	verb := r.PathValue("verb")
	do, ok := caseVerbs[verb]
	if !ok {
		return huifang.Errorf(huifang.ENOTFOUND, "页面不存在")
	}
	f := caseForms{Errors: map[string]string{}, Fields: map[string]string{}}
	if verb == "act" {
		r.Body = http.MaxBytesReader(w, r.Body, app.MaxEvidence+(1<<20))
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	}
	err = do(s, w, r, rq, id, &f)
	if err == nil && len(f.Fields) == 0 {
		s.redirectDone(w, r, id, verb)
		return nil
	}
	status := http.StatusBadRequest
	if err != nil {
		// Someone else's case, or a user who may not see cases: the error page.
		switch huifang.ErrorCode(err) {
		case huifang.ENOTFOUND, huifang.EUNAUTHORIZED:
			return err
		}
		addFieldErrors(f.Fields, err)
		var msg string
		if msg, status, err = formError(err); err != nil {
			return err
		}
		f.Errors[verb] = msg
	}
	p, err := s.loadCase(r.Context(), rq, id)
	if err != nil {
		return err
	}
	p.Forms = f
	if !p.Can.shows(verb) {
		// The form is not on the page (the case moved on): say it on top.
		p.Error = f.Errors[verb]
		for _, msg := range f.Fields {
			p.Error = msg
		}
	}
	s.renderCase(w, r, rq, status, p)
	return nil
}

func (s *server) caseTransfer(w http.ResponseWriter, r *http.Request, rq *request, id int64, f *caseForms) error {
	f.Branch, f.Handler, f.DueOn = strings.TrimSpace(r.PostFormValue("branch")), strings.TrimSpace(r.PostFormValue("handler")), strings.TrimSpace(r.PostFormValue("due_on"))
	in := app.TransferInput{Branch: f.Branch, Handler: f.Handler}
	if f.Branch == "" && f.Handler == "" {
		f.Fields["branch"] = rq.T.T("case.transfer.required")
	}
	if f.DueOn != "" {
		d, err := huifang.ParseISODate(f.DueOn)
		if err != nil {
			f.Fields["due_on"] = rq.T.T("list.baddate")
		}
		in.DueOn = d
	}
	if len(f.Fields) > 0 {
		return nil
	}
	_, err := s.svc.Transfer(r.Context(), rq.User, id, in)
	return err
}

func (s *server) caseAcknowledge(w http.ResponseWriter, r *http.Request, rq *request, id int64, f *caseForms) error {
	_, err := s.svc.Acknowledge(r.Context(), rq.User, id)
	return err
}

func (s *server) caseReturn(w http.ResponseWriter, r *http.Request, rq *request, id int64, f *caseForms) error {
	return withReason(r, rq, f, "return.reason", &f.ReturnReason, func(reason string) error {
		_, err := s.svc.ReturnTransfer(r.Context(), rq.User, id, reason)
		return err
	})
}

func (s *server) caseAct(w http.ResponseWriter, r *http.Request, rq *request, id int64, f *caseForms) error {
	err := r.ParseMultipartForm(1 << 20)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			f.Fields["file"] = rq.T.T("case.act.toolarge", app.MaxEvidence>>20)
			return nil
		}
		return huifang.Errorf(huifang.EINVALID, "表单无法解析")
	}
	f.Kind, f.Note, f.Phone = r.PostFormValue("kind"), strings.TrimSpace(r.PostFormValue("note")), strings.TrimSpace(r.PostFormValue("phone"))
	in := app.ActionInput{Kind: f.Kind, Note: f.Note}
	if problem.ActionZH(f.Kind) == "" {
		f.Fields["kind"] = rq.T.T("case.act.pick")
	}
	if f.Kind == problem.ActContact {
		in.Phone = f.Phone
	}
	file, hdr, err := r.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile):
		if problem.NeedsEvidence(f.Kind) {
			f.Fields["file"] = rq.T.T("case.act.needfile", rq.T.T("action."+f.Kind))
		}
	case err != nil:
		return huifang.Errorf(huifang.EINVALID, "上传的文件无法读取")
	default:
		defer file.Close()
		data, err := io.ReadAll(io.LimitReader(file, app.MaxEvidence+1))
		if err != nil {
			return huifang.Errorf(huifang.EINVALID, "上传的文件无法读取")
		}
		if len(data) > app.MaxEvidence {
			f.Fields["file"] = rq.T.T("case.act.toolarge", app.MaxEvidence>>20)
			break
		}
		// The service tells the type by content; the browser's claim is kept
		// for nothing more than the record.
		in.Evidence = &app.Upload{Name: filepath.Base(hdr.Filename), ContentType: hdr.Header.Get("Content-Type"), Data: data}
	}
	if len(f.Fields) > 0 {
		f.Reselect = in.Evidence != nil
		return nil
	}
	_, err = s.svc.Act(r.Context(), rq.User, id, in)
	if err != nil {
		f.Reselect = in.Evidence != nil
	}
	return err
}

func (s *server) caseRecallback(w http.ResponseWriter, r *http.Request, rq *request, id int64, f *caseForms) error {
	_, err := s.svc.RequestRecallback(r.Context(), rq.User, id)
	return err
}

func (s *server) caseClose(w http.ResponseWriter, r *http.Request, rq *request, id int64, f *caseForms) error {
	return withReason(r, rq, f, "close.reason", &f.CloseReason, func(reason string) error {
		_, err := s.svc.CloseCase(r.Context(), rq.User, id, reason)
		return err
	})
}

func (s *server) caseReopen(w http.ResponseWriter, r *http.Request, rq *request, id int64, f *caseForms) error {
	return withReason(r, rq, f, "reopen.reason", &f.ReopenReason, func(reason string) error {
		_, err := s.svc.Reopen(r.Context(), rq.User, id, reason)
		return err
	})
}

// withReason reads a step's required reason into the form (kept if the
// page comes back) and runs the step, or marks the field when it is empty.
func withReason(r *http.Request, rq *request, f *caseForms, field string, kept *string, step func(reason string) error) error {
	*kept = strings.TrimSpace(r.PostFormValue("reason"))
	if *kept == "" {
		f.Fields[field] = rq.T.T("case.reason.required")
		return nil
	}
	return step(*kept)
}

// problemEvidence downloads a document of a case's timeline: always as an
// attachment, with the stored type and no sniffing, so that an uploaded page
// never runs on this site.
func (s *server) problemEvidence(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	eid, err := app.ParseID(r.PathValue("eid"))
	if err != nil {
		return err
	}
	v, err := s.svc.Case(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	listed := false
	for _, e := range v.Events {
		listed = listed || e.EvidenceID == eid
	}
	notFound := huifang.Errorf(huifang.ENOTFOUND, "文件 %d 不存在", eid)
	if !listed {
		return notFound
	}
	body, e, err := s.svc.Evidence(r.Context(), rq.User, eid)
	if err != nil {
		return err
	}
	defer body.Close()
	if e.CaseID != id {
		return notFound
	}
	// A picture or PDF shows in the page (the timeline's preview) when its
	// first bytes are what it was stored as; anything else — a document kept
	// from before types were told by content — stays an attachment.
	br := bufio.NewReaderSize(body, 64)
	head, _ := br.Peek(app.SniffLen)
	ft, ok := app.Sniff(app.DocumentTypes, head)
	inline := ok && ft.ContentType == e.ContentType
	s.sendDocument(w, r, br, document{Name: e.Name, Fallback: "evidence-" + strconv.FormatInt(e.ID, 10), ContentType: e.ContentType, Size: e.Size, Inline: inline})
	return nil
}
