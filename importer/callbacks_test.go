package importer

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang"
)

var callbackHeader = []string{"保单号", "回访方式", "回访完成时间", "回访结果", "问题类型", "问题件开立日期", "问题件办结日期", "问题件处理结果"}

// callbackRefs holds three policies: P001 with an open callback due on
// 2026-01-23, P002 finished in huifang, P003 without a receipt. A case is
// due ten calendar days after it opens, except in 2028, which has no
// calendar.
func callbackRefs() *MemoryCallbacks {
	finished := time.Date(2026, 1, 20, 14, 30, 0, 0, huifang.Shanghai)
	return &MemoryCallbacks{
		MemoryRefs: testRefs(),
		Callbacks: map[string]PolicyCallback{
			"P001": {ReceiptOn: huifang.NewDate(2026, 1, 8), AgentCode: "A001", CallbackID: 1, DueOn: huifang.NewDate(2026, 1, 23), Status: huifang.StatusOpen},
			"P002": {ReceiptOn: huifang.NewDate(2026, 1, 8), CallbackID: 2, DueOn: huifang.NewDate(2026, 1, 23), Status: huifang.StatusDone,
				Result: huifang.ResultProblems, Method: huifang.MethodPhone, FinishedAt: finished,
				Cases: []StoredCase{{Type: huifang.ProblemComplaint, OpenedOn: huifang.NewDate(2026, 1, 20), Status: huifang.ProblemResolved, ClosedOn: huifang.NewDate(2026, 1, 25)}}},
			"P003": {},
			"P004": {ReceiptOn: huifang.NewDate(2026, 1, 8)},
		},
		Deadline: func(t huifang.ProblemType, opened huifang.Date) (Deadline, error) {
			if opened.Year() == 2028 {
				return Deadline{}, huifang.Errorf(huifang.EINVALID, "没有 2028 年的工作日历")
			}
			return Deadline{DueOn: opened.AddDays(10), Days: 10}, nil
		},
	}
}

func checkCallbacks(t *testing.T, rows ...[]string) ([]CallbackRecord, Report) {
	t.Helper()
	var recs []CallbackRecord
	all := append([][]string{callbackHeader}, rows...)
	rep, err := Check(KindCallbacks, sliceRows(all), callbackRefs(), today, func(it any) error {
		recs = append(recs, it.(CallbackRecord))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs, rep
}

func TestCallbackRows(t *testing.T) {
	good := []string{"P001", "电话", "2026-01-20 14:30", "完成但有问题", "客户抱怨及投诉、unsigned", "2026-01-20", "2026-01-25", "处理成功"}
	recs, rep := checkCallbacks(t, good)
	if !rep.OK() || len(recs) != 1 {
		t.Fatalf("report %s", rep)
	}
	r := recs[0]
	if r.CallbackID != 1 || r.Method != huifang.MethodPhone || r.Result != huifang.ResultProblems || r.Late || r.Unchanged ||
		!r.FinishedAt.Equal(time.Date(2026, 1, 20, 14, 30, 0, 0, huifang.Shanghai)) || len(r.Cases) != 2 || r.Line != 2 || r.AgentCode != "A001" {
		t.Fatalf("record %+v", r)
	}
	for _, c := range r.Cases {
		if c.Status != huifang.ProblemResolved || c.ClosedOn != huifang.NewDate(2026, 1, 25) || c.Deadline.DueOn != huifang.NewDate(2026, 1, 30) {
			t.Fatalf("case %+v", c)
		}
	}
	if r.Cases[0].Type != huifang.ProblemComplaint || r.Cases[1].Type != huifang.ProblemUnsigned {
		t.Fatalf("types %+v", r.Cases)
	}

	// Late, electronic, a date alone, an open case.
	recs, rep = checkCallbacks(t, []string{"P001", "电子化回访", "2026/1/24", "未完成（未能联系）", "无法联系客户", "2026-01-24", "", ""})
	if !rep.OK() || !recs[0].Late || recs[0].Method != huifang.MethodElectronic || recs[0].Result != huifang.ResultNotCompleted ||
		recs[0].Cases[0].Status != huifang.ProblemOpen || !recs[0].Cases[0].ClosedOn.IsZero() {
		t.Fatalf("late row: %s %+v", rep, recs)
	}
	// The same values as stored: unchanged.
	recs, rep = checkCallbacks(t, []string{"P002", "phone", "2026-01-20 14:30", "problems", "complaint", "2026-01-20", "2026-01-25", "resolved"})
	if !rep.OK() || !recs[0].Unchanged {
		t.Fatalf("unchanged row: %s %+v", rep, recs)
	}

	tests := []struct {
		name   string
		row    []string
		column string
		reason string
	}{
		{"unknown policy", []string{"NOPE", "电话", "2026-01-20", "成功", "", "", "", ""}, "保单号", "保单号在系统中不存在"},
		{"no receipt", []string{"P003", "电话", "2026-01-20", "成功", "", "", "", ""}, "保单号", "尚未签收回执"},
		{"out of scope", []string{"P004", "电话", "2026-01-20", "成功", "", "", "", ""}, "保单号", "不在新单回访范围内"},
		{"unknown method", []string{"P001", "短信", "2026-01-20", "成功", "", "", "", ""}, "回访方式", "回访方式应为"},
		{"unknown result", []string{"P001", "电话", "2026-01-20", "还行", "", "", "", ""}, "回访结果", "回访结果应为"},
		{"unknown type", []string{"P001", "电话", "2026-01-20", "完成但有问题", "态度不好", "2026-01-20", "", ""}, "问题类型", "未知的问题类型「态度不好」"},
		{"repeated type", []string{"P001", "电话", "2026-01-20", "完成但有问题", "complaint,客户抱怨及投诉", "2026-01-20", "", ""}, "问题类型", "重复"},
		{"bad time", []string{"P001", "电话", "2026-01-20 25:00", "成功", "", "", "", ""}, "回访完成时间", "时间格式不对"},
		{"future", []string{"P001", "电话", "2026-03-02", "成功", "", "", "", ""}, "回访完成时间", "晚于今天"},
		{"before receipt", []string{"P001", "电话", "2026-01-07 10:00", "成功", "", "", "", ""}, "回访完成时间", "早于保单的回执签收日期（2026-01-08）"},
		{"success with types", []string{"P001", "电话", "2026-01-20", "成功", "complaint", "2026-01-20", "", ""}, "问题类型", "回访成功的记录不应有问题类型"},
		{"problems without types", []string{"P001", "电话", "2026-01-20", "完成但有问题", "", "", "", ""}, "问题类型", "必须填写问题类型"},
		{"dates without types", []string{"P001", "电话", "2026-01-20", "成功", "", "2026-01-20", "", ""}, "问题件开立日期", "没有问题类型"},
		{"types without opening", []string{"P001", "电话", "2026-01-20", "完成但有问题", "complaint", "", "", ""}, "问题件开立日期", "必须填写问题件开立日期"},
		{"opened before callback", []string{"P001", "电话", "2026-01-20", "完成但有问题", "complaint", "2026-01-19", "", ""}, "问题件开立日期", "早于回访完成时间"},
		{"closed before opened", []string{"P001", "电话", "2026-01-20", "完成但有问题", "complaint", "2026-01-22", "2026-01-21", "处理成功"}, "问题件办结日期", "早于开立日期（2026-01-22）"},
		{"closed without outcome", []string{"P001", "电话", "2026-01-20", "完成但有问题", "complaint", "2026-01-20", "2026-01-25", ""}, "问题件处理结果", "必须填写处理结果"},
		{"outcome without closing", []string{"P001", "电话", "2026-01-20", "完成但有问题", "complaint", "2026-01-20", "", "处理成功"}, "问题件处理结果", "不应填写处理结果"},
		{"unknown outcome", []string{"P001", "电话", "2026-01-20", "完成但有问题", "complaint", "2026-01-20", "2026-01-25", "搞定"}, "问题件处理结果", "处理结果应为"},
		{"closed in the future", []string{"P001", "电话", "2026-01-20", "完成但有问题", "complaint", "2026-01-20", "2026-03-05", "处理成功"}, "问题件办结日期", "晚于今天"},
		{"finished differently", []string{"P002", "电话", "2026-01-21 09:00", "成功", "", "", "", ""}, "保单号", "已完成（完成但有问题，电话回访，2026-01-20 14:30），不能覆盖"},
		{"cases differ", []string{"P002", "电话", "2026-01-20 14:30", "完成但有问题", "complaint", "2026-01-20", "", ""}, "保单号", "不能覆盖"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rep := checkCallbacks(t, tt.row)
			if rep.OK() {
				t.Fatal("row passed")
			}
			found := false
			for _, e := range rep.Errors {
				if e.Row == 2 && e.Column == tt.column && strings.Contains(e.Reason, tt.reason) {
					found = true
				}
			}
			if !found {
				t.Fatalf("want %s: %s, got\n%s", tt.column, tt.reason, rep)
			}
		})
	}

	// No calendar for the year a case would be due in.
	refs := callbackRefs()
	refs.Callbacks["P001"] = PolicyCallback{ReceiptOn: huifang.NewDate(2026, 1, 8), CallbackID: 1, DueOn: huifang.NewDate(2026, 1, 23)}
	rep, err := Check(KindCallbacks, sliceRows([][]string{callbackHeader, {"P001", "电话", "2026-01-20", "完成但有问题", "complaint", "2028-01-20", "", ""}}),
		refs, huifang.NewDate(2028, 3, 1), nil)
	if err != nil || rep.OK() || !strings.Contains(rep.String(), "没有 2028 年的工作日历") {
		t.Fatalf("no calendar: %v %s", err, rep)
	}

	// Two rows of one policy: both bad.
	_, rep = checkCallbacks(t, good, good)
	if rep.Bad != 2 || !strings.Contains(rep.String(), "与第3行重复") || !strings.Contains(rep.String(), "与第2行重复") {
		t.Fatalf("duplicates: %s", rep)
	}
}

func TestCallbackHeader(t *testing.T) {
	_, err := NewChecker(KindCallbacks, []string{"policy_no", "method", "result"}, callbackRefs(), today)
	if err == nil || !strings.Contains(huifang.ErrorMessage(err), "回访完成时间") {
		t.Fatalf("missing column: %v", err)
	}
	if k, ok := ParseKind("回访记录"); !ok || k != KindCallbacks || k.ZH() != "回访记录" {
		t.Fatalf("kind %q", k)
	}
}

func TestParseDateTime(t *testing.T) {
	for in, want := range map[string]string{
		"2026-03-05":          "2026-03-05 00:00:00",
		"2026/3/5 9:05":       "2026-03-05 09:05:00",
		"20260305 14:30:15":   "2026-03-05 14:30:15",
		"2026-03-05T14:30:00": "2026-03-05 14:30:00",
	} {
		got, _, err := ParseDateTime(in)
		if err != nil || got.In(huifang.Shanghai).Format("2006-01-02 15:04:05") != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
}

// sliceRows offers rows in memory as a file's, the header on line 1.
func sliceRows(rows [][]string) *memRows { return &memRows{rows: rows} }

type memRows struct {
	rows [][]string
	i    int
}

func (m *memRows) Next() ([]string, error) {
	if m.i >= len(m.rows) {
		return nil, io.EOF
	}
	m.i++
	return m.rows[m.i-1], nil
}

func (m *memRows) Line() int    { return m.i }
func (m *memRows) Close() error { return nil }
func (m *memRows) Header()      {}
