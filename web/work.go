package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
	"github.com/huifang/huifang/script"
)

// formLimit bounds the body of an ordinary form.
const formLimit = 64 << 10

// callbackView is a callback as the workbench and the detail page show it.
type callbackView struct {
	Work     *app.Work
	C        *huifang.Callback
	Steps    []stepView
	Problems []huifang.ProblemCase // opened by this callback
	DueClass string                // "due-over", "due-today" or ""
	DueText  string
	Phone    string // the full number, right after the operator asked for it
	Answered bool   // the last attempt connected with the policyholder
	// Attempts are the phone attempts with their recordings; Unattached the
	// recordings tied to none. CanListen shows players.
	Attempts   []attemptView
	Unattached []huifang.Recording
	CanListen  bool
	// From is the page showing the view, "work" or "callback": forms on
	// both come back to it.
	From         string
	RecNotice    string // after a recording was uploaded
	MaxRecording int    // MB
	// Electronic is the callback's electronic callback: links, evidence, actions.
	Electronic electronicView
}

// attemptView is a phone attempt with its recordings.
type attemptView struct {
	huifang.Attempt
	Recordings []huifang.Recording
	CanUpload  bool   // the user made this call and may add recordings
	RecError   string // an upload refused
}

// stepView is a step of the callback's script as the page shows it.
type stepView struct {
	N       int // the question's number; 0 for statements
	ID      string
	Title   string
	Text    string // variables filled in
	Kind    script.Kind
	Answer  script.AnswerType
	Choices []choiceView // yes-no-unclear and choice questions
	Covers  []string
	Value   string // the answer given, kept when the form comes back
	Tone    string // of the answer given: see choiceView
	Error   string
	// Input questions (date, number, text): where an answer leads.
	Goto, End string
}

// Question reports whether the step takes an answer.
func (v stepView) Question() bool { return v.Kind == script.KindQuestion }

// choiceView is one answer offered to a question.
type choiceView struct {
	Value, Label string
	// Tone: "fine" goes on, "doubt" is an unclear answer that raises a
	// problem, "problem" raises one, "end" ends the call.
	Tone      string
	Goto, End string
}

// tone colours an answer by what the first rule matching it does.
func tone(st *script.Step, a string) (t, gotoID, end string) {
	for _, r := range st.Rules {
		for _, w := range r.When {
			if w == a || w == script.Other {
				switch {
				case r.End != "":
					return "end", "", string(r.End)
				case r.Problem != "" && a == script.Unclear:
					return "doubt", r.Goto, ""
				case r.Problem != "":
					return "problem", r.Goto, ""
				}
				return "fine", r.Goto, ""
			}
		}
	}
	return "fine", "", ""
}

// scriptSteps builds the steps of a callback's script with the answers given.
func scriptSteps(t translator, cs *app.CallScript, answers map[string]string, fieldErrs map[string]string) []stepView {
	var out []stepView
	n := 0
	for i, cst := range cs.Steps {
		st := &cs.Script.Steps[i]
		v := stepView{ID: cst.ID, Title: cst.Title, Text: cst.Text, Kind: cst.Kind, Answer: cst.Answer, Covers: cst.Covers,
			Value: answers[cst.ID], Error: fieldErrs[cst.ID]}
		if cst.Question() {
			n++
			v.N = n
			if v.Value != "" {
				v.Tone, _, _ = tone(st, v.Value)
			}
			switch cst.Answer {
			case script.AnswerYesNo:
				for _, a := range []string{script.Yes, script.No, script.Unclear} {
					c := choiceView{Value: a, Label: t.T("answer." + a)}
					c.Tone, c.Goto, c.End = tone(st, a)
					v.Choices = append(v.Choices, c)
				}
			case script.AnswerChoice:
				for _, a := range cst.Choices {
					c := choiceView{Value: a, Label: a}
					c.Tone, c.Goto, c.End = tone(st, a)
					v.Choices = append(v.Choices, c)
				}
			default:
				_, v.Goto, v.End = tone(st, "\x00") // only an "other" rule matches
			}
		}
		out = append(out, v)
	}
	return out
}

// workPage is the workbench on one callback.
type workPage struct {
	callbackView
	Held        bool // the user holds the lease: the forms are live
	LeaseLost   bool
	Outcomes    []huifang.AttemptOutcome
	Attempt     attemptForm
	FinishError string
	ScheduleAt  string // the time the customer asked for, when the script ended with "busy now"
}

// attemptForm is what the operator typed in the attempt form.
type attemptForm struct {
	Outcome    string
	Note       string
	ScheduleAt string
	Error      string
}

// workbenchPage is the workbench without a callback.
type workbenchPage struct {
	Notice string
	Error  string
	// AnyTime: the rules in force allow calls at any hour (the demo's).
	AnyTime bool
	Desk    *deskView
}

// loadCallback builds the view of a callback of the user's organisation.
func (s *server) loadCallback(ctx context.Context, rq *request, id int64, answers map[string]string, fieldErrs map[string]string) (callbackView, error) {
	w, err := s.svc.Callback(ctx, rq.User, id)
	if err != nil {
		return callbackView{}, err
	}
	c := w.Callback
	v := callbackView{Work: w, C: c, MaxRecording: app.MaxRecording >> 20, Electronic: electronicOf(rq.User, w)}
	if answers == nil {
		answers = make(map[string]string, len(c.Answers))
		for k, a := range c.Answers {
			answers[k] = string(a)
		}
	}
	v.Steps = scriptSteps(rq.T, w.Script, answers, fieldErrs)
	if err := s.attemptViews(ctx, rq.User, &v); err != nil {
		return v, err
	}
	if n := len(w.Attempts); n > 0 && w.Attempts[n-1].Outcome == huifang.AttemptAnswered {
		v.Answered = true
	}
	if c.Open() {
		switch days := s.today().DaysUntil(c.DueOn); {
		case days < 0:
			v.DueClass, v.DueText = "due-over", rq.T.T("work.due.over", -days)
		case days == 0:
			v.DueClass, v.DueText = "due-today", rq.T.T("work.due.today")
		default:
			v.DueText = rq.T.T("work.due.left", days)
		}
	}
	if !c.Open() {
		v.Problems, err = s.svc.ListProblemCases(ctx, rq.User, huifang.ProblemFilter{CallbackID: c.ID})
		if err != nil {
			return v, err
		}
	}
	return v, nil
}

// renderWork renders the workbench on a callback with the forms as given.
func (s *server) renderWork(w http.ResponseWriter, r *http.Request, rq *request, status int, p workPage) {
	c := p.C
	p.Held = c.Open() && c.LeaseUserID == rq.User.ID && !c.LeaseUntil.Before(s.now())
	p.LeaseLost = c.Open() && !p.Held
	p.Electronic.FromWork = p.Held
	p.Outcomes = huifang.AttemptOutcomes
	p.From = "work"
	s.render(w, r, rq, status, "work", rq.T.T("work.callback", c.ID)+" · "+c.PolicyNo, "work", p)
}

func pathID(r *http.Request) (int64, error) { return app.ParseID(r.PathValue("id")) }

func (s *server) workbench(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !rq.User.Can(huifang.PermWorkCallbacks) {
		return huifang.Errorf(huifang.EFORBIDDEN, "err.auth.role_forbidden", rq.User.Role)
	}
	p := workbenchPage{AnyTime: s.svc.CallsAnyTime(r.Context(), rq.User)}
	q := r.URL.Query()
	switch q.Get("notice") {
	case "released":
		p.Notice = rq.T.T("work.released")
	case "electronic":
		p.Notice = rq.T.T("electronic.staff.sent.work")
	}
	if v := q.Get("requeued"); v != "" {
		if id, err := app.ParseID(v); err == nil {
			if wk, err := s.svc.Callback(r.Context(), rq.User, id); err == nil {
				p.Notice = requeuedNotice(rq.T, wk)
			}
		}
	}
	if err := s.loadDesk(r, rq, &p); err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "workbench", rq.T.T("work.title"), "work", p)
	return nil
}

// requeuedNotice says what became of a callback after a failed attempt.
func requeuedNotice(t translator, wk *app.Work) string {
	c := wk.Callback
	if !c.Open() {
		return t.T("work.requeued.done", c.PolicyNo, t.T("result."+string(c.Result)))
	}
	last := ""
	if n := len(wk.Attempts); n > 0 {
		last = t.T("outcome." + string(wk.Attempts[n-1].Outcome))
	}
	return t.T("work.requeued", last, c.PolicyNo, datetime(c.NextAt))
}

func (s *server) workNext(w http.ResponseWriter, r *http.Request, rq *request) error {
	wk, err := s.svc.Next(r.Context(), rq.User)
	if err != nil {
		// No work, or outside calling hours: a notice, not a failure.
		switch huifang.ErrorCode(err) {
		case huifang.ENOTFOUND, huifang.EINVALID:
			p := workbenchPage{Error: rq.errText(err), AnyTime: s.svc.CallsAnyTime(r.Context(), rq.User)}
			if errors.Is(err, app.ErrNoWork) {
				p.Error = rq.T.T("work.nowork")
			}
			if err := s.loadDesk(r, rq, &p); err != nil {
				return err
			}
			s.render(w, r, rq, http.StatusOK, "workbench", rq.T.T("work.title"), "work", p)
			return nil
		}
		return err
	}
	http.Redirect(w, r, "/work/"+strconv.FormatInt(wk.Callback.ID, 10), http.StatusSeeOther)
	return nil
}

// workTake takes a named callback from the pool (POST /work/{id}/take) and
// opens it on the workbench; a refusal shows on the callback's page.
func (s *server) workTake(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.svc.Take(r.Context(), rq.User, id); err != nil {
		msg, status, ierr := formError(rq, err)
		if ierr != nil || status == http.StatusNotFound || status == http.StatusForbidden {
			return err
		}
		v, lerr := s.loadCallback(r.Context(), rq, id, nil, nil)
		if lerr != nil {
			return lerr
		}
		s.renderCallback(w, r, rq, status, callbackPage{callbackView: v, Error: msg})
		return nil
	}
	http.Redirect(w, r, "/work/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *server) workShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if !rq.User.Can(huifang.PermWorkCallbacks) {
		http.Redirect(w, r, "/callbacks/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}
	v, err := s.loadCallback(r.Context(), rq, id, nil, nil)
	if err != nil {
		return err
	}
	v.RecNotice = recordedNotice(rq, r.URL.Query().Get("recorded"))
	s.renderWork(w, r, rq, http.StatusOK, workPage{callbackView: v})
	return nil
}

// formError turns an application error into a message for a form and its
// status; anything else is returned to be shown as an internal error.
func formError(rq *request, err error) (string, int, error) {
	if huifang.ErrorCode(err) == huifang.EINTERNAL {
		return "", 0, err
	}
	return rq.errText(err), httpx.Status(err), nil
}

// scheduleLayouts are what a datetime-local input sends.
var scheduleLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"}

func parseLocal(s string) (time.Time, bool) {
	for _, l := range scheduleLayouts {
		if t, err := time.ParseInLocation(l, s, huifang.Shanghai); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *server) workAttempt(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	f := attemptForm{Outcome: r.PostFormValue("outcome"), Note: strings.TrimSpace(r.PostFormValue("note")), ScheduleAt: strings.TrimSpace(r.PostFormValue("schedule_at"))}
	in := app.AttemptInput{Outcome: huifang.AttemptOutcome(f.Outcome), Note: f.Note}
	status := http.StatusBadRequest
	switch {
	case f.Outcome == "":
		f.Error = rq.T.T("work.pick")
	case in.Outcome == huifang.AttemptReschedule && f.ScheduleAt != "":
		t, ok := parseLocal(f.ScheduleAt)
		if !ok {
			f.Error = rq.T.T("work.badtime")
		}
		in.ScheduleAt = t
	}
	if f.Error == "" {
		c, err := s.svc.RecordAttempt(r.Context(), rq.User, id, in)
		if err == nil {
			switch {
			case c.Status == huifang.StatusDone:
				http.Redirect(w, r, "/work/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
			case in.Outcome == huifang.AttemptAnswered:
				http.Redirect(w, r, "/work/"+strconv.FormatInt(id, 10)+"#items", http.StatusSeeOther)
			default:
				http.Redirect(w, r, "/work?requeued="+strconv.FormatInt(id, 10), http.StatusSeeOther)
			}
			return nil
		}
		if f.Error, status, err = formError(rq, err); err != nil {
			return err
		}
	}
	v, err := s.loadCallback(r.Context(), rq, id, nil, nil)
	if err != nil {
		return err
	}
	s.renderWork(w, r, rq, status, workPage{callbackView: v, Attempt: f})
	return nil
}

func (s *server) workFinish(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	answers := make(map[string]string)
	for k, vs := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "a."); ok && len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
			answers[key] = strings.TrimSpace(vs[0])
		}
	}
	in := app.FinishInput{Answers: answers, Script: r.PostFormValue("script")}
	schedule := strings.TrimSpace(r.PostFormValue("schedule_at"))
	if schedule != "" {
		t, ok := parseLocal(schedule)
		if !ok {
			return s.finishAgain(w, r, rq, id, answers, schedule, nil, rq.T.T("work.badtime"), http.StatusBadRequest)
		}
		in.ScheduleAt = t
	}
	c, err := s.svc.Finish(r.Context(), rq.User, id, in)
	if err == nil {
		if c.Status == huifang.StatusDone {
			http.Redirect(w, r, "/work/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		} else {
			// Not the policyholder, or another time: recorded as an attempt.
			http.Redirect(w, r, "/work?requeued="+strconv.FormatInt(id, 10), http.StatusSeeOther)
		}
		return nil
	}
	fieldErrs := make(map[string]string)
	addFieldErrors(rq, fieldErrs, err)
	msg, status, err := formError(rq, err)
	if err != nil {
		return err
	}
	return s.finishAgain(w, r, rq, id, answers, schedule, fieldErrs, msg, status)
}

// finishAgain shows the script form again with the answers given and what
// was wrong with them.
func (s *server) finishAgain(w http.ResponseWriter, r *http.Request, rq *request, id int64, answers map[string]string, schedule string, fieldErrs map[string]string, msg string, status int) error {
	v, err := s.loadCallback(r.Context(), rq, id, answers, fieldErrs)
	if err != nil {
		return err
	}
	s.renderWork(w, r, rq, status, workPage{callbackView: v, FinishError: msg, ScheduleAt: schedule})
	return nil
}

func (s *server) workRelease(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.Release(r.Context(), rq.User, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/work?notice=released", http.StatusSeeOther)
	return nil
}

// workReveal shows the full phone number once; the app records the view.
// The number is rendered, never put in a URL.
func (s *server) workReveal(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.loadCallback(r.Context(), rq, id, nil, nil)
	if err != nil {
		return err
	}
	if v.Phone, err = s.svc.RevealPhone(r.Context(), rq.User, v.C.PolicyNo); err != nil {
		return err
	}
	s.renderWork(w, r, rq, http.StatusOK, workPage{callbackView: v})
	return nil
}

// callbackShow is the view of a callback: read-only, but for the form that
// records a letter or visit.
func (s *server) callbackShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.loadCallback(r.Context(), rq, id, nil, nil)
	if err != nil {
		return err
	}
	p := callbackPage{callbackView: v}
	q := r.URL.Query()
	if q.Get("letter") == "recorded" && v.Work.Letter != nil {
		p.Notice = rq.T.T("letter.recorded", rq.T.T("method."+string(v.Work.Letter.Method)))
	}
	p.RecNotice = recordedNotice(rq, q.Get("recorded"))
	switch q.Get("notice") {
	case "electronic-sent":
		p.Electronic.Notice = rq.T.T("electronic.staff.sent")
	case "electronic-withdrawn":
		p.Electronic.Notice = rq.T.T("electronic.staff.withdrawn")
	}
	s.renderCallback(w, r, rq, http.StatusOK, p)
	return nil
}

// recordedNotice is the notice after a recording was uploaded.
func recordedNotice(rq *request, v string) string {
	if v == "" {
		return ""
	}
	return rq.T.T("rec.uploaded")
}
