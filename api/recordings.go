package api

import (
	"io"
	"net/http"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
)

func (a *API) routeRecordings() {
	a.route("POST /api/v1/callbacks/{id}/recordings", huifang.PermRecord, a.addRecording)
	a.route("GET /api/v1/callbacks/{id}/recordings", anyone, a.listRecordings)
	a.route("GET /api/v1/recordings/{id}", huifang.PermListen, a.playRecording)
}

func recordingJSON(r *huifang.Recording) map[string]any {
	return map[string]any{"id": r.ID, "callback_id": r.CallbackID, "attempt_id": r.AttemptID, "format": r.Format, "content_type": r.ContentType, "size": r.Size,
		"sha256": r.SHA256, "retain_until": r.RetainUntil, "uploaded_at": r.UploadedAt, "source": r.Source}
}

// addRecording takes the audio as the request body (a call-centre system
// pushes it after the call): POST /api/v1/callbacks/{id}/recordings, with
// ?attempt_id=N naming the phone attempt it records (optional).
func (a *API) addRecording(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var attemptID int64
	if v := r.URL.Query().Get("attempt_id"); v != "" && v != "0" {
		if attemptID, err = app.ParseID(v); err != nil {
			return err
		}
	}
	body := http.MaxBytesReader(w, r.Body, app.MaxRecording+1)
	rec, err := a.svc.AddRecording(r.Context(), u, id, attemptID, body, "api")
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, recordingJSON(rec))
	return nil
}

func (a *API) listRecordings(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rs, err := a.svc.Recordings(r.Context(), u, id)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(rs))
	for i := range rs {
		out[i] = recordingJSON(&rs[i])
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"recordings": out})
	return nil
}

// playRecording streams a recording, honouring byte ranges so that a
// browser's player can seek: GET /api/v1/recordings/{id}.
func (a *API) playRecording(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	offset, length, ranged := httpx.ParseRange(r.Header.Get("Range"))
	body, rec, err := a.svc.PlayRecording(r.Context(), u, id, offset, length)
	if err != nil {
		if ranged && huifang.ErrorCode(err) == huifang.EINVALID {
			httpx.Unsatisfiable(w.Header(), recSize(a, r, u, id))
			httpx.JSON(w, http.StatusRequestedRangeNotSatisfiable, httpx.BodyIn(httpx.Lang(r), err))
			return nil
		}
		return err
	}
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", rec.ContentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Checksum-Sha256", rec.SHA256)
	w.WriteHeader(httpx.RangeHeaders(h, ranged, offset, length, rec.Size))
	if _, err := io.Copy(w, body); err != nil {
		a.log.Warn("recording stream ended early", "recording", id, "err", err)
	}
	return nil
}

// recSize is a recording's size for a 416 reply, 0 when unknown.
func recSize(a *API, r *http.Request, u *huifang.User, id int64) int64 {
	if rec, err := a.svc.RecordingInfo(r.Context(), u, id); err == nil {
		return rec.Size
	}
	return 0
}
