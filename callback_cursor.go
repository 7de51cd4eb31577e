package huifang

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// CallbackCursor is where a keyset page of a callback list ends: the sort
// it belongs to and the last row's sort key. The next page holds the rows
// that come after (Key, Due, ID) in that sort. Which fields count depends
// on the sort (CallbackCursorKeys):
//
//	due       (Due, ID)
//	policy    (Key = policy number, ID)
//	status    (Key = status, Due, ID)
//	operator  (Key = operator's name, Due, ID)
type CallbackCursor struct {
	Sort string `json:"s"`
	Key  string `json:"k,omitempty"`
	Due  Date   `json:"d,omitzero"`
	ID   int64  `json:"i"`
}

// cursorPrefix marks the cursor's format, so that a later one can differ.
const cursorPrefix = "v1."

// KeysetSort reports whether a sort pages by cursor (every sort a user may
// pick does; the empty sort is the deadline).
func KeysetSort(sort string) bool {
	switch sort {
	case "", SortDue, SortPolicy, SortStatus, SortOperator:
		return true
	}
	return false
}

// NormalSort is the name of a sort with the default spelled out.
func NormalSort(sort string) string {
	if sort == "" {
		return SortDue
	}
	return sort
}

// CallbackCursorAfter is the cursor after a row of a list in the sort.
func CallbackCursorAfter(sort string, r *CallbackRow) CallbackCursor {
	c := CallbackCursor{Sort: NormalSort(sort), ID: r.ID, Due: r.DueOn}
	switch c.Sort {
	case SortPolicy:
		c.Key, c.Due = r.PolicyNo, Date{}
	case SortStatus:
		c.Key = string(r.Status)
	case SortOperator:
		c.Key = r.Operator
	}
	return c
}

// Encode writes the cursor as an opaque string: "v1." and the base64url of
// its JSON.
func (c CallbackCursor) Encode() string {
	b, _ := json.Marshal(c)
	return cursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCallbackCursor reads a cursor for a list in the sort. A cursor that
// is not one, or that belongs to another sort, is refused with
// err.filter.bad_cursor.
func DecodeCallbackCursor(s, sort string) (CallbackCursor, error) {
	var c CallbackCursor
	bad := Errorf(EINVALID, "err.filter.bad_cursor")
	rest, ok := strings.CutPrefix(s, cursorPrefix)
	if !ok || !KeysetSort(sort) {
		return c, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return c, bad
	}
	if err := json.Unmarshal(b, &c); err != nil || c.Sort != NormalSort(sort) || c.ID <= 0 {
		return CallbackCursor{}, bad
	}
	if c.Sort != SortPolicy && c.Due.IsZero() {
		return CallbackCursor{}, bad
	}
	return c, nil
}
