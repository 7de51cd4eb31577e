package httpx

import (
	"net/url"
	"strings"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// InspectionRequest reads what an inspection package is asked for: the
// company org, and from, to (YYYY-MM-DD) and reason from the query. A date
// that is not one is refused here; the range itself is checked by the
// service.
func InspectionRequest(org string, q url.Values) (app.InspectionRequest, error) {
	in := app.InspectionRequest{Org: org, Reason: q.Get("reason")}
	for _, d := range []struct {
		name string
		to   *huifang.Date
	}{{"from", &in.From}, {"to", &in.To}} {
		v := strings.TrimSpace(q.Get(d.name))
		if v == "" {
			continue // the service says both are needed
		}
		t, err := huifang.ParseISODate(v)
		if err != nil {
			return in, &huifang.Error{Code: huifang.EINVALID, Key: "err.inspection.dates",
				Fields: []huifang.FieldError{huifang.Field(d.name, "err.inspection.dates")}}
		}
		*d.to = t
	}
	return in, nil
}

// InspectionFileName is the name a package is downloaded as.
func InspectionFileName(in app.InspectionRequest) string {
	return "inspection-" + in.Org + "-" + in.From.String() + "-" + in.To.String() + ".zip"
}
