package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// TestTakeFromCallbackPage: an operator takes a named callback from its
// page and lands on the workbench with it; another operator is told it is
// taken; an administrator sees no button.
func TestTakeFromCallbackPage(t *testing.T) {
	t.Parallel()
	f := setup(t, world(t))
	f.loadPolicies(t, "A",
		policyLine("P1", "L20", "个险", "张三", "2026-03-02", "13800000001", 1),
		policyLine("P2", "L20", "个险", "李四", "2026-03-04", "13800000002", 2))
	if _, err := f.svc.CreateUser(ctx, app.CLI(), app.UserInput{OrgCode: "A", Login: "op2", Role: huifang.RoleOperator, Password: password}); err != nil {
		t.Fatal(err)
	}
	cb := f.callbackOf(t, f.orgA, "P2")
	page := fmt.Sprintf("/callbacks/%d", cb.ID)
	op := f.login(t, "op1")
	if _, body := op.get(page); !strings.Contains(body, `action="/work/`+fmt.Sprint(cb.ID)+`/take"`) {
		t.Fatalf("no take button:\n%s", body)
	}
	res, _ := op.postForm(fmt.Sprintf("/work/%d/take", cb.ID), nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/work/%d", cb.ID) {
		t.Fatalf("take: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := f.callbackOf(t, f.orgA, "P2"); got.LeaseUserID == 0 {
		t.Fatal("not leased")
	}
	res, body := f.login(t, "op2").postForm(fmt.Sprintf("/work/%d/take", cb.ID), nil)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "正由其他坐席回访") {
		t.Fatalf("second operator: %d\n%s", res.StatusCode, body)
	}
	if _, body := f.login(t, "adm").get(page); strings.Contains(body, `id="take"`) {
		t.Fatal("an administrator is offered to take a callback")
	}
}
