package store_test

import (
	"reflect"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/profile"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformProfilesAndCalendars: profile versions by effective date with
// their rules; calendar years replaced in place; both audited.
func TestConformProfilesAndCalendars(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		rules, _, ok := profile.Shipped(profile.NationalBaseline)
		if !ok {
			t.Fatal("no national baseline")
		}
		later := &profile.Version{RegulatorID: bd.reg.ID, Name: "2027 版", Base: profile.NationalBaseline, From: huifang.NewDate(2027, 1, 1), Rules: rules,
			Note: "新规", CreatedAt: tNano, CreatedBy: "sup"}
		must(t, db.AddProfileVersion(ctx, later))
		first := &profile.Version{RegulatorID: bd.reg.ID, Name: "2026 版", Base: profile.NationalBaseline, From: huifang.NewDate(2026, 1, 1), Rules: rules,
			CreatedAt: t0, CreatedBy: "sup"}
		must(t, db.AddProfileVersion(ctx, first))
		vs, err := db.ListProfileVersions(ctx, bd.reg.ID)
		must(t, err)
		if len(vs) != 2 || vs[0].ID != first.ID || vs[1].ID != later.ID {
			t.Fatalf("versions %+v", vs)
		}
		sameMS(t, "created", vs[1].CreatedAt, tNano)
		if vs[1].Name != "2027 版" || vs[1].Note != "新规" || vs[1].From != later.From || vs[1].Base != profile.NationalBaseline ||
			!reflect.DeepEqual(vs[1].Rules, rules) {
			t.Fatalf("version read back %+v", vs[1])
		}
		if vs, _ := db.ListProfileVersions(ctx, bd.a.ID); len(vs) != 0 {
			t.Fatalf("an insurer has profile versions %+v", vs)
		}
		if audit, _ := db.ListAudit(ctx, bd.reg.ID, huifang.AuditFilter{Entity: "profile"}); len(audit) != 2 {
			t.Fatalf("profile audit %+v", audit)
		}

		if ys, err := db.ListCalendarYears(ctx); err != nil || len(ys) != 0 {
			t.Fatalf("calendars before any: %v %v", ys, err)
		}
		must(t, db.SaveCalendarYear(ctx, huifang.CalendarYear{Year: 2027, Body: "2027 body", LoadedAt: t0, LoadedBy: "adm"}))
		must(t, db.SaveCalendarYear(ctx, huifang.CalendarYear{Year: 2026, Body: "old", LoadedAt: t0, LoadedBy: "adm"}))
		must(t, db.SaveCalendarYear(ctx, huifang.CalendarYear{Year: 2026, Body: "2026 节假日", LoadedAt: tNano, LoadedBy: "adm2"}))
		ys, err := db.ListCalendarYears(ctx)
		must(t, err)
		if len(ys) != 2 || ys[0].Year != 2026 || ys[0].Body != "2026 节假日" || ys[0].LoadedBy != "adm2" || ys[1].Year != 2027 {
			t.Fatalf("calendars %+v", ys)
		}
		sameMS(t, "loaded", ys[0].LoadedAt, tNano)
		if audit, _ := db.ListAudit(ctx, 0, huifang.AuditFilter{Entity: "calendar"}); len(audit) != 3 {
			t.Fatalf("calendar audit %+v", audit)
		}
	})
}
