// Package misconduct holds the rules of agents' misconduct records
// (营销员不良行为记录, DOMAIN.md §6) as plain Go: which closed problem cases
// propose a record and in which category, how compliance decides one, and
// how long it is kept.
//
//	(problem case closed, either outcome) ──▶ proposed ──confirm (category, reason)──▶ confirmed
//	                                              └────────reject (reason)──────────▶ rejected
//
// A decision is final; a record is kept at least KeepYears after it was
// proposed and is never deleted before then.
package misconduct

import (
	"strings"
	"time"

	"github.com/huifang/huifang"
)

// KeepYears is how long a record is kept at least, from its proposal.
const KeepYears = 5

// defaults maps the problem-case types attributable to the selling agent to
// the category a record of theirs is proposed in.
var defaults = map[huifang.ProblemType]huifang.MisconductCategory{
	huifang.ProblemUnsigned:   huifang.MisconductBeyondAuthority, // signing for the customer
	huifang.ProblemFalsePhone: huifang.MisconductImproperConduct, // the agent's own number on the customer's policy
	huifang.ProblemMisleading: huifang.MisconductImproperSelling, // misleading sale
}

// Proposes reports whether a closed case of type t proposes a record, and
// the record's default category.
func Proposes(t huifang.ProblemType) (huifang.MisconductCategory, bool) {
	c, ok := defaults[t]
	return c, ok
}

// KeepUntil is the first day a record proposed at that time may be removed.
func KeepUntil(proposed time.Time) huifang.Date {
	d := huifang.DateOf(proposed)
	return huifang.DateOf(d.Time().AddDate(KeepYears, 0, 0))
}

// Propose builds the proposed record for a case that was just closed
// (resolved or closed unresolved), or nil when the case proposes none: a
// type not attributable to the agent, an unfinished case or an unknown agent.
func Propose(c *huifang.ProblemCase, agent huifang.Agent, facts string, now time.Time) *huifang.MisconductRecord {
	cat, ok := Proposes(c.Type)
	if !ok || !c.Status.Final() || strings.TrimSpace(c.AgentCode) == "" {
		return nil
	}
	return &huifang.MisconductRecord{OrgID: c.OrgID, AgentCode: c.AgentCode, AgentName: agent.Name, RegNo: agent.RegNo,
		PolicyNo: c.PolicyNo, CaseID: c.ID, CaseType: c.Type, Facts: facts, Category: cat, Status: huifang.MisconductProposed,
		ProposedAt: now, KeepUntil: KeepUntil(now)}
}

// Facts writes the case's timeline as the record's facts, one line an event.
func Facts(evs []huifang.CaseEvent) string {
	var b strings.Builder
	for _, e := range evs {
		if strings.TrimSpace(e.Detail) == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.At.In(huifang.Shanghai).Format("2006-01-02 15:04"))
		if e.Actor != "" {
			b.WriteString(" " + e.Actor)
		}
		b.WriteString("：" + e.Detail)
	}
	return b.String()
}

// Decision is compliance's decision on a proposed record.
type Decision struct {
	Confirm  bool
	Category string // required to confirm: a category's English name
	Reason   string // required either way
}

// Decide applies a decision to a record: only a proposed record may be
// decided; confirming needs a known category and a reason, rejecting a
// reason. On success the record carries its new status, category, reason,
// the decider and the time.
func Decide(r *huifang.MisconductRecord, d Decision, by string, now time.Time) error {
	if r.Status != huifang.MisconductProposed {
		return huifang.Errorf(huifang.ECONFLICT, "err.misconduct.decided", r.ID)
	}
	reason := strings.TrimSpace(d.Reason)
	var fields []huifang.FieldError
	cat := r.Category
	if d.Confirm {
		c, ok := huifang.ParseMisconductCategory(strings.TrimSpace(d.Category))
		if !ok {
			fields = append(fields, huifang.FieldError{Field: "category", Key: "err.misconduct.category_field"})
		}
		cat = c
	}
	if reason == "" {
		fields = append(fields, huifang.FieldError{Field: "reason", Key: "err.misconduct.reason_field"})
	}
	if len(fields) > 0 {
		key := "err.misconduct.reason_required"
		if fields[0].Field == "category" {
			key = "err.misconduct.category_required"
		}
		e := huifang.Errorf(huifang.EINVALID, key)
		e.Fields = fields
		return e
	}
	r.Status, r.Category, r.Reason, r.DecidedBy, r.DecidedAt = huifang.MisconductRejected, cat, reason, by, now
	if d.Confirm {
		r.Status = huifang.MisconductConfirmed
	}
	return nil
}
