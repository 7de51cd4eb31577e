package importer

import (
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

// TestCallbackKindColumn: the optional 回访类型 column; 新单回访 when absent
// or empty; 孤儿保单回访 finishes the policy's orphan callback, which must
// exist; any other value is the row's error; a policy's two kinds are two
// rows, the same kind twice a duplicate.
func TestCallbackKindColumn(t *testing.T) {
	head := append(append([]string{}, callbackHeader...), "回访类型")
	refs := func() *MemoryCallbacks {
		r := callbackRefs()
		r.Orphans = map[string]PolicyCallback{"P001": {ReceiptOn: huifang.NewDate(2026, 1, 8), CallbackID: 9, DueOn: huifang.NewDate(2026, 2, 13), Status: huifang.StatusOpen}}
		return r
	}
	check := func(rows ...[]string) ([]CallbackRecord, Report) {
		t.Helper()
		var recs []CallbackRecord
		rep, err := Check(KindCallbacks, sliceRows(append([][]string{head}, rows...)), refs(), today, func(it any) error {
			recs = append(recs, it.(CallbackRecord))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return recs, rep
	}
	row := func(no, kind string) []string {
		return []string{no, "电话", "2026-01-25 10:00", "成功", "", "", "", "", kind}
	}
	recs, rep := check(row("P001", ""), row("P001", "孤儿保单回访"))
	if !rep.OK() || len(recs) != 2 {
		t.Fatalf("both kinds of one policy: %s", rep)
	}
	if recs[0].Kind != huifang.KindNewBusiness || recs[0].CallbackID != 1 || !recs[0].Late {
		t.Errorf("the new-business row %+v", recs[0])
	}
	if recs[1].Kind != huifang.KindOrphan || recs[1].CallbackID != 9 || recs[1].Late || recs[1].DueOn != huifang.NewDate(2026, 2, 13) {
		t.Errorf("the orphan row %+v", recs[1])
	}
	for _, v := range []string{"新单回访", "新单", "new-business"} {
		if recs, rep := check(row("P001", v)); !rep.OK() || recs[0].Kind != huifang.KindNewBusiness {
			t.Errorf("%q: %s", v, rep)
		}
	}
	if recs, rep := check(row("P001", "orphan")); !rep.OK() || recs[0].Kind != huifang.KindOrphan {
		t.Errorf("orphan: %s", rep)
	}
	// Without the column: new business, as before.
	recs, rep = checkCallbacks(t, []string{"P001", "电话", "2026-01-20", "成功", "", "", "", ""})
	if !rep.OK() || recs[0].Kind != huifang.KindNewBusiness {
		t.Fatalf("no column: %s %+v", rep, recs)
	}
	for _, tt := range []struct {
		name   string
		rows   [][]string
		reason string
	}{
		{"unknown kind", [][]string{row("P001", "续期回访")}, "回访类型应为 新单回访 或 孤儿保单回访"},
		{"no orphan callback", [][]string{row("P004", "孤儿保单回访")}, "保单 P004 没有孤儿保单回访"},
		{"unknown policy", [][]string{row("NOPE", "孤儿保单回访")}, "保单号在系统中不存在"},
		{"orphan twice", [][]string{row("P001", "孤儿保单回访"), row("P001", "orphan")}, "重复"},
	} {
		_, rep := check(tt.rows...)
		if rep.OK() || !strings.Contains(rep.String(), tt.reason) {
			t.Errorf("%s: want %q, got\n%s", tt.name, tt.reason, rep)
		}
	}
	_, rep = check(row("P001", "续期回访"))
	if len(rep.Errors) == 0 || rep.Errors[0].Column != "回访类型" {
		t.Errorf("the unknown kind's column: %+v", rep.Errors)
	}
}
