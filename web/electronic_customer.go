package web

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/script"
)

// The customer's pages of an electronic callback, under /e/{token}, need no
// login. GET shows the next step; every form posts back to the same address
// with a "step" field. Whatever goes wrong with a link, the customer gets
// the same refusal page with the same status, so nothing tells a guessed
// link from an expired, used or locked one, or wrong ID digits from a
// missing policy.

// linkCookie is the cookie bound to a link once the ID digits were right.
// Its path is the link's own, so it goes nowhere else.
const linkCookie = "hf_link"

// refusedStatus is the status of every refusal.
const refusedStatus = http.StatusForbidden

// customerPage is what the customers' layout gets.
type customerPage struct {
	Title string
	Lang  string
	IsEN  bool
	Data  any
}

// renderCustomer renders a customer's page; such pages are never cached,
// indexed, or referred from.
func (s *server) renderCustomer(w http.ResponseWriter, rq *request, status int, name, title string, data any) {
	t := s.views.customer[rq.Lang][name]
	if t == nil {
		s.log.Error("web: no customer template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", customerPage{Title: title, Lang: rq.Lang.HTML(), IsEN: rq.Lang == langEN, Data: data}); err != nil {
		s.log.Error("web: render", "name", name, "err", err)
		http.Error(w, rq.T.T("error.internal"), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// visit is what the app needs of a customer's request. The address is the
// one logins are counted by (clientAddr): X-Forwarded-For only behind a
// trusted proxy, since anyone can send it.
func (s *server) visit(r *http.Request) app.Visit {
	v := app.Visit{Token: r.PathValue("token"), UserAgent: r.UserAgent(), IP: s.clientAddr(r)}
	if len(v.UserAgent) > 500 {
		v.UserAgent = v.UserAgent[:500]
	}
	if c, err := r.Cookie(linkCookie); err == nil {
		v.Cookie = c.Value
	}
	return v
}

func (s *server) setLinkCookie(w http.ResponseWriter, r *http.Request, p *app.LinkPage) {
	if p == nil || p.Cookie == "" {
		return
	}
	age := int(p.CookieUntil.Sub(s.now()) / time.Second)
	http.SetCookie(w, &http.Cookie{Name: linkCookie, Value: p.Cookie, Path: "/e/" + r.PathValue("token"), MaxAge: max(age, 1),
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteStrictMode})
}

// refused renders the one refusal page.
func (s *server) refused(w http.ResponseWriter, rq *request) {
	s.renderCustomer(w, rq, refusedStatus, "refused", rq.T.T("electronic.refused.title"), nil)
}

// customerError renders an error of a customer's request: a refusal as the
// refusal page, anything unexpected as the same page too (logged), so that
// an internal error tells nothing either.
func (s *server) customerError(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	if errors.Is(err, app.ErrLinkUnavailable) {
		s.log.Warn("electronic callback: script incomplete, callback set aside", "method", r.Method)
	} else if !errors.Is(err, app.ErrLinkRefused) {
		s.log.Error("electronic callback", "method", r.Method, "err", err)
	}
	s.refused(w, rq)
}

// identityData is the identity form as typed.
type identityData struct {
	Digits, Error string
}

// codeData is the code form with what to say.
type codeData struct {
	Page          *app.LinkPage
	Notice, Error string
}

// answersData is the script as the customer answers it.
type answersData struct {
	Page  *app.LinkPage
	Due   string // the deadline, as people write it
	Steps []stepView
	Error string
}

// longDate writes a date as people do: 2026年3月17日, 17 March 2026.
// The catalog's text picks from the year, month, day and English month name.
func longDate(l lang, d huifang.Date) string {
	return i18n.T(l, "date.long", d.Year(), int(d.Month()), d.Day(), d.Month().String())
}

// doneData says what became of the answers.
type doneData struct {
	Outcome   script.Outcome
	Completed bool
	Title     string
	Lines     []string
	Phone     string
}

// renderStage shows the page of a link's stage.
func (s *server) renderStage(w http.ResponseWriter, r *http.Request, rq *request, status int, p *app.LinkPage, notice string) {
	s.setLinkCookie(w, r, p)
	switch p.Stage {
	case app.StageCode:
		s.renderCustomer(w, rq, status, "code", rq.T.T("electronic.code.title"), codeData{Page: p, Notice: notice})
	case app.StageAnswers:
		s.renderAnswers(w, rq, status, p, nil, nil, notice)
	default:
		s.renderCustomer(w, rq, status, "identity", rq.T.T("electronic.identity.title"), identityData{})
	}
}

func (s *server) renderAnswers(w http.ResponseWriter, rq *request, status int, p *app.LinkPage, answers, fieldErrs map[string]string, msg string) {
	d := answersData{Page: p, Due: longDate(rq.Lang, p.DueOn), Steps: scriptSteps(rq.T, p.Script, answers, fieldErrs), Error: msg}
	s.renderCustomer(w, rq, status, "answers", rq.T.T("electronic.answers.title"), d)
}

// linkShow is GET /e/{token}.
func (s *server) linkShow(w http.ResponseWriter, r *http.Request) {
	rq := s.newRequest(w, r)
	p, err := s.svc.OpenLink(r.Context(), s.visit(r))
	if err != nil {
		s.customerError(w, r, rq, err)
		return
	}
	s.renderStage(w, r, rq, http.StatusOK, p, "")
}

// linkPost is POST /e/{token}: one step of the customer's.
func (s *server) linkPost(w http.ResponseWriter, r *http.Request) {
	rq := s.newRequest(w, r)
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		s.refused(w, rq)
		return
	}
	v := s.visit(r)
	ctx := r.Context()
	switch r.PostFormValue("step") {
	case "identity":
		digits := strings.ToUpper(strings.Join(strings.Fields(r.PostFormValue("digits")), ""))
		if !sixOf(digits, "0123456789X") {
			// A typing slip, told the same way whatever the link.
			s.renderCustomer(w, rq, http.StatusBadRequest, "identity", rq.T.T("electronic.identity.title"), identityData{Digits: digits, Error: rq.T.T("electronic.identity.format", app.IDDigits)})
			return
		}
		p, err := s.svc.CheckIdentity(ctx, v, digits)
		if err != nil {
			s.customerError(w, r, rq, err)
			return
		}
		s.renderStage(w, r, rq, http.StatusOK, p, p.Notice)
	case "code", "resend":
		var p *app.LinkPage
		var err error
		if r.PostFormValue("step") == "resend" {
			p, err = s.svc.ResendCode(ctx, v)
		} else if code := strings.TrimSpace(r.PostFormValue("code")); !sixOf(code, "0123456789") {
			p, err = s.svc.OpenLink(ctx, v)
			if err == nil && p.Stage == app.StageCode {
				s.renderCustomer(w, rq, http.StatusBadRequest, "code", rq.T.T("electronic.code.title"), codeData{Page: p, Error: rq.T.T("electronic.code.format")})
				return
			}
			err = app.ErrLinkRefused
		} else {
			p, err = s.svc.CheckCode(ctx, v, code)
		}
		if huifang.ErrorCode(err) == huifang.EINVALID {
			// Too soon for another code, or no more codes: said on the code page.
			if p, oerr := s.svc.OpenLink(ctx, v); oerr == nil && p.Stage == app.StageCode {
				s.renderCustomer(w, rq, http.StatusOK, "code", rq.T.T("electronic.code.title"), codeData{Page: p, Notice: rq.errText(err)})
				return
			}
			err = app.ErrLinkRefused
		}
		if err != nil {
			s.customerError(w, r, rq, err)
			return
		}
		notice := ""
		if r.PostFormValue("step") == "resend" {
			notice = rq.T.T("electronic.code.resent")
		}
		s.renderStage(w, r, rq, http.StatusOK, p, notice)
	case "answers":
		s.linkAnswers(w, r, rq, v)
	default:
		s.refused(w, rq)
	}
}

// sixOf reports whether s is six characters of set.
func sixOf(s, set string) bool {
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune(set, c) {
			return false
		}
	}
	return true
}

func (s *server) linkAnswers(w http.ResponseWriter, r *http.Request, rq *request, v app.Visit) {
	ctx := r.Context()
	answers := make(map[string]string)
	for k, vs := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "a."); ok && len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
			answers[key] = strings.TrimSpace(vs[0])
		}
	}
	res, err := s.svc.SubmitAnswers(ctx, v, r.PostFormValue("script"), answers)
	switch huifang.ErrorCode(err) {
	case "":
		s.renderCustomer(w, rq, http.StatusOK, "done", rq.T.T("electronic.done.title"), doneOf(rq, res))
		return
	case huifang.EINVALID, huifang.ECONFLICT:
		// Unanswered questions, or the script changed: the form again.
		p, oerr := s.svc.OpenLink(ctx, v)
		if oerr != nil || p.Stage != app.StageAnswers {
			s.refused(w, rq)
			return
		}
		fieldErrs := map[string]string{}
		msg := rq.T.T("electronic.answers.missing")
		if huifang.ErrorCode(err) == huifang.ECONFLICT {
			msg = rq.errText(err)
		} else if addFieldErrors(rq, fieldErrs, err) == 0 {
			msg = rq.errText(err)
		}
		s.renderAnswers(w, rq, httpStatus(err), p, answers, fieldErrs, msg)
		return
	}
	s.customerError(w, r, rq, err)
}

func httpStatus(err error) int {
	if huifang.ErrorCode(err) == huifang.ECONFLICT {
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

// doneOf says what became of the answers: never more than the customer
// needs, and nothing of the policy to someone who is not its holder.
func doneOf(rq *request, res *app.ElectronicResult) doneData {
	t := rq.T
	d := doneData{Outcome: res.Outcome, Completed: res.Outcome.Completed(), Phone: res.Phone}
	switch res.Outcome {
	case script.OutcomeReschedule:
		d.Title = t.T("electronic.done.later.title")
		d.Lines = []string{t.T("electronic.done.later", longDate(rq.Lang, res.DueOn))}
	case script.OutcomeNotPolicyholder:
		d.Title, d.Phone = t.T("electronic.done.ended.title"), ""
		d.Lines = []string{t.T("electronic.done.ended")}
	default:
		d.Title = t.T("electronic.done.title")
		d.Lines = []string{t.T("electronic.done.thanks")}
		if res.Problems > 0 {
			d.Lines = append(d.Lines, t.T("electronic.done.followup"))
		}
	}
	return d
}
