package huifang

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// ProblemCursor is where a keyset page of a problem-case list ends: the
// order it belongs to and the last case's key in it. A board orders by
// deadline (cases without one last), other lists by opening, newest first
// (ProblemFilter.ByDeadline).
type ProblemCursor struct {
	ByDue    bool  `json:"b,omitempty"`
	Due      Date  `json:"d,omitzero"` // by deadline; zero: the case has none
	OpenedMS int64 `json:"o,omitempty"`
	ID       int64 `json:"i"`
}

const problemCursorPrefix = "p1."

// ByDeadline reports whether a list of the filter is in deadline order
// (the boards: a holder, a handler, unfinished or due cases) rather than
// newest opened first.
func (f ProblemFilter) ByDeadline() bool {
	return f.HolderBranch != nil || f.HandlerID != 0 || f.Unfinished || !f.DueBy.IsZero()
}

// ProblemCursorAfter is the cursor after a case of a list of the filter.
func ProblemCursorAfter(f ProblemFilter, c *ProblemCase) ProblemCursor {
	if f.ByDeadline() {
		return ProblemCursor{ByDue: true, Due: c.DueOn, ID: c.ID}
	}
	return ProblemCursor{OpenedMS: c.OpenedAt.UnixMilli(), ID: c.ID}
}

// Encode writes the cursor as an opaque string.
func (c ProblemCursor) Encode() string {
	b, _ := json.Marshal(c)
	return problemCursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// DecodeProblemCursor reads a cursor for a list of the filter; one that is
// not a cursor, or that belongs to the other order, is refused with
// err.filter.bad_cursor.
func DecodeProblemCursor(s string, f ProblemFilter) (ProblemCursor, error) {
	var c ProblemCursor
	bad := Errorf(EINVALID, "err.filter.bad_cursor")
	rest, ok := strings.CutPrefix(s, problemCursorPrefix)
	if !ok {
		return c, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID <= 0 || c.ByDue != f.ByDeadline() {
		return ProblemCursor{}, bad
	}
	return c, nil
}
