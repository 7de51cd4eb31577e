package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// letterBodyLimit bounds the body of the letter form.
const letterBodyLimit = 4 * app.MaxReceipt

// callbackPage is the detail page of a callback: read-only, but for the
// form that records a letter or visit while the callback is open.
type callbackPage struct {
	callbackView
	CanLetter bool // the user records callbacks, and this one is open
	CanTake   bool // an operator may take this callback from the pool
	Letter    letterForm
	// LetterSteps are the questions of the letter form, in the wording of
	// the letter (Work.LetterScript), with what was typed and its errors.
	LetterSteps []stepView
	Methods     []huifang.CallbackMethod
	MaxReceipt  int // MB
	Today       string
	Notice      string
	Error       string
}

// letterForm is what the handler entered in the letter form, kept when it
// comes back with errors; the answers are kept in the steps.
type letterForm struct {
	Method   string
	SignedOn string
	Error    string
	Fields   map[string]string // method, signed_on, receipt
	Reselect bool              // a receipt was chosen: the browser forgets it
}

// renderCallback renders the detail page.
func (s *server) renderCallback(w http.ResponseWriter, r *http.Request, rq *request, status int, p callbackPage) {
	p.From = "callback"
	complete := p.Work.Script.Gap == "" // nobody reads, or writes down, a gap
	p.CanLetter = p.C.Open() && complete && rq.User.Can(huifang.PermRecordLetter)
	p.CanTake = (p.C.Status == huifang.StatusOpen || p.C.Status == huifang.StatusScheduled) && complete && rq.User.Can(huifang.PermWorkCallbacks)
	p.Methods = []huifang.CallbackMethod{huifang.MethodLetter, huifang.MethodVisit}
	p.MaxReceipt = app.MaxReceipt >> 20
	p.Today = s.today().String()
	if p.Letter.Fields == nil {
		p.Letter.Fields = map[string]string{}
	}
	if p.CanLetter && p.LetterSteps == nil && p.Work.LetterScript != nil {
		p.LetterSteps = scriptSteps(rq.T, p.Work.LetterScript, nil, nil)
	}
	s.render(w, r, rq, status, "callback", rq.T.T("detail.title")+" · "+p.C.PolicyNo, "callbacks", p)
}

// callbackLetter records a letter or visit from the returned form:
// POST /callbacks/{id}/letter, multipart with method, signed_on, the
// answers as a.STEP, the script version and the signed receipt. Refusals
// come back beside their fields with everything typed kept.
func (s *server) callbackLetter(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// Room for a receipt well over the limit, so that the service refuses it
	// beside its field with the answers kept; a body beyond this is cut.
	r.Body = http.MaxBytesReader(w, r.Body, letterBodyLimit)
	f := letterForm{Fields: map[string]string{}}
	err = r.ParseMultipartForm(1 << 20)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		// What was read before the limit is kept; the receipt is not.
		f.Fields["receipt"] = rq.T.T("letter.toolarge", app.MaxReceipt>>20)
	case err != nil:
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	answers := map[string]string{}
	if r.MultipartForm != nil {
		for k, vs := range r.MultipartForm.Value {
			if key, ok := strings.CutPrefix(k, "a."); ok && len(vs) > 0 && strings.TrimSpace(vs[0]) != "" {
				answers[key] = strings.TrimSpace(vs[0])
			}
		}
	}
	f.Method, f.SignedOn = r.FormValue("method"), strings.TrimSpace(r.FormValue("signed_on"))
	in := app.LetterInput{Method: huifang.CallbackMethod(f.Method), Answers: answers, Script: r.FormValue("script")}
	badDate := false
	if f.SignedOn != "" {
		if in.SignedOn, err = huifang.ParseISODate(f.SignedOn); err != nil {
			badDate = true
		}
	}
	if len(f.Fields) == 0 {
		file, hdr, ferr := r.FormFile("receipt")
		switch {
		case errors.Is(ferr, http.ErrMissingFile):
		case ferr != nil:
			return huifang.Errorf(huifang.EINVALID, "err.upload.unreadable")
		default:
			defer file.Close()
			in.Receipt, in.ReceiptName, in.ReceiptSize = file, hdr.Filename, hdr.Size
		}
	}
	stepErrs := map[string]string{}
	status := http.StatusBadRequest
	if len(f.Fields) == 0 && !badDate {
		_, err = s.svc.RecordLetter(r.Context(), rq.User, id, in)
		if err == nil {
			http.Redirect(w, r, "/callbacks/"+strconv.FormatInt(id, 10)+"?letter=recorded", http.StatusSeeOther)
			return nil
		}
		switch huifang.ErrorCode(err) {
		case huifang.ENOTFOUND, huifang.EUNAUTHORIZED, huifang.EFORBIDDEN:
			return err
		}
		fields := map[string]string{}
		addFieldErrors(rq, fields, err)
		for k, msg := range fields {
			if step, ok := strings.CutPrefix(k, "answers."); ok {
				stepErrs[step] = msg
			} else {
				f.Fields[k] = msg
			}
		}
		var msg string
		if msg, status, err = formError(rq, err); err != nil {
			return err
		}
		f.Error = msg
		if len(fields) > 1 {
			f.Error = rq.T.T("letter.check", len(fields))
		}
	}
	if badDate {
		f.Fields["signed_on"] = rq.T.T("list.baddate")
	}
	f.Reselect = in.Receipt != nil && f.Fields["receipt"] == ""
	v, err := s.loadCallback(r.Context(), rq, id, nil, nil)
	if err != nil {
		return err
	}
	p := callbackPage{callbackView: v, Letter: f}
	if v.Work.LetterScript != nil {
		p.LetterSteps = scriptSteps(rq.T, v.Work.LetterScript, answers, stepErrs)
	}
	if !v.C.Open() {
		// Finished meanwhile: show it as it was recorded, the refusal on top.
		if v, err = s.loadCallback(r.Context(), rq, id, nil, nil); err != nil {
			return err
		}
		p = callbackPage{callbackView: v, Error: f.Error}
	}
	s.renderCallback(w, r, rq, status, p)
	return nil
}

// callbackReceipt shows the signed receipt of a letter or visit callback:
// GET /callbacks/{id}/receipt. The service records each view.
func (s *server) callbackReceipt(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	body, ev, err := s.svc.OpenReceipt(r.Context(), rq.User, id)
	if err != nil {
		return err
	}
	defer body.Close()
	rc := ev.Receipt
	s.sendDocument(w, r, body, document{Name: rc.FileName, Fallback: "receipt-" + strconv.FormatInt(id, 10), ContentType: rc.ContentType, Size: rc.Size, Inline: true})
	return nil
}
