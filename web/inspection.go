package web

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/httpx"
)

// inspectionPage is the data of /inspection: a regulator's user picks one
// of the companies it oversees, a range and, to unmask personal data, a
// reason, and downloads the on-site inspection package.
type inspectionPage struct {
	Companies     []huifang.Org
	Org, From, To string
	Reason        string
	Error         string
	MaxReason     int
}

// inspectionShow shows the form; asked with a company it checks the request
// and sends the browser to the download, or shows why not.
func (s *server) inspectionShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	orgs, err := s.svc.Overseen(r.Context(), rq.User)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	today := s.today()
	p := inspectionPage{Companies: orgs, Org: q.Get("org"), From: q.Get("from"), To: q.Get("to"), Reason: q.Get("reason"),
		MaxReason: app.MaxRevealReason}
	if p.From == "" && p.To == "" {
		first := huifang.NewDate(today.Year(), 1, 1)
		p.From, p.To = first.String(), today.String()
	}
	status := http.StatusOK
	if q.Has("org") {
		in, err := httpx.InspectionRequest(p.Org, q)
		if err == nil {
			_, err = s.svc.CheckInspection(r.Context(), rq.User, in)
		}
		if err == nil {
			v := url.Values{"from": {in.From.String()}, "to": {in.To.String()}}
			if strings.TrimSpace(in.Reason) != "" {
				v.Set("reason", in.Reason)
			}
			http.Redirect(w, r, "/inspection/"+url.PathEscape(in.Org)+".zip?"+v.Encode(), http.StatusSeeOther)
			return nil
		}
		if code := huifang.ErrorCode(err); code != huifang.EINVALID && code != huifang.ENOTFOUND {
			return err
		}
		p.Error, status = rq.errText(err), httpx.Status(err)
	}
	s.render(w, r, rq, status, "inspection", rq.T.T("inspection.title"), "inspection", p)
	return nil
}

// inspectionDownload streams the package of /inspection/{org}.zip?from=&to=
// (&reason= to unmask personal data). A refusal is an error page; once the
// ZIP has begun a failure can only cut it short, which the log records.
func (s *server) inspectionDownload(w http.ResponseWriter, r *http.Request, rq *request) error {
	org, ok := strings.CutSuffix(r.PathValue("file"), ".zip")
	if !ok || org == "" {
		return huifang.Errorf(huifang.ENOTFOUND, "err.org.not_found_q", r.PathValue("file"))
	}
	in, err := httpx.InspectionRequest(org, r.URL.Query())
	if err != nil {
		return err
	}
	lw := &lazyWriter{w: w, headers: func() { inspectionHeaders(w.Header(), httpx.InspectionFileName(in)) }}
	_, err = s.svc.Inspect(r.Context(), rq.User, in, lw)
	if err != nil && lw.started {
		s.log.Error("web: inspection package cut short", "org", org, "err", err)
		return nil
	}
	return err
}

// inspectionHeaders are the headers of a package download: a ZIP to save,
// never kept by a cache on the way (it may hold personal data).
func inspectionHeaders(h http.Header, name string) {
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}
