package store_test

// The conformance suite: the files conform_*_test.go hold, per store area,
// the behaviours every engine must show (river's riverdrivertest is the
// model). Each test runs its body once per engine through storetest.Each, on
// a fresh database; the PostgreSQL half needs HUIFANG_TEST_POSTGRES (and is
// required under CI=true). The tests read values back rather than trusting
// what was written, check the scoping by organisation, conflicts, empty
// cases, ordering, and that times come back the same on both engines: in
// UTC, to the millisecond.

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
)

// shanghai is a fixed +08:00 zone: stored times come back in UTC whatever
// zone they were written in.
var shanghai = time.FixedZone("CST", 8*3600)

// tNano is a time with nanoseconds, written in Shanghai time: both engines
// keep it to the millisecond, in UTC.
var tNano = time.Date(2026, 3, 2, 10, 0, 0, 123456789, shanghai)

// sameMS fails the test unless got is want to the millisecond, in UTC.
func sameMS(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if w := want.Truncate(time.Millisecond).UTC(); !got.Equal(w) || got.Location() != time.UTC {
		t.Errorf("%s = %v, want %v (UTC, milliseconds)", what, got, w)
	}
}

// importPolicies imports policies of the org; each has a new-business
// callback due 15 days after its receipt.
func importPolicies(t *testing.T, db *store.DB, orgID int64, rs ...*huifang.PolicyRecord) {
	t.Helper()
	_, err := db.ImportPolicies(ctx, orgID, cli, t0, "p.csv", source(rs...))
	must(t, err)
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
