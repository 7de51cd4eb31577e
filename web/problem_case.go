package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/problem"
)

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
	CloseCode                 string
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
	// Who to contact: the policyholder (masked number), product and agent;
	// Phone is the full number right after the handler asked for it.
	Contact    *app.CaseContact
	Phone      string
	CanReveal  bool
	CloseCodes []huifang.CloseCode
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
	// Opening the case reads its notifications.
	if err := s.svc.CaseSeen(r.Context(), rq.User, id); err != nil {
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
	dir, err := s.directory(ctx, u, u.OrgID)
	if err != nil {
		return nil, err
	}
	c := v.Case
	p := &casePage{C: c, Due: dueOf(rq.T, v), Holder: dir.branchName(rq.T, c.HolderBranch), Handler: dir.userName(c.HandlerID),
		OpenedBy: dir.userName(c.OpenedBy), Can: canOn(c, u), MaxUpload: app.MaxEvidence >> 20, Contact: v.Contact, CloseCodes: huifang.CloseCodes,
		CanReveal: v.Contact != nil && u.Can(huifang.PermViewPII) && !c.Status.Final() && holdsCase(c, u),
		Forms:     caseForms{Errors: map[string]string{}, Fields: map[string]string{}}}
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

// problemReveal shows the policyholder's full number on the case page, once:
// POST /problems/{id}/reveal (the service audits the view, or the refusal,
// and caps the views an hour). The number is rendered, never put in a URL.
func (s *server) problemReveal(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	phone, err := s.svc.RevealCasePhone(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	p, err := s.loadCase(r.Context(), rq, id)
	if err != nil {
		return err
	}
	p.Phone = phone
	s.renderCase(w, r, rq, http.StatusOK, p)
	return nil
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
	if i18n.Has(t.l, "event."+kind) {
		return t.T("event." + kind)
	}
	return kind
}
