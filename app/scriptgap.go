package app

import (
	"context"

	"github.com/huifang/huifang"
)

// A callback whose script cannot be completed (CallScript.Gap) is never read
// to a customer: an operator must not read "【未知：营销员姓名】" on the phone,
// nor a customer see it on the electronic page or a letter. Such a callback
// is set aside as StatusBlocked with the reason in its Reason, where the
// insurer's administrator finds it (the callback list, status "blocked", and
// the callback's page), and Next hands out the next one instead: the operator
// cannot fix a policy's data, and a skipped callback would otherwise come
// back at every press. The RecheckBlocked job puts it back in the pool once
// the data is fixed.
//
// A gap of the insurer's own (no service phone) is in every callback, so
// none is set aside: Next refuses with the reason until it is fixed.

// maxBlockedPerNext bounds the callbacks one Next sets aside before it gives
// up, so that an operator is never kept waiting by a bad import.
const maxBlockedPerNext = 20

// block sets a callback aside with the reason its script is incomplete.
func (s *Service) block(ctx context.Context, c *huifang.Callback, reason string, a huifang.Actor) error {
	_, err := s.db.ChangeCallback(ctx, huifang.CallbackChange{OrgID: c.OrgID, ID: c.ID, UserID: a.UserID, Now: s.now(), NoLease: true,
		Status: huifang.StatusBlocked, Reason: reason, NextAt: c.NextAt,
		Audit: huifang.AuditEntry{Actor: a.Name, Action: "script-blocked", Detail: jsonDetail(map[string]any{"reason": reason})}})
	return err
}

// refuseGap refuses to hand out a callback whose script has a gap: the
// insurer's own gap as it is; otherwise the callback is set aside first.
func (s *Service) refuseGap(ctx context.Context, c *huifang.Callback, cs *CallScript, a huifang.Actor) error {
	if !cs.orgGap && (c.Status == huifang.StatusOpen || c.Status == huifang.StatusScheduled) {
		if err := s.block(ctx, c, cs.Gap, a); err != nil {
			return err
		}
	}
	return huifang.Errorf(huifang.EINVALID, "err.script.incomplete", cs.Gap)
}

// RecheckBlocked is the background job that puts blocked callbacks back in
// the pool once their script can be completed — an administrator imported
// the missing agent, corrected the policy or activated a script — and keeps
// the reason of the others up to date. It looks at up to 500 per insurer a
// run, the most urgent first.
func (s *Service) RecheckBlocked(ctx context.Context) (int, error) {
	orgs, err := s.db.ListOrgs(ctx, 0)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, org := range orgs {
		if org.Kind != huifang.KindInsurer {
			continue
		}
		var blocked []huifang.Callback
		err := s.db.ForEachCallback(ctx, org.ID, huifang.CallbackFilter{Status: huifang.StatusBlocked, Limit: 500}, func(r *huifang.CallbackRow) error {
			blocked = append(blocked, r.Callback)
			return nil
		})
		if err != nil {
			return n, err
		}
		for i := range blocked {
			c := &blocked[i]
			cs, err := s.scriptOf(ctx, c, huifang.MethodPhone)
			if err != nil {
				return n, err
			}
			if cs.Gap == c.Reason {
				continue
			}
			ch := huifang.CallbackChange{OrgID: c.OrgID, ID: c.ID, Now: s.now(), NoLease: true, Status: huifang.StatusBlocked, Reason: cs.Gap, NextAt: c.NextAt,
				Audit: huifang.AuditEntry{Actor: "system", Action: "script-blocked", Detail: jsonDetail(map[string]any{"reason": cs.Gap})}}
			if cs.Gap == "" {
				ch.Status, ch.Audit.Action, ch.Audit.Detail = huifang.StatusOpen, "script-complete", jsonDetail(map[string]any{"script": cs.Ref()})
			}
			if _, err := s.db.ChangeCallback(ctx, ch); err != nil {
				if huifang.ErrorCode(err) == huifang.ECONFLICT {
					continue // finished meanwhile (an import of the insurer's own callbacks)
				}
				return n, err
			}
			if cs.Gap == "" {
				n++
			}
		}
	}
	return n, nil
}
