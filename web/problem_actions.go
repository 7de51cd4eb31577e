package web

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/problem"
)

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
		return huifang.Errorf(huifang.ENOTFOUND, "error.notfound")
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
		addFieldErrors(rq, f.Fields, err)
		var msg string
		if msg, status, err = formError(rq, err); err != nil {
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
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
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
		return huifang.Errorf(huifang.EINVALID, "err.upload.unreadable")
	default:
		defer file.Close()
		data, err := io.ReadAll(io.LimitReader(file, app.MaxEvidence+1))
		if err != nil {
			return huifang.Errorf(huifang.EINVALID, "err.upload.unreadable")
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

// caseClose closes the case unresolved for a fixed reason ("code"), with a
// note ("reason") that "other" requires.
func (s *server) caseClose(w http.ResponseWriter, r *http.Request, rq *request, id int64, f *caseForms) error {
	f.CloseCode, f.CloseReason = r.PostFormValue("code"), strings.TrimSpace(r.PostFormValue("reason"))
	code := huifang.CloseCode(f.CloseCode)
	if code.ZH() == "" {
		f.Fields["close.code"] = rq.T.T("case.close.pick")
	} else if code.NeedsNote() && f.CloseReason == "" {
		f.Fields["close.reason"] = rq.T.T("case.close.note_required")
	}
	if len(f.Fields) > 0 {
		return nil
	}
	_, err := s.svc.CloseCaseFor(r.Context(), rq.User, id, code, f.CloseReason)
	return err
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
