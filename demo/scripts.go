package demo

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/script"
)

// scriptDraft leaves the first insurer's administrator a script draft in
// progress: the shipped agency script for traditional products, copied two
// days ago and edited since (a question on how to claim, with its wording
// for the electronic page and the letter; the operator's job number in the
// greeting), for the editor and the differences from the shipped version.
func (w *world) scriptDraft(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, now time.Time) error {
	if len(w.insurers) == 0 {
		return nil
	}
	admins := users[w.insurers[0].spec.code][huifang.RoleInsurerAdmin]
	if len(admins) == 0 {
		return nil
	}
	adm := admins[0]
	sc := script.Lookup("life-traditional-agency")
	var body bytes.Buffer
	if err := sc.Format(&body); err != nil {
		return err
	}
	r, err := svc.WithClock(fixedClock(now.Add(-48*time.Hour))).ImportScript(ctx, adm, body.String(), "")
	if err != nil {
		return fmt.Errorf("script draft: %w", err)
	}
	sc.Steps[0].Text = "您好！这里是{{insurer_name}}客户服务中心，我是回访专员。为了保障您的合法权益，本次通话将全程录音。"
	claims := script.Step{ID: "claims", Kind: script.KindQuestion, Title: "理赔报案方式告知",
		Text: "如果发生保险事故，请及时拨打我公司客服电话{{service_phone}}报案，或通过营销员协助办理理赔。请问您清楚吗？",
		Texts: map[huifang.CallbackMethod]string{
			huifang.MethodElectronic: "如果发生保险事故，请及时拨打我公司客服电话{{service_phone}}报案，或通过营销员协助办理理赔。请确认您已清楚。",
			huifang.MethodLetter:     "如果发生保险事故，请及时拨打我公司客服电话{{service_phone}}报案，或通过营销员协助办理理赔。请确认您已清楚。",
		},
		Answer: script.AnswerYesNo,
		Rules:  []script.Rule{{When: []string{script.No, script.Unclear}, Problem: huifang.ProblemUnclearRights}}}
	at := len(sc.Steps) - 1 // before the closing words
	sc.Steps = append(sc.Steps[:at], append([]script.Step{claims}, sc.Steps[at:]...)...)
	if _, err := svc.WithClock(fixedClock(now.Add(-3*time.Hour))).SaveScriptDraft(ctx, adm, r.ID, sc); err != nil {
		return fmt.Errorf("script draft: %w", err)
	}
	return nil
}
