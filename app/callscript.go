package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/script"
)

// CallScript is the script a callback runs, its variables filled in for the
// policy: what the operator reads, or what the customer sees on an
// electronic callback.
type CallScript struct {
	Script  *script.Script `json:"-"`
	ID      int64          `json:"script_id"` // the stored version; 0 for a shipped standard script
	Code    string         `json:"code"`
	Version int            `json:"version"`
	Name    string         `json:"name"`
	// Method is the callback method the steps and their wording are for.
	Method huifang.CallbackMethod `json:"method"`
	Steps  []CallStep             `json:"steps"`
	// Gap, when set, says why no complete script can be given for the
	// callback — no script fits the policy, or a variable it uses has no
	// value — in words for the administrator who must fix it. Steps are
	// then left out: nobody reads a gap to a customer.
	Gap string `json:"gap,omitempty"`
	// orgGap: the gap is the insurer's (its name or service phone), not the
	// policy's, so every callback has it.
	orgGap bool
}

// Complete refuses a script with a gap, with its reason.
func (cs *CallScript) Complete() error {
	if cs.Gap != "" {
		return huifang.Errorf(huifang.EINVALID, "%s", cs.Gap)
	}
	return nil
}

// Ref names the script version, as callbacks record it: "code v2".
func (cs *CallScript) Ref() string { return fmt.Sprintf("%s v%d", cs.Code, cs.Version) }

// CallStep is one step as it is read, with what the answers do, so that a
// page can follow the branches as the call goes.
type CallStep struct {
	ID      string            `json:"id"`
	Kind    script.Kind       `json:"kind"`
	Title   string            `json:"title"`
	Text    string            `json:"text"` // variables filled in
	Answer  script.AnswerType `json:"answer,omitempty"`
	Choices []string          `json:"choices,omitempty"`
	Covers  []string          `json:"covers,omitempty"` // the mandatory items it confirms, as labels
	Rules   []script.Rule     `json:"rules,omitempty"`
}

// Question reports whether the step takes an answer.
func (st CallStep) Question() bool { return st.Kind == script.KindQuestion }

// callScript finds the script of a callback and fills it in for the method
// (its steps and wording, script.Script.For): the version the callback
// recorded once it has answers, otherwise the one selected for the policy
// today. A gap is any variable of any method's wording left without a value.
func (s *Service) callScript(ctx context.Context, c *huifang.Callback, rec *huifang.PolicyRecord, prod huifang.Product, method huifang.CallbackMethod) (*CallScript, error) {
	sc, err := s.usedScript(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	var id int64
	switch {
	case sc != nil:
		id = c.ScriptID
	case c.Kind == huifang.KindRecallback && c.CaseID != 0:
		// A re-callback asks about its case's problem only.
		pc, err := s.db.FindProblemCase(ctx, c.OrgID, c.CaseID)
		if err != nil {
			return nil, fmt.Errorf("problem case of re-callback %d: %w", c.ID, err)
		}
		if sc = script.Confirmation(pc.Type); sc == nil {
			return nil, fmt.Errorf("no confirmation script for problem type %q", pc.Type)
		}
	case c.Kind == huifang.KindOrphan:
		var r *huifang.ScriptRecord
		var err error
		if sc, r, err = s.orphanScript(ctx, c.OrgID, s.today()); err != nil {
			return nil, err
		}
		if r != nil {
			id = r.ID
		}
	default:
		var r *huifang.ScriptRecord
		var err error
		sc, r, err = s.SelectScript(ctx, c.OrgID, prod, rec.Channel, s.today())
		if huifang.ErrorCode(err) == huifang.ENOTFOUND {
			return &CallScript{Gap: i18n.T(i18n.ZH, "gap.no_script", huifang.ErrorMessage(err), rec.No)}, nil
		} else if err != nil {
			return nil, err
		}
		if r != nil {
			id = r.ID
		}
	}
	vars, org, err := s.scriptVars(ctx, c, rec, prod)
	if err != nil {
		return nil, err
	}
	cs := &CallScript{Script: sc.For(method), ID: id, Code: sc.Code, Version: sc.Version, Name: sc.Name, Method: method}
	if missing := sc.Unfilled(vars); len(missing) > 0 {
		cs.Gap, cs.orgGap = gapReason(missing, rec, org)
		cs.Gap = i18n.T(i18n.ZH, "gap.with_script", cs.Gap, cs.Ref())
		return cs, nil
	}
	sc = cs.Script
	for i := range sc.Steps {
		st := &sc.Steps[i]
		cst := CallStep{ID: st.ID, Kind: st.Kind, Title: st.Title, Text: st.Render(vars), Answer: st.Answer, Choices: st.Choices, Rules: st.Rules}
		for _, it := range st.Covers {
			cst.Covers = append(cst.Covers, it.Label())
		}
		cs.Steps = append(cs.Steps, cst)
	}
	return cs, nil
}

// gapReason says, for the administrator, which variables have no value and
// why: "话术变量缺失：营销员姓名（保单 P1 无营销员）". org reports whether a
// missing value is the insurer's own.
func gapReason(missing []string, rec *huifang.PolicyRecord, o *huifang.Org) (reason string, org bool) {
	parts := make([]string, len(missing))
	for i, name := range missing {
		why := i18n.T(i18n.ZH, "gap.why.policy", rec.No)
		switch name {
		case "insurer_name":
			why, org = i18n.T(i18n.ZH, "gap.why.insurer_name"), true
		case "service_phone":
			why, org = i18n.T(i18n.ZH, "gap.why.service_phone", o.Code, o.Code), true
		case "agent_name", "servicer_name":
			if rec.AgentCode == "" {
				why = i18n.T(i18n.ZH, "gap.why.no_agent", rec.No)
			} else {
				why = i18n.T(i18n.ZH, "gap.why.unknown_agent", rec.No, rec.AgentCode)
			}
		case "outlet_name":
			if rec.OutletCode == "" {
				why = i18n.T(i18n.ZH, "gap.why.no_outlet", rec.No)
			} else {
				why = i18n.T(i18n.ZH, "gap.why.unknown_outlet", rec.No, rec.OutletCode)
			}
		}
		parts[i] = i18n.T(i18n.ZH, "gap.var", script.VariableZH(name), why)
	}
	return i18n.T(i18n.ZH, "gap.missing", strings.Join(parts, i18n.T(i18n.ZH, "err.sep"))), org
}

// scriptOf loads a callback's policy and product and gives its script for
// the method.
func (s *Service) scriptOf(ctx context.Context, c *huifang.Callback, method huifang.CallbackMethod) (*CallScript, error) {
	rec, err := s.db.FindPolicy(ctx, c.OrgID, c.PolicyNo)
	if err != nil {
		return nil, err
	}
	prod, err := s.db.FindProduct(ctx, c.OrgID, rec.ProductCode)
	if err != nil {
		return nil, err
	}
	return s.callScript(ctx, c, rec, prod, method)
}

// scriptVars fills a script's variables for a callback's policy; it gives
// the insurer too.
func (s *Service) scriptVars(ctx context.Context, c *huifang.Callback, rec *huifang.PolicyRecord, prod huifang.Product) (script.Vars, *huifang.Org, error) {
	v := script.FromPolicy(rec.Policy, prod)
	org, err := s.db.FindOrgByID(ctx, c.OrgID)
	if err != nil {
		return nil, nil, err
	}
	v["insurer_name"], v["service_phone"] = org.Name, org.ServicePhone
	days := callback.CoolingOffDays(rec.Policy, prod)
	v["cooling_off_days"] = strconv.Itoa(days)
	if !rec.ReceiptOn.IsZero() {
		end := callback.Deadline(rec.ReceiptOn, days)
		if c.Kind == huifang.KindNewBusiness {
			end = c.DueOn // the profile may roll a period ending on a rest day on
		}
		v["cooling_off_end"] = script.DateZH(end)
	}
	if v["agent_name"], err = s.db.RefName(ctx, c.OrgID, "agent", rec.AgentCode); err != nil {
		return nil, nil, err
	}
	if v["outlet_name"], err = s.db.RefName(ctx, c.OrgID, "outlet", rec.OutletCode); err != nil {
		return nil, nil, err
	}
	v["servicer_name"] = v["agent_name"]
	if c.Kind == huifang.KindOrphan {
		if v["servicer_name"], err = s.orphanServicer(ctx, c); err != nil {
			return nil, nil, err
		}
	}
	return v, org, nil
}

// FinishInput is a call's answers to its script.
type FinishInput struct {
	// Answers maps step ids to answers: "yes", "no", "unclear" for
	// yes-no-unclear questions, a choice's text, YYYY-MM-DD, a number, text.
	Answers map[string]string `json:"answers"`
	// ScheduleAt is the time the customer asked for, when the script ended
	// with "busy now".
	ScheduleAt time.Time `json:"schedule_at"`
	// Script, when set, is the version the operator read ("code v2"); a
	// callback now on another version is a conflict, to be reloaded.
	Script string `json:"script"`
}

// Finish records a phone call's answers to the callback's script and acts on
// its outcome: finished as successful or with problems (one problem case per
// type the rules raised); "not the policyholder" is a wrong-person attempt and
// "busy now" a rescheduled one, both leaving the callback open.
func (s *Service) Finish(ctx context.Context, u *huifang.User, id int64, in FinishInput) (*huifang.Callback, error) {
	c, err := s.held(ctx, u, id)
	if err != nil {
		return nil, err
	}
	cs, err := s.scriptOf(ctx, c, huifang.MethodPhone)
	if err != nil {
		return nil, err
	}
	if err := cs.Complete(); err != nil {
		return nil, err
	}
	if in.Script != "" && in.Script != cs.Ref() {
		return nil, huifang.Errorf(huifang.ECONFLICT, "err.script.updated_confirm", cs.Ref(), in.Script)
	}
	res, err := cs.Script.Evaluate(in.Answers)
	if err != nil {
		return nil, err
	}
	switch res.Outcome {
	case script.OutcomeNotPolicyholder:
		return s.RecordAttempt(ctx, u, id, AttemptInput{Outcome: huifang.AttemptWrongPerson, Note: i18n.T(i18n.ZH, "callback.note.not_policyholder")})
	case script.OutcomeReschedule:
		return s.RecordAttempt(ctx, u, id, AttemptInput{Outcome: huifang.AttemptReschedule, Note: i18n.T(i18n.ZH, "callback.note.reschedule"), ScheduleAt: in.ScheduleAt})
	}
	now := s.now()
	ch := huifang.CallbackChange{OrgID: u.OrgID, ID: id, UserID: u.ID, Now: now, Audit: huifang.AuditEntry{Actor: u.Login}}
	// The answered attempt was recorded when the operator said the call
	// connected; record one now if the operator went straight to the answers.
	as, err := s.db.ListAttempts(ctx, c.OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 || as[len(as)-1].Outcome != huifang.AttemptAnswered {
		ch.Attempt = &huifang.Attempt{At: now, Outcome: huifang.AttemptAnswered}
	}
	if err := s.completeWithScript(ctx, &ch, c, cs, res, in.Answers, huifang.MethodPhone, ""); err != nil {
		return nil, err
	}
	return s.db.ChangeCallback(ctx, ch)
}

// completeWithScript fills a change that finishes a callback with a completed
// script: the answers, the script version, the method and its evidence (JSON,
// or ""), the result, and the problem cases the rules raised. Every method —
// phone, electronic, letter, visit — records its result through here.
func (s *Service) completeWithScript(ctx context.Context, ch *huifang.CallbackChange, c *huifang.Callback, cs *CallScript, res script.Result, answers map[string]string, method huifang.CallbackMethod, evidence string) error {
	if !res.Outcome.Completed() {
		return errors.New("app: completeWithScript on a call that did not complete")
	}
	ch.Answers = make(map[string]huifang.Answer, len(answers))
	for _, id := range res.Asked {
		if a, ok := answers[id]; ok {
			ch.Answers[id] = huifang.Answer(strings.TrimSpace(a))
		}
	}
	ch.Method, ch.ScriptID, ch.ScriptCode, ch.ScriptVersion, ch.Evidence = method, cs.ID, cs.Code, cs.Version, evidence
	result := huifang.ResultSuccessful
	var problems []callback.Problem
	for _, p := range res.Problems {
		result = huifang.ResultProblems
		problems = append(problems, callback.Problem{Type: p.Type, Detail: p.Detail})
	}
	if err := s.finishChange(ctx, ch, c, result, "", problems); err != nil {
		return err
	}
	ch.Audit.Detail = jsonDetail(map[string]any{"result": result, "problems": len(problems), "late": ch.Late, "method": method, "script": cs.Ref()})
	return nil
}
