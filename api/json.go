package api

import (
	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/i18n"
)

func timeOrNil(t interface{ IsZero() bool }, v any) any {
	if t.IsZero() {
		return nil
	}
	return v
}

func callbackJSON(c *huifang.Callback) map[string]any {
	out := map[string]any{
		"id": c.ID, "policy_no": c.PolicyNo, "kind": c.Kind, "channel": c.Channel, "branch_code": c.BranchCode,
		"due_on": c.DueOn, "status": c.Status, "result": c.Result, "reason": c.Reason, "late": c.Late,
		"attempts": c.Attempts, "next_at": timeOrNil(c.NextAt, c.NextAt), "lease_until": timeOrNil(c.LeaseUntil, c.LeaseUntil),
		"finished_at": timeOrNil(c.FinishedAt, c.FinishedAt), "answers": c.Answers, "method": c.Method,
		"script": map[string]any{"id": c.ScriptID, "code": c.ScriptCode, "version": c.ScriptVersion},
	}
	if ev, ok := app.LetterOf(c); ok {
		out["letter"] = letterJSON(ev)
	}
	return out
}

func workJSON(w *app.Work) map[string]any {
	attempts := make([]map[string]any, len(w.Attempts))
	for i, a := range w.Attempts {
		attempts[i] = map[string]any{"id": a.ID, "at": a.At, "outcome": a.Outcome, "note": a.Note, "schedule_at": timeOrNil(a.ScheduleAt, a.ScheduleAt)}
	}
	out := map[string]any{"callback": callbackJSON(w.Callback), "policy": w.Policy, "script": w.Script, "attempts": attempts, "risk": w.Risk}
	if len(w.Links) > 0 {
		out["electronic_links"] = w.Links
	}
	if w.Evidence != nil {
		out["electronic_evidence"] = w.Evidence
	}
	return out
}

func problemsJSON(ps []huifang.ProblemCase) []map[string]any {
	out := make([]map[string]any, len(ps))
	for i, p := range ps {
		out[i] = map[string]any{"id": p.ID, "callback_id": p.CallbackID, "policy_no": p.PolicyNo, "type": p.Type, "type_zh": i18n.T(i18n.ZH, p.Type.Key()),
			"status": p.Status, "detail": p.Detail, "branch_code": p.BranchCode, "channel": p.Channel, "opened_at": p.OpenedAt}
	}
	return out
}

func problemFilterFor(callbackID int64) huifang.ProblemFilter {
	return huifang.ProblemFilter{CallbackID: callbackID}
}
