package demo

import (
	"context"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// qa plays QA scoring of calls (docs/qa.md) at every insurer with two QA
// evaluators: the Monday job drew last week's calls and QA drew this week
// so far; the first evaluator scored a few — most pass, one fails on a
// critical item (the caller read out the policy before confirming who
// answered) and its operator has appealed, waiting for QA's decision — and
// the second evaluator scored one of them again for calibration. The rest
// of the queue is left to do.
func (w *world) qa(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, now time.Time) error {
	s := svc.WithClock(fixedClock(now.Add(-3 * time.Hour)))
	if _, err := s.DrawQAWeeks(ctx); err != nil {
		return err
	}
	for _, ins := range w.insurers {
		us := users[ins.spec.code]
		qas := us[huifang.RoleQA]
		if len(qas) < 2 {
			continue
		}
		qa1, qa2 := qas[0], qas[1]
		if _, err := s.DrawQA(ctx, qa1); err != nil {
			return err
		}
		queue, err := s.QAQueue(ctx, qa1, huifang.QAFilter{Status: huifang.QAQueued})
		if err != nil {
			return err
		}
		step := 0
		clock := func() *app.Service {
			step++
			return svc.WithClock(fixedClock(now.Add(-3*time.Hour + time.Duration(step)*9*time.Minute)))
		}
		// Four scored, at least one left to do.
		for i, e := range queue {
			if i == 4 || i == len(queue)-1 {
				break
			}
			v, err := s.QAEvaluation(ctx, qa1, e.ID)
			if err != nil {
				return err
			}
			answers := map[string]string{}
			for _, it := range v.Form {
				answers[it.Code] = "yes"
			}
			in := app.QAInput{Answers: answers}
			switch i {
			case 0:
				answers["identity"] = "no"
				in.Note = "接通后未核实接听人身份即读出保单信息，致命项不合格"
			case 2:
				answers["closing"] = "partly"
				in.Note = "结束语未告知客服电话"
			}
			if _, err := clock().Evaluate(ctx, qa1, e.ID, in); err != nil {
				return err
			}
			switch i {
			case 0:
				for _, op := range us[huifang.RoleOperator] {
					if op.ID == e.OperatorID {
						if _, err := clock().Appeal(ctx, op, e.ID, "录音开头已请客户报出姓名和身份证后四位核实，请复听"); err != nil {
							return err
						}
					}
				}
			case 1:
				cal, err := clock().Calibrate(ctx, qa1, e.ID)
				if err != nil {
					return err
				}
				answers["manner"] = "partly"
				if _, err := clock().Evaluate(ctx, qa2, cal.ID, app.QAInput{Answers: answers, Note: "语速偏快"}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
