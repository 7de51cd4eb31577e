package misconduct

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
)

var now = time.Date(2026, 3, 10, 8, 30, 0, 0, time.UTC)

func TestProposes(t *testing.T) {
	for _, tc := range []struct {
		typ huifang.ProblemType
		cat huifang.MisconductCategory
		ok  bool
	}{
		{huifang.ProblemUnsigned, huifang.MisconductBeyondAuthority, true},
		{huifang.ProblemFalsePhone, huifang.MisconductImproperConduct, true},
		{huifang.ProblemMisleading, huifang.MisconductImproperSelling, true},
		{huifang.ProblemCannotContact, "", false},
		{huifang.ProblemUnclearRights, "", false},
		{huifang.ProblemPolicyInfo, "", false},
		{huifang.ProblemComplaint, "", false},
	} {
		cat, ok := Proposes(tc.typ)
		if cat != tc.cat || ok != tc.ok {
			t.Errorf("%s: %q %v, want %q %v", tc.typ, cat, ok, tc.cat, tc.ok)
		}
	}
}

func TestPropose(t *testing.T) {
	agent := huifang.Agent{Code: "A1", Name: "张三", RegNo: "0201"}
	for _, tc := range []struct {
		name   string
		typ    huifang.ProblemType
		status huifang.ProblemStatus
		agent  string
		want   bool
	}{
		{"resolved unsigned", huifang.ProblemUnsigned, huifang.ProblemResolved, "A1", true},
		{"closed false phone", huifang.ProblemFalsePhone, huifang.ProblemClosed, "A1", true},
		{"closed misleading", huifang.ProblemMisleading, huifang.ProblemClosed, "A1", true},
		{"still open", huifang.ProblemMisleading, huifang.ProblemInProgress, "A1", false},
		{"no agent", huifang.ProblemMisleading, huifang.ProblemClosed, " ", false},
		{"not the agent's", huifang.ProblemCannotContact, huifang.ProblemClosed, "A1", false},
	} {
		c := &huifang.ProblemCase{ID: 7, OrgID: 3, PolicyNo: "P1", Type: tc.typ, Status: tc.status, AgentCode: tc.agent}
		r := Propose(c, agent, "facts", now)
		if (r != nil) != tc.want {
			t.Errorf("%s: %+v", tc.name, r)
			continue
		}
		if r == nil {
			continue
		}
		if r.Status != huifang.MisconductProposed || r.CaseID != 7 || r.OrgID != 3 || r.RegNo != "0201" || r.AgentName != "张三" || r.Facts != "facts" {
			t.Errorf("%s: %+v", tc.name, r)
		}
		if r.KeepUntil != huifang.NewDate(2031, 3, 10) {
			t.Errorf("%s: kept until %s", tc.name, r.KeepUntil)
		}
	}
}

func TestKeepUntil(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want huifang.Date
	}{
		{now, huifang.NewDate(2031, 3, 10)},
		// 23:30 UTC is the next day in Beijing.
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), huifang.NewDate(2032, 1, 1)},
		// A leap day runs on to 1 March: never less than five years.
		{time.Date(2028, 2, 29, 4, 0, 0, 0, time.UTC), huifang.NewDate(2033, 3, 1)},
	} {
		got := KeepUntil(tc.at)
		if got != tc.want {
			t.Errorf("%s: %s, want %s", tc.at, got, tc.want)
		}
		if got.Before(huifang.DateOf(tc.at).AddDays(5 * 365)) {
			t.Errorf("%s: %s is less than five years", tc.at, got)
		}
	}
}

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status huifang.MisconductStatus
		d      Decision
		key    string
		want   huifang.MisconductStatus
		cat    huifang.MisconductCategory
	}{
		{"confirm", huifang.MisconductProposed, Decision{Confirm: true, Category: "improper-selling", Reason: "属实"}, "", huifang.MisconductConfirmed, huifang.MisconductImproperSelling},
		{"confirm in another category", huifang.MisconductProposed, Decision{Confirm: true, Category: "other", Reason: "属实"}, "", huifang.MisconductConfirmed, huifang.MisconductOther},
		{"reject", huifang.MisconductProposed, Decision{Reason: "客户自填号码"}, "", huifang.MisconductRejected, huifang.MisconductBeyondAuthority},
		{"reject ignores a category", huifang.MisconductProposed, Decision{Category: "bogus", Reason: "不属实"}, "", huifang.MisconductRejected, huifang.MisconductBeyondAuthority},
		{"confirm without category", huifang.MisconductProposed, Decision{Confirm: true, Reason: "属实"}, "err.misconduct.category_required", "", ""},
		{"confirm unknown category", huifang.MisconductProposed, Decision{Confirm: true, Category: "bogus", Reason: "属实"}, "err.misconduct.category_required", "", ""},
		{"confirm without reason", huifang.MisconductProposed, Decision{Confirm: true, Category: "other", Reason: "  "}, "err.misconduct.reason_required", "", ""},
		{"reject without reason", huifang.MisconductProposed, Decision{}, "err.misconduct.reason_required", "", ""},
		{"confirm twice", huifang.MisconductConfirmed, Decision{Confirm: true, Category: "other", Reason: "x"}, "err.misconduct.decided", "", ""},
		{"reject a rejected", huifang.MisconductRejected, Decision{Reason: "x"}, "err.misconduct.decided", "", ""},
	} {
		r := &huifang.MisconductRecord{ID: 1, Status: tc.status, Category: huifang.MisconductBeyondAuthority}
		err := Decide(r, tc.d, "zh-compliance", now)
		if tc.key != "" {
			if huifang.ErrorKey(err) != tc.key {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.key)
			}
			if r.Status != tc.status {
				t.Errorf("%s: status changed to %s", tc.name, r.Status)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if r.Status != tc.want || r.Category != tc.cat || r.DecidedBy != "zh-compliance" || !r.DecidedAt.Equal(now) || r.Reason == "" {
			t.Errorf("%s: %+v", tc.name, r)
		}
	}
}

func TestFacts(t *testing.T) {
	evs := []huifang.CaseEvent{
		{Kind: "opened", Detail: "销售误导：承诺收益", At: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC), Actor: "op1"},
		{Kind: "note", Detail: " ", At: now},
		{Kind: "closed", Detail: "客户退保", At: now, Actor: "mgr"},
	}
	want := "2026-03-01 10:00 op1：销售误导：承诺收益\n2026-03-10 16:30 mgr：客户退保"
	if got := Facts(evs); got != want {
		t.Fatalf("%q", got)
	}
}
