package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// rectifications plays the supervisor's rectification notices (整改通知)
// of the last weeks, one to each of the first four companies: one closed
// after a returned answer, one answered and waiting for review, one open,
// one open past its due date; then the regulator's morning digest goes out.
func (w *world) rectifications(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, now time.Time) error {
	sups := users[RegulatorCode][huifang.RoleSupervisor]
	if len(sups) == 0 || len(w.insurers) == 0 {
		return nil
	}
	sup := sups[0]
	today := huifang.DateOf(now)
	daysAgo := func(d int) *app.Service {
		return svc.WithClock(fixedClock(now.Add(-time.Duration(d) * 24 * time.Hour)))
	}
	answerer := func(code string) *huifang.User {
		if as := users[code][huifang.RoleInsurerAdmin]; len(as) > 0 {
			return as[0]
		}
		return users[code][huifang.RoleManager][0]
	}
	type step struct {
		ago  int
		verb string // answer, return, close
		text string
	}
	notices := []struct {
		sentAgo int
		due     huifang.Date
		subject string
		body    string
		steps   []step
	}{
		{20, today.AddDays(-8), "银保渠道新单回访成功率偏低",
			"上月银保渠道新单回访成功率明显低于其他渠道。请分析原因（联系电话有效性、回访时段安排等），制定整改措施并书面报送。",
			[]step{{14, "answer", "经分析，主要原因为部分网点录入的投保人电话有误。已要求各网点在承保前核实电话，并增加晚间回访时段。"},
				{13, "return", "请补充整改完成时间表及责任部门。"},
				{11, "answer", "补充：银保部负责网点电话核实，3 周内完成；回访中心负责晚间时段，已于本周启用。"},
				{9, "close", "整改措施具体可行，予以关闭，下季度跟踪成效。"}}},
		{10, today.AddDays(4), "问题件办结超时",
			"贵公司有多件问题件超过办理时限仍未办结。请于期限内办结超期问题件，并说明超期原因及防止再次超期的措施。",
			[]step{{2, "answer", "超期问题件已全部转办至相关分支机构并督办，已办结大部分；已将问题件办理时限纳入分支机构考核。"}}},
		{3, today.AddDays(12), "犹豫期内回访比例不足",
			"抽样显示部分新单回访在犹豫期结束后才完成。请核查回访排班与派单规则，确保新单在犹豫期内完成回访。", nil},
		{16, today.AddDays(-2), "统计报表报送不及时",
			"贵公司上月统计报表未按时报送。请说明原因，并明确报表报送的责任人和内部时限。", nil},
	}
	for i, n := range notices {
		if i >= len(w.insurers) {
			break
		}
		code := w.insurers[i].spec.code
		r, err := daysAgo(n.sentAgo).SendRectification(ctx, sup, app.RectificationInput{OrgCode: code, Subject: n.subject, Body: n.body, Due: n.due.String()})
		if err != nil {
			return fmt.Errorf("rectification to %s: %w", code, err)
		}
		for _, s := range n.steps {
			at := daysAgo(s.ago)
			switch s.verb {
			case "answer":
				_, err = at.AnswerRectification(ctx, answerer(code), r.ID, s.text)
			case "return":
				_, err = at.ReturnRectification(ctx, sup, r.ID, s.text)
			case "close":
				_, err = at.CloseRectification(ctx, sup, r.ID, s.text)
			}
			if err != nil {
				return fmt.Errorf("rectification %d %s: %w", r.ID, s.verb, err)
			}
		}
	}
	if _, err := svc.WithClock(fixedClock(now)).RegulatorDigest(ctx); err != nil {
		return fmt.Errorf("regulator digest: %w", err)
	}
	return nil
}
