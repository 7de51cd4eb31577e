package problem

import (
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
)

// tree: 86 (head office) → 8601 (province) → 860101 (city) → 86010101 (unit).
type tree map[string]string // branch → parent

func (t tree) Exists(b string) bool   { _, ok := t[b]; return ok }
func (t tree) Parent(b string) string { return t[b] }
func (t tree) Below(b, anc string) bool {
	for p, ok := t[b]; ok; p, ok = t[p] {
		if p == anc {
			return true
		}
		if p == "" {
			break
		}
	}
	return anc == "" && t.Exists(b)
}

var (
	tr      = tree{"86": "", "8601": "86", "860101": "8601", "86010101": "860101"}
	now     = time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)
	today   = huifang.NewDate(2026, 3, 5)
	manager = Actor{UserID: 1, Login: "mgr", Role: huifang.RoleManager}
	cityH   = Actor{UserID: 2, Login: "city", Role: huifang.RoleHandler, BranchCode: "860101"}
	unitH   = Actor{UserID: 3, Login: "unit", Role: huifang.RoleHandler, BranchCode: "86010101"}
	agentH  = Actor{UserID: 4, Login: "agent", Role: huifang.RoleHandler, BranchCode: "86010101", AgentCode: "A001"}
	op      = Actor{UserID: 5, Login: "op", Role: huifang.RoleOperator}
	unitU   = &huifang.User{ID: 3, OrgID: 1, Login: "unit", Role: huifang.RoleHandler, BranchCode: "86010101"}
	agentU  = &huifang.User{ID: 4, OrgID: 1, Login: "agent", Role: huifang.RoleHandler, BranchCode: "86010101", AgentCode: "A001"}
)

func newCase() *huifang.ProblemCase {
	return &huifang.ProblemCase{ID: 7, OrgID: 1, PolicyNo: "P1", Type: huifang.ProblemUnsigned, Status: huifang.ProblemOpen,
		AgentCode: "A001", OpenedOn: today, DueOn: huifang.NewDate(2026, 4, 2)}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestHappyPath: transfer → return → transfer → acknowledge → act → re-callback → resolved on time.
func TestHappyPath(t *testing.T) {
	c := newCase()
	_, _, err := Transfer(c, manager, Target{Branch: "860101"}, tr, today, now)
	must(t, err)
	ev, err := Return(c, cityH, "不是本机构的保单", now)
	must(t, err)
	if c.Status != huifang.ProblemOpen || c.Pending != nil || !strings.Contains(ev.Detail, "不是本机构") {
		t.Fatalf("after return: %+v %+v", c, ev)
	}
	_, _, err = Transfer(c, manager, Target{Branch: "86010101", User: unitU, DueOn: huifang.NewDate(2026, 3, 20)}, tr, today, now)
	must(t, err)
	_, err = Acknowledge(c, unitH, now)
	must(t, err)
	if c.Status != huifang.ProblemInProgress || c.HolderBranch != "86010101" || c.HandlerID != 3 {
		t.Fatalf("after acknowledge: %+v", c)
	}
	_, err = Act(c, unitH, ActResigned, "客户已重新签署", true, now)
	must(t, err)
	_, err = RequestRecallback(c, unitH, now)
	must(t, err)
	evs, err := RecallbackDone(c, true, "", now.Add(24*time.Hour))
	must(t, err)
	if c.Status != huifang.ProblemResolved || !OnTime(c) || len(evs) != 2 {
		t.Fatalf("after re-callback: %+v", c)
	}
}

// TestIllegal: every illegal step is refused with a clear error and changes nothing.
func TestIllegal(t *testing.T) {
	transferred := func() *huifang.ProblemCase {
		c := newCase()
		if _, _, err := Transfer(c, manager, Target{Branch: "86010101", User: unitU}, tr, today, now); err != nil {
			t.Fatal(err)
		}
		return c
	}
	working := func() *huifang.ProblemCase {
		c := transferred()
		if _, err := Acknowledge(c, unitH, now); err != nil {
			t.Fatal(err)
		}
		return c
	}
	closed := func() *huifang.ProblemCase {
		c := working()
		if _, err := Close(c, unitH, huifang.CloseCoolingOff, "客户已退保", now); err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name string
		c    func() *huifang.ProblemCase
		do   func(c *huifang.ProblemCase) error
		code string
		msg  string
	}{
		{"act on an unacknowledged transfer", transferred, func(c *huifang.ProblemCase) error {
			_, err := Act(c, unitH, ActExplained, "", false, now)
			return err
		}, huifang.ECONFLICT, "尚未签收"},
		{"resolve without a re-callback", working, func(c *huifang.ProblemCase) error { return Resolve(c) }, huifang.EINVALID, "回访确认"},
		{"assign the selling agent", newCase, func(c *huifang.ProblemCase) error {
			_, _, err := Transfer(c, manager, Target{Branch: "86010101", User: agentU}, tr, today, now)
			return err
		}, huifang.EINVALID, "销售人员"},
		{"reopen without the right role", closed, func(c *huifang.ProblemCase) error {
			_, err := Reopen(c, unitH, "再看看", now)
			return err
		}, huifang.EFORBIDDEN, "管理人员"},
		{"transfer upwards", working, func(c *huifang.ProblemCase) error {
			_, _, err := Transfer(c, unitH, Target{Branch: "860101"}, tr, today, now)
			return err
		}, huifang.EINVALID, "下级机构"},
		{"transfer twice", transferred, func(c *huifang.ProblemCase) error {
			_, _, err := Transfer(c, manager, Target{Branch: "860101"}, tr, today, now)
			return err
		}, huifang.ECONFLICT, "转办中"},
		{"hop deadline after the case's", newCase, func(c *huifang.ProblemCase) error {
			_, _, err := Transfer(c, manager, Target{Branch: "860101", DueOn: huifang.NewDate(2026, 5, 1)}, tr, today, now)
			return err
		}, huifang.EINVALID, "不能晚于"},
		{"unknown branch", newCase, func(c *huifang.ProblemCase) error {
			_, _, err := Transfer(c, manager, Target{Branch: "99"}, tr, today, now)
			return err
		}, huifang.EINVALID, "不存在"},
		{"acknowledge someone else's transfer", transferred, func(c *huifang.ProblemCase) error {
			_, err := Acknowledge(c, cityH, now)
			return err
		}, huifang.EFORBIDDEN, "不是发给您"},
		{"return without a reason", transferred, func(c *huifang.ProblemCase) error {
			_, err := Return(c, unitH, "  ", now)
			return err
		}, huifang.EINVALID, "原因"},
		{"acknowledge with nothing pending", working, func(c *huifang.ProblemCase) error {
			_, err := Acknowledge(c, unitH, now)
			return err
		}, huifang.ECONFLICT, "没有待签收"},
		{"an operator acts", working, func(c *huifang.ProblemCase) error {
			_, err := Act(c, op, ActExplained, "", false, now)
			return err
		}, huifang.EFORBIDDEN, "不在您名下"},
		{"another handler acts", working, func(c *huifang.ProblemCase) error {
			_, err := Act(c, agentH, ActExplained, "", false, now)
			return err
		}, huifang.EFORBIDDEN, "不在您名下"},
		{"visit without a signed receipt", working, func(c *huifang.ProblemCase) error {
			_, err := Act(c, unitH, ActVisit, "", false, now)
			return err
		}, huifang.EINVALID, "扫描件"},
		{"unknown action", working, func(c *huifang.ProblemCase) error {
			_, err := Act(c, unitH, "prayed", "", false, now)
			return err
		}, huifang.EINVALID, "未知"},
		{"re-callback before any action", working, func(c *huifang.ProblemCase) error {
			_, err := RequestRecallback(c, unitH, now)
			return err
		}, huifang.EINVALID, "先记录"},
		{"close without reasons", working, func(c *huifang.ProblemCase) error {
			_, err := Close(c, unitH, huifang.CloseOther, "", now)
			return err
		}, huifang.EINVALID, "说明"},
		{"close without a reason", working, func(c *huifang.ProblemCase) error {
			_, err := Close(c, unitH, "", "客户不愿意", now)
			return err
		}, huifang.EINVALID, "原因"},
		{"close for an unknown reason", working, func(c *huifang.ProblemCase) error {
			_, err := Close(c, unitH, "bored", "", now)
			return err
		}, huifang.EINVALID, "未知"},
		{"act on a closed case", closed, func(c *huifang.ProblemCase) error {
			_, err := Act(c, unitH, ActExplained, "", false, now)
			return err
		}, huifang.ECONFLICT, "已关闭"},
		{"re-callback result with none pending", working, func(c *huifang.ProblemCase) error {
			_, err := RecallbackDone(c, true, "", now)
			return err
		}, huifang.ECONFLICT, "没有在等待"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c()
			before := *c
			err := tt.do(c)
			if huifang.ErrorCode(err) != tt.code || !strings.Contains(huifang.ErrorMessage(err), tt.msg) {
				t.Fatalf("got %v, want %s containing %q", err, tt.code, tt.msg)
			}
			if c.Status != before.Status || c.HolderBranch != before.HolderBranch || c.HandlerID != before.HandlerID || c.Actions != before.Actions {
				t.Fatalf("a refused step changed the case: %+v → %+v", before, *c)
			}
		})
	}
}

func TestRecallbackFailsAndReopen(t *testing.T) {
	c := newCase()
	Transfer(c, manager, Target{Branch: "86010101"}, tr, today, now)
	must(t, func() error { _, err := Acknowledge(c, unitH, now); return err }())
	must(t, func() error { _, err := Act(c, unitH, ActExplained, "", false, now); return err }())
	must(t, func() error { _, err := RequestRecallback(c, unitH, now); return err }())
	if _, err := RecallbackDone(c, false, "无人接听", now); err != nil || c.Status != huifang.ProblemInProgress {
		t.Fatalf("failed re-callback: %v %+v", err, c)
	}
	must(t, func() error {
		_, err := Close(c, unitH, huifang.CloseCoolingOff, "客户已在犹豫期内退保", now)
		return err
	}())
	if _, err := Reopen(c, manager, "客户要求继续处理", now); err != nil || c.Status != huifang.ProblemInProgress {
		t.Fatalf("reopen: %v %+v", err, c)
	}
}

func TestEscalate(t *testing.T) {
	c := newCase()
	c.HolderBranch = "86010101"
	c.Status = huifang.ProblemInProgress
	if _, ok := Escalate(c, tr, c.DueOn, now); ok {
		t.Fatal("escalated on its due day")
	}
	e, ok := Escalate(c, tr, c.DueOn.AddDays(1), now)
	if !ok || e.ToBranch != "860101" || c.EscalatedAt.IsZero() {
		t.Fatalf("escalation %+v", e)
	}
	if _, ok := Escalate(c, tr, c.DueOn.AddDays(2), now); ok {
		t.Fatal("escalated twice")
	}
	if !Overdue(c, c.DueOn.AddDays(1)) || Overdue(c, c.DueOn) {
		t.Fatal("overdue")
	}
}

// TestAcknowledgeTakesTheCase: a handler who acknowledges a transfer to
// their branch as a whole becomes the case's handler; a manager who
// acknowledges for the branch leaves it unassigned.
func TestAcknowledgeTakesTheCase(t *testing.T) {
	c := newCase()
	_, _, err := Transfer(c, manager, Target{Branch: "86010101"}, tr, today, now)
	must(t, err)
	ev, err := Acknowledge(c, unitH, now)
	must(t, err)
	if c.HandlerID != unitH.UserID || c.HolderBranch != "86010101" || !strings.Contains(ev.Detail, "unit") {
		t.Fatalf("after a handler's acknowledgement: %+v %+v", c, ev)
	}
	c = newCase()
	_, _, err = Transfer(c, manager, Target{Branch: "86010101"}, tr, today, now)
	must(t, err)
	_, err = Acknowledge(c, manager, now)
	must(t, err)
	if c.HandlerID != 0 {
		t.Fatalf("a manager's acknowledgement assigned %d", c.HandlerID)
	}
}

// TestCloseKeepsReason: the fixed reason and the note are on the case.
func TestCloseKeepsReason(t *testing.T) {
	c := newCase()
	ev, err := Close(c, manager, huifang.CloseDuplicate, " 与 #6 重复 ", now)
	must(t, err)
	if c.CloseCode != huifang.CloseDuplicate || c.CloseReason != "与 #6 重复" || !strings.Contains(ev.Detail, "重复问题件") {
		t.Fatalf("closed: %+v %+v", c, ev)
	}
	if _, err := Reopen(c, manager, "客户又来电", now); err != nil || c.CloseCode != "" {
		t.Fatalf("reopened: %v %+v", err, c)
	}
}
