package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// risksPage is the data of /risks: the policies flagged with a sign of a
// false phone number, for managers (docs/false-phones.md).
type risksPage struct {
	Rows     []app.RiskView
	Total    int
	Sign     string
	OpenOnly bool
	Signs    []huifang.RiskSign
	Page     int
	Pages    int
	PrevURL  string
	NextURL  string
	// ListURL opens the flagged callbacks in the callback list.
	ListURL string
}

// riskList is GET /risks: sign (agent-phone, shared, changed), open=1 (only
// policies with a callback still to be made), page.
func (s *server) riskList(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	p := risksPage{Sign: q.Get("sign"), OpenOnly: q.Get("open") == "1", Signs: huifang.RiskSigns, Page: 1, Pages: 1,
		ListURL: "/callbacks?risk=1"}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		p.Page = n
	}
	rows, total, err := s.svc.Risks(r.Context(), rq.User, app.RiskQuery{Sign: huifang.RiskSign(p.Sign), OpenOnly: p.OpenOnly,
		Limit: pageSize, Offset: (p.Page - 1) * pageSize})
	if err != nil {
		return err
	}
	p.Rows, p.Total = rows, total
	if total > pageSize {
		p.Pages = (total + pageSize - 1) / pageSize
	}
	link := func(page int) string {
		v := url.Values{}
		if p.Sign != "" {
			v.Set("sign", p.Sign)
		}
		if p.OpenOnly {
			v.Set("open", "1")
		}
		v.Set("page", strconv.Itoa(page))
		return "/risks?" + v.Encode()
	}
	if p.Page > 1 {
		p.PrevURL = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.NextURL = link(p.Page + 1)
	}
	s.render(w, r, rq, http.StatusOK, "risks", rq.T.T("risks.title"), "risks", p)
	return nil
}
