package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/store"
	"github.com/huifang/huifang/store/storetest"
)

// TestConformOversight: a supervisor's companies are replaced whole and
// audited; the cross-company lists of a supervisor show only the companies
// they follow, of the regulator's administrator every one.
func TestConformOversight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bd := setup(t, db)
		sup := &huifang.User{OrgID: bd.reg.ID, Login: "sup", Role: huifang.RoleSupervisor, PasswordHash: "x", CreatedAt: t0}
		must(t, db.CreateUser(ctx, sup, cli))
		other := &huifang.User{OrgID: bd.reg.ID, Login: "sup2", Role: huifang.RoleSupervisor, PasswordHash: "x", CreatedAt: t0}
		must(t, db.CreateUser(ctx, other, cli))
		must(t, db.SetSupervisorCompanies(ctx, sup, []int64{bd.a.ID, bd.b.ID}, []string{"A", "B"}, cli, t0))
		must(t, db.SetSupervisorCompanies(ctx, sup, []int64{bd.b.ID}, []string{"B"}, cli, t0.Add(time.Hour)))
		must(t, db.SetSupervisorCompanies(ctx, other, []int64{bd.a.ID}, []string{"A"}, cli, t0.Add(time.Hour)))
		if ids, err := db.SupervisorCompanies(ctx, sup.ID); err != nil || !reflect.DeepEqual(ids, []int64{bd.b.ID}) {
			t.Fatalf("sup follows %v, %v", ids, err)
		}
		as, err := db.Assignments(ctx, bd.reg.ID)
		must(t, err)
		if !reflect.DeepEqual(as, map[int64][]int64{sup.ID: {bd.b.ID}, other.ID: {bd.a.ID}}) {
			t.Fatalf("assignments %v", as)
		}
		entries, err := db.ListAudit(ctx, bd.reg.ID, huifang.AuditFilter{Entity: "user", Key: "sup", Action: "assign-companies"})
		must(t, err)
		n := 0
		for _, e := range entries {
			if e.Action == "assign-companies" {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("%d assignment entries in %+v", n, entries)
		}
		// A supervisor following nobody sees nothing.
		must(t, db.SetSupervisorCompanies(ctx, other, nil, nil, cli, t0.Add(time.Hour)))
		if ids, _ := db.SupervisorCompanies(ctx, other.ID); len(ids) != 0 {
			t.Fatalf("emptied: %v", ids)
		}

		// Scripts filed at A and at B.
		for _, o := range []*huifang.Org{bd.a, bd.b} {
			r := &huifang.ScriptRecord{OrgID: o.ID, Code: "nb", Name: "新单回访话术", Purpose: "new-business", Design: huifang.DesignTraditional,
				ProductCode: "P1", Body: `{"code":"nb"}`, CreatedAt: t0, CreatedBy: "adm"}
			must(t, db.AddScript(ctx, r))
			must(t, db.MoveScript(ctx, o.ID, r.ID, "draft", "filed", huifang.Date{}, cli, t0))
		}
		orgsOf := func(rs []huifang.ScriptRecord) []int64 {
			var out []int64
			for _, r := range rs {
				out = append(out, r.OrgID)
			}
			return out
		}
		for _, c := range []struct {
			name string
			o    huifang.Oversight
			want []int64
		}{
			{"the administrator", huifang.Oversight{RegulatorID: bd.reg.ID}, []int64{bd.a.ID, bd.b.ID}},
			{"sup (B)", huifang.Oversight{RegulatorID: bd.reg.ID, SupervisorID: sup.ID}, []int64{bd.b.ID}},
			{"sup2 (none)", huifang.Oversight{RegulatorID: bd.reg.ID, SupervisorID: other.ID}, nil},
			{"another regulator", huifang.Oversight{RegulatorID: bd.a.ID}, nil},
		} {
			got, err := db.ListScripts(ctx, huifang.ScriptFilter{Oversight: c.o})
			must(t, err)
			if !reflect.DeepEqual(orgsOf(got), c.want) {
				t.Errorf("%s sees scripts of %v, want %v", c.name, orgsOf(got), c.want)
			}
		}
	})
}
