package web

import (
	"cmp"
	"net/url"
	"strings"

	"github.com/huifang/huifang"
)

// The orphan-policy figures of the dashboards (docs/indicators.md,
// "Orphan-policy callbacks"): each row's orphan callbacks due and their
// rate, linked to the same list as the row's other figures narrowed to
// orphan callbacks (kind=orphan).

// OrphanHref lists the row's orphan callbacks due in the period; empty when
// the row has no list.
func (r dashRow) OrphanHref() string {
	return orphanHref(cmp.Or(r.OrphanBase, r.Href), huifang.OutcomeDue)
}

// OrphanHrefOK lists the row's successful orphan callbacks (those a
// successful re-callback of their problem case made successful included).
func (r dashRow) OrphanHrefOK() string {
	return orphanHref(cmp.Or(r.OrphanBase, r.Href), huifang.OutcomeSuccessful)
}

// orphanHref is a callback list's link narrowed to orphan callbacks of an
// outcome class.
func orphanHref(href, outcome string) string {
	path, query, ok := strings.Cut(href, "?")
	if href == "" || !ok {
		return ""
	}
	v, err := url.ParseQuery(query)
	if err != nil {
		return ""
	}
	v.Set("kind", string(huifang.KindOrphan))
	v.Set("outcome", outcome)
	return path + "?" + v.Encode()
}
