package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/huifang/huifang"
)

// scriptFileLimit bounds an uploaded script file, as the API does.
const scriptFileLimit = 1 << 20

// scriptImport stores an uploaded script file as a draft.
func (s *server) scriptImport(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !rq.User.Can(huifang.PermImport) {
		// The app refuses too; this spares reading the upload.
		return huifang.Errorf(huifang.EFORBIDDEN, "err.script.import_admin_only")
	}
	r.Body = http.MaxBytesReader(w, r.Body, scriptFileLimit+formLimit)
	f := importScriptForm{Errors: map[string]string{}}
	err := r.ParseMultipartForm(scriptFileLimit + formLimit)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var body []byte
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		f.Errors["file"] = rq.T.T("scripts.import.toolarge", scriptFileLimit>>10)
	case err != nil:
		return huifang.Errorf(huifang.EINVALID, "err.form.unparsable")
	default:
		f.Product = strings.TrimSpace(r.PostFormValue("product"))
		file, _, ferr := r.FormFile("file")
		switch {
		case errors.Is(ferr, http.ErrMissingFile):
			f.Errors["file"] = rq.T.T("scripts.import.nofile")
		case ferr != nil:
			return huifang.Errorf(huifang.EINVALID, "err.upload.unreadable")
		default:
			body, err = io.ReadAll(io.LimitReader(file, scriptFileLimit+1))
			file.Close()
			switch {
			case err != nil:
				return huifang.Errorf(huifang.EINVALID, "err.upload.unreadable")
			case len(body) > scriptFileLimit:
				f.Errors["file"] = rq.T.T("scripts.import.toolarge", scriptFileLimit>>10)
			case len(bytes.TrimSpace(body)) == 0:
				f.Errors["file"] = rq.T.T("scripts.import.empty")
			}
		}
	}
	status := http.StatusBadRequest
	if len(f.Errors) == 0 {
		rec, err := s.svc.ImportScript(r.Context(), rq.User, string(body), f.Product)
		if err == nil {
			s.scriptDone(w, r, rec.ID, "imported")
			return nil
		}
		if huifang.ErrorCode(err) == huifang.EFORBIDDEN {
			return err
		}
		f.Problems = fieldReasons(rq, err)
		msg, st, err := formError(rq, err)
		if err != nil {
			return err
		}
		status = st
		f.Error = msg
		if len(f.Problems) > 0 {
			f.Error = rq.T.T("scripts.import.problems", len(f.Problems))
		}
	}
	// A file input cannot be refilled: say so when a file was chosen.
	if len(body) > 0 || f.Errors["file"] != "" {
		f.Errors["reselect"] = rq.T.T("import.reselect")
	}
	return s.renderScripts(w, r, rq, status, scriptsPage{Import: f})
}
