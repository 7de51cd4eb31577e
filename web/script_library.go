package web

import (
	"net/http"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/script"
)

// scriptLibrary shows a shipped script; /scripts/library/orphan.json downloads it.
func (s *server) scriptLibrary(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !seesScripts(rq.User) {
		return huifang.Errorf(huifang.EFORBIDDEN, "err.script.view_forbidden", rq.User.Role)
	}
	code, download := strings.CutSuffix(r.PathValue("code"), ".json")
	sc := script.Lookup(code)
	if sc == nil || download && rq.User.Regulatory() {
		return huifang.Errorf(huifang.ENOTFOUND, "err.script.standard_not_found", code)
	}
	if download {
		return sendScript(w, r, sc)
	}
	p, err := s.scriptPageOf(r.Context(), rq, nil, sc)
	if err != nil {
		return err
	}
	s.renderScript(w, r, rq, http.StatusOK, p)
	return nil
}

// scriptLibraryIndex: the library is listed on the scripts page.
func (s *server) scriptLibraryIndex(w http.ResponseWriter, r *http.Request, rq *request) error {
	http.Redirect(w, r, "/scripts#library", http.StatusSeeOther)
	return nil
}
