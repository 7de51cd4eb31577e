package api

import (
	"mime"
	"net/http"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/httpx"
)

// On-site inspection packages (docs/inspection.md).
func (a *API) routeInspection() {
	a.route("GET /api/v1/inspection/{file}", huifang.PermInspect, a.inspection)
}

// inspection is GET /api/v1/inspection/{org}.zip?from=YYYY-MM-DD&to=YYYY-MM-DD
// (&reason=TEXT to unmask personal data, audited): the package of one of the
// caller's companies, streamed as it is made. A refusal is the API's JSON
// error; once the ZIP has begun, a failure cuts it short (the log says why,
// and the missing SHA256SUMS at its end tells the client).
func (a *API) inspection(w http.ResponseWriter, r *http.Request, u *huifang.User) error {
	org, ok := strings.CutSuffix(r.PathValue("file"), ".zip")
	if !ok || org == "" {
		return huifang.Errorf(huifang.ENOTFOUND, "err.api.no_such_endpoint", r.Method+" "+r.URL.Path)
	}
	in, err := httpx.InspectionRequest(org, r.URL.Query())
	if err != nil {
		return err
	}
	started := false
	sw := writerFunc(func(b []byte) (int, error) {
		if !started {
			started = true
			h := w.Header()
			h.Set("Content-Type", "application/zip")
			h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": httpx.InspectionFileName(in)}))
			h.Set("X-Content-Type-Options", "nosniff")
		}
		return w.Write(b)
	})
	_, err = a.svc.Inspect(r.Context(), u, in, sw)
	if err != nil && started {
		a.log.Error("api: inspection package cut short", "org", org, "err", err)
		return nil
	}
	return err
}

// writerFunc is a function as an io.Writer.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
