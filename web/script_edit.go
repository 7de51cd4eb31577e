package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/script"
)

// The script editor: an insurer's administrator edits a draft version in a
// form. Steps are added, removed and moved by the form's own buttons (the
// page comes back with the change, not yet saved); the checks of `script
// check` are shown on every render and, with JavaScript, live as one types
// (POST /scripts/check/{id} answers JSON). Saving keeps it a draft.

// editRules is how many rule rows a step offers beyond its rules.
const editRules = 1

// editMethods are the methods with their own wording in the form.
var editMethods = []huifang.CallbackMethod{huifang.MethodElectronic, huifang.MethodLetter, huifang.MethodVisit}

type editPage struct {
	Rec       *huifang.ScriptRecord
	S         *script.Script
	Steps     []editStep
	Check     editCheck
	Error     string
	Notice    string
	Base      string // the version the differences are from
	Diff      *script.Diff
	Purposes  []script.Purpose
	Designs   []huifang.DesignType
	Channels  []huifang.Channel
	Kinds     []script.Kind
	Answers   []script.AnswerType
	Problems  []huifang.ProblemType
	Ends      []script.End
	Methods   []huifang.CallbackMethod
	Written   []huifang.CallbackMethod
	Items     []script.Item
	ChannelOn map[huifang.Channel]bool
}

type editStep struct {
	I        int
	N        int
	Last     bool
	St       script.Step
	MethodOn map[huifang.CallbackMethod]bool // ticked: all when the step names none
	CoverOn  map[script.Item]bool
	Texts    []editText
	Rules    []editRule
	Errors   []string
}

type editText struct {
	Method huifang.CallbackMethod
	Text   string
}

type editRule struct {
	J    int
	When string
	R    script.Rule
}

// editCheck is the check as the page and the live check show it.
type editCheck struct {
	OK       bool     `json:"ok"`
	Summary  string   `json:"summary"`
	Problems []string `json:"problems"`
	Missing  []string `json:"missing"`
	// Steps holds each step's problems by its index (the live check marks them).
	Steps map[int][]string `json:"steps"`
}

// editScript loads a draft of the user's insurer for the editor; a version
// no longer a draft is refused by the service when saved, and shown here
// with the reason.
func (s *server) editScript(r *http.Request, rq *request) (*huifang.ScriptRecord, *script.Script, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, nil, err
	}
	rec, err := s.findScript(r.Context(), rq.User, id)
	if err != nil {
		return nil, nil, err
	}
	if rec.OrgID != rq.User.OrgID || !rq.User.Can(huifang.PermImport) {
		return nil, nil, huifang.Errorf(huifang.EFORBIDDEN, "err.script.edit_forbidden")
	}
	sc, err := script.Parse(strings.NewReader(rec.Body))
	if err != nil {
		return nil, nil, err
	}
	sc.Version = rec.Version
	return rec, sc, nil
}

// scriptEdit shows the editor: GET /scripts/edit/{id}.
func (s *server) scriptEdit(w http.ResponseWriter, r *http.Request, rq *request) error {
	rec, sc, err := s.editScript(r, rq)
	if err != nil {
		return err
	}
	if rec.Status != "draft" {
		return huifang.Errorf(huifang.ECONFLICT, "err.script.edit_not_draft", rec.Code, rec.Version, huifang.M("scripts.status."+rec.Status))
	}
	p, err := s.editPageOf(r, rq, rec, sc)
	if err != nil {
		return err
	}
	if s.takeFlash(w, r) == "saved" {
		p.Notice = rq.T.T("scripts.edit.saved")
	}
	s.renderEdit(w, r, rq, http.StatusOK, p)
	return nil
}

// scriptEditPost saves the form, or applies one of its step buttons (op
// add, remove:i, up:i, down:i, check) and shows the form again unsaved:
// POST /scripts/edit/{id}. A refused save comes back with everything typed.
func (s *server) scriptEditPost(w http.ResponseWriter, r *http.Request, rq *request) error {
	rec, _, err := s.editScript(r, rq)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	sc := parseEditForm(r, rec)
	op, arg, _ := strings.Cut(r.PostFormValue("op"), ":")
	i, _ := strconv.Atoi(arg)
	status := http.StatusOK
	var msg string
	switch op {
	case "add":
		at := len(sc.Steps)
		if arg != "" && i >= 0 && i < len(sc.Steps) {
			at = i + 1
		}
		sc.Steps = slices.Insert(sc.Steps, at, script.Step{Kind: script.KindQuestion, Answer: script.AnswerYesNo})
	case "remove":
		if i >= 0 && i < len(sc.Steps) {
			sc.Steps = slices.Delete(sc.Steps, i, i+1)
		}
	case "up":
		if i > 0 && i < len(sc.Steps) {
			sc.Steps[i-1], sc.Steps[i] = sc.Steps[i], sc.Steps[i-1]
		}
	case "down":
		if i >= 0 && i < len(sc.Steps)-1 {
			sc.Steps[i], sc.Steps[i+1] = sc.Steps[i+1], sc.Steps[i]
		}
	case "check":
	default:
		_, err := s.svc.SaveScriptDraft(r.Context(), rq.User, rec.ID, sc)
		if err == nil {
			http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "saved", Path: editURL(rec.ID), MaxAge: 120, HttpOnly: true,
				Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
			http.Redirect(w, r, editURL(rec.ID), http.StatusSeeOther)
			return nil
		}
		switch huifang.ErrorCode(err) {
		case huifang.ENOTFOUND, huifang.EUNAUTHORIZED, huifang.EFORBIDDEN:
			return err
		}
		if msg, status, err = formError(rq, err); err != nil {
			return err
		}
	}
	p, err := s.editPageOf(r, rq, rec, sc)
	if err != nil {
		return err
	}
	p.Error = msg
	if msg != "" && len(p.Check.Problems) > 0 {
		p.Error = rq.T.T("scripts.edit.refused", len(p.Check.Problems)) // listed in the check
	}
	s.renderEdit(w, r, rq, status, p)
	return nil
}

// scriptCheck checks the form as typed, for the live check:
// POST /scripts/check/{id}, answering editCheck as JSON.
func (s *server) scriptCheck(w http.ResponseWriter, r *http.Request, rq *request) error {
	rec, _, err := s.editScript(r, rq)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	c, err := s.check(r, rq, parseEditForm(r, rec))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(c)
}

// check runs the service's check and puts it in words.
func (s *server) check(r *http.Request, rq *request, sc *script.Script) (editCheck, error) {
	res, err := s.svc.CheckScript(r.Context(), rq.User, sc)
	if err != nil {
		return editCheck{}, err
	}
	return checkView(rq, res), nil
}

func checkView(rq *request, res app.ScriptCheck) editCheck {
	c := editCheck{OK: res.OK(), Steps: map[int][]string{}, Problems: []string{}, Missing: []string{}}
	var ae *huifang.Error
	if errors.As(res.Invalid, &ae) {
		for _, fe := range ae.Fields {
			text := fe.Text(rq.uiLang())
			c.Problems = append(c.Problems, text)
			var i int
			if _, err := fmt.Sscanf(fe.Field, "steps[%d]", &i); err == nil {
				c.Steps[i] = append(c.Steps[i], text)
			}
		}
	}
	for _, it := range res.Missing {
		c.Missing = append(c.Missing, rq.T.T(it.Key()))
	}
	switch {
	case c.OK:
		c.Summary = rq.T.T("scripts.edit.check.ok")
	case len(c.Problems) > 0:
		c.Summary = rq.T.T("scripts.edit.check.problems", len(c.Problems))
	default:
		c.Summary = rq.T.T("scripts.edit.check.missing", len(c.Missing))
	}
	return c
}

// parseEditForm reads the script as typed: its code is the version's.
func parseEditForm(r *http.Request, rec *huifang.ScriptRecord) *script.Script {
	v := func(k string) string { return r.PostFormValue(k) }
	sc := &script.Script{Code: rec.Code, Version: rec.Version, Name: strings.TrimSpace(v("name")), Purpose: script.Purpose(v("purpose")),
		Design: huifang.DesignType(v("design")), VideoRecorded: v("video") != ""}
	for _, c := range r.PostForm["channels"] {
		sc.Channels = append(sc.Channels, huifang.Channel(c))
	}
	n, _ := strconv.Atoi(v("steps"))
	for i := 0; i < n && i < 200; i++ {
		k := func(f string) string { return fmt.Sprintf("s%d.%s", i, f) }
		st := script.Step{ID: strings.TrimSpace(v(k("id"))), Kind: script.Kind(v(k("kind"))), Title: strings.TrimSpace(v(k("title"))),
			Text: strings.TrimSpace(v(k("text"))), Answer: script.AnswerType(v(k("answer")))}
		for _, m := range editMethods {
			if t := strings.TrimSpace(v(k("text." + string(m)))); t != "" {
				if st.Texts == nil {
					st.Texts = map[huifang.CallbackMethod]string{}
				}
				st.Texts[m] = t
			}
		}
		if ms := r.PostForm[k("methods")]; len(ms) > 0 && len(ms) < len(huifang.CallbackMethods) { // all or none: every method
			for _, m := range ms {
				st.Methods = append(st.Methods, huifang.CallbackMethod(m))
			}
		}
		for _, line := range strings.Split(v(k("choices")), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				st.Choices = append(st.Choices, line)
			}
		}
		for _, it := range r.PostForm[k("covers")] {
			st.Covers = append(st.Covers, script.Item(it))
		}
		rn, _ := strconv.Atoi(v(k("rules")))
		for j := 0; j < rn && j < 50; j++ {
			rk := func(f string) string { return fmt.Sprintf("s%d.r%d.%s", i, j, f) }
			rule := script.Rule{Problem: huifang.ProblemType(v(rk("problem"))), Goto: strings.TrimSpace(v(rk("goto"))), End: script.End(v(rk("end")))}
			for _, w := range strings.Split(v(rk("when")), ",") { // ASCII commas: a choice may hold a Chinese one
				if w = strings.TrimSpace(w); w != "" {
					rule.When = append(rule.When, w)
				}
			}
			if len(rule.When) == 0 && rule.Problem == "" && rule.Goto == "" && rule.End == "" {
				continue // an empty row
			}
			st.Rules = append(st.Rules, rule)
		}
		sc.Steps = append(sc.Steps, st)
	}
	return sc
}

func (s *server) editPageOf(r *http.Request, rq *request, rec *huifang.ScriptRecord, sc *script.Script) (*editPage, error) {
	p := &editPage{Rec: rec, S: sc, Purposes: script.Purposes, Designs: huifang.DesignTypes, Channels: huifang.Channels, Kinds: []script.Kind{script.KindStatement, script.KindQuestion},
		Answers: script.AnswerTypes, Problems: huifang.ProblemTypes, Ends: []script.End{script.EndNotPolicyholder, script.EndReschedule},
		Methods: huifang.CallbackMethods, Written: editMethods, Items: script.Items}
	p.ChannelOn = map[huifang.Channel]bool{}
	for _, c := range sc.Channels {
		p.ChannelOn[c] = true
	}
	var err error
	if p.Check, err = s.check(r, rq, sc); err != nil {
		return nil, err
	}
	for i, st := range sc.Steps {
		es := editStep{I: i, N: i + 1, Last: i == len(sc.Steps)-1, St: st, Errors: p.Check.Steps[i],
			MethodOn: map[huifang.CallbackMethod]bool{}, CoverOn: map[script.Item]bool{}}
		for _, m := range huifang.CallbackMethods {
			es.MethodOn[m] = st.For(m)
		}
		for _, it := range st.Covers {
			es.CoverOn[it] = true
		}
		for _, m := range editMethods {
			es.Texts = append(es.Texts, editText{Method: m, Text: st.Texts[m]})
		}
		for j, rule := range st.Rules {
			es.Rules = append(es.Rules, editRule{J: j, When: strings.Join(rule.When, ","), R: rule})
		}
		for j := 0; j < editRules; j++ {
			es.Rules = append(es.Rules, editRule{J: len(st.Rules) + j})
		}
		p.Steps = append(p.Steps, es)
	}
	changes, err := s.svc.ScriptDiffOf(r.Context(), rq.User, rec.ID, sc)
	if err != nil {
		return nil, err
	}
	p.Base, p.Diff = changes.Base, &changes.Diff
	return p, nil
}

func (s *server) renderEdit(w http.ResponseWriter, r *http.Request, rq *request, status int, p *editPage) {
	s.render(w, r, rq, status, "script_edit", rq.T.T("scripts.edit.title")+" · "+p.Rec.Code+" v"+strconv.Itoa(p.Rec.Version), "scripts", p)
}

func editURL(id int64) string { return "/scripts/edit/" + strconv.FormatInt(id, 10) }
