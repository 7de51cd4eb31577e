package web

import (
	"net/url"
	"strings"
)

// Keyset-paged lists (the callback list, the problem-case board) go on by
// an opaque cursor in after=, never by page number: an old page=N link
// opens the first page.

// afterParam is the cursor a list page was asked for ("" on the first page).
func afterParam(q url.Values) string { return strings.TrimSpace(q.Get("after")) }

// listURL is a list's address with its filters q and, past the first page,
// the cursor after.
func listURL(path string, q url.Values, after string) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Del("after")
	if after != "" {
		v.Set("after", after)
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// cursorLinks are a list page's links, the filters q kept: first back to
// the first page, when the page shown is a later one (after is its
// cursor), and next to the page after it, when there is one (next is the
// cursor the page ended on).
func cursorLinks(path string, q url.Values, after, next string) (first, nextURL string) {
	if after != "" {
		first = listURL(path, q, "")
	}
	if next != "" {
		nextURL = listURL(path, q, next)
	}
	return first, nextURL
}
