package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/misconduct"
)

// shareAgent makes one person an agent of the first two companies: an
// agent who left the first (the one of its leavers with the most policies)
// now sells for the second under the same name and registration number
// (执业证号), so that the regulator finds their records at both.
func (w *world) shareAgent() {
	if len(w.insurers) < 2 {
		return
	}
	a, b := w.insurers[0], w.insurers[1]
	from := busiest(a, func(x huifang.Agent) bool { return x.Status == huifang.AgentLeft })
	if from < 0 {
		from = busiest(a, func(huifang.Agent) bool { return true })
	}
	to := busiest(b, func(x huifang.Agent) bool { return x.Status == huifang.AgentActive })
	if from < 0 || to < 0 {
		return
	}
	b.agents[to].Name, b.agents[to].RegNo = a.agents[from].Name, a.agents[from].RegNo
}

// busiest is the index of the agent with the most policies among those ok
// accepts, -1 for none.
func busiest(ins *insurer, ok func(huifang.Agent) bool) int {
	n := map[string]int{}
	for _, p := range ins.policies {
		n[p.AgentCode]++
	}
	best := -1
	for i, a := range ins.agents {
		if ok(a) && n[a.Code] > 0 && (best < 0 || n[a.Code] > n[ins.agents[best].Code]) {
			best = i
		}
	}
	return best
}

// misconduct plays compliance's review of the misconduct records the
// closed cases proposed: of those in turn, one confirmed, one rejected,
// one left to review; and the shared agent's record confirmed at both
// of their companies (a misleading sale reported by a customer is opened
// and closed by hand when the simulation gave them none).
func (w *world) misconduct(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, now time.Time) error {
	svc = svc.WithClock(fixedClock(now.Add(-3 * time.Hour)))
	var shared string
	if len(w.insurers) >= 2 {
		if i := busiest(w.insurers[0], func(x huifang.Agent) bool { return x.Status == huifang.AgentLeft }); i >= 0 {
			shared = w.insurers[0].agents[i].RegNo
		}
	}
	n := 0 // the proposed records so far, over the companies: a third each confirmed, rejected, left
	for i, ins := range w.insurers {
		comps, mgrs := users[ins.spec.code][huifang.RoleCompliance], users[ins.spec.code][huifang.RoleManager]
		if len(comps) == 0 || len(mgrs) == 0 {
			continue
		}
		comp, mgr := comps[0], mgrs[0]
		if i < 2 && shared != "" {
			if err := w.sharedRecord(ctx, svc, ins, comp, mgr, shared); err != nil {
				return fmt.Errorf("misconduct of %s: %w", ins.spec.code, err)
			}
		}
		recs, err := svc.MisconductRecords(ctx, comp, huifang.MisconductFilter{Status: huifang.MisconductProposed})
		if err != nil {
			return err
		}
		for _, r := range recs {
			n++
			d := misconduct.Decision{Confirm: true, Category: string(r.Category), Reason: confirmReason[r.CaseType]}
			switch n % 3 {
			case 2:
				d = misconduct.Decision{Reason: "经调阅投保影像并询问客户，问题系客户误解，非业务员所致，不予认定"}
			case 0:
				continue // left for compliance to review
			}
			if _, err := svc.DecideMisconduct(ctx, comp, r.ID, d); err != nil {
				return fmt.Errorf("misconduct %d of %s: %w", r.ID, ins.spec.code, err)
			}
		}
	}
	return nil
}

var confirmReason = map[huifang.ProblemType]string{
	huifang.ProblemUnsigned:   "经核对投保影像及客户陈述，投保单确系业务员代签，认定属实",
	huifang.ProblemFalsePhone: "投保人联系电话为业务员本人号码，经核实属实",
	huifang.ProblemMisleading: "业务员向客户承诺保本高收益，录音及客户陈述一致，认定属实",
}

// sharedRecord confirms a record of the agent with registration number
// regNo at one company, opening and closing a case for it when none exists.
func (w *world) sharedRecord(ctx context.Context, svc *app.Service, ins *insurer, comp, mgr *huifang.User, regNo string) error {
	recs, err := svc.MisconductRecords(ctx, comp, huifang.MisconductFilter{RegNo: regNo})
	if err != nil {
		return err
	}
	for _, r := range recs {
		if r.Status == huifang.MisconductConfirmed {
			return nil
		}
	}
	if len(recs) == 0 {
		var code string
		for _, a := range ins.agents {
			if a.RegNo == regNo {
				code = a.Code
			}
		}
		for _, p := range ins.policies {
			if p.AgentCode != code || code == "" {
				continue
			}
			c, err := svc.OpenCase(ctx, mgr, p.No, huifang.ProblemMisleading, "客户来电反映业务员销售时承诺保本高收益")
			if err != nil {
				continue // not loaded yet
			}
			if _, err := svc.CloseCase(ctx, mgr, c.ID, "客户已在犹豫期内办理退保"); err != nil {
				return err
			}
			break
		}
		if recs, err = svc.MisconductRecords(ctx, comp, huifang.MisconductFilter{RegNo: regNo}); err != nil || len(recs) == 0 {
			return err
		}
	}
	r := recs[0]
	_, err = svc.DecideMisconduct(ctx, comp, r.ID, misconduct.Decision{Confirm: true, Category: string(r.Category), Reason: confirmReason[r.CaseType]})
	return err
}
