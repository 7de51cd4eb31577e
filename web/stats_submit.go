package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/indicator"
)

// statsUploadLimit bounds an uploaded table.
const statsUploadLimit = 10 << 20

// statsSubmit generates and submits the period's table (a correction with
// its reason).
func (s *server) statsSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
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
	if addFieldErrors(rq, p.Errors, err) == 0 || len(probs) > 0 {
		p.Error = rq.errText(err)
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
		return huifang.Errorf(huifang.EFORBIDDEN, "err.submission.submit_forbidden", rq.User.Role)
	}
	r.Body = http.MaxBytesReader(w, r.Body, statsUploadLimit+formLimit)
	err := r.ParseMultipartForm(statsUploadLimit + formLimit)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return huifang.Errorf(huifang.EINVALID, "err.upload.too_large", statsUploadLimit>>20)
	} else if err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	in := app.SubmitInput{Period: r.PostFormValue("period"), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	file, _, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		e := huifang.Errorf(huifang.EINVALID, "err.submission.file_required")
		e.Fields = []huifang.FieldError{{Field: "file", Key: rq.T.T("stats.upload.nofile")}}
		return s.statsFormError(w, r, rq, in, e, nil)
	} else if err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.upload.unreadable")
	}
	body, err := io.ReadAll(file)
	file.Close()
	if err != nil {
		return huifang.Errorf(huifang.EINVALID, "err.upload.unreadable")
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
