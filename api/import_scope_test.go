package api_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/testworld"
)

// TestImportScopeAPI: the core system's JSON batch follows the scope of the
// insurer's profile: a non-life wealth-management policy gets a callback
// under the seed bureau (A's regulator) and none under the national
// baseline (C's).
func TestImportScopeAPI(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, w *testworld.World) {
		ctx := context.Background()
		svc, srv, tokens := apiWorld(t, w, nil)
		cli := app.CLI()
		for _, in := range []app.OrgInput{{Kind: huifang.KindRegulator, Code: "NAT", Name: "另一监管局", Profile: "national-baseline"},
			{Kind: huifang.KindInsurer, Code: "C", Name: "丙", RegulatorCode: "NAT", ServicePhone: "95502"}} {
			if _, err := svc.CreateOrg(ctx, cli, in); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.CreateUser(ctx, cli, app.UserInput{OrgCode: "C", Login: "c-admin", Role: huifang.RoleInsurerAdmin, Password: "secret-password"}); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.CreateToken(ctx, cli, app.TokenInput{OrgCode: "C", Login: "c-admin"})
		if err != nil {
			t.Fatal(err)
		}
		id1 := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 1)
		id2 := importer.ValidIDNumber("110101", huifang.NewDate(1980, 5, 6), 2)
		for _, c := range []struct {
			admin client
			want  []string
		}{
			{client{t, srv.URL, tokens["a-admin"]}, []string{"L1", "W1"}},
			{client{t, srv.URL, tok}, []string{"L1"}},
		} {
			for _, b := range []struct {
				kind string
				rows []map[string]string
			}{
				{"branches", []map[string]string{{"code": "86", "name": "总公司", "parent_code": ""}, {"code": "8601", "name": "省分", "parent_code": "86"}, {"code": "860101", "name": "市分", "parent_code": "8601"}, {"code": "86010101", "name": "营业部", "parent_code": "860101"}}},
				{"products", []map[string]string{{"产品代码": "L20", "产品名称": "终身寿", "设计类型": "传统", "保险期间": "终身", "犹豫期天数": "15"},
					{"产品代码": "W10", "产品名称": "聚富稳盈投资型家庭财产保险", "设计类型": "非寿险理财", "保险期间": "10", "犹豫期天数": "15"}}},
				{"agents", []map[string]string{{"业务员代码": "A001", "姓名": "李明", "手机号": "13900000001", "机构代码": "86010101"}}},
				{"policies", []map[string]string{policyRow("L1", "L20", "2026-03-02", id1), policyRow("W1", "W10", "2026-03-02", id2)}},
			} {
				if code, body := c.admin.do("POST", "/api/v1/import/"+b.kind, map[string]any{"rows": b.rows}); code != 200 {
					t.Fatalf("import %s: %d %v", b.kind, code, body)
				}
			}
			_, list := c.admin.do("GET", "/api/v1/callbacks", nil)
			var got []string
			items, _ := list["callbacks"].([]any)
			for _, it := range items {
				got = append(got, it.(map[string]any)["policy_no"].(string))
			}
			sort.Strings(got)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("callbacks %v, want %v (%v)", got, c.want, list)
			}
		}
	})
}
