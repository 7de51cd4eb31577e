package web

import (
	"net/http"
	"strings"

	"github.com/huifang/huifang"
)

// misconductSearchPage is the data of /misconduct/search: a regulator's
// supervisor finds an agent's confirmed misconduct records at every company
// it supervises.
type misconductSearchPage struct {
	Name, RegNo string
	Searched    bool
	Error       string
	Records     []huifang.MisconductRecord
	Companies   int
}

func (s *server) misconductSearch(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireSupervise(rq.User); err != nil {
		return err
	}
	q := r.URL.Query()
	p := misconductSearchPage{Name: strings.TrimSpace(q.Get("name")), RegNo: strings.TrimSpace(q.Get("reg_no"))}
	status := http.StatusOK
	if q.Has("name") || q.Has("reg_no") {
		recs, err := s.svc.SearchMisconduct(r.Context(), rq.User, p.Name, p.RegNo)
		switch {
		case huifang.ErrorCode(err) == huifang.EINVALID:
			p.Error, status = rq.errText(err), http.StatusBadRequest
		case err != nil:
			return err
		default:
			p.Searched, p.Records = true, recs
			seen := map[string]bool{}
			for _, x := range recs {
				if !seen[x.OrgCode] {
					seen[x.OrgCode] = true
					p.Companies++
				}
			}
		}
	}
	s.render(w, r, rq, status, "misconduct_search", rq.T.T("msearch.title"), "misconduct_search", p)
	return nil
}

// requireSupervise lets only the regulator's supervisors through.
func requireSupervise(u *huifang.User) error {
	if !u.Can(huifang.PermSupervise) {
		return huifang.Errorf(huifang.EFORBIDDEN, "err.auth.role_forbidden", u.Role)
	}
	return nil
}
