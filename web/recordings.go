package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
)

// attemptViews lists a callback's attempts with their recordings, for roles
// that may add or play them; the user's own calls take uploads.
func (s *server) attemptViews(ctx context.Context, u *huifang.User, v *callbackView) error {
	var recs []huifang.Recording
	if u.Can(huifang.PermListen) || u.Can(huifang.PermRecord) {
		var err error
		if recs, err = s.svc.Recordings(ctx, u, v.C.ID); err != nil {
			return err
		}
	}
	byAttempt := map[int64][]huifang.Recording{}
	for _, r := range recs {
		if r.AttemptID == 0 {
			v.Unattached = append(v.Unattached, r)
		} else {
			byAttempt[r.AttemptID] = append(byAttempt[r.AttemptID], r)
		}
	}
	upload := s.svc.Blobs != nil && u.Can(huifang.PermRecord)
	v.Attempts = v.Attempts[:0]
	for _, a := range v.Work.Attempts {
		v.Attempts = append(v.Attempts, attemptView{Attempt: a, Recordings: byAttempt[a.ID], CanUpload: upload && a.UserID == u.ID})
	}
	v.CanListen = u.Can(huifang.PermListen)
	return nil
}

// recordingPage is where a recording form comes back to: the workbench or
// the detail page of the callback.
func recordingPage(from string, id int64) string {
	if from == "work" {
		return "/work/" + strconv.FormatInt(id, 10)
	}
	return "/callbacks/" + strconv.FormatInt(id, 10)
}

// recordingUpload stores the recording of one of the user's calls:
// POST /callbacks/{id}/attempts/{aid}/recording?from=work|callback (the
// page to come back to), multipart with the audio as file.
func (s *server) recordingUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	aid, err := app.ParseID(r.PathValue("aid"))
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, app.MaxRecording+(1<<20))
	err = r.ParseMultipartForm(1 << 20)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	// The page to come back to is in the URL: it is known even when the
	// body was cut short.
	from := r.URL.Query().Get("from")
	if from != "work" {
		from = "callback"
	}
	var refusal string
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		refusal = rq.T.T("rec.toolarge", app.MaxRecording>>20)
	case err != nil:
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	}
	if refusal == "" {
		file, _, ferr := r.FormFile("file")
		switch {
		case errors.Is(ferr, http.ErrMissingFile):
			refusal = rq.T.T("rec.nofile")
		case ferr != nil:
			return huifang.Errorf(huifang.EINVALID, "err.upload.unreadable")
		default:
			defer file.Close()
			_, err = s.svc.UploadRecording(r.Context(), rq.User, id, aid, file)
			if err == nil {
				http.Redirect(w, r, recordingPage(from, id)+"?recorded="+strconv.FormatInt(aid, 10)+"#attempt-"+strconv.FormatInt(aid, 10), http.StatusSeeOther)
				return nil
			}
			switch huifang.ErrorCode(err) {
			case huifang.ENOTFOUND, huifang.EUNAUTHORIZED, huifang.EFORBIDDEN:
				return err
			}
			if refusal, _, err = formError(rq, err); err != nil {
				return err
			}
		}
	}
	v, err := s.loadCallback(r.Context(), rq, id, nil, nil)
	if err != nil {
		return err
	}
	for i := range v.Attempts {
		if v.Attempts[i].ID == aid {
			v.Attempts[i].RecError = refusal
		}
	}
	if from == "work" && rq.User.Can(huifang.PermWorkCallbacks) {
		s.renderWork(w, r, rq, http.StatusBadRequest, workPage{callbackView: v})
	} else {
		s.renderCallback(w, r, rq, http.StatusBadRequest, callbackPage{callbackView: v})
	}
	return nil
}

// recordingPlay streams a recording to a role that may listen, with byte
// ranges so that the page's player can seek: GET /recordings/{id}. The
// service records each playback in the audit trail.
func (s *server) recordingPlay(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.serveRecording(w, r, id, func(offset, length int64) (io.ReadCloser, *huifang.Recording, error) {
		return s.svc.PlayRecording(r.Context(), rq.User, id, offset, length)
	}, func() int64 {
		if rec, err := s.svc.RecordingInfo(r.Context(), rq.User, id); err == nil {
			return rec.Size
		}
		return 0
	})
}

// serveRecording streams the recording id that open opens, with the byte
// range the request asks for; a range beyond it is 416 with the size
// (size tells it, when known).
func (s *server) serveRecording(w http.ResponseWriter, r *http.Request, id int64, open func(offset, length int64) (io.ReadCloser, *huifang.Recording, error), size func() int64) error {
	offset, length, ranged := httpx.ParseRange(r.Header.Get("Range"))
	body, rec, err := open(offset, length)
	if err != nil {
		if ranged && huifang.ErrorCode(err) == huifang.EINVALID {
			httpx.Unsatisfiable(w.Header(), size())
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return nil
		}
		return err
	}
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", rec.ContentType)
	w.WriteHeader(httpx.RangeHeaders(h, ranged, offset, length, rec.Size))
	if r.Method == http.MethodHead {
		return nil
	}
	if _, err := io.Copy(w, body); err != nil {
		s.log.Debug("recording stream ended early", "recording", id, "err", err)
	}
	return nil
}
