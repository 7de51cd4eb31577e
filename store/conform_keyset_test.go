package store_test

import (
	"fmt"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// keysetWorld imports n policies of insurer A whose callbacks tie in every
// sort key: three deadlines, two channels, three statuses, two operators
// (one without a name) and many with none. It returns the first deadline.
func keysetWorld(t *testing.T, db *store.DB, bd *bundle, n int) huifang.Date {
	t.Helper()
	d := huifang.NewDate(2026, 3, 1)
	var ps []*huifang.PolicyRecord
	for i := range n {
		p := policy(fmt.Sprintf("K%02d", (i*7)%n), d.AddDays(i%3), fmt.Sprintf("k%d", i))
		if i%4 == 0 {
			p.Channel = huifang.ChannelBank
		}
		ps = append(ps, p)
	}
	importPolicies(t, db, bd.a.ID, ps...)
	// B's callbacks never show in A's pages.
	importPolicies(t, db, bd.b.ID, policy("K00", d, "kb"))
	named := &huifang.User{OrgID: bd.a.ID, Login: "op-named", Name: "王五", Role: huifang.RoleOperator, PasswordHash: "x", CreatedAt: t0}
	must(t, db.CreateUser(ctx, named, cli))
	var ids []int64
	must(t, db.ForEachCallback(ctx, bd.a.ID, huifang.CallbackFilter{}, func(r *huifang.CallbackRow) error {
		ids = append(ids, r.ID)
		return nil
	}))
	for i, id := range ids {
		ch := huifang.CallbackChange{OrgID: bd.a.ID, ID: id, Now: t0, NoLease: true, Audit: huifang.AuditEntry{Action: "finish"}}
		switch i % 5 {
		case 0, 1:
			continue // open, no operator
		case 2:
			ch.UserID, ch.Status, ch.Result = named.ID, huifang.StatusDone, huifang.ResultSuccessful
		case 3:
			ch.UserID, ch.Status, ch.Result = bd.userA.ID, huifang.StatusDone, huifang.ResultProblems
		case 4:
			ch.UserID, ch.Status = bd.userA.ID, huifang.StatusBlocked
		}
		_, err := db.ChangeCallback(ctx, ch)
		must(t, err)
	}
	return d
}

// keysetWalk pages through a list as the application does: size+1 rows a
// page, the cursor after the page's last row. It returns the ids in the
// order seen.
func keysetWalk(t *testing.T, db *store.DB, orgID int64, f huifang.CallbackFilter, size int) []int64 {
	t.Helper()
	var seen []int64
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatalf("%+v: pages never end", f)
		}
		f.Limit = size + 1
		var rows []huifang.CallbackRow
		must(t, db.ForEachCallback(ctx, orgID, f, func(r *huifang.CallbackRow) error {
			rows = append(rows, *r)
			return nil
		}))
		if len(rows) <= size {
			for _, r := range rows {
				seen = append(seen, r.ID)
			}
			return seen
		}
		for _, r := range rows[:size] {
			seen = append(seen, r.ID)
		}
		f.After = huifang.CallbackCursorAfter(f.Sort, &rows[size-1]).Encode()
	}
}

// TestConformKeysetPages walks every sort a list offers under a few
// filters, page by page with small pages over keys that tie, and finds
// every row exactly once and in the order of the whole list.
func TestConformKeysetPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		d := keysetWorld(t, db, bd, 37)
		filters := map[string]huifang.CallbackFilter{
			"all":       {},
			"channel":   {Channel: huifang.ChannelAgency},
			"open":      {Status: huifang.StatusOpen},
			"overdue":   {Overdue: true, Today: d.AddDays(16)},
			"due range": {DueFrom: d.AddDays(15), DueTo: d.AddDays(16)},
			"outcome":   {Outcome: huifang.OutcomeCompleted},
		}
		for _, sort := range append([]string{""}, huifang.CallbackSorts...) {
			for name, f := range filters {
				f.Sort = sort
				var want []int64
				must(t, db.ForEachCallback(ctx, bd.a.ID, f, func(r *huifang.CallbackRow) error {
					want = append(want, r.ID)
					return nil
				}))
				if len(want) == 0 {
					t.Fatalf("sort %q, %s: an empty list proves nothing", sort, name)
				}
				for _, size := range []int{1, 2, 3, 7} {
					got := keysetWalk(t, db, bd.a.ID, f, size)
					if !equal(got, want) {
						t.Errorf("sort %q, %s, pages of %d: %v, want %v", sort, name, size, got, want)
					}
				}
			}
		}
		// A cursor of one sort is refused by another, and so is one that is
		// no cursor at all.
		var first huifang.CallbackRow
		must(t, db.ForEachCallback(ctx, bd.a.ID, huifang.CallbackFilter{Limit: 1}, func(r *huifang.CallbackRow) error {
			first = *r
			return nil
		}))
		due := huifang.CallbackCursorAfter("", &first).Encode()
		for _, tc := range []struct{ after, sort string }{{due, huifang.SortPolicy}, {due, huifang.SortStatus}, {"v1.!!", ""}, {"nonsense", ""}, {due, huifang.SortFinished}} {
			err := db.ForEachCallback(ctx, bd.a.ID, huifang.CallbackFilter{After: tc.after, Sort: tc.sort}, func(*huifang.CallbackRow) error { return nil })
			if huifang.ErrorCode(err) != huifang.EINVALID || huifang.ErrorKey(err) != "err.filter.bad_cursor" {
				t.Errorf("cursor %q under sort %q: %v", tc.after, tc.sort, err)
			}
		}
		if err := db.ForEachCallback(ctx, bd.a.ID, huifang.CallbackFilter{After: due, Sort: huifang.SortDue}, func(*huifang.CallbackRow) error { return nil }); err != nil {
			t.Errorf("the default sort's cursor under sort=due: %v", err)
		}
	})
}

// TestConformCappedCount: under the cap a count is exact; over it, it
// stops at the cap and says so.
func TestConformCappedCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		keysetWorld(t, db, bd, 30)
		for _, tc := range []struct {
			f    huifang.CallbackFilter
			cap  int
			want huifang.Count
		}{
			{huifang.CallbackFilter{}, 100, huifang.Count{N: 30}},
			{huifang.CallbackFilter{}, 30, huifang.Count{N: 30}},
			{huifang.CallbackFilter{}, 29, huifang.Count{N: 29, Capped: true}},
			{huifang.CallbackFilter{}, 5, huifang.Count{N: 5, Capped: true}},
			{huifang.CallbackFilter{Status: huifang.StatusOpen}, 12, huifang.Count{N: 12}},
			{huifang.CallbackFilter{Status: huifang.StatusOpen}, 11, huifang.Count{N: 11, Capped: true}},
			{huifang.CallbackFilter{PolicyNo: "NONE"}, 10, huifang.Count{}},
		} {
			got, err := db.CountCallbacksCapped(ctx, bd.a.ID, tc.f, tc.cap)
			must(t, err)
			if got != tc.want {
				t.Errorf("%+v capped at %d: %+v, want %+v", tc.f, tc.cap, got, tc.want)
			}
			if n, err := db.CountCallbacks(ctx, bd.a.ID, tc.f); err != nil || !tc.want.Capped && n != got.N || tc.want.Capped && n <= got.N {
				t.Errorf("%+v: full count %d (%v) against capped %+v", tc.f, n, err, got)
			}
		}
		// B's one callback is B's.
		if got, err := db.CountCallbacksCapped(ctx, bd.b.ID, huifang.CallbackFilter{}, 10); err != nil || got != (huifang.Count{N: 1}) {
			t.Errorf("B: %+v %v", got, err)
		}
	})
}
