package httpx

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
)

// CallbackFilter reads a callback filter from query parameters: status,
// result, channel, policy_no, due_from, due_to (YYYY-MM-DD), late (1/true:
// finished after the deadline), overdue (1/true: still not done after it),
// branch (and the branches below it; branch_only=1: itself only), design, seller (agent or bank outlet),
// outcome (the callbacks behind an indicator's count: due, successful,
// successful_in_period, completed), kind (new-business, pre-underwriting,
// re-callback, orphan; with an outcome, orphan picks the orphan-policy
// figures), risk (1/true: only the policies flagged with a sign of a false
// phone number), q (a policy-number or holder-name prefix, or the last 4–6
// digits of the holder's phone), sort (due, policy, status, operator),
// limit, and cursor (the next_cursor of the page before, to page by key) or
// offset (for old clients; at most huifang.MaxOffset). Unknown values are an
// error, not silently ignored.
func CallbackFilter(q url.Values) (huifang.CallbackFilter, error) {
	var f huifang.CallbackFilter
	var fields []huifang.FieldError
	bad := func(field, reason string) { fields = append(fields, huifang.FieldError{Field: field, Key: reason}) }
	if v := q.Get("status"); v != "" {
		f.Status = huifang.CallbackStatus(v)
		if f.Status.ZH() == "" {
			bad("status", "err.filter.unknown_status")
		}
	}
	if v := q.Get("result"); v != "" {
		f.Result = huifang.CallbackResult(v)
		if f.Result.ZH() == "" {
			bad("result", "err.filter.unknown_result")
		}
	}
	if v := q.Get("channel"); v != "" {
		c, ok := huifang.ParseChannel(v)
		if !ok {
			bad("channel", "err.filter.unknown_channel")
		}
		f.Channel = c
	}
	f.PolicyNo = strings.TrimSpace(q.Get("policy_no"))
	f.After = strings.TrimSpace(q.Get("cursor"))
	f.Search = strings.TrimSpace(q.Get("q"))
	if len([]rune(f.Search)) > 40 {
		bad("q", "err.callback.search_too_long")
	}
	if v := q.Get("sort"); v != "" {
		f.Sort = v
		if !slices.Contains(huifang.CallbackSorts, v) {
			bad("sort", "err.filter.bad_sort")
		}
	}
	if v := q.Get("design"); v != "" {
		d, ok := huifang.ParseDesignType(v)
		if !ok {
			bad("design", "err.filter.unknown_design")
		}
		f.Design = d
	}
	f.Branch = strings.TrimSpace(q.Get("branch"))
	f.Seller = strings.TrimSpace(q.Get("seller"))
	if v := q.Get("kind"); v != "" {
		f.Kind = huifang.CallbackKind(v)
		if !f.Kind.Valid() {
			bad("kind", "err.filter.unknown_kind")
		}
	}
	if v := q.Get("outcome"); v != "" {
		f.Outcome = v
		if !slices.Contains(huifang.Outcomes, v) {
			bad("outcome", "err.filter.bad_outcome")
		}
	}
	for _, d := range []struct {
		name string
		dst  *huifang.Date
	}{{"due_from", &f.DueFrom}, {"due_to", &f.DueTo}} {
		if v := q.Get(d.name); v != "" {
			x, err := huifang.ParseISODate(v)
			if err != nil {
				bad(d.name, "err.filter.bad_date")
			}
			*d.dst = x
		}
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"late", &f.Late}, {"overdue", &f.Overdue}, {"branch_only", &f.BranchOnly}, {"risk", &f.Risk}} {
		switch q.Get(b.name) {
		case "", "0", "false":
		case "1", "true", "on":
			*b.dst = true
		default:
			bad(b.name, "err.filter.bad_bool")
		}
	}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"limit", &f.Limit}, {"offset", &f.Offset}} {
		if v := q.Get(n.name); v != "" {
			x, err := strconv.Atoi(v)
			if err != nil || x < 0 {
				bad(n.name, "err.filter.bad_count")
			}
			*n.dst = x
		}
	}
	if len(fields) > 0 {
		return f, &huifang.Error{Code: huifang.EINVALID, Key: "err.field", Args: []any{fields[0].Field, fields[0]}, Fields: fields}
	}
	return f, nil
}
